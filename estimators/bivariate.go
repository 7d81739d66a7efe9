package estimators

import (
	"math"
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
	n    int
	z    []float64 // Z raw data, row stride zs
	zs   int
	x    []float64 // X raw data, row stride xs (kx0 columns read)
	xs   int
	kx0  int       // columns of x read from X; kx = kx0 + 1 when dcol is set
	dcol []float64 // optional extra last outcome regressor (the treatment)
	y    []float64
	// kind[i] is 0 for a probit-only row (only z is read), +1 or −1 for a
	// joint row with that q.
	kind []int8
	idxBlocks
}

func newBVModel(n, kz int, z []float64, zs int, x []float64, xs, kx0 int, dcol, y []float64, kind []int8) *bvModel {
	kx := kx0
	if dcol != nil {
		kx++
	}
	m := &bvModel{n: n, z: z, zs: zs, x: x, xs: xs, kx0: kx0, dcol: dcol, y: y, kind: kind}
	m.init(n, kz+kx+2, kz, kx)
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

// bvPar are the functions of θ that every row uses.
type bvPar struct {
	gam, beta     []float64
	l, ch, sh, is float64 // log σ, cosh a, sinh a, 1/σ
}

func (m *bvModel) par(theta []float64) bvPar {
	p := m.p
	a, l := theta[p-2], theta[p-1]
	return bvPar{gam: theta[:m.kz], beta: theta[m.kz : m.kz+m.kx],
		l: l, ch: math.Cosh(a), sh: math.Sinh(a), is: 1 / math.Exp(l)}
}

// bvRow is row i's log-likelihood and its second derivatives in the
// indices c = z'γ and (through r = (y − x'β)/σ) x'β, and in a and l:
// w1 = ℓ_cc, w2, w3 the weights of zx' and xx' in ∂²ℓᵢ/∂γ∂β' and
// ∂²ℓᵢ/∂β∂β' (w2 = −L_cr/σ, w3 = L_rr/σ²), and the per-column weights of
// z and x in the a and l columns of −H (za, zl, xa, xl) and the a, l
// block (aa, al, lL); only w1 is non-zero on a probit-only row.
type bvRow struct {
	ll, w1, w2, w3 float64
	za, zl, xa, xl float64
	aa, al, lL     float64
}

// row returns row i's terms (see bvModel) and adds its score ∂ℓᵢ/∂θ to
// dst; with prod, the log Φ of its ℓᵢ goes into prod instead (see
// phiMills).
func (m *bvModel) row(pr *bvPar, i int, dst []float64, prod *logProd) bvRow {
	kz, kx, p := m.kz, m.kx, m.p
	zi := m.z[i*m.zs : i*m.zs+kz]
	var c float64
	for j, v := range zi {
		c += v * pr.gam[j]
	}
	q := m.kind[i]
	if q == 0 {
		t := -c
		lp, mm := phiMills(t, prod)
		for j, v := range zi {
			dst[j] -= mm * v
		}
		return bvRow{ll: lp, w1: -mm * (t + mm)}
	}
	xi := m.x[i*m.xs : i*m.xs+m.kx0]
	e := m.y[i]
	for j, v := range xi {
		e -= v * pr.beta[j]
	}
	if m.dcol != nil {
		e -= m.dcol[i] * pr.beta[kx-1]
	}
	fq := float64(q)
	r := e * pr.is
	tc, tr := fq*pr.ch, fq*pr.sh
	ta := fq * (c*pr.sh + r*pr.ch)
	t := fq * (c*pr.ch + r*pr.sh)
	lp, mm := phiMills(t, prod)
	f2 := -mm * (t + mm)
	lr := mm*tr - r
	// Gradient.
	for j, v := range zi {
		dst[j] += mm * tc * v
	}
	gx := -lr * pr.is
	for j, v := range xi {
		dst[kz+j] += gx * v
	}
	if m.dcol != nil {
		dst[kz+kx-1] += gx * m.dcol[i]
	}
	dst[p-2] += mm * ta
	dst[p-1] += -lr*r - 1
	// Second derivatives.
	lcr := f2 * tc * tr
	lca := f2*tc*ta + mm*tr // t_ca = q sinh a = t_r
	lrr := f2*tr*tr - 1
	lra := f2*tr*ta + mm*tc // t_ra = q cosh a = t_c
	return bvRow{
		ll: lp - pr.l - 0.5*r*r - logSqrt2Pi,
		w1: f2 * tc * tc, w2: -lcr * pr.is, w3: lrr * pr.is * pr.is,
		za: lca, zl: -lcr * r,
		xa: -lra * pr.is, xl: (lrr*r + lr) * pr.is,
		aa: f2*ta*ta + mm*t, al: -lra * r, lL: lrr*r*r + lr*r,
	}
}

// phiMills returns log Φ(t) and λ(t) = φ(t)/Φ(t) (logPhiMills), or, with
// prod, multiplies prod by Φ(t) and returns 0 and λ(t), so that a block's
// Σ log Φ costs one logarithm (see logProd).
func phiMills(t float64, prod *logProd) (lp, mills float64) {
	if prod == nil {
		return logPhiMills(t)
	}
	return 0, prod.phiMills(t)
}

// eval computes ℓ(θ), writes ∇ℓ to g and −∇²ℓ (full p×p) to negH, and
// returns ℓ.
func (m *bvModel) eval(theta, g, negH []float64) float64 {
	kz, kx, p := m.kz, m.kx, m.p
	ia, il := p-2, p-1
	pr := m.par(theta)
	forBlocks(m.n, func(b, lo, hi int) {
		sc := m.pool.Get().(*idxScratch)
		defer m.pool.Put(sc)
		gb, hb := m.block(b)
		rows := hi - lo
		var ll float64
		prod := logProd{m: 1} // Σ log Φ(tᵢ) of the block, without a logarithm per row
		for i := lo; i < hi; i++ {
			r0 := i - lo
			t := m.row(&pr, i, gb, &prod)
			ll += t.ll
			sc.w1[r0], sc.w2[r0], sc.w3[r0] = t.w1, t.w2, t.w3
			for j, v := range m.z[i*m.zs : i*m.zs+kz] {
				sc.zc[j*rows+r0] = v
				hb[j*p+ia] -= t.za * v
				hb[j*p+il] -= t.zl * v
			}
			if m.kind[i] == 0 {
				for j := 0; j < kx; j++ {
					sc.xc[j*rows+r0] = 0
				}
				continue
			}
			for j, v := range m.x[i*m.xs : i*m.xs+m.kx0] {
				sc.xc[j*rows+r0] = v
			}
			if m.dcol != nil {
				sc.xc[(kx-1)*rows+r0] = m.dcol[i]
			}
			for j := 0; j < kx; j++ {
				v := sc.xc[j*rows+r0]
				hb[(kz+j)*p+ia] -= t.xa * v
				hb[(kz+j)*p+il] -= t.xl * v
			}
			hb[ia*p+ia] -= t.aa
			hb[ia*p+il] -= t.al
			hb[il*p+il] -= t.lL
		}
		m.lls[b] = ll + prod.log()
		m.subCross(sc, hb, rows)
	})
	return m.reduce(g, negH)
}

// scorer returns the function that adds row i's score ∂ℓᵢ/∂θ at theta to
// dst (for the cluster-robust covariance).
func (m *bvModel) scorer(theta []float64) func(i int, dst []float64) {
	pr := m.par(theta)
	return func(i int, dst []float64) { m.row(&pr, i, dst, nil) }
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
