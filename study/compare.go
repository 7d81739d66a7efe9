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
	// methods applicable, in display order
	methods []estimate.Method
	// definition of the estimand in words (as in truth.json)
	definition string
}

// Specs for the two model modes.
func specs(mode scenarios.Mode) []spec {
	if mode == "textbook" {
		return []spec{
			{estimand: "mean_satisfaction_given_x", y: "satisfaction", xs: []string{"x1", "x2"}, sel: "contacted",
				extraSel: []string{"z"}, methods: []estimate.Method{estimate.Naive, estimate.OLS, estimate.Heckit, estimate.Heckman},
				definition: "mean over all observations of E[y | x] = β0 + Σ βj xj: the population mean satisfaction, observed only for contacted units (naive: the mean among them)"},
			{estimand: "beta_x1", y: "satisfaction", xs: []string{"x1", "x2"}, sel: "contacted",
				extraSel: []string{"z"}, coef: "x1", methods: []estimate.Method{estimate.OLS, estimate.Heckit, estimate.Heckman},
				definition: "coefficient of x1 in the outcome (satisfaction) equation y = β0 + Σ βj xj + σε, observed only for contacted units"},
			{estimand: "ate_contact_outcome", y: "outcome", xs: []string{"x1", "x2"}, treat: "contacted",
				extraSel: []string{"z"}, instrumnt: "z", methods: []estimate.Method{estimate.Naive, estimate.OLS, estimate.TreatRegTwoStep, estimate.TreatReg, estimate.IPW, estimate.AIPW, estimate.PSM, estimate.IV},
				definition: "mean of w(1) − w(0) over all observations: the effect δ of contact on the outcome"},
		}
	}
	xs := []string{"severity", "order_value", "tenure_weeks", "repeat_failure", "age_band"}
	return []spec{
		{estimand: "mean_satisfaction_recovered", y: "survey_score", xs: xs, sel: "responded",
			extraSel: []string{"instrument"}, methods: []estimate.Method{estimate.Naive, estimate.OLS, estimate.Heckit, estimate.Heckman},
			definition: "mean S(1) on the survey scale over all failure episodes (the population mean the survey targets)"},
		{estimand: "ate_contact_repurchase", y: "repurchased", xs: xs, treat: "contacted",
			extraSel: []string{"instrument"}, instrumnt: "instrument", methods: []estimate.Method{estimate.Naive, estimate.OLS, estimate.TreatRegTwoStep, estimate.TreatReg, estimate.IPW, estimate.AIPW, estimate.PSM},
			definition: "mean of Y(1) − Y(0) over failure episodes; Y = repurchase within horizon_weeks"},
		{estimand: "late_contact_repurchase", y: "repurchased", xs: xs, treat: "contacted",
			extraSel: []string{"instrument"}, instrumnt: "instrument", methods: []estimate.Method{estimate.IV},
			definition: "mean of Y(1) − Y(0) over compliers: episodes whose customer contacts with the instrument on and not without it (what IV identifies; Imbens & Angrist 1994)"},
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
func Evaluate(t *table.Table, mode scenarios.Mode, tf *truth.File) ([]Row, error) {
	return EvaluateMethods(t, mode, tf, nil)
}

// Methods returns every estimator that applies to some estimand of the
// mode, in display order.
func Methods(mode scenarios.Mode) []string {
	var out []string
	seen := map[string]bool{}
	for _, sp := range specs(mode) {
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
func Pairs(mode scenarios.Mode, methods []string) []Pair {
	var out []Pair
	for _, sp := range specs(mode) {
		for _, m := range sp.methods {
			if wanted(methods, string(m)) {
				out = append(out, Pair{sp.estimand, string(m)})
			}
		}
	}
	return out
}

// Definition returns the definition in words of an estimand of the mode.
func Definition(mode scenarios.Mode, estimand string) string {
	for _, sp := range specs(mode) {
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
// estimator is turned into that row's Err.
func EvaluateMethods(t *table.Table, mode scenarios.Mode, tf *truth.File, methods []string) ([]Row, error) {
	if mode != "textbook" && t.Has("survey_score") && !t.Has("responded") {
		sc, _ := t.Col("survey_score")
		r := make([]float64, len(sc))
		for i, v := range sc {
			if !math.IsNaN(v) {
				r[i] = 1
			}
		}
		if err := t.Add("responded", r); err != nil {
			return nil, err
		}
	}
	var rows []Row
	fits := newFitCache(t)
	for _, sp := range specs(mode) {
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
		if mode != "textbook" {
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
	xs := strings.Join(sp.xs, " + ")
	es := estimate.Spec{Method: m, Outcome: sp.y + " ~ " + xs}
	if m == estimate.OLS || m == estimate.IV {
		es.VCE = estimators.HC1
	}
	equation := sp.y + " ~ " + strings.Join(append(slices.Clone(sp.xs), sp.extraSel...), " + ")
	switch {
	case sp.treat != "" && m == estimate.OLS:
		es.Outcome = sp.y + " ~ " + sp.treat + " + " + xs
	case sp.treat != "" && m == estimate.IV:
		es.Treatment, es.Instruments = sp.treat, sp.instrumnt
	case sp.treat != "" && (m == estimate.TreatReg || m == estimate.TreatRegTwoStep):
		es.Selection = sp.treat + strings.TrimPrefix(equation, sp.y)
	case sp.treat != "":
		es.Treatment = sp.treat
	case m == estimate.Heckit || m == estimate.Heckman:
		es.Selection = sp.sel + strings.TrimPrefix(equation, sp.y)
	default: // naive, ols: the selected rows
		es.Selection = sp.sel + " ~ 1"
	}
	if m == estimate.Naive {
		es.Outcome = sp.y + " ~ 1"
	}
	res, err := c.fit(es)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case sp.treat != "" && m == estimate.OLS:
		return coef(res.Result, "outcome", sp.treat)
	case sp.treat != "":
		return effect(res.Result, "ate")
	case m == estimate.Naive:
		return coef(res.Result, "outcome", "mean")
	case sp.coef != "":
		return coef(res.Result, "outcome", sp.coef)
	}
	// Population mean of the outcome: x̄'β̂ over all rows, SE √(x̄'V x̄).
	all, err := c.design(es.Outcome)
	if err != nil {
		return 0, 0, err
	}
	return predictMean(res.Result, all.X)
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
	v := 0.0
	for a := range k {
		for b := range k {
			v += xbar[a] * e.Cov.At(a, b) * xbar[b]
		}
	}
	return est, math.Sqrt(v), nil
}
