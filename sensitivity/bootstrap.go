package sensitivity

import (
	"math"
	"slices"
)

// resample calls fn with the counts w (w[j]: how often unit j is drawn,
// Σ w = n) of each of b bootstrap resamples of n units, resample s drawn
// from its own stream keyed by (seed, purpose, s).
func resample(seed uint64, purpose, n, b int, fn func(w []int)) {
	w := make([]int, n)
	for s := range b {
		clear(w)
		r := stream(seed, purpose, s)
		for range n {
			w[r.IntN(n)]++
		}
		fn(w)
	}
}

// percentileCI returns the (1−level)/2 and (1+level)/2 quantiles of xs
// (NaN, NaN when xs is empty), by linear interpolation between order
// statistics (Hyndman & Fan 1996, type 7). Non-finite values, from
// degenerate resamples, sort to the ends.
func percentileCI(xs []float64, level float64) (float64, float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Clone(xs)
	for i, x := range s {
		if math.IsNaN(x) {
			s[i] = math.Inf(1)
		}
	}
	slices.Sort(s)
	return quantile(s, (1-level)/2), quantile(s, (1+level)/2)
}

// quantile is the type-7 p-quantile of sorted values.
func quantile(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
