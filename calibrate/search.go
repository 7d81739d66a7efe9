package calibrate

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// maxParams bounds the parameters (the Halton bases below).
const maxParams = 20

var haltonBases = [maxParams]int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71}

// halton is the i-th (from 1) point of the Halton sequence in base b.
func halton(i, b int) float64 {
	f, x := 1.0, 0.0
	for ; i > 0; i /= b {
		f /= float64(b)
		x += f * float64(i%b)
	}
	return x
}

func (e *estimation) screenSize() int {
	if e.p.Screen > 0 {
		return e.p.Screen
	}
	return 4*len(e.p.Params) + 2
}

// screen evaluates the start and a Halton design of the unit box.
func (e *estimation) screen(ctx context.Context) ([]point, error) {
	e.phase = "screen"
	k := len(e.p.Params)
	start := make([]float64, k)
	for j, x := range e.p.Params {
		start[j] = (x.Start - x.Lo) / (x.Hi - x.Lo)
	}
	pts := make([]point, 0, e.screenSize())
	for i := range e.screenSize() {
		u := start
		if i > 0 {
			u = make([]float64, k)
			for j := range k {
				u[j] = halton(i, haltonBases[j])
			}
		}
		pt, err := e.eval(ctx, u)
		if err != nil {
			return nil, err
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

// identify regresses the weighted residuals of the screen on the design
// (r_i = a + B'u_i + error) and returns which parameters move the
// moments by at least unmovedThreshold standard errors across their
// range (‖B_j‖, the sensitivity), and every parameter's sensitivity.
func (e *estimation) identify(design []point) (free []bool, sens []float64) {
	var ok []point
	for _, pt := range design {
		if !math.IsInf(pt.q, 1) {
			ok = append(ok, pt)
		}
	}
	k, n, rank := len(e.p.Params), len(ok), e.w.rank
	free, sens = make([]bool, k), make([]float64, k)
	if n < k+2 { // too few feasible points: let the search decide
		for j := range free {
			free[j], sens[j] = true, math.NaN()
		}
		return free, sens
	}
	x := mat.NewDense(n, k+1, nil)
	y := mat.NewDense(n, rank, nil)
	for i, pt := range ok {
		x.Set(i, 0, 1)
		for j, u := range pt.u {
			x.Set(i, j+1, u)
		}
		y.SetRow(i, pt.r)
	}
	var b mat.Dense
	if err := b.Solve(x, y); err != nil {
		for j := range free { // a degenerate design: let the search decide
			free[j], sens[j] = true, math.NaN()
		}
		return free, sens
	}
	for j := range k {
		sens[j] = mat.Norm(b.RowView(j+1), 2)
		free[j] = sens[j] >= unmovedThreshold
	}
	return free, sens
}

// search runs Levenberg–Marquardt from the best screen points and
// returns the best end point.
func (e *estimation) search(ctx context.Context, design []point, free []bool) (point, error) {
	e.phase = "search"
	order := make([]int, len(design))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(design[a].q, design[b].q) })
	starts := e.p.Starts
	if starts <= 0 {
		starts = 2
	}
	var best point
	for s := range min(starts, len(order)) {
		u := slices.Clone(design[order[s]].u)
		for j, f := range free {
			if !f {
				u[j] = design[0].u[j] // the start value
			}
		}
		pt, err := e.levenbergMarquardt(ctx, u, free)
		if err != nil {
			return point{}, err
		}
		if s == 0 || pt.q < best.q {
			best = pt
		}
	}
	return best, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Search settings: the finite-difference step in unit-box units, the
// iteration limit and the stopping tolerances.
const (
	fdStep     = 0.05
	lmMaxIter  = 25
	lmTries    = 12
	lmRelTol   = 1e-6
	lmStepTol  = 1e-4
	lmMuStart  = 1e-3
	lmMuGiveUp = 1e8
)

// levenbergMarquardt minimises r(u)'r(u) over the free coordinates of u
// in the unit box (Moré 1978, Lecture Notes in Mathematics 630):
// (J'J + μ·diag(J'J)) δ = −J'r, accepted when Q falls.
func (e *estimation) levenbergMarquardt(ctx context.Context, u []float64, free []bool) (point, error) {
	pt, err := e.eval(ctx, u)
	if err != nil {
		return point{}, err
	}
	idx := freeIndex(free)
	if len(idx) == 0 {
		return pt, nil
	}
	mu := lmMuStart
	for range lmMaxIter {
		jac, err := e.jacobian(ctx, pt, idx, uniform(len(u), fdStep), false)
		if err != nil {
			return point{}, err
		}
		a, g := normalEquations(jac, pt.r)
		improved := false
		var step float64
		for range lmTries {
			next, ok := lmStep(pt.u, idx, a, g, mu)
			if !ok {
				mu *= 10
				continue
			}
			cand, err := e.eval(ctx, next)
			if err != nil {
				return point{}, err
			}
			if cand.q < pt.q {
				step = maxAbsDiff(cand.u, pt.u)
				drop := pt.q - cand.q
				pt, improved = cand, true
				mu = max(mu/3, 1e-9)
				if drop < lmRelTol*(1+pt.q) {
					step = 0
				}
				break
			}
			mu *= 10
		}
		if !improved || step < lmStepTol || mu > lmMuGiveUp {
			break
		}
	}
	return pt, nil
}

func freeIndex(free []bool) []int {
	var idx []int
	for j, f := range free {
		if f {
			idx = append(idx, j)
		}
	}
	return idx
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func uniform(k int, h float64) []float64 {
	s := make([]float64, k)
	for j := range s {
		s[j] = h
	}
	return s
}

// jacobian returns ∂r/∂u over the coordinates idx (rank × len(idx)) by
// forward differences from pt with steps h (unit-box units, one per
// coordinate), or central ones. A step that would leave the box, or
// lands where a moment is undefined, goes the other way (forward) or
// becomes one-sided (central); with no usable side the column is zero.
func (e *estimation) jacobian(ctx context.Context, pt point, idx []int, h []float64, central bool) (*mat.Dense, error) {
	jac := mat.NewDense(e.w.rank, len(idx), nil)
	for c, j := range idx {
		var up, dn point
		var err error
		if up, err = e.step(ctx, pt, j, h[j]); err != nil {
			return nil, err
		}
		if central || up.r == nil {
			if dn, err = e.step(ctx, pt, j, -h[j]); err != nil {
				return nil, err
			}
		}
		if up.r == nil {
			up = pt
		}
		if dn.r == nil {
			dn = pt
		}
		if up.u[j] == dn.u[j] {
			continue
		}
		width := up.u[j] - dn.u[j]
		for r := range e.w.rank {
			jac.Set(r, c, (up.r[r]-dn.r[r])/width)
		}
	}
	return jac, nil
}

// step evaluates pt moved by h along coordinate j, clamped to the box;
// a point off the box's edge or where a moment is undefined comes back
// with no residual (r nil).
func (e *estimation) step(ctx context.Context, pt point, j int, h float64) (point, error) {
	u := slices.Clone(pt.u)
	u[j] = math.Min(math.Max(pt.u[j]+h, 0), 1)
	if u[j] == pt.u[j] {
		return point{}, nil
	}
	q, err := e.eval(ctx, u)
	if err != nil || math.IsInf(q.q, 1) {
		return point{}, err
	}
	return q, nil
}

// normalEquations returns J'J and J'r.
func normalEquations(jac *mat.Dense, r []float64) (*mat.SymDense, *mat.VecDense) {
	_, k := jac.Dims()
	a := mat.NewSymDense(k, nil)
	a.SymOuterK(1, jac.T())
	var g mat.VecDense
	g.MulVec(jac.T(), mat.NewVecDense(len(r), r))
	return a, &g
}

// lmStep returns u + δ clamped to the box, δ solving
// (A + μ·diag(A)) δ = −g on the coordinates idx.
func lmStep(u []float64, idx []int, a *mat.SymDense, g *mat.VecDense, mu float64) ([]float64, bool) {
	k := len(idx)
	m := mat.NewSymDense(k, nil)
	m.CopySym(a)
	top := 0.0
	for i := range k {
		top = max(top, a.At(i, i))
	}
	for i := range k { // a floor keeps a column no moment moves from making m singular
		m.SetSym(i, i, a.At(i, i)*(1+mu)+1e-9*top+1e-300)
	}
	var chol mat.Cholesky
	if !chol.Factorize(m) {
		return nil, false
	}
	var d mat.VecDense
	if err := chol.SolveVecTo(&d, g); err != nil {
		return nil, false
	}
	next := slices.Clone(u)
	for c, j := range idx {
		next[j] = math.Min(math.Max(u[j]-d.AtVec(c), 0), 1)
	}
	return next, true
}
