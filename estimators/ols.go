package estimators

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// VCE selects the covariance estimator of least squares.
type VCE int

const (
	// Classical is s²(X'X)⁻¹ with s² = e'e/(n−k).
	Classical VCE = iota
	// HC1 is White's (1980) heteroskedasticity-consistent covariance with
	// the n/(n−k) small-sample factor (MacKinnon & White 1985):
	// n/(n−k)·(X'X)⁻¹(Σ eᵢ²xᵢxᵢ')(X'X)⁻¹.
	HC1
	// CR1 is the cluster-robust covariance (Liang & Zeger 1986; Arellano
	// 1987) over the clusters of Options.Clusters, with the small-sample
	// factor G/(G−1)·(n−1)/(n−k) of Stata's vce(cluster) and R's
	// sandwich::vcovCL(type = "HC1"): the factor times
	// (X'X)⁻¹(Σ_g s_g s_g')(X'X)⁻¹, s_g = Σ_{i∈g} eᵢxᵢ.
	CR1
)

func (v VCE) String() string {
	switch v {
	case Classical:
		return "classical"
	case HC1:
		return "HC1"
	case CR1:
		return "CR1"
	}
	return fmt.Sprintf("VCE(%d)", int(v))
}

// Options tunes the estimators. The zero value gives the defaults.
type Options struct {
	// VCE is the covariance estimator of OLS (default Classical).
	VCE VCE
	// MaxIter caps Newton iterations of maximum-likelihood fits
	// (default 100).
	MaxIter int
	// Clusters gives each row's cluster, 0 … G−1. When set, every
	// estimator but PSM reports cluster-robust standard errors (CR1 for
	// least squares whatever VCE says; see cluster.go for the others and
	// their small-sample factors), and PSM refuses them.
	Clusters []int
	// EffectVCE is the standard error of AIPW's effects (default Stacked).
	EffectVCE EffectVCE
	// Weights, one positive finite number per row, are probability
	// weights (Stata's pweights) for OLS, Logit and Probit: the estimates
	// maximise the weighted criterion, as R's lm(weights =) and
	// glm(weights =), and the covariance is always a sandwich — HC1, or
	// CR1 with Clusters — as R's sandwich::vcovHC(type = "HC1") and
	// vcovCL(type = "HC1") compute it for those weighted fits. The other
	// estimators in this file set refuse them (ErrWeights).
	Weights []float64
}

// ErrWeights is the refusal of weights by an estimator that does not
// support them.
var ErrWeights = errors.New("weights are supported by ols, logit and probit only")

// checkWeights reports an error unless w holds n positive finite values.
func checkWeights(w []float64, n int) error {
	if len(w) != n {
		return fmt.Errorf("%d weights for %d rows", len(w), n)
	}
	for i, v := range w {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("weight is %v in row %d: weights must be positive and finite", v, i+1)
		}
	}
	return nil
}

// EffectVCE selects the standard errors of AIPW's effects.
type EffectVCE int

const (
	// Stacked is the sandwich of the stacked M-estimator — propensity,
	// outcome regressions and effect estimated jointly — as Stata's
	// teffects aipw reports it (Cattaneo 2010).
	Stacked EffectVCE = iota
	// Influence treats the propensity and outcome fits as known: the
	// effect's own influence function alone. It is exact asymptotically
	// when both models are correct and too small when one is wrong.
	Influence
)

func (v EffectVCE) String() string {
	switch v {
	case Stacked:
		return "stacked"
	case Influence:
		return "influence"
	}
	return fmt.Sprintf("EffectVCE(%d)", int(v))
}

// vce is the covariance of least squares: CR1 whenever clusters are
// given, else VCE.
func (o Options) vce() VCE {
	if o.Clusters != nil {
		return CR1
	}
	return o.VCE
}

// start returns the options of the fits that only give a
// maximum-likelihood estimator its starting values: without clusters
// (their covariance is not reported, and they may use a subset of rows).
func (o Options) start() Options {
	o.Clusters = nil
	return o
}

func (o Options) maxIter() int {
	if o.MaxIter <= 0 {
		return 100
	}
	return o.MaxIter
}

// OLS fits y = Xβ + e by least squares.
//
// The estimate β̂ = (X'X)⁻¹X'y is computed from a Householder QR
// factorisation of [X y] (never from the normal equations): with
// [X y] = Q[R r; 0 ρ], β̂ = R⁻¹r and e'e = ρ². Standard errors are the
// square roots of the diagonal of s²(X'X)⁻¹, s² = e'e/(n−k) (Classical),
// or of the HC1 sandwich n/(n−k)·(X'X)⁻¹(Σ eᵢ²xᵢxᵢ')(X'X)⁻¹ (White 1980,
// Econometrica 48(4); MacKinnon & White 1985, Journal of Econometrics
// 29(3)), which is what R's sandwich::vcovHC(type = "HC1") and Stata's
// `regress, vce(robust)` report. A column collinear with the ones before it
// is an error naming that column.
//
// The result has one equation, "outcome".
func OLS(X *mat.Dense, y []float64, names []string, opts Options) (*Result, error) {
	n, k, err := checkDesign(X, y, names)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	if opts.Weights != nil {
		return weightedOLS(X, y, names, n, k, opts)
	}
	fit, err := lsDense(X, y, n, k, names)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	cov, err := lsCov(X, y, fit, n, k, opts)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	eq, err := equation("outcome", names, fit.beta, cov)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	eq.DF = float64(n - k)
	// The Gaussian log-likelihood at the ML variance SSE/n, with σ counted
	// among the parameters, as R's logLik.lm.
	ll := -0.5 * float64(n) * (math.Log(2*math.Pi) + math.Log(fit.sse/float64(n)) + 1)
	res := &Result{Method: "ols", N: n, Equations: []Equation{eq}, Converged: true, Fit: linearFit(X, y, nil, n, k, fit.sse),
		LogLik: &ll, Params: k + 1}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// lsDense runs the QR least-squares fit of y on the dense X.
func lsDense(X *mat.Dense, y []float64, n, k int, names []string) (*lsFit, error) {
	raw := X.RawMatrix()
	r := qrRFactor(n, k+1, func(i int, dst []float64) {
		copy(dst, raw.Data[i*raw.Stride:i*raw.Stride+k])
		dst[k] = y[i]
	})
	return solveLS(r, k, names)
}

// hcMeat returns Σ eᵢ² xᵢxᵢ' (k×k row-major) over the n rows of X, with
// eᵢ = resid(i, xᵢ), summed in fixed blocks.
func hcMeat(X *mat.Dense, n, k int, resid func(i int, x []float64) float64) []float64 {
	raw := X.RawMatrix()
	nb := (n + blockRows - 1) / blockRows
	parts := make([]float64, nb*k*k)
	forBlocks(n, func(b, lo, hi int) {
		m := parts[b*k*k : (b+1)*k*k]
		for i := lo; i < hi; i++ {
			x := raw.Data[i*raw.Stride : i*raw.Stride+k]
			e := resid(i, x)
			addOuter(m, x, e*e, k)
		}
	})
	return sumParts(parts, nb, k)
}

// clusterMeat returns Σ_g s_g s_g' with s_g = Σ_{i∈g} eᵢxᵢ over the
// clusters 0 … G−1 of the rows, and G. Rows are summed in row order.
func clusterMeat(X *mat.Dense, n, k int, resid func(i int, x []float64) float64, clusters []int) ([]float64, int, error) {
	if len(clusters) != n {
		return nil, 0, fmt.Errorf("%d cluster ids for %d rows", len(clusters), n)
	}
	g := 0
	for _, c := range clusters {
		if c < 0 || c >= n {
			return nil, 0, fmt.Errorf("cluster id %d out of range [0, %d)", c, n)
		}
		g = max(g, c+1)
	}
	raw := X.RawMatrix()
	s := make([]float64, g*k)
	for i := 0; i < n; i++ {
		x := raw.Data[i*raw.Stride : i*raw.Stride+k]
		e := resid(i, x)
		sg := s[clusters[i]*k : (clusters[i]+1)*k]
		for j, v := range x {
			sg[j] += e * v
		}
	}
	m := make([]float64, k*k)
	for c := 0; c < g; c++ {
		addOuter(m, s[c*k:(c+1)*k], 1, k)
	}
	fillLower(m, k)
	return m, g, nil
}

// meatOf returns the meat lsCovariance needs for vce: Σ eᵢ²xᵢxᵢ' (HC1)
// or the cluster sums (CR1), with the number of clusters (0 for HC1).
func meatOf(X *mat.Dense, n, k int, resid func(i int, x []float64) float64, vce VCE, clusters []int) func() ([]float64, int, error) {
	return func() ([]float64, int, error) {
		if vce == CR1 {
			return clusterMeat(X, n, k, resid, clusters)
		}
		return hcMeat(X, n, k, resid), 0, nil
	}
}

// linearFit returns R², adjusted R², the F test of all slopes and the
// residual SE of a least-squares fit with residual sum of squares sse.
// The total sum of squares is centred when X has a constant column (an
// intercept), uncentred otherwise, as R's summary(lm) does.
//
// With weights w (nil: none) the sums of squares are weighted and the
// mean is the weighted mean, as summary(lm(weights =)) computes them.
func linearFit(X *mat.Dense, y, w []float64, n, k int, sse float64) *LinearFit {
	raw := X.RawMatrix()
	intercept := false
	for j := 0; j < k && !intercept; j++ {
		c0 := raw.Data[j]
		constant := c0 != 0
		for i := 1; i < n && constant; i++ {
			constant = raw.Data[i*raw.Stride+j] == c0
		}
		intercept = constant
	}
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	var mean, tss, sw float64
	if intercept {
		for i, v := range y {
			mean += wt(i) * v
			sw += wt(i)
		}
		mean /= sw
	}
	for i, v := range y {
		tss += wt(i) * (v - mean) * (v - mean)
	}
	df1 := float64(k)
	dfInt := 0.0
	if intercept {
		df1, dfInt = float64(k-1), 1
	}
	df2 := float64(n - k)
	f := &LinearFit{R2: 1 - sse/tss, DF1: df1, DF2: df2, ResidualSE: math.Sqrt(sse / df2)}
	f.AdjR2 = 1 - (1-f.R2)*(float64(n)-dfInt)/df2
	f.F, f.FPValue = math.NaN(), math.NaN()
	if df1 > 0 && sse > 0 {
		f.F = ((tss - sse) / df1) / (sse / df2)
		// P(F > f) = I_{d2/(d2+d1 f)}(d2/2, d1/2): accurate however small.
		f.FPValue = mathext.RegIncBeta(df2/2, df1/2, df2/(df2+df1*f.F))
	}
	return f
}

// lsCovariance is the classical, s²(X'X)⁻¹ with s² = sse/(n − k), the
// HC1, n/(n − k)·(X'X)⁻¹ meat (X'X)⁻¹, or the CR1,
// G/(G−1)·(n−1)/(n−k)·(X'X)⁻¹ meat (X'X)⁻¹, covariance of a least-squares
// fit; meat is called only for HC1 and CR1.
func lsCovariance(xtxInv []float64, sse float64, meat func() ([]float64, int, error), n, k int, vce VCE) ([]float64, error) {
	var cov []float64
	switch vce {
	case Classical:
		s2 := sse / float64(n-k)
		cov = make([]float64, k*k)
		for i := range cov {
			cov[i] = s2 * xtxInv[i]
		}
	case HC1, CR1:
		m, g, err := meat()
		if err != nil {
			return nil, err
		}
		cov = sandwich(xtxInv, m, k)
		c := float64(n) / float64(n-k)
		if vce == CR1 {
			if g < 2 {
				return nil, fmt.Errorf("cluster-robust covariance needs at least 2 clusters, got %d", g)
			}
			c = float64(g) / float64(g-1) * float64(n-1) / float64(n-k)
		}
		for i := range cov {
			cov[i] *= c
		}
	default:
		return nil, fmt.Errorf("unknown covariance estimator %v", vce)
	}
	return cov, nil
}

// lsCov returns the covariance (classical or HC1) of fit, the regression
// of y on X.
func lsCov(X *mat.Dense, y []float64, fit *lsFit, n, k int, opts Options) ([]float64, error) {
	return lsCovariance(fit.xtxInv, fit.sse, meatOf(X, n, k, func(i int, x []float64) float64 {
		e := y[i]
		for j, v := range x {
			e -= v * fit.beta[j]
		}
		return e
	}, opts.vce(), opts.Clusters), n, k, opts.vce())
}

// addOuter adds w·xx' to the upper triangle of the k×k matrix m.
func addOuter(m, x []float64, w float64, k int) {
	for a := 0; a < k; a++ {
		wa := w * x[a]
		row := m[a*k : a*k+k]
		for c := a; c < k; c++ {
			row[c] += wa * x[c]
		}
	}
}

// sumParts adds nb k×k upper-triangular partial sums in block order and
// returns the full symmetric matrix.
func sumParts(parts []float64, nb, k int) []float64 {
	out := make([]float64, k*k)
	for b := 0; b < nb; b++ {
		p := parts[b*k*k : (b+1)*k*k]
		for i := range out {
			out[i] += p[i]
		}
	}
	fillLower(out, k)
	return out
}

// weightedOLS is OLS with probability weights wᵢ: least squares of √wᵢyᵢ
// on √wᵢxᵢ, so that β̂ = (X'WX)⁻¹X'Wy, with the HC1 covariance
// n/(n−k)·(X'WX)⁻¹(Σ wᵢ²eᵢ²xᵢxᵢ')(X'WX)⁻¹ (CR1 with clusters, the
// cluster sums Σ wᵢeᵢxᵢ); R², the F statistic and the residual SE are
// lm's weighted ones and the log-likelihood is R's logLik for a weighted
// lm, ℓ of the scaled fit + ½Σ log wᵢ.
func weightedOLS(X *mat.Dense, y []float64, names []string, n, k int, opts Options) (*Result, error) {
	if err := checkWeights(opts.Weights, n); err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	Xs := mat.NewDense(n, k, nil)
	ys := make([]float64, n)
	var slw float64
	for i, w := range opts.Weights {
		r := math.Sqrt(w)
		for j := 0; j < k; j++ {
			Xs.Set(i, j, r*X.At(i, j))
		}
		ys[i] = r * y[i]
		slw += math.Log(w)
	}
	o := opts
	if o.VCE == Classical {
		o.VCE = HC1
	}
	fit, err := lsDense(Xs, ys, n, k, names)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	cov, err := lsCov(Xs, ys, fit, n, k, o)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	eq, err := equation("outcome", names, fit.beta, cov)
	if err != nil {
		return nil, fmt.Errorf("ols: %w", err)
	}
	eq.DF = float64(n - k)
	ll := -0.5*float64(n)*(math.Log(2*math.Pi)+math.Log(fit.sse/float64(n))+1) + 0.5*slw
	res := &Result{Method: "ols", N: n, Equations: []Equation{eq}, Converged: true,
		Fit: linearFit(X, y, opts.Weights, n, k, fit.sse), LogLik: &ll, Params: k + 1}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}
