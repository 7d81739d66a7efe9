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
	res.Ident.Rank = e.w.indep
	r := pt.r
	var jac *mat.Dense
	if len(idx) > 0 {
		e.phase = "jacobian"
		var err error
		if jac, err = e.jacobian(ctx, pt, idx, uniform(len(pt.u), fdStep), true); err != nil {
			return nil, err
		}
		jac, idx = e.dropUnmoved(res, jac, idx)
		if len(idx) == 0 {
			jac = nil
		} else {
			e.covariance(res, jac, idx)
			if pt, r, jac, err = e.polish(ctx, res, pt, idx, jac); err != nil {
				return nil, err
			}
			res.Simulated = pt.sim
		}
	}
	res.Objective = dot(r, r)
	res.J = e.jTest(r, jac)
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
// identification from J = ∂r/∂u (moments × len(idx)), r = L(m̂ − m):
// in unit coordinates the MSM sandwich
//
//	V_u = (1 + 1/S) (J'J)⁻¹ J'RJ (J'J)⁻¹,
//
// R = LΩL, as G'WG = J'J and G'WΩWG = J'RJ with W = L'L (Gouriéroux &
// Monfort 1996, ch. 2; the 1 + 1/S counts the simulation's own noise,
// S simulated units per data unit); V_θ scales it by the ranges.
func (e *estimation) covariance(res *Result, jac *mat.Dense, idx []int) {
	p := e.p
	k := len(idx)
	res.CovNames, res.Cov = nil, nil
	var svd mat.SVD
	if !svd.Factorize(jac, mat.SVDThin) {
		return // every estimate stays not identified
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	res.Ident.Singular = sv
	res.Ident.Condition = sv[0] / sv[k-1]
	res.Ident.Weakest = map[string]float64{}
	for c, j := range idx {
		res.Ident.Weakest[p.Params[j].Name] = v.At(c, k-1)
	}
	cov := e.sandwich(&u, &v, sv)
	for a := range k {
		for b := range k {
			ra, rb := p.Params[idx[a]].Hi-p.Params[idx[a]].Lo, p.Params[idx[b]].Hi-p.Params[idx[b]].Lo
			cov.Set(a, b, cov.At(a, b)*ra*rb)
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

// sandwich returns V_u from the thin SVD J = U Σ V': (J'J)⁻¹J' = VΣ⁻¹U',
// so V_u = (1 + 1/S) (VΣ⁻¹) (U'RU) (VΣ⁻¹)'. A (numerically) zero
// singular value gives infinite variance to the parameters in its
// direction (and infinite covariance between two such).
func (e *estimation) sandwich(u, v *mat.Dense, sv []float64) *mat.Dense {
	k := len(sv)
	b := mat.DenseCopyOf(v)
	var null []int
	for c, s := range sv {
		col := b.ColView(c).(*mat.VecDense)
		if s > 1e-10*sv[0] {
			col.ScaleVec(1/s, col)
		} else {
			col.Zero()
			null = append(null, c)
		}
	}
	var ru, meat, bm, cov mat.Dense
	ru.Mul(e.w.corr, u)
	meat.Mul(u.T(), &ru)
	bm.Mul(b, &meat)
	cov.Mul(&bm, b.T())
	cov.Scale(1+1/e.p.S, &cov)
	for _, c := range null {
		for a := range k {
			for d := range k {
				if math.Abs(v.At(a, c)) > 1e-8 && math.Abs(v.At(d, c)) > 1e-8 {
					cov.Set(a, d, math.Inf(1))
				}
			}
		}
	}
	return &cov
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

// jTest is the test of the over-identifying moments for a weight that
// is not Ω⁻¹ (Hansen 1982, Lemma 4.1): at the estimate the weighted
// residual r has covariance Σ_r = (1 + 1/S) M R M, M = I − UU' the
// projection off the column space of J (U its left singular vectors),
// and
//
//	J = r' Σ_r⁺ r ~ χ²(rank Σ_r),
//
// the rank being the independent moments less the estimated
// parameters. jac nil: no parameter estimated, M = I. No p-value when
// the rank is 0.
func (e *estimation) jTest(r []float64, jac *mat.Dense) JTest {
	m := len(r)
	proj := mat.NewDense(m, m, nil)
	for i := range m {
		proj.Set(i, i, 1)
	}
	if jac != nil {
		var svd mat.SVD
		if svd.Factorize(jac, mat.SVDThin) {
			var u mat.Dense
			svd.UTo(&u)
			sv := svd.Values(nil)
			for c, s := range sv {
				if s > 1e-10*sv[0] {
					cv := mat.NewVecDense(m, mat.Col(nil, c, &u))
					proj.RankOne(proj, -1, cv, cv)
				}
			}
		}
	}
	var mr, sr mat.Dense
	mr.Mul(proj, e.w.corr)
	sr.Mul(&mr, proj)
	sym := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			sym.SetSym(i, j, (sr.At(i, j)+sr.At(j, i))/2*(1+1/e.p.S))
		}
	}
	out := JTest{Stat: math.NaN(), PValue: math.NaN()}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return out
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := vals[m-1]
	out.Stat = 0
	for c, val := range vals {
		if val <= 1e-8*top {
			continue
		}
		z := 0.0
		for i := range m {
			z += vecs.At(i, c) * r[i]
		}
		out.Stat += z * z / val
		out.DF++
	}
	if out.DF > 0 {
		out.PValue = distuv.ChiSquared{K: float64(out.DF)}.Survival(out.Stat)
	}
	return out
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
