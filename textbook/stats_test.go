package textbook

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Test statistics with their Monte Carlo standard errors. Every check in
// this package's tests is |estimate − truth| < zTol·SE, with SE computed
// from the same sample (a plug-in or influence-function standard error).
// With zTol = 4 a correct generator fails a single check with probability
// about 6e-5; the seeds are fixed, so the tests are deterministic.
const zTol = 4

// est is an estimate with its standard error.
type est struct{ v, se float64 }

func (e est) near(t *testing.T, what string, truth float64) {
	t.Helper()
	if !(e.se > 0) || math.IsNaN(e.v) {
		t.Errorf("%s: estimate %v with SE %v", what, e.v, e.se)
		return
	}
	d := math.Abs(e.v - truth)
	if testing.Verbose() {
		t.Logf("%-40s %12.6g  truth %10.6g  SE %9.3g  |z| %5.2f", what, e.v, truth, e.se, d/e.se)
	}
	if !(d < zTol*e.se) {
		t.Errorf("%s = %.6g, want %.6g: off by %.2f SE (SE %.3g, tolerance %d SE)", what, e.v, truth, d/e.se, e.se, zTol)
	}
}

// moments returns the mean of f(x) and its SE sd/√n in one pass
// (f = nil is the identity).
func moments(x []float64, f func(float64) float64) est {
	var s, ss float64
	for _, v := range x {
		if f != nil {
			v = f(v)
		}
		s += v
		ss += v * v
	}
	n := float64(len(x))
	m := s / n
	return est{m, math.Sqrt(math.Max(ss-n*m*m, 0) / (n - 1) / n)}
}

// meanEst is the sample mean with SE = sd/√n.
func meanEst(x []float64) est { return moments(x, nil) }

// mapEst is the mean of f(x) with its SE.
func mapEst(x []float64, f func(float64) float64) est { return moments(x, f) }

// varEst is the sample variance with the SE of its influence function
// (x − m)² − s², i.e. √((μ4 − s⁴)/n).
func varEst(x []float64) est {
	m := meanEst(x).v
	return moments(x, func(v float64) float64 { return (v - m) * (v - m) })
}

// sdEst is the sample sd with the delta-method SE SE(var)/(2 sd).
func sdEst(x []float64) est {
	v := varEst(x)
	sd := math.Sqrt(v.v)
	return est{sd, v.se / (2 * sd)}
}

// corrEst is Pearson's r with the SE of its influence function
// x̃ỹ − r(x̃² + ỹ²)/2 (x̃, ỹ standardised), valid for any distribution
// with finite fourth moments.
func corrEst(x, y []float64) est {
	n := len(x)
	var mx, my float64
	for i := range n {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, syy, sxy float64
	for i := range n {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	sx, sy := math.Sqrt(sxx/float64(n)), math.Sqrt(syy/float64(n))
	r := sxy / float64(n) / (sx * sy)
	var ps, pss float64
	for i := range n {
		a, b := (x[i]-mx)/sx, (y[i]-my)/sy
		p := a*b - r*(a*a+b*b)/2
		ps += p
		pss += p * p
	}
	m := ps / float64(n)
	return est{r, math.Sqrt((pss - float64(n)*m*m) / float64(n-1) / float64(n))}
}

// ols regresses y on the columns cols (an intercept is added first) over
// the rows where keep is nil or true, and returns the coefficients with
// heteroskedasticity-robust (HC0 sandwich) standard errors, solved with
// gonum's Cholesky factorisation.
func ols(t *testing.T, cols [][]float64, y []float64, keep []bool) []est {
	t.Helper()
	p := len(cols) + 1
	row := make([]float64, p)
	fill := func(i int) {
		row[0] = 1
		for j, c := range cols {
			row[j+1] = c[i]
		}
	}
	// Accumulate X'X and X'y in plain arrays, then hand them to mat.
	xtxa, xtya := make([]float64, p*p), make([]float64, p)
	for i := range y {
		if keep != nil && !keep[i] {
			continue
		}
		fill(i)
		for a := range p {
			xtya[a] += row[a] * y[i]
			for b := a; b < p; b++ {
				xtxa[a*p+b] += row[a] * row[b]
			}
		}
	}
	for a := range p {
		for b := range a {
			xtxa[a*p+b] = xtxa[b*p+a]
		}
	}
	xtx := mat.NewSymDense(p, xtxa)
	xty := mat.NewVecDense(p, xtya)
	var ch mat.Cholesky
	if !ch.Factorize(xtx) {
		t.Fatal("ols: X'X is not positive definite")
	}
	var beta mat.VecDense
	if err := ch.SolveVecTo(&beta, xty); err != nil {
		t.Fatal(err)
	}
	bv := beta.RawVector().Data
	meata := make([]float64, p*p)
	for i := range y {
		if keep != nil && !keep[i] {
			continue
		}
		fill(i)
		r := y[i]
		for a := range p {
			r -= row[a] * bv[a]
		}
		for a := range p {
			for b := a; b < p; b++ {
				meata[a*p+b] += r * r * row[a] * row[b]
			}
		}
	}
	for a := range p {
		for b := range a {
			meata[a*p+b] = meata[b*p+a]
		}
	}
	meat := mat.NewSymDense(p, meata)
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		t.Fatal(err)
	}
	var tmp, cov mat.Dense
	tmp.Mul(&inv, meat)
	cov.Mul(&tmp, &inv)
	out := make([]est, p)
	for a := range p {
		out[a] = est{beta.AtVec(a), math.Sqrt(cov.At(a, a))}
	}
	return out
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
