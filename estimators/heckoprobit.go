package estimators

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
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
// Errors as for HeckProbit; a design whose columns are collinear with
// each other or with the constant is rank deficient.
func HeckOProbit(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("heckoprobit: %w", err) }
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
	pf, err := fitBinary(probitLink, Z, s, zNames, opts)
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
	r0, err := newtonML(restricted, theta0[:q], names[:q], opts.maxIter())
	if err != nil {
		return fail(fmt.Errorf("fit with rho = 0 (separate probit and ordered probit): %w", err))
	}
	copy(theta0, r0.theta)
	theta0[q] = 0
	fit, err := newtonML(m.eval, theta0, names, opts.maxIter())
	if err != nil {
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
		Tests:     rhoTests(th[q], fit.cov[p*p-1], ll, r0.ll, false),
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
	n, kz, kx, J int
	z            []float64
	zs           int
	x            []float64
	xs           int
	cat          []int32 // −1 unselected, else the category 0 … J−1

	nb   int
	lls  []float64
	gs   []float64
	hs   []float64
	pool sync.Pool
}

func newHOPModel(n, kz int, z []float64, zs int, x []float64, xs, kx, J int, cat []int32) *hopModel {
	p := kz + kx + J
	nb := (n + blockRows - 1) / blockRows
	m := &hopModel{n: n, kz: kz, kx: kx, J: J, z: z, zs: zs, x: x, xs: xs, cat: cat,
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

func (m *hopModel) eval(theta, g, negH []float64) float64 {
	kz, kx, J := m.kz, m.kx, m.J
	p := kz + kx + J
	pp := p * p
	gam := theta[:kz]
	beta := theta[kz : kz+kx]
	cuts := theta[kz+kx : p-1]
	rho := math.Tanh(theta[p-1])
	D := 1 - rho*rho
	ia := p - 1
	ic := kz + kx // index of cut1
	r := -rho
	bv, bvf := newBVN(r), newBVN(rho) // Φ₂(·,·; −ρ) and its reflection
	s, is2 := bv.s, bv.invS2
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
			var a float64
			for j, v := range zi {
				a += v * gam[j]
				sc.zc[j*rows+r0] = v
			}
			j := int(m.cat[i])
			if j < 0 {
				t := -a
				lp, lam := logPhiMills(t)
				ll += lp
				for k, v := range zi {
					gb[k] -= lam * v
				}
				sc.w1[r0], sc.w2[r0], sc.w3[r0] = -lam*(t+lam), 0, 0
				for k := 0; k < kx; k++ {
					sc.xc[k*rows+r0] = 0
				}
				continue
			}
			xi := m.x[i*m.xs : i*m.xs+kx]
			var e float64
			for k, v := range xi {
				e += v * beta[k]
				sc.xc[k*rows+r0] = v
			}
			hasH, hasL := j < J-1, j > 0
			var bh, bl float64
			if hasH {
				bh = cuts[j] - e
			}
			if hasL {
				bl = cuts[j-1] - e
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
			ll += logL
			iL := math.Exp(-logL)
			pa := normPDF(a)
			// Derivatives of L in (a, h, l, r).
			wh, wl := math.Inf(1), math.Inf(-1)
			var fh, fl, Lh, Ll, Lhh, Lll, Lhr, Llr, Lrr, Lar, Laa float64
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
			Laa = -a*La - r*(fh-fl)
			Lr := fh - fl
			Lah, Lal := fh, -fl
			// ℓ derivatives.
			la, lh, lL, lr := La*iL, Lh*iL, Ll*iL, Lr*iL
			laa := Laa*iL - la*la
			lah := Lah*iL - la*lh
			lal := Lal*iL - la*lL
			lar := Lar*iL - la*lr
			lhh := Lhh*iL - lh*lh
			lll := Lll*iL - lL*lL
			lhl := -lh * lL
			lhr := Lhr*iL - lh*lr
			llr := Llr*iL - lL*lr
			lrr := Lrr*iL - lr*lr
			// Gradient.
			for k, v := range zi {
				gb[k] += la * v
			}
			gx := -(lh + lL)
			for k, v := range xi {
				gb[kz+k] += gx * v
			}
			if hasH {
				gb[ic+j] += lh
			}
			if hasL {
				gb[ic+j-1] += lL
			}
			gb[ia] += -D * lr
			// Hessian (negated): zz', zx', xx' by blocks below.
			sc.w1[r0] = laa
			sc.w2[r0] = -(lah + lal)
			sc.w3[r0] = lhh + 2*lhl + lll
			hza := -D * lar
			for k, v := range zi {
				if hasH {
					hb[k*p+ic+j] -= lah * v
				}
				if hasL {
					hb[k*p+ic+j-1] -= lal * v
				}
				hb[k*p+ia] -= hza * v
			}
			hxh, hxl, hxa := -(lhh + lhl), -(lhl + lll), D*(lhr+llr)
			for k, v := range xi {
				if hasH {
					hb[(kz+k)*p+ic+j] -= hxh * v
				}
				if hasL {
					hb[(kz+k)*p+ic+j-1] -= hxl * v
				}
				hb[(kz+k)*p+ia] -= hxa * v
			}
			if hasH {
				hb[(ic+j)*p+ic+j] -= lhh
				hb[(ic+j)*p+ia] -= -D * lhr
			}
			if hasL {
				hb[(ic+j-1)*p+ic+j-1] -= lll
				hb[(ic+j-1)*p+ia] -= -D * llr
			}
			if hasH && hasL {
				hb[(ic+j-1)*p+ic+j] -= lhl
			}
			hb[ia*p+ia] -= D*D*lrr + 2*rho*D*lr
		}
		m.lls[b] = ll
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
