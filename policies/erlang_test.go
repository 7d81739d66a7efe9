package policies

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// relErr is |got − want|/|want| (or |got| when want is 0).
func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// waitC is the Erlang C mean wait in queue for c agents, by policies.go.
func waitC(c, a, h float64) float64 { return ErlangC(c, a) * h / (c - a) }

func TestStaffForTarget(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		arrivals, handle, wait float64
		want                   float64 // 0: check minimality only
	}{
		{"idle", 0, 0.5, 0.1, 1},
		{"no handling", 500, 0, 0.1, 1},
		{"infinite target", 8 * HoursPerWeek, 1, math.Inf(1), 9},
		{"c10 a8", 8 * HoursPerWeek, 1, waitC(10, 8, 1) * (1 + 1e-12), 10},
		{"c10 a8 just under", 8 * HoursPerWeek, 1, waitC(10, 8, 1) * (1 - 1e-12), 11},
		{"small load", 100, 0.25, 0.05, 0},
		{"integer load", 2 * HoursPerWeek, 1, 0.01, 0},
		{"large load", 9000 * HoursPerWeek / 0.2, 0.2, 1.0 / 3600, 0},
		{"zero target", 50 * HoursPerWeek, 1, 0, 0},
		{"negative target", 50 * HoursPerWeek, 1, -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := StaffForTarget(tc.arrivals, tc.handle, tc.wait)
			if err != nil {
				t.Fatal(err)
			}
			a := tc.arrivals * tc.handle / HoursPerWeek
			if c != math.Floor(c) || c < 1 || c < math.Floor(a)+1 {
				t.Fatalf("StaffForTarget = %g, want a whole number ≥ max(1, ⌊%g⌋+1)", c, a)
			}
			if tc.want != 0 && c != tc.want {
				t.Fatalf("StaffForTarget = %g, want %g", c, tc.want)
			}
			target := tc.wait
			if target <= 0 {
				target = 1e-3 * tc.handle
			}
			if a > 0 && waitC(c, a, tc.handle) > target {
				t.Errorf("W_q(%g) = %g > target %g", c, waitC(c, a, tc.handle), target)
			}
			if c-1 > a && waitC(c-1, a, tc.handle) <= target {
				t.Errorf("W_q(%g) = %g already meets %g", c-1, waitC(c-1, a, tc.handle), target)
			}
		})
	}
}

func TestStaffForTargetCapAndErrors(t *testing.T) {
	a := 50.0
	c, err := StaffForTarget(a*HoursPerWeek, 1, 1e-300)
	if err != nil || c != math.Ceil(a+10*math.Sqrt(a)+50) {
		t.Errorf("unreachable target: got %g, %v, want the cap %g", c, err, math.Ceil(a+10*math.Sqrt(a)+50))
	}
	for _, in := range [][3]float64{
		{math.NaN(), 1, 1}, {1, math.NaN(), 1}, {1, 1, math.NaN()}, {math.Inf(1), 1, 1},
		{1, math.Inf(1), 1}, {-1, 1, 1}, {1, -1, 1}, {1e9 * HoursPerWeek, 1, 1},
	} {
		if c, err := StaffForTarget(in[0], in[1], in[2]); err == nil {
			t.Errorf("StaffForTarget(%v) = %g, want an error", in, c)
		}
	}
}

// TestErlangCKnown: c = 10, a = 8 gives C ≈ 0.4092 (the Erlang B
// recursion by hand: B(10, 8) = 0.12166, C = 10B/(10 − 8(1 − B))).
func TestErlangCKnown(t *testing.T) {
	b := 1.0
	for k := 1; k <= 10; k++ {
		b = 8 * b / (float64(k) + 8*b)
	}
	want := 10 * b / (10 - 8*(1-b))
	if math.Abs(want-0.4092) > 5e-5 {
		t.Fatalf("recursion gives C(10, 8) = %.6f, want ≈ 0.4092", want)
	}
	q := ErlangA{Arrival: 8, Service: 1, Agents: 10}
	if got := q.ProbWait(); relErr(got, want) > 1e-14 || relErr(ErlangC(10, 8), want) > 1e-14 {
		t.Errorf("C(10, 8): Erlang-A θ=0 %.15f, ErlangC %.15f, recursion %.15f", got, ErlangC(10, 8), want)
	}
	if got := q.MeanWait(); relErr(got, want/2) > 1e-14 {
		t.Errorf("W_q(10, 8) = %g, want %g", got, want/2)
	}
}

// bdRef is the Erlang-A steady state read off the birth–death chain:
// π_k ∝ a^k/k! for k ≤ n and π_{n+j} = π_n·Π_{i≤j} λ/(nμ + iθ), summed in
// log space until the queue's terms past its mode fall below e^(−40) of
// its largest.
type bdRef struct {
	pw, pab, wait float64
	queue         []float64 // P(an arrival finds n + j in system)
}

func birthDeath(q ErlangA) bdRef {
	n, lam, nmu := q.Agents, q.Arrival, float64(q.Agents)*q.Service
	lw := make([]float64, 0, n+1)
	for k := 0; k <= n; k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		lw = append(lw, float64(k)*math.Log(lam/q.Service)-lg)
	}
	top, topQ := math.Inf(-1), lw[n]
	for _, v := range lw {
		top = math.Max(top, v)
	}
	for j := 1.0; ; j++ {
		next := lw[len(lw)-1] + math.Log(lam/(nmu+j*q.Abandon))
		lw = append(lw, next)
		top, topQ = math.Max(top, next), math.Max(topQ, next)
		if nmu+j*q.Abandon > lam && next < topQ-40 {
			break
		}
	}
	var z, pw, eq float64
	queue := make([]float64, len(lw)-n)
	for k, v := range lw {
		p := math.Exp(v - top)
		z += p
		if k >= n {
			pw += p
			eq += float64(k-n) * p
			queue[k-n] = p
		}
	}
	for j := range queue {
		queue[j] /= z
	}
	return bdRef{pw: pw / z, pab: q.Abandon * eq / z / lam, wait: eq / z / lam, queue: queue}
}

// erlangACases spans the regimes of erlangATail: direct sums, Watson's
// expansion, the closed form (overloaded, critical, near-critical with a
// huge x = nμ/θ, tiny x), and the sizes of the brief (n to 10⁴, a to 9000).
var erlangACases = []ErlangA{
	{Arrival: 8, Service: 1, Abandon: 0.5, Agents: 10},
	{Arrival: 0.5, Service: 1, Abandon: 1, Agents: 1},
	{Arrival: 5, Service: 1, Abandon: 0.1, Agents: 1},
	{Arrival: 95, Service: 1, Abandon: 0.01, Agents: 100},
	{Arrival: 120, Service: 1, Abandon: 0.2, Agents: 100},
	{Arrival: 90, Service: 6, Abandon: 12, Agents: 16},
	{Arrival: 950, Service: 1, Abandon: 1e-4, Agents: 1000},
	{Arrival: 999, Service: 1, Abandon: 1e-3, Agents: 1000},
	{Arrival: 999.5, Service: 1, Abandon: 1e-5, Agents: 1000}, // closed form, x = 10⁸
	{Arrival: 998, Service: 1, Abandon: 1e-5, Agents: 1000},   // Watson
	{Arrival: 9000, Service: 1, Abandon: 2, Agents: 1000},
	{Arrival: 9000, Service: 1, Abandon: 1, Agents: 9000},
	{Arrival: 9000, Service: 1, Abandon: 1, Agents: 10000},
	{Arrival: 9900, Service: 1, Abandon: 0.1, Agents: 10000},
	{Arrival: 3, Service: 1, Abandon: 50, Agents: 2},
	{Arrival: 0.3, Service: 1, Abandon: 100, Agents: 1},
	{Arrival: 1e-6, Service: 1, Abandon: 1, Agents: 5},
	{Arrival: 10, Service: 1, Abandon: 1, Agents: 50},
}

func TestErlangAVsBirthDeath(t *testing.T) {
	for _, q := range erlangACases {
		ref := birthDeath(q)
		for _, m := range []struct {
			name      string
			got, want float64
		}{
			{"P(W>0)", q.ProbWait(), ref.pw},
			{"P(Ab)", q.ProbAbandon(), ref.pab},
			{"E[W]", q.MeanWait(), ref.wait},
		} {
			if e := relErr(m.got, m.want); !(e <= 1e-9) {
				t.Errorf("%+v %s = %.15g, birth–death %.15g (rel. error %.2g)", q, m.name, m.got, m.want, e)
			}
		}
	}
}

// slRef is P(served within t) from the birth–death queue distribution and
// the tagged caller's chain: with i callers ahead, the caller moves up at
// rate nμ + iθ (served when it moves up from i = 0) and abandons at rate θ;
// solved by uniformization at rate Λ = nμ + (J+1)θ.
func slRef(q ErlangA, ref bdRef, t float64) float64 {
	nmu, th, jmax := float64(q.Agents)*q.Service, q.Abandon, len(ref.queue)-1
	lam := nmu + float64(jmax+1)*th
	s, next := make([]float64, jmax+1), make([]float64, jmax+1)
	u := make([]float64, jmax+1)
	lt := lam * t
	kmax := int(lt + 12*math.Sqrt(lt) + 30)
	logw := -lt // log Poisson(k; Λt)
	for k := 1; k <= kmax; k++ {
		for i := range s {
			up := 1.0
			if i > 0 {
				up = s[i-1]
			}
			down := (nmu + float64(i)*th) / lam
			next[i] = down*up + (1-down-th/lam)*s[i]
		}
		s, next = next, s
		logw += math.Log(lt / float64(k))
		for i := range u {
			u[i] += math.Exp(logw) * s[i]
		}
	}
	sl := 1 - ref.pw
	for j, p := range ref.queue {
		sl += p * u[j]
	}
	return sl
}

func TestErlangAServiceLevelVsChain(t *testing.T) {
	short := []float64{0, 0.001, 0.01, 0.05}
	for _, c := range []struct {
		q     ErlangA
		times []float64
	}{
		{ErlangA{Arrival: 8, Service: 1, Abandon: 0.5, Agents: 10}, nil},
		{ErlangA{Arrival: 22, Service: 1, Abandon: 2, Agents: 20}, nil},
		{ErlangA{Arrival: 5, Service: 1, Abandon: 0.3, Agents: 2}, nil},
		{ErlangA{Arrival: 3, Service: 1, Abandon: 20, Agents: 2}, nil},
		{ErlangA{Arrival: 22, Service: 1, Abandon: 1e-3, Agents: 20}, nil},        // quadrature, overloaded
		{ErlangA{Arrival: 999.5, Service: 1, Abandon: 1e-5, Agents: 1000}, short}, // quadrature, near-critical
	} {
		ref, times := birthDeath(c.q), c.times
		if times == nil {
			times = []float64{0, 0.001, 0.01, 0.1, 0.5, 2}
		}
		for _, tt := range times {
			got, want := c.q.ServiceLevel(tt), slRef(c.q, ref, tt)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%+v ServiceLevel(%g) = %.12f, chain %.12f", c.q, tt, got, want)
			}
		}
		if got := c.q.ServiceLevel(math.Inf(1)); math.Abs(got-(1-ref.pab)) > 1e-9 {
			t.Errorf("%+v ServiceLevel(∞) = %.12f, want 1 − P(Ab) = %.12f", c.q, got, 1-ref.pab)
		}
	}
}

// plainTail is S, T = S − 1 and M/S by summing t_j = Π_{i≤j} z/(x+i)
// term by term, rescaling to stay in range.
func plainTail(x, z float64) (lnS, lnT, meanQ float64) {
	scale, one, u, t, m := 0.0, 1.0, 1.0, 0.0, 0.0
	for j := 1.0; z > x+j || u > 1e-18*(t+one); j++ {
		u *= z / (x + j)
		t += u
		m += j * u
		if u > 1e200 {
			scale += math.Log(1e200)
			one, u, t, m = one/1e200, u/1e200, t/1e200, m/1e200
		}
	}
	return scale + math.Log(t+one), scale + math.Log(t), m / (t + one)
}

// TestErlangATails checks each evaluation of S and M (sum, incomplete
// gamma, quadrature) against the plain sum, across its regime.
func TestErlangATails(t *testing.T) {
	for _, c := range []struct {
		x, z float64
		how  func(x, z float64) tailSums
		name string
	}{
		{50, 40, tailDirect, "direct"}, {1e6, 9.9e5, tailDirect, "direct"},
		{1e4, 1.2e4, tailClosed, "closed"}, {1e4, 1e4, tailClosed, "closed"}, {50, 80, tailClosed, "closed"},
		{200, 203, tailClosed, "closed"}, {0.5, 3, tailClosed, "closed"}, {0.01, 0.03, tailClosed, "closed"},
		{3, 9000, tailClosed, "closed"}, {1e4, 9e4, tailClosed, "closed"},
		{2e4, 2e4, tailQuad, "quad"}, {2e4, 2.1e4, tailQuad, "quad"}, {1e5, 3e5, tailQuad, "quad"},
		{1e6, 1.001e6, tailQuad, "quad"}, {1e8, 9.98e7, tailQuad, "quad"}, {1e8, 9.995e7, tailQuad, "quad"},
		{1e8, 1.0001e8, tailQuad, "quad"}, {3e7, 2.99e7, tailQuad, "quad"}, {1e5, 9e4, tailQuad, "quad"},
		{1e10, 9.999e9, erlangATail, "erlangATail"}, {1e12, 1e12 + 1e6, erlangATail, "erlangATail"},
		{1e12, 1e12 - 1e6, erlangATail, "erlangATail"}, {1e4, 1.5e4, erlangATail, "erlangATail"},
	} {
		got := c.how(c.x, c.z)
		lnS, lnT, meanQ := plainTail(c.x, c.z)
		tol := 1e-10 + 1e-13*lnS
		if math.Abs(got.peak+got.lnS-lnS) > tol || math.Abs(got.peak+got.lnT-lnT) > tol || relErr(got.meanQ, meanQ) > 1e-9 {
			t.Errorf("%s(%g, %g) = %+v, plain sum ln S %.12g ln T %.12g M/S %.12g", c.name, c.x, c.z, got, lnS, lnT, meanQ)
		}
	}
}

func TestErlangAMonotone(t *testing.T) {
	prev := ErlangA{Arrival: 30, Service: 1, Abandon: 0.5, Agents: 1}
	for n := 2; n <= 60; n++ {
		q := prev
		q.Agents = n
		if !(q.ProbWait() <= prev.ProbWait() && q.ProbAbandon() < prev.ProbAbandon() &&
			q.MeanWait() < prev.MeanWait() && q.ServiceLevel(0.05) >= prev.ServiceLevel(0.05)-1e-15) {
			t.Errorf("n = %d does not improve on %d: P(W>0) %g→%g, P(Ab) %g→%g, E[W] %g→%g, SL %g→%g", n, n-1,
				prev.ProbWait(), q.ProbWait(), prev.ProbAbandon(), q.ProbAbandon(),
				prev.MeanWait(), q.MeanWait(), prev.ServiceLevel(0.05), q.ServiceLevel(0.05))
		}
		prev = q
	}
	q := ErlangA{Arrival: 30, Service: 1, Abandon: 0.5, Agents: 30}
	for tt, last := 0.0, -1.0; tt < 5; tt += 0.01 {
		if sl := q.ServiceLevel(tt); !(sl >= last-1e-15) || sl > 1-q.ProbAbandon()+1e-15 {
			t.Fatalf("ServiceLevel(%g) = %g after %g (ceiling %g)", tt, sl, last, 1-q.ProbAbandon())
		} else {
			last = sl
		}
	}
}

// TestErlangAPatienceLimit: θ → 0 gives Erlang C.
func TestErlangAPatienceLimit(t *testing.T) {
	for _, c := range []struct{ n, a float64 }{{10, 8}, {2, 1}, {100, 90}, {1000, 950}, {10000, 9000}} {
		for _, th := range []float64{1e-9, 0} {
			q := ErlangA{Arrival: c.a, Service: 1, Abandon: th, Agents: int(c.n)}
			cw := ErlangC(c.n, c.a)
			tol := 1e-6
			if th == 0 {
				tol = 1e-12
			}
			if e := relErr(q.ProbWait(), cw); e > tol {
				t.Errorf("θ=%g n=%g a=%g: P(W>0) = %.12g, ErlangC %.12g", th, c.n, c.a, q.ProbWait(), cw)
			}
			if e := relErr(q.MeanWait(), cw/(c.n-c.a)); e > tol {
				t.Errorf("θ=%g n=%g a=%g: E[W] = %.12g, Erlang C %.12g", th, c.n, c.a, q.MeanWait(), cw/(c.n-c.a))
			}
			if sl, want := q.ServiceLevel(0.3), 1-cw*math.Exp(-(c.n-c.a)*0.3); math.Abs(sl-want) > tol {
				t.Errorf("θ=%g n=%g a=%g: SL = %.12g, Erlang C %.12g", th, c.n, c.a, sl, want)
			}
			if pab := q.ProbAbandon(); pab > 2*th*q.MeanWait() {
				t.Errorf("θ=%g: P(Ab) = %g", th, pab)
			}
		}
	}
	// Overloaded with θ → 0: the fluid limit P(Ab) → 1 − nμ/λ.
	for _, th := range []float64{1e-9, 0} {
		q := ErlangA{Arrival: 12, Service: 1, Abandon: th, Agents: 10}
		if math.Abs(q.ProbAbandon()-1.0/6) > 1e-6 || q.ProbWait() < 1-1e-12 || q.ServiceLevel(1) > 1e-6 {
			t.Errorf("θ=%g overloaded: P(Ab) %g P(W>0) %g SL %g", th, q.ProbAbandon(), q.ProbWait(), q.ServiceLevel(1))
		}
	}
}

// TestErlangAArrivalLimit: λ → 0 leaves nobody waiting.
func TestErlangAArrivalLimit(t *testing.T) {
	for _, lam := range []float64{0, 1e-300, 1e-12, 1e-6} {
		q := ErlangA{Arrival: lam, Service: 1, Abandon: 2, Agents: 3}
		// P(W>0) ≈ a³/3! and E[W] ≈ P(W>0)/(nμ + θ) as a → 0.
		pw := math.Pow(lam, 3) / 6
		if relErr(q.ProbWait(), pw) > 1e-5 || relErr(q.MeanWait(), pw/5) > 1e-5 ||
			relErr(q.ProbAbandon(), 2*pw/5) > 1e-5 || q.ServiceLevel(0) != 1-q.ProbWait() {
			t.Errorf("λ=%g: P(W>0) %g E[W] %g P(Ab) %g SL(0) %g, want ≈ %g, %g, %g, 1", lam,
				q.ProbWait(), q.MeanWait(), q.ProbAbandon(), q.ServiceLevel(0), pw, pw/5, 2*pw/5)
		}
	}
}

// TestErlangALarge: large and extreme parameters stay finite and sane.
func TestErlangALarge(t *testing.T) {
	for _, n := range []int{1, 100, 1000, 9000, 10000} {
		for _, a := range []float64{1, 900, 8999, 9000, 9001} {
			for _, th := range []float64{0, 1e-12, 1e-9, 1e-5, 1e-2, 1, 1e3, 1e9} {
				q := ErlangA{Arrival: a, Service: 1, Abandon: th, Agents: n}
				pw, pab, w := q.ProbWait(), q.ProbAbandon(), q.MeanWait()
				sl0, sl1 := q.ServiceLevel(0.01), q.ServiceLevel(1)
				ok := pw >= 0 && pw <= 1 && pab >= 0 && pab <= 1 && w >= 0 &&
					sl0 >= 0 && sl0 <= sl1+1e-12 && sl1 <= 1-pab+1e-9
				if !ok {
					t.Errorf("%+v: P(W>0) %g P(Ab) %g E[W] %g SL %g %g", q, pw, pab, w, sl0, sl1)
				}
			}
		}
	}
}

func TestErlangAInvalid(t *testing.T) {
	for _, q := range []ErlangA{
		{Arrival: -1, Service: 1, Agents: 1}, {Arrival: 1, Service: 0, Agents: 1},
		{Arrival: 1, Service: 1, Abandon: -1, Agents: 1}, {Arrival: 1, Service: 1, Agents: 0},
		{Arrival: math.NaN(), Service: 1, Agents: 1}, {Arrival: 1, Service: math.Inf(1), Agents: 1},
		{Arrival: 1, Service: 1, Abandon: math.Inf(1), Agents: 1},
	} {
		if v := []float64{q.ProbWait(), q.ProbAbandon(), q.MeanWait(), q.ServiceLevel(1)}; !math.IsNaN(v[0] + v[1] + v[2] + v[3]) {
			t.Errorf("%+v: got %v, want NaN", q, v)
		}
	}
	if v := (ErlangA{Arrival: 1, Service: 1, Agents: 2}).ServiceLevel(math.NaN()); !math.IsNaN(v) {
		t.Errorf("ServiceLevel(NaN) = %g", v)
	}
}

// simErlangA runs the M/M/n+M queue as its Markov chain, tracking each
// caller in FCFS order (memorylessness lets the abandoner be any queued
// caller, uniformly), and returns per-batch means of waited, abandoned,
// wait and served-within-t over the callers after a warm-up.
func simErlangA(q ErlangA, warm, count, batches int, t float64, rng *rand.Rand) [4][]float64 {
	type caller struct {
		at  float64
		idx int
	}
	var out [4][]float64
	for i := range out {
		out[i] = make([]float64, batches)
	}
	per := count / batches
	record := func(idx, k int, v float64) {
		if idx >= warm && idx < warm+per*batches {
			out[k][(idx-warm)/per] += v / float64(per)
		}
	}
	var queue []caller
	now, busy := 0.0, 0
	for idx := 0; idx < warm+count+2000; {
		rate := q.Arrival + float64(busy)*q.Service + float64(len(queue))*q.Abandon
		now += rng.ExpFloat64() / rate
		switch u := rng.Float64() * rate; {
		case u < q.Arrival:
			record(idx, 0, b2f(busy == q.Agents))
			if busy < q.Agents {
				busy++
				record(idx, 3, 1)
			} else {
				queue = append(queue, caller{now, idx})
			}
			idx++
		case u < q.Arrival+float64(busy)*q.Service:
			if len(queue) == 0 {
				busy--
				break
			}
			c := queue[0]
			queue = queue[1:]
			record(c.idx, 2, now-c.at)
			record(c.idx, 3, b2f(now-c.at <= t))
		default:
			i := rng.IntN(len(queue))
			c := queue[i]
			queue = append(queue[:i], queue[i+1:]...)
			record(c.idx, 1, 1)
			record(c.idx, 2, now-c.at)
		}
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestErlangAMonteCarlo compares the formulas with a simulation of 200k
// callers; the tolerance is four batch-means standard errors.
func TestErlangAMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, q := range []ErlangA{
		{Arrival: 10, Service: 1, Abandon: 1, Agents: 10},
		{Arrival: 90, Service: 6, Abandon: 12, Agents: 14},
	} {
		const tt = 0.1
		out := simErlangA(q, 5000, 200000, 20, tt, rng)
		want := []float64{q.ProbWait(), q.ProbAbandon(), q.MeanWait(), q.ServiceLevel(tt)}
		for k, name := range []string{"P(W>0)", "P(Ab)", "E[W]", "SL"} {
			mean, se := batchMean(out[k])
			if math.Abs(mean-want[k]) > 4*se {
				t.Errorf("%+v %s: simulated %.5f ± %.5f, formula %.5f", q, name, mean, se, want[k])
			}
		}
	}
}

func batchMean(b []float64) (mean, se float64) {
	for _, v := range b {
		mean += v
	}
	mean /= float64(len(b))
	var ss float64
	for _, v := range b {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(b)-1) / float64(len(b)))
}

// TestAgentsFor: each staffing function returns the smallest n that
// meets its target.
func TestAgentsFor(t *testing.T) {
	const lam, mu, th = 90.0, 6.0, 12.0 // 90 calls/h, 10 min handle, 5 min patience
	const t20 = 20.0 / 3600
	for _, c := range []struct {
		name    string
		abandon float64
		find    func(abandon float64) (int, error)
		meets   func(ErlangA) bool
	}{
		{"wait 30s", th, func(ab float64) (int, error) { return AgentsForWait(lam, mu, ab, 30.0/3600) },
			func(q ErlangA) bool { return q.MeanWait() <= 30.0/3600 }},
		{"wait none", th, func(ab float64) (int, error) { return AgentsForWait(lam, mu, ab, 0) },
			func(q ErlangA) bool { return q.MeanWait() <= 1e-3/mu }},
		{"abandon 2%", th, func(ab float64) (int, error) { return AgentsForAbandon(lam, mu, ab, 0.02) },
			func(q ErlangA) bool { return q.ProbAbandon() <= 0.02 }},
		{"80/20", th, func(ab float64) (int, error) { return AgentsForServiceLevel(lam, mu, ab, t20, 0.8) },
			func(q ErlangA) bool { return q.ServiceLevel(t20) >= 0.8 }},
		{"Erlang C 80/20", 0, func(ab float64) (int, error) { return AgentsForServiceLevel(lam, mu, ab, t20, 0.8) },
			func(q ErlangA) bool { return q.ServiceLevel(t20) >= 0.8 }},
		{"Erlang C wait 30s", 0, func(ab float64) (int, error) { return AgentsForWait(lam, mu, ab, 30.0/3600) },
			func(q ErlangA) bool { return q.MeanWait() <= 30.0/3600 }},
		{"anything goes", th, func(ab float64) (int, error) { return AgentsForAbandon(lam, mu, ab, 1) },
			func(ErlangA) bool { return true }},
	} {
		n, err := c.find(c.abandon)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		q := ErlangA{Arrival: lam, Service: mu, Abandon: c.abandon, Agents: n}
		below := q
		below.Agents--
		if !c.meets(q) || (n > 1 && c.meets(below)) {
			t.Errorf("%s: n = %d (meets %v, n−1 meets %v)", c.name, n, c.meets(q), n > 1 && c.meets(below))
		}
	}
	// Erlang C agrees with StaffForTarget.
	n, _ := AgentsForWait(lam, mu, 0, 30.0/3600)
	if c, _ := StaffForTarget(lam*HoursPerWeek, 1/mu, 30.0/3600); float64(n) != c {
		t.Errorf("AgentsForWait(θ = 0) = %d, StaffForTarget = %g", n, c)
	}
	if n, err := AgentsForAbandon(lam, mu, th, 0); err != nil || n != int(math.Ceil(15+10*math.Sqrt(15)+50)) {
		t.Errorf("unreachable target: %d, %v, want the cap", n, err)
	}
	for _, f := range []func() (int, error){
		func() (int, error) { return AgentsForWait(math.NaN(), 1, 1, 1) },
		func() (int, error) { return AgentsForWait(1, 0, 1, 1) },
		func() (int, error) { return AgentsForWait(1, 1, 1, math.NaN()) },
		func() (int, error) { return AgentsForAbandon(1, 1, -1, 0.1) },
		func() (int, error) { return AgentsForServiceLevel(1, 1, 1, math.NaN(), 0.8) },
		func() (int, error) { return AgentsForServiceLevel(1e9, 1, 1, 1, 0.8) },
	} {
		if n, err := f(); err == nil {
			t.Errorf("invalid input gave %d and no error", n)
		}
	}
}

func ExampleErlangA() {
	// 90 calls an hour, 10-minute calls (μ = 6/h), 5-minute mean patience
	// (θ = 12/h), 16 agents.
	q := ErlangA{Arrival: 90, Service: 6, Abandon: 12, Agents: 16}
	fmt.Printf("P(wait)     %.4f\n", q.ProbWait())
	fmt.Printf("P(abandon)  %.4f\n", q.ProbAbandon())
	fmt.Printf("mean wait   %.1f s\n", q.MeanWait()*3600)
	fmt.Printf("within 20 s %.4f\n", q.ServiceLevel(20.0/3600))
	n, _ := AgentsForServiceLevel(90, 6, 12, 20.0/3600, 0.8)
	fmt.Println("agents for 80/20:", n)
	c, _ := StaffForTarget(90*HoursPerWeek, 1.0/6, 20.0/3600)
	fmt.Println("Erlang C agents for a 20 s mean wait:", c)
	// Output:
	// P(wait)     0.3691
	// P(abandon)  0.0891
	// mean wait   26.7 s
	// within 20 s 0.6847
	// agents for 80/20: 18
	// Erlang C agents for a 20 s mean wait: 20
}

func BenchmarkErlangA(b *testing.B) {
	q := ErlangA{Arrival: 950, Service: 1, Abandon: 0.5, Agents: 1000}
	for b.Loop() {
		_ = q.ProbAbandon()
	}
}

func BenchmarkErlangAServiceLevel(b *testing.B) {
	q := ErlangA{Arrival: 950, Service: 1, Abandon: 0.5, Agents: 1000}
	for b.Loop() {
		_ = q.ServiceLevel(0.01)
	}
}

// BenchmarkErlangAQuadrature: a near-critical queue with very patient
// callers (x = nμ/θ = 10⁸), where the tail is integrated numerically.
func BenchmarkErlangAQuadrature(b *testing.B) {
	q := ErlangA{Arrival: 999.5, Service: 1, Abandon: 1e-5, Agents: 1000}
	for b.Loop() {
		_ = q.ServiceLevel(0.01)
	}
}

func BenchmarkErlangALarge(b *testing.B) {
	q := ErlangA{Arrival: 9000, Service: 1, Abandon: 0.5, Agents: 10000}
	for b.Loop() {
		_ = q.ProbAbandon()
	}
}

func BenchmarkStaffForTarget(b *testing.B) {
	for b.Loop() {
		_, _ = StaffForTarget(900*HoursPerWeek, 1, 1.0/60)
	}
}

func BenchmarkAgentsForServiceLevel(b *testing.B) {
	for b.Loop() {
		_, _ = AgentsForServiceLevel(950, 1, 0.5, 1.0/60, 0.8)
	}
}
