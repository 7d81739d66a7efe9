package sim

import (
	"math"

	"redress/agents"
	"redress/policies"
	"redress/rng"
)

// Branches of an episode's potential outcomes.
const (
	branchSilent    = 0 // d = 0: no contact
	branchContact   = 1 // d = 1: contact and the policy's recovery
	branchNoFailure = 2 // the order had not failed
)

// openEpisode is an episode whose horizon has not closed: its three
// shadow paths are followed week by week beside the simulation.
type openEpisode struct {
	ep    Episode
	start int32 // internal week of the episode
	path  [3]shadowPath
}

// shadowPath follows the customer after an episode as if one thing were
// different (the contact decision, or the failure itself), with the same
// keyed draws and the same word of mouth the simulation uses, holding
// everyone else fixed. Before the first repurchase nothing but reversion
// and word of mouth touches a customer's loyalty, so for the branch that
// happened the path is exactly the simulation.
type shadowPath struct {
	dev        float32 // as the population stores it
	surv, prob float64 // P(still undecided), P(repurchase within H)
	decided    bool
	bought     bool // repurchased within H
	left       bool // left within H before repurchasing
	// stay is the chance of not leaving at the failure itself, leftNow
	// whether the customer did (the silent branch only).
	stay    float64
	leftNow bool
	at      int32 // internal week the path decided
}

// episode handles a failure: the contact decision, the recovery, the
// potential outcomes, the survey, and the customer's updates.
func (e *engine) episode(b *block, i int, node uint64, ftype int, sev, perf float64) {
	p := e.pop
	st := &b.stats
	m := e.models[p.segment[i]]
	sc := e.sc
	ft := e.types[ftype]
	v := float64(p.value[i])
	ep := Episode{Customer: int32(i), Week: int32(e.week - e.warmup), FailureType: uint8(ftype),
		Severity: sev, SeverityCat: uint8(policies.SeverityCategory(sev, sc.Failures.SeverityCuts)),
		Segment: p.segment[i], AgeBand: p.ageBand[i], Region: p.region[i],
		Tenure: float64(p.tenure[i]) + float64(e.week), OrderValue: v, RevenueBase: p.revenue[i]}

	es := &b.str.episode
	*es = rng.NewStream(e.wk[purposeEpisode].Unit(node))
	z1, z2 := es.Normal2()
	ep.U = z1
	ep.E = sc.Contact.Rho*z1 + e.rhoC*z2
	if es.Float64() < sc.Contact.InstrumentProbability {
		ep.Instrument = 1
	}
	uPro := es.Float64()
	uResp := es.Float64()
	nSurvey, nNPS := es.Normal2()
	uExit := es.Float64()

	lambda, tol := float64(p.lambda[i]), float64(p.tolerance[i])
	ep.Expectation = float64(p.expect[i])
	ep.Performance = perf
	ep.Lambda = lambda
	ep.Stx = m.TransactionSatisfaction(perf, ep.Expectation, lambda, tol)
	ep.Repeat = p.lastFailure[i] >= 0 && e.week-int(p.lastFailure[i]) <= sc.Outcomes.MemoryWeeks
	ep.RecoveryExpectation = float64(p.recExpect[i])
	rest := m.O.VoiceEffect*float64(p.voice[i]) + m.O.NoiseSD*ep.E

	// Contact decision: latent index z'γ + u > 0, or proactive outreach.
	e.contactDecision(&ep, i, v, uPro)

	// The recovery the customer gets (or would get) under the policy.
	rec, contacts := e.recovery(b, node, ep.Proactive, ep.SeverityCat, ftype, i)
	ep.Compensation = rec.Compensation
	ep.Restored = agents.Restored(rec.Compensation, ft.Restorable, rec.Resolved)
	j := judge{m: m, stx: ep.Stx, er: ep.RecoveryExpectation, lambda: lambda, tol: tol,
		patience: float64(p.patience[i]), loss: m.O.LossWeight * ft.LossFraction,
		restorable: ft.Restorable, rest: rest,
		w: [3]float64{float64(p.weights[i][0]), float64(p.weights[i][1]), float64(p.weights[i][2])}}
	ep.Justice = m.Justice(&rec, j.patience, j.w)
	var rs float64
	ep.S1, rs = j.s1(&rec)
	ep.rs1 = rs
	ep.S0 = ep.Stx - m.O.LossWeight*ft.LossFraction + rest
	ep.FailedRecovery = m.FailedRecovery(&rec, rs, ep.RecoveryExpectation, ep.Restored)
	// What the same order would have given without the failure.
	ep.SNoFail = m.TransactionSatisfaction(perf+sev*ft.Impact, ep.Expectation, lambda, tol) +
		m.O.VoiceEffect*float64(p.voice[i])
	j.partialEffects(&ep, &rec)

	oe := openEpisode{ep: ep, start: int32(e.week)}
	e.branch(&oe, i, sev, uExit)
	ep = oe.ep
	if ep.Contacted {
		ep.RS = rs
		ep.ResponseHours = rec.WaitHours
		ep.Contacts = uint8(contacts)
		ep.Resolved = rec.Resolved
		ep.Abandoned = rec.Abandoned
		ep.FirstContactResolved = rec.Unresolved == 0 && rec.Resolved
		if e.recording() {
			e.cost(st, &ep, &rec, v, contacts)
		}
		b.wk.contacts += int64(contacts)
		b.wk.contacted++
		b.wk.sumRS += rs
		s := ep.S1
		if uResp < m.ResponseProbability(s) {
			ep.Survey = int8(m.SurveyAnswer(s, nSurvey))
			ep.NPS = int8(m.Recommend(s, sc.WordOfMouth.NPSNoiseSD*nNPS))
		} else {
			ep.Survey, ep.NPS = -1, -1
		}
		e.issueCoupon(i, &ep, &rec, v)
		p.recExpect[i] += float32(m.O.RecoveryExpectationLearning * (rs - ep.RecoveryExpectation))
		p.payoff[i] += float32(sc.Contact.PayoffLearning * (rs - float64(p.payoff[i])))
		p.contacts[i] += int32(contacts)
	} else {
		ep.Survey, ep.NPS = -1, -1
	}
	s := ep.S0
	if ep.Contacted {
		s = ep.S1
	}
	p.expect[i] += float32(m.O.ExpectationLearning * (perf - ep.Expectation))
	p.lastFailure[i] = int32(e.week)
	p.failures[i]++
	e.recommend(b, i, s, true)
	st.SumOrderS += s
	if ep.ExitedAtFailure {
		p.exitWeek[i] = int32(e.week)
		st.Exits++
		st.FailureExits++
	}
	if e.recording() {
		oe.ep = ep
		b.open = append(b.open, oe)
	}
}

// contactDecision sets whether the customer contacts support (or is
// reached proactively), the index z'γ, and whether the customer is a
// complier: one who contacts with the instrument on and not without it.
func (e *engine) contactDecision(ep *Episode, i int, v, uPro float64) {
	p := e.pop
	sc := e.sc
	payoff := (1-sc.Contact.WordOfMouthWeight)*float64(p.payoff[i]) + sc.Contact.WordOfMouthWeight*e.popRS
	ci := agents.ContactInputs{Severity: ep.Severity, Loyalty: float64(p.loyaltyBase[i]) - p.segmentLogit(i) + float64(p.dev[i]), Urgency: float64(p.urgency[i]), Uncertainty: float64(p.uncertain[i]),
		Knowledge: float64(p.knowledge[i]), LogStake: math.Log(v / e.medianV),
		ExpectedPayoff: payoff, Voice: float64(p.voice[i]), Instrument: ep.Instrument,
		SwitchingCost: float64(p.switching[i]), Competitor: sc.Firm.CompetitorAttractiveness}
	m := e.models[p.segment[i]]
	ep.Index = m.ContactIndex(&ci)
	ep.Proactive = e.types[ep.FailureType].Detectable && uPro < e.pol.Proactive
	ep.Contacted = ep.Proactive || ep.Index+ep.U > 0
	off := ep.Index - m.C.InstrumentEffect*ep.Instrument + ep.U
	ep.Complier = !ep.Proactive && off+m.C.InstrumentEffect > 0 && off <= 0
}

// branch applies the episode to the customer's loyalty along the branch
// that happened and starts the three shadow paths: loyalty after the
// order along each path, and for the silent branch the chance of leaving
// at once (exit instead of voice).
func (e *engine) branch(oe *openEpisode, i int, sev, uExit float64) {
	p := e.pop
	ep := &oe.ep
	d0 := float64(p.dev[i])
	bond := p.bond(i)
	ep.Trust, ep.Cumulative = bond.Trust(), bond.Cumulative
	bonds := [3]agents.Bond{bond, bond, bond}
	sat := [3]float64{ep.S0, ep.S1, ep.SNoFail}
	devs := [3]int{1, 1, 0}
	if ep.FailedRecovery {
		devs[branchContact] = 2
	}
	for k := range oe.path {
		oe.path[k] = shadowPath{dev: float32(d0 + e.m.Learn(&bonds[k], sat[k], devs[k])), surv: 1, stay: 1}
	}
	// Exit or voice: a silent customer may leave at once; so may one
	// whose voice failed (a failed recovery), now at the loyalty it left.
	exits := [2]int{branchSilent, branchContact}
	for _, k := range exits[:1+b2i(ep.FailedRecovery)] {
		sp := &oe.path[k]
		q := e.m.FailureExit(sev, float64(p.switching[i]), e.sc.Firm.CompetitorAttractiveness, float64(sp.dev))
		sp.stay = 1 - q
		sp.leftNow = uExit < q
	}
	k := branchSilent
	if ep.Contacted {
		k = branchContact
	}
	ep.ExitedAtFailure = oe.path[k].leftNow
	p.dev[i] = oe.path[k].dev
	p.setBond(i, bonds[k])
}

// judge is how a customer judges a recovery of one episode.
type judge struct {
	m                          *agents.Model
	stx, er, lambda, tol       float64
	patience, loss, restorable float64
	rest                       float64 // voice effect and error
	w                          [3]float64
}

// s1 is satisfaction after recovery r and its recovery satisfaction RS:
// S(1) = S_tx + c·g(RS − E^R) − loss_weight·L·(1 − restored) + rest.
func (j *judge) s1(r *agents.Recovery) (s, rs float64) {
	rs = j.m.RecoverySatisfaction(r, j.patience, j.w)
	restored := agents.Restored(r.Compensation, j.restorable, r.Resolved)
	return j.stx + j.m.RecoveryDisconfirmation(rs, j.er, j.lambda, j.tol) - j.loss*(1-restored) + j.rest, rs
}

// partialEffects sets the average partial effects on S(1) by finite
// differences on the same draws.
func (j *judge) partialEffects(ep *Episode, rec *agents.Recovery) {
	r2 := *rec
	r2.WaitHours++
	x, _ := j.s1(&r2)
	ep.APEResponse = x - ep.S1
	r2 = *rec
	r2.Compensation += 0.01
	x, _ = j.s1(&r2)
	ep.APERefund = (x - ep.S1) / 0.01
	r2 = *rec
	r2.Apology = agents.ApologySincere
	hi, _ := j.s1(&r2)
	r2.Apology = agents.ApologyNone
	lo, _ := j.s1(&r2)
	ep.APEApology = hi - lo
}

// recovery draws what the policy delivers on this episode. The draws are
// the same whether or not the customer contacts, and for every policy.
// Each contact waits a log-normal time around the week's mean; a customer
// whose patience (exponential, mean abandon_patience·τ) runs out first
// abandons, and nothing is delivered. An unresolved contact brings
// another, up to the policy's maximum.
func (e *engine) recovery(b *block, node uint64, proactive bool, sevCat uint8, ftype, i int) (agents.Recovery, int) {
	pol := e.pol
	p := e.pop
	ft := e.types[ftype]
	rs := &b.str.recovery
	*rs = rng.NewStream(e.wk[purposeRecovery].Unit(node))
	apology, refund, coupon := pol.Remedy(proactive, int(sevCat))
	rec := agents.Recovery{Apology: apology, Rejected: ft.Rejected,
		Empathy: pol.Empathy, Personalisation: pol.Personalisation}
	if pol.FollowUp {
		rec.FollowUp = math.Exp(-pol.FollowUpHours / e.sc.Justice.FollowUpDecayHours)
	}
	patience := e.models[p.segment[i]].C.AbandonPatience * float64(p.patience[i])
	if patience == 0 {
		patience = math.Inf(1) // nobody abandons
	}
	contacts := 0
	for contacts < pol.MaxContacts {
		contacts++
		// Every draw is taken whether used or not, so that policies that
		// differ in proactive outreach still share the later draws.
		wait := pol.ResponseTime(e.meanWait, rs.Normal())
		if proactive && contacts == 1 {
			wait = 0 // the firm reached out: nobody waits
		}
		giveUp := patience * rs.Exp()
		resolve := rs.Float64() < pol.FirstContactResolution
		if wait > giveUp {
			// Nothing is delivered: no apology, care, follow-up or money.
			rec = agents.Recovery{Rejected: rec.Rejected, WaitHours: rec.WaitHours + giveUp,
				Unresolved: rec.Unresolved, Abandoned: true}
			return rec, contacts
		}
		rec.WaitHours += wait
		if resolve {
			rec.Resolved = true
			break
		}
		rec.Unresolved++
	}
	if pol.Eligible(int(p.segment[i]), ftype, float64(p.value[i]), float64(p.tenure[i])+float64(e.week)) {
		rec.Compensation = refund + coupon*e.sc.Justice.CouponValueFactor/math.Max(ft.LossFraction, minLoss)
	}
	return rec, contacts
}

// issueCoupon gives a recovered customer the policy's coupon (replacing
// any unused one); it is redeemed, or lapses, at their next order.
func (e *engine) issueCoupon(i int, ep *Episode, rec *agents.Recovery, v float64) {
	pol := e.pol
	if rec.Abandoned || !pol.Eligible(int(ep.Segment), int(ep.FailureType), v, ep.Tenure) {
		return
	}
	if _, _, coupon := pol.Remedy(ep.Proactive, int(ep.SeverityCat)); coupon > 0 {
		e.pop.coupon[i] = float32(coupon * v)
	}
}

// minLoss is the smallest loss fraction compensation is measured against,
// so that a coupon for a failure that cost nothing is finite.
const minLoss = 0.05

// cost books the recovery costs of a contacted episode.
func (e *engine) cost(st *Stats, ep *Episode, rec *agents.Recovery, v float64, contacts int) {
	pol := e.pol
	ft := e.types[ep.FailureType]
	if pol.Eligible(int(ep.Segment), int(ep.FailureType), v, ep.Tenure) && !rec.Abandoned {
		_, refund, _ := pol.Remedy(ep.Proactive, int(ep.SeverityCat))
		ep.Refund = refund
		st.Costs.Refunds += refund * ft.LossFraction * v
	}
	n := float64(contacts)
	if rec.Abandoned {
		n-- // the abandoned contact was never handled
	}
	hours := n * pol.ContactHours(rec.Apology)
	st.AgentHoursWorked += hours
	if pol.FollowUp && !rec.Abandoned {
		st.Costs.FollowUps += pol.FollowUpCost
	}
	if ep.Proactive {
		st.Costs.Proactive += pol.ProactiveCost
	}
	st.Costs.Personalisation += n * pol.Personalisation * pol.PersonalisationCost
	if rec.Resolved {
		st.Costs.Resolution += pol.ResolutionCost * v
	}
	st.SupportContacts += int64(contacts)
	if rec.Abandoned {
		st.Abandoned++
	}
}

// stepShadows advances the shadow paths of the block's open episodes by
// the current week and closes those whose horizon ends with it. After
// the last simulated week (frozen) the word of mouth a customer hears
// decays without new talk.
func (e *engine) stepShadows(b *block, frozen bool) {
	intent := e.sc.WordOfMouth.IntentEffect
	k := 0
	for j := range b.open {
		oe := &b.open[j]
		i := int(oe.ep.Customer)
		buzz := e.buzz(i)
		if frozen {
			buzz *= math.Pow(1-e.sc.WordOfMouth.BuzzDecay, float64(e.week-(e.warmup+e.weeks)))
		}
		ue, ub := e.wk[purposeWeek].Unit(uint64(e.pop.node[i])).Uniform2(0)
		for s := range oe.path {
			oe.path[s].step(e, i, buzz*intent, ue, ub)
		}
		if e.week-int(oe.start) < e.horizon {
			b.open[k] = *oe
			k++
			continue
		}
		oe.close(e.warmup + e.weeks)
		b.stats.addEpisode(&oe.ep, e.m)
		e.quarter(&b.stats, &oe.ep)
		b.done = append(b.done, oe.ep)
	}
	b.open = b.open[:k]
}

// step advances a shadow path by one week: reversion, then exit, then
// purchase, with the week's draws (ue, ub).
func (s *shadowPath) step(e *engine, i int, intent, ue, ub float64) {
	if !s.decided {
		s.at = int32(e.week)
	}
	p := e.pop
	d := revert(&s.dev, e.keep)
	q := agents.Logistic(float64(p.exitBase[i]) - e.exitLoy*d)
	pb := agents.Logistic(float64(p.loyaltyBase[i]) + d + intent)
	s.prob += s.surv * (1 - q) * pb
	s.surv *= (1 - q) * (1 - pb)
	if s.decided {
		return
	}
	switch {
	case ue < q:
		s.decided, s.left = true, true
	case ub < pb:
		s.decided, s.bought = true, true
	}
}

// outcome is the path's repurchase, its probability and whether the
// customer left within H before repurchasing.
func (s *shadowPath) outcome() (bought bool, prob float64, left bool) {
	return s.bought && !s.leftNow, s.stay * s.prob, s.leftNow || s.left
}

// close copies the shadow paths' outcomes into the episode. The observed
// repurchase counts only a purchase before the internal week end, the
// first not simulated: later ones the firm never sees.
func (oe *openEpisode) close(end int) {
	ep := &oe.ep
	pa := &oe.path
	ep.Y0, ep.EY0, ep.Exit0 = pa[branchSilent].outcome()
	ep.Y1, ep.EY1, ep.Exit1 = pa[branchContact].outcome()
	ep.YNoFail, ep.EYNoFail, ep.ExitNoFail = pa[branchNoFailure].outcome()
	k := branchSilent
	if ep.Contacted {
		k = branchContact
	}
	ep.Repurchased = pa[k].bought && !pa[k].leftNow && int(pa[k].at) < end
}

// quarter counts an episode of the first or the last quarter of the
// recorded weeks, for the stationarity check.
func (e *engine) quarter(st *Stats, ep *Episode) {
	q := e.weeks / 4
	k := -1
	switch {
	case int(ep.Week) < q:
		k = 0
	case int(ep.Week) >= e.weeks-q:
		k = 1
	}
	if k >= 0 {
		st.QuarterFailures[k]++
		if ep.Contacted {
			st.QuarterContacted[k]++
		}
	}
}
