// Package policies models the firm's side of service recovery: recovery
// policies and their eligibility rules, response times (around a target or
// from a staffed queue), and recovery costs.
//
// With staffing, response time follows the contacts that actually arrive:
// the offered load a = A·h/168 Erlangs (A contacts a week, h agent-hours
// each, agents on duty around the clock) meets c agents; while a < c the
// mean wait is the Erlang C delay W_q = C(c, a)·h/(c − a) (Erlang 1917;
// Gans, Koole & Mandelbaum 2003, M&SOM 5(2)), and work beyond capacity
// carries over as a backlog that every later contact waits behind.
package policies

import (
	"fmt"
	"math"
	"slices"

	"github.com/redress-sim/redress/scenarios"
)

// HoursPerWeek is the length of a week in hours.
const HoursPerWeek = 168

// Policy is a compiled recovery policy.
type Policy struct {
	scenarios.Policy
	// Index is the policy's position in the scenario.
	Index int
	// ProactiveApology is the apology of proactive outreach.
	ProactiveApology scenarios.Apology
	segments         []bool // eligible segment indices (nil = all)
	failureTypes     []bool // eligible failure types (nil = all)
}

// Compile turns the scenario's policies into Policies. The scenario must
// have been validated.
func Compile(sc *scenarios.Scenario) ([]Policy, error) {
	out := make([]Policy, len(sc.Policies))
	for i, p := range sc.Policies {
		cp := Policy{Policy: p, Index: i, ProactiveApology: p.Apology}
		if a := p.ProactiveRemedy.Apology; a != nil {
			cp.ProactiveApology = *a
		}
		if len(p.Eligibility.Segments) > 0 {
			cp.segments = make([]bool, len(sc.Population.Segments))
			for _, name := range p.Eligibility.Segments {
				k := slices.IndexFunc(sc.Population.Segments, func(s scenarios.Segment) bool { return s.Name == name })
				if k < 0 {
					return nil, fmt.Errorf("policies[%d].eligibility.segments: undefined segment %q", i, name)
				}
				cp.segments[k] = true
			}
		}
		if len(p.Eligibility.FailureTypes) > 0 {
			cp.failureTypes = make([]bool, scenarios.NumFailureTypes)
			for _, name := range p.Eligibility.FailureTypes {
				k := slices.Index(scenarios.FailureTypeNames(), name)
				if k < 0 {
					return nil, fmt.Errorf("policies[%d].eligibility.failure_types: unknown failure type %q", i, name)
				}
				cp.failureTypes[k] = true
			}
		}
		out[i] = cp
	}
	return out, nil
}

// Eligible reports whether an episode qualifies for refunds and coupons.
func (p *Policy) Eligible(segment, failureType int, orderValue, tenureWeeks float64) bool {
	if p.segments != nil && !p.segments[segment] {
		return false
	}
	if p.failureTypes != nil && !p.failureTypes[failureType] {
		return false
	}
	return orderValue >= p.Eligibility.MinOrderValue && tenureWeeks >= p.Eligibility.MinTenureWeeks
}

// SeverityCategory maps severity in [0,1] to 0 (low), 1 (medium), 2 (high)
// at the two cut points (failures.severity_cuts).
func SeverityCategory(severity float64, cuts []float64) int {
	switch {
	case severity < cuts[0]:
		return 0
	case severity < cuts[1]:
		return 1
	}
	return 2
}

// ContactHours is the agent time one contact takes under p: the handle
// time plus the extra time of empathy and of a sincere apology.
func (p *Policy) ContactHours(apology scenarios.Apology) float64 {
	h := p.HandleHours + p.Empathy*p.EmpathyHours
	if apology == scenarios.ApologySincere {
		h += p.SincereApologyHours
	}
	return h
}

// RefundFraction is the refund as a fraction of the customer's loss for a
// failure of the given severity category.
func (p *Policy) RefundFraction(category int) float64 {
	if len(p.RefundBySeverity) == 3 {
		return p.RefundBySeverity[category]
	}
	return p.Refund
}

// Remedy returns the apology level, the refund (fraction of the loss)
// and the coupon value (fraction of order value) an episode of the given severity category gets:
// the proactive remedy when the firm reached out first, else the policy's.
func (p *Policy) Remedy(proactive bool, category int) (apology scenarios.Apology, refund, coupon float64) {
	apology, refund, coupon = p.Apology, p.RefundFraction(category), p.CouponValue
	if !proactive {
		return apology, refund, coupon
	}
	r := &p.ProactiveRemedy
	if r.Refund != nil {
		refund = *r.Refund
	}
	if r.CouponValue != nil {
		coupon = *r.CouponValue
	}
	return p.ProactiveApology, refund, coupon
}

// Staffed reports whether response times come from a queue.
func (p *Policy) Staffed() bool { return p.Staffing > 0 }

// ResponseTime draws one response time (hours) around mean with the
// policy's log-normal spread, given a standard normal draw. The
// log-normal is centred so that its mean, not its median, equals mean.
func (p *Policy) ResponseTime(mean, normal float64) float64 {
	s := p.ResponseSigma
	return mean * math.Exp(s*normal-s*s/2)
}

// Queue is the support queue of a staffed policy, advanced week by week.
type Queue struct {
	// Agents on duty around the clock, hours per contact.
	Agents, HandleHours float64
	// Backlog is unfinished work carried into the week, in agent-hours.
	Backlog float64
	// MeanWait is the mean response time this week, in hours.
	MeanWait float64
}

// NewQueue returns an empty queue for p.
func NewQueue(p *Policy) *Queue {
	q := &Queue{Agents: p.Staffing, HandleHours: p.ContactHours(p.Apology)}
	q.MeanWait = q.wait(0)
	return q
}

// wait is the mean response time in hours for a week in which contacts
// arrive at the given weekly count on top of the current backlog.
func (q *Queue) wait(contacts float64) float64 {
	c := q.Agents
	a := contacts * q.HandleHours / HoursPerWeek
	w := q.HandleHours // the contact itself takes handling time
	if a < c {
		w += ErlangC(c, a) * q.HandleHours / (c - a)
	} else {
		// Saturated: the excess work builds up linearly over the week, so
		// a contact arriving uniformly in it waits for half of it.
		w += 0.5 * (a - c) * HoursPerWeek / c
	}
	return w + q.Backlog/c
}

// Advance records the contacts (first and repeat) that arrived in the week
// just simulated and sets MeanWait for the next week, which the firm
// experiences as the same arrival rate on top of any backlog.
func (q *Queue) Advance(contacts float64) {
	work := contacts * q.HandleHours
	q.Backlog = math.Max(0, q.Backlog+work-q.Agents*HoursPerWeek)
	q.MeanWait = q.wait(contacts)
}

// ErlangC is the probability that an arriving contact waits in an M/M/c
// queue with c servers and offered load a Erlangs (a < c); c may be
// fractional, in which case it is interpolated between floor and ceiling.
func ErlangC(c, a float64) float64 {
	if a <= 0 {
		return 0
	}
	lo := math.Floor(c)
	if lo == c {
		return erlangC(int(c), a)
	}
	f := c - lo
	clo := 1.0
	if int(lo) >= 1 && a < lo {
		clo = erlangC(int(lo), a)
	}
	return (1-f)*clo + f*erlangC(int(lo)+1, a)
}

// erlangC evaluates the Erlang C formula through the numerically stable
// Erlang B recursion B(k) = a·B(k−1)/(k + a·B(k−1)), C = c·B/(c − a(1−B)).
func erlangC(c int, a float64) float64 {
	if a >= float64(c) {
		return 1
	}
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return float64(c) * b / (float64(c) - a*(1-b))
}

// Costs are recovery costs in currency units.
type Costs struct {
	Refunds         float64 `json:"refunds"`
	Coupons         float64 `json:"coupons"`
	Staff           float64 `json:"staff"`
	FollowUps       float64 `json:"follow_ups"`
	Proactive       float64 `json:"proactive"`
	Personalisation float64 `json:"personalisation"`
	Resolution      float64 `json:"resolution"`
}

// Total is the sum of all recovery costs.
func (c Costs) Total() float64 {
	return c.Refunds + c.Coupons + c.Staff + c.FollowUps + c.Proactive + c.Personalisation + c.Resolution
}

// Add accumulates o into c.
func (c *Costs) Add(o Costs) {
	c.Refunds += o.Refunds
	c.Coupons += o.Coupons
	c.Staff += o.Staff
	c.FollowUps += o.FollowUps
	c.Proactive += o.Proactive
	c.Personalisation += o.Personalisation
	c.Resolution += o.Resolution
}

// Handling is what a recovery did for one contacted episode, as far as
// its cost depends on it.
type Handling struct {
	// Value is the order value; LossFraction the failure type's share of
	// it the customer lost; SeverityCat the severity category.
	Value, LossFraction float64
	SeverityCat         int
	// Eligible: the episode meets the policy's eligibility rules.
	Eligible bool
	// Proactive: the firm reached out first; Abandoned: the customer gave
	// up waiting (the last contact was never handled); Resolved: the issue
	// was put right.
	Proactive, Abandoned, Resolved bool
	// Contacts is the number of contacts; Apology the apology given.
	Contacts int
	Apology  scenarios.Apology
}

// EpisodeCost returns the recovery costs of one contacted episode, the
// refund granted (a fraction of the loss) and the agent hours its
// handled contacts took. Refunds, a share of the loss, go to eligible
// episodes not abandoned; follow-ups to those not abandoned; the
// proactive cost to outreach; personalisation per handled contact; the
// resolution cost, a share of order value, to resolved episodes. Staff
// time is paid by the week (WeeklyStaffCost, ShiftCost), not here.
func (p *Policy) EpisodeCost(h Handling) (c Costs, refund, hours float64) {
	if h.Eligible && !h.Abandoned {
		_, refund, _ = p.Remedy(h.Proactive, h.SeverityCat)
		c.Refunds = refund * h.LossFraction * h.Value
	}
	n := float64(h.Contacts)
	if h.Abandoned {
		n-- // the abandoned contact was never handled
	}
	hours = n * p.ContactHours(h.Apology)
	if p.FollowUp && !h.Abandoned {
		c.FollowUps = p.FollowUpCost
	}
	if h.Proactive {
		c.Proactive = p.ProactiveCost
	}
	c.Personalisation = n * p.Personalisation * p.PersonalisationCost
	if h.Resolved {
		c.Resolution = p.ResolutionCost * h.Value
	}
	return c, refund, hours
}

// ShiftCost is the pay of a planned daily shift for one week, busy or not.
func (p *Policy) ShiftCost(s Shift) float64 { return s.PaidHours() * p.StaffCostPerHour }

// WeeklyStaffCost is the cost of a staffed team for one week.
func (p *Policy) WeeklyStaffCost() float64 {
	return p.Staffing * HoursPerWeek * p.StaffCostPerHour
}
