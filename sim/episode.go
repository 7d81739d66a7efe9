package sim

import (
	"math"

	"github.com/redress-sim/redress/agents"
	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
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
// everyone else fixed. Until the first repurchase only reversion and word
// of mouth move the customer, and dev follows that analytically (for the
// repurchase probability); from the first repurchase on, the path replays
// the customer's orders on its own copy of the customer's state (mind)
// with the same code the simulation runs (engine.buy), so for the branch
// that happened it is exactly the simulation, spend and exits included.
type shadowPath struct {
	dev        float32 // as the population stores it
	m          mind    // the customer's state along this path
	replaying  bool    // past the first repurchase: orders are replayed
	gone       bool    // left within H (at any time)
	spend      float64 // spend within H
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

// episode handles a failure of customer i with state m: the contact
// decision, the recovery, the potential outcomes along three shadow
// paths, the survey, and the customer's updates to m along the branch
// that happened. With real false (a shadow path replaying the customer)
// nothing is counted, booked or recorded. It reports whether the
// customer left at the failure.
func (e *engine) episode(b *block, i int, node uint64, ftype int, sev, perf float64, m *mind, real bool) bool {
	p := e.pop
	model := e.models[p.segment[i]]
	sc := e.sc
	ft := e.types[ftype]
	v := float64(p.value[i])
	ep := Episode{Customer: int32(i), Week: int32(e.week - e.warmup), FailureType: uint8(ftype),
		Severity: sev, SeverityCat: uint8(policies.SeverityCategory(sev, sc.Failures.SeverityCuts)),
		Segment: p.segment[i], AgeBand: p.ageBand[i], Region: p.region[i],
		Tenure: float64(p.tenure[i]) + float64(e.week), OrderValue: v, RevenueBase: p.revenue[i]}

	es := &b.str.episode
	*es = rng.NewStream(e.wk[rng.PurposeEpisode].Unit(node))
	z1, z2 := es.Normal2()
	ep.U = z1
	ep.E = sc.Contact.Rho*z1 + e.rhoC*z2
	uz := es.Float64() // drawn either way, so the later draws stay common
	if sc.Contact.InstrumentUnit == "customer" {
		uz = e.base.Unit(node).Purpose(rng.PurposeArm).Float64(0)
	}
	if uz < sc.Contact.InstrumentProbability {
		ep.Instrument = 1
	}
	uPro := es.Float64()
	uResp := es.Float64()
	nSurvey, nNPS := es.Normal2()
	uExit := es.Float64()

	lambda, tol := float64(p.lambda[i]), float64(p.tolerance[i])
	ep.Expectation = float64(m.expect)
	ep.Performance = perf
	ep.Lambda = lambda
	ep.Stx = model.TransactionSatisfaction(perf, ep.Expectation, lambda, tol)
	ep.Repeat = m.lastFailure >= 0 && e.week-int(m.lastFailure) <= sc.Outcomes.MemoryWeeks
	ep.RecoveryExpectation = float64(m.recExpect)
	rest := model.O.VoiceEffect*float64(p.voice[i]) + model.O.NoiseSD*ep.E

	// Contact decision: latent index z'γ + u > 0, or proactive outreach.
	e.contactDecision(&ep, i, v, uPro, m)

	// The recovery the customer gets (or would get) under the policy.
	rec, contacts := e.recovery(b, node, ep.Proactive, ep.SeverityCat, ftype, i)
	ep.Compensation = rec.Compensation
	ep.Restored = agents.Restored(rec.Compensation, ft.Restorable, rec.Resolved)
	j := judge{m: model, stx: ep.Stx, er: ep.RecoveryExpectation, lambda: lambda, tol: tol,
		patience: float64(p.patience[i]), loss: model.O.LossWeight * ft.LossFraction,
		restorable: ft.Restorable, rest: rest,
		w: [3]float64{float64(p.weights[i][0]), float64(p.weights[i][1]), float64(p.weights[i][2])}}
	ep.Justice = model.Justice(&rec, j.patience, j.w)
	var rs float64
	ep.S1, rs = j.s1(&rec)
	ep.rs1 = rs
	ep.S0 = ep.Stx - model.O.LossWeight*ft.LossFraction + rest
	ep.FailedRecovery = model.FailedRecovery(&rec, rs, ep.RecoveryExpectation, ep.Restored)
	// What the same order would have given without the failure.
	ep.SNoFail = model.TransactionSatisfaction(perf+sev*ft.Impact, ep.Expectation, lambda, tol) +
		model.O.VoiceEffect*float64(p.voice[i])
	if real {
		j.partialEffects(&ep, &rec)
	}

	oe := openEpisode{ep: ep, start: int32(e.week)}
	k := e.branch(&oe, i, sev, uExit, m, &branchInputs{perf: perf, perfNoFail: perf + sev*ft.Impact, rs: rs,
		coupon: e.coupon(&oe.ep, &rec, v), model: model})
	*m = oe.path[k].m
	left := oe.path[k].leftNow
	if !real {
		return left
	}
	e.record(b, i, &oe, &rec, contacts, rs, uResp, nSurvey, nNPS)
	return left
}

// record books a real episode: the recovery's costs and the support
// queue's load, the survey, the customer's counts, word of mouth, and the
// open episode whose shadow paths the following weeks advance.
func (e *engine) record(b *block, i int, oe *openEpisode, rec *agents.Recovery, contacts int, rs, uResp, nSurvey, nNPS float64) {
	p := e.pop
	st := &b.stats
	ep := &oe.ep
	model := e.models[p.segment[i]]
	ep.Survey, ep.NPS = -1, -1
	s := ep.S0
	if ep.Contacted {
		s = ep.S1
		ep.RS = rs
		ep.ResponseHours = rec.WaitHours
		ep.Contacts = uint8(contacts)
		ep.Resolved = rec.Resolved
		ep.Abandoned = rec.Abandoned
		ep.FirstHandled = !(rec.Abandoned && contacts == 1)
		ep.FirstContactResolved = rec.Unresolved == 0 && rec.Resolved
		if e.recording() {
			e.cost(st, ep, rec, ep.OrderValue, contacts)
		}
		b.wk.contacts += int64(contacts)
		b.wk.contacted++
		b.wk.sumRS += rs
		if uResp < model.ResponseProbability(s) {
			ep.Survey = int8(model.SurveyAnswer(s, nSurvey))
			ep.NPS = int8(model.Recommend(s, e.sc.WordOfMouth.NPSNoiseSD*nNPS))
		}
		p.contacts[i] += int32(contacts)
	}
	p.failures[i]++
	e.recommend(b, i, s, true)
	st.SumOrderS += s
	if e.recording() {
		b.open = append(b.open, *oe)
	}
}

// contactDecision sets whether the customer contacts support (or is
// reached proactively), the index z'γ, and whether the customer is a
// complier: one who contacts with the instrument on and not without it.
func (e *engine) contactDecision(ep *Episode, i int, v, uPro float64, mi *mind) {
	p := e.pop
	sc := e.sc
	payoff := (1-sc.Contact.WordOfMouthWeight)*float64(mi.payoff) + sc.Contact.WordOfMouthWeight*e.popRS
	ci := agents.ContactInputs{Severity: ep.Severity, Loyalty: float64(p.loyaltyBase[i]) - p.segmentLogit(i) + float64(mi.dev), Urgency: float64(p.urgency[i]), Uncertainty: float64(p.uncertain[i]),
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

// branchInputs are what the three branches of an episode need beyond the
// episode itself.
type branchInputs struct {
	perf, perfNoFail float64 // perceived performance with and without the failure
	rs               float64 // recovery satisfaction had the customer contacted
	coupon           float32 // the coupon a contact brings (0 none)
	model            *agents.Model
}

// branch starts the three shadow paths from the customer's state m: the
// state after the order along each path (loyalty and bond, expectations,
// and, with contact, the recovery expectation, payoff belief and coupon),
// and for the silent path (and a failed recovery) the chance of leaving
// at once (exit instead of voice). It returns the branch that happened.
func (e *engine) branch(oe *openEpisode, i int, sev, uExit float64, m *mind, in *branchInputs) int {
	p := e.pop
	ep := &oe.ep
	ep.Trust, ep.Cumulative = m.bond().Trust(), float64(m.cum)
	sat := [3]float64{ep.S0, ep.S1, ep.SNoFail}
	devs := [3]int{1, 1, 0}
	if ep.FailedRecovery {
		devs[branchContact] = 2
	}
	lr := in.model.O.ExpectationLearning
	for k := range oe.path {
		mk := *m
		mk.learn(e.m, sat[k], devs[k])
		perf := in.perf
		if k == branchNoFailure {
			perf = in.perfNoFail
		} else {
			mk.lastFailure = int32(e.week)
		}
		mk.expect += float32(lr * (perf - float64(m.expect)))
		if k == branchContact {
			mk.dev = float32(float64(mk.dev) + e.m.Goodwill(&mk.goodwill, ep.Justice[2]))
			mk.recExpect += float32(in.model.O.RecoveryExpectationLearning * (in.rs - float64(m.recExpect)))
			mk.payoff += float32(e.sc.Contact.PayoffLearning * (in.rs - float64(m.payoff)))
			if in.coupon > 0 {
				mk.coupon = in.coupon
			}
		}
		oe.path[k] = shadowPath{dev: mk.dev, m: mk, surv: 1, stay: 1}
	}
	// Exit or voice: a silent customer may leave at once; so may one
	// whose voice failed (a failed recovery), now at the loyalty it left.
	exits := [2]int{branchSilent, branchContact}
	for _, k := range exits[:1+b2i(ep.FailedRecovery)] {
		sp := &oe.path[k]
		q := e.m.FailureExit(sev, float64(p.switching[i]), e.sc.Firm.CompetitorAttractiveness, float64(sp.dev))
		sp.stay = 1 - q
		sp.leftNow = uExit < q
		sp.gone = sp.leftNow
	}
	k := branchSilent
	if ep.Contacted {
		k = branchContact
	}
	ep.ExitedAtFailure = oe.path[k].leftNow
	return k
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
	r2.Apology = scenarios.ApologySincere
	hi, _ := j.s1(&r2)
	r2.Apology = scenarios.ApologyNone
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
	*rs = rng.NewStream(e.wk[rng.PurposeRecovery].Unit(node))
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

// coupon is the face value of the coupon a contact brings on this
// episode (replacing any unused one; redeemed, or lapsing, at the next
// order), or 0.
func (e *engine) coupon(ep *Episode, rec *agents.Recovery, v float64) float32 {
	pol := e.pol
	if rec.Abandoned || !pol.Eligible(int(ep.Segment), int(ep.FailureType), v, ep.Tenure) {
		return 0
	}
	_, _, coupon := pol.Remedy(ep.Proactive, int(ep.SeverityCat))
	return float32(coupon * v)
}

// minLoss is the smallest loss fraction compensation is measured against,
// so that a coupon for a failure that cost nothing is finite.
const minLoss = 0.05

// cost books the recovery costs of a contacted episode.
func (e *engine) cost(st *Stats, ep *Episode, rec *agents.Recovery, v float64, contacts int) {
	pol := e.pol
	eligible := pol.Eligible(int(ep.Segment), int(ep.FailureType), v, ep.Tenure)
	c, refund, hours := pol.EpisodeCost(policies.Handling{Value: v, LossFraction: e.types[ep.FailureType].LossFraction,
		SeverityCat: int(ep.SeverityCat), Eligible: eligible, Proactive: ep.Proactive, Abandoned: rec.Abandoned,
		Resolved: rec.Resolved, Contacts: contacts, Apology: rec.Apology})
	if eligible && !rec.Abandoned {
		ep.Refund = refund
	}
	st.Costs.Add(c)
	st.AgentHoursWorked += hours
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
		node := uint64(e.pop.node[i])
		ue, ub := e.wk[rng.PurposeWeek].Unit(node).Uniform2(0)
		for s := range oe.path {
			oe.path[s].step(e, b, i, node, buzz*intent, ue, ub)
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
// purchase, with the week's draws (ue, ub) and what the customer heard
// (intent, on the logit scale). Until the first repurchase it also adds
// up the repurchase probability; from it on it replays the customer.
func (s *shadowPath) step(e *engine, b *block, i int, node uint64, intent, ue, ub float64) {
	if !s.decided {
		s.at = int32(e.week)
	}
	p := e.pop
	d := revert(&s.dev, e.keep)
	q := agents.Logistic(float64(p.exitBase[i]) - e.exitLoy*d)
	pb := agents.Logistic(float64(p.loyaltyBase[i]) + d + intent)
	s.prob += s.surv * (1 - q) * pb
	s.surv *= (1 - q) * (1 - pb)
	switch {
	case s.leftNow:
		// left at the failure itself
	case s.replaying:
		s.replay(e, b, i, node, intent, ue, ub)
	case s.decided:
		// left before buying again
	case ue < q:
		s.decided, s.left, s.gone = true, true, true
	case ub < pb:
		s.decided, s.bought, s.replaying = true, true, true
		s.m.dev = s.dev
		s.purchase(e, b, i, node)
	}
}

// replay advances a path past its first repurchase by one week exactly
// as the engine's weekly loop advances the customer.
func (s *shadowPath) replay(e *engine, b *block, i int, node uint64, intent, ue, ub float64) {
	if s.gone {
		return
	}
	p := e.pop
	d := revert(&s.m.dev, e.keep)
	if agents.Below(ue, float64(p.exitBase[i])-e.exitLoy*d) {
		s.gone = true
		return
	}
	if agents.Below(ub, float64(p.loyaltyBase[i])+d+intent) {
		s.purchase(e, b, i, node)
	}
}

// purchase replays one order of the path's customer.
func (s *shadowPath) purchase(e *engine, b *block, i int, node uint64) {
	s.spend += float64(e.pop.value[i])
	if e.buy(b, i, node, &s.m, false) {
		s.gone = true
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
	ep.Spend0, ep.Spend1, ep.SpendNoFail = pa[branchSilent].spend, pa[branchContact].spend, pa[branchNoFailure].spend
	ep.Gone0, ep.Gone1, ep.GoneNoFail = pa[branchSilent].gone, pa[branchContact].gone, pa[branchNoFailure].gone
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
