package estimate

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
)

// naive: with a treatment, the difference in mean outcome between
// treated and untreated; with a selection equation, the mean outcome
// where its indicator is 1; else the mean outcome.
func (f *fitter) naive() (*estimators.Result, error) {
	of, err := parse("Outcome", f.spec.Outcome, true)
	if err != nil {
		return nil, err
	}
	switch {
	case f.spec.Treatment != "":
		keep, err := f.modelRows(append([]string{of.Response, f.spec.Treatment}, f.extraVars()...))
		if err != nil {
			return nil, err
		}
		y, d, err := f.columns(of.Response, f.spec.Treatment, keep)
		if err != nil {
			return nil, err
		}
		if err := f.clusters(keptRows(keep)); err != nil {
			return nil, err
		}
		return estimators.NaiveCluster(y, d, f.opts.Clusters)
	case f.spec.Selection != "":
		sf, err := parse("Selection", f.spec.Selection, true)
		if err != nil {
			return nil, err
		}
		keep, selected, err := f.selectionRows(sf.Response, f.extraVars(), []string{of.Response}, false)
		if err != nil {
			return nil, err
		}
		y, err := f.column(of.Response, keep)
		if err != nil {
			return nil, err
		}
		var sel []float64 // the indicator after any deselection
		for i, k := range keep {
			if k {
				sel = append(sel, b2f(selected[i]))
			}
		}
		if err := f.clusters(keptRows(keep)); err != nil {
			return nil, err
		}
		return estimators.NaiveMeanCluster(y, sel, f.opts.Clusters)
	}
	keep, err := f.modelRows(append([]string{of.Response}, f.extraVars()...))
	if err != nil {
		return nil, err
	}
	y, err := f.column(of.Response, keep)
	if err != nil {
		return nil, err
	}
	if err := f.clusters(keptRows(keep)); err != nil {
		return nil, err
	}
	return estimators.NaiveMeanCluster(y, nil, f.opts.Clusters)
}

// keptRows returns the indices i with keep[i].
func keptRows(keep []bool) []int {
	var rows []int
	for i, k := range keep {
		if k {
			rows = append(rows, i)
		}
	}
	return rows
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// columns returns the kept rows of two columns.
func (f *fitter) columns(a, b string, keep []bool) ([]float64, []float64, error) {
	ca, err := f.column(a, keep)
	if err != nil {
		return nil, nil, err
	}
	cb, err := f.column(b, keep)
	return ca, cb, err
}

// selectionRows returns the rows a selection model uses and which of them
// are selected: a row is used when the selection indicator ind and the
// columns selVars are present and, if it is selected, the columns outVars
// too (the outcome may be missing where it is not observed). The
// indicator must be 0 or 1 and must be 1 somewhere; a selection model
// (model true) also needs rows where it is 0.
func (f *fitter) selectionRows(ind string, selVars, outVars []string, model bool) (keep, selected []bool, err error) {
	sc, err := f.t.Col(ind)
	if err != nil {
		return nil, nil, err
	}
	selected = make([]bool, f.t.Len())
	for i, v := range sc {
		switch {
		case v == 1:
			selected[i] = true
		case v == 0 || math.IsNaN(v):
		default:
			return nil, nil, &SpecError{"Selection", fmt.Sprintf("the selection indicator %q must be 0 or 1; row %d has %g", ind, i+1, v)}
		}
	}
	if keep, err = f.modelRows(append([]string{ind}, selVars...)); err != nil {
		return nil, nil, err
	}
	if err := f.dropIncompleteSelected(keep, selected, outVars); err != nil {
		return nil, nil, err
	}
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
		return nil, nil, &SpecError{"Selection", fmt.Sprintf("no selected observations: the selection indicator %q is 0 in all %d rows used", ind, n)}
	case n1 == n && model:
		return nil, nil, &SpecError{"Selection", fmt.Sprintf("no unselected observations: the selection indicator %q is 1 in all %d rows used, so there is no selection to model (use ols)", ind, n)}
	}
	return keep, selected, nil
}

// dropIncompleteSelected handles the kept, selected rows missing one of
// vars: an error, unless the Spec deselects them (they stay in the
// selection equation as not selected). Dropping them would change the
// selection sample, so DropMissing does not.
func (f *fitter) dropIncompleteSelected(keep, selected []bool, vars []string) error {
	for _, name := range vars {
		c, err := f.t.Col(name)
		if err != nil {
			return err
		}
		for i, v := range c {
			if keep[i] && selected[i] && math.IsNaN(v) {
				if !f.spec.DeselectMissing {
					return &MissingValueError{Row: i + 1, Column: name, Selected: true}
				}
				selected[i] = false
				f.deselected++
			}
		}
	}
	return nil
}

// selection fits heckit, heckman, heckprobit or heckoprobit: the
// selection design over the rows
// used and the outcome design over the selected ones (the outcome may be
// missing elsewhere).
func (f *fitter) selection() (*estimators.Result, error) {
	d, err := f.selectionData()
	if err != nil {
		return nil, err
	}
	opts := estimators.Options{MaxIter: f.spec.MaxIter, Clusters: f.opts.Clusters}
	switch f.spec.Method {
	case Heckman:
		return d.Heckman(opts)
	case HeckProbit:
		return d.HeckProbit(opts)
	case HeckOProbit:
		return d.HeckOProbit(opts)
	}
	return d.Heckit(opts)
}

// selectionData builds the data of a selection model, or, in a Session,
// takes those a fit of the same equations built (with the rows it used,
// dropped and deselected, and its clusters).
func (f *fitter) selectionData() (*estimators.SelectionData, error) {
	key := f.spec
	if f.spec.Method != HeckOProbit { // whose outcome design has no intercept
		key.Method = ""
	}
	if f.session != nil {
		if sf, ok := f.session.sel[key]; ok {
			f.dropped, f.deselected, f.used = sf.dropped, sf.deselected, sf.used
			f.opts.Clusters, f.nclusters = sf.clusters, sf.nclusters
			return sf.data, nil
		}
	}
	sf, err := parse("Selection", f.spec.Selection, true)
	if err != nil {
		return nil, err
	}
	of, err := f.outcome(true)
	if err != nil {
		return nil, err
	}
	keep, selected, err := f.selectionRows(sf.Response, append(sf.Vars(), f.extraVars()...), of.Vars(), true)
	if err != nil {
		return nil, err
	}
	sd, err := formula.NewDesign(f.t, sf, formula.DesignOptions{Subset: keep})
	if err != nil {
		return nil, fmt.Errorf("selection equation: %w", err)
	}
	od, err := formula.NewDesign(f.t, of, formula.DesignOptions{Subset: selected})
	if err != nil {
		return nil, fmt.Errorf("outcome equation: %w", err)
	}
	X, y, sel := spread(sd.Rows, od, selected)
	if err := f.clusters(sd.Rows); err != nil {
		return nil, err
	}
	d := estimators.NewSelectionData(sd.X, sel, sd.Names, X, y, od.Names)
	if f.session != nil {
		f.session.sel[key] = &selectionFit{data: d, dropped: f.dropped, deselected: f.deselected,
			used: f.used, clusters: f.opts.Clusters, nclusters: f.nclusters}
	}
	return d, nil
}

// spread lays the outcome design od (over the selected rows) onto rows,
// the selection design's rows: NaN where a row is not selected. It
// returns the outcome regressors, the outcome and the 0/1 indicator.
func spread(rows []int, od *formula.Design, selected []bool) (*mat.Dense, []float64, []float64) {
	n := len(rows)
	_, kx := od.X.Dims()
	X := mat.NewDense(n, kx, nil)
	y := make([]float64, n)
	sel := make([]float64, n)
	j := 0
	for k, row := range rows {
		if !selected[row] {
			for c := range kx {
				X.Set(k, c, math.NaN())
			}
			y[k] = math.NaN()
			continue
		}
		sel[k] = 1
		for c := range kx {
			X.Set(k, c, od.X.At(j, c))
		}
		y[k] = od.Y[j]
		j++
	}
	return X, y, sel
}

// treatReg fits an endogenous-treatment model — treatreg, biprobit or
// switching: Selection is the treatment equation "d ~ z1 + z2", Outcome
// "y ~ x1 + x2" without d, which treatreg and biprobit add as the last
// outcome regressor and switching splits the rows on (the same outcome
// equation in both regimes).
func (f *fitter) treatReg() (*estimators.Result, error) {
	tf, err := parse("Selection", f.spec.Selection, true)
	if err != nil {
		return nil, err
	}
	of, err := parse("Outcome", f.spec.Outcome, true)
	if err != nil {
		return nil, err
	}
	if slices.Contains(of.Terms, tf.Response) {
		return nil, &SpecError{"Outcome", fmt.Sprintf("leave the treatment %q out: %s adds it", tf.Response, f.spec.Method)}
	}
	// One set of rows for both equations.
	keep, err := f.modelRows(append(append(tf.Vars(), of.Vars()...), f.extraVars()...))
	if err != nil {
		return nil, err
	}
	opts := formula.DesignOptions{Subset: keep}
	td, err := formula.NewDesign(f.t, tf, opts)
	if err != nil {
		return nil, fmt.Errorf("treatment equation: %w", err)
	}
	od, err := formula.NewDesign(f.t, of, opts)
	if err != nil {
		return nil, fmt.Errorf("outcome equation: %w", err)
	}
	if err := f.clusters(td.Rows); err != nil {
		return nil, err
	}
	eo := estimators.Options{MaxIter: f.spec.MaxIter, Clusters: f.opts.Clusters}
	if f.spec.Method == Switching {
		return estimators.Switching(td.X, td.Y, td.Names, od.X, od.Names, od.X, od.Names, od.Y, eo)
	}
	fit := map[Method]func(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, tname string, opts estimators.Options) (*estimators.Result, error){
		TreatReg: estimators.TreatRegML, TreatRegTwoStep: estimators.TreatRegTwoStep, BiProbit: estimators.BiProbit,
	}[f.spec.Method]
	return fit(td.X, td.Y, td.Names, od.X, od.Y, od.Names, tf.Response, eo)
}

// weighting fits ipw, aipw or psm: the propensity (and for aipw the
// outcome) model uses the right-hand side of Outcome.
func (f *fitter) weighting() (*estimators.Result, error) {
	of, err := parse("Outcome", f.spec.Outcome, true)
	if err != nil {
		return nil, err
	}
	if slices.Contains(of.Terms, f.spec.Treatment) {
		return nil, &SpecError{"Outcome", fmt.Sprintf("leave the treatment %q out", f.spec.Treatment)}
	}
	keep, err := f.modelRows(append(append(of.Vars(), f.spec.Treatment), f.extraVars()...))
	if err != nil {
		return nil, err
	}
	d, err := formula.NewDesign(f.t, of, formula.DesignOptions{Subset: keep})
	if err != nil {
		return nil, err
	}
	treat, err := f.column(f.spec.Treatment, keep)
	if err != nil {
		return nil, err
	}
	if err := f.clusters(d.Rows); err != nil {
		return nil, err
	}
	switch f.spec.Method {
	case IPW:
		return estimators.IPW(d.X, treat, d.Names, d.Y, f.opts)
	case AIPW:
		return estimators.AIPW(d.X, treat, d.Names, d.X, d.Y, d.Names, f.opts)
	}
	return estimators.PSM(d.X, treat, d.Names, d.Y, max(f.spec.Neighbours, 1), f.opts)
}

// iv fits 2SLS: Treatment names the endogenous regressors ("d", or
// "d1 + d2" for several), Instruments the excluded instruments, and
// Outcome the outcome and the exogenous regressors — with or without the
// endogenous ones, which may appear there as R's ivreg formula writes
// them ("y ~ x + d").
func (f *fitter) iv() (*estimators.Result, error) {
	of, err := parse("Outcome", f.spec.Outcome, true)
	if err != nil {
		return nil, err
	}
	df, err := formula.ParseTerms(f.spec.Treatment)
	if err != nil {
		return nil, &SpecError{"Treatment", err.Error()}
	}
	zf, err := formula.ParseTerms(f.spec.Instruments)
	if err != nil {
		return nil, &SpecError{"Instruments", err.Error()}
	}
	endog := df.Terms
	exog := &formula.Formula{Response: of.Response, Intercept: of.Intercept}
	for _, t := range of.Terms {
		if !slices.Contains(endog, t) {
			exog.Terms = append(exog.Terms, t)
		}
	}
	for _, z := range zf.Terms {
		if slices.Contains(of.Terms, z) || slices.Contains(endog, z) {
			return nil, &SpecError{"Instruments", fmt.Sprintf("%q is a regressor: an excluded instrument must stay out of the outcome equation and the treatment", z)}
		}
	}
	keep, err := f.modelRows(append(append(append(exog.Vars(), endog...), zf.Terms...), f.extraVars()...))
	if err != nil {
		return nil, err
	}
	opts := formula.DesignOptions{Subset: keep}
	xd, err := formula.NewDesign(f.t, exog, opts)
	if err != nil {
		return nil, err
	}
	dd, err := formula.NewDesign(f.t, &formula.Formula{Terms: endog}, opts)
	if err != nil {
		return nil, err
	}
	zd, err := formula.NewDesign(f.t, &formula.Formula{Terms: zf.Terms}, opts)
	if err != nil {
		return nil, err
	}
	if err := f.clusters(xd.Rows); err != nil {
		return nil, err
	}
	return estimators.IV(xd.X, xd.Names, dd.X, dd.Names, zd.X, zd.Names, xd.Y, f.opts)
}
