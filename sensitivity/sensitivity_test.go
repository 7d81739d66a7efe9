package sensitivity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// ishigami is the Ishigami–Homma function with a = 7, b = 0.1 on
// [−π, π]³.
func ishigami(_ context.Context, x []float64) (float64, error) {
	const a, b = 7, 0.1
	s := math.Sin(x[0])
	return s + a*math.Pow(math.Sin(x[1]), 2) + b*math.Pow(x[2], 4)*s, nil
}

func ishigamiInputs() []Input {
	return []Input{{"x1", -math.Pi, math.Pi}, {"x2", -math.Pi, math.Pi}, {"x3", -math.Pi, math.Pi}}
}

// ishigamiIndices are the analytic S_i and S_Ti (Ishigami & Homma 1990;
// Saltelli et al. 2008, §4.5) for a = 7, b = 0.1.
func ishigamiIndices() (s1, st []float64) {
	const a, b = 7.0, 0.1
	pi4 := math.Pow(math.Pi, 4)
	v1 := 0.5 * math.Pow(1+b*pi4/5, 2)
	v2 := a * a / 8
	v13 := b * b * math.Pow(math.Pi, 8) * (1.0/18 - 1.0/50)
	v := v1 + v2 + v13
	return []float64{v1 / v, v2 / v, 0}, []float64{(v1 + v13) / v, v2 / v, v13 / v}
}

// gAlpha are the coefficients of Sobol's g-function in the tests: inputs
// from very important (a = 0) to nearly irrelevant (a = 99).
var gAlpha = []float64{0, 1, 4.5, 9, 99, 99}

func gFunction(_ context.Context, x []float64) (float64, error) {
	y := 1.0
	for i, a := range gAlpha {
		y *= (math.Abs(4*x[i]-2) + a) / (1 + a)
	}
	return y, nil
}

func gInputs() []Input {
	in := make([]Input, len(gAlpha))
	for i := range in {
		in[i] = Input{Name: "x" + string(rune('1'+i)), Lo: 0, Hi: 1}
	}
	return in
}

// gIndices are the analytic indices of the g-function (Saltelli & Sobol'
// 1995): V_i = 1/(3(1+a_i)²), V = Π(1+V_i) − 1.
func gIndices() (s1, st []float64) {
	vi := make([]float64, len(gAlpha))
	prod := 1.0
	for i, a := range gAlpha {
		vi[i] = 1 / (3 * (1 + a) * (1 + a))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	for i := range vi {
		s1 = append(s1, vi[i]/v)
		st = append(st, vi[i]*prod/(1+vi[i])/v)
	}
	return s1, st
}

// TestSobolAnalytic: the indices of the Ishigami and g functions agree
// with their analytic values within 3 Monte Carlo standard errors, and
// the bootstrap intervals are about as wide as ±1.96 SE.
func TestSobolAnalytic(t *testing.T) {
	is1, ist := ishigamiIndices()
	gs1, gst := gIndices()
	for _, c := range []struct {
		name   string
		m      Model
		inputs []Input
		n      int
		s1, st []float64
	}{
		{"ishigami", ishigami, ishigamiInputs(), 8192, is1, ist},
		{"g-function", gFunction, gInputs(), 4096, gs1, gst},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Sobol(context.Background(), c.m, c.inputs, c.n, Options{Seed: 1, Bootstrap: 200})
			if err != nil {
				t.Fatal(err)
			}
			if res.Evaluations != c.n*(len(c.inputs)+2) {
				t.Errorf("evaluations %d, want %d", res.Evaluations, c.n*(len(c.inputs)+2))
			}
			for i := range c.inputs {
				for _, x := range []struct {
					what  string
					got   Index
					truth float64
				}{{"S1", res.First[i], c.s1[i]}, {"ST", res.Total[i], c.st[i]}} {
					z := (x.got.Estimate - x.truth) / x.got.SE
					t.Logf("%s %s: %.4f (SE %.4f, CI %.4f–%.4f), analytic %.4f, z = %+.2f",
						c.inputs[i].Name, x.what, x.got.Estimate, x.got.SE, x.got.Lo, x.got.Hi, x.truth, z)
					if !(math.Abs(z) < 3) {
						t.Errorf("%s %s = %.4f ± %.4f, analytic %.4f: %.1f SE off", c.inputs[i].Name, x.what, x.got.Estimate, x.got.SE, x.truth, z)
					}
					if w, se := x.got.Hi-x.got.Lo, x.got.SE; !(w > 2*se && w < 6*se) {
						t.Errorf("%s %s: bootstrap interval width %.4f for SE %.4f", c.inputs[i].Name, x.what, w, se)
					}
				}
			}
		})
	}
}

// TestMorrisLinear: on a linear model every elementary effect is the
// coefficient times the range, so μ = μ* = that and σ = 0.
func TestMorrisLinear(t *testing.T) {
	coef := []float64{2, -3, 0.5}
	m := func(_ context.Context, x []float64) (float64, error) {
		return coef[0]*x[0] + coef[1]*x[1] + coef[2]*x[2], nil
	}
	in := []Input{{"a", 0, 1}, {"b", -1, 1}, {"c", 10, 20}}
	res, err := Morris(context.Background(), m, in, 10, 4, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range res.Effects {
		want := coef[i] * (in[i].Hi - in[i].Lo)
		if math.Abs(e.Mu.Estimate-want) > 1e-9 || math.Abs(e.MuStar.Estimate-math.Abs(want)) > 1e-9 || e.Sigma.Estimate > 1e-9 || e.Sigma.SE > 1e-9 {
			t.Errorf("%s: μ %g μ* %g σ %v, want μ %g, σ 0", in[i].Name, e.Mu.Estimate, e.MuStar.Estimate, e.Sigma, want)
		}
	}
	if res.Evaluations != 10*4 || res.Delta != 4.0/6 {
		t.Errorf("evaluations %d Δ %g", res.Evaluations, res.Delta)
	}
}

// TestMorrisRanking: μ* ranks the g-function's inputs by their a (the
// smaller, the more important), and on the Ishigami function x3 acts
// only through its interaction with x1 (μ ≈ 0, σ large) while x2, which
// acts alone and symmetrically, has a μ near 0 as well but no
// interaction with x3 at x1 = 0.
func TestMorrisRanking(t *testing.T) {
	res, err := Morris(context.Background(), gFunction, gInputs(), 200, 4, Options{Seed: 5, Bootstrap: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 4; i++ {
		if !(res.Effects[i-1].MuStar.Estimate > res.Effects[i].MuStar.Estimate) {
			t.Errorf("g-function: μ*(x%d) = %.4f not above μ*(x%d) = %.4f", i, res.Effects[i-1].MuStar.Estimate, i+1, res.Effects[i].MuStar.Estimate)
		}
	}
	if !math.IsNaN(res.Effects[0].MuStar.Lo) {
		t.Errorf("no bootstrap, yet interval %v", res.Effects[0].MuStar)
	}
	ish, err := Morris(context.Background(), ishigami, ishigamiInputs(), 200, 4, Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range ish.Effects {
		t.Logf("ishigami x%d: μ* %.3f (SE %.3f) μ %.3f (SE %.3f) σ %.3f (SE %.3f)", i+1, e.MuStar.Estimate, e.MuStar.SE, e.Mu.Estimate, e.Mu.SE, e.Sigma.Estimate, e.Sigma.SE)
	}
	x3 := ish.Effects[2]
	if !(math.Abs(x3.Mu.Estimate) < 3*x3.Mu.SE && x3.Sigma.Estimate > x3.MuStar.Estimate) {
		t.Errorf("ishigami x3: μ %v σ %v μ* %v; want μ ≈ 0 and σ > μ*", x3.Mu, x3.Sigma, x3.MuStar)
	}
	if !(ish.Effects[0].MuStar.Estimate > x3.MuStar.Estimate && ish.Effects[1].MuStar.Estimate > 0) {
		t.Errorf("ishigami μ*: %+v", ish.Effects)
	}
}

// TestWorkers: the results, and the order in which evaluations are
// observed, do not depend on the number of workers.
func TestWorkers(t *testing.T) {
	run := func(w int) (*SobolResult, *MorrisResult, []Eval) {
		var seen []Eval
		obs := func(e Eval) error {
			e.X = append([]float64(nil), e.X...)
			seen = append(seen, e)
			return nil
		}
		s, err := Sobol(context.Background(), ishigami, ishigamiInputs(), 300, Options{Seed: 9, Workers: w, Bootstrap: 50, Observe: obs})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Morris(context.Background(), ishigami, ishigamiInputs(), 20, 6, Options{Seed: 9, Workers: w, Bootstrap: 50, Observe: obs})
		if err != nil {
			t.Fatal(err)
		}
		return s, m, seen
	}
	s1, m1, e1 := run(1)
	for _, w := range []int{2, 7} {
		s, m, e := run(w)
		if !reflect.DeepEqual(s, s1) || !reflect.DeepEqual(m, m1) || !reflect.DeepEqual(e, e1) {
			t.Errorf("workers %d: results differ from 1 worker", w)
		}
	}
	if e1[0].Label != "A" || e1[1].Label != "B" || e1[4].Label != "AB3" || e1[5].Unit != 1 {
		t.Errorf("design order: %+v", e1[:6])
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	failing := func(_ context.Context, x []float64) (float64, error) { return 0, boom }
	constant := func(_ context.Context, x []float64) (float64, error) { return 1, nil }
	nan := func(_ context.Context, x []float64) (float64, error) { return math.NaN(), nil }
	ok := []Input{{"a", 0, 1}}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"no inputs", func() error { _, err := Sobol(ctx, ishigami, nil, 10, Options{}); return err }, "no inputs"},
		{"reversed", func() error { _, err := Sobol(ctx, ishigami, []Input{{"a", 1, 1}}, 10, Options{}); return err }, "not below"},
		{"infinite", func() error {
			_, err := Morris(ctx, ishigami, []Input{{"a", 0, math.Inf(1)}}, 10, 4, Options{})
			return err
		}, "not finite"},
		{"twice", func() error {
			_, err := Sobol(ctx, ishigami, []Input{{"a", 0, 1}, {"a", 0, 2}}, 10, Options{})
			return err
		}, "twice"},
		{"rows", func() error { _, err := Sobol(ctx, ishigami, ok, 1, Options{}); return err }, "base rows"},
		{"trajectories", func() error { _, err := Morris(ctx, ishigami, ok, 1, 4, Options{}); return err }, "trajectories"},
		{"odd levels", func() error { _, err := Morris(ctx, ishigami, ok, 5, 3, Options{}); return err }, "grid levels"},
		{"level", func() error { _, err := Sobol(ctx, ishigami, ok, 10, Options{Level: 1.5}); return err }, "confidence level"},
		{"model error", func() error { _, err := Sobol(ctx, failing, ok, 10, Options{}); return err }, "boom"},
		{"nan", func() error { _, err := Morris(ctx, nan, ok, 10, 4, Options{}); return err }, "not finite"},
		{"constant", func() error { _, err := Sobol(ctx, constant, ok, 10, Options{}); return err }, "does not vary"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Sobol(cctx, ishigami, ok, 10, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestIndexJSON(t *testing.T) {
	for _, x := range []Index{{0.25, 0.01, 0.23, 0.27}, {0.5, 0.1, math.NaN(), math.NaN()}} {
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		var y Index
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(x) != fmt.Sprint(y) {
			t.Errorf("%s: read back %v, want %v", b, y, x)
		}
	}
}

// TestStandardErrors: over independent designs (seeds), the spread of
// each Ishigami index matches its mean delta-method standard error.
func TestStandardErrors(t *testing.T) {
	const seeds, n = 200, 256
	k := 3
	est := make([][]float64, 2*k)
	ses := make([]float64, 2*k)
	for s := range seeds {
		res, err := Sobol(context.Background(), ishigami, ishigamiInputs(), n, Options{Seed: uint64(100 + s), Bootstrap: -1, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range k {
			est[i] = append(est[i], res.First[i].Estimate)
			est[k+i] = append(est[k+i], res.Total[i].Estimate)
			ses[i] += res.First[i].SE / seeds
			ses[k+i] += res.Total[i].SE / seeds
		}
	}
	for c, xs := range est {
		var m, v float64
		for _, x := range xs {
			m += x / seeds
		}
		for _, x := range xs {
			v += (x - m) * (x - m) / (seeds - 1)
		}
		ratio := ses[c] / math.Sqrt(v)
		t.Logf("index %d: sd over seeds %.4f, mean SE %.4f, ratio %.2f", c, math.Sqrt(v), ses[c], ratio)
		if ratio < 0.8 || ratio > 1.25 {
			t.Errorf("index %d: mean SE %.4f against sd %.4f over %d seeds", c, ses[c], math.Sqrt(v), seeds)
		}
	}
}
