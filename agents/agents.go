// Package agents models the customer of a service-recovery simulation:
// traits drawn per segment, the psychology of a service failure and its
// recovery, and the customer's decisions (buy, contact, exit, recommend).
//
// The psychology follows the service-recovery literature:
//
//   - expectation-disconfirmation (Oliver 1980, J. Marketing Research 17(4)):
//     transaction satisfaction S_tx = s0 + a(E − Ē) + b·g(P − E), with an
//     assimilation term a(E − Ē) (Anderson 1973);
//   - loss aversion (Kahneman & Tversky 1979; in satisfaction, Anderson &
//     Sullivan 1993, Marketing Science 12(2)): g(D) = λD for D < 0;
//   - a zone of tolerance (Zeithaml, Berry & Parasuraman 1993, JAMS 21(1)):
//     disconfirmations smaller than z are damped;
//   - justice theory of complaint handling (Tax, Brown & Chandrashekaran
//     1998, J. Marketing 62(2); Smith, Bolton & Wagner 1999, JMR 36(3)):
//     recovery satisfaction RS = w_d J_d + w_p J_p + w_i J_i;
//   - recovery disconfirmation and the recovery paradox (McCollough,
//     Berry & Yadav 2000, J. Service Research 3(2)): the recovery is
//     judged against the recovery expectation E^R with the same
//     loss-averse value function, so a recovery far short of E^R is a
//     second deviation (the double deviation; Bitner, Booms & Tetreault
//     1990, J. Marketing 54(1));
//   - distributive justice relative to the loss, S-shaped when the
//     customer rejects the flawed service and concave when they keep it
//     (Gelbrich, Gäthke & Grégoire 2015, J. Service Research 18(1)), with
//     no gain from overcompensation beyond a cap (Haesevoets et al. 2014,
//     J. Economic Psychology 42);
//   - two paths to loyalty: cumulative satisfaction (Johnson, Anderson &
//     Fornell 1995, J. Consumer Research 21(4)) and trust, a Beta belief
//     that an order goes right, which failures and failed recoveries
//     lower whatever the recovery's satisfaction (Garbarino & Johnson
//     1999, J. Marketing 63(2)); so the recovery paradox shows in
//     satisfaction far more than in repurchase (de Matos, Henrique &
//     Rossi 2007, J. Service Research 10(1));
//   - exit and voice (Hirschman 1970): switching cost and the
//     competitor's attractiveness enter both the contact decision and the
//     exit of a customer who stays silent.
//
// Functions here are pure and allocation-free; the engine in package sim
// keeps customer state in flat slices and calls them in its hot loop.
package agents

import (
	"math"

	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

// Logistic is 1/(1+exp(−x)).
func Logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// belowBuckets is the number of equal slices of [0, 1) Below tabulates
// the logit at.
const belowBuckets = 4096

// belowMargin keeps Below's shortcuts away from ties, where rounding in
// Logistic could decide differently from real arithmetic.
const belowMargin = 1e-9

// logitBounds[b] are logit(b/n) − margin and logit((b+1)/n) + margin for
// the slice [b/n, (b+1)/n), ∓Inf at the ends. It is computed once and
// never changed.
var logitBounds = func() (t [belowBuckets + 1][2]float64) {
	edge := func(b int) float64 {
		switch b {
		case 0:
			return math.Inf(-1)
		case belowBuckets:
			return math.Inf(1)
		}
		p := float64(b) / belowBuckets
		return math.Log(p / (1 - p))
	}
	for b := range belowBuckets {
		t[b] = [2]float64{edge(b) - belowMargin, edge(b+1) + belowMargin}
	}
	t[belowBuckets] = [2]float64{math.Inf(1), math.Inf(1)} // u = 1: never below
	return t
}()

// Below reports whether u < Logistic(x), u in [0, 1], exactly as that
// comparison would, but almost always without an exponential: u < σ(x)
// ⟺ logit(u) < x, and for u in the slice [b/n, (b+1)/n) logit(u) lies
// between the tabulated edges, so x above the upper edge (or below the
// lower) decides at once. Only an x within a slice's logit width — a few
// in a thousand for the weekly purchase and exit decisions — needs the
// logistic itself.
func Below(u, x float64) bool {
	t := &logitBounds[int(u*belowBuckets)]
	if x > t[1] {
		return true
	}
	if x < t[0] {
		return false
	}
	return belowExact(u, x)
}

// belowExact is Below's rare exact case, kept out of line so that Below
// itself inlines.
//
//go:noinline
func belowExact(u, x float64) bool { return u < Logistic(x) }

// Clamp01 limits x to [0,1].
func Clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// Model holds the scenario's psychological coefficients.
type Model struct {
	O          scenarios.Outcomes
	J          scenarios.Justice
	L          scenarios.Loyalty
	C          scenarios.Contact
	apology    [3]float64
	survey     scenarios.Survey
	npsFloor   float64
	npsCeiling float64
}

// NewModels returns one model per segment of sc, each with the
// segment's contact and outcome overrides applied, in segment order.
func NewModels(sc *scenarios.Scenario) []*Model {
	ms := make([]*Model, len(sc.Population.Segments))
	for k, seg := range sc.Population.Segments {
		m := NewModel(sc)
		m.C = seg.Contact.Resolve(sc.Contact)
		m.O = seg.Outcomes.Resolve(sc.Outcomes)
		ms[k] = m
	}
	return ms
}

// NewModel collects the coefficients of sc.
func NewModel(sc *scenarios.Scenario) *Model {
	m := &Model{O: sc.Outcomes, J: sc.Justice, L: sc.Loyalty, C: sc.Contact, survey: sc.Survey,
		npsFloor: sc.WordOfMouth.NPSFloor, npsCeiling: sc.WordOfMouth.NPSCeiling}
	m.apology = [3]float64{sc.Justice.ApologyNone, sc.Justice.ApologyScripted, sc.Justice.ApologySincere}
	return m
}

// Value is g(D): the loss-averse, tolerance-damped value of a
// disconfirmation D. Inside the zone |D| ≤ tol the slope is damping;
// outside it is 1; shortfalls (D < 0) are multiplied by λ, so a shortfall
// moves satisfaction exactly λ times as much as an equal surplus.
func Value(d, lambda, tol, damping float64) float64 {
	a := math.Abs(d)
	v := damping * min(a, tol)
	if a > tol {
		v += a - tol
	}
	if d < 0 {
		return -lambda * v
	}
	return v
}

// TransactionSatisfaction is S_tx = s0 + a(E − Ē) + b·g(P − E), where Ē
// is the fixed reference expectation (outcomes.expectation_reference).
// At equal performance dS/dE = a − b·g'(D): with a above the typical
// b·g' higher expectations give slightly higher satisfaction, the
// assimilation Anderson (1973) found and Szymanski & Henard's (2001)
// meta-analysis confirms (r ≈ .27), while a large shortfall (g' = λ)
// still weighs more for a customer who expected more (contrast).
func (m *Model) TransactionSatisfaction(perf, expect, lambda, tol float64) float64 {
	d := perf - expect
	return m.O.Baseline + m.O.Assimilation*(expect-m.O.ExpectationReference) +
		m.O.Disconfirmation*Value(d, lambda, tol, m.O.ToleranceDamping)
}

// Distributive is J_d as a function of compensation relative to the
// customer's loss, x. When the customer rejects the flawed service
// (returns a damaged or wrong item) it is S-shaped, logistic(s(x − x0)):
// little justice until the compensation nears the loss. When they keep it
// (a late parcel) it is concave, 1 − exp(−kx): the first unit counts
// most (Gelbrich, Gäthke & Grégoire 2015). Beyond the overcompensation
// cap x̄ it falls by the penalty per unit (Haesevoets et al. 2014).
func (m *Model) Distributive(x float64, rejected bool) float64 {
	j := &m.J
	over := math.Max(0, x-j.OvercompensationCap)
	x = math.Min(x, j.OvercompensationCap)
	var d float64
	if rejected {
		d = Logistic(j.DistributiveSlope * (x - j.DistributiveMidpoint))
	} else {
		d = 1 - math.Exp(-j.DistributiveConcavity*x)
	}
	return Clamp01(d - j.OvercompensationPenalty*over)
}

// Procedural is J_p = exp(−wait/τ), times the unresolved factor for each
// contact that did not resolve the issue, plus the follow-up boost times
// followUp (0 = no follow-up, 1 = an immediate one), clamped to [0,1].
func (m *Model) Procedural(waitHours, patience float64, unresolvedContacts int, followUp float64) float64 {
	j := math.Exp(-waitHours / patience)
	for range unresolvedContacts {
		j *= m.J.UnresolvedFactor
	}
	j += m.J.FollowUpBoost * followUp
	return Clamp01(j)
}

// Interactional is J_i: the apology level plus the weights of staff
// empathy and personalisation, clamped to [0,1].
func (m *Model) Interactional(apology scenarios.Apology, empathy, personalisation float64) float64 {
	return Clamp01(m.apology[apology.Level()] + m.J.EmpathyWeight*empathy + m.J.PersonalisationWeight*personalisation)
}

// Recovery describes what a recovery delivered.
type Recovery struct {
	// Compensation is refund plus coupon worth, relative to the loss.
	Compensation float64
	// Rejected: the customer rejects the flawed service (see Distributive).
	Rejected bool
	// WaitHours is the total time to the (last) response.
	WaitHours float64
	// Unresolved counts contacts that did not resolve the issue.
	Unresolved int
	// Resolved: the issue was put right (replacement, redelivery).
	Resolved bool
	// Abandoned: the customer gave up waiting; nothing was delivered.
	Abandoned bool
	// FollowUp is the weight of a follow-up contact: 0 none, else
	// exp(−hours until the follow-up / decay hours).
	FollowUp        float64
	Apology         scenarios.Apology
	Empathy         float64
	Personalisation float64
}

// Justice returns the three justice dimensions of a recovery for a
// customer with patience τ and weights w; personalisation aims the remedy
// at the highest-weight dimension.
func (m *Model) Justice(r *Recovery, patience float64, w [3]float64) [3]float64 {
	j := [3]float64{
		m.Distributive(r.Compensation, r.Rejected),
		m.Procedural(r.WaitHours, patience, r.Unresolved, r.FollowUp),
		m.Interactional(r.Apology, r.Empathy, r.Personalisation),
	}
	if r.Personalisation > 0 && m.J.PersonalisationTargeting > 0 {
		k := 0
		for i := 1; i < 3; i++ {
			if w[i] > w[k] {
				k = i
			}
		}
		j[k] = Clamp01(j[k] + m.J.PersonalisationTargeting*r.Personalisation)
	}
	return j
}

// RecoverySatisfaction is RS = Σ w_k J_k.
func (m *Model) RecoverySatisfaction(r *Recovery, patience float64, w [3]float64) float64 {
	j := m.Justice(r, patience, w)
	return w[0]*j[0] + w[1]*j[1] + w[2]*j[2]
}

// RecoveryDisconfirmation is c·g(RS − E^R): the recovery judged against
// what the customer expected of it, with the customer's loss aversion λ
// and zone of tolerance (McCollough, Berry & Yadav 2000).
func (m *Model) RecoveryDisconfirmation(rs, recoveryExpectation, lambda, tol float64) float64 {
	return m.O.RecoveryWeight * Value(rs-recoveryExpectation, lambda, tol, m.O.ToleranceDamping)
}

// Restored is the share of a loss that a recovery restores: the
// compensation (relative to the loss) plus, when the issue was resolved,
// the restorable share, at most the whole loss.
func Restored(compensation, restorable float64, resolved bool) float64 {
	r := compensation
	if resolved {
		r += restorable
	}
	return math.Min(1, r)
}

// FailedRecovery reports whether a recovery is itself a deviation (a
// double deviation; Bitner, Booms & Tetreault 1990): the customer gave up
// waiting, or the loss was left unremedied (neither resolved nor paid
// back: restored < 1), or the recovery's satisfaction fell short of the
// recovery expectation by more than the margin.
func (m *Model) FailedRecovery(r *Recovery, rs, recoveryExpectation, restored float64) bool {
	return r.Abandoned || restored < 1 || rs < recoveryExpectation-m.O.FailedRecoveryMargin
}

// Bond is a customer's loyalty state beyond the reverting deviation:
// cumulative satisfaction C and the Beta belief (A, B) that an order goes
// right (trust).
type Bond struct {
	Cumulative float64
	A, B       float64
}

// Trust is the believed probability that an order goes right, A/(A+B).
func (b Bond) Trust() float64 { return b.A / (b.A + b.B) }

// NewBond is the bond of a customer who expects satisfaction s at a
// normal order, with the scenario's trust prior p.
func (m *Model) NewBond(s, p float64) Bond {
	w := 1 / (1 - m.L.TrustMemory)
	return Bond{Cumulative: s, A: p * w, B: (1 - p) * w}
}

// Learn updates the bond after an order with satisfaction s and the
// given number of deviations (0 for an order that went right; 1 for a
// failure; 2 for a failure whose recovery failed too), and returns the
// change in loyalty (logit scale) along the two paths:
//
//	ΔC = ω(s − C),  A ← γA + 1{dev = 0},  B ← γB + dev,
//	Δℓ = β_C·ΔC + β_T·Δlogit(A/(A+B)).
func (m *Model) Learn(b *Bond, s float64, deviations int) float64 {
	l := &m.L
	dc := l.CumulativeWeight * (s - b.Cumulative)
	b.Cumulative += dc
	a0, b0 := b.A, b.B
	b.A *= l.TrustMemory
	b.B *= l.TrustMemory
	if deviations == 0 {
		b.A++
	}
	b.B += float64(deviations)
	// Δlogit = log(A'/B') − log(A/B), in one logarithm.
	return l.CumulativeEffect*dc + l.TrustEffect*math.Log((b.A*b0)/(b.B*a0))
}

// Goodwill moves the belief g that the firm treats customers well toward
// a recovery's interactional justice ji, g ← g + η(ji − g), and returns
// the change in loyalty β_G·Δg: how the customer was treated reaches
// loyalty beyond satisfaction (Tax, Brown & Chandrashekaran 1998,
// J. Marketing 62(2); Gelbrich & Roschk 2011, J. Service Research 14(1)).
func (m *Model) Goodwill(g *float32, ji float64) float64 {
	old := float64(*g)
	*g = float32(old + m.L.GoodwillLearning*(ji-old))
	return m.L.GoodwillEffect * (float64(*g) - old)
}

// FailureExit is the probability that a customer leaves at a failure of
// severity sev itself — one who stays silent (exit instead of voice;
// Hirschman 1970), or one whose voice failed (a failed recovery) — easier
// when switching costs little and the competitor attracts, less likely
// when the loyalty deviation dev is high.
func (m *Model) FailureExit(sev, switching, competitor, dev float64) float64 {
	l := &m.L
	return Logistic(l.FailureExitIntercept + l.FailureExitSeverity*sev +
		l.ExitCompetitor*competitor - l.ExitSwitchingCost*switching - l.ExitLoyalty*dev)
}

// scaled maps s to [0,1] between floor and ceiling.
func scaled(s, floor, ceiling float64) float64 {
	return Clamp01((s - floor) / (ceiling - floor))
}

// Score maps latent satisfaction onto the survey scale as a continuous
// value in [1, K].
func (m *Model) Score(s float64) float64 {
	return 1 + float64(m.survey.Scale-1)*scaled(s, m.O.ScoreFloor, m.O.ScoreCeiling)
}

// SurveyAnswer is the integer score a respondent gives: the continuous
// score plus answer noise, rounded and clamped to [1, K].
func (m *Model) SurveyAnswer(s, noise float64) int {
	x := math.Round(m.Score(s) + m.survey.ScoreNoiseSD*noise)
	return int(math.Max(1, math.Min(float64(m.survey.Scale), x)))
}

// ResponseProbability is the chance of answering the survey, rising with
// how extreme satisfaction is (Anderson 1998, J. Service Research 1(1):
// extreme experiences are told more).
func (m *Model) ResponseProbability(s float64) float64 {
	mid := (m.O.ScoreFloor + m.O.ScoreCeiling) / 2
	ext := 2 * math.Abs(s-mid) / (m.O.ScoreCeiling - m.O.ScoreFloor)
	return Logistic(m.survey.ResponseIntercept + m.survey.ResponseExtremity*ext)
}

// Recommend is the likelihood-to-recommend score 0–10 (Reichheld 2003,
// Harvard Business Review) implied by satisfaction s plus noise (in
// points); promoters score 9–10, detractors 0–6.
func (m *Model) Recommend(s, noise float64) int {
	x := math.Round(10*scaled(s, m.npsFloor, m.npsCeiling) + noise)
	return int(math.Max(0, math.Min(10, x)))
}

// NPSBucket returns +1 for a promoter, −1 for a detractor, 0 otherwise.
func NPSBucket(score int) int {
	switch {
	case score >= 9:
		return 1
	case score <= 6:
		return -1
	}
	return 0
}

// Traits are one customer's drawn traits.
type Traits struct {
	OrderValue   float64
	Expectation  float64
	Tolerance    float64
	LossAversion float64
	Weights      [3]float64
	Patience     float64
	// Proneness multiplies the customer's failure probabilities.
	Proneness           float64
	Urgency             float64
	Uncertainty         float64
	Knowledge           float64
	SwitchingCost       float64
	RecoveryExpectation float64
	Voice               float64
	// LoyaltyBase is baseline loyalty on the logit scale (without tenure).
	LoyaltyBase float64
	TenureWeeks float64
	AgeBand     int // 0..4
	Region      int // 0..3
}

// DrawTraits draws a customer's traits from the distributions t. Each
// trait has its own stream under key k, so changing one trait's
// distribution (a twin run with higher expectations, say) leaves every
// other trait of every customer as it was: common random numbers hold
// trait by trait, whatever the number of draws a rejection sampler takes.
func DrawTraits(k rng.Key, t *scenarios.Traits) Traits {
	var c Traits
	s := new(rng.Stream) // one allocation, reset per trait
	next := func(trait int) *rng.Stream {
		*s = rng.NewStream(k.Purpose(rng.TraitPurpose(trait)))
		return s
	}
	c.OrderValue = t.OrderValueMedian * math.Exp(t.OrderValueSigma*next(0).Normal())
	c.Expectation = betaMean(next(1), t.ExpectationMean, t.ExpectationConcentration)
	c.Tolerance = t.ToleranceWidth * (1 + t.ToleranceSpread*(2*next(2).Float64()-1))
	c.LossAversion = t.LossAversionMedian * math.Exp(t.LossAversionSigma*next(3).Normal())
	w := next(4)
	g := [3]float64{w.Gamma(t.JusticeAlpha[0]), w.Gamma(t.JusticeAlpha[1]), w.Gamma(t.JusticeAlpha[2])}
	tot := g[0] + g[1] + g[2]
	for k := range g {
		c.Weights[k] = g[k] / tot
	}
	c.Patience = t.PatienceHours * math.Exp(t.PatienceSigma*next(5).Normal())
	c.Urgency = betaMean(next(6), t.UrgencyMean, t.DriverConcentration)
	c.Uncertainty = betaMean(next(7), t.UncertaintyMean, t.DriverConcentration)
	c.AgeBand = int(next(8).Float64() * 5)
	c.Region = int(next(9).Float64() * 4)
	// Older customers know the product a little better.
	c.Knowledge = Clamp01(betaMean(next(10), t.KnowledgeMean, t.DriverConcentration) + t.KnowledgeAgeSlope*float64(c.AgeBand-2))
	c.SwitchingCost = betaMean(next(11), t.SwitchingCostMean, t.DriverConcentration)
	c.RecoveryExpectation = betaMean(next(12), t.RecoveryExpectationMean, t.ExpectationConcentration)
	c.Voice = t.VoiceSD * next(13).Normal()
	p := t.PurchaseProbability
	c.LoyaltyBase = math.Log(p/(1-p)) + t.LoyaltySD*next(14).Normal()
	c.TenureWeeks = t.TenureMeanWeeks * next(15).Exp()
	f := t.FailureProneness
	c.Proneness = math.Exp(f*next(16).Normal() - f*f/2)
	return c
}

func betaMean(s *rng.Stream, mean, conc float64) float64 {
	return s.Beta(mean*conc, (1-mean)*conc)
}

// ContactInputs are the drivers of one contact decision.
type ContactInputs struct {
	Severity, Urgency, Uncertainty, Knowledge float64
	// LogStake is log(order value / population median order value).
	LogStake float64
	// ExpectedPayoff is the recovery satisfaction the customer expects.
	ExpectedPayoff float64
	Voice          float64
	Instrument     float64
	// SwitchingCost is the customer's; Competitor the competitor's
	// attractiveness.
	SwitchingCost, Competitor float64
	// Loyalty is the customer's loyalty relative to the segment median
	// (logit scale): loyal customers voice rather than leave (Hirschman
	// 1970, ch. 7).
	Loyalty float64
}

// ContactIndex is the systematic part z'γ of the latent contact index;
// the customer contacts support when z'γ + u > 0.
func (m *Model) ContactIndex(x *ContactInputs) float64 {
	c := &m.C
	return c.Intercept + c.Severity*x.Severity + c.Urgency*x.Urgency +
		c.Uncertainty*x.Uncertainty + c.LogOrderValue*x.LogStake +
		c.Knowledge*x.Knowledge + c.ExpectedPayoff*x.ExpectedPayoff -
		c.Friction + c.Voice*x.Voice + c.InstrumentEffect*x.Instrument +
		c.SwitchingCost*x.SwitchingCost + c.Competitor*x.Competitor + c.Loyalty*x.Loyalty
}
