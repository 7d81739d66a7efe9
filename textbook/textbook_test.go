package textbook

import (
	"context"
	"errors"
	"fmt"
	"gonum.org/v1/gonum/stat"
	"math"
	"reflect"
	"sync"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// nBig is the sample size of the distributional tests: large enough that
// 4 SE is a tight bound (about 0.009 on a mean of unit variance), small
// enough that the package tests stay well under 10 s under -race.
const nBig = 200_000

func simulate(t testing.TB, tb scenarios.Textbook, n int, seed, rep uint64) *Sample {
	t.Helper()
	s, err := Simulate(context.Background(), tb, n, seed, rep)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// latentIndex returns s* − u = γ0 + Σ γj xj + γz z for every observation.
func latentIndex(tb scenarios.Textbook, s *Sample) []float64 {
	q := make([]float64, s.N)
	for i := range q {
		q[i] = Index(tb, s, i)
	}
	return q
}

// xb returns β0 + Σ βj xj for every observation.
func xb(tb scenarios.Textbook, s *Sample) []float64 {
	v := make([]float64, s.N)
	for i := range v {
		v[i] = tb.Beta[0]
		for j, x := range s.X {
			v[i] += tb.Beta[j+1] * x[i]
		}
	}
	return v
}

// moments of the standardised error families: skewness E[a³] and
// kurtosis E[a⁴].
func familyMoments(tb scenarios.Textbook) (skew, kurt float64) {
	switch tb.Errors {
	case "normal":
		return 0, 3
	case "t":
		return 0, 3 + 6/(tb.DF-4)
	case "uniform":
		return 0, 9.0 / 5
	case "skew_normal":
		d := tb.Skew / math.Sqrt(1+tb.Skew*tb.Skew)
		mu := d * math.Sqrt(2/math.Pi)
		sd := math.Sqrt(1 - mu*mu)
		return (4 - math.Pi) / 2 * math.Pow(mu/sd, 3), 3 + 2*(math.Pi-3)*math.Pow(mu/sd, 4)
	case "mixture":
		w, m, s := tb.MixtureWeight, tb.MixtureShift, tb.MixtureScale
		mu := w * m
		sd := math.Sqrt((1 - w) + w*(s*s+m*m) - mu*mu)
		d1, d2 := -mu, m-mu
		m3 := (1-w)*(d1*d1*d1+3*d1) + w*(d2*d2*d2+3*d2*s*s)
		m4 := (1-w)*(d1*d1*d1*d1+6*d1*d1+3) + w*(d2*d2*d2*d2+6*d2*d2*s*s+3*s*s*s*s)
		return m3 / math.Pow(sd, 3), m4 / math.Pow(sd, 4)
	}
	panic(tb.Errors)
}

func TestErrorFamilies(t *testing.T) {
	cases := []struct {
		name string
		set  func(*scenarios.Textbook)
	}{
		{"normal", func(tb *scenarios.Textbook) { tb.Errors = "normal" }},
		// df = 10: the 8th moment exists, so the SE of the sample
		// fourth moment (a kurtosis check) is finite.
		{"t", func(tb *scenarios.Textbook) { tb.Errors, tb.DF = "t", 10 }},
		{"skew_normal", func(tb *scenarios.Textbook) { tb.Errors, tb.Skew = "skew_normal", 4 }},
		{"skew_normal_negative", func(tb *scenarios.Textbook) { tb.Errors, tb.Skew, tb.Rho = "skew_normal", -3, -0.4 }},
		{"uniform", func(tb *scenarios.Textbook) { tb.Errors = "uniform" }},
		{"mixture", func(tb *scenarios.Textbook) {
			tb.Errors, tb.MixtureWeight, tb.MixtureShift, tb.MixtureScale = "mixture", 0.3, 2, 1.5
		}},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := scenarios.DefaultTextbook()
			tb.Rho, tb.Sigma, tb.CovariateCorrelation = 0.6, 2, 0.3
			c.set(&tb)
			s := simulate(t, tb, nBig, 11, uint64(ci))
			u, e := s.U, s.E

			meanEst(u).near(t, "mean(u)", 0)
			meanEst(e).near(t, "mean(e)", 0)
			varEst(u).near(t, "var(u)", 1)
			varEst(e).near(t, "var(e)", 1)
			corrEst(u, e).near(t, "corr(u, e)", tb.Rho)
			ue := make([]float64, s.N)
			for i := range ue {
				ue[i] = u[i] * e[i]
			}
			meanEst(ue).near(t, "cov(u, e) = mean(u·e)", tb.Rho)

			// Shape of the standardised draw a1 = u.
			skew, kurt := familyMoments(tb)
			mapEst(u, func(x float64) float64 { return x * x * x }).near(t, "E[u³]", skew)
			mapEst(u, func(x float64) float64 { return x * x * x * x }).near(t, "E[u⁴]", kurt)

			// a2 = (e − ρu)/√(1−ρ²) is a standardised draw independent of a1.
			a2 := make([]float64, s.N)
			sq1, sq2 := make([]float64, s.N), make([]float64, s.N)
			for i := range a2 {
				a2[i] = (e[i] - tb.Rho*u[i]) / math.Sqrt(1-tb.Rho*tb.Rho)
				sq1[i], sq2[i] = u[i]*u[i], a2[i]*a2[i]
			}
			meanEst(a2).near(t, "mean(a2)", 0)
			varEst(a2).near(t, "var(a2)", 1)
			mapEst(a2, func(x float64) float64 { return x * x * x }).near(t, "E[a2³]", skew)
			corrEst(u, a2).near(t, "corr(a1, a2)", 0)
			corrEst(sq1, sq2).near(t, "corr(a1², a2²)", 0)

			// The outcome error y − xβ is σε.
			res := xb(tb, s)
			for i := range res {
				res[i] = s.Y[i] - res[i]
			}
			sdEst(res).near(t, "sd(y − xβ)", tb.Sigma)
			corrEst(u, res).near(t, "corr(u, y − xβ)", tb.Rho)
			// Errors are independent of the covariates and z.
			corrEst(s.Z, u).near(t, "corr(z, u)", 0)
			corrEst(s.X[0], res).near(t, "corr(x1, y − xβ)", 0)
		})
	}
}

func TestCovariates(t *testing.T) {
	for ci, c := range []struct {
		family string
		r      float64
	}{
		{"normal", 0.5}, {"normal", -0.3}, {"uniform", 0.5}, {"uniform", -0.3},
		{"binary", 0.5}, {"binary", -0.2}, {"binary", 0},
	} {
		t.Run(fmt.Sprintf("%s_%v", c.family, c.r), func(t *testing.T) {
			t.Parallel()
			tb := scenarios.DefaultTextbook()
			tb.Beta = []float64{1, 0.5, -0.5, 0.25} // k = 3: x1, x2, x3 and z
			tb.Gamma = []float64{0, 0.5, 0.5, 0.5}
			tb.Covariates, tb.CovariateCorrelation = c.family, c.r
			s := simulate(t, tb, nBig, 5, uint64(ci))
			vars := append(append([][]float64{}, s.X...), s.Z)
			wantMean, wantVar := 0.0, 1.0
			if c.family == "binary" {
				wantMean, wantVar = 0.5, 0.25
			}
			for a, va := range vars {
				meanEst(va).near(t, fmt.Sprintf("mean of variable %d", a), wantMean)
				varEst(va).near(t, fmt.Sprintf("var of variable %d", a), wantVar)
				for b := a + 1; b < len(vars); b++ {
					corrEst(va, vars[b]).near(t, fmt.Sprintf("corr(%d, %d)", a, b), c.r)
				}
				switch c.family {
				case "binary":
					for i, x := range va {
						if x != 0 && x != 1 {
							t.Fatalf("variable %d row %d = %v, want 0 or 1", a, i, x)
						}
					}
				case "uniform":
					// The marginal is uniform on [−√3, √3]: check the
					// CDF at a few points (Bernoulli SE).
					for _, p := range []float64{0.1, 0.25, 0.5, 0.9} {
						cut := sqrt3 * (2*p - 1)
						mapEst(va, func(x float64) float64 {
							if x < cut {
								return 1
							}
							return 0
						}).near(t, fmt.Sprintf("P(variable %d < %.3f)", a, cut), p)
					}
					for i, x := range va {
						if math.Abs(x) > sqrt3 {
							t.Fatalf("variable %d row %d = %v outside ±√3", a, i, x)
						}
					}
				case "normal":
					mapEst(va, func(x float64) float64 {
						if x < -1 {
							return 1
						}
						return 0
					}).near(t, fmt.Sprintf("P(variable %d < −1)", a), normCDF(-1))
				}
			}
		})
	}
}

func TestUnattainableCorrelation(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	tb.Beta = []float64{1, 0.5, -0.5, 0.25}
	tb.Gamma = []float64{0, 0.5, 0.5, 0.5}
	// k = 3: normal needs r > −1/3, binary r > (2/π)asin(−1/3) ≈ −0.216,
	// uniform r > (6/π)asin(−1/6) ≈ −0.320.
	for _, c := range []struct {
		family string
		r      float64
		ok     bool
	}{
		{"normal", -0.33, true}, {"normal", -1.0 / 3, false},
		{"binary", -0.21, true}, {"binary", -0.22, false},
		{"uniform", -0.31, true}, {"uniform", -0.33, false},
	} {
		tb.Covariates, tb.CovariateCorrelation = c.family, c.r
		err := Check(tb)
		if (err == nil) != c.ok {
			t.Errorf("%s r=%v: Check = %v, want ok=%v", c.family, c.r, err, c.ok)
		}
		if _, err := Simulate(context.Background(), tb, 10, 1, 0); (err == nil) != c.ok {
			t.Errorf("%s r=%v: Simulate error = %v, want ok=%v", c.family, c.r, err, c.ok)
		}
	}
}

// TestRecoverCoefficients regresses the latent outcome y on x over all
// observations (recovering β) and the latent index s* on x and z
// (recovering γ and γz), with HC0 standard errors.
func TestRecoverCoefficients(t *testing.T) {
	for ci, c := range []struct{ cov, errs string }{
		{"normal", "normal"}, {"binary", "skew_normal"}, {"uniform", "mixture"}, {"normal", "t"},
	} {
		t.Run(c.cov+"_"+c.errs, func(t *testing.T) {
			t.Parallel()
			tb := scenarios.DefaultTextbook()
			tb.Beta = []float64{1, 0.5, -0.5}
			tb.Gamma = []float64{0.2, -0.7, 0.4}
			tb.Exclusion, tb.Rho, tb.Sigma, tb.CovariateCorrelation = 0.8, 0.6, 1.5, 0.4
			tb.Covariates, tb.Errors = c.cov, c.errs
			s := simulate(t, tb, nBig, 21, uint64(ci))
			b := ols(t, s.X, s.Y, nil)
			for j := range tb.Beta {
				b[j].near(t, fmt.Sprintf("beta[%d]", j), tb.Beta[j])
			}
			sstar := latentIndex(tb, s)
			for i := range sstar {
				sstar[i] += s.U[i]
			}
			g := ols(t, append(append([][]float64{}, s.X...), s.Z), sstar, nil)
			for j := range tb.Gamma {
				g[j].near(t, fmt.Sprintf("gamma[%d]", j), tb.Gamma[j])
			}
			g[len(tb.Gamma)].near(t, "gamma_z", tb.Exclusion)
		})
	}
}

// TestSelectionProbability checks P(s = 1 | x, z) against its model value
// in ten bins of the model probability: for normal errors Φ(q), for
// uniform errors P(u > −q) = clamp((√3 + q)/(2√3)). In each bin the mean
// of s − p has the exact SE √(Σ p(1−p))/n_bin.
func TestSelectionProbability(t *testing.T) {
	for ci, errs := range []string{"normal", "uniform"} {
		t.Run(errs, func(t *testing.T) {
			t.Parallel()
			tb := scenarios.DefaultTextbook()
			tb.Errors, tb.CovariateCorrelation = errs, 0.2
			s := simulate(t, tb, nBig, 31, uint64(ci))
			prob := func(q float64) float64 {
				if errs == "normal" {
					return normCDF(q)
				}
				return math.Min(1, math.Max(0, (sqrt3+q)/(2*sqrt3)))
			}
			var sum, vr [10]float64
			var cnt [10]int
			for i := range s.N {
				p := prob(Index(tb, s, i))
				b := min(int(p*10), 9)
				d := -p
				if s.S[i] {
					d = 1 - p
				}
				sum[b] += d
				vr[b] += p * (1 - p)
				cnt[b]++
			}
			for b := range 10 {
				if cnt[b] < 100 || vr[b] == 0 {
					continue
				}
				e := est{sum[b] / float64(cnt[b]), math.Sqrt(vr[b]) / float64(cnt[b])}
				e.near(t, fmt.Sprintf("mean(s − p) in bin %d (n=%d)", b, cnt[b]), 0)
			}
		})
	}
}

// TestHeckmanConditionalMean checks the selection-bias term: with normal
// errors E[y | x, z, s = 1] = xβ + ρσ·φ(q)/Φ(q), so OLS of y on x and the
// true inverse Mills ratio among the selected recovers β and λ = ρσ
// (HC0 SEs: the conditional variance is heteroskedastic).
func TestHeckmanConditionalMean(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	tb.Rho, tb.Sigma, tb.CovariateCorrelation = 0.6, 2, 0.3
	s := simulate(t, tb, nBig, 41, 0)
	imr := latentIndex(tb, s)
	for i, q := range imr {
		imr[i] = normPDF(q) / normCDF(q)
	}
	b := ols(t, append(append([][]float64{}, s.X...), imr), s.Y, s.S)
	for j := range tb.Beta {
		b[j].near(t, fmt.Sprintf("beta[%d] among selected", j), tb.Beta[j])
	}
	var lambda float64
	for _, e := range Truth(tb, s) {
		if e.ID == "lambda" {
			lambda = e.Value
		}
	}
	if lambda != tb.Rho*tb.Sigma {
		t.Fatalf("truth lambda = %v, want %v", lambda, tb.Rho*tb.Sigma)
	}
	b[len(tb.Beta)].near(t, "coefficient on the inverse Mills ratio", lambda)

	// Without the correction the mean among the selected is biased
	// upward (ρ > 0): the point of the tool.
	sm := Summarize(tb, s)
	if !(sm.SelectionBias > 0.1) {
		t.Errorf("selection bias %v, expected clearly positive with rho = 0.6", sm.SelectionBias)
	}
}

func TestPotentialOutcomes(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	tb.Delta = 0.7
	s := simulate(t, tb, 50_000, 3, 0)
	for i := range s.N {
		if s.S[i] != (Index(tb, s, i)+s.U[i] > 0) {
			t.Fatalf("row %d: S = %v but s* = %v", i, s.S[i], Index(tb, s, i)+s.U[i])
		}
		want := s.W0[i]
		if s.S[i] {
			want = s.W1[i]
		}
		if s.W[i] != want {
			t.Fatalf("row %d: W = %v, want %v (S = %v)", i, s.W[i], want, s.S[i])
		}
		if s.W0[i] != s.Y[i] {
			t.Fatalf("row %d: W0 = %v != Y = %v", i, s.W0[i], s.Y[i])
		}
		if d := s.W1[i] - s.W0[i]; math.Abs(d-tb.Delta) > 1e-12*(1+math.Abs(s.Y[i])) {
			t.Fatalf("row %d: W1 − W0 = %v, want %v", i, d, tb.Delta)
		}
	}
	// The reported ATE/ATT/ATU (δ) equal the sample means of W1 − W0.
	var all, tr, un float64
	var nt int
	for i := range s.N {
		d := s.W1[i] - s.W0[i]
		all += d
		if s.S[i] {
			tr += d
			nt++
		} else {
			un += d
		}
	}
	got := map[string]float64{}
	for _, e := range Truth(tb, s) {
		got[e.ID] = e.Value
	}
	for id, v := range map[string]float64{
		"ate_contact_outcome": all / float64(s.N),
		"att_contact_outcome": tr / float64(nt),
		"atu_contact_outcome": un / float64(s.N-nt),
	} {
		if math.Abs(got[id]-v) > 1e-12 {
			t.Errorf("%s = %v, sample mean of W1 − W0 = %v", id, got[id], v)
		}
	}
}

func TestDeterminism(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	tb.Errors, tb.CovariateCorrelation = "t", 0.3 // t: a variable number of draws per unit
	const n = 20_000
	a := simulate(t, tb, n, 7, 2)
	b := simulate(t, tb, n, 7, 2)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed and replication gave different samples")
	}
	for _, o := range []struct{ seed, rep uint64 }{{8, 2}, {7, 3}} {
		c := simulate(t, tb, n, o.seed, o.rep)
		same := 0
		for i := range n {
			if c.U[i] == a.U[i] || c.Z[i] == a.Z[i] {
				same++
			}
		}
		if same > 0 {
			t.Errorf("seed %d rep %d: %d rows share draws with seed 7 rep 2", o.seed, o.rep, same)
		}
	}

	// Keyed streams: a smaller sample is a prefix of a larger one.
	p := simulate(t, tb, 1000, 7, 2)
	for i := range p.N {
		if p.U[i] != a.U[i] || p.E[i] != a.E[i] || p.Z[i] != a.Z[i] || p.X[1][i] != a.X[1][i] || p.S[i] != a.S[i] {
			t.Fatalf("row %d differs between n = 1000 and n = %d", i, n)
		}
	}

	// No global state: concurrent runs give the same samples.
	var wg sync.WaitGroup
	res := make([]*Sample, 4)
	for g := range res {
		wg.Go(func() {
			s, err := Simulate(context.Background(), tb, n, 7, 2)
			if err != nil {
				t.Error(err)
			}
			res[g] = s
		})
	}
	wg.Wait()
	for g, s := range res {
		if !reflect.DeepEqual(s, a) {
			t.Errorf("concurrent run %d differs", g)
		}
	}
}

// TestCommonRandomNumbers: streams are keyed by purpose, so changing the
// error law leaves the covariates alone, and changing rho, sigma or the
// coefficients leaves the covariates and a1 = u alone.
func TestCommonRandomNumbers(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	const n = 5000
	a := simulate(t, tb, n, 9, 0)

	t2 := tb
	t2.Rho, t2.Sigma, t2.Delta = -0.3, 3, 2
	t2.Beta = []float64{0, 1, 1}
	t2.Gamma = []float64{-1, 0, 2}
	b := simulate(t, t2, n, 9, 0)
	if !reflect.DeepEqual(a.X, b.X) || !reflect.DeepEqual(a.Z, b.Z) || !reflect.DeepEqual(a.U, b.U) {
		t.Error("changing coefficients, rho or sigma changed x, z or u")
	}
	for i := range n { // a2 is common too: ε = ρ a1 + √(1−ρ²) a2
		a2a := (a.E[i] - tb.Rho*a.U[i]) / math.Sqrt(1-tb.Rho*tb.Rho)
		a2b := (b.E[i] - t2.Rho*b.U[i]) / math.Sqrt(1-t2.Rho*t2.Rho)
		if math.Abs(a2a-a2b) > 1e-9*(1+math.Abs(a2a)) {
			t.Fatalf("row %d: a2 %v vs %v", i, a2a, a2b)
		}
	}

	t3 := tb
	t3.Errors = "mixture"
	c := simulate(t, t3, n, 9, 0)
	if !reflect.DeepEqual(a.X, c.X) || !reflect.DeepEqual(a.Z, c.Z) {
		t.Error("changing the error law changed x or z")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Simulate(ctx, scenarios.DefaultTextbook(), 10, 1, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Simulate with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestSimulateRejects(t *testing.T) {
	bad := map[string]func(*scenarios.Textbook){
		"empty beta":      func(tb *scenarios.Textbook) { tb.Beta, tb.Gamma = nil, nil },
		"gamma length":    func(tb *scenarios.Textbook) { tb.Gamma = tb.Gamma[:2] },
		"rho":             func(tb *scenarios.Textbook) { tb.Rho = 1.5 },
		"sigma":           func(tb *scenarios.Textbook) { tb.Sigma = 0 },
		"nan beta":        func(tb *scenarios.Textbook) { tb.Beta = []float64{1, math.NaN(), 0} },
		"errors":          func(tb *scenarios.Textbook) { tb.Errors = "cauchy" },
		"covariates":      func(tb *scenarios.Textbook) { tb.Covariates = "poisson" },
		"t df":            func(tb *scenarios.Textbook) { tb.Errors, tb.DF = "t", 2 },
		"mixture weight":  func(tb *scenarios.Textbook) { tb.Errors, tb.MixtureWeight = "mixture", 1.2 },
		"mixture scale":   func(tb *scenarios.Textbook) { tb.Errors, tb.MixtureScale = "mixture", 0 },
		"correlation":     func(tb *scenarios.Textbook) { tb.CovariateCorrelation = -0.6 },
		"correlation > 1": func(tb *scenarios.Textbook) { tb.CovariateCorrelation = 1.1 },
	}
	for name, f := range bad {
		tb := scenarios.DefaultTextbook()
		f(&tb)
		if _, err := Simulate(context.Background(), tb, 10, 1, 0); err == nil {
			t.Errorf("%s: Simulate accepted it", name)
		}
	}
	if _, err := Simulate(context.Background(), scenarios.DefaultTextbook(), 0, 1, 0); err == nil {
		t.Error("n = 0 accepted")
	}
	// Intercept only (k = 0) and rho = ±1 are valid edge cases.
	tb := scenarios.DefaultTextbook()
	tb.Beta, tb.Gamma, tb.Rho = []float64{1}, []float64{0}, 1
	s := simulate(t, tb, 100, 1, 0)
	if len(s.X) != 0 || s.U[5] != s.E[5] {
		t.Errorf("k = 0, rho = 1: %d covariates, u %v e %v", len(s.X), s.U[5], s.E[5])
	}
}

func TestTruth(t *testing.T) {
	tb := scenarios.DefaultTextbook()
	s := simulate(t, tb, 10_000, 1, 0)
	est := Truth(tb, s)
	var ids []string
	for _, e := range est {
		ids = append(ids, e.ID)
		if e.Definition == "" || math.IsNaN(e.Value) {
			t.Errorf("%s: definition %q value %v", e.ID, e.Definition, e.Value)
		}
	}
	want := []string{"beta_(Intercept)", "beta_x1", "beta_x2",
		"gamma_(Intercept)", "gamma_x1", "gamma_x2", "gamma_z",
		"rho", "sigma", "lambda",
		"ate_contact_outcome", "att_contact_outcome", "atu_contact_outcome",
		"mean_satisfaction_population", "mean_satisfaction_given_x", "mean_satisfaction_observed", "selection_rate"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids %v\nwant %v", ids, want)
	}
	get := func(id string) (float64, int) {
		for _, e := range est {
			if e.ID == id {
				return e.Value, e.N
			}
		}
		return math.NaN(), -1
	}
	sm := Summarize(tb, s)
	meanXB := tb.Beta[0]
	for j := 1; j < len(tb.Beta); j++ {
		meanXB += tb.Beta[j] * stat.Mean(s.X[j-1], nil)
	}
	if v, n := get("mean_satisfaction_given_x"); math.Abs(v-meanXB) > 1e-12 || n != s.N {
		t.Errorf("mean_satisfaction_given_x = %v (N %d), want %v (N %d)", v, n, meanXB, s.N)
	}
	for _, c := range []struct {
		id string
		v  float64
		n  int
	}{
		{"beta_x2", -0.5, 0}, {"gamma_x1", 0.5, 0}, {"gamma_z", tb.Exclusion, 0},
		{"lambda", tb.Rho * tb.Sigma, 0}, {"ate_contact_outcome", tb.Delta, s.N},
		{"att_contact_outcome", tb.Delta, sm.Selected}, {"atu_contact_outcome", tb.Delta, s.N - sm.Selected},
		{"mean_satisfaction_population", sm.MeanSatisfactionPopulation, s.N},
		{"mean_satisfaction_observed", sm.MeanSatisfactionObserved, sm.Selected},
		{"selection_rate", sm.SelectionRate, s.N},
	} {
		if v, n := get(c.id); v != c.v || n != c.n {
			t.Errorf("%s = %v (N %d), want %v (N %d)", c.id, v, n, c.v, c.n)
		}
	}
	if sm.Selected != s.Selected() || sm.TrueEffect != tb.Delta || sm.NaiveBias != sm.NaiveEffect-tb.Delta {
		t.Errorf("summary inconsistent: %+v", sm)
	}

	// Nobody selected: the observed mean is undefined and left out.
	tb.Gamma[0], tb.Exclusion = -100, 0
	s = simulate(t, tb, 1000, 1, 0)
	if s.Selected() != 0 {
		t.Fatalf("%d selected with gamma0 = −100", s.Selected())
	}
	for _, e := range Truth(tb, s) {
		if e.ID == "mean_satisfaction_observed" || math.IsNaN(e.Value) {
			t.Errorf("no one selected but %s = %v", e.ID, e.Value)
		}
	}
	if sm := Summarize(tb, s); !math.IsNaN(sm.MeanSatisfactionObserved) || !math.IsNaN(sm.NaiveEffect) {
		t.Errorf("empty group should give NaN: %+v", sm)
	}
}

// TestDiscreteOutcomes: binary and ordered outcomes are the latent
// y* = xβ + σε cut at 0 or at the cutpoints (the same errors as the
// linear model), and their truth — E[y | x] and the ATE as means of
// F(xβ) and F(xβ + δ) − F(xβ) under normal errors, the ATT and ATU as
// means of the effect conditional on the contact error — agrees with the
// sample means of y and of w(1) − w(0) (over everyone, the contacted and
// the others) within 4 standard errors.
func TestDiscreteOutcomes(t *testing.T) {
	for _, kind := range []string{"binary", "ordered"} {
		t.Run(kind, func(t *testing.T) {
			lin := scenarios.DefaultTextbook()
			lin.Sigma, lin.Delta = 1.3, 0.6
			tb := lin
			tb.Outcome = kind
			sl := simulate(t, lin, nBig, 5, 0)
			s := simulate(t, tb, nBig, 5, 0)
			var dy, dd, dt, du []float64
			for i := range s.N {
				if want := observe(tb, sl.Y[i]); s.Y[i] != want {
					t.Fatalf("row %d: y = %v, want %v from y* = %v", i, s.Y[i], want, sl.Y[i])
				}
				if s.S[i] != sl.S[i] {
					t.Fatalf("row %d: selection differs from the linear model's", i)
				}
				dy = append(dy, s.Y[i])
				dd = append(dd, s.W1[i]-s.W0[i])
				if s.S[i] {
					dt = append(dt, s.W1[i]-s.W0[i])
				} else {
					du = append(du, s.W1[i]-s.W0[i])
				}
			}
			got := map[string]float64{}
			for _, e := range Truth(tb, s) {
				got[e.ID] = e.Value
			}
			for _, c := range []struct {
				id string
				v  []float64
			}{{"mean_satisfaction_given_x", dy}, {"ate_contact_outcome", dd},
				{"att_contact_outcome", dt}, {"atu_contact_outcome", du}} {
				m, sd := stat.MeanStdDev(c.v, nil)
				se := sd / math.Sqrt(float64(len(c.v)))
				if d := got[c.id] - m; math.Abs(d) > 4*se {
					t.Errorf("%s: truth %.5f, sample mean %.5f (SE %.5f)", c.id, got[c.id], m, se)
				}
				t.Logf("%s: truth %.5f, sample mean %.5f (SE %.5f)", c.id, got[c.id], m, se)
			}
			if _, ok := got["sigma"]; ok {
				t.Error("sigma reported for a discrete outcome (not identified)")
			}
			if got["beta_x1"] != lin.Beta[1]/lin.Sigma {
				t.Errorf("beta_x1 = %v, want β1/σ = %v", got["beta_x1"], lin.Beta[1]/lin.Sigma)
			}
			if kind == "ordered" && got["cut1"] != (lin.Cutpoints[0]-lin.Beta[0])/lin.Sigma {
				t.Errorf("cut1 = %v, want (κ1 − β0)/σ", got["cut1"])
			}
		})
	}
}
