package estimators

import (
	"math"
	"testing"
)

// TestSubsampleStart: a large binary fit, started from the fit to every
// warmStride-th row, ends where the iterations from β = 0 end (estimates,
// covariance and ℓ to 1e-10 relatively; observed ~1e-14) in fewer
// iterations on all rows, for both links, with and without weights.
func TestSubsampleStart(t *testing.T) {
	n := warmRows + 7
	Z, s, _, _, zn, _ := benchData(n, 5)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + float64(i%7)/4
	}
	rm := Z.RawMatrix()
	for _, c := range []struct {
		name string
		l    link
		wts  []float64
	}{
		{"probit", probitLink, nil},
		{"logit", logitLink, nil},
		{"weighted probit", probitLink, w},
	} {
		warm, err := fitBinary(c.l, Z, s, zn, Options{Weights: c.wts})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cold, err := newtonBinary(c.l, rm.Data, rm.Stride, n, len(zn), s, c.wts, zn, 100, make([]float64, len(zn)))
		if err != nil {
			t.Fatalf("%s from 0: %v", c.name, err)
		}
		if warm.iter >= cold.iter {
			t.Errorf("%s: %d iterations from the subsample's fit, %d from 0", c.name, warm.iter, cold.iter)
		}
		if relDiff(warm.ll, cold.ll) > 1e-10 {
			t.Errorf("%s: log-likelihood %v, from 0 %v", c.name, warm.ll, cold.ll)
		}
		for j := range warm.beta {
			if d := relDiff(warm.beta[j], cold.beta[j]); d > 1e-10 {
				t.Errorf("%s: coefficient %d is %v, from 0 %v (rel. diff %.2g)", c.name, j, warm.beta[j], cold.beta[j], d)
			}
		}
		k := len(zn)
		for j := range warm.cov {
			a, b := j/k, j%k
			scale := math.Sqrt(cold.cov[a*k+a] * cold.cov[b*k+b])
			if d := math.Abs(warm.cov[j] - cold.cov[j]); d > 1e-10*scale {
				t.Errorf("%s: covariance entry (%d, %d) is %v, from 0 %v", c.name, a, b, warm.cov[j], cold.cov[j])
			}
		}
	}
}
