package calibrate

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// binaryModel is a simulator of M rates p_i(θ) = Φ(c_i + Σ_j B_ij θ_j):
// its data are nd Bernoulli draws per rate at the true θ, its simulation
// ns draws per rate from fixed uniforms (common random numbers), so the
// simulated moments jump by 1/ns as θ moves, as a simulated sample's do.
// Parameter 3 moves no rate.
type binaryModel struct {
	c    []float64
	b    [][]float64
	sim  [][]float64 // fixed uniforms, M × ns
	data []float64
	cov  [][]float64
	// pooled adds a ninth moment, the mean of rates 0, 1 and 3 from the
	// same draws: correlated with them, and an exact combination of
	// them, so Ω is singular and the diagonal weight double-counts.
	pooled bool
}

// pooledOf are the rates the pooled moment averages.
var pooledOf = []int{0, 1, 3}

// withPooled adds the pooled moment to the data and its covariance.
func (m *binaryModel) withPooled() *binaryModel {
	m.pooled = true
	k := len(m.data)
	row := make([]float64, k+1)
	mean := 0.0
	for _, i := range pooledOf {
		mean += m.data[i] / 3
		row[i] = m.cov[i][i] / 3
		row[k] += m.cov[i][i] / 9
	}
	for i := range m.cov {
		m.cov[i] = append(m.cov[i], row[i])
	}
	m.data, m.cov = append(m.data, mean), append(m.cov, row)
	return m
}

var unitNormal = distuv.UnitNormal

func (m *binaryModel) rates(theta []float64) []float64 {
	p := make([]float64, len(m.c))
	for i := range p {
		z := m.c[i]
		for j, t := range theta {
			z += m.b[i][j] * t
		}
		p[i] = unitNormal.CDF(z)
	}
	return p
}

func newBinaryModel(truth []float64, nd, ns int, seed uint64) *binaryModel {
	r := rand.New(rand.NewPCG(seed, 7))
	m := &binaryModel{
		c: []float64{-0.5, 0, 0.3, -1, 0.8, 0.1, -0.2, 0.4},
		b: [][]float64{
			{0.8, 0, 0, 0}, {0, 0.7, 0, 0}, {0, 0, 0.9, 0}, {0.5, 0.5, 0, 0},
			{0, 0.4, -0.6, 0}, {-0.3, 0, 0.5, 0}, {0.6, -0.4, 0.2, 0}, {0.2, 0.2, 0.2, 0},
		},
	}
	p := m.rates(truth)
	for i := range p {
		k := 0
		for range nd {
			if r.Float64() < p[i] {
				k++
			}
		}
		ph := float64(k) / float64(nd)
		m.data = append(m.data, ph)
		row := make([]float64, len(p))
		row[i] = ph * (1 - ph) / float64(nd)
		m.cov = append(m.cov, row)
		u := make([]float64, ns)
		for s := range u {
			u[s] = r.Float64()
		}
		m.sim = append(m.sim, u)
	}
	return m
}

func (m *binaryModel) moments(_ context.Context, theta []float64) ([]float64, error) {
	p := m.rates(theta)
	out := make([]float64, len(p))
	for i, u := range m.sim {
		k := 0
		for _, x := range u {
			if x < p[i] {
				k++
			}
		}
		out[i] = float64(k) / float64(len(u))
	}
	if m.pooled {
		mean := 0.0
		for _, i := range pooledOf {
			mean += out[i] / 3
		}
		out = append(out, mean)
	}
	return out, nil
}

func (m *binaryModel) problem(s float64) *Problem {
	names := []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"}
	if m.pooled {
		names = append(names, "pooled")
	}
	return &Problem{
		Params: []Param{
			{Name: "a", Lo: -1, Hi: 1.5, Start: 0}, {Name: "b", Lo: -1, Hi: 1.5, Start: 0},
			{Name: "c", Lo: -1, Hi: 1.5, Start: 0}, {Name: "inert", Lo: -1, Hi: 1, Start: 0.25},
		},
		Moments: names, Data: m.data, Cov: m.cov, S: s, Model: m.moments, ProfilePoints: -1,
	}
}

// TestRecoversParameters: on one data set every identified parameter is
// within 2 SE of the truth, the inert one is reported not identified
// and kept at its start, and the J test does not reject.
func TestRecoversParameters(t *testing.T) {
	truth := []float64{0.4, -0.3, 0.6, 0}
	m := newBinaryModel(truth, 4000, 8000, 1)
	res, err := Calibrate(context.Background(), m.problem(2))
	if err != nil {
		t.Fatal(err)
	}
	for j, est := range res.Estimates {
		t.Logf("%s: %.4f (SE %.4f) %s, sensitivity %.1f; truth %v", est.Name, est.Value, est.StdError, est.Status, est.Sensitivity, truth[j])
	}
	for j, est := range res.Estimates[:3] {
		if est.Status != Identified || math.Abs(est.Value-truth[j]) > 2*est.StdError {
			t.Errorf("%s: %.4f (SE %.4f, %s), truth %v", est.Name, est.Value, est.StdError, est.Status, truth[j])
		}
	}
	if in := res.Estimates[3]; in.Status != NotIdentified || in.Value != 0.25 || !math.IsNaN(in.StdError) {
		t.Errorf("inert parameter: %+v, want not identified at its start 0.25 with no SE", in)
	}
	if len(res.CovNames) != 3 || res.J.DF != 5 || res.J.PValue < 0.01 {
		t.Errorf("covariance over %v; J %+v", res.CovNames, res.J)
	}
	t.Logf("J %.2f (df %d, p %.3f), condition %.1f, %d evaluations", res.J.Stat, res.J.DF, res.J.PValue, res.Ident.Condition, res.Evaluations)
}

// TestCoverage: over R data sets (new data and new simulation draws
// each), the 95% intervals of the identified parameters cover the truth
// within 3 MCSE of 95%, and the J test at 5% rejects within 3 MCSE of 5%:
// the sandwich with the simulation correction (1 + 1/S) and J's scaling
// are right.
func TestCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo study")
	}
	for _, pooled := range []bool{false, true} {
		t.Run(map[bool]string{false: "independent", true: "pooled"}[pooled], func(t *testing.T) { coverage(t, pooled) })
	}
}

func coverage(t *testing.T, pooled bool) {
	const R = 200
	truth := []float64{0.4, -0.3, 0.6, 0}
	var cover [3]int
	reject := 0
	for r := range R {
		m := newBinaryModel(truth, 2000, 2000, uint64(100+r))
		if pooled {
			m.withPooled()
		}
		res, err := Calibrate(context.Background(), m.problem(1))
		if err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			if est := res.Estimates[j]; math.Abs(est.Value-truth[j]) <= 1.96*est.StdError {
				cover[j]++
			}
		}
		if res.J.DF != 5 {
			t.Fatalf("J test on %d df, want 8 independent moments − 3 parameters = 5", res.J.DF)
		}
		if res.J.PValue < 0.05 {
			reject++
		}
	}
	tol := 3 * math.Sqrt(0.95*0.05/R)
	for j, c := range cover {
		if got := float64(c) / R; math.Abs(got-0.95) > tol {
			t.Errorf("parameter %d: coverage %.3f, want 0.95 ± %.3f", j, got, tol)
		} else {
			t.Logf("parameter %d: coverage %.3f", j, got)
		}
	}
	if got := float64(reject) / R; math.Abs(got-0.05) > tol {
		t.Errorf("J test rejects %.3f at 5%%, want 0.05 ± %.3f", got, tol)
	} else {
		t.Logf("J test rejects %.3f at 5%%", got)
	}
}
