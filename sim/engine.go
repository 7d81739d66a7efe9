package sim

import (
	"context"
	"math"

	"github.com/redress-sim/redress/agents"
	"github.com/redress-sim/redress/network"
	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

// blockSize is the number of customers in one unit of parallel work.
// Blocks are fixed by customer index, never by the number of workers, and
// are reduced in index order, so results are identical for any number of
// workers.
const blockSize = 4096

// engine runs one policy on one population.
type engine struct {
	sc      *scenarios.Scenario
	m       *agents.Model   // the scenario's coefficients
	models  []*agents.Model // each segment's (overrides applied)
	pol     *policies.Policy
	pop     *population
	drawer  *drawer
	base    rng.Key
	weeks   int // recorded weeks
	warmup  int // unrecorded weeks before them
	horizon int
	keep    float64 // 1 − loyalty reversion
	exitLoy float64
	medianV float64
	types   [7]*scenarios.FailureType
	cumP    [7]float64 // cumulative failure probabilities
	rhoC    float64    // sqrt(1 − rho²)
	joinLog float64    // logit of the prospects' weekly join rate
	net     *network.Graph

	// week-level state, fixed while a week runs
	week int // internal week, warm-up included
	// wk are the week's keys, one per purpose: a customer's draw for a
	// purpose is wk[purpose].Unit(node), keyed by (seed, replication,
	// week, purpose, node) with one mix per customer.
	wk        [rng.SimPurposes]rng.Key
	meanWait  float64
	popRS     float64 // recovery satisfaction people hear of
	fieldBuzz float64 // mean-field word of mouth
	queue     *policies.Queue
	shift     policies.Shift

	blocks  []block
	pblocks []prospectBlock

	// onOrder, when set (by tests), sees every recorded order: customer,
	// recorded week.
	onOrder func(i, week int)
	// onWeek, when set, is called after each week (warm-up included).
	onWeek func()
}

// block is one worker's share of a week: its accumulators, the episodes
// whose horizon closed this week, the episodes still open, and who talked.
type block struct {
	lo, hi int
	stats  Stats
	wk     weekly
	done   []Episode
	open   []openEpisode
	talk   []talker
	// heard lists, talker by talker, the nodes each talker reaches
	// (found in parallel; spreadTalk adds to them in order).
	heard []int32
	// str holds the block's random streams, reset for each use: a stream
	// that drives math/rand/v2's normal draws escapes to the heap, so
	// the block owns them rather than allocating one per order.
	str *streams
}

// streams are a block's reusable random streams.
type streams struct {
	order, episode, recovery rng.Stream
}

// prospectBlock is one worker's share of the network nodes [lo, hi):
// which of its prospects decided to join this week, in node order.
type prospectBlock struct {
	lo, hi  int
	joiners []int32
}

// weekly are the week's totals that drive the next week: contacts for
// the support queue, recovery satisfaction for the news people hear.
type weekly struct {
	contacts, contacted int64
	sumRS               float64
}

// talker is a customer whose order made them a promoter (+1) or a
// detractor (−1) this week; their neighbours end at heard[end].
type talker struct {
	end  int32
	sign int8
}

func newEngine(sc *scenarios.Scenario, pol *policies.Policy, pop *population, base rng.Key, net *network.Graph) *engine {
	e := &engine{sc: sc, m: agents.NewModel(sc), models: agents.NewModels(sc), pol: pol, pop: pop, drawer: newDrawer(sc, base), base: base,
		weeks: sc.Population.Weeks, warmup: sc.Population.WarmupWeeks, horizon: sc.Outcomes.HorizonWeeks,
		keep: 1 - sc.Loyalty.Reversion, exitLoy: sc.Loyalty.ExitLoyalty,
		medianV: sc.Population.Traits.OrderValueMedian,
		rhoC:    math.Sqrt(1 - sc.Contact.Rho*sc.Contact.Rho), net: net,
	}
	jr := sc.WordOfMouth.JoinRate
	e.joinLog = math.Log(jr / (1 - jr))
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
		e.planShift(0)
	}
	e.cover()
	for lo := 0; lo < pop.nodes; lo += blockSize {
		e.pblocks = append(e.pblocks, prospectBlock{lo: lo, hi: min(lo+blockSize, pop.nodes)})
	}
	return e
}

// cover extends the blocks to every customer, the ones who joined
// included. Blocks depend only on the number of customers.
func (e *engine) cover() {
	n := e.pop.n
	if k := len(e.blocks); k > 0 {
		e.blocks[k-1].hi = min(e.blocks[k-1].lo+blockSize, n)
	}
	for lo := len(e.blocks) * blockSize; lo < n; lo += blockSize {
		e.blocks = append(e.blocks, block{lo: lo, hi: min(lo+blockSize, n), str: new(streams)})
	}
}

// planShift staffs a response-time target for the given weekly contacts.
func (e *engine) planShift(contacts float64) {
	p := e.pol
	e.shift = policies.PlanShift(contacts, p.ContactHours(p.Apology), p.ResponseHours, p.MinShiftHours)
	e.meanWait = e.shift.MeanWait
}

// recording reports whether the current week is recorded.
func (e *engine) recording() bool { return e.week >= e.warmup }

// A Collector receives a run's failure episodes as their outcome
// horizons close — after each recorded week the episodes it closed, in
// customer order, then the week's end; after the last week those still
// open — in the same order whatever the number of workers. It is how a
// library user adds a measurement to a run without changing sim (Mesa's
// DataCollector). Episodes of the warm-up weeks are not passed on. The
// slice is valid only during the call: copy what you keep.
type Collector interface {
	// Episodes receives episodes whose horizons have closed.
	Episodes(eps []Episode) error
	// WeekDone is called after each recorded week 0, 1, … has passed on
	// its episodes.
	WeekDone(week int) error
}

// collectors passes everything on to each of its collectors in turn.
type collectors []Collector

func (cs collectors) Episodes(eps []Episode) error {
	for _, c := range cs {
		if err := c.Episodes(eps); err != nil {
			return err
		}
	}
	return nil
}

func (cs collectors) WeekDone(week int) error {
	for _, c := range cs {
		if err := c.WeekDone(week); err != nil {
			return err
		}
	}
	return nil
}

// run simulates the warm-up and the recorded weeks, passing each episode
// to out (if not nil) when its horizon has closed.
func (e *engine) run(ctx context.Context, workers int, out Collector) (Stats, error) {
	var total Stats
	for w := 0; w < e.warmup+e.weeks; w++ {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		e.setWeek(w)
		if w == e.warmup {
			e.pop.resetCounters()
		}
		forBlocks(e.pop.n, workers, func(lo, _ int) { e.runBlock(&e.blocks[lo/blockSize]) })
		forBlocks(len(e.pblocks)*blockSize, workers, func(lo, _ int) { e.prospects(&e.pblocks[lo/blockSize]) })
		var ws Stats
		ws.Arrivals = e.admit()
		var wk weekly
		for b := range e.blocks {
			ws.add(&e.blocks[b].stats)
			wk.add(&e.blocks[b].wk)
		}
		if err := e.emit(out, w-e.warmup); err != nil {
			return total, err
		}
		e.endWeek(&ws, &wk)
		if e.recording() {
			total.add(&ws)
		}
		if e.onWeek != nil {
			e.onWeek()
		}
	}
	total.TerminalValue = e.terminalValue()
	return total, e.finish(&total, out)
}

// terminalValue is the expected margin of the customers still active
// after the last week, discounted: a customer who buys with weekly
// probability p an order of value v at margin m and leaves with weekly
// hazard q is worth Σ_t≥1 ((1 − q)/(1 + δ))^t·p·v·m = p·v·m(1 − q)/(δ + q)
// at a weekly discount rate δ (Gupta, Lehmann & Stuart 2004, JMR 41(1)).
// Loyalty is taken as it stands at the horizon.
func (e *engine) terminalValue() float64 {
	p := e.pop
	margin := 1 - e.sc.Firm.ProductCostShare
	delta := math.Pow(1+e.sc.Firm.DiscountRate, 1.0/52) - 1
	intent := e.sc.WordOfMouth.IntentEffect
	tv := 0.0
	for i := range p.n {
		if p.exitWeek[i] >= 0 {
			continue
		}
		d := float64(p.dev[i])
		pb := agents.Logistic(float64(p.loyaltyBase[i]) + d + intent*e.buzz(i))
		q := agents.Logistic(float64(p.exitBase[i]) - e.exitLoy*d)
		tv += pb * float64(p.value[i]) * margin * (1 - q) / (delta + q)
	}
	return tv
}

func (w *weekly) add(o *weekly) {
	w.contacts += o.contacts
	w.contacted += o.contacted
	w.sumRS += o.sumRS
}

// emit passes the episodes whose horizon closed this week to out.
func (e *engine) emit(out Collector, week int) error {
	if out == nil || week < 0 {
		return nil
	}
	for b := range e.blocks {
		if err := out.Episodes(e.blocks[b].done); err != nil {
			return err
		}
	}
	return out.WeekDone(week)
}

// finish closes the episodes still open after the last week: their
// shadow paths run on with the world held as it was (buzz decaying, no
// new talk), and they are passed to out.
func (e *engine) finish(total *Stats, out Collector) error {
	end := e.week
	for h := 1; h <= e.horizon; h++ {
		e.setWeek(end + h)
		for b := range e.blocks {
			blk := &e.blocks[b]
			blk.done = blk.done[:0]
			blk.stats = Stats{}
			e.stepShadows(blk, true)
			total.add(&blk.stats)
			if out != nil {
				if err := out.Episodes(blk.done); err != nil {
					return err
				}
			}
		}
	}
	e.setWeek(end)
	return nil
}

// setWeek makes w the current internal week and derives its keys.
func (e *engine) setWeek(w int) {
	e.week = w
	pk := e.base.Period(uint64(w))
	for q := range e.wk {
		e.wk[q] = pk.Purpose(rng.Purpose(q))
	}
}

// endWeek updates the week-level state from the week's totals: the
// support queue or shift, the recovery news, and word of mouth.
func (e *engine) endWeek(ws *Stats, wk *weekly) {
	if e.queue != nil {
		e.queue.Advance(float64(wk.contacts))
		e.meanWait = e.queue.MeanWait
		ws.Costs.Staff += e.pol.WeeklyStaffCost()
		ws.AgentHours += e.pol.Staffing * policies.HoursPerWeek
	} else {
		ws.Costs.Staff += e.pol.ShiftCost(e.shift)
		ws.AgentHours += e.shift.PaidHours()
		e.planShift(float64(wk.contacts))
	}
	if wk.contacted > 0 {
		a := e.sc.Contact.PayoffNewsWeight
		e.popRS = (1-a)*e.popRS + a*wk.sumRS/float64(wk.contacted)
	}
	e.spreadTalk()
}

// runBlock simulates week e.week for the customers of one block: first
// the shadow paths of its open episodes, then every customer and
// prospect.
func (e *engine) runBlock(b *block) {
	b.stats = Stats{}
	b.wk = weekly{}
	b.done = b.done[:0]
	b.talk = b.talk[:0]
	b.heard = b.heard[:0]
	e.stepShadows(b, false)
	p := e.pop
	week := int32(e.week)
	st := &b.stats
	decay := float32(1 - e.sc.WordOfMouth.BuzzDecay)
	intent, keep, exitLoy, key := e.sc.WordOfMouth.IntentEffect, e.keep, e.exitLoy, e.wk[rng.PurposeWeek]
	// The block's slices of the customer arrays, all of one length, so
	// that the loop needs no bounds checks.
	exitWeek := p.exitWeek[b.lo:b.hi]
	n := len(exitWeek)
	nodes, joinWeek := p.node[b.lo:b.hi][:n], p.joinWeek[b.lo:b.hi][:n]
	dev, exitBase, loyaltyBase := p.dev[b.lo:b.hi][:n], p.exitBase[b.lo:b.hi][:n], p.loyaltyBase[b.lo:b.hi][:n]
	for k := range exitWeek {
		if exitWeek[k] >= 0 {
			continue
		}
		node := nodes[k]
		buzz := e.fieldBuzz
		if e.net != nil {
			buzz = float64(p.buzz[node])
		}
		p.buzz[node] *= decay
		if joinWeek[k] >= week {
			continue // joined this week: buys from next week
		}
		st.ActiveWeeks++
		d := revert(&dev[k], keep)
		ue, ub := key.Unit(uint64(node)).Uniform2(0)
		if agents.Below(ue, float64(exitBase[k])-exitLoy*d) {
			exitWeek[k] = week
			st.Exits++
			continue
		}
		if agents.Below(ub, float64(loyaltyBase[k])+d+intent*buzz) {
			e.order(b, b.lo+k, uint64(node))
		}
	}
}

// revert lets a stored loyalty deviation decay by keep and returns it as
// stored (float32), so that shadow paths can repeat it exactly.
func revert(dev *float32, keep float64) float64 {
	*dev = float32(float64(*dev) * keep)
	return float64(*dev)
}

// buzz is the word of mouth customer i has heard.
func (e *engine) buzz(i int) float64 {
	if e.net == nil {
		return e.fieldBuzz
	}
	return float64(e.pop.buzz[e.pop.node[i]])
}

// nodeBuzz is the word of mouth network node k has heard.
func (e *engine) nodeBuzz(k int) float64 {
	if e.net == nil {
		return e.fieldBuzz
	}
	return float64(e.pop.buzz[k])
}

// prospects decides which prospects of a block become customers this
// week: each joins with probability logistic(logit(join_rate) +
// referral_effect·buzz), so what they have heard pulls them in or keeps
// them away.
func (e *engine) prospects(b *prospectBlock) {
	b.joiners = b.joiners[:0]
	p := e.pop
	decay := float32(1 - e.sc.WordOfMouth.BuzzDecay)
	for k := b.lo; k < b.hi; k++ {
		if p.cust[k] >= 0 {
			continue
		}
		buzz := e.nodeBuzz(k)
		p.buzz[k] *= decay
		u := e.wk[rng.PurposeJoin].Unit(uint64(k)).Float64(0)
		if agents.Below(u, e.joinLog+e.sc.WordOfMouth.ReferralEffect*buzz) {
			b.joiners = append(b.joiners, int32(k))
		}
	}
}

// admit makes this week's joiners customers, block by block in node
// order, and returns how many joined.
func (e *engine) admit() int64 {
	n := int64(0)
	for b := range e.pblocks {
		for _, k := range e.pblocks[b].joiners {
			e.pop.join(int(k), e.drawer, e.week)
			n++
		}
	}
	e.cover()
	return n
}

// order simulates one order of customer i in the current week.
func (e *engine) order(b *block, i int, node uint64) {
	p := e.pop
	st := &b.stats
	v := float64(p.value[i])
	if e.onOrder != nil && e.recording() {
		e.onOrder(i, e.week-e.warmup)
	}
	st.Orders++
	st.Revenue += v
	p.purchases[i]++
	p.revenue[i] += v
	m := p.mind(i)
	left := e.buy(b, i, node, &m, true)
	p.setMind(i, &m)
	if left {
		p.exitWeek[i] = int32(e.week)
		st.Exits++
		st.FailureExits++
	}
}

// buy simulates what an order of customer i does to mind m: the coupon,
// the failure draw, satisfaction and learning, and on a failure the
// episode. real is false for a shadow path replaying the customer: then
// nothing is counted, booked, said or recorded. It reports whether the
// customer left at a failure.
func (e *engine) buy(b *block, i int, node uint64, m *mind, real bool) bool {
	p := e.pop
	if m.coupon > 0 {
		e.redeem(&b.stats, m, node, real)
	}
	os := &b.str.order
	*os = rng.NewStream(e.wk[rng.PurposeOrder].Unit(node))
	uf := os.Float64() / float64(p.prone[i])
	noise := os.Normal()
	perf := e.sc.Firm.BaseQuality + e.sc.Firm.QualityNoise*noise
	k := -1
	for t := range e.cumP {
		if uf < e.cumP[t] {
			k = t
			break
		}
	}
	if k >= 0 {
		ft := e.types[k]
		sev := os.Beta(ft.SeverityA, ft.SeverityB)
		return e.episode(b, i, node, k, sev, perf-sev*ft.Impact, m, real)
	}
	model := e.models[p.segment[i]]
	expect := float64(m.expect)
	s := model.TransactionSatisfaction(perf, expect, float64(p.lambda[i]), float64(p.tolerance[i])) + model.O.VoiceEffect*float64(p.voice[i])
	m.learn(e.m, s, 0)
	m.expect += float32(model.O.ExpectationLearning * (perf - expect))
	if real {
		e.recommend(b, i, s, false)
		b.stats.SumOrderS += s
	}
	return false
}

// redeem settles a coupon at an order: with the policy's redemption
// probability it is used — the firm gives up its face value on an order
// it books in full as revenue — otherwise it lapses unused. Only a
// coupon that meets an order costs anything, so coupons given to
// customers who never come back are free.
func (e *engine) redeem(st *Stats, m *mind, node uint64, real bool) {
	u := e.wk[rng.PurposeCoupon].Unit(node).Float64(0)
	if real && u < e.pol.CouponRedemption {
		st.Costs.Coupons += float64(m.coupon)
		st.CouponsRedeemed++
	}
	m.coupon = 0
}

// recommend counts the customer's likelihood-to-recommend bucket for an
// order with satisfaction s and lets promoters and detractors talk.
func (e *engine) recommend(b *block, i int, s float64, failed bool) {
	st := &b.stats
	switch agents.NPSBucket(e.m.Recommend(s, 0)) {
	case 1:
		st.Promoters++
		if failed {
			st.EpisodePromoters++
		}
		e.talk(b, i, 1)
	case -1:
		st.Detractors++
		if failed {
			st.EpisodeDetractors++
		}
		e.talk(b, i, -1)
	}
}

// talk records that customer i talks this week, with the neighbours who
// will hear it.
func (e *engine) talk(b *block, i int, sign int8) {
	if e.net != nil {
		b.heard = e.net.AppendNeighbours(b.heard, int(e.pop.node[i]))
	}
	b.talk = append(b.talk, talker{end: int32(len(b.heard)), sign: sign})
}

// spreadTalk lets this week's promoters and detractors talk to their
// neighbours (or, in the mean field, to everyone), block by block in
// customer order.
func (e *engine) spreadTalk() {
	wom := &e.sc.WordOfMouth
	say := [3]float32{float32(-wom.DetractorTalk), 0, float32(wom.PromoterTalk)}
	if wom.Network == "none" {
		return
	}
	if e.net == nil {
		net := 0.0
		for b := range e.blocks {
			for _, t := range e.blocks[b].talk {
				net += float64(say[t.sign+1])
			}
		}
		e.fieldBuzz = (1-wom.BuzzDecay)*e.fieldBuzz + net*float64(wom.MeanDegree)/float64(e.pop.nodes)
		return
	}
	buzz := e.pop.buzz
	for b := range e.blocks {
		blk := &e.blocks[b]
		start := int32(0)
		for _, t := range blk.talk {
			x := say[t.sign+1]
			for _, k := range blk.heard[start:t.end] {
				buzz[k] += x
			}
			start = t.end
		}
	}
}
