package estimators

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// errNotConverged is wrapped by newtonMax's iteration-limit error.
var errNotConverged = errors.New("did not converge")

// newtonDecTol bounds the Newton decrement g'(−H)⁻¹g (twice the
// predicted remaining gain in ℓ) at convergence.
const newtonDecTol = 1e-10

// mlFit is a converged maximum-likelihood fit by newtonMax.
type mlFit struct {
	theta []float64
	cov   []float64 // (−H)⁻¹ at theta, p×p; cluster-robust after clusterCov
	ll    float64
	iter  int
}

// newtonMax maximises a log-likelihood by Newton–Raphson from theta0; it
// is the maximiser of every ML estimator with an analytic Hessian
// (Heckman, TreatRegML, OProbit, HeckProbit, BiProbit, HeckOProbit,
// Switching). eval(θ, g, negH) returns ℓ(θ) and writes ∇ℓ to g and −∇²ℓ
// (full p×p, row-major) to negH, or returns −Inf when θ is outside the
// parameter space (then g and negH are not read).
//
// Each step solves (−H)d = g by Cholesky and is halved (at most 50 times)
// until ℓ does not decrease; where −H is not positive definite the step
// is a Levenberg–Marquardt one, (−H + μD)⁻¹g with D = diag(|−H|) and μ
// raised tenfold until the matrix factors. The fit has converged when −H
// is positive definite, the Newton decrement g'(−H)⁻¹g is below
// newtonDecTol and no component of the Newton step exceeds
// 1e-6·(1 + |θⱼ|); the covariance is (−H)⁻¹ there.
//
// athrho lists the positions of parameters atanh ρ: once one runs past
// ±15 (|ρ| within 2e-13 of 1) the fit stops, and a failure with one beyond
// ±7 says that ρ runs to the boundary |ρ| = 1. names labels the
// parameters in errors.
func newtonMax(eval func(theta, g, negH []float64) float64, theta0 []float64, names []string, maxIter int, athrho ...int) (*mlFit, error) {
	p := len(theta0)
	theta := append([]float64(nil), theta0...)
	trial := make([]float64, p)
	g, negH := make([]float64, p), make([]float64, p*p)
	g2, negH2 := make([]float64, p), make([]float64, p*p)
	d := make([]float64, p)
	ll := eval(theta, g, negH)
	if math.IsNaN(ll) || math.IsInf(ll, 0) || !finiteAll(g) {
		return nil, fmt.Errorf("log-likelihood is %v at the starting values", ll)
	}
	fail := func(err error) (*mlFit, error) {
		if j := beyond(theta, athrho, 7); j >= 0 {
			rho := strings.Replace(names[j], "athrho", "rho", 1)
			err = fmt.Errorf("%w; %s is running to %+.0f (%s = %.4g): the likelihood is maximised on the boundary |%s| = 1",
				err, rho, math.Copysign(1, theta[j]), names[j], theta[j], rho)
		}
		return nil, err
	}
	for iter := 0; ; iter++ {
		inv, err := newtonStep(negH, g, d, names, iter)
		if err != nil {
			return fail(err)
		}
		if inv != nil && newtonDone(d, g, theta) {
			return &mlFit{theta: theta, cov: inv, ll: ll, iter: iter}, nil
		}
		if iter >= maxIter {
			return fail(fmt.Errorf("%w after %d iterations", errNotConverged, maxIter))
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
			return fail(fmt.Errorf("step halving failed at iteration %d: the log-likelihood does not increase along the Newton direction", iter+1))
		}
		copy(theta, trial)
		ll = llt
		g, g2 = g2, g
		negH, negH2 = negH2, negH
		if beyond(theta, athrho, 15) >= 0 {
			return fail(fmt.Errorf("%w (stopped at iteration %d)", errNotConverged, iter+1))
		}
	}
}

// newtonStep writes the step d = (−H)⁻¹g and returns (−H)⁻¹ when −H is
// positive definite; otherwise it writes the Levenberg–Marquardt step
// (−H + μ·diag|−H|)⁻¹g and returns nil.
func newtonStep(negH, g, d []float64, names []string, iter int) ([]float64, error) {
	p := len(g)
	solve := func(inv []float64) {
		for i := 0; i < p; i++ {
			var s float64
			for j := 0; j < p; j++ {
				s += inv[i*p+j] * g[j]
			}
			d[i] = s
		}
	}
	inv, bad, ok := cholInverse(negH, p, hessPivot)
	if ok {
		solve(inv)
		return inv, nil
	}
	if !finiteAll(negH) {
		return nil, fmt.Errorf("the Hessian is not finite at iteration %d (parameter %q)", iter+1, names[bad])
	}
	damped := make([]float64, p*p)
	for mu := 1e-6; mu <= 1e12; mu *= 10 {
		copy(damped, negH)
		for j := 0; j < p; j++ {
			damped[j*p+j] += mu * math.Max(math.Abs(negH[j*p+j]), 1e-8)
		}
		if di, _, ok := cholInverse(damped, p, hessPivot); ok {
			solve(di)
			return nil, nil
		}
	}
	return nil, fmt.Errorf("the Hessian is singular at iteration %d (parameter %q)", iter+1, names[bad])
}

// newtonDone reports convergence at the Newton step d for the gradient g:
// the decrement d'g is below newtonDecTol and every |dⱼ| ≤ 1e-6·(1 + |θⱼ|).
// A diverging parameter (a perfectly predicted category, ρ running to ±1)
// flattens ℓ so that the decrement vanishes while the steps do not, hence
// the second condition.
func newtonDone(d, g, theta []float64) bool {
	var dec float64
	for i := range d {
		dec += d[i] * g[i]
		if math.Abs(d[i]) > 1e-6*(1+math.Abs(theta[i])) {
			return false
		}
	}
	return dec < newtonDecTol
}

// beyond returns the first position j in idx with |θⱼ| > lim, or −1.
func beyond(theta []float64, idx []int, lim float64) int {
	for _, j := range idx {
		if math.Abs(theta[j]) > lim {
			return j
		}
	}
	return -1
}

func finiteAll(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// clusterCov replaces fit.cov by the cluster-robust covariance of maximum
// likelihood, G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ with s_g = Σ_{i∈g} sᵢ
// the cluster sums of the scores sᵢ = ∂ℓᵢ/∂θ at the estimate (Stata's
// vce(cluster); Cameron & Miller 2015, §2.4; see cluster.go), and does
// nothing when clusters is nil. scorer(θ) returns the function that adds
// row i's score at θ to dst; n is the number of rows.
func (fit *mlFit) clusterCov(n int, clusters []int, scorer func(theta []float64) func(i int, dst []float64)) error {
	if clusters == nil {
		return nil
	}
	g, err := clusterCount(clusters, n)
	if err != nil {
		return err
	}
	p := len(fit.theta)
	u := clusterSums(n, p, g, clusters, scorer(fit.theta))
	fit.cov = clusterSandwich(fit.cov, u, g, p, stataFactor(g))
	return nil
}
