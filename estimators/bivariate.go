package estimators

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
)

// bvModel is the log-likelihood shared by the full-information selection
// model (Heckman) and the endogenous-treatment model (TreatReg). Both have
// a probit index cᵢ = zᵢ'γ and an outcome residual eᵢ = yᵢ − xᵢ'β with
// (u, ε) bivariate normal, Var(u) = 1, Var(ε) = σ², Corr = ρ, and are
// maximised over θ = (γ, β, a, l) with ρ = tanh a and σ = eˡ.
//
// A "joint" row, where the outcome is observed, contributes
//
//	ℓᵢ = log Φ(tᵢ) − log σ + log φ(rᵢ),  rᵢ = eᵢ/σ,
//	tᵢ = qᵢ(cᵢ + ρrᵢ)/√(1−ρ²) = qᵢ(cᵢ cosh a + rᵢ sinh a),
//
// with qᵢ = +1 (selected, or treated) or −1 (untreated). A "probit-only"
// row (Heckman's unselected rows) contributes log Φ(−cᵢ).
//
// The gradient and the Hessian are analytic. With m = λ(t) = φ(t)/Φ(t)
// and f″ = dλ/dt = −m(t + m), the second derivatives of ℓᵢ in (c, r, a)
// are L_cc = f″t_c², L_cr = f″t_c t_r, L_ca = f″t_c t_a + m t_ca,
// L_rr = f″t_r² − 1, L_ra = f″t_r t_a + m t_ra, L_aa = f″t_a² + m t, with
// t_c = q cosh a, t_r = q sinh a, t_a = q(c sinh a + r cosh a),
// t_ca = q sinh a, t_ra = q cosh a; they are carried to θ by the chain
// rule with ∂c/∂γ = z, ∂r/∂β = −x/σ, ∂r/∂l = −r.
type bvModel struct {
	n, kz, kx int
	z         []float64 // Z raw data, row stride zs
	zs        int
	x         []float64 // X raw data, row stride xs (kx0 columns read)
	xs        int
	kx0       int       // columns of x read from X; kx = kx0 + 1 when dcol is set
	dcol      []float64 // optional extra last outcome regressor (the treatment)
	y         []float64
	// kind[i] is 0 for a probit-only row (only z is read), +1 or −1 for a
	// joint row with that q.
	kind []int8

	// Per-block partial results, reused across evaluations.
	nb  int
	lls []float64
	gs  []float64
	hs  []float64
	// Scratch of one block, recycled.
	pool sync.Pool
}

// bvScratch is the working memory of one block.
type bvScratch struct {
	zc, xc     []float64 // column-major z and x of the block (x zero on probit-only rows)
	w1, w2, w3 []float64 // weights of zz', zx', xx' in the Hessian
	tmp        []float64
}

func newBVModel(n, kz int, z []float64, zs int, x []float64, xs, kx0 int, dcol, y []float64, kind []int8) *bvModel {
	kx := kx0
	if dcol != nil {
		kx++
	}
	p := kz + kx + 2
	nb := (n + blockRows - 1) / blockRows
	m := &bvModel{n: n, kz: kz, kx: kx, z: z, zs: zs, x: x, xs: xs, kx0: kx0, dcol: dcol, y: y, kind: kind,
		nb: nb, lls: make([]float64, nb), gs: make([]float64, nb*p), hs: make([]float64, nb*p*p)}
	bs := min(n, blockRows) // no block is longer
	m.pool.New = func() any {
		return &bvScratch{
			zc: make([]float64, kz*bs), xc: make([]float64, kx*bs),
			w1: make([]float64, bs), w2: make([]float64, bs), w3: make([]float64, bs),
			tmp: make([]float64, bs),
		}
	}
	return m
}

func (m *bvModel) dim() int { return m.kz + m.kx + 2 }

// logPhiMills returns log Φ(t) and λ(t) = φ(t)/Φ(t), with one erfc in the
// central range and the tail-safe forms elsewhere.
func logPhiMills(t float64) (lp, lam float64) {
	if t >= tailCut && t <= 5 {
		c := 0.5 * math.Erfc(-t/math.Sqrt2)
		return math.Log(c), normPDF(t) / c
	}
	return logNormCDF(t), invMills(t)
}

// eval computes ℓ(θ), writes ∇ℓ to g and −∇²ℓ (full p×p) to negH, and
// returns ℓ. Blocks are reduced in block order, so the result does not
// depend on the number of goroutines.
func (m *bvModel) eval(theta, g, negH []float64) float64 {
	kz, kx := m.kz, m.kx
	p := kz + kx + 2
	pp := p * p
	gam := theta[:kz]
	beta := theta[kz : kz+kx]
	a, l := theta[p-2], theta[p-1]
	ch, sh := math.Cosh(a), math.Sinh(a)
	sigma := math.Exp(l)
	is := 1 / sigma
	ia, il := p-2, p-1
	forBlocks(m.n, func(b, lo, hi int) {
		sc := m.pool.Get().(*bvScratch)
		defer m.pool.Put(sc)
		gb := m.gs[b*p : (b+1)*p]
		hb := m.hs[b*pp : (b+1)*pp]
		clear(gb)
		clear(hb)
		rows := hi - lo
		var ll float64
		prod := logProd{m: 1} // Σ log Φ(tᵢ) of the block, without a logarithm per row
		for i := lo; i < hi; i++ {
			r0 := i - lo
			zi := m.z[i*m.zs : i*m.zs+kz]
			var c float64
			for j, v := range zi {
				c += v * gam[j]
				sc.zc[j*rows+r0] = v
			}
			q := m.kind[i]
			if q == 0 {
				t := -c
				mm := prod.phiMills(t)
				f2 := -mm * (t + mm)
				for j, v := range zi {
					gb[j] -= mm * v
				}
				sc.w1[r0], sc.w2[r0], sc.w3[r0] = f2, 0, 0
				for j := 0; j < kx; j++ {
					sc.xc[j*rows+r0] = 0
				}
				continue
			}
			xi := m.x[i*m.xs : i*m.xs+m.kx0]
			e := m.y[i]
			for j, v := range xi {
				e -= v * beta[j]
				sc.xc[j*rows+r0] = v
			}
			if m.dcol != nil {
				v := m.dcol[i]
				e -= v * beta[kx-1]
				sc.xc[(kx-1)*rows+r0] = v
			}
			fq := float64(q)
			r := e * is
			tc, tr := fq*ch, fq*sh
			ta := fq * (c*sh + r*ch)
			t := fq * (c*ch + r*sh)
			mm := prod.phiMills(t)
			f2 := -mm * (t + mm)
			ll += -l - 0.5*r*r - logSqrt2Pi
			lr := mm*tr - r
			// Gradient.
			for j, v := range zi {
				gb[j] += mm * tc * v
			}
			gx := -lr * is
			for j := 0; j < kx; j++ {
				gb[kz+j] += gx * sc.xc[j*rows+r0]
			}
			gb[ia] += mm * ta
			gb[il] += -lr*r - 1
			// Hessian (stored negated).
			lcr := f2 * tc * tr
			lca := f2*tc*ta + mm*tr // t_ca = q sinh a = t_r
			lrr := f2*tr*tr - 1
			lra := f2*tr*ta + mm*tc // t_ra = q cosh a = t_c
			laa := f2*ta*ta + mm*t
			sc.w1[r0] = f2 * tc * tc
			sc.w2[r0] = -lcr * is
			sc.w3[r0] = lrr * is * is
			hza, hzl := lca, -lcr*r
			for j, v := range zi {
				hb[j*p+ia] -= hza * v
				hb[j*p+il] -= hzl * v
			}
			hxa, hxl := -lra*is, (lrr*r+lr)*is
			for j := 0; j < kx; j++ {
				v := sc.xc[j*rows+r0]
				hb[(kz+j)*p+ia] -= hxa * v
				hb[(kz+j)*p+il] -= hxl * v
			}
			hb[ia*p+ia] -= laa
			hb[ia*p+il] -= -lra * r
			hb[il*p+il] -= lrr*r*r + lr*r
		}
		m.lls[b] = ll + prod.log()
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

// bvFit is a converged maximum-likelihood fit of a bvModel.
type bvFit struct {
	theta []float64
	cov   []float64 // (−H)⁻¹ at theta, p×p
	ll    float64
	iter  int
}

// Convergence of the bivariate ML fits: the Newton decrement g'(−H)⁻¹g
// (twice the predicted remaining gain in ℓ) must fall below bvDecTol.
const bvDecTol = 1e-10

// fit maximises ℓ by Newton–Raphson from theta0 with the analytic
// Hessian and step halving. Where −H is not positive definite (far from
// the maximum) the step is a Levenberg–Marquardt one, (−H + μD)⁻¹g with
// D = diag(|−H|) and μ raised tenfold until the matrix factors. The fit
// has converged when −H is positive definite and the Newton decrement is
// below bvDecTol; the covariance is (−H)⁻¹ at that point. names labels
// the parameters in error messages.
func (m *bvModel) fit(theta0 []float64, names []string, maxIter int) (*bvFit, error) {
	p := m.dim()
	theta := append([]float64(nil), theta0...)
	trial := make([]float64, p)
	g, negH := make([]float64, p), make([]float64, p*p)
	g2, negH2 := make([]float64, p), make([]float64, p*p)
	damped := make([]float64, p*p)
	d := make([]float64, p)
	ll := m.eval(theta, g, negH)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return nil, fmt.Errorf("log-likelihood is %v at the starting values", ll)
	}
	for iter := 0; ; iter++ {
		inv, bad, ok := cholInverse(negH, p, hessPivot)
		var dec float64
		if ok {
			for i := 0; i < p; i++ {
				var s float64
				for j := 0; j < p; j++ {
					s += inv[i*p+j] * g[j]
				}
				d[i] = s
				dec += s * g[i]
			}
			if dec < bvDecTol {
				return &bvFit{theta: theta, cov: inv, ll: ll, iter: iter}, nil
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
					for i := 0; i < p; i++ {
						var s float64
						for j := 0; j < p; j++ {
							s += di[i*p+j] * g[j]
						}
						d[i] = s
					}
					solved = true
					break
				}
			}
			if !solved {
				return nil, fmt.Errorf("the Hessian is singular at iteration %d (parameter %q)", iter+1, names[bad])
			}
		}
		if iter >= maxIter {
			return nil, fmt.Errorf("did not converge after %d iterations", maxIter)
		}
		accepted := false
		var llt float64
		for t, h := 1.0, 0; h <= 50; t, h = t/2, h+1 {
			for j := range trial {
				trial[j] = theta[j] + t*d[j]
			}
			llt = m.eval(trial, g2, negH2)
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

func finiteAll(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// bvAux returns the auxiliary parameters of a bivariate fit from a = atanh ρ
// and l = log σ and their 2×2 covariance (vaa, val, vll): "athrho" and
// "lnsigma" with their Hessian standard errors, and "rho" = tanh a,
// "sigma" = eˡ and "lambda" = ρσ with delta-method standard errors
// (dρ/da = 1 − ρ², dσ/dl = σ, ∇λ = ((1 − ρ²)σ, ρσ)), as Stata's heckman
// and etregress report them.
func bvAux(a, l, vaa, val, vll float64) []Aux {
	rho, sigma := math.Tanh(a), math.Exp(l)
	ga, gl := (1-rho*rho)*sigma, rho*sigma
	vlam := ga*ga*vaa + 2*ga*gl*val + gl*gl*vll
	return []Aux{
		{Name: "athrho", Estimate: a, StdError: math.Sqrt(vaa), HasSE: true},
		{Name: "lnsigma", Estimate: l, StdError: math.Sqrt(vll), HasSE: true},
		{Name: "rho", Estimate: rho, StdError: (1 - rho*rho) * math.Sqrt(vaa), HasSE: true},
		{Name: "sigma", Estimate: sigma, StdError: sigma * math.Sqrt(vll), HasSE: true},
		{Name: "lambda", Estimate: rho * sigma, StdError: math.Sqrt(math.Max(vlam, 0)), HasSE: true},
	}
}

// subCov extracts the square block [lo, hi) of the p×p matrix c.
func subCov(c []float64, p, lo, hi int) []float64 {
	k := hi - lo
	out := make([]float64, k*k)
	for i := 0; i < k; i++ {
		copy(out[i*k:(i+1)*k], c[(lo+i)*p+lo:(lo+i)*p+hi])
	}
	return out
}

// clampRho keeps a starting value of ρ inside (−0.99, 0.99).
func clampRho(r float64) float64 {
	if math.IsNaN(r) {
		return 0
	}
	return math.Max(-0.99, math.Min(0.99, r))
}

// score writes observation i's gradient of ℓᵢ at theta (the per-row terms
// of eval's gradient), for the cluster-robust covariance; it is computed
// once, after convergence.
func (m *bvModel) score(theta []float64, i int, dst []float64) {
	kz, kx := m.kz, m.kx
	p := kz + kx + 2
	gam := theta[:kz]
	beta := theta[kz : kz+kx]
	a, l := theta[p-2], theta[p-1]
	ch, sh := math.Cosh(a), math.Sinh(a)
	is := math.Exp(-l)
	zi := m.z[i*m.zs : i*m.zs+kz]
	var c float64
	for j, v := range zi {
		c += v * gam[j]
	}
	q := m.kind[i]
	if q == 0 {
		_, mm := logPhiMills(-c)
		for j, v := range zi {
			dst[j] = -mm * v
		}
		return
	}
	xi := m.x[i*m.xs : i*m.xs+m.kx0]
	e := m.y[i]
	for j, v := range xi {
		e -= v * beta[j]
	}
	if m.dcol != nil {
		e -= m.dcol[i] * beta[kx-1]
	}
	fq := float64(q)
	r := e * is
	tc, tr := fq*ch, fq*sh
	ta := fq * (c*sh + r*ch)
	t := fq * (c*ch + r*sh)
	_, mm := logPhiMills(t)
	lr := mm*tr - r
	for j, v := range zi {
		dst[j] = mm * tc * v
	}
	gx := -lr * is
	for j, v := range xi {
		dst[kz+j] = gx * v
	}
	if m.dcol != nil {
		dst[kz+kx-1] = gx * m.dcol[i]
	}
	dst[p-2] = mm * ta
	dst[p-1] = -lr*r - 1
}

// clusterCov replaces fit.cov by G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹, s_g
// the cluster sums of the scores at the estimate (Stata's vce(cluster)
// for maximum likelihood).
func (m *bvModel) clusterCov(fit *bvFit, clusters []int) error {
	g, err := clusterCount(clusters, m.n)
	if err != nil {
		return err
	}
	p := m.dim()
	u := clusterSums(m.n, p, g, clusters, func(i int, dst []float64) { m.score(fit.theta, i, dst) })
	fit.cov = clusterSandwich(fit.cov, u, g, p, stataFactor(g))
	return nil
}
