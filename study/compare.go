// Package study runs estimators on simulated data and sets each estimate
// against the true value of the estimand it targets.
//
// Evaluate is the building block of the run summary's estimator table and
// of Monte Carlo bias studies: for each estimand of the scenario's mode it
// knows which observed columns form the outcome, selection and treatment
// equations, runs every applicable estimator, and pairs the estimate with
// the truth from truth.json.
package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/redress-sim/redress/estimate"
	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
	"github.com/redress-sim/redress/truth"
)

// Row is one estimator's estimate of one estimand.
type Row struct {
	Estimand string
	Method   string
	// Truth is the estimand's true value in the simulated data.
	Truth    float64
	Estimate float64
	StdError float64
	// Err is set when the estimator failed; Estimate and StdError are
	// then meaningless.
	Err error
	// noSE marks an estimate given without a standard error (an
	// external estimator may give none): StdError is then NaN.
	noSE bool
}

// CI95 returns the normal 95% interval of the estimate.
func (r Row) CI95() (float64, float64) {
	const z = 1.959963984540054
	return r.Estimate - z*r.StdError, r.Estimate + z*r.StdError
}

// Covers reports whether the 95% interval contains the truth.
func (r Row) Covers() bool {
	lo, hi := r.CI95()
	return r.Err == nil && lo <= r.Truth && r.Truth <= hi
}

// Rejects reports whether the 95% interval excludes zero: the two-sided
// test of a zero estimand rejects at the 5% level.
func (r Row) Rejects() bool {
	lo, hi := r.CI95()
	return r.Err == nil && (lo > 0 || hi < 0)
}

// spec says how the observed columns map onto an estimand's equations.
type spec struct {
	estimand string
	// outcome and covariates of the outcome equation
	y  string
	xs []string
	// selection indicator (observed outcome only where 1) or treatment
	sel       string
	treat     string
	extraSel  []string // regressors of the selection/treatment equation beyond xs
	instrumnt string
	// coefficient of interest in the outcome equation, or "" for the
	// population mean of the outcome (predicted at the sample mean of xs
	// over all rows)
	coef string
	// effect is the treatment effect a treatment estimand reads ("": ate)
	effect string
	// methods applicable, in display order
	methods []estimate.Method
	// definition of the estimand in words (as in truth.json)
	definition string
}

// Kind is the kind of data a scenario makes, which decides its estimands
// and the estimators that apply to each: the mode and, in textbook mode,
// the kind of outcome (textbook.outcome: linear, binary or ordered).
type Kind struct {
	Mode    scenarios.Mode
	Outcome string // "" in behavioral mode
}

// KindOf returns the kind of data sc makes.
func KindOf(sc *scenarios.Scenario) Kind {
	if sc.Mode == scenarios.ModeTextbook {
		return Kind{sc.Mode, sc.Textbook.Outcome}
	}
	return Kind{Mode: sc.Mode}
}

// String names the kind: "behavioral", "textbook", "textbook (binary
// outcome)".
func (k Kind) String() string {
	if k.Outcome == "" || k.Outcome == "linear" {
		return string(k.Mode)
	}
	return string(k.Mode) + " (" + k.Outcome + " outcome)"
}

// textbookXs are the covariates of the textbook outcome equation.
var textbookXs = []string{"x1", "x2"}

// specs returns the estimands of a kind of data and how to estimate each.
func specs(kind Kind) []spec {
	if kind.Mode == scenarios.ModeTextbook {
		return textbookSpecs(kind.Outcome)
	}
	// log(order_value): contact depends on the log of the stake (agents.go),
	// so a propensity linear in the value extrapolates to 0 and 1 in the tail.
	xs := []string{"severity", "log(order_value)", "tenure_weeks", "repeat_failure", "age_band"}
	m := func(ms ...estimate.Method) []estimate.Method { return ms }
	return []spec{
		{estimand: "mean_satisfaction_recovered", y: "survey_score", xs: xs, sel: "responded",
			extraSel: []string{"instrument"}, methods: m(estimate.Naive, estimate.OLS, estimate.Heckit, estimate.Heckman, estimate.OProbit, estimate.HeckOProbit),
			definition: "mean S(1) on the survey scale over all failure episodes (the population mean the survey targets)"},
		{estimand: "ate_contact_repurchase", y: "repurchased", xs: xs, treat: "contacted",
			extraSel: []string{"instrument"}, instrumnt: "instrument", methods: m(estimate.Naive, estimate.OLS, estimate.TreatRegTwoStep, estimate.TreatReg, estimate.BiProbit, estimate.Switching, estimate.IPW, estimate.AIPW, estimate.PSM),
			definition: "mean of Y(1) − Y(0) over failure episodes; Y = repurchase within horizon_weeks"},
		{estimand: "late_contact_repurchase", y: "repurchased", xs: xs, treat: "contacted",
			extraSel: []string{"instrument"}, instrumnt: "instrument", methods: m(estimate.IV),
			definition: "mean of Y(1) − Y(0) over compliers: episodes whose customer contacts with the instrument on and not without it (what IV identifies; Imbens & Angrist 1994)"},
	}
}

// textbookSpecs are the estimands of textbook mode for an outcome kind:
// a linear outcome has the selection models of Heckman and the
// treatment models of Maddala; a binary one their probit relatives
// (Van de Ven & Van Praag's heckprobit, the recursive bivariate probit);
// an ordered one the ordered probit with and without selection (De Luca &
// Perotti). The truth of a binary or ordered outcome is on the probit
// scale (see textbook.Truth).
func textbookSpecs(outcome string) []spec {
	m := func(ms ...estimate.Method) []estimate.Method { return ms }
	sel := func(estimand, coef string, methods []estimate.Method, def string) spec {
		return spec{estimand: estimand, y: "satisfaction", xs: textbookXs, sel: "contacted", extraSel: []string{"z"},
			coef: coef, methods: methods, definition: def}
	}
	ate := func(methods []estimate.Method, def string) spec {
		return spec{estimand: "ate_contact_outcome", y: "outcome", xs: textbookXs, treat: "contacted",
			extraSel: []string{"z"}, instrumnt: "z", methods: methods, definition: def}
	}
	// att and atu: the effect on the contacted and on the others.
	att := func(effect string, methods []estimate.Method, def string) spec {
		sp := ate(methods, def)
		sp.estimand, sp.effect = effect+"_contact_outcome", effect
		return sp
	}
	const observed = ", observed only for contacted units"
	switch outcome {
	case "binary":
		return []spec{
			sel("mean_satisfaction_given_x", "", m(estimate.Naive, estimate.Probit, estimate.HeckProbit),
				"mean over all observations of Pr(y = 1 | x) = Φ((β0 + Σ βj xj)/σ): the population share satisfied"+observed+" (naive: the share among them; probit and heckprobit: the mean predicted probability)"),
			sel("beta_x1", "x1", m(estimate.Probit, estimate.HeckProbit),
				"β1/σ: the coefficient of x1 in the latent satisfaction equation on the probit scale"+observed),
			ate(m(estimate.Naive, estimate.OLS, estimate.BiProbit, estimate.IPW, estimate.AIPW),
				"mean over all observations of Pr(w(1) = 1 | x) − Pr(w(0) = 1 | x) = Φ((xβ + δ)/σ) − Φ(xβ/σ): the average effect of contact on the probability of the outcome"),
			att("att", m(estimate.BiProbit, estimate.IPW, estimate.AIPW),
				"mean over the contacted of Pr(w(1) = 1 | x, z, s = 1) − Pr(w(0) = 1 | x, z, s = 1): the effect of contact on those who contacted, whose outcome error is shifted by selection when ρ ≠ 0"),
			att("atu", m(estimate.BiProbit, estimate.IPW, estimate.AIPW),
				"mean over those who did not contact of Pr(w(1) = 1 | x, z, s = 0) − Pr(w(0) = 1 | x, z, s = 0)"),
		}
	case "ordered":
		return []spec{
			sel("mean_satisfaction_given_x", "", m(estimate.Naive, estimate.OProbit, estimate.HeckOProbit),
				"mean over all observations of E[y | x] = 1 + Σj Φ((β0 + Σ βj xj − κj)/σ): the population mean satisfaction score"+observed+" (naive: the mean among them; oprobit and heckoprobit: the mean predicted score)"),
			sel("beta_x1", "x1", m(estimate.OProbit, estimate.HeckOProbit),
				"β1/σ: the coefficient of x1 in the latent satisfaction equation on the probit scale"+observed),
			sel("cut1", "cut1", m(estimate.OProbit, estimate.HeckOProbit),
				"(κ1 − β0)/σ: the first cutpoint of the latent satisfaction on the probit scale, the intercept absorbed"+observed),
			ate(m(estimate.Naive, estimate.OLS, estimate.IPW, estimate.AIPW),
				"mean over all observations of E[w(1) − w(0) | x] = Σj [Φ((xβ + δ − κj)/σ) − Φ((xβ − κj)/σ)]: the average effect of contact on the score"),
		}
	}
	return []spec{
		sel("mean_satisfaction_given_x", "", m(estimate.Naive, estimate.OLS, estimate.Heckit, estimate.Heckman),
			"mean over all observations of E[y | x] = β0 + Σ βj xj: the population mean satisfaction"+observed+" (naive: the mean among them)"),
		sel("beta_x1", "x1", m(estimate.OLS, estimate.Heckit, estimate.Heckman),
			"coefficient of x1 in the outcome (satisfaction) equation y = β0 + Σ βj xj + σε"+observed),
		ate(m(estimate.Naive, estimate.OLS, estimate.TreatRegTwoStep, estimate.TreatReg, estimate.Switching, estimate.IPW, estimate.AIPW, estimate.PSM, estimate.IV),
			"mean of w(1) − w(0) over all observations: the effect δ of contact on the outcome"),
	}
}

// minDummyCount is the fewest episodes of a failure type (in the rows an
// equation uses, and in each of its groups) for the type to get a dummy.
const minDummyCount = 10

// failureDummies adds to t one 0/1 column per failure type other than the
// first (ft_<name>) and returns the names of those with at least
// minDummyCount episodes in every group of rows the spec's equations
// split on (respondents; contacted and not), so that no design is
// singular.
func failureDummies(t *table.Table, sp *spec) ([]string, error) {
	ft, err := t.Col("failure_type")
	if err != nil {
		return nil, nil // not an episodes table: no dummies
	}
	split := sp.sel
	if split == "" {
		split = sp.treat
	}
	g, err := t.Col(split)
	if err != nil {
		return nil, err
	}
	var names []string
	ftNames := scenarios.FailureTypeNames()
	for k := 1; k < len(ftNames); k++ {
		name := "ft_" + ftNames[k]
		col := make([]float64, len(ft))
		var n [2]int
		for i, v := range ft {
			if int(v) == k {
				col[i] = 1
				n[b2i(g[i] == 1)]++
			}
		}
		if !t.Has(name) {
			if err := t.Add(name, col); err != nil {
				return nil, err
			}
		}
		if n[0] >= minDummyCount && n[1] >= minDummyCount {
			names = append(names, name)
		}
	}
	return names, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Evaluate runs every applicable estimator on the observed episodes of a
// simulated dataset (episodes.csv as a table) and pairs each estimate with
// the truth. An estimator that fails yields a Row with Err set; Evaluate
// itself fails only when the table lacks the columns the mode needs.
func Evaluate(t *table.Table, kind Kind, tf *truth.File) ([]Row, error) {
	return EvaluateMethods(t, kind, tf, nil)
}

// Methods returns every estimator that applies to some estimand of the
// mode, in display order.
func Methods(kind Kind) []string {
	var out []string
	seen := map[string]bool{}
	for _, sp := range specs(kind) {
		for _, m := range sp.methods {
			if !seen[string(m)] {
				seen[string(m)] = true
				out = append(out, string(m))
			}
		}
	}
	return out
}

// Pair is an estimand and a method that estimates it.
type Pair struct {
	Estimand string `json:"estimand"`
	Method   string `json:"method"`
}

// Pairs returns the (estimand, method) pairs EvaluateMethods yields for
// the mode and method filter (nil: all methods), in its row order.
func Pairs(kind Kind, methods []string) []Pair {
	var out []Pair
	for _, sp := range specs(kind) {
		for _, m := range sp.methods {
			if wanted(methods, string(m)) {
				out = append(out, Pair{sp.estimand, string(m)})
			}
		}
	}
	return out
}

// Definition returns the definition in words of an estimand of the mode.
func Definition(kind Kind, estimand string) string {
	for _, sp := range specs(kind) {
		if sp.estimand == estimand {
			return sp.definition
		}
	}
	return ""
}

func wanted(methods []string, m string) bool {
	if methods == nil {
		return true
	}
	for _, x := range methods {
		if x == m {
			return true
		}
	}
	return false
}

// EvaluateMethods is Evaluate restricted to the named methods (nil: all);
// estimands none of them applies to are left out. A panic inside an
// estimator is turned into that row's Err. Standard errors are clustered
// by DefaultCluster(kind) where a method has cluster-robust ones.
func EvaluateMethods(t *table.Table, kind Kind, tf *truth.File, methods []string) ([]Row, error) {
	return evaluate(t, kind, tf, methods, DefaultCluster(kind))
}

// DefaultCluster is the column whose values group the rows of a kind of
// data into clusters: "customer_id" in behavioral mode, whose episodes
// repeat customers (their errors are not independent: one customer's
// patience, loyalty and voice enter all of their episodes), and "" in
// textbook mode, whose rows are independent draws.
func DefaultCluster(kind Kind) string {
	if kind.Mode == scenarios.ModeTextbook {
		return ""
	}
	return "customer_id"
}

// evaluate is EvaluateMethods with the cluster column named ("": none).
func evaluate(t *table.Table, kind Kind, tf *truth.File, methods []string, cluster string) ([]Row, error) {
	if cluster != "" && !t.Has(cluster) {
		return nil, fmt.Errorf("no cluster column %q in the episodes", cluster)
	}
	var rows []Row
	fits := newFitCache(t)
	fits.cluster = cluster
	for _, sp := range specs(kind) {
		var ms []estimate.Method
		for _, m := range sp.methods {
			if wanted(methods, string(m)) {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			continue
		}
		tr, ok := tf.Get(sp.estimand)
		if !ok {
			return nil, fmt.Errorf("truth has no estimand %q", sp.estimand)
		}
		if kind.Mode != scenarios.ModeTextbook {
			dummies, err := failureDummies(t, &sp)
			if err != nil {
				return nil, err
			}
			sp.xs = append(append([]string{}, sp.xs...), dummies...)
		}
		for _, m := range ms {
			est, se, err := safeRun(fits, &sp, m)
			rows = append(rows, Row{Estimand: sp.estimand, Method: string(m), Truth: tr.Value, Estimate: est, StdError: se, Err: err})
		}
	}
	return rows, nil
}

// fitCache fits each estimation once per table: estimands that share a
// model (the survey mean and a coefficient of the same selection model)
// read their numbers from the same fit, and the design of the population
// mean is built once per outcome formula. Fits run in one
// estimate.Session, so heckit and heckman of the same equations share
// their designs and selection probit.
type fitCache struct {
	t       *table.Table
	cluster string // the cluster column of methods that cluster ("": none)
	session *estimate.Session
	fits    map[estimate.Spec]fitted
	designs map[string]*formula.Design
}

type fitted struct {
	res *estimate.Result
	err error
}

func newFitCache(t *table.Table) *fitCache {
	return &fitCache{t: t, session: estimate.NewSession(t), fits: map[estimate.Spec]fitted{}, designs: map[string]*formula.Design{}}
}

// fit returns the fit of es, fitting it on first use. A panic inside the
// estimator is its error.
func (c *fitCache) fit(es estimate.Spec) (*estimate.Result, error) {
	if f, ok := c.fits[es]; ok {
		return f.res, f.err
	}
	f := fitted{}
	func() {
		defer func() {
			if p := recover(); p != nil {
				f = fitted{err: fmt.Errorf("%s: internal error: %v", es.Method, p)}
			}
		}()
		f.res, f.err = c.session.Fit(es)
	}()
	c.fits[es] = f
	return f.res, f.err
}

// categories returns the distinct values of column y, ascending: the
// categories of an ordered outcome.
func (c *fitCache) categories(y string) ([]float64, error) {
	col, err := c.t.Col(y)
	if err != nil {
		return nil, err
	}
	var cats []float64
	for _, v := range col {
		if !math.IsNaN(v) {
			cats = append(cats, v)
		}
	}
	slices.Sort(cats)
	return slices.Compact(cats), nil
}

// design returns the design of the outcome formula over all rows.
func (c *fitCache) design(outcome string) (*formula.Design, error) {
	if d, ok := c.designs[outcome]; ok {
		return d, nil
	}
	of, err := formula.Parse(outcome)
	if err != nil {
		return nil, err
	}
	d, err := formula.NewDesign(c.t, &formula.Formula{Terms: of.Terms, Intercept: of.Intercept}, formula.DesignOptions{})
	if err != nil {
		return nil, err
	}
	c.designs[outcome] = d
	return d, nil
}

// safeRun is run with a panic turned into an error.
func safeRun(c *fitCache, sp *spec, m estimate.Method) (est, se float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			est, se, err = 0, 0, fmt.Errorf("%s: internal error: %v", m, p)
		}
	}()
	return run(c, sp, m)
}

// run fits method m for spec sp (through the cache) and returns the
// estimate of the estimand and its standard error.
func run(c *fitCache, sp *spec, m estimate.Method) (float64, float64, error) {
	es := c.specFor(sp, m)
	res, err := c.fit(es)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case sp.treat != "" && m == estimate.OLS:
		return coef(res.Result, "outcome", sp.treat)
	case sp.treat != "" && sp.effect != "":
		return effect(res.Result, sp.effect)
	case sp.treat != "":
		return effect(res.Result, "ate")
	case m == estimate.Naive:
		return coef(res.Result, "outcome", "mean")
	case sp.coef != "" && strings.HasPrefix(sp.coef, "cut"):
		return coef(res.Result, "cutpoints", sp.coef)
	case sp.coef != "":
		return coef(res.Result, "outcome", sp.coef)
	}
	// Population mean of the outcome: the mean prediction over all rows.
	all, err := c.design(sp.y + " ~ " + strings.Join(sp.xs, " + "))
	if err != nil {
		return 0, 0, err
	}
	switch m {
	case estimate.Probit, estimate.HeckProbit:
		return predictProbit(res.Result, all)
	case estimate.OProbit, estimate.HeckOProbit:
		cats, err := c.categories(sp.y)
		if err != nil {
			return 0, 0, err
		}
		return predictOrdered(res.Result, all, cats)
	}
	return predictMean(res.Result, all.X)
}

// specFor is the estimate.Spec of method m for spec sp: the outcome
// equation, and the selection or treatment equation the method reads,
// with standard errors clustered by c.cluster where m has cluster-robust
// ones (else HC1 for ols and iv).
func (c *fitCache) specFor(sp *spec, m estimate.Method) estimate.Spec {
	xs := strings.Join(sp.xs, " + ")
	es := estimate.Spec{Method: m, Outcome: sp.y + " ~ " + xs}
	switch {
	case c.cluster != "" && m.Uses("cluster"):
		es.Cluster = c.cluster
	case m == estimate.OLS || m == estimate.IV:
		es.VCE = estimators.HC1
	}
	equation := sp.y + " ~ " + strings.Join(append(slices.Clone(sp.xs), sp.extraSel...), " + ")
	switch {
	case sp.treat != "" && m == estimate.OLS:
		es.Outcome = sp.y + " ~ " + sp.treat + " + " + xs
	case sp.treat != "" && m == estimate.IV:
		es.Treatment, es.Instruments = sp.treat, sp.instrumnt
	case sp.treat != "" && needsSelection(m): // treatreg, biprobit, switching
		es.Selection = sp.treat + strings.TrimPrefix(equation, sp.y)
	case sp.treat != "":
		es.Treatment = sp.treat
	case needsSelection(m): // the selection models
		es.Selection = sp.sel + strings.TrimPrefix(equation, sp.y)
	default: // naive, ols, probit, oprobit: the selected rows
		es.Selection = sp.sel + " ~ 1"
	}
	if m == estimate.Naive {
		es.Outcome = sp.y + " ~ 1"
	}
	return es
}

// needsSelection reports whether m requires a selection (or treatment)
// equation.
func needsSelection(m estimate.Method) bool {
	mi, _ := m.Info()
	return slices.Contains(mi.Needs, estimate.NeedSelection)
}

func effect(res *estimators.Result, name string) (float64, float64, error) {
	for _, e := range res.Effects {
		if e.Name == name {
			return e.Estimate, e.StdError, nil
		}
	}
	return 0, 0, fmt.Errorf("%s: no effect %q", res.Method, name)
}

func coef(res *estimators.Result, eq, term string) (float64, float64, error) {
	e, ok := res.Equation(eq)
	if !ok {
		return 0, 0, fmt.Errorf("%s: no %s equation", res.Method, eq)
	}
	c, ok := e.Coef(term)
	if !ok {
		return 0, 0, fmt.Errorf("%s: no coefficient %q", res.Method, term)
	}
	return c.Estimate, c.StdError, nil
}

// predictMean returns x̄'β̂ of the outcome equation and its delta-method
// standard error, x̄ being the column means of X.
func predictMean(res *estimators.Result, X *mat.Dense) (float64, float64, error) {
	e, ok := res.Equation("outcome")
	if !ok || e.Cov == nil {
		return 0, 0, fmt.Errorf("%s: no outcome covariance", res.Method)
	}
	n, k := X.Dims()
	xbar := make([]float64, len(e.Coefs))
	for c := range k {
		s := 0.0
		for i := range n {
			s += X.At(i, c)
		}
		xbar[c] = s / float64(n)
	}
	est := 0.0
	for c := range k {
		est += xbar[c] * e.Coefs[c].Estimate
	}
	return est, math.Sqrt(quadForm(xbar, e.Cov, nil)), nil
}

// quadForm is g'Vg, with V's rows and columns idx (nil: 0, 1, …, len(g)−1).
func quadForm(g []float64, V mat.Symmetric, idx []int) float64 {
	at := func(a int) int { return a }
	if idx != nil {
		at = func(a int) int { return idx[a] }
	}
	v := 0.0
	for a := range g {
		for b := range g {
			v += g[a] * V.At(at(a), at(b)) * g[b]
		}
	}
	return v
}

// outcomeIndex returns xᵢ'β̂ of the outcome equation for every row of d
// (a design over all rows, intercept included), matching its columns to
// the equation's terms by name: an ordered model's outcome equation has
// no intercept, and the design's is then unused. cols[j] is the design
// column of the j-th term.
func outcomeIndex(e estimators.Equation, d *formula.Design) (xb []float64, cols []int, err error) {
	cols = make([]int, len(e.Coefs))
	for j, c := range e.Coefs {
		cols[j] = slices.Index(d.Names, c.Term)
		if cols[j] < 0 {
			return nil, nil, fmt.Errorf("term %q of the outcome equation is not a column of the design", c.Term)
		}
	}
	n, _ := d.X.Dims()
	xb = make([]float64, n)
	for i := range n {
		for j, c := range e.Coefs {
			xb[i] += d.X.At(i, cols[j]) * c.Estimate
		}
	}
	return xb, cols, nil
}

// predictProbit returns the mean predicted probability (1/n)Σ Φ(xᵢ'β̂)
// of a probit outcome equation over the rows of d, with its delta-method
// standard error √(g'Vg), g = (1/n)Σ φ(xᵢ'β̂)xᵢ (Stata's margins after
// probit or heckprobit, predict(pmargin)).
func predictProbit(res *estimators.Result, d *formula.Design) (float64, float64, error) {
	e, ok := res.Equation("outcome")
	if !ok || e.Cov == nil {
		return 0, 0, fmt.Errorf("%s: no outcome covariance", res.Method)
	}
	xb, cols, err := outcomeIndex(e, d)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", res.Method, err)
	}
	n := float64(len(xb))
	g := make([]float64, len(cols))
	est := 0.0
	for i, m := range xb {
		est += distuv.UnitNormal.CDF(m) / n
		for j, c := range cols {
			g[j] += distuv.UnitNormal.Prob(m) * d.X.At(i, c) / n
		}
	}
	return est, math.Sqrt(quadForm(g, e.Cov, nil)), nil
}

// predictOrdered returns the mean predicted outcome of an ordered probit
// over the rows of d, with its delta-method standard error: with
// categories c₁ < … < c_K and cutpoints κ₁ … κ_{K−1},
//
//	E[y | x] = c₁ + Σⱼ (cⱼ₊₁ − cⱼ) Φ(x'β − κⱼ),
//
// averaged over the rows; the gradient is (1/n)Σᵢ Σⱼ Δcⱼ φ(xᵢ'β − κⱼ)xᵢ in
// β and −(1/n)Σᵢ Δcⱼ φ(xᵢ'β − κⱼ) in κⱼ, and the covariance of (β, κ) is
// the result's joint one (Result.Cov).
func predictOrdered(res *estimators.Result, d *formula.Design, cats []float64) (float64, float64, error) {
	e, ok1 := res.Equation("outcome")
	cuts, ok2 := res.Equation("cutpoints")
	switch {
	case !ok1 || !ok2 || res.Cov == nil:
		return 0, 0, fmt.Errorf("%s: no outcome and cutpoint covariance", res.Method)
	case len(cuts.Coefs) != len(cats)-1:
		return 0, 0, fmt.Errorf("%s: %d cutpoints for %d categories", res.Method, len(cuts.Coefs), len(cats))
	}
	xb, cols, err := outcomeIndex(e, d)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", res.Method, err)
	}
	kb, kc := len(cols), len(cuts.Coefs)
	n := float64(len(xb))
	g := make([]float64, kb+kc)
	est := cats[0]
	for i, m := range xb {
		for j, k := range cuts.Coefs {
			dc := cats[j+1] - cats[j]
			est += dc * distuv.UnitNormal.CDF(m-k.Estimate) / n
			f := dc * distuv.UnitNormal.Prob(m-k.Estimate) / n
			for l, c := range cols {
				g[l] += f * d.X.At(i, c)
			}
			g[kb+j] -= f
		}
	}
	// The (β, κ) block of the joint covariance.
	idx := make([]int, 0, kb+kc)
	for _, nm := range append(prefixed("outcome:", e), prefixed("cutpoints:", cuts)...) {
		j := slices.Index(res.CovNames, nm)
		if j < 0 {
			return 0, 0, fmt.Errorf("%s: no covariance of %s", res.Method, nm)
		}
		idx = append(idx, j)
	}
	return est, math.Sqrt(quadForm(g, res.Cov, idx)), nil
}

// prefixed returns the terms of e, each after prefix.
func prefixed(prefix string, e estimators.Equation) []string {
	out := make([]string, len(e.Coefs))
	for j, c := range e.Coefs {
		out[j] = prefix + c.Term
	}
	return out
}
