package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

// estimateSpec is what `redress estimate` was asked to do.
type estimateSpec struct {
	data, method, outcome, selection, treatment, instruments, format, vce string
	robust, dropMissing                                                   bool
	neighbours, maxIter                                                   int
	// dropped is set by the fit: rows left out for missing values
	// (listwise deletion under --drop-missing).
	dropped int
}

// method is one estimator the command can run.
type method struct {
	name, title string
	// needs lists the flags the method requires besides --outcome.
	needs []string
	run   func(t *table.Table, s *estimateSpec) (*estimators.Result, error)
}

func methods() []method {
	return []method{
		{"naive", "difference in means (with --treatment) or mean of the observed outcome", nil, runNaive},
		{"ols", "least squares", nil, runOLS},
		{"logit", "logit (maximum likelihood)", nil, runBinary(estimators.Logit)},
		{"probit", "probit (maximum likelihood)", nil, runBinary(estimators.Probit)},
		{"heckit", "Heckman two-step selection model", []string{"selection"}, runSelectionModel(estimators.Heckit)},
		{"heckman", "Heckman selection model, full-information maximum likelihood", []string{"selection"}, runSelectionModel(estimators.Heckman)},
		{"treatreg", "endogenous treatment (Maddala), maximum likelihood", []string{"selection"}, runTreatReg(estimators.TreatRegML)},
		{"treatreg-twostep", "endogenous treatment (Maddala), two-step control function", []string{"selection"}, runTreatReg(estimators.TreatRegTwoStep)},
		{"ipw", "inverse probability weighting (normalised weights, logit propensity)", []string{"treatment"}, runWeighting("ipw")},
		{"aipw", "augmented IPW (doubly robust)", []string{"treatment"}, runWeighting("aipw")},
		{"psm", "nearest-neighbour propensity-score matching with replacement", []string{"treatment"}, runWeighting("psm")},
		{"iv", "two-stage least squares", []string{"treatment", "instruments"}, runIV},
	}
}

func methodNames() string {
	var names []string
	for _, m := range methods() {
		names = append(names, m.name)
	}
	return strings.Join(names, ", ")
}

const estimateExamples = `  # least squares with heteroskedasticity-robust (HC1) standard errors
  redress estimate --data redress-out/episodes.csv --method ols \
      --outcome "repurchased ~ contacted + order_value + tenure_weeks" --robust

  # binary outcome: logit or probit, with average marginal effects
  redress estimate --data redress-out/episodes.csv --method probit \
      --outcome "contacted ~ severity + order_value + instrument"

  # Heckman two-step: the outcome is read only where the selection
  # indicator (left of --selection) is 1
  redress run textbook-selection --out tb
  redress estimate --data tb/episodes.csv --method heckit \
      --outcome "satisfaction ~ x1 + x2" --selection "contacted ~ x1 + x2 + z" --format json

  # the same model by maximum likelihood
  redress estimate --data tb/episodes.csv --method heckman \
      --outcome "satisfaction ~ x1 + x2" --selection "contacted ~ x1 + x2 + z"

  # treatment effects under selection on observables: the propensity and
  # outcome models use the right-hand side of --outcome
  redress estimate --data redress-out/episodes.csv --method aipw --treatment contacted \
      --outcome "repurchased ~ severity + order_value + tenure_weeks"
  (also --method ipw, --method psm [--neighbours 1], --method naive)

  # instrumental variables (2SLS): --treatment is the endogenous regressor
  redress estimate --data redress-out/episodes.csv --method iv --treatment contacted \
      --instruments "instrument" --outcome "repurchased ~ severity + order_value"
  (HC1 standard errors by default; --vce classical for the homoskedastic ones)

  # endogenous treatment: --selection is the treatment equation; the
  # treatment (its left side) is added to the outcome equation
  redress estimate --data tb/episodes.csv --method treatreg \
      --outcome "outcome ~ x1 + x2" --selection "contacted ~ x1 + x2 + z"`

func cmdEstimate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("estimate", "estimate --data FILE.csv --method M --outcome \"y ~ x1 + x2\" [flags]", estimateExamples, stdout)
	var s estimateSpec
	fs.StringVar(&s.data, "data", "", "CSV `FILE` with a header row and numeric cells (empty or NA = missing)")
	fs.StringVar(&s.method, "method", "", "estimator: "+methodNames())
	fs.StringVar(&s.outcome, "outcome", "", "outcome `formula`, R style: \"y ~ x1 + x2\" (intercept included; - 1 drops it)")
	fs.StringVar(&s.selection, "selection", "", "selection `formula` \"s ~ z1 + z2\": for heckit/heckman s is the 0/1 selection indicator, for treatreg the 0/1 treatment")
	fs.StringVar(&s.treatment, "treatment", "", "treatment or endogenous `column`")
	fs.StringVar(&s.instruments, "instruments", "", "excluded instruments \"z1 + z2\"")
	fs.StringVar(&s.format, "format", "text", "output `format`: text, json or markdown")
	fs.StringVar(&s.vce, "vce", "", "least-squares `covariance` for ols, iv and aipw's outcome models: classical or hc1 (default: hc1 for iv, classical otherwise)")
	fs.BoolVar(&s.robust, "robust", false, "short for --vce hc1")
	fs.IntVar(&s.neighbours, "neighbours", 1, "matches per unit for psm")
	fs.IntVar(&s.maxIter, "max-iter", 100, "iteration limit of maximum-likelihood fits")
	fs.BoolVar(&s.dropMissing, "drop-missing", false, "drop rows with missing values in the model's columns (listwise) instead of failing")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("estimate takes no positional arguments (got %q); name the data with --data", strings.Join(pos, " "))
	}
	if s.data == "" || s.method == "" || s.outcome == "" {
		return usageError("estimate needs --data, --method and --outcome; see redress estimate --help")
	}
	if !slices.Contains([]string{"text", "json", "markdown"}, s.format) {
		return usageError("--format %q: use text, json or markdown", s.format)
	}
	if err := s.setVCE(); err != nil {
		return err
	}
	i := slices.IndexFunc(methods(), func(m method) bool { return m.name == s.method })
	if i < 0 {
		return usageError("--method %q: available methods are %s", s.method, methodNames())
	}
	m := methods()[i]
	if err := checkEstimateFlags(fs, &s); err != nil {
		return err
	}
	if err := m.checkNeeds(&s); err != nil {
		return err
	}
	t, err := table.ReadCSVFile(s.data)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	res, err := m.run(t, &s)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("%s on %s: %w", m.name, s.data, err)}
	}
	if s.dropped > 0 {
		fmt.Fprintf(stderr, "redress: %s: %d of %s dropped for missing values (--drop-missing)\n", s.data, s.dropped, rowsWord(t.Len()))
	}
	switch s.format {
	case "json":
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	case "markdown":
		printResult(stdout, res, m.title, &s, true)
	default:
		printResult(stdout, res, m.title, &s, false)
	}
	return nil
}

// setVCE resolves --robust and --vce into s.vce: hc1 for iv, classical
// otherwise, unless asked.
func (s *estimateSpec) setVCE() error {
	switch {
	case s.robust && s.vce == "classical":
		return usageError("--robust and --vce classical contradict each other")
	case s.robust:
		s.vce = "hc1"
	case s.vce == "":
		s.vce = "classical"
		if s.method == "iv" {
			s.vce = "hc1"
		}
	case s.vce != "classical" && s.vce != "hc1":
		return usageError("--vce %q: use classical or hc1", s.vce)
	}
	return nil
}

// checkNeeds refuses a method whose required flags are missing.
func (m method) checkNeeds(s *estimateSpec) error {
	for _, need := range m.needs {
		if need == "selection" && s.selection == "" {
			return usageError("%s needs --selection \"s ~ z1 + z2\"", m.name)
		}
		if need == "treatment" && s.treatment == "" {
			return usageError("%s needs --treatment COLUMN (the 0/1 treatment, or for iv the endogenous regressor)", m.name)
		}
		if need == "instruments" && s.instruments == "" {
			return usageError("%s needs --instruments \"z1 + z2\" (the excluded instruments)", m.name)
		}
	}
	return nil
}

// options are the estimator options the flags ask for.
func (s *estimateSpec) options() estimators.Options {
	o := estimators.Options{MaxIter: s.maxIter}
	if s.vce == "hc1" {
		o.VCE = estimators.HC1
	}
	return o
}

// outcomeDesign is the design of --outcome over the rows complete in its
// columns.
func outcomeDesign(t *table.Table, s *estimateSpec) (*formula.Design, error) {
	f, err := formula.Parse(s.outcome)
	if err != nil {
		return nil, err
	}
	keep, err := modelRows(t, f.Vars(), s)
	if err != nil {
		return nil, err
	}
	return formula.NewDesign(t, f, formula.DesignOptions{Subset: keep})
}

func runOLS(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
	d, err := outcomeDesign(t, s)
	if err != nil {
		return nil, err
	}
	return estimators.OLS(d.X, d.Y, d.Names, s.options())
}

func runBinary(fit func(*mat.Dense, []float64, []string, estimators.Options) (*estimators.Result, error)) func(*table.Table, *estimateSpec) (*estimators.Result, error) {
	return func(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
		d, err := outcomeDesign(t, s)
		if err != nil {
			return nil, err
		}
		return fit(d.X, d.Y, d.Names, estimators.Options{MaxIter: s.maxIter})
	}
}

type selectionFit func(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts estimators.Options) (*estimators.Result, error)

func runSelectionModel(fit selectionFit) func(*table.Table, *estimateSpec) (*estimators.Result, error) {
	return func(t *table.Table, s *estimateSpec) (*estimators.Result, error) { return runSelection(t, s, fit) }
}

// selectionRows returns the rows a selection model uses and which of them
// are selected: a row is used when the selection indicator ind and the
// columns selVars are present and, if it is selected, the columns outVars
// too (the outcome may be missing where it is not observed). Missing
// values are an error naming the row and column unless --drop-missing.
// The indicator must be 0 or 1 and must be 1 somewhere; a selection model
// (model true) also needs rows where it is 0.
func selectionRows(t *table.Table, ind string, selVars, outVars []string, s *estimateSpec, model bool) (keep, selected []bool, err error) {
	sc, err := t.Col(ind)
	if err != nil {
		return nil, nil, err
	}
	selected = make([]bool, t.Len())
	for i, v := range sc {
		switch {
		case v == 1:
			selected[i] = true
		case v == 0 || math.IsNaN(v):
		default:
			return nil, nil, fmt.Errorf("selection indicator %q must be 0 or 1; row %d has %g", ind, i+1, v)
		}
	}
	keep, err = modelRows(t, append([]string{ind}, selVars...), s)
	if err != nil {
		return nil, nil, err
	}
	dropped := s.dropped
	for _, name := range outVars {
		c, err := t.Col(name)
		if err != nil {
			return nil, nil, err
		}
		for i, v := range c {
			if keep[i] && selected[i] && math.IsNaN(v) {
				if !s.dropMissing {
					return nil, nil, fmt.Errorf("selected row %d: column %q is missing; use --drop-missing for listwise deletion", i+1, name)
				}
				keep[i] = false
				dropped++
			}
		}
	}
	s.dropped = dropped
	n, n1 := 0, 0
	for i, k := range keep {
		selected[i] = selected[i] && k
		if k {
			n++
		}
		if selected[i] {
			n1++
		}
	}
	switch {
	case n1 == 0:
		return nil, nil, fmt.Errorf("no selected observations: the selection indicator %q is 0 in all %d rows used", ind, n)
	case n1 == n && model:
		return nil, nil, fmt.Errorf("no unselected observations: the selection indicator %q is 1 in all %d rows used, so there is no selection to model (use ols)", ind, n)
	}
	return keep, selected, nil
}

// runSelection builds the selection design over the rows used and the
// outcome design over the selected ones (the outcome may be missing
// elsewhere), then fits the selection model.
func runSelection(t *table.Table, s *estimateSpec, fit selectionFit) (*estimators.Result, error) {
	sf, err := formula.Parse(s.selection)
	if err != nil {
		return nil, err
	}
	of, err := formula.Parse(s.outcome)
	if err != nil {
		return nil, err
	}
	if sf.Response == "" || of.Response == "" {
		return nil, fmt.Errorf("both --selection and --outcome need a left-hand side")
	}
	keep, selected, err := selectionRows(t, sf.Response, sf.Vars(), of.Vars(), s, true)
	if err != nil {
		return nil, err
	}
	sd, err := formula.NewDesign(t, sf, formula.DesignOptions{Subset: keep})
	if err != nil {
		return nil, fmt.Errorf("selection equation: %w", err)
	}
	od, err := formula.NewDesign(t, of, formula.DesignOptions{Subset: selected})
	if err != nil {
		return nil, fmt.Errorf("outcome equation: %w", err)
	}
	// The selection design's rows, with the outcome design's filled in
	// where the row is selected (both designs list rows in table order).
	n := len(sd.Rows)
	_, kx := od.X.Dims()
	X := mat.NewDense(n, kx, nil)
	y := make([]float64, n)
	sel := make([]float64, n)
	j := 0
	for k, row := range sd.Rows {
		if !selected[row] {
			for c := range kx {
				X.Set(k, c, math.NaN())
			}
			y[k] = math.NaN()
			continue
		}
		if od.Rows[j] != row {
			return nil, fmt.Errorf("internal error: outcome row %d does not match selection row %d", od.Rows[j]+1, row+1)
		}
		sel[k] = 1
		for c := range kx {
			X.Set(k, c, od.X.At(j, c))
		}
		y[k] = od.Y[j]
		j++
	}
	return fit(sd.X, sel, sd.Names, X, y, od.Names, estimators.Options{MaxIter: s.maxIter})
}

type treatFit func(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, treatName string, opts estimators.Options) (*estimators.Result, error)

// runTreatReg fits the endogenous-treatment model: --selection is the
// treatment equation "d ~ z1 + z2", --outcome "y ~ x1 + x2" (without d,
// which is added as the last outcome regressor).
func runTreatReg(fit treatFit) func(*table.Table, *estimateSpec) (*estimators.Result, error) {
	return func(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
		tf, err := formula.Parse(s.selection)
		if err != nil {
			return nil, err
		}
		of, err := formula.Parse(s.outcome)
		if err != nil {
			return nil, err
		}
		if tf.Response == "" || of.Response == "" {
			return nil, fmt.Errorf("both --selection (the treatment equation) and --outcome need a left-hand side")
		}
		if slices.Contains(of.Terms, tf.Response) {
			return nil, fmt.Errorf("leave the treatment %q out of --outcome: treatreg adds it", tf.Response)
		}
		// One set of rows for both equations.
		keep, err := modelRows(t, append(tf.Vars(), of.Vars()...), s)
		if err != nil {
			return nil, err
		}
		opts := formula.DesignOptions{Subset: keep}
		td, err := formula.NewDesign(t, tf, opts)
		if err != nil {
			return nil, fmt.Errorf("treatment equation: %w", err)
		}
		od, err := formula.NewDesign(t, of, opts)
		if err != nil {
			return nil, fmt.Errorf("outcome equation: %w", err)
		}
		return fit(td.X, td.Y, td.Names, od.X, od.Y, od.Names, tf.Response, estimators.Options{MaxIter: s.maxIter})
	}
}

// printResult prints an estimation result as aligned text or Markdown.
func printResult(w io.Writer, r *estimators.Result, title string, s *estimateSpec, md bool) {
	if md {
		fmt.Fprintf(w, "### %s: %s\n\n", r.Method, title)
		fmt.Fprintf(w, "Data `%s`; n = %d", s.data, r.N)
	} else {
		fmt.Fprintf(w, "%s: %s\n", r.Method, title)
		fmt.Fprintf(w, "data %s; n = %d", s.data, r.N)
	}
	if r.NSelected > 0 {
		fmt.Fprintf(w, ", selected = %d", r.NSelected)
	}
	if s.dropped > 0 {
		fmt.Fprintf(w, "; %s with missing values dropped (listwise)", rowsWord(s.dropped))
	}
	fmt.Fprintln(w)
	head := []string{"term", "estimate", "std. error", "z", "p-value", "95% interval"}
	for _, e := range r.Equations {
		var rows [][]string
		for _, c := range e.Coefs {
			lo, hi := c.CI95()
			rows = append(rows, []string{c.Term, f4(c.Estimate), f4(c.StdError), fmt.Sprintf("%.2f", c.Stat()),
				fmt.Sprintf("%.4f", c.PValue()), fmt.Sprintf("[%s, %s]", f4(lo), f4(hi))})
		}
		fmt.Fprintln(w)
		if md {
			fmt.Fprintf(w, "**%s**\n\n", e.Name)
		} else {
			fmt.Fprintf(w, "%s\n", e.Name)
		}
		grid(w, head, rows, md)
	}
	for _, part := range []struct {
		name string
		list []estimators.Aux
	}{{"auxiliary", r.Auxiliary}, {"effects", r.Effects}} {
		if len(part.list) == 0 {
			continue
		}
		var rows [][]string
		for _, a := range part.list {
			se := ""
			if a.HasSE {
				se = f4(a.StdError)
			}
			rows = append(rows, []string{a.Name, f4(a.Estimate), se})
		}
		fmt.Fprintln(w)
		if md {
			fmt.Fprintf(w, "**%s**\n\n", part.name)
		} else {
			fmt.Fprintf(w, "%s\n", part.name)
		}
		grid(w, []string{"parameter", "estimate", "std. error"}, rows, md)
	}
	fmt.Fprintln(w)
	line := "closed form"
	switch {
	case r.Iterations > 0 && r.Converged:
		line = fmt.Sprintf("converged in %d iterations", r.Iterations)
	case r.Iterations > 0:
		line = fmt.Sprintf("did not converge in %d iterations", r.Iterations)
	}
	if r.LogLik != nil {
		line += fmt.Sprintf("; log-likelihood %.4f", *r.LogLik)
	}
	fmt.Fprintln(w, line)
}

// rowsWord is "1 row" or "n rows".
func rowsWord(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

func f4(x float64) string { return fmt.Sprintf("%.4f", x) }

// grid prints a table: aligned text (numbers right-aligned) or Markdown.
func grid(w io.Writer, head []string, rows [][]string, md bool) {
	if md {
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
		for _, r := range rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
		}
		return
	}
	width := make([]int, len(head))
	for c, h := range head {
		width[c] = len([]rune(h))
	}
	for _, r := range rows {
		for c, v := range r {
			width[c] = max(width[c], len([]rune(v)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("  ")
		for c, v := range cells {
			pad := strings.Repeat(" ", width[c]-len([]rune(v)))
			if c == 0 {
				b.WriteString(v + pad)
			} else {
				b.WriteString("  " + pad + v)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
}

// modelRows returns the rows complete in vars. A missing value is an
// error naming its row and column unless --drop-missing asked for listwise
// deletion; the number of rows dropped is recorded in s.dropped.
func modelRows(t *table.Table, vars []string, s *estimateSpec) ([]bool, error) {
	keep, err := t.Complete(vars)
	if err != nil {
		return nil, err
	}
	dropped := 0
	for i, ok := range keep {
		if ok {
			continue
		}
		if !s.dropMissing {
			for _, name := range vars {
				if c, _ := t.Col(name); math.IsNaN(c[i]) {
					return nil, fmt.Errorf("row %d: column %q is missing; use --drop-missing for listwise deletion", i+1, name)
				}
			}
		}
		dropped++
	}
	if dropped == len(keep) {
		return nil, fmt.Errorf("no rows left: all %d have missing values in the model's columns", dropped)
	}
	s.dropped = dropped
	return keep, nil
}

func column(t *table.Table, name string, keep []bool) ([]float64, error) {
	c, err := t.Col(name)
	if err != nil {
		return nil, err
	}
	var out []float64
	for i, v := range c {
		if keep == nil || keep[i] {
			out = append(out, v)
		}
	}
	return out, nil
}

// runNaive: with --treatment, the difference in mean outcome between
// treated and untreated; with --selection, the mean outcome where the
// selection indicator is 1; else the mean outcome.
func runNaive(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
	f, err := formula.Parse(s.outcome)
	if err != nil {
		return nil, err
	}
	if f.Response == "" {
		return nil, fmt.Errorf("--outcome needs a left-hand side (\"y ~ 1\")")
	}
	switch {
	case s.treatment != "":
		keep, err := modelRows(t, []string{f.Response, s.treatment}, s)
		if err != nil {
			return nil, err
		}
		y, err := column(t, f.Response, keep)
		if err != nil {
			return nil, err
		}
		d, err := column(t, s.treatment, keep)
		if err != nil {
			return nil, err
		}
		return estimators.Naive(y, d)
	case s.selection != "":
		sf, err := formula.Parse(s.selection)
		if err != nil {
			return nil, err
		}
		keep, _, err := selectionRows(t, sf.Response, nil, []string{f.Response}, s, false)
		if err != nil {
			return nil, err
		}
		sel, err := column(t, sf.Response, keep)
		if err != nil {
			return nil, err
		}
		y, err := column(t, f.Response, keep)
		if err != nil {
			return nil, err
		}
		return estimators.NaiveMean(y, sel)
	}
	keep, err := modelRows(t, []string{f.Response}, s)
	if err != nil {
		return nil, err
	}
	y, err := column(t, f.Response, keep)
	if err != nil {
		return nil, err
	}
	return estimators.NaiveMean(y, nil)
}

// runWeighting fits ipw, aipw or psm: the propensity (and for aipw the
// outcome) model uses the right-hand side of --outcome.
func runWeighting(m string) func(*table.Table, *estimateSpec) (*estimators.Result, error) {
	return func(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
		f, err := formula.Parse(s.outcome)
		if err != nil {
			return nil, err
		}
		if f.Response == "" {
			return nil, fmt.Errorf("--outcome needs a left-hand side")
		}
		if slices.Contains(f.Terms, s.treatment) {
			return nil, fmt.Errorf("leave the treatment %q out of --outcome", s.treatment)
		}
		keep, err := modelRows(t, append(f.Vars(), s.treatment), s)
		if err != nil {
			return nil, err
		}
		d, err := formula.NewDesign(t, f, formula.DesignOptions{Subset: keep})
		if err != nil {
			return nil, err
		}
		treat, err := column(t, s.treatment, keep)
		if err != nil {
			return nil, err
		}
		opts := s.options()
		switch m {
		case "ipw":
			return estimators.IPW(d.X, treat, d.Names, d.Y, opts)
		case "aipw":
			return estimators.AIPW(d.X, treat, d.Names, d.X, d.Y, d.Names, opts)
		}
		return estimators.PSM(d.X, treat, d.Names, d.Y, s.neighbours, opts)
	}
}

// runIV fits 2SLS: --outcome holds the exogenous regressors, --treatment
// the endogenous one, --instruments the excluded instruments.
func runIV(t *table.Table, s *estimateSpec) (*estimators.Result, error) {
	f, err := formula.Parse(s.outcome)
	if err != nil {
		return nil, err
	}
	zf, err := formula.ParseTerms(s.instruments)
	if err != nil {
		return nil, err
	}
	if f.Response == "" {
		return nil, fmt.Errorf("--outcome needs a left-hand side")
	}
	keep, err := modelRows(t, append(append(f.Vars(), s.treatment), zf.Terms...), s)
	if err != nil {
		return nil, err
	}
	opts := formula.DesignOptions{Subset: keep}
	xd, err := formula.NewDesign(t, f, opts)
	if err != nil {
		return nil, err
	}
	dd, err := formula.NewDesign(t, &formula.Formula{Terms: []string{s.treatment}}, opts)
	if err != nil {
		return nil, err
	}
	zd, err := formula.NewDesign(t, &formula.Formula{Terms: zf.Terms}, opts)
	if err != nil {
		return nil, err
	}
	return estimators.IV(xd.X, xd.Names, dd.X, dd.Names, zd.X, zd.Names, xd.Y, s.options())
}

// checkEstimateFlags refuses flag values out of range and flags the
// chosen method would silently ignore.
func checkEstimateFlags(fs *flag.FlagSet, s *estimateSpec) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if s.neighbours < 1 {
		return usageError("--neighbours %d: psm needs at least 1 match per unit", s.neighbours)
	}
	if set["neighbours"] && s.method != "psm" {
		return usageError("--neighbours applies to psm only, not %s", s.method)
	}
	if s.maxIter < 1 {
		return usageError("--max-iter %d: the iteration limit must be ≥ 1", s.maxIter)
	}
	if (set["vce"] || set["robust"]) && !slices.Contains([]string{"ols", "iv", "aipw"}, s.method) {
		return usageError("--vce and --robust apply to ols, iv and aipw only, not %s", s.method)
	}
	return nil
}
