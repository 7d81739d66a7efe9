package estimators

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Switching fits the endogenous switching regression model (tobit type 5;
// Maddala 1983, Limited-Dependent and Qualitative Variables in
// Econometrics, §8.3; Lokshin & Sajaia 2004, Stata Journal 4(3), the
// `movestay` command)
//
//	dᵢ = 1{zᵢ'γ + uᵢ > 0},
//	yᵢ = x₁ᵢ'β₁ + ε₁ᵢ if dᵢ = 1,   yᵢ = x₀ᵢ'β₀ + ε₀ᵢ if dᵢ = 0,
//
// with (u, ε₁) and (u, ε₀) bivariate normal, Var(u) = 1, Var(εⱼ) = σⱼ²,
// Corr(u, εⱼ) = ρⱼ (the correlation of ε₁ and ε₀ is not identified), by
// full-information maximum likelihood:
//
//	ℓ = Σ_{d=1} [ log Φ((cᵢ + ρ₁r₁ᵢ)/√(1−ρ₁²)) − log σ₁ + log φ(r₁ᵢ) ]
//	  + Σ_{d=0} [ log Φ(−(cᵢ + ρ₀r₀ᵢ)/√(1−ρ₀²)) − log σ₀ + log φ(r₀ᵢ) ],
//
// cᵢ = zᵢ'γ, rⱼᵢ = (yᵢ − xⱼᵢ'βⱼ)/σⱼ. Each regime's part is the
// likelihood of Heckman's and the treatment model's outcome rows (see
// bvModel), the two sharing γ. It is maximised over
// θ = (γ, β₁, β₀, atanh ρ₁, atanh ρ₀, log σ₁, log σ₀) by Newton–Raphson
// with the analytic gradient and Hessian and step halving, from the
// two-step estimates (Maddala 1983 §8.3: the probit γ̂, then in each regime
// least squares of y on xⱼ and the generalised residual λ₁ = φ(c)/Φ(c),
// resp. λ₀ = −φ(c)/(1 − Φ(c)), whose coefficient estimates σⱼρⱼ; σⱼ² from
// the residual variance corrected as in Heckit; ρ̂ clamped into
// (−0.99, 0.99); ρ = 0 and plain least squares where that fails).
// Convergence as for OProbit (Newton decrement below 1e-10 and a
// negligible last step).
//
// Equations: "selection" (γ), "outcome1" (β₁, regime d = 1) and
// "outcome0" (β₀, regime d = 0), with standard errors from the observed
// information (−H)⁻¹. Auxiliary parameters: "athrho1", "athrho0",
// "lnsigma1", "lnsigma0" (Hessian SEs) and "rho1", "rho0", "sigma1",
// "sigma0" (delta-method SEs).
//
// Tests (Result.Tests) of independent equations, ρ₁ = ρ₀ = 0, both
// χ²(2) under the null: "lr_independent" is 2(ℓ − ℓ₀), ℓ₀ the maximum
// under independence — the selection probit's log-likelihood plus those of
// the two regime regressions by least squares with σ̂ⱼ² = SSEⱼ/nⱼ (the
// model separates when ρ₁ = ρ₀ = 0) — the test printed by Stata's movestay
// (Lokshin & Sajaia 2004); "wald_independent" is a'V⁻¹a with a the
// estimates of (atanh ρ₁, atanh ρ₀) and V their covariance, as Stata's
// heckman reports its test of ρ = 0.
//
// With Options.Clusters the covariance of θ̂ is the cluster-robust
// G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ (Stata's vce(cluster); see
// mlFit.clusterCov), s_g the cluster sums of the per-row scores at the
// estimate; the auxiliary parameters, the effects and "wald_independent"
// use it, and "lr_independent" is omitted (as rhoTests does). Weights
// are refused (ErrWeights).
//
// NSelected is the number of rows in regime 1; LogLik is ℓ at the
// maximum and Params = kz + k₁ + k₀ + 4.
//
// Effects (Lokshin & Sajaia 2004; Fuglie & Bosch 1995, Amer. J. Agr.
// Econ. 77(4)) are averages of the model's conditional expectations over the sample:
//
//	att = mean_{d=1} [ x₁ᵢ'β₁ − x₀ᵢ'β₀ + (σ₁ρ₁ − σ₀ρ₀)·φ(cᵢ)/Φ(cᵢ) ],
//	atu = mean_{d=0} [ x₁ᵢ'β₁ − x₀ᵢ'β₀ − (σ₁ρ₁ − σ₀ρ₀)·φ(cᵢ)/(1 − Φ(cᵢ)) ],
//	ate = mean [ x₁ᵢ'β₁ − x₀ᵢ'β₀ ],
//
// E[y₁ − y₀ | d, x, z] averaged over the treated, the untreated and
// everyone; att ≠ atu whenever σ₁ρ₁ ≠ σ₀ρ₀ or the regressors differ
// between the groups. Their standard errors are by the delta method,
// √(G V G'), G the gradient of the effect in θ, with the sample (x, z, d)
// held fixed, as Stata's margins computes them.
//
// Both regressor matrices are read in every row, because the effects need
// each row's counterfactual x'β; y is read in every row (each row's
// outcome is that of its own regime). The design of Z should contain a
// regressor excluded from X₁ and X₀ for identification that does not rest
// on normality alone.
//
// Errors (wrapped as "switching: …"): every row in one regime, too few rows
// in a regime for its coefficients and (σ, ρ), a rank-deficient design
// (in the regime rows for X₁ and X₀), non-finite input, failure of the
// selection probit, and non-convergence within Options.MaxIter iterations.
func Switching(Z *mat.Dense, d []float64, zNames []string, X1 *mat.Dense, x1Names []string, X0 *mat.Dense, x0Names []string, y []float64, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("switching: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	in, err := checkSwitching(Z, d, zNames, X1, x1Names, X0, x0Names, y)
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	k1, k0 := len(x1Names), len(x0Names)

	pf, err := fitBinary(probitLink, Z, d, zNames, opts.start())
	if err != nil {
		return fail(fmt.Errorf("selection probit: %w", err))
	}
	// Two-step starting values, regime by regime.
	x1r, x0r := X1.RawMatrix(), X0.RawMatrix()
	st1, err := twoStepRegime(in.rows1, x1r, k1, x1Names, y, pf.eta, 1)
	if err != nil {
		return fail(fmt.Errorf("outcome equation of regime 1: %w", err))
	}
	st0, err := twoStepRegime(in.rows0, x0r, k0, x0Names, y, pf.eta, 0)
	if err != nil {
		return fail(fmt.Errorf("outcome equation of regime 0: %w", err))
	}

	m := newSwitchModel(Z.RawMatrix(), x1r, x0r, y, in.rows1, in.rows0, kz, k1, k0)
	p := kz + k1 + k0 + 4
	theta0 := make([]float64, 0, p)
	theta0 = append(theta0, pf.beta...)
	theta0 = append(theta0, st1.beta...)
	theta0 = append(theta0, st0.beta...)
	theta0 = append(theta0, math.Atanh(st1.rho), math.Atanh(st0.rho), math.Log(st1.sigma), math.Log(st0.sigma))
	pnames := append(append(append([]string(nil), zNames...), x1Names...), x0Names...)
	pnames = append(pnames, "athrho1", "athrho0", "lnsigma1", "lnsigma0")
	fit, err := newtonMax(m.eval, theta0, pnames, opts.maxIter(), p-4, p-3)
	if err != nil {
		return fail(err)
	}
	if err := fit.clusterCov(n, opts.Clusters, m.scorer); err != nil {
		return fail(err)
	}

	th, V := fit.theta, fit.cov
	eqs := make([]Equation, 0, 3)
	lo := 0
	for _, e := range []struct {
		name  string
		names []string
	}{{"selection", zNames}, {"outcome1", x1Names}, {"outcome0", x0Names}} {
		hi := lo + len(e.names)
		eq, err := equation(e.name, e.names, th[lo:hi], subCov(V, p, lo, hi))
		if err != nil {
			return fail(err)
		}
		eqs = append(eqs, eq)
		lo = hi
	}
	ia := p - 4
	aux := make([]Aux, 0, 8)
	for j := 0; j < 4; j++ {
		aux = append(aux, Aux{Name: pnames[ia+j], Estimate: th[ia+j], StdError: math.Sqrt(V[(ia+j)*p+ia+j]), HasSE: true})
	}
	for j, nm := range []string{"rho1", "rho0"} {
		r := math.Tanh(th[ia+j])
		aux = append(aux, Aux{Name: nm, Estimate: r, StdError: (1 - r*r) * math.Sqrt(V[(ia+j)*p+ia+j]), HasSE: true})
	}
	for j, nm := range []string{"sigma1", "sigma0"} {
		s := math.Exp(th[ia+2+j])
		aux = append(aux, Aux{Name: nm, Estimate: s, StdError: s * math.Sqrt(V[(ia+2+j)*p+ia+2+j]), HasSE: true})
	}
	effects := switchingEffects(th, V, Z.RawMatrix(), x1r, x0r, d, kz, k1, k0)

	ll := fit.ll
	res := &Result{Method: "switching", N: n, NSelected: len(in.rows1),
		Equations: eqs, Auxiliary: aux, Effects: effects,
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
		Tests: independenceTests(th[ia:ia+2], V, p, ll, pf.ll+st1.llIndep+st0.llIndep, opts.Clusters != nil)}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// independenceTests returns Switching's tests of ρ₁ = ρ₀ = 0 from
// a = (atanh ρ₁, atanh ρ₀), at positions p−4 and p−3 of θ, and the p×p
// covariance V: "lr_independent" = 2(ℓ − ℓ₀), unless the covariance is
// clustered (as rhoTests), and "wald_independent" = a'V_a⁻¹a, V_a the
// 2×2 block of V.
func independenceTests(a, V []float64, p int, ll, ll0 float64, clustered bool) []ChiSquareTest {
	ia := p - 4
	v11, v10, v00 := V[ia*p+ia], V[ia*p+ia+1], V[(ia+1)*p+ia+1]
	wald := (a[0]*a[0]*v00 - 2*a[0]*a[1]*v10 + a[1]*a[1]*v11) / (v11*v00 - v10*v10)
	var t []ChiSquareTest
	if !clustered {
		t = append(t, chiSquareTest("lr_independent", 2*(ll-ll0), 2))
	}
	return append(t, chiSquareTest("wald_independent", wald, 2))
}

// switchInput are the validated rows of each regime.
type switchInput struct{ rows1, rows0 []int }

func checkSwitching(Z *mat.Dense, d []float64, zNames []string, X1 *mat.Dense, x1Names []string, X0 *mat.Dense, x0Names []string, y []float64) (*switchInput, error) {
	if Z == nil || X1 == nil || X0 == nil {
		return nil, errors.New("design matrix is nil")
	}
	n, kz := Z.Dims()
	if len(zNames) != kz {
		return nil, fmt.Errorf("selection design has %d columns but %d names", kz, len(zNames))
	}
	if len(d) != n || len(y) != n {
		return nil, fmt.Errorf("selection design has %d rows, the regime indicator %d values and the outcome %d", n, len(d), len(y))
	}
	var in switchInput
	for i, v := range d {
		switch v {
		case 1:
			in.rows1 = append(in.rows1, i)
		case 0:
			in.rows0 = append(in.rows0, i)
		default:
			return nil, fmt.Errorf("regime indicator must be 0 or 1, is %v in row %d", v, i+1)
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("outcome is %v in row %d", y[i], i+1)
		}
	}
	if len(in.rows1) == 0 || len(in.rows0) == 0 {
		return nil, fmt.Errorf("all %d observations are in regime %v: both regimes need observations", n, d[0])
	}
	for _, e := range []struct {
		what  string
		X     *mat.Dense
		names []string
		rows  []int
	}{{"regime 1", X1, x1Names, in.rows1}, {"regime 0", X0, x0Names, in.rows0}} {
		r, k := e.X.Dims()
		if r != n {
			return nil, fmt.Errorf("outcome design of %s has %d rows, the selection design %d", e.what, r, n)
		}
		if len(e.names) != k || k == 0 {
			return nil, fmt.Errorf("outcome design of %s has %d columns and %d names", e.what, k, len(e.names))
		}
		if len(e.rows) <= k+2 {
			return nil, fmt.Errorf("%d observations in %s are too few for %d outcome coefficients, rho and sigma", len(e.rows), e.what, k)
		}
		raw := e.X.RawMatrix()
		for i := 0; i < n; i++ {
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+k] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("column %q of the %s outcome design is %v in row %d", e.names[j], e.what, v, i+1)
				}
			}
		}
	}
	return &in, nil
}

// regimeStart are the two-step estimates of one regime, and its
// log-likelihood as a normal regression (ρ = 0).
type regimeStart struct {
	beta       []float64
	sigma, rho float64
	llIndep    float64
}

// twoStepRegime regresses y on x and the generalised residual of the
// regime (λ(c) for regime 1, −λ(−c) for regime 0) over its rows.
func twoStepRegime(rows []int, xr blas64.General, k int, names []string, y, eta []float64, regime int) (*regimeStart, error) {
	nr := len(rows)
	ols, err := lsOnRows(nr, k, names, func(a int, dst []float64) {
		i := rows[a]
		copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+k])
		dst[k] = y[i]
	})
	if err != nil {
		return nil, err
	}
	if !(ols.sse > 0) {
		return nil, fmt.Errorf("the outcome is fitted exactly (residual variance 0)")
	}
	s2ml := ols.sse / float64(nr)
	st := &regimeStart{beta: ols.beta, sigma: math.Sqrt(s2ml), llIndep: -0.5 * float64(nr) * (math.Log(2*math.Pi*s2ml) + 1)}
	gr := func(c float64) float64 {
		if regime == 1 {
			return invMills(c)
		}
		return -invMills(-c)
	}
	two, err := lsOnRows(nr, k+1, append(append([]string(nil), names...), "lambda"), func(a int, dst []float64) {
		i := rows[a]
		copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+k])
		dst[k] = gr(eta[i])
		dst[k+1] = y[i]
	})
	if err != nil {
		return st, nil
	}
	// Var(ε | regime) = σ²(1 − ρ²δ), δ = m(m + c) with m the generalised
	// residual's λ at ±c.
	var sd float64
	for _, i := range rows {
		c := eta[i]
		if regime == 0 {
			c = -c
		}
		l := invMills(c)
		sd += l * (l + c)
	}
	bl := two.beta[k]
	s2 := two.sse/float64(nr) + bl*bl*sd/float64(nr)
	if s2 > 0 && !math.IsInf(s2, 0) {
		st.beta = two.beta[:k]
		st.sigma = math.Sqrt(s2)
		st.rho = clampRho(bl / st.sigma)
	}
	return st, nil
}

// switchModel is the switching log-likelihood as two bvModels, one per
// regime, on compact copies of the regime rows: m[0] has the regime 1 rows
// as "joint" rows with q = +1 over (γ, β₁, atanh ρ₁, log σ₁), m[1] the
// regime 0 rows with q = −1 over (γ, β₀, atanh ρ₀, log σ₀). Their
// gradients and Hessians are scattered into θ = (γ, β₁, β₀, a₁, a₀, l₁,
// l₀) through idx, the positions in θ of each model's parameters.
type switchModel struct {
	m         [2]*bvModel
	idx       [2][]int
	th, g, h  [2][]float64
	part, pos []int // row i is row pos[i] of m[part[i]]
}

func newSwitchModel(zr, x1r, x0r blas64.General, y []float64, rows1, rows0 []int, kz, k1, k0 int) *switchModel {
	n := len(y)
	s := &switchModel{part: make([]int, n), pos: make([]int, n)}
	p := kz + k1 + k0 + 4
	for r, e := range []struct {
		rows   []int
		xr     blas64.General
		kx, at int // at: position of β in θ
		q      int8
	}{{rows1, x1r, k1, kz, 1}, {rows0, x0r, k0, kz + k1, -1}} {
		nr := len(e.rows)
		z := make([]float64, nr*kz)
		x := make([]float64, nr*e.kx)
		yy := make([]float64, nr)
		kind := make([]int8, nr)
		for a, i := range e.rows {
			copy(z[a*kz:(a+1)*kz], zr.Data[i*zr.Stride:i*zr.Stride+kz])
			copy(x[a*e.kx:(a+1)*e.kx], e.xr.Data[i*e.xr.Stride:i*e.xr.Stride+e.kx])
			yy[a] = y[i]
			kind[a] = e.q
			s.part[i], s.pos[i] = r, a
		}
		s.m[r] = newBVModel(nr, kz, z, kz, x, e.kx, e.kx, nil, yy, kind)
		idx := make([]int, 0, kz+e.kx+2)
		for j := 0; j < kz; j++ {
			idx = append(idx, j)
		}
		for j := 0; j < e.kx; j++ {
			idx = append(idx, e.at+j)
		}
		s.idx[r] = append(idx, p-4+r, p-2+r)
		q := len(s.idx[r])
		s.th[r], s.g[r], s.h[r] = make([]float64, q), make([]float64, q), make([]float64, q*q)
	}
	return s
}

func (s *switchModel) eval(theta, g, negH []float64) float64 {
	p := len(theta)
	clear(g)
	clear(negH)
	var ll float64
	for r, m := range s.m {
		idx, th, gr, hr := s.idx[r], s.th[r], s.g[r], s.h[r]
		for a, j := range idx {
			th[a] = theta[j]
		}
		ll += m.eval(th, gr, hr)
		q := len(idx)
		for a, j := range idx {
			g[j] += gr[a]
			for b, l := range idx {
				negH[j*p+l] += hr[a*q+b]
			}
		}
	}
	return ll
}

// scorer returns the function that adds row i's score ∂ℓᵢ/∂θ at theta to
// dst (for the cluster-robust covariance).
func (s *switchModel) scorer(theta []float64) func(i int, dst []float64) {
	var sc [2]func(int, []float64)
	var buf [2][]float64
	for r, m := range s.m {
		th := make([]float64, len(s.idx[r]))
		for a, j := range s.idx[r] {
			th[a] = theta[j]
		}
		sc[r], buf[r] = m.scorer(th), make([]float64, len(th))
	}
	return func(i int, dst []float64) {
		r := s.part[i]
		clear(buf[r])
		sc[r](s.pos[i], buf[r])
		for a, j := range s.idx[r] {
			dst[j] += buf[r][a]
		}
	}
}

// switchingEffects returns att, atu and ate with delta-method standard
// errors √(G V G'), G = ∂effect/∂θ at θ̂ (see Switching).
func switchingEffects(th, V []float64, zr, x1r, x0r blas64.General, d []float64, kz, k1, k0 int) []Aux {
	p := len(th)
	n := len(d)
	gam, b1, b0 := th[:kz], th[kz:kz+k1], th[kz+k1:kz+k1+k0]
	r1, r0 := math.Tanh(th[p-4]), math.Tanh(th[p-3])
	s1, s0 := math.Exp(th[p-2]), math.Exp(th[p-1])
	kappa := s1*r1 - s0*r0
	// G rows: att, atu, ate.
	G := make([]float64, 3*p)
	est := make([]float64, 3)
	cnt := make([]float64, 3)
	for i := 0; i < n; i++ {
		zi := zr.Data[i*zr.Stride : i*zr.Stride+kz]
		x1 := x1r.Data[i*x1r.Stride : i*x1r.Stride+k1]
		x0 := x0r.Data[i*x0r.Stride : i*x0r.Stride+k0]
		var c, dx float64
		for j, v := range zi {
			c += v * gam[j]
		}
		for j, v := range x1 {
			dx += v * b1[j]
		}
		for j, v := range x0 {
			dx -= v * b0[j]
		}
		// m(c) and dm/dc: λ(c), −λ(c)(λ(c) + c) in regime 1;
		// −λ(−c), −λ(−c)(λ(−c) − c) in regime 0.
		var e int
		var mc, dm float64
		if d[i] == 1 {
			e = 0
			mc = invMills(c)
			dm = -mc * (mc + c)
		} else {
			e = 1
			l := invMills(-c)
			mc, dm = -l, -l*(l-c)
		}
		for _, r := range []int{e, 2} {
			cnt[r]++
			gr := G[r*p : (r+1)*p]
			est[r] += dx
			for j, v := range x1 {
				gr[kz+j] += v
			}
			for j, v := range x0 {
				gr[kz+k1+j] -= v
			}
			if r == 2 {
				continue
			}
			est[r] += kappa * mc
			for j, v := range zi {
				gr[j] += kappa * dm * v
			}
			gr[p-4] += s1 * (1 - r1*r1) * mc
			gr[p-3] -= s0 * (1 - r0*r0) * mc
			gr[p-2] += s1 * r1 * mc
			gr[p-1] -= s0 * r0 * mc
		}
	}
	out := make([]Aux, 3)
	for r, nm := range []string{"att", "atu", "ate"} {
		gr := G[r*p : (r+1)*p]
		for j := range gr {
			gr[j] /= cnt[r]
		}
		var v float64
		for a := 0; a < p; a++ {
			for b := 0; b < p; b++ {
				v += gr[a] * V[a*p+b] * gr[b]
			}
		}
		out[r] = Aux{Name: nm, Estimate: est[r] / cnt[r], StdError: math.Sqrt(math.Max(v, 0)), HasSE: true}
	}
	return out
}
