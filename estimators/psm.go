package estimators

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// scored is one observation in a group sorted by propensity score.
type scored struct {
	p float64
	i int // row
}

// nearest appends to dst the rows of the m nearest members of the sorted
// group g to the score p, plus every further member at exactly the same
// distance as the m-th (ties), skipping row self. It runs in
// O(log |g| + m + ties).
func nearest(dst []int, g []scored, p float64, m, self int) []int {
	// r is the first member with score ≥ p; l = r − 1 the last below.
	r, _ := slices.BinarySearchFunc(g, p, func(s scored, t float64) int {
		if s.p < t {
			return -1
		}
		if s.p > t {
			return 1
		}
		return 0
	})
	l := r - 1
	skip := func() {
		if l >= 0 && g[l].i == self {
			l--
		}
		if r < len(g) && g[r].i == self {
			r++
		}
	}
	var dmax float64
	for got := 0; got < m; got++ {
		skip()
		switch {
		case l < 0 && r >= len(g):
			return dst
		case l < 0 || (r < len(g) && g[r].p-p <= p-g[l].p):
			dmax = g[r].p - p
			dst = append(dst, g[r].i)
			r++
		default:
			dmax = p - g[l].p
			dst = append(dst, g[l].i)
			l--
		}
	}
	for {
		skip()
		if l >= 0 && p-g[l].p == dmax {
			dst = append(dst, g[l].i)
			l--
		} else if r < len(g) && g[r].p-p == dmax {
			dst = append(dst, g[r].i)
			r++
		} else {
			return dst
		}
	}
}

// ErrPSMCluster is PSM's refusal of clustered standard errors.
var ErrPSMCluster = errors.New("clustered standard errors are not available: the Abadie–Imbens (2006) matching variance is not a sum of per-observation influence terms, so it does not cluster (and the bootstrap is invalid for nearest-neighbour matching, Abadie & Imbens 2008); use aipw or ipw for cluster-robust effects")

// PSM estimates the average treatment effect (ATE) and the effects on the
// treated (ATT) and untreated (ATU) of a binary treatment d on y by
// nearest-neighbour matching on the estimated propensity score, with
// replacement, assuming selection on the observables in Z.
//
// The score p̂ᵢ is a logit of d on Z (see Logit). Each observation i is
// matched to the M = neighbours (default 1) observations of the other
// group whose scores are nearest to p̂ᵢ in absolute difference, plus every
// further one at exactly the distance of the M-th (ties are all kept, as
// in Abadie & Imbens 2006, so the result does not depend on the order of
// the rows). With J(i) the set of matches, #J(i) its size, and the
// imputed potential outcomes Ŷᵢ(dᵢ) = yᵢ, Ŷᵢ(1 − dᵢ) = Σ_{j∈J(i)} yⱼ/#J(i),
//
//	ATE = (1/n)Σ [Ŷᵢ(1) − Ŷᵢ(0)],  ATT = (1/n₁)Σ_{d=1} [yᵢ − Ŷᵢ(0)],
//	ATU = (1/n₀)Σ_{d=0} [Ŷᵢ(1) − yᵢ],
//
// without bias adjustment. Both groups are sorted by score once, and each
// observation's matches are found by binary search and a two-sided scan,
// so the whole estimator is O(n log n).
//
// Standard errors are Abadie & Imbens's (2006, Econometrica 74(1), Theorem
// 7) for the population effects, with ties as in Abadie, Drukker, Herr &
// Imbens (2004, Stata Journal 4(3)): with Kᵢ = Σ_{l: i∈J(l)} 1/#J(l) and
// K′ᵢ = Σ_{l: i∈J(l)} 1/#J(l)²,
//
//	Var(ATE) = (1/n²)Σ [(Ŷᵢ(1) − Ŷᵢ(0) − ATE)² + (Kᵢ² + 2Kᵢ − K′ᵢ)σ̂ᵢ²],
//	Var(ATT) = (1/n₁²)[Σ_{d=1} (yᵢ − Ŷᵢ(0) − ATT)² + Σ_{d=0} (Kᵢ² − K′ᵢ)σ̂ᵢ²],
//
// (ATU symmetrically), where σ̂ᵢ² = J/(J+1)·(yᵢ − ȳ_{J(i)})² is the
// conditional variance estimated by matching i to its J = M nearest
// neighbours in its own group (their eq. 14; ties included, ȳ the mean of
// the #J matches, weight #J/(#J+1)). For J = 1 this equals the variance of
// the pair {yᵢ, y_j}, which is what R's Matching::Match(Var.calc = 1)
// uses; for J > 1 Matching uses the sample variance of the J + 1 outcomes
// instead.
//
// The score is treated as known: Abadie & Imbens (2016, Econometrica
// 84(2)) derive the correction for its estimation, which is not applied
// (for the ATE it would lower the standard error, so the reported one is
// conservative there; for the ATT it can go either way).
//
// Clustered standard errors are refused (ErrPSMCluster): the
// Abadie–Imbens variance is built from matched pairs and a matching
// estimate of each unit's conditional variance, not from a sum of
// independent per-observation terms, so it has no cluster-robust form.
//
// The result has the equation "propensity" (the logit) and the effects
// "ate", "att" and "atu". Each group needs more than M observations.
func PSM(Z *mat.Dense, d []float64, zNames []string, y []float64, neighbours int, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("psm: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	if opts.Clusters != nil {
		return fail(ErrPSMCluster)
	}
	M := neighbours
	if M <= 0 {
		M = 1
	}
	pf, err := fitPropensity(Z, d, zNames, y, opts)
	if err != nil {
		return fail(err)
	}
	n, _ := Z.Dims()
	n1 := pf.n1
	n0 := n - n1
	if n1 <= M || n0 <= M {
		return fail(fmt.Errorf("%d treated and %d untreated observations: need more than %d in each group to match %d neighbours and estimate variances", n1, n0, M, M))
	}
	groups := [2][]scored{make([]scored, 0, n0), make([]scored, 0, n1)}
	for i := 0; i < n; i++ {
		g := int(d[i])
		groups[g] = append(groups[g], scored{pf.p[i], i})
	}
	for _, g := range groups {
		slices.SortFunc(g, func(a, b scored) int {
			if a.p < b.p {
				return -1
			}
			if a.p > b.p {
				return 1
			}
			return a.i - b.i
		})
	}
	// Matching across groups: imputed counterfactuals, K and K′.
	yhat := make([]float64, n) // Ŷᵢ(1 − dᵢ)
	K := make([]float64, n)
	K2 := make([]float64, n)
	sig2 := make([]float64, n)
	var buf []int
	for i := 0; i < n; i++ {
		g := int(d[i])
		buf = nearest(buf[:0], groups[1-g], pf.p[i], M, -1)
		w := 1 / float64(len(buf))
		var s float64
		for _, j := range buf {
			s += y[j]
			K[j] += w
			K2[j] += w * w
		}
		yhat[i] = s * w
		// Conditional variance by matching within the own group.
		buf = nearest(buf[:0], groups[g], pf.p[i], M, i)
		var t float64
		for _, j := range buf {
			t += y[j]
		}
		J := float64(len(buf))
		e := y[i] - t/J
		sig2[i] = J / (J + 1) * e * e
	}
	var ate, att, atu float64
	for i := 0; i < n; i++ {
		if d[i] == 1 {
			ate += y[i] - yhat[i]
			att += y[i] - yhat[i]
		} else {
			ate += yhat[i] - y[i]
			atu += yhat[i] - y[i]
		}
	}
	ate /= float64(n)
	att /= float64(n1)
	atu /= float64(n0)
	var vate, vatt, vatu float64
	for i := 0; i < n; i++ {
		var tau float64
		if d[i] == 1 {
			tau = y[i] - yhat[i]
		} else {
			tau = yhat[i] - y[i]
		}
		ea := tau - ate
		vate += ea*ea + (K[i]*K[i]+2*K[i]-K2[i])*sig2[i]
		if d[i] == 1 {
			et := tau - att
			vatt += et * et
			vatu += (K[i]*K[i] - K2[i]) * sig2[i]
		} else {
			eu := tau - atu
			vatu += eu * eu
			vatt += (K[i]*K[i] - K2[i]) * sig2[i]
		}
	}
	res := &Result{
		Method: "psm", N: n,
		Equations: []Equation{pf.eq},
		Effects: []Aux{
			{Name: "ate", Estimate: ate, StdError: math.Sqrt(vate) / float64(n), HasSE: true},
			{Name: "att", Estimate: att, StdError: math.Sqrt(vatt) / float64(n1), HasSE: true},
			{Name: "atu", Estimate: atu, StdError: math.Sqrt(vatu) / float64(n0), HasSE: true},
		},
		Converged: true, Iterations: pf.fit.iter,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}
