package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

// Spec says which model to fit to which columns of a table.
type Spec struct {
	Method Method
	// Outcome is the outcome equation, R style: "y ~ x1 + x2" (intercept
	// included; "- 1" drops it). For ipw, aipw and psm its right-hand
	// side is also the propensity model; for iv it holds the exogenous
	// regressors.
	Outcome string
	// Selection is the selection equation "s ~ z1 + z2" of heckit,
	// heckman, heckprobit and heckoprobit (s is 1 where the outcome is
	// observed, 0 elsewhere), or the treatment equation "d ~ z1 + z2" of
	// treatreg and biprobit (d is added to the outcome equation) and of
	// switching (the outcome equation is fitted once per regime d = 1 and
	// d = 0). For naive, ols, logit, probit and oprobit only its
	// left-hand side is read: they use the rows where it is 1 (naive: the
	// mean outcome there). oprobit and heckoprobit fit no intercept: the
	// cutpoints take its place.
	Selection string
	// Treatment is the 0/1 treatment column of naive, ipw, aipw and psm,
	// or iv's endogenous regressor.
	Treatment string
	// Instruments are iv's excluded instruments, "z1 + z2".
	Instruments string
	// DropMissing drops the rows with a missing value in a column the
	// model uses (listwise deletion; Result.Dropped counts them) instead
	// of failing with a *MissingValueError. It never changes a selection
	// model's selection sample: a selected row whose outcome is missing is
	// an error, unless DeselectMissing counts it as not selected.
	DropMissing bool
	// DeselectMissing counts a selected row whose outcome equation has a
	// missing value as not selected (its outcome was not observed after
	// all), keeping it in the selection equation with s = 0: for
	// selection models, and naive, ols, logit and probit with a
	// selection indicator.
	DeselectMissing bool
	// VCE is the covariance of least-squares fits: ols, iv and aipw's
	// outcome models (the zero value is classical).
	VCE estimators.VCE
	// EffectVCE is the standard error of aipw's effects: the stacked
	// sandwich (the zero value, as Stata's teffects aipw) or the
	// influence function alone, treating the fitted models as known.
	EffectVCE estimators.EffectVCE
	// Cluster names the column (numbers or text) whose values group the
	// rows into clusters — customers, say — for cluster-robust standard
	// errors of every method but psm (which refuses it): CR1 for ols and
	// iv (it sets VCE to CR1), clustered scores or influence functions
	// for the others (docs/estimators.md gives each one's factor). With
	// Bootstrap, it resamples whole clusters instead.
	Cluster string
	// MaxIter caps maximum-likelihood iterations (0: 100).
	MaxIter int
	// Weights names a column of probability weights (positive numbers)
	// for ols, logit and probit; the other methods refuse it. Estimates
	// are R's lm(weights =) and glm(weights =); standard errors are
	// always a sandwich, HC1 (or CR1 with Cluster), as R's
	// sandwich::vcovHC/vcovCL(type = "HC1") and Stata's pweights give
	// them (for logit and probit Stata's factor is n/(n−1), not
	// n/(n−k)).
	Weights string
	// Bootstrap is the number of nonparametric bootstrap replicates
	// (0: none): the standard errors become the standard deviations of
	// the replicates' estimates (see bootstrap.go). Seed keys the
	// replicates' random streams and Workers (0: GOMAXPROCS) runs them in
	// parallel; the result does not depend on Workers.
	Bootstrap int
	Seed      uint64
	Workers   int
	// Neighbours is psm's number of matches per unit (0: 1).
	Neighbours int
}

// Result is a fitted model and the rows it left out.
type Result struct {
	*estimators.Result
	// Dropped is the number of rows left out for missing values (only
	// with Spec.DropMissing); Deselected the selected rows counted as not
	// selected for a missing outcome (only with Spec.DeselectMissing).
	Dropped, Deselected int
	// Clusters is the number of clusters of a cluster-robust fit or a
	// cluster bootstrap (0 otherwise).
	Clusters int
	// Bootstrap describes the bootstrap behind the standard errors (nil
	// without one).
	Bootstrap *BootstrapInfo
	// Weights is the column of probability weights ("" without).
	Weights string
}

// VCEDescription says in words which standard errors r carries, for
// output: "bootstrap (999 replicates, 2 failed; 31 clusters resampled)",
// "cluster-robust (CR1) over 31 clusters", or "" for the method's
// default.
func (r *Result) VCEDescription() string {
	switch {
	case r.Bootstrap != nil:
		b := r.Bootstrap
		s := fmt.Sprintf("bootstrap (%d replicates, %d failed", b.Replicates, b.Failed)
		if r.Clusters > 0 {
			s += fmt.Sprintf("; %d clusters resampled", r.Clusters)
		}
		return s + ")"
	case r.Clusters > 0:
		return fmt.Sprintf("cluster-robust (CR1) over %d clusters", r.Clusters)
	}
	return ""
}

// SpecError is a Spec that does not suit its method or its table. Field
// names the Spec field at fault.
type SpecError struct {
	Field string // the name of a field of Spec
	Msg   string
}

func (e *SpecError) Error() string { return strings.ToLower(e.Field) + ": " + e.Msg }

// MissingValueError is a missing value in a column the model uses, when
// Spec.DropMissing is not set.
type MissingValueError struct {
	Row      int // 1-based data row
	Column   string
	Selected bool // the row is selected (the outcome is read there)
}

func (e *MissingValueError) Error() string {
	if e.Selected {
		return fmt.Sprintf("selected row %d: column %q is missing; a selected row needs its outcome (select on the indicator of an observed outcome, or set DeselectMissing to count such rows as not selected)", e.Row, e.Column)
	}
	return fmt.Sprintf("row %d: column %q is missing (DropMissing drops such rows)", e.Row, e.Column)
}

// Fit fits spec's model to t: FitContext without cancellation.
func Fit(t *table.Table, spec Spec) (*Result, error) {
	return FitContext(context.Background(), t, spec)
}

// FitContext fits spec's model to t. With Spec.Bootstrap it then runs
// the bootstrap replicates (see bootstrap.go), which ctx can cancel.
func FitContext(ctx context.Context, t *table.Table, spec Spec) (*Result, error) {
	if spec.Bootstrap != 0 || spec.Workers != 0 || spec.Seed != 0 {
		if err := checkBootstrap(spec); err != nil {
			return nil, err
		}
	}
	if spec.Bootstrap > 0 {
		return bootstrap(ctx, t, spec)
	}
	r, _, err := fitOnce(t, spec, nil)
	return r, err
}

// fitOnce fits spec's model to t once, in the Session sess (nil: none),
// returning the rows it used.
func fitOnce(t *table.Table, spec Spec, sess *Session) (*Result, []int, error) {
	mi, ok := spec.Method.Info()
	if !ok {
		return nil, nil, &SpecError{"Method", fmt.Sprintf("unknown method %q; methods are %s", spec.Method, MethodNames())}
	}
	for _, need := range []Need{NeedSelection, NeedTreatment, NeedInstruments} {
		given, reads := spec.field(need) != "", spec.Method.Reads(need)
		switch {
		case !given && slices.Contains(mi.Needs, need):
			return nil, nil, &SpecError{fieldName(need), "required by " + string(spec.Method)}
		case given && !reads:
			return nil, nil, &SpecError{fieldName(need), "not used by " + string(spec.Method)}
		}
	}
	switch {
	case spec.VCE != estimators.Classical && !spec.Method.Uses("vce"):
		return nil, nil, &SpecError{"VCE", "not used by " + string(spec.Method)}
	case spec.EffectVCE != estimators.Stacked && spec.Method != AIPW:
		return nil, nil, &SpecError{"EffectVCE", "not used by " + string(spec.Method)}
	case spec.Neighbours != 0 && !spec.Method.Uses("neighbours"):
		return nil, nil, &SpecError{"Neighbours", "not used by " + string(spec.Method)}
	case spec.Cluster != "" && spec.Method == PSM:
		return nil, nil, &SpecError{"Cluster", "psm has no cluster-robust standard errors: the Abadie–Imbens matching variance is not a sum of per-observation terms, so it does not cluster; use ipw or aipw"}
	case spec.Cluster != "" && !spec.Method.Uses("cluster"):
		return nil, nil, &SpecError{"Cluster", "cluster-robust standard errors are not computed for " + string(spec.Method)}
	case spec.Cluster != "" && spec.VCE == estimators.HC1:
		return nil, nil, &SpecError{"Cluster", "clusters and HC1 contradict each other: clusters give the cluster-robust covariance"}
	case spec.Weights != "" && !spec.Method.Uses("weights"):
		return nil, nil, &SpecError{"Weights", "weights are supported by ols, logit and probit only, not " + string(spec.Method)}
	case spec.Neighbours < 0:
		return nil, nil, &SpecError{"Neighbours", "must be ≥ 1 (0: 1)"}
	case spec.MaxIter < 0:
		return nil, nil, &SpecError{"MaxIter", "must be ≥ 1 (0: 100)"}
	}
	f := &fitter{t: t, spec: spec, session: sess, opts: estimators.Options{MaxIter: spec.MaxIter, VCE: spec.VCE, EffectVCE: spec.EffectVCE}}
	if spec.Cluster != "" {
		f.opts.VCE = estimators.CR1
	}
	var res *estimators.Result
	var err error
	switch spec.Method {
	case Naive:
		res, err = f.naive()
	case OLS:
		res, err = f.single(func(d *formula.Design) (*estimators.Result, error) {
			return estimators.OLS(d.X, d.Y, d.Names, f.opts)
		})
	case Logit, Probit, OProbit:
		fit := map[Method]func(*mat.Dense, []float64, []string, estimators.Options) (*estimators.Result, error){
			Logit: estimators.Logit, Probit: estimators.Probit, OProbit: estimators.OProbit}[spec.Method]
		res, err = f.single(func(d *formula.Design) (*estimators.Result, error) {
			return fit(d.X, d.Y, d.Names, estimators.Options{MaxIter: spec.MaxIter, Clusters: f.opts.Clusters, Weights: f.opts.Weights})
		})
	case Heckit, Heckman, HeckProbit, HeckOProbit:
		res, err = f.selection()
	case TreatReg, TreatRegTwoStep, BiProbit, Switching:
		res, err = f.treatReg()
	case IPW, AIPW, PSM:
		res, err = f.weighting()
	case IV:
		res, err = f.iv()
	}
	if err != nil {
		return nil, nil, err
	}
	return &Result{Result: res, Dropped: f.dropped, Deselected: f.deselected, Clusters: f.nclusters, Weights: spec.Weights}, f.used, nil
}

func (s Spec) field(n Need) string {
	switch n {
	case NeedSelection:
		return s.Selection
	case NeedTreatment:
		return s.Treatment
	}
	return s.Instruments
}

func fieldName(n Need) string { return strings.ToUpper(string(n[:1])) + string(n[1:]) }

// fitter is one Fit in progress.
type fitter struct {
	t                   *table.Table
	spec                Spec
	opts                estimators.Options
	dropped, deselected int
	nclusters           int
	used                []int // the table rows the model used, in design order
	session             *Session
}

// parse parses the formula of the Spec field named field; with lhs, it
// must have a left-hand side.
func parse(field, s string, lhs bool) (*formula.Formula, error) {
	f, err := formula.Parse(s)
	if err != nil {
		return nil, &SpecError{field, err.Error()}
	}
	if lhs && f.Response == "" {
		return nil, &SpecError{field, `needs a left-hand side ("y ~ ...")`}
	}
	return f, nil
}

// outcome parses the Outcome formula (with lhs, it must have a left-hand
// side). An ordered model's has no intercept, the cutpoints taking its
// place, as in R's polr and Stata's oprobit.
func (f *fitter) outcome(lhs bool) (*formula.Formula, error) {
	of, err := parse("Outcome", f.spec.Outcome, lhs)
	if err == nil && (f.spec.Method == OProbit || f.spec.Method == HeckOProbit) {
		of.Intercept = false
	}
	return of, err
}

// single fits a one-equation model of the outcome over its complete
// rows, or with a selection equation over its complete selected rows.
func (f *fitter) single(fit func(*formula.Design) (*estimators.Result, error)) (*estimators.Result, error) {
	of, err := f.outcome(false)
	if err != nil {
		return nil, err
	}
	var keep []bool
	if f.spec.Selection != "" {
		sf, err := parse("Selection", f.spec.Selection, true)
		if err != nil {
			return nil, err
		}
		_, keep, err = f.selectionRows(sf.Response, nil, append(of.Vars(), f.extraVars()...), false)
		if err != nil {
			return nil, err
		}
	} else if keep, err = f.modelRows(append(of.Vars(), f.extraVars()...)); err != nil {
		return nil, err
	}
	d, err := formula.NewDesign(f.t, of, formula.DesignOptions{Subset: keep})
	if err != nil {
		return nil, err
	}
	if err := f.clusters(d.Rows); err != nil {
		return nil, err
	}
	if err := f.weights(d.Rows); err != nil {
		return nil, err
	}
	return fit(d)
}

// extraVars are the weight and cluster columns, which the rows a model
// uses must have too (listwise deletion drops rows missing them).
func (f *fitter) extraVars() []string {
	var v []string
	for _, c := range []string{f.spec.Weights, f.spec.Cluster} {
		if c != "" {
			v = append(v, c)
		}
	}
	return v
}

// weights sets the probability weights of the design rows from the
// Spec's weight column: numbers, positive and finite (missing values were
// caught or dropped with the model's columns).
func (f *fitter) weights(rows []int) error {
	if f.spec.Weights == "" {
		return nil
	}
	if f.t.IsText(f.spec.Weights) {
		return &SpecError{"Weights", fmt.Sprintf("column %q is text: weights must be numbers", f.spec.Weights)}
	}
	col, err := f.t.Col(f.spec.Weights)
	if err != nil {
		return &SpecError{"Weights", err.Error()}
	}
	w := make([]float64, len(rows))
	for j, r := range rows {
		v := col[r]
		if !(v > 0) || math.IsInf(v, 0) {
			return &SpecError{"Weights", fmt.Sprintf("row %d: column %q is %g; weights must be positive and finite", r+1, f.spec.Weights, v)}
		}
		w[j] = v
	}
	f.opts.Weights = w
	return nil
}

// clusters records the rows the model uses and sets their cluster ids
// (0 … G−1, in order of first appearance) from the Spec's cluster
// column; a missing value is an error.
func (f *fitter) clusters(rows []int) error {
	f.used = rows
	if f.spec.Cluster == "" {
		return nil
	}
	ids := make([]int, len(rows))
	seen := map[string]int{}
	var key func(i int) (string, bool)
	if f.t.IsText(f.spec.Cluster) {
		col, _ := f.t.Text(f.spec.Cluster)
		key = func(i int) (string, bool) { return col[i], col[i] != "" }
	} else {
		col, err := f.t.Col(f.spec.Cluster)
		if err != nil {
			return &SpecError{"Cluster", err.Error()}
		}
		key = func(i int) (string, bool) {
			return strconv.FormatFloat(col[i], 'g', -1, 64), !math.IsNaN(col[i])
		}
	}
	for j, r := range rows {
		k, ok := key(r)
		if !ok {
			return &MissingValueError{Row: r + 1, Column: f.spec.Cluster}
		}
		id, found := seen[k]
		if !found {
			id = len(seen)
			seen[k] = id
		}
		ids[j] = id
	}
	f.opts.Clusters, f.nclusters = ids, len(seen)
	return nil
}

// modelRows returns the rows complete in vars. A missing value is a
// *MissingValueError unless the Spec drops such rows.
func (f *fitter) modelRows(vars []string) ([]bool, error) {
	for _, name := range vars {
		if _, err := f.t.Col(name); err != nil && !f.t.IsText(name) { // absent (a text column is checked by the design: factor() only)
			return nil, err
		}
	}
	keep, err := f.t.Complete(vars)
	if err != nil {
		return nil, err
	}
	dropped := 0
	for i, ok := range keep {
		if ok {
			continue
		}
		if !f.spec.DropMissing {
			for _, name := range vars {
				if f.missing(name, i) {
					return nil, &MissingValueError{Row: i + 1, Column: name}
				}
			}
		}
		dropped++
	}
	if dropped == len(keep) {
		return nil, fmt.Errorf("no rows left: all %d have missing values in the model's columns", dropped)
	}
	f.dropped = dropped
	return keep, nil
}

// missing reports whether column name misses row i (NaN, or "" in text).
func (f *fitter) missing(name string, i int) bool {
	if f.t.IsText(name) {
		tc, _ := f.t.Text(name)
		return tc[i] == ""
	}
	c, _ := f.t.Col(name)
	return math.IsNaN(c[i])
}

// column returns the rows of column name where keep is true (all rows
// when keep is nil).
func (f *fitter) column(name string, keep []bool) ([]float64, error) {
	c, err := f.t.Col(name)
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
