package sim

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"redress/agents"
	"redress/rng"
	"redress/scenarios"
)

// Purposes of the random streams. Every draw is keyed by (seed,
// replication, customer, week, purpose), so a counterfactual replay — for
// another policy, or for the potential outcome of the other contact
// decision — reuses exactly the same numbers.
const (
	purposeSegment  = 1 // segment membership
	purposeTraits   = 2 // trait draws
	purposeWeek     = 3 // exit and purchase decisions
	purposeOrder    = 4 // failure, its type and severity, performance noise
	purposeEpisode  = 5 // contact error, satisfaction error, instrument, survey
	purposeRecovery = 6 // response times and resolution draws
)

// population holds customer state as flat slices (struct of arrays) so
// the weekly loop touches only what it needs.
type population struct {
	n int
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
	urgency   []float32
	uncertain []float32
	knowledge []float32
	voice     []float32
	recExpect []float32 // E^R
	payoff    []float32 // expected recovery satisfaction from own history
	// loyalty: baseline (logit), deviation from it, exit index baseline
	loyaltyBase []float64
	dev         []float64
	exitBase    []float64
	// history
	lastFailure []int32 // week of the last failure, −1 none
	exitWeek    []int32 // week of exit, −1 active
	purchases   []int32
	failures    []int32
	contacts    []int32
	revenue     []float64
}

// newPopulation draws the population of replication rep. It depends only
// on the scenario and the keys, never on the policy, so every policy of a
// scenario meets the same customers.
//
// Customers are drawn in parallel blocks; each customer's draws depend
// only on its own keys, so the result is the same for any workers.
func newPopulation(sc *scenarios.Scenario, base rng.Key, workers int) *population {
	n := sc.Population.Size
	p := &population{n: n,
		segment: make([]uint8, n), ageBand: make([]uint8, n), region: make([]uint8, n),
		tenure: make([]float32, n), value: make([]float32, n),
		expect: make([]float32, n), tolerance: make([]float32, n), lambda: make([]float32, n),
		weights: make([][3]float32, n), patience: make([]float32, n),
		urgency: make([]float32, n), uncertain: make([]float32, n), knowledge: make([]float32, n),
		voice: make([]float32, n), recExpect: make([]float32, n), payoff: make([]float32, n),
		loyaltyBase: make([]float64, n), dev: make([]float64, n), exitBase: make([]float64, n),
		lastFailure: make([]int32, n), exitWeek: make([]int32, n),
		purchases: make([]int32, n), failures: make([]int32, n), contacts: make([]int32, n),
		revenue: make([]float64, n),
	}
	segs := sc.Population.Segments
	traits := make([]scenarios.Traits, len(segs))
	shares := make([]float64, len(segs))
	for k, s := range segs {
		traits[k] = s.Traits.Resolve(sc.Population.Traits)
		shares[k] = s.Share
	}
	forBlocks(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.draw(i, sc, base, traits, shares)
		}
	})
	return p
}

// draw draws customer i.
func (p *population) draw(i int, sc *scenarios.Scenario, base rng.Key, traits []scenarios.Traits, shares []float64) {
	L := sc.Loyalty
	{
		uk := base.Unit(uint64(i))
		ss := rng.NewStream(uk.Purpose(purposeSegment))
		k := ss.Categorical(shares)
		ts := rng.NewStream(uk.Purpose(purposeTraits))
		c := agents.DrawTraits(&ts, &traits[k])
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
		p.urgency[i] = float32(c.Urgency)
		p.uncertain[i] = float32(c.Uncertainty)
		p.knowledge[i] = float32(c.Knowledge)
		p.voice[i] = float32(c.Voice)
		p.recExpect[i] = float32(c.RecoveryExpectation)
		p.payoff[i] = float32(c.RecoveryExpectation)
		p.loyaltyBase[i] = c.LoyaltyBase + L.TenureEffect*c.TenureWeeks/52
		// Exit baseline: competitor pull, switching cost, and how loyal
		// the customer is at baseline relative to the segment median.
		p.exitBase[i] = L.ExitIntercept + L.ExitCompetitor*sc.Firm.CompetitorAttractiveness -
			L.ExitSwitchingCost*c.SwitchingCost -
			L.ExitLoyalty*(p.loyaltyBase[i]-math.Log(pp/(1-pp)))
		p.lastFailure[i] = -1
		p.exitWeek[i] = -1
	}
}

// forBlocks calls f on consecutive blocks [lo, hi) of [0, n) using up to
// workers goroutines (0 = GOMAXPROCS).
func forBlocks(n, workers int, f func(lo, hi int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nb := (n + blockSize - 1) / blockSize
	workers = max(1, min(workers, nb))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1)) - 1
				if b >= nb {
					return
				}
				f(b*blockSize, min((b+1)*blockSize, n))
			}
		}()
	}
	wg.Wait()
}
