package simmodel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redress-sim/redress/scenarios"
)

// small returns a preset shrunk to run in milliseconds.
func small(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.LoadPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Mode == "textbook" {
		sc.Population.Size = 400
		return sc
	}
	sc.Population.Size, sc.Population.Weeks, sc.Population.WarmupWeeks = 400, 8, 2
	return sc
}

func TestParseParam(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Param
		err  string
	}{
		{"contact.voice=0:1", Param{Key: "contact.voice", Lo: 0, Hi: 1}, ""},
		{" textbook.rho = -0.5 : 0.5", Param{Key: "textbook.rho", Lo: -0.5, Hi: 0.5}, ""},
		{"contact.voice", Param{}, "KEY=LO:HI"},
		{"contact.voice=0:1:2", Param{}, "KEY=LO:HI"},
		{"=0:1", Param{}, "KEY=LO:HI"},
		{"contact.voice=a:1", Param{}, "not a finite number"},
		{"contact.voice=1:1", Param{}, "not below"},
		{"contact.voice=2:1", Param{}, "not below"},
		{"contact.voice=0:Inf", Param{}, "not a finite number"},
	} {
		got, err := ParseParam(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParseOutput(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Output
		ok   bool
	}{
		{"truth:ate_contact_repurchase", Output{Spec: "truth:ate_contact_repurchase", Kind: Truth, Estimand: "ate_contact_repurchase"}, true},
		{"bias:ate_contact_repurchase:naive", Output{Spec: "bias:ate_contact_repurchase:naive", Kind: Bias, Estimand: "ate_contact_repurchase", Method: "naive"}, true},
		{"metric:profit", Output{Spec: "metric:profit", Kind: Metric, Metric: "profit"}, true},
		{"diff:a:b:profit", Output{Spec: "diff:a:b:profit", Kind: Diff, PolicyA: "a", PolicyB: "b", Metric: "profit"}, true},
		{"truth", Output{}, false},
		{"bias:ate_contact_repurchase", Output{}, false},
		{"metric::", Output{}, false},
		{"profit", Output{}, false},
	} {
		got, err := ParseOutput(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%q: %+v, %v", c.in, got, err)
		}
	}
}

// TestNewErrors: every bad parameter or output is refused, with the
// error type that says which.
func TestNewErrors(t *testing.T) {
	sc := small(t, "default")
	showdown := small(t, "policy-showdown")
	tb := small(t, "textbook-selection")
	for _, c := range []struct {
		name   string
		sc     *scenarios.Scenario
		params []string
		output string
		param  bool // a *ParamError, else an *OutputError
		want   string
	}{
		{"unknown key", sc, []string{"contact.nope=0:1"}, "truth:ate_contact_repurchase", true, "no such key"},
		{"text key", sc, []string{"policy=0:1"}, "truth:ate_contact_repurchase", true, "not a numeric key"},
		{"bool key", sc, []string{"policies[0].proactive_eligible_only=0:1"}, "truth:ate_contact_repurchase", true, ""},
		{"out of range", sc, []string{"contact.rho=0:2"}, "truth:ate_contact_repurchase", true, "contact.rho"},
		{"twice", sc, []string{"contact.voice=0:1", "contact.voice=0:2"}, "truth:ate_contact_repurchase", true, "twice"},
		{"integer rounds to one", sc, []string{"population.weeks=4.6:5.4"}, "truth:ate_contact_repurchase", true, "rounds"},
		{"unknown estimand", sc, []string{"contact.voice=0:1"}, "truth:nope", false, "ate_contact_repurchase"},
		{"unknown estimator", sc, []string{"contact.voice=0:1"}, "bias:ate_contact_repurchase:heckit", false, "ESTIMAND:METHOD"},
		{"unknown metric", sc, []string{"contact.voice=0:1"}, "metric:nope", false, "profit"},
		{"metric in textbook", tb, []string{"textbook.rho=0:0.5"}, "metric:profit", false, "behavioral"},
		{"unknown policy", showdown, []string{"contact.voice=0:1"}, "diff:nope:standard:profit", false, "no policy"},
	} {
		var ps []Param
		for _, s := range c.params {
			p, err := ParseParam(s)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		out, err := ParseOutput(c.output)
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(Config{Scenario: c.sc, Params: ps, Output: out})
		var pe *ParamError
		var oe *OutputError
		switch {
		case err == nil:
			t.Errorf("%s: no error", c.name)
		case c.param && !errors.As(err, &pe), !c.param && !errors.As(err, &oe):
			t.Errorf("%s: error %T %v", c.name, err, err)
		case !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// TestEval: common random numbers make an evaluation a deterministic
// function of the inputs; the outputs of each kind are what a run gives.
func TestEval(t *testing.T) {
	sc := small(t, "default")
	sc.Population.Size = 3000
	for _, spec := range []string{"truth:ate_contact_repurchase", "bias:ate_contact_repurchase:naive", "metric:profit"} {
		out, _ := ParseOutput(spec)
		p, _ := ParseParam("contact.voice=0:1")
		m, err := New(Config{Scenario: sc, Params: []Param{p}, Output: out, Reps: 2})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		a, err := m.Eval(context.Background(), []float64{0.3})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.Eval(context.Background(), []float64{0.3})
		c, _ := m.Eval(context.Background(), []float64{0.9})
		t.Logf("%s: %.5f at 0.3, %.5f at 0.9 (%v per evaluation)", spec, a, c, time.Since(start))
		if a != b || a == c {
			t.Errorf("%s: %v, %v at the same x, %v at another", spec, a, b, c)
		}
	}
}

// TestDiff: a policy difference is the difference of the two policies'
// metrics in the run's truth, and reverses sign with the policies.
func TestDiff(t *testing.T) {
	sc := small(t, "policy-showdown")
	p, _ := ParseParam("population.traits.loss_aversion_median=1.5:3")
	eval := func(spec string) float64 {
		out, err := ParseOutput(spec)
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(Config{Scenario: sc, Params: []Param{p}, Output: out})
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.Eval(context.Background(), []float64{2})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := sc.Policies[0].Name, sc.Policies[1].Name
	ab, ba := eval("diff:"+a+":"+b+":profit"), eval("diff:"+b+":"+a+":profit")
	if ab == 0 || ab != -ba {
		t.Errorf("diff %s−%s = %v, %s−%s = %v", a, b, ab, b, a, ba)
	}
}
