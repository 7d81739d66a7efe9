package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/redress-sim/redress/estimate"
	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/table"
)

// estimateFlags are what `redress estimate` was asked to do.
type estimateFlags struct {
	data, method, compare, outcome, selection, treatment, instruments, format, vce, sep, cluster, weights string
	robust, dropMissing, deselectMissing                                                                  bool
	neighbours, maxIter, bootstrap, workers                                                               int
	seed                                                                                                  uint64
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
      --outcome "outcome ~ x1 + x2" --selection "contacted ~ x1 + x2 + z"

  # standard errors: clustered by customer (every method but psm), or a
  # bootstrap of 999 replicates resampling whole customers
  redress estimate --data redress-out/episodes.csv --method heckman --cluster customer \
      --outcome "survey_score ~ severity" --selection "responded ~ severity + contacted"
  redress estimate --data redress-out/episodes.csv --method aipw --treatment contacted \
      --outcome "repurchased ~ severity + order_value" --bootstrap 999 --seed 1 --cluster customer

  # probability weights (ols, logit, probit): sandwich standard errors
  redress estimate --data survey.csv --method logit --outcome "y ~ x" --weights w`

func cmdEstimate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("estimate", "estimate --data FILE.csv --method M --outcome \"y ~ x1 + x2\" [flags]", estimateExamples, stdout)
	var s estimateFlags
	fs.StringVar(&s.data, "data", "", "CSV `FILE` with a header row (- reads standard input); cells are numbers, TRUE/FALSE, missing (empty, NA, .) or text, which is carried but not modelled; columns the run does not name are not read")
	fs.StringVar(&s.sep, "sep", ",", "field `separator`: one character, or tab")
	fs.StringVar(&s.method, "method", "", "estimator: "+estimate.MethodNames())
	fs.StringVar(&s.compare, "compare", "", "several `methods`, comma-separated, side by side (as esttab): each gets the flags it reads")
	fs.StringVar(&s.outcome, "outcome", "", "outcome `formula`, R style: \"y ~ x1 + x2\" (intercept included; - 1 drops it)")
	fs.StringVar(&s.selection, "selection", "", "selection `formula` \"s ~ z1 + z2\": for heckit/heckman s is the 0/1 selection indicator, for treatreg the 0/1 treatment; naive, ols, logit and probit use the rows where s is 1")
	fs.StringVar(&s.treatment, "treatment", "", "treatment `column`; for iv the endogenous regressors, \"d\" or \"d1 + d2\" (they may also stand in --outcome, as in R's ivreg)")
	fs.StringVar(&s.instruments, "instruments", "", "excluded instruments \"z1 + z2\"")
	fs.StringVar(&s.format, "format", "text", "output `format`: text, json, markdown or latex (latex: the side-by-side table)")
	fs.StringVar(&s.vce, "vce", "", "`covariance`: for ols, iv and aipw's outcome models classical or hc1 (default: hc1 for iv, classical otherwise); for aipw's effects stacked (default, as Stata's teffects) or influence (the fitted models treated as known)")
	fs.BoolVar(&s.robust, "robust", false, "short for --vce hc1")
	fs.StringVar(&s.cluster, "cluster", "", "cluster-robust standard errors clustered by `column` (numbers or text: customer ids, say) for every method but psm; with --bootstrap, resample whole clusters")
	fs.IntVar(&s.bootstrap, "bootstrap", 0, "bootstrap standard errors from `N` replicates (999, say) resampling rows, or clusters with --cluster; not psm")
	fs.Uint64Var(&s.seed, "seed", 1, "random `seed` of --bootstrap (replicate b draws from the stream (seed, b))")
	fs.IntVar(&s.workers, "workers", 0, "goroutines for --bootstrap (0: all processors); the result does not depend on it")
	fs.StringVar(&s.weights, "weights", "", "probability weights `column` (positive numbers) for ols, logit and probit; standard errors become the HC1 (or, with --cluster, CR1) sandwich")
	fs.IntVar(&s.neighbours, "neighbours", 1, "matches per unit for psm")
	fs.IntVar(&s.maxIter, "max-iter", 100, "iteration limit of maximum-likelihood fits")
	fs.BoolVar(&s.dropMissing, "drop-missing", false, "drop rows with missing values in the model's columns (listwise) instead of failing; never changes a selection model's selection sample")
	fs.BoolVar(&s.deselectMissing, "deselect-missing", false, "with --selection: count a selected row whose outcome is missing as not selected")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("estimate takes no positional arguments (got %q); name the data with --data", strings.Join(pos, " "))
	}
	if s.method != "" && s.compare != "" {
		return usageError("--method and --compare: name one method, or several with --compare")
	}
	if s.data == "" || (s.method == "" && s.compare == "") || s.outcome == "" {
		return usageError("estimate needs --data, --method (or --compare) and --outcome; see redress estimate --help")
	}
	if !slices.Contains([]string{"text", "json", "markdown", "latex"}, s.format) {
		return usageError("--format %q: use text, json, markdown or latex", s.format)
	}
	if err := s.setVCE(); err != nil {
		return err
	}
	methods, err := s.methods(fs)
	if err != nil {
		return err
	}
	m := methods[0]
	t, err := readData(s.data, s.sep, s.columns(methods))
	if err != nil {
		return err
	}
	if s.compare != "" || s.format == "latex" {
		if note := s.varianceNote(); note != "" && s.format != "json" {
			fmt.Fprintf(stderr, "redress: standard errors in the table: %s (--format json gives each method's)\n", note)
		}
		return compareMethods(stdout, t, &s, methods)
	}
	res, err := estimate.FitContext(ctx, t, s.spec(m))
	if err != nil {
		var ce *table.CSVError
		if errors.As(err, &ce) && errors.Is(err, table.ErrText) { // names the file itself
			return &exitError{code: 2, err: fmt.Errorf("%s: %w: the column holds text; write factor(%s) to use its values as categories", m, err, ce.Column)}
		}
		return &exitError{code: 2, err: fmt.Errorf("%s on %s: %w", m, s.data, flagError(err))}
	}
	if res.Dropped > 0 {
		fmt.Fprintf(stderr, "redress: %s: %d of %s dropped for missing values (--drop-missing)\n", s.data, res.Dropped, rowsWord(t.Len()))
	}
	if res.Deselected > 0 {
		fmt.Fprintf(stderr, "redress: %s: %s selected but missing the outcome counted as not selected (--deselect-missing)\n", s.data, rowsWord(res.Deselected))
	}
	mi, _ := m.Info()
	if s.data == "-" {
		s.data = "standard input"
	}
	switch s.format {
	case "json":
		b, err := resultJSON(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	case "markdown":
		printResult(stdout, res, mi.Title, s.data, true)
	default:
		printResult(stdout, res, mi.Title, s.data, false)
	}
	return nil
}

// readData reads --data (a file, or - for standard input) with --sep,
// only the columns keep accepts (all when keep is nil).
func readData(path, sep string, keep func(string) bool) (*table.Table, error) {
	r := []rune(sep)
	if sep == "tab" || sep == `\t` {
		r = []rune{'\t'}
	}
	if len(r) != 1 {
		return nil, usageError("--sep %q: one character, e.g. ';', or tab", sep)
	}
	in, name := io.Reader(os.Stdin), "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, &exitError{code: 2, err: err}
		}
		defer f.Close()
		in, name = f, path
	}
	t, err := table.ReadCSVColumns(in, name, r[0], keep)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return t, nil
}

// columns is the set of columns the methods read with these flags: the
// variables of the outcome and selection formulas, the treatment (for
// iv, its terms' variables) and the instruments', and the cluster and
// weights columns. It is nil, all columns, when a formula does not parse,
// so that the estimation reports the error in its own words. A column
// the file lacks stays absent from the table, whose error for it lists
// the file's columns.
func (s *estimateFlags) columns(methods []estimate.Method) func(string) bool {
	need := map[string]bool{}
	for _, m := range methods {
		sp := s.spec(m)
		ok := addVars(need, sp.Outcome, formula.Parse) && addVars(need, sp.Selection, formula.Parse)
		if m.Reads(estimate.NeedInstruments) { // iv: the treatment is a term list too
			ok = ok && addVars(need, sp.Treatment, formula.ParseTerms) && addVars(need, sp.Instruments, formula.ParseTerms)
		}
		if !ok {
			return nil
		}
		for _, c := range []string{sp.Treatment, sp.Cluster, sp.Weights} {
			if c != "" {
				need[c] = true
			}
		}
	}
	return func(col string) bool { return need[col] }
}

// addVars adds the variables of formula text, read with parse, to need;
// it reports false when text does not parse ("" adds nothing).
func addVars(need map[string]bool, text string, parse func(string) (*formula.Formula, error)) bool {
	if text == "" {
		return true
	}
	f, err := parse(text)
	if err != nil {
		return false
	}
	for _, v := range f.Vars() {
		need[v] = true
	}
	return true
}

// setVCE resolves --robust and --vce into s.vce: hc1 for iv, classical
// otherwise, unless asked.
func (s *estimateFlags) setVCE() error {
	switch {
	case s.robust && s.vce == "classical":
		return usageError("--robust and --vce classical contradict each other")
	case s.robust && (s.vce == "stacked" || s.vce == "influence"):
		return usageError("--robust and --vce %s: name one (--vce takes one value)", s.vce)
	case s.robust:
		s.vce = "hc1"
	case s.vce != "" && s.vce != "classical" && s.vce != "hc1" && s.vce != "stacked" && s.vce != "influence":
		return usageError("--vce %q: use classical or hc1 (least squares), or stacked or influence (aipw's effects)", s.vce)
	}
	return nil
}

// vceOf is the least-squares covariance of method m: --vce or --robust
// when given, else HC1 for iv and classical otherwise.
func (s *estimateFlags) vceOf(m estimate.Method) estimators.VCE {
	if s.vce == "hc1" || (s.vce == "" && m == estimate.IV) {
		return estimators.HC1
	}
	return estimators.Classical
}

// methods checks --method or --compare and the flags each method needs
// or may not take.
func (s *estimateFlags) methods(fs *flag.FlagSet) ([]estimate.Method, error) {
	names := []string{s.method}
	if s.compare != "" {
		names = strings.Split(s.compare, ",")
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := checkBootstrapFlags(set, s); err != nil {
			return nil, err
		}
	}
	var out []estimate.Method
	for _, name := range names {
		name = strings.TrimSpace(name)
		m, err := estimate.ParseMethod(name)
		if err != nil {
			return nil, usageError("--%s %q: available methods are %s", map[bool]string{true: "compare", false: "method"}[s.compare != ""], name, estimate.MethodNames())
		}
		if s.compare == "" {
			if err := checkEstimateFlags(fs, s, m); err != nil {
				return nil, err
			}
		} else if err := checkNeeds(s, m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// spec is the estimation the flags ask for.
func (s *estimateFlags) spec(m estimate.Method) estimate.Spec {
	sp := estimate.Spec{Method: m, Outcome: s.outcome, Selection: s.selection, Treatment: s.treatment,
		Instruments: s.instruments, DropMissing: s.dropMissing, DeselectMissing: s.deselectMissing, MaxIter: s.maxIter}
	if m.Uses("neighbours") {
		sp.Neighbours = s.neighbours
	}
	if m.Uses("vce") {
		sp.VCE = s.vceOf(m)
	}
	if m == estimate.AIPW && s.vce == "influence" {
		sp.EffectVCE = estimators.Influence
	}
	if m.Uses("cluster") && s.cluster != "" {
		sp.Cluster, sp.VCE = s.cluster, estimators.Classical
	}
	if m.Uses("weights") {
		sp.Weights = s.weights
	}
	if s.bootstrap > 0 && m != estimate.PSM {
		sp.Bootstrap, sp.Seed, sp.Workers = s.bootstrap, s.seed, s.workers
		if sp.Cluster == "" {
			sp.Cluster = s.cluster
		}
	}
	return sp
}

// flagError rewrites an estimation error in terms of the flags: a Spec
// field becomes its flag, a missing value gets the advice of
// --drop-missing.
func flagError(err error) error {
	var se *estimate.SpecError
	if errors.As(err, &se) {
		flag := map[string]string{"DropMissing": "drop-missing", "MaxIter": "max-iter"}[se.Field]
		if flag == "" {
			flag = strings.ToLower(se.Field)
		}
		return fmt.Errorf("--%s: %s", flag, se.Msg)
	}
	var me *estimate.MissingValueError
	if errors.As(err, &me) {
		if me.Selected {
			return fmt.Errorf("selected row %d: column %q is missing; a selected row needs its outcome: select on the indicator of an observed outcome (in episodes.csv, responded for survey_score), or add --deselect-missing to count such rows as not selected", me.Row, me.Column)
		}
		return fmt.Errorf("row %d: column %q is missing; use --drop-missing for listwise deletion", me.Row, me.Column)
	}
	return err
}

// printResult prints an estimation result as aligned text or Markdown.
func printResult(w io.Writer, r *estimate.Result, title, data string, md bool) {
	if md {
		fmt.Fprintf(w, "### %s: %s\n\n", r.Method, title)
		fmt.Fprintf(w, "Data `%s`; n = %d", data, r.N)
	} else {
		fmt.Fprintf(w, "%s: %s\n", r.Method, title)
		fmt.Fprintf(w, "data %s; n = %d", data, r.N)
	}
	if r.NSelected > 0 {
		fmt.Fprintf(w, ", selected = %d", r.NSelected)
	}
	if r.Dropped > 0 {
		fmt.Fprintf(w, "; %s with missing values dropped (listwise)", rowsWord(r.Dropped))
	}
	if r.Weights != "" {
		fmt.Fprintf(w, "; probability weights %s", r.Weights)
	}
	switch {
	case r.Bootstrap != nil:
		fmt.Fprintf(w, "; standard errors %s", r.VCEDescription())
	case r.Clusters > 0:
		fmt.Fprintf(w, "; standard errors cluster-robust (CR1) over %s clusters", report.Thousands(float64(r.Clusters), 0))
	case r.Weights != "":
		fmt.Fprint(w, "; standard errors sandwich (HC1)")
	}
	fmt.Fprintln(w)
	for _, e := range r.Equations {
		stat := "z"
		if e.DF > 0 {
			stat = fmt.Sprintf("t(%g)", e.DF)
		}
		head := []string{"term", "estimate", "std. error", stat, "p-value", "95% interval"}
		var rows [][]string
		for _, c := range e.Coefs {
			lo, hi := e.CI95(c)
			rows = append(rows, []string{c.Term, f4(c.Estimate), f4(c.StdError), fmt.Sprintf("%.2f", c.Stat()),
				pValue(e.PValue(c)), fmt.Sprintf("[%s, %s]", f4(lo), f4(hi))})
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
	if len(r.Tests) > 0 {
		var rows [][]string
		for _, t := range r.Tests {
			rows = append(rows, []string{t.Name, fmt.Sprintf("%.4f", t.Statistic), fmt.Sprint(t.DF), pValue(t.PValue)})
		}
		fmt.Fprintln(w)
		if md {
			fmt.Fprint(w, "**tests**\n\n")
		} else {
			fmt.Fprintln(w, "tests")
		}
		grid(w, []string{"test", "chi2", "df", "p-value"}, rows, md)
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
	if aic, ok := r.AIC(); ok {
		bic, _ := r.BIC()
		line += fmt.Sprintf("; AIC %.4f, BIC %.4f", aic, bic)
	}
	if f := r.Fit; f != nil {
		line += fmt.Sprintf("; R² %.4f, adjusted %.4f; F %.4g on %g and %g df, p-value %s; residual SE %.4g on %g df",
			f.R2, f.AdjR2, f.F, f.DF1, f.DF2, pValue(f.FPValue), f.ResidualSE, f.DF2)
	}
	fmt.Fprintln(w, line)
}

// resultJSON is the result's JSON (SPEC §11) with the rows dropped for
// missing values and the rows deselected, indented.
func resultJSON(res *estimate.Result) ([]byte, error) {
	b, err := res.Result.MarshalJSON()
	if err != nil {
		return nil, err
	}
	b = append(b[:len(b)-1], fmt.Sprintf(`,"dropped":%d,"deselected":%d,"clusters":%d`, res.Dropped, res.Deselected, res.Clusters)...)
	extra, err := json.Marshal(struct {
		VCE       string                  `json:"standard_errors"`
		Weights   *string                 `json:"weights"`
		Bootstrap *estimate.BootstrapInfo `json:"bootstrap"`
	}{vceWords(res), nilIfEmpty(res.Weights), res.Bootstrap})
	if err != nil {
		return nil, err
	}
	b = append(append(b, ','), extra[1:]...)
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// vceWords says which standard errors res carries: the bootstrap's or
// the clusters' description, or "default" (the method's own).
func vceWords(res *estimate.Result) string {
	if d := res.VCEDescription(); d != "" {
		return d
	}
	if res.Weights != "" {
		return "sandwich (HC1) for probability weights"
	}
	return "default"
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// pValue writes a p-value with four decimals, or as "< 1e-16"-style
// bounds R uses below them.
func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "n/a"
	case p < 2e-16:
		return "< 2e-16"
	case p < 1e-4:
		return fmt.Sprintf("%.2e", p)
	}
	return fmt.Sprintf("%.4f", p)
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

// checkNeeds refuses a method whose required flags are missing.
func checkNeeds(s *estimateFlags, m estimate.Method) error {
	mi, _ := m.Info()
	for _, need := range mi.Needs {
		switch {
		case need == estimate.NeedSelection && s.selection == "":
			return usageError("%s needs --selection \"s ~ z1 + z2\"", m)
		case need == estimate.NeedTreatment && s.treatment == "":
			return usageError("%s needs --treatment COLUMN (the 0/1 treatment, or for iv the endogenous regressor)", m)
		case need == estimate.NeedInstruments && s.instruments == "":
			return usageError("%s needs --instruments \"z1 + z2\" (the excluded instruments)", m)
		}
	}
	return nil
}

// checkEstimateFlags refuses flag values out of range and flags the
// chosen method would silently ignore.
func checkEstimateFlags(fs *flag.FlagSet, s *estimateFlags, m estimate.Method) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if s.neighbours < 1 {
		return usageError("--neighbours %d: psm needs at least 1 match per unit", s.neighbours)
	}
	if set["neighbours"] && !m.Uses("neighbours") {
		return usageError("--neighbours applies to psm only, not %s", s.method)
	}
	if err := checkNeeds(s, m); err != nil {
		return err
	}
	for _, f := range []struct {
		need  estimate.Need
		given string
	}{{estimate.NeedSelection, s.selection}, {estimate.NeedTreatment, s.treatment}, {estimate.NeedInstruments, s.instruments}} {
		if f.given != "" && !m.Reads(f.need) {
			return usageError("--%s is not used by %s", f.need, m)
		}
	}
	if s.deselectMissing && !m.Reads(estimate.NeedSelection) {
		return usageError("--deselect-missing applies to a model with --selection, not %s", m)
	}
	if s.maxIter < 1 {
		return usageError("--max-iter %d: the iteration limit must be ≥ 1", s.maxIter)
	}
	if s.cluster != "" && m == estimate.PSM {
		return usageError("--cluster: psm has no cluster-robust standard errors (the Abadie–Imbens matching variance is not a sum of per-observation terms, so it does not cluster); use ipw or aipw")
	}
	if s.cluster != "" && (set["robust"] || s.vce == "classical" || s.vce == "hc1") {
		return usageError("--cluster and --vce/--robust: clusters give the cluster-robust covariance; name one")
	}
	if err := checkVarianceFlags(set, s, m); err != nil {
		return err
	}
	if (set["vce"] || set["robust"]) && !m.Uses("vce") {
		return usageError("--vce and --robust apply to ols, iv and aipw only, not %s", s.method)
	}
	if (s.vce == "stacked" || s.vce == "influence") && m != estimate.AIPW {
		return usageError("--vce %s applies to aipw's effects only, not %s; for %s use classical or hc1", s.vce, m, m)
	}
	return nil
}

// varianceNote says which standard errors the variance flags ask for,
// for the side-by-side table, whose header does not ("" without them).
func (s *estimateFlags) varianceNote() string {
	var parts []string
	switch {
	case s.bootstrap > 0 && s.cluster != "":
		parts = append(parts, fmt.Sprintf("bootstrap, %d replicates per method resampling clusters of %s (seed %d; psm keeps its own)", s.bootstrap, s.cluster, s.seed))
	case s.bootstrap > 0:
		parts = append(parts, fmt.Sprintf("bootstrap, %d replicates per method (seed %d; psm keeps its own)", s.bootstrap, s.seed))
	case s.cluster != "":
		parts = append(parts, fmt.Sprintf("cluster-robust over %s (psm: its own)", s.cluster))
	}
	if s.weights != "" {
		parts = append(parts, fmt.Sprintf("probability weights %s for ols, logit and probit", s.weights))
	}
	return strings.Join(parts, "; ")
}

// checkVarianceFlags refuses bad --bootstrap, --seed, --workers and
// --weights values and their combinations with method m.
func checkVarianceFlags(set map[string]bool, s *estimateFlags, m estimate.Method) error {
	if err := checkBootstrapFlags(set, s); err != nil {
		return err
	}
	switch {
	case s.bootstrap > 0 && m == estimate.PSM:
		return usageError("--bootstrap: the bootstrap is not valid for nearest-neighbour matching (Abadie & Imbens 2008), so psm keeps its Abadie–Imbens standard errors")
	case s.weights != "" && !m.Uses("weights"):
		return usageError("--weights applies to ols, logit and probit only, not %s", m)
	case s.weights != "" && s.vce == "classical":
		return usageError("--weights and --vce classical: probability weights take the sandwich (HC1) covariance")
	}
	return nil
}

// checkBootstrapFlags refuses bad --bootstrap, --seed and --workers
// values, whatever the method (--compare included).
func checkBootstrapFlags(set map[string]bool, s *estimateFlags) error {
	switch {
	case set["bootstrap"] && s.bootstrap < 2:
		return usageError("--bootstrap %d: the bootstrap needs at least 2 replicates (999, say)", s.bootstrap)
	case (set["seed"] || set["workers"]) && !set["bootstrap"]:
		return usageError("--seed and --workers apply to --bootstrap only")
	case s.workers < 0:
		return usageError("--workers %d: must be ≥ 0 (0: all processors)", s.workers)
	}
	return nil
}
