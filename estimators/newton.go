package estimators

import (
	"errors"
	"fmt"
	"math"
)

// errNotConverged is wrapped by newtonMax's iteration-limit error.
var errNotConverged = errors.New("did not converge")

// mlFit is a converged maximum-likelihood fit by newtonMax.
type mlFit struct {
	theta []float64
	cov   []float64 // (−H)⁻¹ at theta, p×p
	ll    float64
	iter  int
}

// newtonMax maximises a log-likelihood by Newton–Raphson from theta0, as
// bvModel.fit does for the bivariate models: eval(θ, g, negH) returns ℓ(θ)
// and writes ∇ℓ to g and −∇²ℓ (full p×p, row-major) to negH, or returns
// −Inf when θ is outside the parameter space (then g and negH are not
// read). Each step solves (−H)d = g by Cholesky and is halved (at most 50
// times) until ℓ does not decrease; where −H is not positive definite the
// step is a Levenberg–Marquardt one, (−H + μD)⁻¹g with D = diag(|−H|) and μ
// raised tenfold until the matrix factors. The fit has converged when −H is
// positive definite, the Newton decrement g'(−H)⁻¹g is below bvDecTol and
// no component of the Newton step exceeds 1e-6·(1 + |θⱼ|); the covariance
// is (−H)⁻¹ there. names labels the parameters in errors.
func newtonMax(eval func(theta, g, negH []float64) float64, theta0 []float64, names []string, maxIter int) (*mlFit, error) {
	p := len(theta0)
	theta := append([]float64(nil), theta0...)
	trial := make([]float64, p)
	g, negH := make([]float64, p), make([]float64, p*p)
	g2, negH2 := make([]float64, p), make([]float64, p*p)
	damped := make([]float64, p*p)
	d := make([]float64, p)
	ll := eval(theta, g, negH)
	if math.IsNaN(ll) || math.IsInf(ll, 0) || !finiteAll(g) {
		return nil, fmt.Errorf("log-likelihood is %v at the starting values", ll)
	}
	solve := func(inv []float64) {
		for i := 0; i < p; i++ {
			var s float64
			for j := 0; j < p; j++ {
				s += inv[i*p+j] * g[j]
			}
			d[i] = s
		}
	}
	for iter := 0; ; iter++ {
		inv, bad, ok := cholInverse(negH, p, hessPivot)
		if ok {
			solve(inv)
			var dec float64
			for i := range d {
				dec += d[i] * g[i]
			}
			// A diverging parameter (a perfectly predicted category, ρ
			// running to ±1) flattens ℓ so that the decrement vanishes
			// while the steps do not: convergence also needs a step
			// that is small against the parameters.
			small := true
			for i, v := range d {
				small = small && math.Abs(v) <= 1e-6*(1+math.Abs(theta[i]))
			}
			if dec < bvDecTol && small {
				return &mlFit{theta: theta, cov: inv, ll: ll, iter: iter}, nil
			}
		} else {
			if !finiteAll(negH) {
				return nil, fmt.Errorf("the Hessian is not finite at iteration %d (parameter %q)", iter+1, names[bad])
			}
			solved := false
			for mu := 1e-6; mu <= 1e12; mu *= 10 {
				copy(damped, negH)
				for j := 0; j < p; j++ {
					damped[j*p+j] += mu * math.Max(math.Abs(negH[j*p+j]), 1e-8)
				}
				if di, _, ok := cholInverse(damped, p, hessPivot); ok {
					solve(di)
					solved = true
					break
				}
			}
			if !solved {
				return nil, fmt.Errorf("the Hessian is singular at iteration %d (parameter %q)", iter+1, names[bad])
			}
		}
		if iter >= maxIter {
			return nil, fmt.Errorf("%w after %d iterations", errNotConverged, maxIter)
		}
		accepted := false
		var llt float64
		for t, h := 1.0, 0; h <= 50; t, h = t/2, h+1 {
			for j := range trial {
				trial[j] = theta[j] + t*d[j]
			}
			llt = eval(trial, g2, negH2)
			if !math.IsNaN(llt) && !math.IsInf(llt, 0) && finiteAll(g2) && llt >= ll-1e-13*math.Abs(ll) {
				accepted = true
				break
			}
		}
		if !accepted {
			return nil, fmt.Errorf("step halving failed at iteration %d: the log-likelihood does not increase along the Newton direction", iter+1)
		}
		copy(theta, trial)
		ll = llt
		g, g2 = g2, g
		negH, negH2 = negH2, negH
	}
}
