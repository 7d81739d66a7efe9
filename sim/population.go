package sim

import (
	"math"

	"github.com/redress-sim/redress/agents"
	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/network"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

// Every draw of the simulator is keyed by (seed, replication, customer,
// week, purpose) — the purposes are rng's PurposeSegment … PurposeCoupon —
// so a counterfactual replay, for another policy or for the potential
// outcome of the other contact decision, reuses exactly the same numbers.

// population holds customer state as flat slices (struct of arrays) so
// the weekly loop touches only what it needs. Customers [0, size) are
// there from the start; the others joined later (the population is
// open), appended in the order they joined. Every customer is a node of
// the social network; the other nodes start as prospects, who hold only
// what they have heard until they join. A customer's random
// draws are keyed by its node, so every policy meets the same people.
type population struct {
	n        int       // customers so far
	size     int       // customers at the start
	nodes    int       // customers and prospects
	segLogit []float64 // logit of each segment's purchase probability
	// node-level: the customer a node is (−1 a prospect), and the word of
	// mouth it has heard (net talks, decaying)
	cust []int32
	buzz []float32
	// customer-level; node is the customer's network node
	node []int32
	// observed traits
	segment []uint8
	ageBand []uint8
	region  []uint8
	tenure  []float32
	value   []float32
	// psychology
	expect    []float32
	tolerance []float32
	lambda    []float32
	weights   [][3]float32
	patience  []float32
	prone     []float32 // failure proneness multiplier
	switching []float32 // switching cost
	urgency   []float32
	uncertain []float32
	knowledge []float32
	voice     []float32
	recExpect []float32 // E^R
	payoff    []float32 // expected recovery satisfaction from own history
	// loyalty: baseline (logit), deviation from it, exit index baseline;
	// the bond (cumulative satisfaction, trust belief)
	loyaltyBase []float32
	dev         []float32
	exitBase    []float32
	cum         []float32
	trustA      []float32
	trustB      []float32
	goodwill    []float32
	// history
	lastFailure []int32 // week of the last failure, −1 none
	exitWeek    []int32 // week of exit, −1 active
	joinWeek    []int32 // week of joining; −1 a customer from the start
	purchases   []int32
	failures    []int32
	contacts    []int32
	revenue     []float64
	coupon      []float32 // face value of an unused coupon, currency
}

// newPopulation draws the population of replication rep. It depends only
// on the scenario and the keys, never on the policy, so every policy of a
// scenario meets the same customers.
//
// Customers are drawn in parallel blocks; each customer's draws depend
// only on its own keys, so the result is the same for any workers.
func newPopulation(sc *scenarios.Scenario, base rng.Key, workers int) *population {
	size := sc.Population.Size
	nodes := size + int(math.Round(sc.WordOfMouth.Prospects*float64(size)))
	p := &population{n: size, size: size, nodes: nodes,
		cust: make([]int32, nodes), buzz: make([]float32, nodes)}
	// Room for the customers expected to join, so that growing rarely
	// copies: the prospects' baseline joins over the simulated weeks.
	weeks := float64(sc.Population.Weeks + sc.Population.WarmupWeeks)
	joins := float64(nodes-size) * (1 - math.Pow(1-sc.WordOfMouth.JoinRate, weeks))
	p.alloc(size, size+int(1.25*joins)+64)
	d := newDrawer(sc, base)
	for _, t := range d.traits {
		p.segLogit = append(p.segLogit, math.Log(t.PurchaseProbability/(1-t.PurchaseProbability)))
	}
	// Customers sit evenly among the prospects on the network's ring
	// (customer i at node ⌊i·nodes/size⌋), so that the lattice mixes
	// them as a random labelling would, while neighbours stay close in
	// memory.
	for k := range nodes {
		p.cust[k] = -1
	}
	for i := range size {
		k := int(int64(i) * int64(nodes) / int64(size))
		p.node[i], p.cust[k] = int32(k), int32(i)
	}
	forBlocks(size, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.draw(i, d, -1)
		}
	})
	return p
}

// alloc makes every customer slice n long with room for c.
func (p *population) alloc(n, c int) {
	mk32 := func() []float32 { return make([]float32, n, c) }
	mki := func() []int32 { return make([]int32, n, c) }
	mk8 := func() []uint8 { return make([]uint8, n, c) }
	p.node = mki()
	p.segment, p.ageBand, p.region = mk8(), mk8(), mk8()
	p.tenure, p.value, p.expect, p.tolerance, p.lambda = mk32(), mk32(), mk32(), mk32(), mk32()
	p.weights = make([][3]float32, n, c)
	p.patience, p.prone, p.switching, p.urgency, p.uncertain = mk32(), mk32(), mk32(), mk32(), mk32()
	p.knowledge, p.voice, p.recExpect, p.payoff, p.coupon = mk32(), mk32(), mk32(), mk32(), mk32()
	p.loyaltyBase, p.dev, p.exitBase, p.cum, p.trustA, p.trustB = mk32(), mk32(), mk32(), mk32(), mk32(), mk32()
	p.goodwill = mk32()
	p.lastFailure, p.exitWeek, p.joinWeek = mki(), mki(), mki()
	p.purchases, p.failures, p.contacts = mki(), mki(), mki()
	p.revenue = make([]float64, n, c)
}

// join makes prospect node k a customer in week (drawn now, keyed by
// its node) and returns its customer index.
func (p *population) join(k int, dr *drawer, week int) int {
	c := p.n
	p.n++
	for _, s := range []*[]uint8{&p.segment, &p.ageBand, &p.region} {
		*s = append(*s, 0)
	}
	for _, s := range []*[]float32{&p.tenure, &p.value, &p.expect, &p.tolerance, &p.lambda, &p.patience, &p.prone,
		&p.switching, &p.urgency, &p.uncertain, &p.knowledge, &p.voice, &p.recExpect, &p.payoff,
		&p.loyaltyBase, &p.dev, &p.exitBase, &p.cum, &p.trustA, &p.trustB, &p.goodwill, &p.coupon} {
		*s = append(*s, 0)
	}
	for _, s := range []*[]int32{&p.node, &p.lastFailure, &p.exitWeek, &p.joinWeek, &p.purchases, &p.failures, &p.contacts} {
		*s = append(*s, 0)
	}
	p.weights = append(p.weights, [3]float32{})
	p.revenue = append(p.revenue, 0)
	p.node[c] = int32(k)
	p.cust[k] = int32(c)
	p.draw(c, dr, week)
	return c
}

// drawer holds what drawing a customer needs.
type drawer struct {
	sc     *scenarios.Scenario
	models []*agents.Model
	base   rng.Key
	traits []scenarios.Traits
	shares []float64
}

func newDrawer(sc *scenarios.Scenario, base rng.Key) *drawer {
	segs := sc.Population.Segments
	d := &drawer{sc: sc, models: agents.NewModels(sc), base: base,
		traits: make([]scenarios.Traits, len(segs)), shares: make([]float64, len(segs))}
	for k, s := range segs {
		d.traits[k] = s.Traits.Resolve(sc.Population.Traits)
		d.shares[k] = s.Share
	}
	return d
}

// draw draws customer i, who joins in week join (−1: a customer from the
// start, whose tenure is drawn; else tenure starts at the join week).
// A customer's draws depend only on its own keys, never on when it joins.
func (p *population) draw(i int, dr *drawer, join int) {
	sc, base, traits, shares := dr.sc, dr.base, dr.traits, dr.shares
	L := sc.Loyalty
	{
		uk := base.Unit(uint64(p.node[i]))
		ss := rng.NewStream(uk.Purpose(rng.PurposeSegment))
		k := ss.Categorical(shares)
		c := agents.DrawTraits(uk.Purpose(rng.PurposeTraits), &traits[k])
		if join >= 0 {
			c.TenureWeeks = -float64(join) // tenure + week = weeks since joining
		}
		pp := traits[k].PurchaseProbability
		p.segment[i] = uint8(k)
		p.ageBand[i] = uint8(c.AgeBand)
		p.region[i] = uint8(c.Region)
		p.tenure[i] = float32(c.TenureWeeks)
		p.value[i] = float32(c.OrderValue)
		p.expect[i] = float32(c.Expectation)
		p.tolerance[i] = float32(c.Tolerance)
		p.lambda[i] = float32(c.LossAversion)
		p.weights[i] = [3]float32{float32(c.Weights[0]), float32(c.Weights[1]), float32(c.Weights[2])}
		p.patience[i] = float32(c.Patience)
		p.prone[i] = float32(c.Proneness)
		p.switching[i] = float32(c.SwitchingCost)
		p.urgency[i] = float32(c.Urgency)
		p.uncertain[i] = float32(c.Uncertainty)
		p.knowledge[i] = float32(c.Knowledge)
		p.voice[i] = float32(c.Voice)
		p.recExpect[i] = float32(c.RecoveryExpectation)
		p.payoff[i] = float32(c.RecoveryExpectation)
		lb := c.LoyaltyBase + L.TenureEffect*max(0, c.TenureWeeks)/52
		p.loyaltyBase[i] = float32(lb)
		// Exit baseline: competitor pull, switching cost, and how loyal
		// the customer is at baseline relative to the segment median.
		p.exitBase[i] = float32(L.ExitIntercept + L.ExitCompetitor*sc.Firm.CompetitorAttractiveness -
			L.ExitSwitchingCost*c.SwitchingCost - L.ExitLoyalty*(lb-math.Log(pp/(1-pp))))
		p.lastFailure[i] = -1
		p.exitWeek[i] = -1
		p.joinWeek[i] = int32(join)
		m := dr.models[k]
		b := m.NewBond(m.TransactionSatisfaction(sc.Firm.BaseQuality, c.Expectation, c.LossAversion, c.Tolerance), traits[k].TrustPrior)
		p.cum[i], p.trustA[i], p.trustB[i] = float32(b.Cumulative), float32(b.A), float32(b.B)
		p.goodwill[i] = float32(L.GoodwillPrior)
	}
}

// forBlocks calls f on consecutive blocks [lo, hi) of [0, n) using up to
// workers goroutines (0 = GOMAXPROCS).
func forBlocks(n, workers int, f func(lo, hi int)) {
	nb := (n + blockSize - 1) / blockSize
	parallel.For(nb, workers, func(b int) { f(b*blockSize, min((b+1)*blockSize, n)) })
}

// segmentLogit is the logit of customer i's segment's purchase
// probability: the loyalty of a median customer of the segment.
func (p *population) segmentLogit(i int) float64 { return p.segLogit[p.segment[i]] }

// mind is a customer's changing state, as the population stores it: the
// loyalty deviation, the bond (cumulative satisfaction and trust
// belief), expectations, the expected recovery payoff, an unused coupon
// and the week of the last failure. Orders read and change only this
// (and the customer's fixed traits), so a shadow path can carry its own
// copy and replay the customer's orders exactly.
type mind struct {
	dev, cum, trustA, trustB  float32
	goodwill                  float32
	expect, recExpect, payoff float32
	coupon                    float32
	lastFailure               int32
}

// mind returns customer i's state.
func (p *population) mind(i int) mind {
	return mind{dev: p.dev[i], cum: p.cum[i], trustA: p.trustA[i], trustB: p.trustB[i], goodwill: p.goodwill[i],
		expect: p.expect[i], recExpect: p.recExpect[i], payoff: p.payoff[i],
		coupon: p.coupon[i], lastFailure: p.lastFailure[i]}
}

// setMind stores customer i's state.
func (p *population) setMind(i int, m *mind) {
	p.dev[i], p.cum[i], p.trustA[i], p.trustB[i], p.goodwill[i] = m.dev, m.cum, m.trustA, m.trustB, m.goodwill
	p.expect[i], p.recExpect[i], p.payoff[i] = m.expect, m.recExpect, m.payoff
	p.coupon[i], p.lastFailure[i] = m.coupon, m.lastFailure
}

// bond returns the mind's cumulative satisfaction and trust belief.
func (m *mind) bond() agents.Bond {
	return agents.Bond{Cumulative: float64(m.cum), A: float64(m.trustA), B: float64(m.trustB)}
}

// setBond stores the bond in the mind.
func (m *mind) setBond(b agents.Bond) {
	m.cum, m.trustA, m.trustB = float32(b.Cumulative), float32(b.A), float32(b.B)
}

// learn moves the mind's loyalty and bond after an order with
// satisfaction s and the given deviations (agents.(*Model).Learn).
func (m *mind) learn(model *agents.Model, s float64, deviations int) {
	b := m.bond()
	m.dev = float32(float64(m.dev) + model.Learn(&b, s, deviations))
	m.setBond(b)
}

// resetCounters starts the recorded weeks: per-customer counts and
// revenue cover the recorded weeks only.
func (p *population) resetCounters() {
	clear(p.purchases)
	clear(p.failures)
	clear(p.contacts)
	clear(p.revenue)
}

// customer reports whether customer i was a customer at any time in the
// recorded weeks, which start at internal week warmup.
func (p *population) customer(i, warmup int) bool {
	return p.exitWeek[i] < 0 || int(p.exitWeek[i]) >= warmup
}

// buildNetwork builds the social network of replication base, or returns
// nil for the mean field and no word of mouth.
func buildNetwork(sc *scenarios.Scenario, base rng.Key, n int) (*network.Graph, error) {
	w := &sc.WordOfMouth
	spec := network.Spec{N: n, MeanDegree: float64(w.MeanDegree)}
	switch w.Network {
	case "small_world":
		// Node i at ring position i: newPopulation already spreads the
		// customers evenly among the prospects.
		spec.Kind, spec.Rewire, spec.LatticeOrder = network.SmallWorld, w.Rewiring, true
	case "configuration":
		spec.Kind, spec.Dist = network.Configuration, network.Poisson
	default:
		return nil, nil
	}
	if n < 2 || w.MeanDegree == 0 {
		return nil, nil
	}
	spec.MeanDegree = math.Min(spec.MeanDegree, float64(n-1)-float64((n-1)%2))
	return network.Build(base.Purpose(rng.PurposeNetwork), spec)
}
