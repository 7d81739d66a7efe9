package estimators

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// OProbit fits the ordered probit model of McKelvey & Zavoina (1975,
// J. Math. Sociology 4(1)) by maximum likelihood:
//
//	yᵢ* = xᵢ'β + εᵢ,  εᵢ ~ N(0, 1),  yᵢ = j  ⇔  κⱼ₋₁ < yᵢ* ≤ κⱼ,
//	P(yᵢ = j) = Φ(κⱼ − xᵢ'β) − Φ(κⱼ₋₁ − xᵢ'β),  κ₀ = −∞, κ_K = +∞,
//
// where the categories j = 1 … K are the distinct values of y in
// increasing order and κ₁ < … < κ_{K−1} are the cutpoints (Greene,
// Econometric Analysis, "Ordered choice models"; the parameterisation of
// Stata's `oprobit` and of R's MASS::polr(method = "probit")).
//
// The cutpoints take the place of an intercept, so X must not contain one:
// a constant column is an error (R's polr drops it with a warning, Stata's
// oprobit has no constant; here the caller decides what to fit). With
// K = 2 the model is the probit with κ₁ = −intercept.
//
// The log-likelihood ℓ(β, κ) = Σ log Pᵢ is globally concave (Pratt 1981,
// JASA 76(374)) and is maximised by Newton–Raphson with the analytic
// gradient and Hessian and step halving (steps that break the order of the
// cutpoints are halved), from β = 0 and κⱼ = Φ⁻¹(share of y ≤ j), the
// maximum without regressors. With aᵢ = κⱼ₋₁ − xᵢ'β, bᵢ = κⱼ − xᵢ'β,
// A = φ(a)/P and B = φ(b)/P,
//
//	∂ℓᵢ/∂b = B,  ∂ℓᵢ/∂a = −A,  ∂²ℓᵢ/∂b² = −bB − B²,
//	∂²ℓᵢ/∂a² = aA − A²,  ∂²ℓᵢ/∂a∂b = AB,
//
// carried to (β, κ) by ∂a/∂β = ∂b/∂β = −xᵢ. Pᵢ, log Pᵢ, A and B are
// computed without cancellation: from lower tails (log Φ and
// expm1) when b ≤ 0, from upper tails when a ≥ 0, and as
// ½[erf(b/√2) + erf(−a/√2)], a sum of two positive terms, otherwise.
// Convergence requires the Newton decrement g'(−H)⁻¹g below 1e-10 and a
// last Newton step below 1e-6·(1 + |θⱼ|) in every parameter.
//
// The result has the equations "outcome" (β with observed-information
// standard errors, the square roots of the diagonal of (−H)⁻¹) and
// "cutpoints" ("cut1" … "cut{K−1}": κ, with standard errors; cutj
// separates the j-th and (j+1)-th smallest values of y), the covariance
// Cov of (β, κ), LogLik and Params = k + K − 1.
//
// For every category j (value v) the equation "marginal_effects_v" holds
// the average marginal effects of the regressors on P(y = j),
//
//	AMEⱼₗ = βₗ · (1/n)Σᵢ [φ(κⱼ₋₁ − xᵢ'β) − φ(κⱼ − xᵢ'β)],
//
// with delta-method standard errors from the full covariance of (β, κ),
// the gradient being ∂AMEⱼₗ/∂βₘ = 1{l = m}Dⱼ + βₗ(1/n)Σᵢ xᵢₘ(aφ(a) − bφ(b)),
// ∂AMEⱼₗ/∂κⱼ₋₁ = −βₗ(1/n)Σᵢ aφ(a), ∂AMEⱼₗ/∂κⱼ = βₗ(1/n)Σᵢ bφ(b) (Dⱼ the
// mean bracket; Greene, "Ordered choice models"). Every column is treated
// as continuous, as Stata's margins, dydx(*) predict(outcome(v)) does
// for variables not declared as factors. They sum to zero over j.
//
// With Options.Clusters every covariance above, the effects' included, is
// the cluster-robust G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ (Stata's
// vce(cluster); see mlFit.clusterCov), s_g the cluster sums of the
// per-row scores at the estimate. Weights are refused (ErrWeights).
//
// Errors: fewer than two categories, integer-coded categories with a gap
// (a category inside the observed range with no observations: recode y
// if the gap is intended), a constant or collinear column of X, too few
// observations, non-finite input, and failure to converge within
// Options.MaxIter iterations (as when a category is perfectly predicted
// and a cutpoint diverges).
func OProbit(X *mat.Dense, y []float64, names []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("oprobit: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	n, k, err := checkDesign(X, y, names)
	if err != nil {
		return fail(err)
	}
	cats, code, err := orderedCategories(y)
	if err != nil {
		return fail(err)
	}
	K := len(cats)
	if n <= k+K-1 {
		return fail(fmt.Errorf("%d observations are too few for %d coefficients and %d cutpoints", n, k, K-1))
	}
	rm := X.RawMatrix()
	for j := 0; j < k; j++ {
		v0, constant := rm.Data[j], true
		for i := 1; i < n && constant; i++ {
			constant = rm.Data[i*rm.Stride+j] == v0
		}
		if constant {
			return fail(fmt.Errorf("column %q is constant: the cutpoints take the place of an intercept, so the design must not contain one", names[j]))
		}
	}
	m := newOPModel(n, k, K, rm.Data, rm.Stride, code)
	p := k + K - 1
	theta0 := make([]float64, p)
	counts := make([]int, K)
	for _, c := range code {
		counts[c]++
	}
	cum := 0
	for j := 0; j < K-1; j++ {
		cum += counts[j]
		theta0[k+j] = distuv.UnitNormal.Quantile(float64(cum) / float64(n))
	}
	pnames := append([]string(nil), names...)
	for j := 1; j < K; j++ {
		pnames = append(pnames, "cut"+strconv.Itoa(j))
	}
	// Rank deficiency shows in −H at the start (Σ wᵢxᵢxᵢ', wᵢ > 0, in the
	// β block). Factored with the cutpoints first, the first failing
	// pivot names the first column collinear with a constant and the
	// columns before it (a combination of columns that is constant, such
	// as dummies for every level of a factor, is an intercept in
	// disguise).
	g0, h0 := make([]float64, p), make([]float64, p*p)
	m.eval(theta0, g0, h0)
	perm := make([]int, 0, p)
	for j := k; j < p; j++ {
		perm = append(perm, j)
	}
	for j := 0; j < k; j++ {
		perm = append(perm, j)
	}
	hp := make([]float64, p*p)
	for a, i := range perm {
		for b, j := range perm {
			hp[a*p+b] = h0[i*p+j]
		}
	}
	if _, bad, ok := cholInverse(hp, p, hessPivot); !ok {
		if bad >= K-1 {
			return fail(fmt.Errorf("rank-deficient design: column %q is collinear with the columns before it and a constant (the cutpoints take the place of an intercept)", names[bad-(K-1)]))
		}
		return fail(fmt.Errorf("the information matrix is singular at the starting values (cutpoint %q)", pnames[perm[bad]]))
	}
	fit, err := newtonMax(m.eval, theta0, pnames, opts.maxIter())
	if errors.Is(err, errNotConverged) {
		return fail(fmt.Errorf("%w (a category may be perfectly predicted by the regressors, so that a cutpoint or coefficient diverges)", err))
	}
	if err != nil {
		return fail(err)
	}
	if err := fit.clusterCov(n, opts.Clusters, m.scorer); err != nil {
		return fail(err)
	}
	eq, err := equation("outcome", names, fit.theta[:k], subCov(fit.cov, p, 0, k))
	if err != nil {
		return fail(err)
	}
	cuts, err := equation("cutpoints", pnames[k:], fit.theta[k:], subCov(fit.cov, p, k, p))
	if err != nil {
		return fail(err)
	}
	eqs := []Equation{eq, cuts}
	for j := 0; j < K; j++ {
		me, err := opMarginalEffects(m, fit, j, "marginal_effects_"+strconv.FormatFloat(cats[j], 'g', -1, 64), names)
		if err != nil {
			return fail(err)
		}
		eqs = append(eqs, me)
	}
	ll := fit.ll
	res := &Result{Method: "oprobit", N: n, Equations: eqs,
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
		Cov: fullCov(fit.cov, p), CovNames: covNames([]string{"outcome", "cutpoints"}, names, pnames[k:])}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// orderedCategories returns the distinct values of y in increasing order
// and each row's category index. There must be at least two; when every
// value is an integer, the integers between the smallest and the largest
// must all occur (a gap is a category without observations).
func orderedCategories(y []float64) (cats []float64, code []int32, err error) {
	cats = slices.Clone(y)
	slices.Sort(cats)
	cats = slices.Compact(cats)
	if len(cats) < 2 {
		return nil, nil, fmt.Errorf("too few categories: the outcome takes %d distinct value(s), at least 2 are needed", len(cats))
	}
	integer := true
	for _, c := range cats {
		integer = integer && c == math.Trunc(c) && math.Abs(c) < 1<<52
	}
	if integer {
		for j := 1; j < len(cats); j++ {
			if cats[j]-cats[j-1] > 1 {
				return nil, nil, fmt.Errorf("category %v has no observations (the outcome takes the integer values %v … %v); recode the outcome if the gap is intended", cats[j-1]+1, cats[0], cats[len(cats)-1])
			}
		}
	}
	code = make([]int32, len(y))
	for i, v := range y {
		j, _ := slices.BinarySearch(cats, v)
		code[i] = int32(j)
	}
	return cats, code, nil
}

// opModel is the ordered-probit log-likelihood over θ = (β, κ₁ … κ_{K−1})
// with preallocated per-block memory, so that an evaluation allocates
// nothing per observation.
type opModel struct {
	n, k, K int
	x       []float64 // X raw data, row stride xs
	xs      int
	code    []int32
	xc      []float64 // X copied column-major within each block (block b at b*blockRows*k)
	w, tmp  []float64 // per-row Hessian weight, scratch (length n)
	blockSums
}

func newOPModel(n, k, K int, x []float64, xs int, code []int32) *opModel {
	p := k + K - 1
	m := &opModel{n: n, k: k, K: K, x: x, xs: xs, code: code,
		xc: make([]float64, n*k), w: make([]float64, n), tmp: make([]float64, n),
		blockSums: newBlockSums(n, p)}
	forBlocks(n, func(_, lo, hi int) {
		rows := hi - lo
		xc := m.xc[lo*k : hi*k]
		for i := lo; i < hi; i++ {
			for j, v := range x[i*xs : i*xs+k] {
				xc[j*rows+i-lo] = v
			}
		}
	})
	return m
}

// opTerms returns log P, A = φ(a)/P and B = φ(b)/P for P = Φ(b) − Φ(a),
// a < b, where lo (hi) false means a = −∞ (b = +∞).
func opTerms(a, b float64, lo, hi bool) (lp, A, B float64) {
	switch {
	case !lo:
		lp, B = logPhiMills(b)
		return lp, 0, B
	case !hi:
		lp, A = logPhiMills(-a)
		return lp, A, 0
	case b <= 0:
		lb, mb := logPhiMills(b)
		la, ma := logPhiMills(a)
		e := la - lb // log(Φ(a)/Φ(b)) < 0
		om := -math.Expm1(e)
		return lb + math.Log(om), ma * math.Exp(e) / om, mb / om
	case a >= 0:
		la, ma := logPhiMills(-a)
		lb, mb := logPhiMills(-b)
		e := lb - la // log(Φ(−b)/Φ(−a)) < 0
		om := -math.Expm1(e)
		return la + math.Log(om), ma / om, mb * math.Exp(e) / om
	default:
		P := 0.5 * (math.Erf(b/math.Sqrt2) + math.Erf(-a/math.Sqrt2))
		return math.Log(P), normPDF(a) / P, normPDF(b) / P
	}
}

func (m *opModel) dim() int { return m.k + m.K - 1 }

// opRow is row i's log-likelihood and its second derivatives in the
// bounds a = κ_{c−1} − xᵢ'β and b = κ_c − xᵢ'β of its category c (zero
// for an infinite bound).
type opRow struct{ ll, laa, lbb, lab float64 }

// row returns row i's terms at (β, κ) and adds its score ∂ℓᵢ/∂θ to dst.
func (m *opModel) row(beta, cut []float64, i int, dst []float64) opRow {
	k := m.k
	xi := m.x[i*m.xs : i*m.xs+k]
	var eta float64
	for j, v := range xi {
		eta += v * beta[j]
	}
	c := int(m.code[i])
	hasLo, hasHi := c > 0, c < m.K-1
	var a, b float64
	if hasLo {
		a = cut[c-1] - eta
	}
	if hasHi {
		b = cut[c] - eta
	}
	lp, A, B := opTerms(a, b, hasLo, hasHi)
	t := opRow{ll: lp}
	ge := A - B
	for j, v := range xi {
		dst[j] += ge * v
	}
	if hasLo {
		t.laa = a*A - A*A
		dst[k+c-1] -= A
	}
	if hasHi {
		t.lbb = -b*B - B*B
		dst[k+c] += B
	}
	if hasLo && hasHi {
		t.lab = A * B
	}
	return t
}

// eval returns ℓ(θ), writes ∇ℓ to g and −∇²ℓ to negH, or returns −Inf
// when the cutpoints are not strictly increasing.
func (m *opModel) eval(theta, g, negH []float64) float64 {
	k, K := m.k, m.K
	p := k + K - 1
	beta, cut := theta[:k], theta[k:]
	for j := 1; j < len(cut); j++ {
		if !(cut[j] > cut[j-1]) {
			return math.Inf(-1)
		}
	}
	forBlocks(m.n, func(b, lo, hi int) {
		gb, hb := m.block(b)
		rows := hi - lo
		xc := m.xc[lo*k : hi*k]
		w := m.w[lo:hi]
		var ll float64
		for i := lo; i < hi; i++ {
			t := m.row(beta, cut, i, gb)
			ll += t.ll
			w[i-lo] = -(t.laa + 2*t.lab + t.lbb)
			xi := m.x[i*m.xs : i*m.xs+k]
			c := int(m.code[i])
			if c < K-1 {
				ic := k + c
				le := -(t.lab + t.lbb) // ∂²ℓ/∂η∂κ_c
				for j, v := range xi {
					hb[j*p+ic] -= le * v
				}
				hb[ic*p+ic] -= t.lbb
			}
			if c > 0 {
				ic := k + c - 1
				le := -(t.laa + t.lab)
				for j, v := range xi {
					hb[j*p+ic] -= le * v
				}
				hb[ic*p+ic] -= t.laa
				if c < K-1 {
					hb[ic*p+ic+1] -= t.lab
				}
			}
		}
		m.lls[b] = ll
		// β block: Σ wᵢxᵢxᵢ' by weighted column dot products.
		tmp := m.tmp[lo:hi]
		vec := func(s []float64) blas64.Vector { return blas64.Vector{N: rows, Inc: 1, Data: s} }
		for u := 0; u < k; u++ {
			xu := xc[u*rows : (u+1)*rows]
			for i, v := range xu {
				tmp[i] = w[i] * v
			}
			for v := u; v < k; v++ {
				hb[u*p+v] += blas64.Dot(vec(tmp), vec(xc[v*rows:(v+1)*rows]))
			}
		}
	})
	return m.reduce(g, negH)
}

// scorer returns the function that adds row i's score ∂ℓᵢ/∂θ at theta to
// dst (for the cluster-robust covariance).
func (m *opModel) scorer(theta []float64) func(i int, dst []float64) {
	return func(i int, dst []float64) { m.row(theta[:m.k], theta[m.k:], i, dst) }
}

// opMarginalEffects returns the average marginal effects of the
// regressors on the probability of category j with delta-method standard
// errors (see OProbit).
func opMarginalEffects(m *opModel, fit *mlFit, j int, name string, names []string) (Equation, error) {
	k, K := m.k, m.K
	p := k + K - 1
	beta, cut := fit.theta[:k], fit.theta[k:]
	var D, dLo, dHi float64 // means of φ(a) − φ(b), −aφ(a), bφ(b)
	E := make([]float64, k) // mean of x(aφ(a) − bφ(b))
	for i := 0; i < m.n; i++ {
		xi := m.x[i*m.xs : i*m.xs+k]
		var eta float64
		for l, v := range xi {
			eta += v * beta[l]
		}
		var fa, fb, afa, bfb float64
		if j > 0 {
			a := cut[j-1] - eta
			fa = normPDF(a)
			afa = a * fa
		}
		if j < K-1 {
			b := cut[j] - eta
			fb = normPDF(b)
			bfb = b * fb
		}
		D += fa - fb
		dLo -= afa
		dHi += bfb
		for l, v := range xi {
			E[l] += v * (afa - bfb)
		}
	}
	inv := 1 / float64(m.n)
	D, dLo, dHi = D*inv, dLo*inv, dHi*inv
	G := make([]float64, k*p)
	est := make([]float64, k)
	for l := 0; l < k; l++ {
		est[l] = beta[l] * D
		g := G[l*p : (l+1)*p]
		for mm := 0; mm < k; mm++ {
			g[mm] = beta[l] * E[mm] * inv
		}
		g[l] += D
		if j > 0 {
			g[k+j-1] = beta[l] * dLo
		}
		if j < K-1 {
			g[k+j] = beta[l] * dHi
		}
	}
	GV := matMul(G, fit.cov, k, p, p)
	cov := make([]float64, k*k)
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			var s float64
			for l := 0; l < p; l++ {
				s += GV[a*p+l] * G[b*p+l]
			}
			cov[a*k+b] = s
		}
	}
	symmetrize(cov, k)
	return equation(name, names, est, cov)
}
