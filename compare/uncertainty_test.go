package compare

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
)

// testParams are the fit's keys as simmodel parameters, without a
// scenario (no integer keys).
func testParams(f *Fit) []simmodel.Param {
	ps := make([]simmodel.Param, len(f.Parameters))
	for i, p := range f.Parameters {
		ps[i] = simmodel.Param{Key: p.Key, Lo: p.Lo, Hi: p.Hi}
	}
	return ps
}

// drawMany returns n draws of f with seed.
func drawMany(t *testing.T, f *Fit, seed uint64, n int) [][]float64 {
	t.Helper()
	dr, err := newDrawer(f, testParams(f))
	if err != nil {
		t.Fatal(err)
	}
	x := make([][]float64, n)
	for d := range x {
		if x[d], err = dr.draw(seed, d); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// momentsFit has two correlated normal keys (correlation −0.6) whose
// ranges lie 10 standard errors away, so that truncation is negligible,
// a key not identified on [2, 5], and a key not identified that has a
// standard error (in the covariance, yet drawn uniformly).
const momentsFit = `{"version": 1,
  "parameters": [
    {"key": "a", "estimate": 1, "std_error": 0.1, "lo": 0, "hi": 2, "status": "identified"},
    {"key": "b", "estimate": -3, "std_error": 0.2, "lo": -5, "hi": -1, "status": "weakly identified"},
    {"key": "c", "estimate": 4, "std_error": null, "lo": 2, "hi": 5, "status": "not identified"},
    {"key": "d", "estimate": 0.5, "std_error": 3, "lo": 0, "hi": 1, "status": "not identified"}
  ],
  "covariance": {"keys": ["b", "d", "a"], "matrix": [[0.04, 0, -0.012], [0, 9, 0], [-0.012, 0, 0.01]]}}`

// TestDrawMoments: the normal keys' draws have the fit's mean and
// covariance, and the keys not identified are uniform on their range
// and uncorrelated with the others, within Monte Carlo error (4 standard
// errors; fixed seed).
func TestDrawMoments(t *testing.T) {
	f, err := readFitString(momentsFit)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	x := drawMany(t, f, 42, n)
	mean, cov := sampleMoments(x)
	mu := []float64{1, -3, 3.5, 0.5}
	sigma := [][]float64{{0.01, -0.012, 0, 0}, {-0.012, 0.04, 0, 0}, {0, 0, 0.75, 0}, {0, 0, 0, 1.0 / 12}}
	for i := range mu {
		if se := math.Sqrt(sigma[i][i] / n); math.Abs(mean[i]-mu[i]) > 4*se {
			t.Errorf("mean of %s = %.5f, want %.5f ± %.2g", f.Parameters[i].Key, mean[i], mu[i], 4*se)
		}
		for j := range i + 1 {
			// The variance of a sample covariance: (σᵢᵢσⱼⱼ + σᵢⱼ²)/n for
			// normal draws, (μ₄ − σ⁴)/n = σ⁴·(9/5 − 1)/n for a uniform
			// variance.
			v := (sigma[i][i]*sigma[j][j] + sigma[i][j]*sigma[i][j]) / n
			if i == j && i >= 2 {
				v = 0.8 * sigma[i][i] * sigma[i][i] / n
			}
			if math.Abs(cov[i][j]-sigma[i][j]) > 4*math.Sqrt(v) {
				t.Errorf("covariance [%d][%d] = %.5g, want %.5g ± %.2g", i, j, cov[i][j], sigma[i][j], 4*math.Sqrt(v))
			}
		}
	}
	// Kolmogorov–Smirnov against the uniform; 1.95/√n is the 0.1%
	// critical value.
	for _, k := range []int{2, 3} {
		p := f.Parameters[k]
		u := make([]float64, n)
		for d := range x {
			u[d] = (x[d][k] - p.Lo) / (p.Hi - p.Lo)
		}
		if ks := ksUniform(u); ks > 1.95/math.Sqrt(n) {
			t.Errorf("%s: Kolmogorov–Smirnov distance %.4f from the uniform on [%v, %v]", p.Key, ks, p.Lo, p.Hi)
		}
	}
}

// sampleMoments returns the mean and covariance (divisor n−1) of the
// rows of x.
func sampleMoments(x [][]float64) (mean []float64, cov [][]float64) {
	k := len(x[0])
	mean = make([]float64, k)
	for _, r := range x {
		for i := range k {
			mean[i] += r[i] / float64(len(x))
		}
	}
	cov = make([][]float64, k)
	for i := range cov {
		cov[i] = make([]float64, k)
		for j := range k {
			for _, r := range x {
				cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) / float64(len(x)-1)
			}
		}
	}
	return mean, cov
}

// ksUniform is the Kolmogorov–Smirnov distance of u from the uniform on
// [0, 1].
func ksUniform(u []float64) float64 {
	u = slices.Clone(u)
	slices.Sort(u)
	n := float64(len(u))
	d := 0.0
	for i, v := range u {
		d = max(d, float64(i+1)/n-v, v-float64(i)/n)
	}
	return d
}

// TestDrawTruncated: with a range of a few standard errors, every draw
// lies in the range and their mean is the truncated normal's,
// μ + σ·(φ(α) − φ(β))/(Φ(β) − Φ(α)).
func TestDrawTruncated(t *testing.T) {
	f, err := readFitString(`{"version": 1, "parameters": [{"key": "a", "estimate": 0, "std_error": 0.2, "lo": -0.1, "hi": 0.4, "status": "weakly identified"}],
		"covariance": {"keys": ["a"], "matrix": [[0.04]]}}`)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	x := drawMany(t, f, 3, n)
	var m, m2 float64
	for _, r := range x {
		if r[0] < -0.1 || r[0] > 0.4 {
			t.Fatalf("draw %v outside [-0.1, 0.4]", r[0])
		}
		m += r[0] / n
		m2 += r[0] * r[0] / n
	}
	z := distuv.UnitNormal
	a, b := -0.1/0.2, 0.4/0.2
	want := 0.2 * (z.Prob(a) - z.Prob(b)) / (z.CDF(b) - z.CDF(a))
	if se := math.Sqrt((m2 - m*m) / n); math.Abs(m-want) > 4*se {
		t.Errorf("mean %.5f, want %.5f ± %.2g", m, want, 4*se)
	}
}

// TestDrawOutsideRange: a key whose normal draws nearly always fall
// outside its range gives ErrOutsideRange naming the key.
func TestDrawOutsideRange(t *testing.T) {
	f, err := readFitString(`{"version": 1, "parameters": [
		{"key": "fine", "estimate": 0, "std_error": 1, "lo": -100, "hi": 100, "status": "identified"},
		{"key": "narrow", "estimate": 0, "std_error": 10, "lo": 0, "hi": 0.001, "status": "weakly identified"}],
		"covariance": {"keys": ["fine", "narrow"], "matrix": [[1, 0], [0, 100]]}}`)
	if err != nil {
		t.Fatal(err)
	}
	dr, err := newDrawer(f, testParams(f))
	if err != nil {
		t.Fatal(err)
	}
	_, err = dr.draw(1, 0)
	if !errors.Is(err, ErrOutsideRange) || !strings.Contains(err.Error(), "narrow fell outside [0, 0.001]") {
		t.Errorf("error %v", err)
	}
}

// TestDrawKeyed: draw d is a pure function of (seed, d); other draws and
// seeds differ.
func TestDrawKeyed(t *testing.T) {
	f, err := readFitString(validFit)
	if err != nil {
		t.Fatal(err)
	}
	a, b := drawMany(t, f, 5, 10), drawMany(t, f, 5, 10)
	c := drawMany(t, f, 6, 10)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gives different draws")
	}
	if reflect.DeepEqual(a[0], a[1]) || reflect.DeepEqual(a[0], c[0]) {
		t.Error("draws of different index or seed coincide")
	}
}

// TestDrawInteger: an integer key's draws are rounded, as the scenario
// reads them.
func TestDrawInteger(t *testing.T) {
	f, err := readFitString(`{"version": 1, "parameters": [
		{"key": "n", "estimate": 5, "std_error": 1.5, "lo": 0, "hi": 10, "status": "identified"},
		{"key": "m", "estimate": 3, "std_error": null, "lo": 1, "hi": 6, "status": "not identified"}],
		"covariance": {"keys": ["n"], "matrix": [[2.25]]}}`)
	if err != nil {
		t.Fatal(err)
	}
	ps := testParams(f)
	ps[0].Integer, ps[1].Integer = true, true
	dr, err := newDrawer(f, ps)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[float64]bool{}
	for d := range 200 {
		x, err := dr.draw(9, d)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range x {
			if v != math.Round(v) || v < f.Parameters[k].Lo || v > f.Parameters[k].Hi {
				t.Fatalf("draw %d: %s = %v", d, f.Parameters[k].Key, v)
			}
		}
		seen[x[1]] = true
	}
	if len(seen) != 6 {
		t.Errorf("the uniform integer key took %d values, want 1…6", len(seen))
	}
}

// TestSummary: the summary of hand-made draws — probabilities of being
// best (ties to the first policy) that sum to 1, regret ≥ 0 and 0 for
// the policy best in every draw, and the law-of-total-variance interval.
func TestSummary(t *testing.T) {
	u := &Uncertainty{Draws: 4, Reps: 2, Policies: []string{"a", "b", "c"},
		Profit:      [][]float64{{10, 8, 1}, {12, 12, 2}, {11, 9, 3}, {13, 10, 4}},
		ProfitVar:   [][]float64{{1, 2, 3}, {1, 2, 3}, {3, 2, 1}, {3, 2, 1}},
		Churn:       [][]float64{{0.2, 0.1, 0.3}, {0.2, 0.3, 0.1}, {0.2, 0.1, 0.3}, {0.2, 0.1, 0.3}},
		PointProfit: []float64{11, 12, 0}, PointChurn: []float64{0.2, 0.1, 0.3}}
	sum := u.Summary()
	want := []struct{ pProfit, pRet, regret float64 }{{1, 0, 0}, {0, 0.75, 1.75}, {0, 0.25, 9}}
	var sp, sr float64
	for p, s := range sum {
		sp += s.PBestProfit
		sr += s.PBestRetention
		if s.PBestProfit != want[p].pProfit || s.PBestRetention != want[p].pRet || s.Regret != want[p].regret || s.Regret < 0 {
			t.Errorf("%s: P(best profit) %v, P(best retention) %v, regret %v; want %+v", s.Policy, s.PBestProfit, s.PBestRetention, s.Regret, want[p])
		}
	}
	if sp != 1 || sr != 1 {
		t.Errorf("probabilities sum to %v and %v", sp, sr)
	}
	// Policy a: mean 11.5, variance over draws 5/3, mean simulation
	// variance 2.
	pa := sum[0].Profit
	h := 1.959963984540054 * math.Sqrt(5.0/3+2)
	if pa.Mean != 11.5 || math.Abs(pa.ParamVar-5.0/3) > 1e-12 || pa.SimVar != 2 || math.Abs(pa.Lo-(11.5-h)) > 1e-12 ||
		math.Abs(pa.Hi-(11.5+h)) > 1e-12 || math.Abs(pa.ParamShare-(5.0/3)/(5.0/3+2)) > 1e-12 {
		t.Errorf("profit of a: %+v", pa)
	}
	if sum[1].PBestProfitSE != 0 || math.Abs(sum[1].PBestRetentionSE-math.Sqrt(0.75*0.25/4)) > 1e-15 {
		t.Errorf("standard errors %v %v", sum[1].PBestProfitSE, sum[1].PBestRetentionSE)
	}
	// b is best at the point estimate but never over the draws: not
	// robust, and a is the runner-up.
	if r := u.Robustness(sum); r.Best != 1 || r.Robust || r.RunnerUp != 0 {
		t.Errorf("robustness %+v", r)
	}
	u.PointProfit = []float64{12, 11, 0}
	if r := u.Robustness(sum); r.Best != 0 || !r.Robust || r.RunnerUp != 1 {
		t.Errorf("robustness %+v", r)
	}
}

// smallShowdown is policy-showdown with a small population over a few
// weeks.
func smallShowdown(t *testing.T) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.LoadPreset("policy-showdown")
	if err != nil {
		t.Fatal(err)
	}
	sc.Population.Size = 800
	sc.Population.Weeks = 8
	return sc
}

// TestRunUncertainty runs a small policy-showdown over a few draws: the
// probabilities of being best sum to 1, regret is ≥ 0 and 0 for a policy
// best in every draw, the draws lie in their ranges, and the results do
// not depend on the number of workers.
func TestRunUncertainty(t *testing.T) {
	f, err := readFitString(validFit)
	if err != nil {
		t.Fatal(err)
	}
	sc := smallShowdown(t)
	var progress []int
	cfg := UncertaintyConfig{Scenario: sc, Fit: f, Draws: 5, Reps: 2, Workers: 1, Progress: func(done, total int) {
		if total != 6 {
			t.Errorf("progress total %d", total)
		}
		progress = append(progress, done)
	}}
	u1, err := RunUncertainty(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(progress, []int{1, 2, 3, 4, 5, 6}) {
		t.Errorf("progress %v", progress)
	}
	cfg.Workers, cfg.Progress = 2, nil
	u2, err := RunUncertainty(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(u1, u2) {
		t.Error("results differ between 1 and 2 workers")
	}
	if len(u1.Policies) != len(sc.Policies) || len(u1.X) != 5 || len(u1.Profit) != 5 || u1.Seed != sc.Seed {
		t.Fatalf("shape: %d policies, %d draws", len(u1.Policies), len(u1.X))
	}
	for d, x := range u1.X {
		for k, p := range f.Parameters {
			if x[k] < p.Lo || x[k] > p.Hi {
				t.Errorf("draw %d: %s = %v outside [%v, %v]", d, p.Key, x[k], p.Lo, p.Hi)
			}
		}
	}
	for p := range u1.Policies {
		if len(u1.PointRuns[p]) != 2 {
			t.Fatalf("%d runs at the point estimate", len(u1.PointRuns[p]))
		}
		if d := u1.PointDiff(p, 0); math.Abs(d.Mean-(u1.PointProfit[p]-u1.PointProfit[0])) > 1e-6*math.Abs(u1.PointProfit[0]) || !(d.Lo <= d.Mean && d.Mean <= d.Hi) {
			t.Errorf("PointDiff(%d, 0) = %+v; profits %v", p, d, u1.PointProfit)
		}
	}
	var sp, sr float64
	for _, s := range u1.Summary() {
		sp += s.PBestProfit
		sr += s.PBestRetention
		if s.Regret < 0 || s.PBestProfit == 1 && s.Regret != 0 || math.IsNaN(s.Profit.Mean) || !(s.Profit.Lo < s.Profit.Hi) {
			t.Errorf("%s: %+v", s.Policy, s)
		}
	}
	if math.Abs(sp-1) > 1e-12 || math.Abs(sr-1) > 1e-12 {
		t.Errorf("probabilities of being best sum to %v and %v", sp, sr)
	}
}

// TestRunUncertaintyErrors: bad configurations are refused, a key the
// scenario lacks is named.
func TestRunUncertaintyErrors(t *testing.T) {
	f, err := readFitString(validFit)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := readFitString(strings.Replace(validFit, "justice.apology_sincere", "justice.no_such_key", 1))
	if err != nil {
		t.Fatal(err)
	}
	sc := smallShowdown(t)
	for _, tc := range []struct {
		cfg  UncertaintyConfig
		want string
	}{
		{UncertaintyConfig{Fit: f, Draws: 5, Reps: 2}, "no scenario"},
		{UncertaintyConfig{Scenario: sc, Draws: 5, Reps: 2}, "no fit"},
		{UncertaintyConfig{Scenario: sc, Fit: f, Draws: 1, Reps: 2}, "1 parameter draws"},
		{UncertaintyConfig{Scenario: sc, Fit: f, Draws: MaxDraws + 1, Reps: 2}, "parameter draws"},
		{UncertaintyConfig{Scenario: sc, Fit: f, Draws: 5, Reps: 1}, "1 replications"},
		{UncertaintyConfig{Scenario: sc, Fit: bad, Draws: 5, Reps: 2}, "justice.no_such_key"},
	} {
		if _, err := RunUncertainty(context.Background(), tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}
