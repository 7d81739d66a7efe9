package agents

import (
	"fmt"
	"math"
	"testing"

	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

func model() *Model { return NewModel(scenarios.Default()) }

// TestLossAversion: outside the zone of tolerance a shortfall moves
// satisfaction λ times as much as an equal surplus, for any λ.
func TestLossAversion(t *testing.T) {
	m := model()
	for _, tc := range []struct{ lambda, tol, d float64 }{
		{2, 0.05, 0.2}, {2.25, 0.05, 0.1}, {1.5, 0.02, 0.3}, {3, 0, 0.05}, {2, 0.1, 0.05},
	} {
		e := 0.7
		s0 := m.TransactionSatisfaction(e, e, tc.lambda, tc.tol)
		up := m.TransactionSatisfaction(e+tc.d, e, tc.lambda, tc.tol) - s0
		down := s0 - m.TransactionSatisfaction(e-tc.d, e, tc.lambda, tc.tol)
		if got := down / up; math.Abs(got-tc.lambda) > 1e-9 {
			t.Errorf("λ=%g tol=%g |D|=%g: shortfall/surplus = %g, want λ", tc.lambda, tc.tol, tc.d, got)
		}
	}
}

// TestZoneOfTolerance: inside the zone the slope is damped.
func TestZoneOfTolerance(t *testing.T) {
	inside := Value(0.02, 1, 0.05, 0.3) / 0.02
	outside := (Value(0.2, 1, 0.05, 0.3) - Value(0.1, 1, 0.05, 0.3)) / 0.1
	if math.Abs(inside-0.3) > 1e-12 || math.Abs(outside-1) > 1e-12 {
		t.Errorf("slopes inside %g outside %g, want 0.3 and 1", inside, outside)
	}
}

// TestJusticeWeights: with the default Dirichlet weights, moving a
// justice dimension from 0 to 1 raises recovery satisfaction most for
// distributive justice and least for procedural, averaged over
// customers; and the distributive response is S-shaped in compensation.
func TestJusticeWeights(t *testing.T) {
	sc := scenarios.Default()
	var mean [3]float64
	const n = 20000
	for i := range n {
		c := DrawTraits(rng.NewKey(1, 0, uint64(i), 0, 0), &sc.Population.Traits)
		for k := range mean {
			mean[k] += c.Weights[k] / n
		}
	}
	// RS is linear in each J with slope w_k, so the mean effect of a unit
	// change in J_k is the mean weight. Dirichlet(5,2,3): 0.5, 0.2, 0.3.
	if !(mean[0] > mean[2] && mean[2] > mean[1]) {
		t.Errorf("mean effects d=%.3f p=%.3f i=%.3f, want d > i > p", mean[0], mean[1], mean[2])
	}
	for k, want := range []float64{0.5, 0.2, 0.3} {
		// sd of a Dirichlet(5,2,3) component ≤ 0.16; SE over n = 0.0011.
		if math.Abs(mean[k]-want) > 0.006 {
			t.Errorf("mean weight %d = %.4f, want %.1f", k, mean[k], want)
		}
	}
	m := model()
	slope := func(r float64, rej bool) float64 {
		return (m.Distributive(r+0.01, rej) - m.Distributive(r, rej)) / 0.01
	}
	if !(slope(0.9, true) > slope(0.3, true) && slope(0.9, true) > slope(1.4, true) && slope(0.6, true) > slope(0.2, true)) {
		t.Error("distributive justice of a rejected failure is not S-shaped (steepest near the full loss)")
	}
	for _, x := range []float64{0, 0.2, 0.5, 0.9, 1.2} {
		if !(slope(x, false) < slope(x-0.05, false) || x == 0) || slope(x, false) <= 0 {
			t.Errorf("distributive justice of a kept failure is not concave and increasing at %g", x)
		}
	}
	for _, rej := range []bool{true, false} {
		if m.Distributive(0, rej) > 0.01 {
			t.Errorf("rejected=%v: J(0)=%g, want ≈0", rej, m.Distributive(0, rej))
		}
		// Beyond the cap (1.5× the loss) more compensation never helps.
		if !(m.Distributive(2, rej) < m.Distributive(1.5, rej)) || m.Distributive(1.5, rej) < 0.9 {
			t.Errorf("rejected=%v: J(1.5)=%g J(2)=%g, want saturated and no gain beyond the cap", rej, m.Distributive(1.5, rej), m.Distributive(2, rej))
		}
	}
}

func TestProceduralAndInteractional(t *testing.T) {
	m := model()
	if !(m.Procedural(2, 24, 0, 0) > m.Procedural(24, 24, 0, 0)) {
		t.Error("procedural justice does not fall with waiting")
	}
	if !(m.Procedural(24, 24, 1, 0) < m.Procedural(24, 24, 0, 0)) {
		t.Error("an unresolved first contact does not lower procedural justice")
	}
	if !(m.Procedural(24, 24, 0, 1) > m.Procedural(24, 24, 0, 0)) {
		t.Error("a follow-up does not raise procedural justice")
	}
	if !(m.Interactional(scenarios.ApologySincere, 0.5, 0) > m.Interactional(scenarios.ApologyScripted, 0.5, 0) &&
		m.Interactional(scenarios.ApologyScripted, 0.5, 0) > m.Interactional(scenarios.ApologyNone, 0.5, 0)) {
		t.Error("apologies are not ordered none < scripted < sincere")
	}
}

func TestPersonalisationTargets(t *testing.T) {
	m := model()
	r := Recovery{Compensation: 0.5, WaitHours: 10, Apology: scenarios.ApologyScripted, Empathy: 0.5, Personalisation: 1}
	base := r
	base.Personalisation = 0
	w := [3]float64{0.2, 0.7, 0.1} // procedural matters most to this customer
	j1, j0 := m.Justice(&r, 24, w), m.Justice(&base, 24, w)
	if j1[1]-j0[1] <= 0 || j1[0] != j0[0] {
		t.Errorf("personalisation did not target the highest-weight dimension: %v vs %v", j1, j0)
	}
}

func TestScalesAndNPS(t *testing.T) {
	m := model()
	for _, tc := range []struct {
		s    float64
		want int
	}{{-5, 1}, {5, 5}} {
		if got := m.SurveyAnswer(tc.s, 0); got != tc.want {
			t.Errorf("SurveyAnswer(%g) = %d, want %d", tc.s, got, tc.want)
		}
	}
	if m.Recommend(5, 0) != 10 || m.Recommend(-5, 0) != 0 {
		t.Error("recommend scores not clamped to 0–10")
	}
	for score, want := range map[int]int{10: 1, 9: 1, 8: 0, 7: 0, 6: -1, 0: -1} {
		if NPSBucket(score) != want {
			t.Errorf("NPSBucket(%d) != %d", score, want)
		}
	}
	if !(m.ResponseProbability(1.5) > m.ResponseProbability(0.2)) {
		t.Error("extreme satisfaction is not more likely to answer")
	}
}

func ExampleValue() {
	// A shortfall of 0.2 against a surplus of 0.2, with λ = 2 and a zone
	// of tolerance of 0.05 damped to 30%.
	fmt.Printf("%.3f %.3f\n", Value(0.2, 2, 0.05, 0.3), Value(-0.2, 2, 0.05, 0.3))
	// Output: 0.165 -0.330
}

// TestBelow: Below agrees with the exact comparison everywhere, at the
// bounds' edges included.
func TestBelow(t *testing.T) {
	s := rng.NewStream(rng.NewKey(7, 0, 0, 0, 0))
	for range 2_000_000 {
		u := s.Float64()
		x := 20 * (s.Float64() - 0.5)
		if Below(u, x) != (u < Logistic(x)) {
			t.Fatalf("Below(%v, %v) = %v, exact %v", u, x, Below(u, x), u < Logistic(x))
		}
	}
	for _, x := range []float64{0, 1e-9, -1e-9, 5, -5, 40, -40} {
		p := Logistic(x)
		for _, u := range []float64{p, math.Nextafter(p, 0), math.Nextafter(p, 1), 0, 1 - 1e-16} {
			if Below(u, x) != (u < p) {
				t.Errorf("Below(%v, %v) = %v, exact %v", u, x, Below(u, x), u < p)
			}
		}
	}
}
