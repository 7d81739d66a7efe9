package calibrate

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// result assembles the estimates at the search's end point.
func (e *estimation) result(ctx context.Context, pt point, free []bool, sens []float64) (*Result, error) {
	p := e.p
	res := &Result{Simulated: pt.sim, Objective: pt.q}
	th := e.theta(pt.u)
	for j, x := range p.Params {
		est := Estimate{Param: x, Value: th[j], StdError: math.NaN(), Status: NotIdentified, Sensitivity: sens[j]}
		if !free[j] {
			est.Value = x.Start
			res.Ident.Unmoved = append(res.Ident.Unmoved, x.Name)
		}
		res.Estimates = append(res.Estimates, est)
	}
	idx := freeIndex(free)
	res.Ident.Rank = e.w.rank
	q := pt.q
	if len(idx) > 0 {
		e.phase = "jacobian"
		jac, err := e.jacobian(ctx, pt, idx, uniform(len(pt.u), fdStep), true)
		if err != nil {
			return nil, err
		}
		jac, idx = e.dropUnmoved(res, jac, idx)
		if len(idx) > 0 {
			e.covariance(res, jac, idx)
			if pt, q, err = e.polish(ctx, res, pt, idx); err != nil {
				return nil, err
			}
			res.Simulated = pt.sim
		}
	}
	res.Objective = q
	res.J = jTest(q, p.S, e.w.rank-len(idx))
	if err := e.profiles(ctx, res, pt, idx); err != nil {
		return nil, err
	}
	res.Evaluations = e.evals
	return res, nil
}

// dropUnmoved removes from the Jacobian the parameters whose column is
// shorter than unmovedThreshold (their full range moves the weighted
// moments by less than that many standard errors, locally): they are
// not identified and keep their start value.
func (e *estimation) dropUnmoved(res *Result, jac *mat.Dense, idx []int) (*mat.Dense, []int) {
	var keep []int
	for c, j := range idx {
		res.Estimates[j].Sensitivity = mat.Norm(jac.ColView(c), 2)
		if res.Estimates[j].Sensitivity >= unmovedThreshold {
			keep = append(keep, c)
			continue
		}
		res.Estimates[j].Value = e.p.Params[j].Start
		res.Ident.Unmoved = append(res.Ident.Unmoved, e.p.Params[j].Name)
	}
	if len(keep) == len(idx) {
		return jac, idx
	}
	rows, _ := jac.Dims()
	out := mat.NewDense(rows, max(len(keep), 1), nil)
	kept := make([]int, len(keep))
	for c, k := range keep {
		out.SetCol(c, mat.Col(nil, k, jac))
		kept[c] = idx[k]
	}
	return out, kept
}

// covariance fills the standard errors, statuses, covariance and local
// identification from ∂r/∂u (rank × len(idx)): with J_θ = ∂r/∂θ =
// jac·diag(1/(Hi − Lo)), V = (1 + 1/S)(J_θ'J_θ)⁻¹, as G'WG = J_θ'J_θ.
func (e *estimation) covariance(res *Result, jac *mat.Dense, idx []int) {
	p := e.p
	k := len(idx)
	res.CovNames, res.Cov = nil, nil
	var svd mat.SVD
	if !svd.Factorize(jac, mat.SVDThin) {
		return // every estimate stays not identified
	}
	sv := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	res.Ident.Singular = sv
	res.Ident.Condition = sv[0] / sv[k-1]
	res.Ident.Weakest = map[string]float64{}
	for c, j := range idx {
		res.Ident.Weakest[p.Params[j].Name] = v.At(c, k-1)
	}
	// V in unit coordinates = (1 + 1/S) V_svd Σ⁻² V_svd'; a (numerically)
	// zero singular value gives infinite variance to the parameters in
	// its direction.
	f := 1 + 1/p.S
	cov := mat.NewDense(k, k, nil)
	for a := range k {
		for b := range k {
			s := 0.0
			for c := range k {
				va, vb := v.At(a, c), v.At(b, c)
				switch {
				case sv[c] > 1e-10*sv[0]:
					s += va * vb / (sv[c] * sv[c])
				case math.Abs(va) > 1e-8 && math.Abs(vb) > 1e-8:
					s = math.Inf(1)
				}
			}
			ra, rb := p.Params[idx[a]].Hi-p.Params[idx[a]].Lo, p.Params[idx[b]].Hi-p.Params[idx[b]].Lo
			cov.Set(a, b, f*s*ra*rb)
		}
	}
	var keep []int
	for c, j := range idx {
		est := &res.Estimates[j]
		est.StdError = math.Sqrt(cov.At(c, c))
		est.Status = status(est.StdError, est.Hi-est.Lo)
		if est.Status != NotIdentified && !math.IsInf(est.StdError, 0) && !math.IsNaN(est.StdError) {
			keep = append(keep, c)
		}
	}
	for _, a := range keep {
		res.CovNames = append(res.CovNames, p.Params[idx[a]].Name)
		row := make([]float64, 0, len(keep))
		for _, b := range keep {
			row = append(row, cov.At(a, b))
		}
		res.Cov = append(res.Cov, row)
	}
}

// status classifies a standard error against the range: a 95% interval
// (±1.96 SE) wider than the range is not identified, wider than half of
// it weakly identified.
func status(se, width float64) Status {
	switch ci := 2 * 1.96 * se; {
	case !(ci <= width):
		return NotIdentified
	case ci > width/2:
		return WeaklyIdentified
	}
	return Identified
}

// jTest is Hansen's J = Q/(1 + 1/S) ~ χ²(df); no test when df ≤ 0.
func jTest(q, s float64, df int) JTest {
	j := JTest{Stat: q / (1 + 1/s), DF: df, PValue: math.NaN()}
	if df > 0 {
		j.PValue = distuv.ChiSquared{K: float64(df)}.Survival(j.Stat)
	}
	return j
}

// profiles evaluates Q along each estimated parameter's range, the
// others at the estimate.
func (e *estimation) profiles(ctx context.Context, res *Result, pt point, idx []int) error {
	n := e.p.profilePoints()
	if n < 2 {
		return nil
	}
	e.phase = "profile"
	for _, j := range idx {
		x := e.p.Params[j]
		prof := Profile{Name: x.Name}
		for i := range n {
			u := slices.Clone(pt.u)
			u[j] = float64(i) / float64(n-1)
			q, err := e.eval(ctx, u)
			if err != nil {
				return err
			}
			prof.X = append(prof.X, x.Lo+u[j]*(x.Hi-x.Lo))
			prof.Q = append(prof.Q, q.q)
		}
		res.Profiles = append(res.Profiles, prof)
	}
	return nil
}
