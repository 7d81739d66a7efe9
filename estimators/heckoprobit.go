package estimators

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// HeckOProbit fits the ordered probit model with sample selection of De
// Luca & Perotti (2011, Stata Journal 11(2), "Estimation of ordered
// response models with sample selection"), Stata's `heckoprobit`:
//
//	sᵢ = 1{zᵢ'γ + uᵢ > 0},  yᵢ* = xᵢ'β + εᵢ,
//	yᵢ = j  when κⱼ₋₁ < yᵢ* ≤ κⱼ  (j = 1, …, J; κ₀ = −∞, κ_J = +∞),
//	yᵢ observed only when sᵢ = 1, (uᵢ, εᵢ) standard bivariate normal with
//	correlation ρ,
//
// by maximum likelihood. Since Pr(s = 1, y* ≤ κ) = Φ₂(z'γ, κ − x'β; −ρ),
//
//	ℓ = Σ_{s=0} log Φ(−zᵢ'γ)
//	  + Σ_{s=1} log[Φ₂(zᵢ'γ, κ_{yᵢ} − xᵢ'β; −ρ) − Φ₂(zᵢ'γ, κ_{yᵢ−1} − xᵢ'β; −ρ)],
//
// with Φ₂(a, +∞; r) = Φ(a), Φ₂(a, −∞; r) = 0. (The top category's
// probability is computed as Φ₂(z'γ, x'β − κ_{J−1}; ρ), and a middle one
// from the upper tails when both bounds are above the mean, to avoid
// cancellation; a middle cell's probability is still a difference of two
// Φ₂ values, accurate to ~1e-16 absolutely rather than relatively.) It is maximised over θ = (γ, β, κ₁, …, κ_{J−1}, atanh ρ)
// by Newton–Raphson with the analytic gradient and Hessian (the second
// derivatives of Φ₂ of bpModel, summed over the two bounds) and step
// halving: first with ρ = 0 fixed, from the selection probit, β = 0 and
// κⱼ = Φ⁻¹(share of the selected rows with y ≤ j) — which gives the
// separate probit and ordered probit, the restricted fit of the LR test —
// then with ρ free from there.
//
// The outcome categories are the distinct values of y among the selected
// rows in increasing order (at least two). X must not contain a constant
// column: the cutpoints take the place of an intercept.
//
// The result has the equations "selection" (γ), "outcome" (β) and
// "cutpoints" (κ₁, …, κ_{J−1}, named "cut1", …), standard errors from the
// observed information (−H)⁻¹, the auxiliary entries "athrho" and "rho",
// and the Tests of ρ = 0 "lr_rho0" and "wald_rho0" (see rhoTests).
// With Options.Clusters the covariance is cluster-robust and the LR test
// is omitted, as for HeckProbit. Weights are refused (ErrWeights).
// Errors as for HeckProbit; a design whose columns are collinear with
// each other or with the constant is rank deficient.
func HeckOProbit(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("heckoprobit: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	sel, err := checkSelection(Z, s, X, y, xNames, "rho")
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx := X.Dims()
	n1 := len(sel)
	// Categories.
	vals := make([]float64, 0, 8)
	for _, i := range sel {
		if _, found := slices.BinarySearch(vals, y[i]); !found {
			vals = append(vals, y[i])
			slices.Sort(vals)
		}
	}
	J := len(vals)
	if J < 2 {
		return fail(fmt.Errorf("outcome is %v in every selected row: no variation to explain", vals[0]))
	}
	if n1 <= kx+J {
		return fail(fmt.Errorf("%d selected observations are too few for %d outcome coefficients, %d cutpoints and rho", n1, kx, J-1))
	}
	cat := make([]int32, n)
	counts := make([]float64, J)
	for i := range cat {
		cat[i] = -1
	}
	for _, i := range sel {
		j, _ := slices.BinarySearch(vals, y[i])
		cat[i] = int32(j)
		counts[j]++
	}
	// Rank of [1 X] on the selected rows (the cutpoints act as the
	// intercept).
	xr := X.RawMatrix()
	rnames := append([]string{"(cutpoints)"}, xNames...)
	if _, err := lsOnRows(n1, kx+1, rnames, func(a int, dst []float64) {
		i := sel[a]
		dst[0] = 1
		copy(dst[1:kx+1], xr.Data[i*xr.Stride:i*xr.Stride+kx])
		dst[kx+1] = y[i]
	}); err != nil {
		return fail(fmt.Errorf("outcome equation: %w", err))
	}
	pf, err := fitBinary(probitLink, Z, s, zNames, opts.start())
	if err != nil {
		return fail(fmt.Errorf("selection probit: %w", err))
	}
	zr := Z.RawMatrix()
	m := newHOPModel(n, kz, zr.Data, zr.Stride, xr.Data, xr.Stride, kx, J, cat)
	p := m.dim()
	names := append(append([]string(nil), zNames...), xNames...)
	cutNames := make([]string, J-1)
	for j := range cutNames {
		cutNames[j] = "cut" + strconv.Itoa(j+1)
	}
	names = append(append(names, cutNames...), "athrho")
	theta0 := make([]float64, p)
	copy(theta0, pf.beta)
	var cum float64
	for j := 0; j < J-1; j++ {
		cum += counts[j]
		theta0[kz+kx+j] = distuv.UnitNormal.Quantile(cum / float64(n1))
	}
	// Restricted fit (ρ = 0).
	gF, hF := make([]float64, p), make([]float64, p*p)
	full := make([]float64, p)
	q := p - 1
	restricted := func(th, g, negH []float64) float64 {
		copy(full, th)
		full[q] = 0
		ll := m.eval(full, gF, hF)
		copy(g, gF[:q])
		for i := 0; i < q; i++ {
			copy(negH[i*q:(i+1)*q], hF[i*p:i*p+q])
		}
		return ll
	}
	r0, err := newtonMax(restricted, theta0[:q], names[:q], opts.maxIter())
	if err != nil {
		return fail(fmt.Errorf("fit with rho = 0 (separate probit and ordered probit): %w", err))
	}
	copy(theta0, r0.theta)
	theta0[q] = 0
	fit, err := newtonMax(m.eval, theta0, names, opts.maxIter(), q)
	if err != nil {
		return fail(err)
	}
	if err := fit.clusterCov(n, opts.Clusters, m.scorer); err != nil {
		return fail(err)
	}
	th := fit.theta
	eqS, err := equation("selection", zNames, th[:kz], subCov(fit.cov, p, 0, kz))
	if err != nil {
		return fail(err)
	}
	eqX, err := equation("outcome", xNames, th[kz:kz+kx], subCov(fit.cov, p, kz, kz+kx))
	if err != nil {
		return fail(err)
	}
	eqC, err := equation("cutpoints", cutNames, th[kz+kx:q], subCov(fit.cov, p, kz+kx, q))
	if err != nil {
		return fail(err)
	}
	ll := fit.ll
	res := &Result{
		Method: "heckoprobit", N: n, NSelected: n1,
		Equations: []Equation{eqS, eqX, eqC},
		Auxiliary: rhoAux(th[q], fit.cov[p*p-1]),
		Tests:     rhoTests(th[q], fit.cov[p*p-1], ll, r0.ll, opts.Clusters != nil),
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
		Cov: fullCov(fit.cov, p), CovNames: covNames([]string{"selection", "outcome", "cutpoints"}, zNames, xNames, cutNames, []string{"athrho"}),
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// hopModel is HeckOProbit's log-likelihood over θ = (γ, β, κ, α).
//
// For a selected row in category j with a = z'γ, the bounds
// h = κⱼ − x'β, l = κⱼ₋₁ − x'β (absent at ±∞) and r = −ρ, the likelihood
// is L = Φ₂(a, h; r) − Φ₂(a, l; r). With P_a, P_b, φ₂ and the second
// derivatives of Φ₂ at each bound (see bpModel), L_a = φ(a)[Φ(w_h) −
// Φ(w_l)] (w = (b − ra)/s), L_h = φ(h)Φ((a − rh)/s), L_l = −φ(l)Φ((a −
// rl)/s), L_r = φ₂(a, h) − φ₂(a, l), and so on; ℓ_u = L_u/L and
// ℓ_uv = L_uv/L − ℓ_uℓ_v. The chain rule uses ∂a/∂γ = z, ∂h/∂β =
// ∂l/∂β = −x, ∂h/∂κⱼ = ∂l/∂κⱼ₋₁ = 1, ∂r/∂α = −(1 − ρ²),
// ∂²r/∂α² = 2ρ(1 − ρ²).
type hopModel struct {
	n, J int
	z    []float64
	zs   int
	x    []float64
	xs   int
	cat  []int32 // −1 unselected, else the category 0 … J−1
	idxBlocks
}

func newHOPModel(n, kz int, z []float64, zs int, x []float64, xs, kx, J int, cat []int32) *hopModel {
	m := &hopModel{n: n, J: J, z: z, zs: zs, x: x, xs: xs, cat: cat}
	m.init(n, kz+kx+J, kz, kx)
	return m
}

// dim is kz + kx + (J − 1) cutpoints + 1.
func (m *hopModel) dim() int { return m.kz + m.kx + m.J }

// diffNormCDF is Φ(hi) − Φ(lo) for lo ≤ hi, from the upper tails when
// both are positive.
func diffNormCDF(lo, hi float64) float64 {
	if lo > 0 {
		return normCDF(-lo) - normCDF(-hi)
	}
	return normCDF(hi) - normCDF(lo)
}

// hopPar are the functions of θ that every row uses.
type hopPar struct {
	gam, beta, cuts []float64
	rho, D          float64
	bv, bvf         bvn // Φ₂(·,·; −ρ) and its reflection Φ₂(·,·; ρ)
}

func (m *hopModel) par(theta []float64) hopPar {
	kz, kx, p := m.kz, m.kx, m.p
	rho := math.Tanh(theta[p-1])
	return hopPar{gam: theta[:kz], beta: theta[kz : kz+kx], cuts: theta[kz+kx : p-1],
		rho: rho, D: 1 - rho*rho, bv: newBVN(-rho), bvf: newBVN(rho)}
}

// hopRow is row i's log-likelihood and its second derivatives in θ per
// unit of the regressors: w1, w2, w3 the weights of zz', zx', xx' (as in
// idxScratch); za, xa those of z and x in ∂²ℓᵢ/∂γ∂α and ∂²ℓᵢ/∂β∂α, and
// aa = ∂²ℓᵢ/∂α²; for the upper cutpoint κⱼ, zh and xh those of z and x in
// ∂²ℓᵢ/∂γ∂κⱼ and ∂²ℓᵢ/∂β∂κⱼ, hh = ∂²ℓᵢ/∂κⱼ² and ha = ∂²ℓᵢ/∂κⱼ∂α; zl, xl,
// lL and la the same for the lower cutpoint κⱼ₋₁; hl = ∂²ℓᵢ/∂κⱼ₋₁∂κⱼ.
// Only ll and w1 are set on an unselected row.
type hopRow struct {
	ll, w1, w2, w3, za, xa, aa float64
	zh, xh, hh, ha             float64
	zl, xl, lL, la             float64
	hl                         float64
}

// row returns row i's terms (see hopModel) and adds its score ∂ℓᵢ/∂θ to
// dst.
func (m *hopModel) row(pr *hopPar, i int, dst []float64) hopRow {
	kz, kx, J := m.kz, m.kx, m.J
	ic := kz + kx // index of cut1
	zi := m.z[i*m.zs : i*m.zs+kz]
	var a float64
	for k, v := range zi {
		a += v * pr.gam[k]
	}
	j := int(m.cat[i])
	if j < 0 {
		t := -a
		lp, lam := logPhiMills(t)
		for k, v := range zi {
			dst[k] -= lam * v
		}
		return hopRow{ll: lp, w1: -lam * (t + lam)}
	}
	xi := m.x[i*m.xs : i*m.xs+kx]
	var e float64
	for k, v := range xi {
		e += v * pr.beta[k]
	}
	bv, bvf := &pr.bv, &pr.bvf
	r, s, is2, D := bv.r, bv.s, bv.invS2, pr.D
	hasH, hasL := j < J-1, j > 0
	var bh, bl float64
	if hasH {
		bh = pr.cuts[j] - e
	}
	if hasL {
		bl = pr.cuts[j-1] - e
	}
	// log L, without cancellation.
	var logL float64
	switch {
	case !hasL:
		logL = bv.logCDF(a, bh)
	case !hasH:
		logL = bvf.logCDF(a, -bl)
	case bl > 0:
		logL = math.Log(bvf.cdf(a, -bl) - bvf.cdf(a, -bh))
	default:
		logL = math.Log(bv.cdf(a, bh) - bv.cdf(a, bl))
	}
	iL := math.Exp(-logL)
	pa := normPDF(a)
	// Derivatives of L in (a, h, l, r).
	wh, wl := math.Inf(1), math.Inf(-1)
	var fh, fl, Lh, Ll, Lhh, Lll, Lhr, Llr, Lrr, Lar float64
	if hasH {
		wh = (bh - r*a) / s
		fh = math.Exp(bv.logPDF(a, bh))
		Lh = normPDF(bh) * normCDF((a-r*bh)/s)
		Lhh = -bh*Lh - r*fh
		Lhr = -fh * (bh - r*a) * is2
		Lar += -fh * (a - r*bh) * is2
		Lrr += fh * (r + a*bh - r*(a*a-2*r*a*bh+bh*bh)*is2) * is2
	}
	if hasL {
		wl = (bl - r*a) / s
		fl = math.Exp(bv.logPDF(a, bl))
		pb := normPDF(bl) * normCDF((a-r*bl)/s)
		Ll = -pb
		Lll = -(-bl*pb - r*fl)
		Llr = fl * (bl - r*a) * is2
		Lar -= -fl * (a - r*bl) * is2
		Lrr -= fl * (r + a*bl - r*(a*a-2*r*a*bl+bl*bl)*is2) * is2
	}
	La := pa * diffNormCDF(wl, wh)
	Laa := -a*La - r*(fh-fl)
	Lr := fh - fl
	Lah, Lal := fh, -fl
	// ℓ derivatives.
	la, lh, lL, lr := La*iL, Lh*iL, Ll*iL, Lr*iL
	lah := Lah*iL - la*lh
	lal := Lal*iL - la*lL
	lhh := Lhh*iL - lh*lh
	lll := Lll*iL - lL*lL
	lhl := -lh * lL
	lhr := Lhr*iL - lh*lr
	llr := Llr*iL - lL*lr
	// Gradient.
	for k, v := range zi {
		dst[k] += la * v
	}
	gx := -(lh + lL)
	for k, v := range xi {
		dst[kz+k] += gx * v
	}
	if hasH {
		dst[ic+j] += lh
	}
	if hasL {
		dst[ic+j-1] += lL
	}
	dst[m.p-1] += -D * lr
	return hopRow{
		ll: logL,
		w1: Laa*iL - la*la, w2: -(lah + lal), w3: lhh + 2*lhl + lll,
		za: -D * (Lar*iL - la*lr), xa: D * (lhr + llr),
		aa: D*D*(Lrr*iL-lr*lr) + 2*pr.rho*D*lr,
		zh: lah, xh: -(lhh + lhl), hh: lhh, ha: -D * lhr,
		zl: lal, xl: -(lhl + lll), lL: lll, la: -D * llr,
		hl: lhl,
	}
}

// eval computes ℓ(θ), writes ∇ℓ to g and −∇²ℓ (full p×p) to negH, and
// returns ℓ.
func (m *hopModel) eval(theta, g, negH []float64) float64 {
	kz, kx, J, p := m.kz, m.kx, m.J, m.p
	ia, ic := p-1, kz+kx
	pr := m.par(theta)
	forBlocks(m.n, func(b, lo, hi int) {
		sc := m.pool.Get().(*idxScratch)
		defer m.pool.Put(sc)
		gb, hb := m.block(b)
		rows := hi - lo
		var ll float64
		for i := lo; i < hi; i++ {
			r0 := i - lo
			t := m.row(&pr, i, gb)
			ll += t.ll
			sc.w1[r0], sc.w2[r0], sc.w3[r0] = t.w1, t.w2, t.w3
			j := int(m.cat[i])
			hasH, hasL := j >= 0 && j < J-1, j > 0
			for k, v := range m.z[i*m.zs : i*m.zs+kz] {
				sc.zc[k*rows+r0] = v
				if hasH {
					hb[k*p+ic+j] -= t.zh * v
				}
				if hasL {
					hb[k*p+ic+j-1] -= t.zl * v
				}
				hb[k*p+ia] -= t.za * v
			}
			if j < 0 {
				for k := 0; k < kx; k++ {
					sc.xc[k*rows+r0] = 0
				}
				continue
			}
			for k, v := range m.x[i*m.xs : i*m.xs+kx] {
				sc.xc[k*rows+r0] = v
				if hasH {
					hb[(kz+k)*p+ic+j] -= t.xh * v
				}
				if hasL {
					hb[(kz+k)*p+ic+j-1] -= t.xl * v
				}
				hb[(kz+k)*p+ia] -= t.xa * v
			}
			if hasH {
				hb[(ic+j)*p+ic+j] -= t.hh
				hb[(ic+j)*p+ia] -= t.ha
			}
			if hasL {
				hb[(ic+j-1)*p+ic+j-1] -= t.lL
				hb[(ic+j-1)*p+ia] -= t.la
			}
			if hasH && hasL {
				hb[(ic+j-1)*p+ic+j] -= t.hl
			}
			hb[ia*p+ia] -= t.aa
		}
		m.lls[b] = ll
		m.subCross(sc, hb, rows)
	})
	return m.reduce(g, negH)
}

// scorer returns the function that adds row i's score ∂ℓᵢ/∂θ at theta to
// dst (for the cluster-robust covariance).
func (m *hopModel) scorer(theta []float64) func(i int, dst []float64) {
	pr := m.par(theta)
	return func(i int, dst []float64) { m.row(&pr, i, dst) }
}
