package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// meanVar returns the mean and the sample variance (divisor m − 1) of the
// y[i] with keep(i), and their number m, by a two-pass algorithm.
func meanVar(y []float64, keep func(i int) bool) (mean, v float64, m int) {
	for i, x := range y {
		if keep(i) {
			mean += x
			m++
		}
	}
	mean /= float64(m)
	for i, x := range y {
		if keep(i) {
			v += (x - mean) * (x - mean)
		}
	}
	return mean, v / float64(m-1), m
}

// Naive is the difference in mean outcomes between treated (d = 1) and
// untreated (d = 0) observations,
//
//	Δ̂ = ȳ₁ − ȳ₀,   SE = √(s₁²/n₁ + s₀²/n₀),
//
// with s²_g the sample variance (divisor n_g − 1) of group g: Welch's
// (1947, Biometrika 34) unequal-variance standard error, which is what R's
// t.test(var.equal = FALSE) reports as its standard error. It is the naive
// estimate of the average treatment effect: unbiased for it only when the
// treatment is as good as randomly assigned, which is exactly what
// self-selection breaks.
//
// The result has the equation "outcome" with the single coefficient
// "difference", the auxiliary parameters "mean_treated" and
// "mean_untreated" (each with SE s_g/√n_g) and the effect "ate" equal to
// the difference. d must be 0 or 1 with at least two rows of each; y must
// be finite.
func Naive(y, d []float64) (*Result, error) { return NaiveCluster(y, d, nil) }

// NaiveCluster is Naive with standard errors clustered over clusters
// (row i in cluster clusters[i], ids 0 … G−1; nil: Naive's). The
// difference is the slope of the least-squares regression of y on (1, d)
// and the group means its cell-mean coefficients, so their cluster-robust
// variances are G/(G−1)·(n−1)/(n−2)·Σ_g(Σ_{i∈g} uᵢ)², with
// uᵢ = dᵢ(yᵢ − ȳ₁)/n₁ − (1−dᵢ)(yᵢ − ȳ₀)/n₀ for the difference and the
// two terms for the means: what R's sandwich::vcovCL(lm(y ~ d),
// type = "HC1") reports (Liang & Zeger 1986).
func NaiveCluster(y, d []float64, clusters []int) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("naive: %w", err) }
	n := len(y)
	n1, err := checkTreatment(d, n)
	if err != nil {
		return fail(err)
	}
	if err := checkOutcome(y, n); err != nil {
		return fail(err)
	}
	if n1 < 2 || n-n1 < 2 {
		return fail(fmt.Errorf("%d treated and %d untreated observations: need at least two of each for a standard error", n1, n-n1))
	}
	m1, v1, _ := meanVar(y, func(i int) bool { return d[i] == 1 })
	m0, v0, _ := meanVar(y, func(i int) bool { return d[i] == 0 })
	se1, se0 := v1/float64(n1), v0/float64(n-n1)
	diff := m1 - m0
	se := math.Sqrt(se1 + se0)
	if clusters != nil {
		g, err := clusterCount(clusters, n)
		if err != nil {
			return fail(err)
		}
		u1, u0 := make([]float64, n), make([]float64, n)
		for i, v := range y {
			if d[i] == 1 {
				u1[i] = (v - m1) / float64(n1)
			} else {
				u0[i] = (v - m0) / float64(n-n1)
			}
		}
		c := vcovCLFactor(g, n, 2) / stataFactor(g)
		se1, se0 = c*clusterVar(u1, clusters, g), c*clusterVar(u0, clusters, g)
		for i := range u1 {
			u1[i] -= u0[i]
		}
		se = math.Sqrt(c * clusterVar(u1, clusters, g))
	}
	res := &Result{
		Method: "naive", N: n,
		Equations: []Equation{{
			Name:  "outcome",
			Coefs: []Coef{{Term: "difference", Estimate: diff, StdError: se}},
			Cov:   mat.NewSymDense(1, []float64{se * se}),
		}},
		Auxiliary: []Aux{
			{Name: "mean_treated", Estimate: m1, StdError: math.Sqrt(se1), HasSE: true},
			{Name: "mean_untreated", Estimate: m0, StdError: math.Sqrt(se0), HasSE: true},
		},
		Effects:   []Aux{{Name: "ate", Estimate: diff, StdError: se, HasSE: true}},
		Converged: true,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// NaiveMean is the mean of an outcome over the rows where it is observed,
//
//	ȳ = (1/n₁)Σ sᵢyᵢ,   SE = s/√n₁,
//
// with n₁ = Σsᵢ and s² the sample variance (divisor n₁ − 1) of the
// observed outcomes — for example the mean satisfaction among survey
// respondents. It is the naive estimate of the population mean: unbiased
// only when the outcome is missing at random.
//
// s marks the observed rows (1) and the others (0); s == nil means every
// row is observed. Values of y in unobserved rows are never read and may
// be NaN. The result has the equation "outcome" with the single
// coefficient "mean"; N is the number of rows and NSelected the number
// observed (at least two).
func NaiveMean(y, s []float64) (*Result, error) { return NaiveMeanCluster(y, s, nil) }

// NaiveMeanCluster is NaiveMean with the standard error clustered over
// clusters (one id per row, observed or not; nil: NaiveMean's):
// √(G/(G−1)·Σ_g(Σ_{i∈g} sᵢ(yᵢ − ȳ)/n₁)²) over the G clusters of the
// observed rows, what R's sandwich::vcovCL(lm(y ~ 1), type = "HC1")
// reports on them.
func NaiveMeanCluster(y, s []float64, clusters []int) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("naive: %w", err) }
	n := len(y)
	if s != nil && len(s) != n {
		return fail(fmt.Errorf("outcome has %d values but the observation indicator %d", n, len(s)))
	}
	obs := func(i int) bool { return s == nil || s[i] == 1 }
	n1 := 0
	for i := 0; i < n; i++ {
		if s != nil && s[i] != 0 && s[i] != 1 {
			return fail(fmt.Errorf("observation indicator must be 0 or 1, is %v in row %d", s[i], i+1))
		}
		if !obs(i) {
			continue
		}
		n1++
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return fail(fmt.Errorf("outcome is %v in observed row %d", y[i], i+1))
		}
	}
	if n1 < 2 {
		return fail(fmt.Errorf("%d observed outcomes: need at least two for a standard error", n1))
	}
	m, v, _ := meanVar(y, obs)
	se := math.Sqrt(v / float64(n1))
	if clusters != nil {
		if len(clusters) != n {
			return fail(fmt.Errorf("%d cluster ids for %d rows", len(clusters), n))
		}
		sub := subClusters(clusters, obs)
		g, err := clusterCount(sub, n1)
		if err != nil {
			return fail(err)
		}
		u := make([]float64, 0, n1)
		for i, x := range y {
			if obs(i) {
				u = append(u, (x-m)/float64(n1))
			}
		}
		se = math.Sqrt(clusterVar(u, sub, g))
	}
	res := &Result{
		Method: "naive", N: n, NSelected: n1,
		Equations: []Equation{{
			Name:  "outcome",
			Coefs: []Coef{{Term: "mean", Estimate: m, StdError: se}},
			Cov:   mat.NewSymDense(1, []float64{se * se}),
		}},
		Converged: true,
	}
	if s == nil {
		res.NSelected = 0
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}
