package calibrate

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Settings of polish: its rounds, the half-width of its design in
// standard errors, and the bounds of that half-width in unit-box units.
const (
	polishRounds = 3
	seSteps      = 2
	minSEStep    = 0.05
	maxSEStep    = 0.25
)

// polish replaces the search's end point by the minimiser of a smoothed
// objective, and the finite-difference Jacobian by a regression one.
//
// Under common random numbers a simulated moment is still a step
// function of θ: each simulated customer whose choice flips moves it by
// one count, and the customer's later history then differs. The
// objective is rugged on the scale of a standard error, so a local
// search stops in whichever dip it meets, which adds variance the
// sandwich does not count, and a central difference over a short step
// is noisy, which inflates J'J and shrinks the standard errors. polish
// fits, by least squares, the weighted residuals over a star design
// around the current point c (±h_j and ±h_j/2 along each free
// coordinate, h_j = 2 SE_j within [minSEStep, maxSEStep]),
//
//	r(u) ≈ a + J (u − c),
//
// and takes the Gauss–Newton step δ = argmin ‖a + Jδ‖² (at most 2h_j
// along each coordinate); polishRounds such rounds, the covariance from
// the last J (Gouriéroux & Monfort 1996, ch. 2, on smoothing simulated
// objectives; a response-surface step in the sense of Box & Wilson
// 1951). It returns the final point, evaluated, the smoothed residual
// there, a + Jδ, and the J of the last round (jac, the search's, when
// no round could fit).
func (e *estimation) polish(ctx context.Context, res *Result, pt point, idx []int, jac *mat.Dense) (point, []float64, *mat.Dense, error) {
	e.phase = "polish"
	c := slices.Clone(pt.u)
	r := pt.r
	for range polishRounds {
		h := e.halfWidths(res, idx)
		a, fit, ok, err := e.localFit(ctx, c, idx, h)
		if err != nil {
			return point{}, nil, nil, err
		}
		if !ok {
			break
		}
		delta := gaussNewton(fit, a, idx, h)
		next := slices.Clone(c)
		for k, j := range idx {
			next[j] = math.Min(math.Max(c[j]+delta[k], 0), 1)
			delta[k] = next[j] - c[j]
		}
		r, jac = predicted(a, fit, delta), fit
		e.covariance(res, jac, idx)
		c = next
	}
	final, err := e.eval(ctx, c)
	if err != nil {
		return point{}, nil, nil, err
	}
	if final.r == nil { // a moment undefined at the polished point: keep the search's
		return pt, pt.r, jac, nil
	}
	th := e.theta(c)
	for _, j := range idx {
		res.Estimates[j].Value = th[j]
	}
	return final, r, jac, nil
}

// halfWidths returns the design's half-width along each coordinate.
func (e *estimation) halfWidths(res *Result, idx []int) []float64 {
	h := uniform(len(e.p.Params), minSEStep)
	for _, j := range idx {
		se := res.Estimates[j].StdError / (e.p.Params[j].Hi - e.p.Params[j].Lo)
		if !math.IsNaN(se) {
			h[j] = min(max(seSteps*se, minSEStep), maxSEStep)
		}
	}
	return h
}

// localFit evaluates the star design around c and regresses the
// weighted residuals on the offsets: it returns the intercept a (the
// smoothed residual at c) and J (rank × len(idx)). ok is false when too
// few design points are feasible or the design is degenerate.
func (e *estimation) localFit(ctx context.Context, c []float64, idx []int, h []float64) (a []float64, jac *mat.Dense, ok bool, err error) {
	var xs [][]float64
	var rs [][]float64
	add := func(u []float64) error {
		pt, err := e.eval(ctx, u)
		if err != nil || pt.r == nil || math.IsInf(pt.q, 1) {
			return err
		}
		x := make([]float64, len(idx)+1)
		x[0] = 1
		for k, j := range idx {
			x[k+1] = u[j] - c[j]
		}
		xs, rs = append(xs, x), append(rs, pt.r)
		return nil
	}
	if err := add(c); err != nil {
		return nil, nil, false, err
	}
	for _, j := range idx {
		for _, f := range []float64{-1, -0.5, 0.5, 1} {
			u := slices.Clone(c)
			u[j] = math.Min(math.Max(c[j]+f*h[j], 0), 1)
			if u[j] == c[j] {
				continue
			}
			if err := add(u); err != nil {
				return nil, nil, false, err
			}
		}
	}
	k := len(idx) + 1
	if len(xs) < k+1 {
		return nil, nil, false, nil
	}
	x := mat.NewDense(len(xs), k, nil)
	y := mat.NewDense(len(rs), e.w.rank, nil)
	for i := range xs {
		x.SetRow(i, xs[i])
		y.SetRow(i, rs[i])
	}
	var b mat.Dense
	if err := b.Solve(x, y); err != nil {
		return nil, nil, false, nil
	}
	a = mat.Row(nil, 0, &b)
	jac = mat.NewDense(e.w.rank, len(idx), nil)
	for col := range idx {
		jac.SetCol(col, mat.Row(nil, col+1, &b))
	}
	return a, jac, true, nil
}

// gaussNewton returns δ minimising ‖a + Jδ‖², scaled down so that no
// coordinate moves more than twice its half-width; zero when J'J is
// singular.
func gaussNewton(jac *mat.Dense, a []float64, idx []int, h []float64) []float64 {
	delta := make([]float64, len(idx))
	var d mat.VecDense
	if err := d.SolveVec(jac, mat.NewVecDense(len(a), a)); err != nil {
		return delta
	}
	scale := 1.0
	for k, j := range idx {
		if m := math.Abs(d.AtVec(k)); m > 2*h[j] {
			scale = min(scale, 2*h[j]/m)
		}
	}
	for k := range delta {
		delta[k] = -scale * d.AtVec(k)
	}
	return delta
}

// predicted returns a + Jδ.
func predicted(a []float64, jac *mat.Dense, delta []float64) []float64 {
	var r mat.VecDense
	r.MulVec(jac, mat.NewVecDense(len(delta), delta))
	r.AddVec(&r, mat.NewVecDense(len(a), a))
	return mat.Col(nil, 0, &r)
}
