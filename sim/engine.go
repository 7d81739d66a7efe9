package sim

import (
	"context"
	"math"

	"redress/agents"
	"redress/policies"
	"redress/rng"
	"redress/scenarios"
)

// blockSize is the number of customers in one unit of parallel work.
// Blocks are fixed by customer index, never by the number of workers, and
// are reduced in index order, so results are identical for any number of
// workers.
const blockSize = 4096

// engine runs one policy on one population.
type engine struct {
	sc      *scenarios.Scenario
	m       *agents.Model
	pol     *policies.Policy
	pop     *population
	base    rng.Key
	weeks   int
	horizon int
	keep    float64 // 1 − loyalty reversion
	exitLoy float64
	medianV float64
	types   [7]*scenarios.FailureType
	cumP    [7]float64 // cumulative failure probabilities
	rhoC    float64    // sqrt(1 − rho²)

	// week-level state, fixed while a week runs
	week     int
	meanWait float64 // mean response time this week
	popRS    float64 // recent mean recovery satisfaction (word of mouth)
	eOffset  float64 // expectation shift from word of mouth
	queue    *policies.Queue

	blocks []block

	// onOrder, when set (by tests), sees every order: customer, week.
	onOrder func(i, week int)
}

// block is one worker's share of a week: its accumulators and the
// episodes it produced, in customer order.
type block struct {
	lo, hi   int
	stats    Stats
	episodes []Episode
}

func newEngine(sc *scenarios.Scenario, pol *policies.Policy, pop *population, base rng.Key) *engine {
	e := &engine{sc: sc, m: agents.NewModel(sc), pol: pol, pop: pop, base: base,
		weeks: sc.Population.Weeks, horizon: sc.Outcomes.HorizonWeeks,
		keep: 1 - sc.Loyalty.Reversion, exitLoy: sc.Loyalty.ExitLoyalty,
		medianV: sc.Population.Traits.OrderValueMedian,
		rhoC:    math.Sqrt(1 - sc.Contact.Rho*sc.Contact.Rho),
	}
	e.types = sc.Failures.Types()
	acc := 0.0
	for k, t := range e.types {
		acc += t.Probability
		e.cumP[k] = acc
	}
	tot := 0.0
	for _, s := range sc.Population.Segments {
		tot += s.Share * s.Traits.Resolve(sc.Population.Traits).RecoveryExpectationMean
	}
	e.popRS = tot
	if pol.Staffed() {
		e.queue = policies.NewQueue(pol)
		e.meanWait = e.queue.MeanWait
	} else {
		e.meanWait = pol.ResponseHours
	}
	for lo := 0; lo < pop.n; lo += blockSize {
		e.blocks = append(e.blocks, block{lo: lo, hi: min(lo+blockSize, pop.n)})
	}
	return e
}

// sink receives a run's episodes: each week's, block by block in
// customer order, then the end of the week.
type sink interface {
	add(eps []Episode) error
	weekDone(week int) error
}

// run simulates every week, passing the episodes to out (if not nil).
func (e *engine) run(ctx context.Context, workers int, out sink) (Stats, error) {
	var total Stats
	for w := 0; w < e.weeks; w++ {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		e.week = w
		forBlocks(e.pop.n, workers, func(lo, _ int) { e.runBlock(&e.blocks[lo/blockSize]) })
		var ws Stats
		for b := range e.blocks {
			ws.add(&e.blocks[b].stats)
		}
		if out != nil {
			for b := range e.blocks {
				if err := out.add(e.blocks[b].episodes); err != nil {
					return total, err
				}
			}
			if err := out.weekDone(w); err != nil {
				return total, err
			}
		}
		e.endWeek(&ws)
		total.add(&ws)
	}
	return total, nil
}

// endWeek updates the week-level state from the week's totals: the
// support queue, word of mouth and the recovery payoff people hear of.
func (e *engine) endWeek(ws *Stats) {
	if e.queue != nil {
		e.queue.Advance(float64(ws.SupportContacts))
		e.meanWait = e.queue.MeanWait
		ws.Costs.Staff += e.pol.WeeklyStaffCost()
	}
	if ws.Contacted > 0 {
		e.popRS = 0.8*e.popRS + 0.2*ws.SumRS/float64(ws.Contacted)
	}
	active := float64(ws.ActiveWeeks)
	net := 0.0
	if active > 0 {
		net = float64(ws.EpisodePromoters-ws.EpisodeDetractors) / active
	}
	wom := &e.sc.WordOfMouth
	e.eOffset = (1-wom.Decay)*e.eOffset + wom.ExpectationEffect*net
}

// runBlock simulates week e.week for the customers of one block.
func (e *engine) runBlock(b *block) {
	b.stats = Stats{}
	b.episodes = b.episodes[:0]
	p := e.pop
	w := uint64(e.week)
	week := int32(e.week)
	st := &b.stats
	for i := b.lo; i < b.hi; i++ {
		if p.exitWeek[i] >= 0 {
			continue
		}
		st.ActiveWeeks++
		d := p.dev[i] * e.keep
		p.dev[i] = d
		uk := e.base.Unit(uint64(i))
		ue, ub := uk.Period(w).Purpose(purposeWeek).Uniform2(0)
		if ue < agents.Logistic(p.exitBase[i]-e.exitLoy*d) {
			p.exitWeek[i] = week
			st.Exits++
			continue
		}
		if ub >= agents.Logistic(p.loyaltyBase[i]+d) {
			continue
		}
		e.order(b, i, uk)
	}
}

// order simulates one order of customer i in the current week.
func (e *engine) order(b *block, i int, uk rng.Key) {
	p := e.pop
	st := &b.stats
	v := float64(p.value[i])
	if e.onOrder != nil {
		e.onOrder(i, e.week)
	}
	st.Orders++
	st.Revenue += v
	p.purchases[i]++
	p.revenue[i] += v
	os := rng.NewStream(uk.Period(uint64(e.week)).Purpose(purposeOrder))
	uf := os.Float64()
	noise := os.Normal()
	perf := e.sc.Firm.BaseQuality + e.sc.Firm.QualityNoise*noise
	k := -1
	for t := range e.cumP {
		if uf < e.cumP[t] {
			k = t
			break
		}
	}
	expect := float64(p.expect[i]) + e.eOffset
	lambda := float64(p.lambda[i])
	tol := float64(p.tolerance[i])
	if k < 0 {
		s := e.m.TransactionSatisfaction(perf, expect, lambda, tol) + e.sc.Outcomes.VoiceEffect*float64(p.voice[i])
		p.dev[i] += e.m.LoyaltyShift(s)
		p.expect[i] += float32(e.sc.Outcomes.ExpectationLearning * (perf - float64(p.expect[i])))
		switch agents.NPSBucket(e.m.Recommend(s, 0)) {
		case 1:
			st.Promoters++
		case -1:
			st.Detractors++
		}
		return
	}
	ft := e.types[k]
	sev := os.Beta(ft.SeverityA, ft.SeverityB)
	perf -= sev * ft.Impact
	e.episode(b, i, uk, k, sev, perf, expect)
}

// episode handles a failure: the contact decision, the recovery, both
// potential outcomes, the survey, and the customer's updates.
func (e *engine) episode(b *block, i int, uk rng.Key, ftype int, sev, perf, expect float64) {
	p := e.pop
	st := &b.stats
	m := e.m
	sc := e.sc
	pol := e.pol
	v := float64(p.value[i])
	ep := Episode{Customer: int32(i), Week: int32(e.week), FailureType: uint8(ftype),
		Severity: sev, SeverityCat: uint8(policies.SeverityCategory(sev)),
		Segment: p.segment[i], AgeBand: p.ageBand[i], Region: p.region[i],
		Tenure: float64(p.tenure[i]) + float64(e.week), OrderValue: v, RevenueBase: p.revenue[i]}

	es := rng.NewStream(uk.Period(uint64(e.week)).Purpose(purposeEpisode))
	z1, z2 := es.Normal2()
	ep.U = z1
	ep.E = sc.Contact.Rho*z1 + e.rhoC*z2
	if es.Float64() < sc.Contact.InstrumentProbability {
		ep.Instrument = 1
	}
	uPro := es.Float64()
	uResp := es.Float64()
	nSurvey, nNPS := es.Normal2()

	stx := m.TransactionSatisfaction(perf, expect, float64(p.lambda[i]), float64(p.tolerance[i]))
	repeat := p.lastFailure[i] >= 0 && e.week-int(p.lastFailure[i]) <= sc.Outcomes.MemoryWeeks
	er := float64(p.recExpect[i])
	rest := sc.Outcomes.VoiceEffect*float64(p.voice[i]) + sc.Outcomes.NoiseSD*ep.E
	if repeat {
		ep.Repeat = true
		er += sc.Outcomes.RepeatExpectationBoost
		rest -= sc.Outcomes.TrustPenalty
	}

	// Contact decision: latent index z'γ + u > 0, or proactive outreach.
	payoff := (1-sc.Contact.WordOfMouthWeight)*float64(p.payoff[i]) + sc.Contact.WordOfMouthWeight*e.popRS
	ci := agents.ContactInputs{Severity: sev, Urgency: float64(p.urgency[i]), Uncertainty: float64(p.uncertain[i]),
		Knowledge: float64(p.knowledge[i]), LogStake: math.Log(v / e.medianV),
		ExpectedPayoff: payoff, Voice: float64(p.voice[i]), Instrument: ep.Instrument}
	ep.Index = m.ContactIndex(&ci)
	ep.Proactive = e.types[ftype].Detectable && uPro < pol.Proactive
	ep.Contacted = ep.Proactive || ep.Index+ep.U > 0

	// The recovery the customer gets (or would get) under the policy.
	rec, contacts, resolved := e.recovery(uk, ep.Proactive, ep.SeverityCat, ftype, i)
	w := [3]float64{float64(p.weights[i][0]), float64(p.weights[i][1]), float64(p.weights[i][2])}
	pat := float64(p.patience[i])
	rs := m.RecoverySatisfaction(&rec, pat, w)
	ep.S1 = m.PostRecovery(stx, rs, er, rest)
	ep.S0 = stx + rest - sc.Outcomes.UnremediedLoss*e.types[ftype].LossFraction
	// What the same order would have given without the failure.
	ep.SNoFail = m.TransactionSatisfaction(perf+sev*e.types[ftype].Impact, expect, float64(p.lambda[i]), float64(p.tolerance[i])) +
		sc.Outcomes.VoiceEffect*float64(p.voice[i])
	// Average partial effects on S(1), by finite differences on the same draws.
	r2 := rec
	r2.WaitHours++
	ep.APEResponse = m.PostRecovery(stx, m.RecoverySatisfaction(&r2, pat, w), er, rest) - ep.S1
	r2 = rec
	r2.Compensation += 0.01
	ep.APERefund = (m.PostRecovery(stx, m.RecoverySatisfaction(&r2, pat, w), er, rest) - ep.S1) / 0.01
	r2 = rec
	r2.Apology = agents.ApologySincere
	hi := m.RecoverySatisfaction(&r2, pat, w)
	r2.Apology = agents.ApologyNone
	lo := m.RecoverySatisfaction(&r2, pat, w)
	ep.APEApology = sc.Outcomes.RecoveryWeight * (hi - lo)

	// Potential repurchase outcomes from the shadow paths.
	d0 := p.dev[i]
	ep.Y1, ep.EY1 = e.shadow(i, d0+m.LoyaltyShift(ep.S1))
	ep.Y0, ep.EY0 = e.shadow(i, d0+m.LoyaltyShift(ep.S0))

	s := ep.S0
	if ep.Contacted {
		s = ep.S1
		ep.RS = rs
		ep.ResponseHours = rec.WaitHours
		ep.Contacts = uint8(contacts)
		ep.Resolved = resolved
		ep.FirstContactResolved = rec.Unresolved == 0
		e.cost(st, &ep, v, contacts)
		// Survey among the recovered.
		if uResp < m.ResponseProbability(s) {
			ep.Survey = int8(m.SurveyAnswer(s, nSurvey))
			ep.NPS = int8(m.Recommend(s, sc.WordOfMouth.NPSNoiseSD*nNPS))
		} else {
			ep.Survey, ep.NPS = -1, -1
		}
		p.recExpect[i] += float32(sc.Outcomes.RecoveryExpectationLearning * (rs - float64(p.recExpect[i])))
		p.payoff[i] += float32(sc.Contact.PayoffLearning * (rs - float64(p.payoff[i])))
		p.contacts[i] += int32(contacts)
	} else {
		ep.Survey, ep.NPS = -1, -1
	}
	ep.Repurchased = ep.Y0
	if ep.Contacted {
		ep.Repurchased = ep.Y1
	}
	p.dev[i] = d0 + m.LoyaltyShift(s)
	p.expect[i] += float32(sc.Outcomes.ExpectationLearning * (perf - float64(p.expect[i])))
	p.lastFailure[i] = int32(e.week)
	p.failures[i]++
	switch agents.NPSBucket(m.Recommend(s, 0)) {
	case 1:
		st.Promoters++
		st.EpisodePromoters++
	case -1:
		st.Detractors++
		st.EpisodeDetractors++
	}
	st.addEpisode(&ep, m)
	b.episodes = append(b.episodes, ep)
}

// recovery draws what the policy delivers on this episode. The draws are
// the same whether or not the customer contacts, and for every policy.
func (e *engine) recovery(uk rng.Key, proactive bool, sevCat uint8, ftype, i int) (agents.Recovery, int, bool) {
	pol := e.pol
	p := e.pop
	rs := rng.NewStream(uk.Period(uint64(e.week)).Purpose(purposeRecovery))
	n1, n2 := rs.Normal2()
	f1 := rs.Float64()
	f2 := rs.Float64()
	apology, refund, coupon := pol.Remedy(proactive, int(sevCat))
	rec := agents.Recovery{Apology: apology,
		Empathy: pol.Empathy, Personalisation: pol.Personalisation}
	if pol.FollowUp {
		rec.FollowUp = math.Exp(-pol.FollowUpHours / policies.HoursPerWeek)
	}
	if !proactive {
		rec.WaitHours = pol.ResponseTime(e.meanWait, n1)
	}
	contacts := 1
	resolved := true
	if f1 >= pol.FirstContactResolution {
		rec.Unresolved = 1
		contacts = 2
		rec.WaitHours += pol.ResponseTime(e.meanWait, n2)
		if f2 >= pol.FirstContactResolution {
			rec.Unresolved = 2
			resolved = false
		}
	}
	if pol.Eligible(int(p.segment[i]), ftype, float64(p.value[i]), float64(p.tenure[i])+float64(e.week)) {
		rec.Compensation = refund + coupon*e.sc.Justice.CouponValueFactor
	}
	return rec, contacts, resolved
}

// cost books the recovery costs of a contacted episode.
func (e *engine) cost(st *Stats, ep *Episode, v float64, contacts int) {
	pol := e.pol
	if pol.Eligible(int(ep.Segment), int(ep.FailureType), v, ep.Tenure) {
		_, refund, coupon := pol.Remedy(ep.Proactive, int(ep.SeverityCat))
		ep.Refund = refund
		st.Costs.Refunds += ep.Refund * v
		st.Costs.Coupons += coupon * pol.CouponRedemption * v
	} else {
		ep.Refund = 0
	}
	if !pol.Staffed() {
		st.Costs.Staff += float64(contacts) * pol.HandleHours * pol.StaffCostPerHour
	}
	if pol.FollowUp {
		st.Costs.FollowUps += pol.FollowUpCost
	}
	if ep.Proactive {
		st.Costs.Proactive += pol.ProactiveCost
	}
	st.SupportContacts += int64(contacts)
}

// shadow follows customer i for H weeks after the current week from
// loyalty deviation dev, with the same keyed draws the weekly loop uses:
// reversion, then exit, then purchase. Before the first repurchase
// nothing else touches a customer's loyalty, so for the observed contact
// decision this is exactly what the simulation does. It returns whether
// the customer repurchases within H weeks and the probability of it.
func (e *engine) shadow(i int, dev float64) (bool, float64) {
	p := e.pop
	uk := e.base.Unit(uint64(i))
	surv, prob := 1.0, 0.0
	decided, y := false, false
	for h := 1; h <= e.horizon; h++ {
		dev *= e.keep
		q := agents.Logistic(p.exitBase[i] - e.exitLoy*dev)
		pb := agents.Logistic(p.loyaltyBase[i] + dev)
		prob += surv * (1 - q) * pb
		surv *= (1 - q) * (1 - pb)
		if !decided {
			ue, ub := uk.Period(uint64(e.week + h)).Purpose(purposeWeek).Uniform2(0)
			if ue < q {
				decided = true
			} else if ub < pb {
				decided, y = true, true
			}
		}
	}
	return y, prob
}
