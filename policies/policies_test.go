package policies

import (
	"math"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

func TestErlangC(t *testing.T) {
	// Textbook values: c = 1 is M/M/1, P(wait) = ρ; c = 2, a = 1 gives 1/3.
	for _, tc := range []struct{ c, a, want float64 }{{1, 0.5, 0.5}, {2, 1, 1.0 / 3}, {3, 0, 0}} {
		if got := ErlangC(tc.c, tc.a); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ErlangC(%g, %g) = %g, want %g", tc.c, tc.a, got, tc.want)
		}
	}
	// Fractional agents interpolate and stay within [C(ceil), C(floor)].
	lo, mid, hi := ErlangC(3, 2), ErlangC(3.5, 2), ErlangC(4, 2)
	if !(hi < mid && mid < lo) {
		t.Errorf("ErlangC not monotone in agents: %g %g %g", lo, mid, hi)
	}
}

// TestStaffing: more contacts at fixed staffing mean longer waits; more
// staff mean shorter waits and a higher staff bill.
func TestStaffing(t *testing.T) {
	p := scenarios.DefaultPolicy("staffed")
	p.Staffing = 2
	p.HandleHours = 0.5
	wait := func(agents, contacts float64) float64 {
		pp := Policy{Policy: p}
		pp.Staffing = agents
		q := NewQueue(&pp)
		for range 4 {
			q.Advance(contacts)
		}
		return q.MeanWait
	}
	prev := 0.0
	for _, contacts := range []float64{100, 400, 600, 700, 800} {
		w := wait(2, contacts)
		if w <= prev {
			t.Errorf("%g contacts/week at 2 agents: wait %.2f h, not above %.2f h", contacts, w, prev)
		}
		prev = w
	}
	if !(wait(3, 600) < wait(2, 600)) {
		t.Error("a third agent does not shorten the wait")
	}
	// Overload builds a backlog that grows week by week.
	pp := Policy{Policy: p}
	q := NewQueue(&pp)
	q.Advance(1000)
	w1 := q.MeanWait
	q.Advance(1000)
	if q.MeanWait <= w1 {
		t.Error("backlog does not build under overload")
	}
	a, b := Policy{Policy: p}, Policy{Policy: p}
	b.Staffing = 3
	if !(b.WeeklyStaffCost() > a.WeeklyStaffCost()) {
		t.Error("more staff do not cost more")
	}
}

func TestEligibilityAndRefund(t *testing.T) {
	sc := scenarios.Default()
	sc.Population.Segments = []scenarios.Segment{{Name: "new", Share: 0.5}, {Name: "vip", Share: 0.5}}
	p := scenarios.DefaultPolicy("vip-only")
	p.Eligibility.Segments = []string{"vip"}
	p.Eligibility.FailureTypes = []string{"wrong_item"}
	p.Eligibility.MinOrderValue = 20
	p.RefundBySeverity = []float64{0.2, 0.5, 1.0}
	sc.Policies = []scenarios.Policy{p}
	pols, err := Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	cp := &pols[0]
	cases := []struct {
		seg, ft int
		v       float64
		want    bool
	}{{1, 2, 50, true}, {0, 2, 50, false}, {1, 0, 50, false}, {1, 2, 10, false}}
	for _, c := range cases {
		if got := cp.Eligible(c.seg, c.ft, c.v, 100); got != c.want {
			t.Errorf("Eligible(%d, %d, %g) = %v, want %v", c.seg, c.ft, c.v, got, c.want)
		}
	}
	cuts := []float64{1.0 / 3, 2.0 / 3}
	if cp.RefundFraction(SeverityCategory(0.9, cuts)) != 1.0 || cp.RefundFraction(SeverityCategory(0.1, cuts)) != 0.2 {
		t.Error("refund by severity tier not applied")
	}
}

func TestResponseTimeMean(t *testing.T) {
	p := Policy{Policy: scenarios.DefaultPolicy("x")}
	// E[exp(σZ − σ²/2)] = 1: the mean response equals the target.
	// Integrate over a fine normal grid (no sampling error).
	sum, wsum := 0.0, 0.0
	for z := -8.0; z <= 8; z += 0.001 {
		w := math.Exp(-z * z / 2)
		sum += w * p.ResponseTime(24, z)
		wsum += w
	}
	if got := sum / wsum; math.Abs(got-24) > 1e-6 {
		t.Errorf("mean response %g h, want 24", got)
	}
}

// TestEpisodeCost: each recovery cost is booked where the policy says and
// only then: refunds to eligible episodes not abandoned, follow-ups to
// those not abandoned, personalisation and hours per handled contact.
func TestEpisodeCost(t *testing.T) {
	sc := scenarios.Default()
	p := &sc.Policies[0]
	p.Refund, p.FollowUp, p.FollowUpCost, p.ProactiveCost = 0.5, true, 2, 3
	p.Personalisation, p.PersonalisationCost, p.ResolutionCost = 1, 4, 0.1
	pols, err := Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	pol := &pols[0]
	base := Handling{Value: 100, LossFraction: 0.2, Eligible: true, Contacts: 2, Apology: scenarios.ApologyScripted}
	for _, c := range []struct {
		name   string
		change func(h *Handling)
		want   Costs
		hours  float64
	}{
		{"handled", func(*Handling) {}, Costs{Refunds: 10, FollowUps: 2, Personalisation: 8}, 2},
		{"resolved", func(h *Handling) { h.Resolved = true }, Costs{Refunds: 10, FollowUps: 2, Personalisation: 8, Resolution: 10}, 2},
		{"not eligible", func(h *Handling) { h.Eligible = false }, Costs{FollowUps: 2, Personalisation: 8}, 2},
		{"abandoned", func(h *Handling) { h.Abandoned = true }, Costs{Personalisation: 4}, 1},
		{"proactive", func(h *Handling) { h.Proactive = true }, Costs{Refunds: 10, FollowUps: 2, Proactive: 3, Personalisation: 8}, 2},
	} {
		h := base
		c.change(&h)
		got, _, hours := pol.EpisodeCost(h)
		if got != c.want || hours != c.hours*pol.ContactHours(h.Apology) {
			t.Errorf("%s: %+v, %g hours; want %+v, %g contacts' hours", c.name, got, hours, c.want, c.hours)
		}
	}
}
