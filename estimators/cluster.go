package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Cluster-robust covariance of M-estimators.
//
// An estimator θ̂ that solves Σᵢ ψᵢ(θ) = 0 has θ̂ − θ ≈ A⁻¹Σᵢψᵢ with A
// minus the derivative of Σψ. When observations are independent across
// clusters g = 1 … G but not within them, the cluster-robust covariance
// (Liang & Zeger 1986, Biometrika 73(1); Cameron & Miller 2015, Journal
// of Human Resources 50(2)) is
//
//	V = c · A⁻¹ (Σ_g u_g u_g') A⁻ᵀ,  u_g = Σ_{i∈g} ψᵢ(θ̂),
//
// with a small-sample factor c. The estimators use c = G/(G−1) (Stata's
// vce(cluster) for maximum-likelihood and two-step estimators) except
// where their documentation says otherwise: least squares (ols, iv),
// logit and probit and the naive difference use R's
// sandwich::vcovCL(type = "HC1") factor G/(G−1)·(n−1)/(n−k).
//
// For a two-step estimator the ψᵢ of the second step carry the first
// step's influence: ψᵢ = mᵢ + M_γ H_γ⁻¹ sᵢ, with mᵢ the second step's
// estimating function, sᵢ the first step's score, H_γ its information and
// M_γ = Σᵢ ∂mᵢ/∂γ' (Newey & McFadden 1994, Handbook of Econometrics IV,
// §6; the cluster form of Murphy & Topel 1985, JBES 3(4)).

// clusterCount checks that clusters holds n ids in [0, n) and returns
// their number G = max id + 1; G < 2 is an error.
func clusterCount(clusters []int, n int) (int, error) {
	if len(clusters) != n {
		return 0, fmt.Errorf("%d cluster ids for %d rows", len(clusters), n)
	}
	g := 0
	for _, c := range clusters {
		if c < 0 || c >= n {
			return 0, fmt.Errorf("cluster id %d out of range [0, %d)", c, n)
		}
		g = max(g, c+1)
	}
	if g < 2 {
		return 0, fmt.Errorf("cluster-robust covariance needs at least 2 clusters, got %d", g)
	}
	return g, nil
}

// clusterSums returns the G×p cluster sums u_g = Σ_{i∈g} ψᵢ, with ψᵢ
// written by psi(i, dst) (dst is zeroed first), over rows i in [0, n)
// whose cluster is clusters[i]. Rows are added in row order.
func clusterSums(n, p, g int, clusters []int, psi func(i int, dst []float64)) []float64 {
	u := make([]float64, g*p)
	row := make([]float64, p)
	for i := 0; i < n; i++ {
		clear(row)
		psi(i, row)
		ug := u[clusters[i]*p : (clusters[i]+1)*p]
		for j, v := range row {
			ug[j] += v
		}
	}
	return u
}

// clusterMeatOf returns Σ_g u_g u_g' (p×p) of the cluster sums u (G×p).
func clusterMeatOf(u []float64, g, p int) []float64 {
	m := make([]float64, p*p)
	for c := 0; c < g; c++ {
		addOuter(m, u[c*p:(c+1)*p], 1, p)
	}
	fillLower(m, p)
	return m
}

// clusterSandwich returns c·A⁻¹(Σ_g u_g u_g')A⁻ᵀ for the symmetric p×p
// bread A⁻¹ and the cluster sums u (G×p).
func clusterSandwich(bread, u []float64, g, p int, c float64) []float64 {
	v := sandwich(bread, clusterMeatOf(u, g, p), p)
	for i := range v {
		v[i] *= c
	}
	return v
}

// stataFactor is G/(G−1); vcovCLFactor is G/(G−1)·(n−1)/(n−k).
func stataFactor(g int) float64 { return float64(g) / float64(g-1) }

func vcovCLFactor(g, n, k int) float64 {
	return stataFactor(g) * float64(n-1) / float64(n-k)
}

// clusterVar returns G/(G−1)·Σ_g (Σ_{i∈g} uᵢ)², the cluster-robust
// variance of a scalar that is approximately Σᵢuᵢ; without clusters
// (nil) it is Σᵢuᵢ².
func clusterVar(u []float64, clusters []int, g int) float64 {
	var v float64
	if clusters == nil {
		for _, x := range u {
			v += x * x
		}
		return v
	}
	s := make([]float64, g)
	for i, x := range u {
		s[clusters[i]] += x
	}
	for _, x := range s {
		v += x * x
	}
	return v * stataFactor(g)
}

// subClusters returns the cluster ids of the rows with keep(i), numbered
// 0 … G'−1 in order of first appearance, or nil when clusters is nil.
func subClusters(clusters []int, keep func(i int) bool) []int {
	if clusters == nil {
		return nil
	}
	seen := map[int]int{}
	var out []int
	for i, c := range clusters {
		if !keep(i) {
			continue
		}
		id, ok := seen[c]
		if !ok {
			id = len(seen)
			seen[c] = id
		}
		out = append(out, id)
	}
	return out
}

// score writes observation i's score of the binary-choice log-likelihood
// at the estimate, sᵢxᵢ with sᵢ = yᵢ − Λ(ηᵢ) (logit) or
// qᵢλ(qᵢηᵢ), qᵢ = 2yᵢ − 1 (probit), times the weight wᵢ when weighted.
func (f *binFit) score(X *mat.Dense, y []float64, i int, dst []float64) {
	e := f.eta[i]
	var s float64
	if f.link == logitLink {
		if y[i] == 1 {
			s = logistic(-e)
		} else {
			s = -logistic(e)
		}
	} else {
		q := 2*y[i] - 1
		s = q * invMills(q*e)
	}
	if f.w != nil {
		s *= f.w[i]
	}
	rm := X.RawMatrix()
	for j, v := range rm.Data[i*rm.Stride : i*rm.Stride+f.k] {
		dst[j] = s * v
	}
}

// logistic is Λ(t) = 1/(1 + e⁻ᵗ) without overflow.
func logistic(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	z := math.Exp(t)
	return z / (1 + z)
}

// clusterCov returns c(G)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ of the fit, s_g the
// cluster sums of the scores.
func (f *binFit) clusterCov(X *mat.Dense, y []float64, clusters []int, c func(g int) float64) ([]float64, error) {
	g, err := clusterCount(clusters, f.n)
	if err != nil {
		return nil, err
	}
	u := clusterSums(f.n, f.k, g, clusters, func(i int, dst []float64) { f.score(X, y, i, dst) })
	return clusterSandwich(f.cov, u, g, f.k, c(g)), nil
}

// robustCov returns n/(n−k)·(−H)⁻¹(Σᵢ sᵢsᵢ')(−H)⁻¹, the HC1 sandwich of
// the fit (each observation its own cluster, sandwich's vcovHC(type =
// "HC1") for a glm).
func (f *binFit) robustCov(X *mat.Dense, y []float64) []float64 {
	u := make([]float64, f.n*f.k)
	for i := 0; i < f.n; i++ {
		f.score(X, y, i, u[i*f.k:(i+1)*f.k])
	}
	return clusterSandwich(f.cov, u, f.n, f.k, float64(f.n)/float64(f.n-f.k))
}

// twoStep describes the second step of a two-step estimator whose
// generated regressor (column lam of the second-step design W) is a
// function of a first-step probit's index cᵢ = zᵢ'γ̂ with derivative
// −δᵢ: heckit's inverse Mills ratio, treatreg-twostep's generalised
// residual.
type twoStep struct {
	probit *binFit
	Z      *mat.Dense
	s      []float64 // the probit's 0/1 outcome
	rowOf  []int     // second-step row a is probit row rowOf[a]
	w      func(a int, dst []float64)
	y      func(a int) float64
	delta  []float64 // δₐ, by second-step row
	lam    int
	fit    *lsFit
}

// clusterCov returns the cluster-robust covariance, with factor G/(G−1),
// of the second step's coefficients b̂ (Murphy–Topel in influence-function
// form): b̂ − b ≈ (W'W)⁻¹Σᵢψᵢ with
//
//	ψᵢ = wᵢeᵢ (second-step rows only) + M_γ(−H_γ)⁻¹sᵢ,
//	M_γ = Σₐ δₐ(b̂_λwₐ − e_λeₐ)zₐ',
//
// eₐ the second-step residual, e_λ the unit vector of the generated
// regressor and sᵢ the probit score; and the probit's own cluster-robust
// covariance.
func (t *twoStep) clusterCov(clusters []int) (vGamma, vb []float64, err error) {
	n, kz := t.Z.Dims()
	g, err := clusterCount(clusters, n)
	if err != nil {
		return nil, nil, err
	}
	p := len(t.fit.beta)
	c := stataFactor(g)
	vGamma, err = t.probit.clusterCov(t.Z, t.s, clusters, func(int) float64 { return c })
	if err != nil {
		return nil, nil, err
	}
	zr := t.Z.RawMatrix()
	m := len(t.rowOf)
	aOf := make([]int, n)
	for i := range aOf {
		aOf[i] = -1
	}
	resid := make([]float64, m)
	mg := make([]float64, p*kz)
	w := make([]float64, p)
	bl := t.fit.beta[t.lam]
	for a, i := range t.rowOf {
		aOf[i] = a
		t.w(a, w)
		e := t.y(a)
		for j, v := range w {
			e -= v * t.fit.beta[j]
		}
		resid[a] = e
		z := zr.Data[i*zr.Stride : i*zr.Stride+kz]
		for u := 0; u < p; u++ {
			coef := bl * w[u]
			if u == t.lam {
				coef -= e
			}
			coef *= t.delta[a]
			for v, zv := range z {
				mg[u*kz+v] += coef * zv
			}
		}
	}
	C := matMul(mg, t.probit.cov, p, kz, kz)
	sg := make([]float64, kz)
	u := clusterSums(n, p, g, clusters, func(i int, dst []float64) {
		t.probit.score(t.Z, t.s, i, sg)
		for r := 0; r < p; r++ {
			var v float64
			for j, x := range sg {
				v += C[r*kz+j] * x
			}
			dst[r] = v
		}
		if a := aOf[i]; a >= 0 {
			t.w(a, w)
			for r, x := range w {
				dst[r] += x * resid[a]
			}
		}
	})
	return vGamma, clusterSandwich(t.fit.xtxInv, u, g, p, c), nil
}
