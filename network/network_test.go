package network

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/redress-sim/redress/rng"
)

var testKey = rng.Base(20260101, 0).Purpose(99)

func build(t testing.TB, s Spec) *Graph {
	t.Helper()
	g, err := Build(testKey, s)
	if err != nil {
		t.Fatalf("Build(%+v): %v", s, err)
	}
	return g
}

// checkSimple verifies the graph invariants through the public API:
// Neighbours strictly ascending (sorted, no duplicates) with Degree(i)
// entries, AppendNeighbours the same set, ids in range, no self-loops,
// symmetry j ∈ N(i) ⇔ i ∈ N(j) (by HasEdge both ways), and Σd_i = 2·Edges.
func checkSimple(t *testing.T, g *Graph) {
	t.Helper()
	n := g.N()
	var sum int64
	var buf []int32
	for i := range n {
		nb := g.Neighbours(i)
		buf = g.AppendNeighbours(buf[:0], i)
		slices.Sort(buf)
		if len(nb) != g.Degree(i) || !slices.Equal(buf, nb) {
			t.Fatalf("node %d: Neighbours %v, AppendNeighbours %v, degree %d", i, nb, buf, g.Degree(i))
		}
		sum += int64(len(nb))
		for x, j := range nb {
			switch {
			case j < 0 || int(j) >= n:
				t.Fatalf("node %d: neighbour %d out of range", i, j)
			case int(j) == i:
				t.Fatalf("node %d: self-loop", i)
			case x > 0 && nb[x-1] >= j:
				t.Fatalf("node %d: list not strictly ascending at %d: %v", i, x, nb)
			case !g.HasEdge(int(j), i) || !g.HasEdge(i, int(j)):
				t.Fatalf("asymmetric: %d ∈ N(%d) but HasEdge(%d, %d) = %v", j, i, j, i, g.HasEdge(int(j), i))
			}
		}
	}
	if sum != 2*g.Edges() {
		t.Fatalf("degrees sum to %d, want 2 × %d edges", sum, g.Edges())
	}
}

// sameGraph reports whether a and b have the same neighbour sets and Stats.
func sameGraph(a, b *Graph) bool {
	if a.N() != b.N() || a.Edges() != b.Edges() || a.Stats() != b.Stats() {
		return false
	}
	for i := range a.N() {
		if !slices.Equal(a.Neighbours(i), b.Neighbours(i)) {
			return false
		}
	}
	return true
}

func TestValidate(t *testing.T) {
	sw := func(n int, k, p float64) Spec { return Spec{Kind: SmallWorld, N: n, MeanDegree: k, Rewire: p} }
	cf := func(n int, k float64, d Dist) Spec {
		return Spec{Kind: Configuration, N: n, MeanDegree: k, Dist: d, Sigma: 1, Exponent: 2.5}
	}
	with := func(s Spec, f func(*Spec)) Spec { f(&s); return s }
	bad := []struct {
		name string
		spec Spec
		want string
	}{
		{"one node", sw(1, 0, 0), "nodes"},
		{"zero nodes", cf(0, 1, Poisson), "nodes"},
		{"negative mean", cf(100, -1, Poisson), "mean degree"},
		{"NaN mean", cf(100, math.NaN(), Poisson), "mean degree"},
		{"mean = N", cf(100, 100, Poisson), "mean degree"},
		{"odd k", sw(100, 5, 0.1), "even integer"},
		{"fractional k", sw(100, 4.5, 0.1), "even integer"},
		{"k = N", sw(10, 10, 0.1), "mean degree"},
		{"p < 0", sw(100, 4, -0.1), "rewiring probability"},
		{"p > 1", sw(100, 4, 1.5), "rewiring probability"},
		{"p NaN", sw(100, 4, math.NaN()), "rewiring probability"},
		{"no kind", Spec{N: 100, MeanDegree: 4}, "kind"},
		{"no dist", cf(100, 4, 0), "distribution"},
		{"sigma 0", with(cf(100, 4, Lognormal), func(s *Spec) { s.Sigma = 0 }), "sigma"},
		{"exponent 1", with(cf(100, 4, PowerLaw), func(s *Spec) { s.Exponent = 1 }), "exponent"},
		{"max ≥ N", with(cf(100, 4, Poisson), func(s *Spec) { s.MaxDegree = 100 }), "maximum degree"},
		{"max < 0", with(cf(100, 4, Poisson), func(s *Spec) { s.MaxDegree = -1 }), "maximum degree"},
		{"mean ≥ max", with(cf(100, 8, PowerLaw), func(s *Spec) { s.MaxDegree = 8 }), "below the maximum"},
		{"unreachable mean", with(cf(1000, 59.9, Lognormal), func(s *Spec) { s.MaxDegree = 60 }), "cannot reach"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			g, err := Build(testKey, c.spec)
			if err == nil || g != nil {
				t.Fatalf("Build(%+v) = %v, nil error", c.spec, g)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "network: ") || !strings.Contains(msg, c.want) {
				t.Errorf("error %q: want prefix %q and %q", msg, "network: ", c.want)
			}
			if strings.Contains(msg, "-") && strings.Contains(msg, "flag") || strings.Contains(msg, "--") {
				t.Errorf("error %q mentions a flag", msg)
			}
		})
	}
	for _, s := range []Spec{sw(2, 0, 0), sw(3, 2, 1), cf(2, 0.5, Poisson), cf(2, 0, PowerLaw)} {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v): %v", s, err)
		}
	}
}

// specs is a set of graphs covering every generator and the edge cases.
var specs = []struct {
	name string
	spec Spec
}{
	{"no edges k=0", Spec{Kind: SmallWorld, N: 5, MeanDegree: 0, Rewire: 0.5}},
	{"triangle", Spec{Kind: SmallWorld, N: 3, MeanDegree: 2, Rewire: 1}},
	{"lattice k=2", Spec{Kind: SmallWorld, N: 50, MeanDegree: 2, LatticeOrder: true}},
	{"complete k=N-1", Spec{Kind: SmallWorld, N: 11, MeanDegree: 10, Rewire: 1}},
	{"ws N=12 k=10 p=1", Spec{Kind: SmallWorld, N: 12, MeanDegree: 10, Rewire: 1}},
	{"ws N=40 k=10 p=1", Spec{Kind: SmallWorld, N: 40, MeanDegree: 10, Rewire: 1}},
	{"ws N=5000 k=6 p=0.2", Spec{Kind: SmallWorld, N: 5000, MeanDegree: 6, Rewire: 0.2}},
	{"ws N=5000 k=10 p=1 ordered", Spec{Kind: SmallWorld, N: 5000, MeanDegree: 10, Rewire: 1, LatticeOrder: true}},
	{"empty", Spec{Kind: Configuration, N: 2, Dist: Poisson}},
	{"poisson N=2", Spec{Kind: Configuration, N: 2, MeanDegree: 0.5, Dist: Poisson}},
	{"poisson N=20 mean 15", Spec{Kind: Configuration, N: 20, MeanDegree: 15, Dist: Poisson}},
	{"poisson N=5000 mean 10", Spec{Kind: Configuration, N: 5000, MeanDegree: 10, Dist: Poisson}},
	{"lognormal N=5000", Spec{Kind: Configuration, N: 5000, MeanDegree: 8, Dist: Lognormal, Sigma: 1.2}},
	{"power law N=5000", Spec{Kind: Configuration, N: 5000, MeanDegree: 6, Dist: PowerLaw, Exponent: 2.2}},
}

func TestGraphsAreSimple(t *testing.T) {
	for _, c := range specs {
		t.Run(c.name, func(t *testing.T) {
			g := build(t, c.spec)
			checkSimple(t, g)
			st := g.Stats()
			if c.spec.Kind == SmallWorld {
				if want := int64(c.spec.N) * int64(c.spec.MeanDegree) / 2; g.Edges() != want {
					t.Errorf("%d edges, want N·k/2 = %d", g.Edges(), want)
				}
			} else if st.Stubs-st.ErasedStubs() != 2*g.Edges() {
				t.Errorf("stubs %d − erased %d ≠ 2 × %d edges", st.Stubs, st.ErasedStubs(), g.Edges())
			}
		})
	}
}

func latticeClustering(k int) float64 { return 3 * float64(k-2) / (4 * float64(k-1)) }

func TestSmallWorldLattice(t *testing.T) {
	for _, k := range []int{2, 4, 6, 10} {
		const n = 101
		lat := build(t, Spec{Kind: SmallWorld, N: n, MeanDegree: float64(k), LatticeOrder: true})
		for i := range n {
			var want []int32
			for j := 1; j <= k/2; j++ {
				want = append(want, int32((i+j)%n), int32((i-j+n)%n))
			}
			slices.Sort(want)
			if !slices.Equal(lat.Neighbours(i), want) {
				t.Fatalf("k=%d node %d: neighbours %v, want %v", k, i, lat.Neighbours(i), want)
			}
		}
		// Default labelling: the same lattice, relabelled.
		g := build(t, Spec{Kind: SmallWorld, N: n, MeanDegree: float64(k)})
		for name, h := range map[string]*Graph{"ordered": lat, "scattered": g} {
			if h.MaxDegree() != k || h.Edges() != n*int64(k)/2 || h.Stats().Rewired != 0 {
				t.Errorf("k=%d %s: max degree %d, %d edges", k, name, h.MaxDegree(), h.Edges())
			}
			for i := range n {
				if c := h.LocalClustering(i); math.Abs(c-latticeClustering(k)) > 1e-12 {
					t.Fatalf("k=%d %s node %d: C = %g, want 3(k−2)/(4(k−1)) = %g", k, name, i, c, latticeClustering(k))
				}
			}
		}
	}
}

// TestSmallWorldRewiring checks the rewired share (binomial, 4 SD), the
// exact mean degree, and clustering against C(0)(1−p)³ (Barrat & Weigt
// 2000) and, at p = 1, the random-graph level.
func TestSmallWorldRewiring(t *testing.T) {
	const n, k = 20000, 10
	for _, p := range []float64{0.01, 0.1, 0.3, 1} {
		g := build(t, Spec{Kind: SmallWorld, N: n, MeanDegree: k, Rewire: p})
		m := float64(n * k / 2)
		got := float64(g.Stats().Rewired)
		if sd := math.Sqrt(m * p * (1 - p)); math.Abs(got-m*p) > 4*sd+float64(g.Stats().Reverted) {
			t.Errorf("p=%g: %g of %g edges rewired, want %g ± %.1f", p, got, m, m*p, 4*sd)
		}
		if g.MeanDegree() != k {
			t.Errorf("p=%g: mean degree %g, want %d", p, g.MeanDegree(), k)
		}
		c, want := g.Clustering(0), latticeClustering(k)*math.Pow(1-p, 3)
		if p == 1 {
			if c > 0.01 {
				t.Errorf("p=1: clustering %g, want ≈ k/N = %g", c, float64(k)/n)
			}
		} else if math.Abs(c-want) > 0.03 {
			t.Errorf("p=%g: clustering %g, want ≈ C(0)(1−p)³ = %g", p, c, want)
		}
	}
}

// TestDuplicateRedraw forces duplicate rewirings (few targets) and checks
// that the reference builder's in-place patch gives exactly the graph
// rebuilt from the final far ends, and that the implicit graph matches it
// (TestImplicitMatchesReference covers many more cases).
func TestDuplicateRedraw(t *testing.T) {
	for _, c := range []struct {
		n        int
		k        float64
		reverted bool
	}{{12, 10, true}, {16, 10, false}, {40, 10, false}, {300, 20, false}} {
		var redrawn int64
		for seed := range uint64(20) {
			s := Spec{Kind: SmallWorld, N: c.n, MeanDegree: c.k, Rewire: 1, LatticeOrder: seed%2 == 0}
			r := &refRing{ring: newRing(rng.Base(seed, 0), s)}
			g := r.build()
			checkSimple(t, g)
			if imp := buildSmallWorld(rng.Base(seed, 0), s); !sameGraph(imp, g) {
				t.Fatalf("N=%d seed %d: implicit graph differs from the reference", c.n, seed)
			}
			off, adj := make([]int64, len(g.off)), make([]int32, len(g.adj))
			fillCSR(off, adj, r.each)
			if !slices.Equal(off, g.off) || !slices.Equal(adj, g.adj) {
				t.Fatalf("N=%d seed %d: patched graph differs from rebuilt graph", c.n, seed)
			}
			redrawn += g.Stats().Redrawn
			if c.reverted && g.Stats().Reverted == 0 {
				t.Errorf("N=%d k=%g seed %d: no edge kept its lattice end", c.n, c.k, seed)
			}
		}
		if redrawn == 0 {
			t.Errorf("N=%d k=%g: no duplicates were redrawn in 20 graphs", c.n, c.k)
		}
	}
}

func TestDeterminism(t *testing.T) {
	for _, c := range specs {
		t.Run(c.name, func(t *testing.T) {
			a := build(t, c.spec)
			prev := runtime.GOMAXPROCS(1)
			b := build(t, c.spec)
			runtime.GOMAXPROCS(prev)
			if !sameGraph(a, b) {
				t.Fatal("same key, different graphs")
			}
			if c.spec.N < 1000 {
				return // small graphs may coincide
			}
			o, err := Build(testKey.Unit(1), c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if sameGraph(a, o) {
				t.Fatal("different keys, identical graphs")
			}
		})
	}
}

// aliasPMF recovers the probabilities an alias table encodes.
func aliasPMF(d *degrees) []float64 {
	n := float64(len(d.prob))
	p := make([]float64, len(d.prob))
	for i, q := range d.prob {
		p[i] += q / n
		p[d.alias[i]] += (1 - q) / n
	}
	return p
}

func moments(p []float64) (mean, variance float64) {
	for d, x := range p {
		mean += float64(d) * x
	}
	for d, x := range p {
		variance += (float64(d) - mean) * (float64(d) - mean) * x
	}
	return mean, variance
}

// TestConfigurationMeanDegree checks the fitted distribution's mean, the
// drawn stubs against it (4 sampling SDs: SD(Σd/N) = SD(d)/√N) and the
// realised mean after erasure.
func TestConfigurationMeanDegree(t *testing.T) {
	const n = 50000
	for _, s := range []Spec{
		{Dist: Poisson, MeanDegree: 3},
		{Dist: Poisson, MeanDegree: 10},
		{Dist: Poisson, MeanDegree: 10, MaxDegree: 14}, // the cap binds
		{Dist: Lognormal, MeanDegree: 10, Sigma: 1},
		{Dist: Lognormal, MeanDegree: 5, Sigma: 2, MaxDegree: 200},
		{Dist: PowerLaw, MeanDegree: 6, Exponent: 2.5},
		{Dist: PowerLaw, MeanDegree: 3, Exponent: 1.5, MaxDegree: 50},
	} {
		s.Kind, s.N = Configuration, n
		tab, err := fitDegrees(s)
		if err != nil {
			t.Fatal(err)
		}
		mean, variance := moments(aliasPMF(tab))
		if math.Abs(mean-s.MeanDegree) > 1e-8*s.MeanDegree {
			t.Errorf("%v %+v: fitted mean %g", s.Dist, s, mean)
		}
		g := build(t, s)
		st := g.Stats()
		drawn := float64(st.Stubs) / n
		if tol := 4*math.Sqrt(variance/n) + 1.0/n; math.Abs(drawn-s.MeanDegree) > tol {
			t.Errorf("%v %+v: drawn mean %g, want %g ± %g", s.Dist, s, drawn, s.MeanDegree, tol)
		}
		if got := float64(st.Stubs-st.ErasedStubs()) / n; g.MeanDegree() != got {
			t.Errorf("%v: mean degree %g, want (stubs − erased)/N = %g", s.Dist, g.MeanDegree(), got)
		}
		if frac := float64(st.ErasedStubs()) / float64(st.Stubs); frac > 0.01 {
			t.Errorf("%v %+v: erased %.2f%% of stubs", s.Dist, s, 100*frac)
		}
	}
}

// TestPoissonVariance: for Poisson degrees the variance equals the mean.
// SD of the sample variance is √((μ₄ − σ⁴)/N) = √((λ + 2λ²)/N).
func TestPoissonVariance(t *testing.T) {
	const n = 200000
	for _, lambda := range []float64{2, 10} {
		g := build(t, Spec{Kind: Configuration, N: n, MeanDegree: lambda, Dist: Poisson})
		var sum, sq float64
		for i := range n {
			d := float64(g.Degree(i))
			sum += d
			sq += d * d
		}
		mean := sum / n
		variance := (sq - n*mean*mean) / (n - 1)
		if tol := 4 * math.Sqrt((lambda+2*lambda*lambda)/n); math.Abs(variance-mean) > tol {
			t.Errorf("λ=%g: variance %g, mean %g, want equal ± %g", lambda, variance, mean, tol)
		}
		if p := g.Stats(); p.ErasedStubs() > int64(10*lambda*lambda) {
			t.Errorf("λ=%g: %d stubs erased, expect ≈ λ + λ² = %g", lambda, p.ErasedStubs(), lambda+lambda*lambda)
		}
	}
}

// TestErasureMatchesTheory compares the erased self-loops and repeated
// edges of Poisson(c) graphs with c/2 and c²/4 per graph (4 SDs of a
// Poisson count, summed over 40 graphs).
func TestErasureMatchesTheory(t *testing.T) {
	const graphs, c = 40, 6.0
	var loops, copies int64
	for rep := range uint64(graphs) {
		g, err := Build(rng.Base(7, rep), Spec{Kind: Configuration, N: 20000, MeanDegree: c, Dist: Poisson})
		if err != nil {
			t.Fatal(err)
		}
		loops += g.Stats().SelfLoopStubs / 2
		copies += g.Stats().MultiEdgeStubs / 2
	}
	for _, x := range []struct {
		name string
		got  int64
		want float64
	}{{"self-loops", loops, graphs * c / 2}, {"repeated edges", copies, graphs * c * c / 4}} {
		if math.Abs(float64(x.got)-x.want) > 4*math.Sqrt(x.want) {
			t.Errorf("%s: %d in %d graphs, want %g ± %.0f", x.name, x.got, graphs, x.want, 4*math.Sqrt(x.want))
		}
	}
}

func TestHeavyTailMaxDegree(t *testing.T) {
	const n = 50000
	for _, s := range []Spec{
		{Dist: Lognormal, MeanDegree: 8, Sigma: 1.5, MaxDegree: 60},
		{Dist: PowerLaw, MeanDegree: 5, Exponent: 2.2, MaxDegree: 100},
		{Dist: Lognormal, MeanDegree: 8, Sigma: 1.5},
		{Dist: PowerLaw, MeanDegree: 5, Exponent: 2.2},
	} {
		s.Kind, s.N = Configuration, n
		g := build(t, s)
		want := s.MaxDegree
		if want == 0 {
			want = int(math.Ceil(math.Sqrt(n * s.MeanDegree))) // structural cutoff
		}
		if g.Stats().DegreeCap != want || g.MaxDegree() > want {
			t.Errorf("%v cap %d: used cap %d, max degree %d, want ≤ %d",
				s.Dist, s.MaxDegree, g.Stats().DegreeCap, g.MaxDegree(), want)
		}
		if g.MaxDegree() < want/2 {
			t.Errorf("%v: max degree %d, expected hubs near the cap %d", s.Dist, g.MaxDegree(), want)
		}
		var sq float64
		for i := range n {
			sq += float64(g.Degree(i) * g.Degree(i))
		}
		if v := sq/n - g.MeanDegree()*g.MeanDegree(); v < 3*g.MeanDegree() {
			t.Errorf("%v: variance %g not heavy-tailed (mean %g)", s.Dist, v, g.MeanDegree())
		}
	}
}

// TestPowerLawTail checks P(d) ∝ d^−γ beyond x_min: P(d)/P(2d) ≈ 2^γ.
func TestPowerLawTail(t *testing.T) {
	for _, gamma := range []float64{2.1, 2.5, 3} {
		tab, err := fitDegrees(Spec{Kind: Configuration, N: 1000000, MeanDegree: 4, Dist: PowerLaw, Exponent: gamma})
		if err != nil {
			t.Fatal(err)
		}
		p := aliasPMF(tab)
		for _, d := range []int{100, 400} {
			slope := math.Log(p[d]/p[2*d]) / math.Ln2
			if math.Abs(slope-gamma) > 0.02 {
				t.Errorf("γ=%g: local exponent at d=%d is %.3f (x_min %g)", gamma, d, slope, tab.fitted)
			}
		}
	}
}

func TestClustering(t *testing.T) {
	tri := build(t, Spec{Kind: SmallWorld, N: 3, MeanDegree: 2})
	if c := tri.Clustering(0); c != 1 {
		t.Errorf("triangle: clustering %g, want 1", c)
	}
	g := build(t, Spec{Kind: SmallWorld, N: 20000, MeanDegree: 8, Rewire: 0.2})
	full, sample := g.Clustering(0), g.Clustering(2000)
	if math.Abs(full-sample) > 0.02 {
		t.Errorf("sampled clustering %g vs full %g", sample, full)
	}
	if g.Clustering(2000) != sample || g.Clustering(g.N()) != full {
		t.Error("clustering estimate not deterministic")
	}
	if p := build(t, Spec{Kind: Configuration, N: 20000, MeanDegree: 8, Dist: Poisson}).Clustering(2000); p > 0.005 {
		t.Errorf("Poisson configuration model: clustering %g, want ≈ ⟨k⟩/N", p)
	}
}

// TestNeighboursNoAlloc: AppendNeighbours into a pre-sized buffer, Degree
// and HasEdge never allocate, in either form (the small world with and
// without redrawn edges); CSR Neighbours aliases storage.
func TestNeighboursNoAlloc(t *testing.T) {
	for _, s := range []Spec{
		{Kind: SmallWorld, N: 1000, MeanDegree: 6, Rewire: 0.1},
		{Kind: SmallWorld, N: 40, MeanDegree: 10, Rewire: 1},
		{Kind: Configuration, N: 1000, MeanDegree: 6, Dist: Poisson},
	} {
		g := build(t, s)
		if s.N == 40 && (g.sw == nil || len(g.sw.fixEdge) == 0) {
			t.Fatalf("%+v: want redrawn edges kept in fixFar", s)
		}
		buf := make([]int32, 0, g.MaxDegree())
		sum := 0
		if a := testing.AllocsPerRun(20, func() {
			for i := range g.N() {
				buf = g.AppendNeighbours(buf[:0], i)
				sum += len(buf) + g.Degree(i)
				if len(buf) > 0 && g.HasEdge(i, int(buf[0])) && g.HasEdge(i, (i+g.N()/2)%g.N()) {
					sum++
				}
			}
		}); a != 0 {
			t.Errorf("%v: AppendNeighbours/Degree/HasEdge allocate %g times per run", s.Kind, a)
		}
	}
	g := build(t, Spec{Kind: Configuration, N: 1000, MeanDegree: 6, Dist: Poisson})
	if a := testing.AllocsPerRun(20, func() {
		for i := range g.N() {
			_ = g.Neighbours(i)
		}
	}); a != 0 {
		t.Errorf("CSR Neighbours allocates %g times per run", a)
	}
	if nb := g.Neighbours(0); cap(nb) != len(nb) {
		t.Error("Neighbours leaves capacity that an append would overwrite")
	}
}

// liveBytes is the heap growth across Build of s, after garbage collection.
func liveBytes(b *testing.B, s Spec, builder func(rng.Key, Spec) (*Graph, error)) (*Graph, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g, err := builder(testKey, s)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(g)
	return g, after.HeapAlloc - before.HeapAlloc
}

// reference builds the small world in its former CSR form.
func reference(key rng.Key, s Spec) (*Graph, error) { return referenceSmallWorld(key, s), nil }

func benchmarkBuild(b *testing.B, s Spec, builder func(rng.Key, Spec) (*Graph, error)) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builder(testKey, s); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	g, live := liveBytes(b, s, builder)
	b.ReportMetric(float64(g.bytes())/1e6, "graph-MB")
	b.ReportMetric(float64(live)/1e6, "live-MB")
}

// BenchmarkSmallWorld builds small worlds with mean degree 10 in the
// implicit form and in the former CSR form ("csr", the reference), and
// reports the arrays' size (graph-MB) and the heap growth across Build
// after garbage collection (live-MB, runtime.MemStats).
func BenchmarkSmallWorld(b *testing.B) {
	for _, c := range []struct {
		n int
		p float64
	}{{1000000, 0.1}, {1000000, 1}, {1500000, 0.1}} {
		s := Spec{Kind: SmallWorld, N: c.n, MeanDegree: 10, Rewire: c.p}
		b.Run(fmt.Sprintf("implicit/N=%d/p=%g", c.n, c.p), func(b *testing.B) { benchmarkBuild(b, s, Build) })
		b.Run(fmt.Sprintf("csr/N=%d/p=%g", c.n, c.p), func(b *testing.B) { benchmarkBuild(b, s, reference) })
	}
}

// BenchmarkNeighbours lists neighbours into a reused buffer at N =
// 1,000,000, k = 10, p = 0.1, visiting every node once per op in label
// order ("seq") or in a fixed random order ("rand", as when the talkers
// are a scattered subset); ns/node is the cost per node.
func BenchmarkNeighbours(b *testing.B) {
	s := Spec{Kind: SmallWorld, N: 1000000, MeanDegree: 10, Rewire: 0.1}
	order := permutation(testKey.Purpose(1), s.N)
	for _, c := range []struct {
		name    string
		builder func(rng.Key, Spec) (*Graph, error)
	}{{"implicit", Build}, {"csr", reference}} {
		g, err := c.builder(testKey, s)
		if err != nil {
			b.Fatal(err)
		}
		for _, random := range []bool{false, true} {
			b.Run(c.name+map[bool]string{false: "/seq", true: "/rand"}[random], func(b *testing.B) {
				buf := make([]int32, 0, g.MaxDegree())
				sum := 0
				for b.Loop() {
					for x := range g.N() {
						i := x
						if random {
							i = int(order[x])
						}
						buf = g.AppendNeighbours(buf[:0], i)
						sum += len(buf)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.N()), "ns/node")
			})
		}
	}
}

func BenchmarkConfiguration(b *testing.B) {
	for _, s := range []Spec{
		{Dist: Poisson},
		{Dist: Lognormal, Sigma: 1},
		{Dist: PowerLaw, Exponent: 2.5},
	} {
		s.Kind, s.N, s.MeanDegree = Configuration, 1000000, 10
		b.Run(s.Dist.String(), func(b *testing.B) { benchmarkBuild(b, s, Build) })
	}
}
