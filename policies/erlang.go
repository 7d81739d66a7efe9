package policies

// Queueing formulas for call-centre staffing: the inverse of Erlang C
// (agents for a mean-wait target) and the Erlang-A (M/M/n+M) queue with
// impatient callers.
//
// Erlang-A notation (Palm 1943; Garnett, Mandelbaum & Reiman 2002, M&SOM
// 4(3); Mandelbaum & Zeltyn 2007, "Service engineering in action: the
// Palm/Erlang-A queue, with applications to call centers"): arrival rate
// λ, service rate μ, n agents, exponential patience with rate θ, offered
// load a = λ/μ, x = nμ/θ, y = λ/θ, ρ = λ/(nμ) = y/x. The birth–death
// chain has π_k ∝ a^k/k! (k ≤ n) and π_{n+j} = π_n·t_j with
//
//	t_j = Π_{i=1..j} y/(x+i),   S(y) = Σ_{j≥0} t_j = x·e^y·y^(−x)·γ(x, y),
//
// γ the lower incomplete gamma function; S is Kummer's M(1; x+1; y).
// With R = Σ_{k<n} π_k/π_n = 1/E_{1,n}(a) − 1 (E_{1,n} is Erlang B):
//
//	P(W > 0) = S/(R + S)
//	E[Q]     = P(W > 0)·M(y)/S(y),  M(y) = Σ_j j·t_j
//	E[W]     = E[Q]/λ               (Little; all arrivals, served or not)
//	P(Ab)    = θ·E[W]               (abandonment flow = θ·E[Q])
//
// which equal the closed forms P(W>0) = A·E/(1 + (A−1)·E), A = S(y),
// E = E_{1,n}, and P(Ab | W>0) = 1/(ρA) + 1 − 1/ρ of Mandelbaum & Zeltyn.
// S and M are evaluated by whichever of three methods is accurate and
// cheap for (x, y) — the sum, the incomplete gamma function, or numerical
// integration (see erlangATail) — so the cost is O(n) for any θ.

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

const (
	// maxErlangs bounds offered loads and agent counts so that every
	// O(n) recursion and staffing search stays finite and fast.
	maxErlangs = 1e7
	// noWaitFraction is the mean wait, as a fraction of the handle
	// time, that a target of zero ("no waiting") is taken to mean.
	noWaitFraction = 1e-3
	// tailDirectMax is the most terms the direct tail sum may take.
	tailDirectMax = 1 << 14
	// tailEps is the relative size at which tail terms are dropped.
	tailEps = 1e-17
	// tailQuadMin is the x = nμ/θ above which tails are integrated
	// numerically rather than through the incomplete gamma function.
	tailQuadMin = 1e4
	// tailQuadSpan is where quadrature stops: e^(−60) of the peak.
	tailQuadSpan = 60
	// tailQuadPanels is the number of Gauss–Legendre panels.
	tailQuadPanels = 8
)

// staffCap is the most agents a staffing search returns for an offered
// load of a Erlangs: ⌈a + 10√a + 50⌉, at which an Erlang C queue's mean
// wait is far below 10⁻³ of the handle time (Halfin–Whitt β ≥ 10).
func staffCap(a float64) float64 { return math.Ceil(a + 10*math.Sqrt(a) + 50) }

// lossRatio is R = Σ_{k<n} π_k/π_n = 1/B(n, a) − 1 for the Erlang B
// blocking probability B, by the reciprocal form of the Erlang B
// recursion, R_k = (k/a)(R_{k−1} + 1), R_0 = 0 (all terms positive, so
// stable; it overflows to +Inf only when the queue is never reached).
func lossRatio(n int, a float64) float64 {
	r := 0.0
	for k := 1; k <= n; k++ {
		r = float64(k) / a * (r + 1)
	}
	return r
}

// StaffForTarget is the inverse of Erlang C: the smallest whole number of
// agents c, on duty around the clock, whose Erlang C mean wait in queue
//
//	W_q = C(c, a)·h/(c − a),  a = arrivalsPerWeek·h/168 Erlangs, h = handleHours,
//
// is at most targetWaitHours (Erlang 1917; Gans, Koole & Mandelbaum 2003,
// M&SOM 5(2), §4). It searches upward from ⌊a⌋ + 1 carrying the Erlang B
// recursion one agent at a time, C(c, a) = c/(c + (c − a)·R_c) with R_c
// from lossRatio, so it costs O(c).
//
// The result is at least 1 and at least ⌊a⌋ + 1 (a stable queue); a = 0
// needs 1 agent. A target ≤ 0 means "no waiting" and is taken as
// W_q ≤ 10⁻³·h. The search stops at the cap ⌈a + 10√a + 50⌉, which is
// returned when even it misses the target (only for targets far below
// 10⁻³·h). It returns an error for NaN or infinite arrivals or handle
// time, negative ones, a NaN target, or a load above 10⁷ Erlangs; a
// target of +Inf gives ⌊a⌋ + 1.
func StaffForTarget(arrivalsPerWeek, handleHours, targetWaitHours float64) (float64, error) {
	if !finiteNonNeg(arrivalsPerWeek) || !finiteNonNeg(handleHours) || math.IsNaN(targetWaitHours) {
		return 0, fmt.Errorf("policies: StaffForTarget(%g, %g, %g): arrivals and handle time must be finite and ≥ 0, the target not NaN",
			arrivalsPerWeek, handleHours, targetWaitHours)
	}
	a := arrivalsPerWeek * handleHours / HoursPerWeek
	if a == 0 {
		return 1, nil
	}
	if a > maxErlangs {
		return 0, fmt.Errorf("policies: StaffForTarget: offered load %g Erlangs exceeds %g", a, maxErlangs)
	}
	if targetWaitHours <= 0 {
		targetWaitHours = noWaitFraction * handleHours
	}
	c, cmax := math.Floor(a)+1, staffCap(a)
	r := lossRatio(int(c), a)
	for c < cmax && c/(c+(c-a)*r)*handleHours/(c-a) > targetWaitHours {
		c++
		r = c / a * (r + 1)
	}
	return c, nil
}

func finiteNonNeg(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// ErlangA is the M/M/n+M (Palm/Erlang-A) queue: Poisson arrivals at rate
// Arrival per hour, Agents agents each serving at rate Service per hour
// (1/mean handle hours), and callers who abandon after an exponential
// patience with rate Abandon per hour (1/mean patience hours), first come
// first served. Abandon = 0 is Erlang C (M/M/n).
//
// The methods return NaN for invalid parameters: Agents < 1 or > 10⁷,
// Arrival or Abandon negative, Service ≤ 0, or any of them NaN or
// infinite. When Abandon = 0 and Arrival ≥ Agents·Service the queue has
// no steady state; the methods then return the limits as θ → 0⁺:
// ProbWait 1, ProbAbandon 1 − nμ/λ, MeanWait +Inf, ServiceLevel 0.
type ErlangA struct {
	Arrival, Service, Abandon float64
	Agents                    int
}

// erlangAState is the steady state of an Erlang-A queue.
type erlangAState struct {
	pw, wait, pab float64  // P(W > 0), E[W], P(Ab)
	x, y, rho     float64  // nμ/θ, λ/θ and λ/(nμ)
	tail          tailSums // S and M at y
	limit         bool     // Erlang C (θ = 0, or x or y overflows)
}

func (q ErlangA) valid() bool {
	return finiteNonNeg(q.Arrival) && finiteNonNeg(q.Abandon) && q.Service > 0 &&
		!math.IsInf(q.Service, 1) && q.Agents >= 1 && q.Agents <= maxErlangs
}

// state solves the queue; ok is false for invalid parameters.
func (q ErlangA) state() (st erlangAState, ok bool) {
	if !q.valid() {
		return st, false
	}
	if q.Arrival == 0 {
		return st, true
	}
	nmu := float64(q.Agents) * q.Service
	st.rho = q.Arrival / nmu
	r := lossRatio(q.Agents, q.Arrival/q.Service)
	st.x, st.y = nmu/q.Abandon, q.Arrival/q.Abandon
	if q.Abandon == 0 || math.IsInf(st.x, 1) || math.IsInf(st.y, 1) {
		return q.limitState(st, r), true
	}
	st.tail = erlangATail(st.x, st.y)
	st.pw = 1 / (1 + r*math.Exp(-st.tail.peak-st.tail.lnS))
	st.wait = st.pw * st.tail.meanQ / q.Arrival
	st.pab = q.Abandon * st.wait
	return st, true
}

// limitState is the Erlang C (θ → 0) steady state: S = 1/(1 − ρ), so
// P(W > 0) = 1/(1 + R(1 − ρ)) = C(n, a) and E[W] = C/(nμ − λ); for ρ ≥ 1
// the θ → 0⁺ limits P(W > 0) = 1, P(Ab) = 1 − 1/ρ.
func (q ErlangA) limitState(st erlangAState, r float64) erlangAState {
	st.limit = true
	if st.rho < 1 {
		st.pw = 1 / (1 + r*(1-st.rho))
		st.wait = st.pw / (float64(q.Agents)*q.Service - q.Arrival)
		st.pab = q.Abandon * st.wait
		return st
	}
	st.pw, st.pab, st.wait = 1, 1-1/st.rho, math.Inf(1)
	if q.Abandon > 0 && st.pab > 0 {
		st.wait = st.pab / q.Abandon
	}
	return st
}

// ProbWait is P(W > 0), the probability that an arrival finds all agents
// busy (by PASTA, the steady-state probability of n or more in system).
func (q ErlangA) ProbWait() float64 {
	st, ok := q.state()
	if !ok {
		return math.NaN()
	}
	return st.pw
}

// ProbAbandon is P(Ab), the fraction of arrivals who hang up before
// being served: θ·E[Q]/λ = θ·E[W].
func (q ErlangA) ProbAbandon() float64 {
	st, ok := q.state()
	if !ok {
		return math.NaN()
	}
	return st.pab
}

// MeanWait is E[W] in hours, the mean time in queue over all arrivals —
// those answered at once (W = 0), those served after a wait, and those
// who abandon (their time until hanging up): E[W] = E[Q]/λ = P(Ab)/θ.
func (q ErlangA) MeanWait() float64 {
	st, ok := q.state()
	if !ok {
		return math.NaN()
	}
	return st.wait
}

// ServiceLevel is the fraction of all arrivals that are served with a
// wait of at most t hours, P(W ≤ t, served) — the telephone service
// factor with abandoners counted as missing the target (the strictest
// of the usual TSF definitions; divide by 1 − ProbAbandon for the share
// of served calls). With V the offered wait (the wait of an infinitely
// patient caller), P(V > t | V > 0) = γ(x, y·e^(−θt))/γ(x, y)
// (Mandelbaum & Zeltyn 2007), and integrating the patience survival
// e^(−θs) against its density gives, with z = y·e^(−θt),
//
//	ServiceLevel(t) = 1 − P(W>0) + P(W>0)·[T(y) − e^(−nμt + y(1−e^(−θt)))·T(z)]/(ρ·S(y)),
//
// T = S − 1. It is 1 − P(W > 0) at t = 0, 1 − P(Ab) as t → ∞, 0 for
// t < 0 and NaN for NaN t. For θ = 0 it is 1 − C·e^(−(nμ−λ)t).
func (q ErlangA) ServiceLevel(t float64) float64 {
	st, ok := q.state()
	switch {
	case !ok || math.IsNaN(t):
		return math.NaN()
	case t < 0:
		return 0
	case math.IsInf(t, 1):
		return 1 - st.pab
	case st.pw == 0:
		return 1
	case st.limit && st.rho >= 1:
		return 0
	case st.limit:
		return 1 - st.pw*math.Exp(-(float64(q.Agents)*q.Service-q.Arrival)*t)
	}
	served := math.Exp(st.tail.lnT-st.tail.lnS) / st.rho // P(served | W > 0)
	zt := st.y * math.Exp(-q.Abandon*t)
	// ln P(V > t | served, W > 0), ≤ 0 (clamped against rounding).
	late := math.Min(0, lateExponent(st.x, st.y, zt, q.Abandon*t)+erlangATail(st.x, zt).lnT-st.tail.lnT)
	return 1 - st.pw - st.pw*served*math.Expm1(late)
}

// lateExponent is E + peak(z) − peak(y) for E = −nμt + y(1 − e^(−θt)),
// the exponent of ServiceLevel with the tails' peaks taken out. Since
// E = bd0(x, y) − bd0(x, z) (as z = y·e^(−θt)), it is 0 when z ≥ x,
// −bd0(x, z) when y ≥ x > z, and E itself, computed directly, when y < x.
func lateExponent(x, y, z, thetaT float64) float64 {
	switch {
	case z >= x:
		return 0
	case y >= x:
		return -bd0(x, z)
	}
	return -x*thetaT - y*math.Expm1(-thetaT)
}

// tailSums describes the queue part of the Erlang-A chain relative to
// π_n, in logarithms split as ln S = peak + lnS so that the huge common
// factor e^peak of an overloaded queue cancels exactly between states:
// peak = bd0(x, z) when z ≥ x (the log of the largest t_j, to leading
// order) and 0 otherwise; lnT is ln(S − 1) − peak; meanQ = M/S is the
// mean queue length seen by an arrival who has to wait.
type tailSums struct{ peak, lnS, lnT, meanQ float64 }

// erlangATail evaluates S(z) = Σ_j t_j and M(z) = Σ_j j·t_j with
// t_j = Π_{i≤j} z/(x+i) by the method that is exact and cheap there:
//   - z < x and at most tailDirectMax terms matter: the sum itself;
//   - x > tailQuadMin: the integral form, by quadrature (tailQuad);
//   - otherwise (z ≥ x, x ≤ tailQuadMin): the incomplete gamma function
//     (tailClosed).
//
// Every branch does bounded work, so the Erlang-A cost is O(n) for all θ.
func erlangATail(x, z float64) tailSums {
	if z < x && math.Min(40/-math.Log(z/x), 11*math.Sqrt(x)+10) <= tailDirectMax {
		return tailDirect(x, z)
	}
	if x > tailQuadMin {
		return tailQuad(x, z)
	}
	return tailClosed(x, z)
}

// tailDirect sums t_j term by term (z < x: the terms fall, at least
// geometrically, so the sum stops after about 40/ln(x/z) terms and at
// most about 11√x).
func tailDirect(x, z float64) tailSums {
	u, t, m := 1.0, 0.0, 0.0
	for j := 1.0; j <= 2*tailDirectMax; j++ {
		u *= z / (x + j)
		t += u
		m += j * u
		if u <= tailEps*(1+t) {
			break
		}
	}
	return tailSums{lnS: math.Log1p(t), lnT: math.Log(t), meanQ: m / (1 + t)}
}

// tailClosed uses S(z) = P(x, z)/p(x; z), P the regularized lower
// incomplete gamma function (gonum mathext.GammaIncReg, accurate for
// x ≤ tailQuadMin) and p(x; z) = e^(−z)·z^x/Γ(x+1), whose logarithm
// Loader's (2000) saddle-point form gives without cancellation:
// −ln p = stirlerr(x) + bd0(x, z) + ½·ln(2πx). M follows from the balance
// of the chain, θ·M = λS − nμ(S − 1), i.e. M/S = z − x + x/S (no
// cancellation for z ≥ x, where it is used).
func tailClosed(x, z float64) tailSums {
	ts := tailSums{lnS: math.Log(mathext.GammaIncReg(x, z)) + stirlerr(x) + 0.5*math.Log(2*math.Pi*x)}
	if z >= x {
		ts.peak = bd0(x, z)
	} else {
		ts.lnS += bd0(x, z)
	}
	return ts.finish(x, z, z-x+x*math.Exp(-ts.peak-ts.lnS))
}

// finish sets lnT = ln(S − 1) − peak and meanQ.
func (ts tailSums) finish(x, z, meanQ float64) tailSums {
	ts.lnT = ts.lnS + math.Log1p(-math.Exp(-ts.peak-ts.lnS))
	ts.meanQ = meanQ
	return ts
}

// tailQuad evaluates the integral forms (substitute s = z·e^(−v) in γ):
//
//	S = x·∫₀^∞ e^(ψ(v)) dv,  M = z·dS/dz = z·x·∫₀^∞ (1 − e^(−v))·e^(ψ(v)) dv,
//	ψ(v) = −x·v + z·(1 − e^(−v)),
//
// both with positive integrands. ψ is concave with its maximum at
// v₀ = ln(z/x) (ψ(v₀) = bd0(x, z), the peak) when z > x, else at v₀ = 0.
// With c = min(x, z) and d = x − c, ψ(v₀+u) − ψ(v₀) = −h(u),
// h(u) = d·u + c·(u + e^(−u) − 1), computed with expm1; the integrals run
// over h ≤ tailQuadSpan (the rest is below e^(−60)) by composite 16-point
// Gauss–Legendre quadrature on 8 panels. For x > 10⁴ the integrand is
// smooth on the scale of that range (nearly Gaussian, or exponential),
// and the rule agrees with the plain sum to about 10⁻¹² (see the tests).
func tailQuad(x, z float64) tailSums {
	var ts tailSums
	v0, c := 0.0, math.Min(x, z)
	if z > x {
		v0, ts.peak = math.Log(z/x), bd0(x, z)
	}
	d := x - c
	h := func(u float64) float64 { return d*u + c*(u+math.Expm1(-u)) }
	dh := func(u float64) float64 { return d - c*math.Expm1(-u) }
	// h(u) ≥ d·u, h(u) ≥ c·(u − 1) and, for u < 0, h(u) ≥ c·u²/2 bound the roots.
	lo, hi := -math.Min(v0, math.Sqrt(2*tailQuadSpan/c)), newtonConvex(h, dh, math.Min(tailQuadSpan/d, tailQuadSpan/c+1))
	if h(lo) > tailQuadSpan {
		lo = newtonConvex(h, dh, lo)
	}
	nodes, weights := gaussLegendre16()
	half := (hi - lo) / (2 * tailQuadPanels)
	var i0, i1 float64
	for p := 0.0; p < tailQuadPanels; p++ {
		mid := lo + (2*p+1)*half
		for k, node := range nodes {
			for _, u := range [2]float64{mid - node*half, mid + node*half} {
				w := weights[k] * half * math.Exp(-h(u))
				i0 += w
				i1 -= w * math.Expm1(-(v0 + u))
			}
		}
	}
	ts.lnS = math.Log(x) + math.Log(i0)
	return ts.finish(x, z, z*i1/i0)
}

// newtonConvex solves h(u) = tailQuadSpan for convex h by Newton's
// method from a start u where h(u) ≥ tailQuadSpan, from which the
// iterates move monotonically to the root on that side.
func newtonConvex(h, dh func(float64) float64, u float64) float64 {
	for range 100 {
		step := (h(u) - tailQuadSpan) / dh(u)
		u -= step
		if math.Abs(step) <= 1e-12*math.Abs(u) {
			break
		}
	}
	return u
}

// gaussLegendre16 returns the positive nodes and their weights of the
// 16-point Gauss–Legendre rule on [−1, 1], by Newton's method on the
// Legendre polynomial P₁₆ (its three-term recurrence).
func gaussLegendre16() (nodes, weights [8]float64) {
	const n = 16
	for i := range nodes {
		x, dp := math.Cos(math.Pi*(float64(i)+0.75)/(n+0.5)), 0.0
		for range 100 {
			p0, p1 := 1.0, x
			for k := 2.0; k <= n; k++ {
				p0, p1 = p1, ((2*k-1)*x*p1-(k-1)*p0)/k
			}
			dp = n * (x*p1 - p0) / (x*x - 1)
			step := p1 / dp
			x -= step
			if math.Abs(step) < 1e-16 {
				break
			}
		}
		nodes[i], weights[i] = x, 2/((1-x*x)*dp*dp)
	}
	return nodes, weights
}

// bd0 is x·ln(x/z) + z − x ≥ 0, by Loader's (2000) series when x ≈ z.
func bd0(x, z float64) float64 {
	if math.Abs(x-z) >= 0.1*(x+z) {
		return x*math.Log(x/z) + z - x
	}
	v := (x - z) / (x + z)
	s := (x - z) * v
	ej := 2 * x * v
	v *= v
	for j := 3.0; ; j += 2 {
		ej *= v
		next := s + ej/j
		if next == s {
			return s
		}
		s = next
	}
}

// stirlerr is ln Γ(x+1) − [(x+½)·ln x − x + ½·ln 2π], the error of
// Stirling's formula: directly for x < 15, else its asymptotic series
// 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹).
func stirlerr(x float64) float64 {
	if x < 15 {
		lg, _ := math.Lgamma(x + 1)
		return lg - (x+0.5)*math.Log(x) + x - 0.5*math.Log(2*math.Pi)
	}
	x2 := 1 / (x * x)
	return (1.0/12 - x2*(1.0/360-x2*(1.0/1260-x2*(1.0/1680-x2/1188)))) / x
}

// AgentsForWait is the smallest number of agents n at which the Erlang-A
// queue with the given rates (per hour) has mean wait E[W] ≤ targetWait
// hours over all arrivals (ErlangA.MeanWait). A target ≤ 0 means "no
// waiting", taken as E[W] ≤ 10⁻³/service. See minAgents for the search,
// the cap and the errors.
func AgentsForWait(arrival, service, abandon, targetWait float64) (int, error) {
	if math.IsNaN(targetWait) {
		return 0, errors.New("policies: AgentsForWait: NaN target")
	}
	if targetWait <= 0 {
		targetWait = noWaitFraction / service
	}
	return minAgents(arrival, service, abandon, func(q ErlangA) bool { return q.MeanWait() <= targetWait })
}

// AgentsForAbandon is the smallest number of agents n at which at most
// the fraction maxAbandon of arrivals abandon (ErlangA.ProbAbandon).
// See minAgents for the search, the cap and the errors.
func AgentsForAbandon(arrival, service, abandon, maxAbandon float64) (int, error) {
	if math.IsNaN(maxAbandon) {
		return 0, errors.New("policies: AgentsForAbandon: NaN target")
	}
	return minAgents(arrival, service, abandon, func(q ErlangA) bool { return q.ProbAbandon() <= maxAbandon })
}

// AgentsForServiceLevel is the smallest number of agents n at which at
// least the fraction level of arrivals is served within t hours
// (ErlangA.ServiceLevel), e.g. the "80/20" rule is level 0.8,
// t = 20/3600. See minAgents for the search, the cap and the errors.
func AgentsForServiceLevel(arrival, service, abandon, t, level float64) (int, error) {
	if math.IsNaN(t) || math.IsNaN(level) {
		return 0, errors.New("policies: AgentsForServiceLevel: NaN target")
	}
	return minAgents(arrival, service, abandon, func(q ErlangA) bool { return q.ServiceLevel(t) >= level })
}

// minAgents is the smallest n ≥ 1 for which meets(ErlangA{…, Agents: n})
// holds, found by bisection (the Erlang-A measures are monotone in n), so
// it costs O(log(a)·a) for a = arrival/service. The search is capped at
// ⌈a + 10√a + 50⌉ agents, which is returned when even it misses the target
// (an unreachable target, e.g. no abandonment at all with θ > 0). It
// returns an error for rates that ErlangA rejects or a load above 10⁷ Erlangs.
func minAgents(arrival, service, abandon float64, meets func(ErlangA) bool) (int, error) {
	q := ErlangA{Arrival: arrival, Service: service, Abandon: abandon, Agents: 1}
	if !q.valid() || arrival/service > maxErlangs {
		return 0, fmt.Errorf("policies: Erlang-A staffing: invalid rates λ=%g μ=%g θ=%g (want finite, λ, θ ≥ 0, μ > 0, λ/μ ≤ %g)",
			arrival, service, abandon, maxErlangs)
	}
	lo, hi := 0, int(staffCap(arrival/service)) // meets(lo) is taken as false
	if q.Agents = hi; !meets(q) {
		return hi, nil
	}
	for hi-lo > 1 {
		q.Agents = lo + (hi-lo)/2
		if meets(q) {
			hi = q.Agents
		} else {
			lo = q.Agents
		}
	}
	return hi, nil
}
