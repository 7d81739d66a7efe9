package estimators

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
)

// bpModel is the log-likelihood shared by the bivariate probit models
// (BiProbit, HeckProbit): a first probit index cᵢ = zᵢ'γ, a second
// eᵢ = xᵢ'β, (u, ε) standard bivariate normal with correlation ρ = tanh α,
// maximised over θ = (γ, β, α). A "joint" row with signs q₁, q₂ = ±1 (the
// two observed binary outcomes as 2y − 1) contributes
//
//	ℓᵢ = log Φ₂(Aᵢ, Bᵢ; Rᵢ),  A = q₁c, B = q₂e, R = q₁q₂ρ,
//
// and a "probit-only" row (q₂ = 0: HeckProbit's unselected rows)
// contributes log Φ(q₁cᵢ).
//
// Derivatives are analytic. With P = Φ₂(A, B; R), s² = 1 − R² and
// Q = A² − 2RAB + B², the first derivatives of log P are
//
//	ℓ_A = φ(A)Φ((B − RA)/s)/P,  ℓ_B = φ(B)Φ((A − RB)/s)/P,  ℓ_R = φ₂(A, B; R)/P,
//
// each formed as the exponential of a difference of logarithms so that
// they stay finite in the tails, and the second derivatives (from
// ∂²P/∂A² = −AP_A − Rφ₂, ∂²P/∂A∂B = φ₂, ∂φ₂/∂A = −φ₂(A − RB)/s²,
// ∂φ₂/∂R = φ₂(R/s² + AB/s² − RQ/s⁴); Greene, Econometric Analysis,
// "Bivariate probit")
//
//	ℓ_AA = −Aℓ_A − Rℓ_R − ℓ_A²,  ℓ_BB = −Bℓ_B − Rℓ_R − ℓ_B²,  ℓ_AB = ℓ_R − ℓ_Aℓ_B,
//	ℓ_AR = −ℓ_R(A − RB)/s² − ℓ_Aℓ_R,  ℓ_BR = −ℓ_R(B − RA)/s² − ℓ_Bℓ_R,
//	ℓ_RR = ℓ_R(R + AB − RQ/s²)/s² − ℓ_R².
//
// They are carried to θ by the chain rule with ∂A/∂γ = q₁z, ∂B/∂β = q₂x,
// ∂R/∂α = q₁q₂(1 − ρ²), ∂²R/∂α² = −2q₁q₂ρ(1 − ρ²).
type bpModel struct {
	n, kz, kx int
	z         []float64 // Z raw data, row stride zs
	zs        int
	x         []float64 // X raw data, row stride xs
	xs        int
	q1, q2    []int8 // per row; q2[i] = 0 marks a probit-only row

	// Per-block partial results, reused across evaluations.
	nb  int
	lls []float64
	gs  []float64
	hs  []float64
	// Scratch of one block, recycled.
	pool sync.Pool
}

// bpScratch is the working memory of one block.
type bpScratch struct {
	zc, xc     []float64 // column-major z and x of the block (x zero on probit-only rows)
	w1, w2, w3 []float64 // weights of zz', zx', xx' in the Hessian
	tmp        []float64
}

func newBPModel(n, kz int, z []float64, zs int, x []float64, xs, kx int, q1, q2 []int8) *bpModel {
	p := kz + kx + 1
	nb := (n + blockRows - 1) / blockRows
	m := &bpModel{n: n, kz: kz, kx: kx, z: z, zs: zs, x: x, xs: xs, q1: q1, q2: q2,
		nb: nb, lls: make([]float64, nb), gs: make([]float64, nb*p), hs: make([]float64, nb*p*p)}
	bs := min(n, blockRows)
	m.pool.New = func() any {
		return &bpScratch{
			zc: make([]float64, kz*bs), xc: make([]float64, kx*bs),
			w1: make([]float64, bs), w2: make([]float64, bs), w3: make([]float64, bs),
			tmp: make([]float64, bs),
		}
	}
	return m
}

func (m *bpModel) dim() int { return m.kz + m.kx + 1 }

// eval computes ℓ(θ), writes ∇ℓ to g and −∇²ℓ (full p×p) to negH, and
// returns ℓ. Blocks are reduced in block order, so the result does not
// depend on the number of goroutines.
func (m *bpModel) eval(theta, g, negH []float64) float64 {
	kz, kx := m.kz, m.kx
	p := kz + kx + 1
	pp := p * p
	gam := theta[:kz]
	beta := theta[kz : kz+kx]
	rho := math.Tanh(theta[p-1])
	D := 1 - rho*rho
	ia := p - 1
	// Φ₂ constants for R = +ρ and R = −ρ.
	cp, cm := newBVN(rho), newBVN(-rho)
	forBlocks(m.n, func(b, lo, hi int) {
		sc := m.pool.Get().(*bpScratch)
		defer m.pool.Put(sc)
		gb := m.gs[b*p : (b+1)*p]
		hb := m.hs[b*pp : (b+1)*pp]
		clear(gb)
		clear(hb)
		rows := hi - lo
		var ll float64
		for i := lo; i < hi; i++ {
			r0 := i - lo
			zi := m.z[i*m.zs : i*m.zs+kz]
			var c float64
			for j, v := range zi {
				c += v * gam[j]
				sc.zc[j*rows+r0] = v
			}
			f1 := float64(m.q1[i])
			if m.q2[i] == 0 {
				t := f1 * c
				lp, lam := logPhiMills(t)
				ll += lp
				for j, v := range zi {
					gb[j] += f1 * lam * v
				}
				sc.w1[r0], sc.w2[r0], sc.w3[r0] = -lam*(t+lam), 0, 0
				for j := 0; j < kx; j++ {
					sc.xc[j*rows+r0] = 0
				}
				continue
			}
			f2 := float64(m.q2[i])
			xi := m.x[i*m.xs : i*m.xs+kx]
			var e float64
			for j, v := range xi {
				e += v * beta[j]
				sc.xc[j*rows+r0] = v
			}
			f12 := f1 * f2
			bv := &cp
			if f12 < 0 {
				bv = &cm
			}
			A, B, R := f1*c, f2*e, bv.r
			is2 := bv.invS2
			lp := bv.logCDF(A, B)
			ll += lp
			lA := math.Exp(-A*A/2 - logSqrt2Pi + logNormCDF((B-R*A)*bv.s*is2) - lp)
			lB := math.Exp(-B*B/2 - logSqrt2Pi + logNormCDF((A-R*B)*bv.s*is2) - lp)
			lR := math.Exp(bv.logPDF(A, B) - lp)
			Q := A*A - 2*R*A*B + B*B
			lAA := -A*lA - R*lR - lA*lA
			lBB := -B*lB - R*lR - lB*lB
			lAB := lR - lA*lB
			lAR := -lR*(A-R*B)*is2 - lA*lR
			lBR := -lR*(B-R*A)*is2 - lB*lR
			lRR := lR*(R+A*B-R*Q*is2)*is2 - lR*lR
			// Gradient.
			ga, gx := f1*lA, f2*lB
			for j, v := range zi {
				gb[j] += ga * v
			}
			for j, v := range xi {
				gb[kz+j] += gx * v
			}
			gb[ia] += f12 * D * lR
			// Hessian (stored negated).
			sc.w1[r0], sc.w2[r0], sc.w3[r0] = lAA, f12*lAB, lBB
			hza, hxa := f2*D*lAR, f1*D*lBR
			for j, v := range zi {
				hb[j*p+ia] -= hza * v
			}
			for j, v := range xi {
				hb[(kz+j)*p+ia] -= hxa * v
			}
			hb[ia*p+ia] -= D*D*lRR - 2*rho*D*f12*lR
		}
		m.lls[b] = ll
		// zz', zx', xx' blocks by weighted column dot products.
		vec := func(s []float64) blas64.Vector { return blas64.Vector{N: rows, Inc: 1, Data: s[:rows]} }
		tmp := sc.tmp[:rows]
		for u := 0; u < kz; u++ {
			zu := sc.zc[u*rows : (u+1)*rows]
			for i, v := range zu {
				tmp[i] = sc.w1[i] * v
			}
			for v := u; v < kz; v++ {
				hb[u*p+v] -= blas64.Dot(vec(tmp), vec(sc.zc[v*rows:]))
			}
			for i, v := range zu {
				tmp[i] = sc.w2[i] * v
			}
			for v := 0; v < kx; v++ {
				hb[u*p+kz+v] -= blas64.Dot(vec(tmp), vec(sc.xc[v*rows:]))
			}
		}
		for u := 0; u < kx; u++ {
			xu := sc.xc[u*rows : (u+1)*rows]
			for i, v := range xu {
				tmp[i] = sc.w3[i] * v
			}
			for v := u; v < kx; v++ {
				hb[(kz+u)*p+kz+v] -= blas64.Dot(vec(tmp), vec(sc.xc[v*rows:]))
			}
		}
	})
	clear(g)
	clear(negH)
	var ll float64
	for b := 0; b < m.nb; b++ {
		ll += m.lls[b]
		gb := m.gs[b*p : (b+1)*p]
		for j := range g {
			g[j] += gb[j]
		}
		hb := m.hs[b*pp : (b+1)*pp]
		for j := range negH {
			negH[j] += hb[j]
		}
	}
	fillLower(negH, p)
	return ll
}

// bpFit is a converged maximum-likelihood fit of a bpModel.
type bpFit struct {
	theta []float64
	cov   []float64 // (−H)⁻¹ at theta, p×p
	ll    float64
	iter  int
}

// fit maximises ℓ by Newton–Raphson from theta0 with the analytic Hessian
// and step halving, exactly as bvModel.fit does: a Levenberg–Marquardt
// step (−H + μ·diag|−H|)⁻¹g where −H is not positive definite, and
// convergence when −H is positive definite and the Newton decrement
// g'(−H)⁻¹g is below bvDecTol; the covariance is (−H)⁻¹ there. When the
// last parameter is "athrho" and runs past ±15 (|ρ| within 2e-13 of 1)
// the fit stops, and every failure with |athrho| > 7 says that ρ is
// running to the boundary.
func (m *bpModel) fit(theta0 []float64, names []string, maxIter int) (*bpFit, error) {
	return newtonML(m.eval, theta0, names, maxIter)
}

// newtonML is the Newton–Raphson maximiser of bpModel.fit for any
// log-likelihood eval(θ, g, −H) with analytic gradient and Hessian.
func newtonML(eval func(theta, g, negH []float64) float64, theta0 []float64, names []string, maxIter int) (*bpFit, error) {
	p := len(theta0)
	theta := append([]float64(nil), theta0...)
	trial := make([]float64, p)
	g, negH := make([]float64, p), make([]float64, p*p)
	g2, negH2 := make([]float64, p), make([]float64, p*p)
	damped := make([]float64, p*p)
	d := make([]float64, p)
	ll := eval(theta, g, negH)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return nil, fmt.Errorf("log-likelihood is %v at the starting values", ll)
	}
	// boundary notes a ρ running to ±1 (the maximum on the boundary of
	// the parameter space) in a failure.
	boundary := func(err error) error {
		if names[p-1] == "athrho" && math.Abs(theta[p-1]) > 7 {
			return fmt.Errorf("%w; rho is running to %+.0f (athrho = %.4g): the likelihood is maximised on the boundary |rho| = 1", err, math.Copysign(1, theta[p-1]), theta[p-1])
		}
		return err
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
			if dec < bvDecTol {
				return &bpFit{theta: theta, cov: inv, ll: ll, iter: iter}, nil
			}
		} else {
			if !finiteAll(negH) {
				return nil, boundary(fmt.Errorf("the Hessian is not finite at iteration %d (parameter %q)", iter+1, names[bad]))
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
				return nil, boundary(fmt.Errorf("the Hessian is singular at iteration %d (parameter %q)", iter+1, names[bad]))
			}
		}
		if iter >= maxIter {
			return nil, boundary(fmt.Errorf("did not converge after %d iterations", maxIter))
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
			return nil, boundary(fmt.Errorf("step halving failed at iteration %d: the log-likelihood does not increase along the Newton direction", iter+1))
		}
		copy(theta, trial)
		ll = llt
		g, g2 = g2, g
		negH, negH2 = negH2, negH
		if names[p-1] == "athrho" && math.Abs(theta[p-1]) > 15 {
			// |ρ| within 2e-13 of 1: no further progress is possible.
			return nil, boundary(fmt.Errorf("did not converge (stopped at iteration %d)", iter+1))
		}
	}
}

// rhoAux returns the auxiliary entries of a bivariate fit from α =
// atanh ρ and its variance vaa: "athrho" = α with its standard error and
// "rho" = tanh α with the delta-method standard error (1 − ρ²)·SE(α), as
// Stata reports them.
func rhoAux(alpha, vaa float64) []Aux {
	rho := math.Tanh(alpha)
	se := math.Sqrt(vaa)
	return []Aux{
		{Name: "athrho", Estimate: alpha, StdError: se, HasSE: true},
		{Name: "rho", Estimate: rho, StdError: (1 - rho*rho) * se, HasSE: true},
	}
}

// rhoTests returns the tests of ρ = 0 of a bivariate fit, each χ²(1)
// under the null: unless the covariance is clustered (when the likelihood
// ratio has no χ² distribution, as Stata omits it under vce(cluster)),
// "lr_rho0" = 2(ℓ − ℓ₀) with ll0 the maximum under ρ = 0, where the model
// separates into its single equations ("LR test of indep. eqns."); and
// "wald_rho0" = (α/SE(α))² (Stata's "Wald test of rho=0", from whatever
// covariance vaa is, cluster-robust included).
func rhoTests(alpha, vaa, ll, ll0 float64, clustered bool) []ChiSquareTest {
	var t []ChiSquareTest
	if !clustered {
		t = append(t, chiSquareTest("lr_rho0", 2*(ll-ll0), 1))
	}
	return append(t, chiSquareTest("wald_rho0", alpha*alpha/vaa, 1))
}

// bpEquations returns the two equations of a bivariate probit fit.
func bpEquations(fit *bpFit, first string, kz, kx int, zNames, xNames []string) ([]Equation, error) {
	p := kz + kx + 1
	eqZ, err := equation(first, zNames, fit.theta[:kz], subCov(fit.cov, p, 0, kz))
	if err != nil {
		return nil, err
	}
	eqX, err := equation("outcome", xNames, fit.theta[kz:kz+kx], subCov(fit.cov, p, kz, kz+kx))
	if err != nil {
		return nil, err
	}
	return []Equation{eqZ, eqX}, nil
}
