// Package network builds the social network along which customers tell
// others about their service experiences (word of mouth).
//
// A Graph is an undirected simple graph (no self-loops, no multi-edges)
// over nodes 0..N−1. A configuration model is stored in compressed sparse
// row (CSR) form: one offset array of N+1 int64 and one neighbour array
// of int32 holding each node's neighbours sorted ascending, 8(N+1) +
// 4·N⟨k⟩ bytes. A small world is stored implicitly (see below), in about
// N(9 + 3k/32 + 4pk) bytes: 21 MB instead of 72 MB for N = 1,500,000,
// k = 10, p = 0.1 (the far ends of the rewired edges are tabulated, so
// listing neighbours takes no random draw). Callers see one type either way and iterate with
// Graph.AppendNeighbours and a reused buffer. Building is
// single-threaded and every random draw comes from streams keyed off the
// caller's rng.Key, so the graph is a pure function of (Spec, key) and
// never depends on GOMAXPROCS or on what else the program is doing.
//
// # Small world (Watts & Strogatz 1998)
//
// Watts, D. J. & Strogatz, S. H. (1998), "Collective dynamics of
// 'small-world' networks", Nature 393, 440–442. N nodes sit on a ring and
// each is joined to its k/2 nearest neighbours on either side (k even),
// giving N·k/2 lattice edges (i, i+j mod N), j = 1..k/2. Each edge is then
// rewired with probability p: its far end is replaced by a node w drawn
// uniformly among the N−1−k nodes at ring distance > k/2 from i, which can
// never create a self-loop or hit a lattice edge. (Watts & Strogatz draw w
// among all nodes not currently adjacent to i; excluding the whole lattice
// neighbourhood differs by O(k/N) and lets each edge be drawn
// independently.) A rewired edge that duplicates another rewired edge is
// redrawn from the next values of its own stream, the lowest edge index
// keeping the pair; after MaxRedraws failures the lattice edge is kept.
// The mean degree is exactly k. The lattice (p = 0) has clustering
//
//	C(0) = 3(k−2) / (4(k−1)),
//
// and C(p) ≈ C(0)(1−p)³ (Barrat & Weigt 2000, Eur. Phys. J. B 13, 547),
// falling to ≈ k/N, the random-graph value, at p = 1, while path lengths
// are already short for small p. By default ring positions are assigned
// to node labels by a keyed random permutation, so that a block of labels
// (say, the initial customers 0..C−1) is scattered over the ring rather
// than forming one arc; Spec.LatticeOrder keeps node i at position i.
//
// The small world is held implicitly, with exactly the neighbour sets of
// its CSR form: the permutation and its inverse (two int32 arrays, 8N
// bytes, none with LatticeOrder); one bit per lattice edge marking the
// rewired ones (N·k/16 bytes); and each of the R ≈ pN·k/2 rewired edges
// listed once, at its far end, under its near end's label (4R bytes),
// with the N+1 list offsets packed into about a byte per node. The far
// end of a rewired edge is re-derived from the edge's stream when asked
// for (the few edges redrawn as duplicates keep theirs). Node i at ring
// position x then has neighbours
//
//	{far end of edge (x, x+j) : j = 1..k/2}
//	∪ {label(x−j) : j = 1..k/2, edge (x−j, x) not rewired}
//	∪ {near ends of the rewired edges ending at i}.
//
// # Configuration model (Molloy & Reed 1995; Newman 2010, §13.2)
//
// Molloy, M. & Reed, B. (1995), "A critical point for random graphs with a
// given degree sequence", Random Structures & Algorithms 6, 161–179;
// Newman, M. E. J. (2010), Networks: An Introduction, Oxford UP, §13.2.
// Node i draws a degree d_i (its number of stubs) i.i.d. from the chosen
// distribution; if Σd_i is odd one keyed node gains a stub (or loses one
// if at the cap). The stubs are shuffled (Fisher–Yates) and paired
// consecutively, a uniformly random matching. Self-loops and repeated
// edges are then erased (the "erased configuration model"); Stats reports
// the erased stubs. To leading order in 1/N the expected numbers are
//
//	self-loops      (⟨k²⟩ − ⟨k⟩) / (2⟨k⟩),
//	repeated edges  ¼ [(⟨k²⟩ − ⟨k⟩) / ⟨k⟩]²   (extra copies, over node pairs),
//
// both O(1) in N when ⟨k²⟩ is finite (Newman 2010, §13.2) — c/2 and c²/4
// for Poisson degrees of mean c — so erasure barely moves the degrees.
// The degree distributions, each capped at K and fitted by bisection on
// its parameter so that E[d] equals the requested mean exactly, are
//
//	Poisson    P(d) = e^{−λ} λ^d / d!   (λ = mean unless the cap binds);
//	           the Erdős–Rényi-like G(N, m) case, variance ≈ mean.
//	Lognormal  d = round(X), X ~ LogNormal(μ, σ²) given X < K + ½.
//	PowerLaw   d = ⌊X⌋, X Pareto with P(X > x) = (x_min/x)^{γ−1} for
//	           x ≥ x_min, given X < K + 1, so P(d) ∝ d^{−γ} for d ≫ x_min.
//
// For the heavy-tailed kinds a zero Spec.MaxDegree takes the structural
// cutoff K = ⌈√(N⟨k⟩)⌉ (Boguñá, Pastor-Satorras & Vespignani 2004, Eur.
// Phys. J. B 38, 205), beyond which the erased model would have to erase
// a growing share of the hubs' stubs.
//
// # Clustering
//
// The local clustering of node i with degree d_i and T_i triangles is
// C_i = 2T_i / (d_i(d_i−1)), zero when d_i < 2; Graph.Clustering averages
// it over all nodes or over an evenly spaced deterministic sample.
//
// # Open population
//
// The simulation's population is open — prospects become customers over
// time — but the graph never grows: build one universe of N nodes up front
// (current customers plus the whole pool of prospects who may ever
// arrive) and map people to nodes, e.g. customers 0..C−1 and prospects
// C..N−1 in arrival order. Node labels are exchangeable in both models
// (small world with the default scattered labelling), so such a block
// layout is unbiased, and word of mouth from a customer simply reaches
// whichever neighbours are customers or prospects at that time.
//
// # Cost
//
// Building is O(N⟨k⟩) time. Beyond its result the small world needs
// 4(N+1) + 4R bytes while building (unpacked list offsets and the R far
// ends), twice that if duplicates were redrawn; the configuration model
// needs 4·Σd_i bytes (the stub list) beside its 8(N+1) + 4·Σd_i byte
// result. At N = 2,000,000, ⟨k⟩ = 10 and p = 0.1 the peaks are about 35
// MB and 175 MB. Listing a node's neighbours costs O(d_i) either way; in
// the small world each rewired edge leaving the node costs three hash
// evaluations and a label lookup more.
package network

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/redress-sim/redress/rng"
)

// MaxNodes is the largest N: node labels are int32.
const MaxNodes = math.MaxInt32

// MaxDirected bounds N·⟨k⟩, the number of directed edges (neighbour
// entries), at 2³² (16 GiB of neighbours).
const MaxDirected = 1 << 32

// MaxRedraws is how many times a rewired small-world edge that duplicates
// another is redrawn before the lattice edge is kept.
const MaxRedraws = 16

// Kind selects a generator.
type Kind int

// Generators.
const (
	SmallWorld    Kind = iota + 1 // Watts–Strogatz ring lattice with rewiring
	Configuration                 // erased configuration model
)

// String names the generator.
func (k Kind) String() string {
	switch k {
	case SmallWorld:
		return "small world"
	case Configuration:
		return "configuration"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Dist is the degree distribution of the configuration model.
type Dist int

// Degree distributions.
const (
	Poisson   Dist = iota + 1 // Poisson(λ): Erdős–Rényi-like
	Lognormal                 // rounded lognormal with log-SD Sigma
	PowerLaw                  // floored Pareto with exponent Exponent
)

// String names the distribution.
func (d Dist) String() string {
	switch d {
	case Poisson:
		return "Poisson"
	case Lognormal:
		return "lognormal"
	case PowerLaw:
		return "power-law"
	}
	return fmt.Sprintf("Dist(%d)", int(d))
}

// Spec describes a graph. Fields that do not apply to Kind are ignored.
// Fitting a configuration-model distribution costs O(K) per bisection step
// (about 60 steps): negligible for the default cap, seconds for K in the
// millions.
type Spec struct {
	Kind       Kind
	N          int     // nodes, 2 ≤ N ≤ MaxNodes
	MeanDegree float64 // ⟨k⟩, 0 ≤ ⟨k⟩ < N; an even integer k for SmallWorld

	// SmallWorld.
	Rewire       float64 // rewiring probability p in [0, 1]
	LatticeOrder bool    // keep node i at ring position i (no label scatter)

	// Configuration.
	Dist      Dist
	Sigma     float64 // Lognormal: SD of log degree, in (0, 20]
	Exponent  float64 // PowerLaw: γ in (1, 20], tail P(d) ∝ d^−γ
	MaxDegree int     // cap K < N; 0: none for Poisson, ⌈√(N⟨k⟩)⌉ otherwise
}

// Validate returns an error describing the first problem with s, or nil.
// Build can still fail on a valid Spec if a capped heavy-tailed
// distribution cannot reach the mean degree (say, a mean just below K).
func (s Spec) Validate() error {
	if s.N < 2 || s.N > MaxNodes {
		return fmt.Errorf("network: %d nodes; need between 2 and %d", s.N, MaxNodes)
	}
	k := s.MeanDegree
	if math.IsNaN(k) || k < 0 || k >= float64(s.N) {
		return fmt.Errorf("network: mean degree %g must be at least 0 and below the %d nodes", k, s.N)
	}
	if float64(s.N)*k > MaxDirected {
		return fmt.Errorf("network: %d nodes × mean degree %g exceeds %d neighbour entries", s.N, k, int64(MaxDirected))
	}
	switch s.Kind {
	case SmallWorld:
		if k != math.Trunc(k) || int64(k)%2 != 0 {
			return fmt.Errorf("network: small-world mean degree k = %g must be an even integer", k)
		}
		if !(s.Rewire >= 0 && s.Rewire <= 1) {
			return fmt.Errorf("network: rewiring probability %g outside [0, 1]", s.Rewire)
		}
		return nil
	case Configuration:
		return s.validateDegrees()
	}
	return fmt.Errorf("network: unknown graph kind %d", int(s.Kind))
}

func (s Spec) validateDegrees() error {
	switch s.Dist {
	case Poisson:
	case Lognormal:
		if !(s.Sigma > 0 && s.Sigma <= 20) {
			return fmt.Errorf("network: lognormal sigma %g must be in (0, 20]", s.Sigma)
		}
	case PowerLaw:
		if !(s.Exponent > 1 && s.Exponent <= 20) {
			return fmt.Errorf("network: power-law exponent %g must be in (1, 20]", s.Exponent)
		}
	default:
		return fmt.Errorf("network: unknown degree distribution %d", int(s.Dist))
	}
	if s.MaxDegree < 0 || s.MaxDegree >= s.N {
		return fmt.Errorf("network: maximum degree %d must be between 0 (default) and %d", s.MaxDegree, s.N-1)
	}
	if s.MeanDegree > 0 && s.MeanDegree >= float64(s.degreeCap()) {
		return fmt.Errorf("network: mean degree %g must be below the maximum degree %d", s.MeanDegree, s.degreeCap())
	}
	return nil
}

// degreeCap is the cap K on configuration-model degrees.
func (s Spec) degreeCap() int {
	if s.MaxDegree > 0 {
		return s.MaxDegree
	}
	if s.Dist == Poisson {
		return s.N - 1
	}
	return min(int(math.Ceil(math.Sqrt(float64(s.N)*s.MeanDegree))), s.N-1)
}

// Stats describes how a graph was built.
type Stats struct {
	// Small world.
	Rewired  int64 // edges whose far end was rewired (final graph)
	Redrawn  int64 // rewired edges redrawn because they duplicated another
	Reverted int64 // of those, edges that kept the lattice edge after MaxRedraws

	// Configuration.
	Stubs          int64   // Σd_i after the parity fix
	SelfLoopStubs  int64   // stubs erased as self-loops (2 per loop)
	MultiEdgeStubs int64   // stubs erased as repeated edges (2 per copy)
	DegreeCap      int     // K, the cap actually used
	Fitted         float64 // λ (Poisson), μ (Lognormal) or x_min (PowerLaw)
}

// ErasedStubs is the number of stubs the erased configuration model
// dropped; Stubs − ErasedStubs = 2·Edges.
func (s Stats) ErasedStubs() int64 { return s.SelfLoopStubs + s.MultiEdgeStubs }

// Graph is an undirected simple graph over nodes 0..N−1, held in one of
// two forms that callers need not distinguish: CSR (configuration model)
// or implicit (small world; see the package comment). It is immutable
// and safe for concurrent reads. Node arguments must be in 0..N−1.
type Graph struct {
	n     int
	off   []int64     // CSR: len N+1; node i's neighbours are adj[off[i]:off[i+1]]
	adj   []int32     // CSR: sorted ascending within each node
	sw    *smallWorld // implicit form; nil for CSR
	stats Stats
}

// Build builds the graph described by s from streams derived from key
// (which should be dedicated to the network). It returns an error, never
// panics, on an invalid Spec.
func Build(key rng.Key, s Spec) (*Graph, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Kind == SmallWorld {
		return buildSmallWorld(key, s), nil
	}
	return buildConfiguration(key, s)
}

// N is the number of nodes.
func (g *Graph) N() int { return g.n }

// Degree is the number of neighbours of node i: O(1) for CSR, O(k) for
// the implicit small world. It never allocates.
func (g *Graph) Degree(i int) int {
	if g.sw != nil {
		return g.sw.degree(i)
	}
	return int(g.off[i+1] - g.off[i])
}

// AppendNeighbours appends node i's neighbours to dst and returns the
// extended slice; it is the way to iterate over neighbours. It allocates
// only if dst lacks capacity for Degree(i) more entries, so a buffer
// reused across calls (dst = g.AppendNeighbours(dst[:0], i)) makes a loop
// allocation-free. The order is unspecified but deterministic (ascending
// for the configuration model; for the small world, ring neighbours and
// rewired ends first, then the rewired edges ending at i). Cost
// O(Degree(i)); each rewired small-world edge leaving i re-derives its
// far end from its stream (three hash evaluations and a label lookup).
func (g *Graph) AppendNeighbours(dst []int32, i int) []int32 {
	if g.sw != nil {
		return g.sw.appendNeighbours(dst, i)
	}
	return append(dst, g.adj[g.off[i]:g.off[i+1]]...)
}

// Neighbours returns node i's neighbours sorted ascending. For the
// configuration model the slice aliases the graph's storage (no
// allocation; it must not be modified, and having no spare capacity,
// appending to it copies). For the implicit small world every call
// allocates a fresh slice: hot loops should call AppendNeighbours with a
// reused buffer instead.
func (g *Graph) Neighbours(i int) []int32 {
	if g.sw != nil {
		nb := g.sw.appendNeighbours(make([]int32, 0, g.sw.degree(i)), i)
		slices.Sort(nb)
		return nb
	}
	a, b := g.off[i], g.off[i+1]
	return g.adj[a:b:b]
}

// HasEdge reports whether i and j are adjacent: a binary search for CSR,
// a ring-distance test or a scan of two short rewired lists for the
// small world. It never allocates.
func (g *Graph) HasEdge(i, j int) bool {
	if g.sw != nil {
		return g.sw.hasEdge(i, j)
	}
	_, ok := slices.BinarySearch(g.Neighbours(i), int32(j))
	return ok
}

// Edges is the number of undirected edges: N·k/2 for the small world.
func (g *Graph) Edges() int64 {
	if g.sw != nil {
		return g.sw.n * g.sw.h
	}
	return int64(len(g.adj)) / 2
}

// MeanDegree is 2·Edges/N.
func (g *Graph) MeanDegree() float64 { return float64(2*g.Edges()) / float64(g.n) }

// MaxDegree is the largest degree.
func (g *Graph) MaxDegree() int {
	m := 0
	for i := range g.n {
		m = max(m, g.Degree(i))
	}
	return m
}

// Stats describes how g was built.
func (g *Graph) Stats() Stats { return g.stats }

// bytes is the memory held by g's arrays:
// 8(N+1) + 4·N⟨k⟩ for CSR, smallWorld.bytes for the implicit form.
func (g *Graph) bytes() int64 {
	if g.sw != nil {
		return g.sw.bytes()
	}
	return 8*int64(len(g.off)) + 4*int64(len(g.adj))
}

// LocalClustering is C_i = 2T_i/(d_i(d_i−1)), or 0 when d_i < 2.
func (g *Graph) LocalClustering(i int) float64 {
	var c clusterer
	return c.local(g, i)
}

// clusterer holds the buffers of a run of clustering computations.
type clusterer struct{ nb, nj []int32 }

// sorted puts node i's neighbours, ascending, in *buf and returns them.
func (c *clusterer) sorted(g *Graph, buf *[]int32, i int) []int32 {
	*buf = g.AppendNeighbours((*buf)[:0], i)
	if g.sw != nil {
		slices.Sort(*buf)
	}
	return *buf
}

// local is C_i = 2T_i/(d_i(d_i−1)), 2T_i counting the ordered pairs of
// adjacent neighbours of i as Σ_{j∈N(i)} |N(i) ∩ N(j)|.
func (c *clusterer) local(g *Graph, i int) float64 {
	nb := c.sorted(g, &c.nb, i)
	d := len(nb)
	if d < 2 {
		return 0
	}
	var t int64
	for _, j := range nb {
		t += common(nb, c.sorted(g, &c.nj, int(j)))
	}
	return float64(t) / (float64(d) * float64(d-1))
}

// common counts the values shared by two ascending lists.
func common(a, b []int32) int64 {
	var n int64
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			n++
			a, b = a[1:], b[1:]
		}
	}
	return n
}

// Clustering is the average local clustering (Watts & Strogatz 1998) over
// sampleSize evenly spaced nodes ⌊(2j+1)N/(2·sampleSize)⌋, or over all
// nodes when sampleSize ≤ 0 or ≥ N. The sample is deterministic.
func (g *Graph) Clustering(sampleSize int) float64 {
	n := g.n
	if sampleSize <= 0 || sampleSize >= n {
		sampleSize = n
	}
	var c clusterer
	sum := 0.0
	for j := range sampleSize {
		i := j
		if sampleSize < n {
			i = int(int64(2*j+1) * int64(n) / int64(2*sampleSize))
		}
		sum += c.local(g, i)
	}
	return sum / float64(sampleSize)
}

// below returns a uniform integer in [0, n) from s (Lemire 2019, ACM
// TOMACS 29(1), 3: multiply-shift with exact rejection).
func below(s *rng.Stream, n uint64) uint64 {
	hi, lo := bits.Mul64(s.Uint64(), n)
	if lo < n {
		t := -n % n
		for lo < t {
			hi, lo = bits.Mul64(s.Uint64(), n)
		}
	}
	return hi
}

// permutation is a keyed uniform random permutation of 0..n−1.
func permutation(key rng.Key, n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	shuffle(p, key)
	return p
}

// shuffle is a Fisher–Yates shuffle driven by the stream of key.
func shuffle(p []int32, key rng.Key) {
	s := rng.NewStream(key)
	for i := len(p) - 1; i > 0; i-- {
		j := below(&s, uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
}

// fillCSR lays out the edges that each emits (called twice: once to
// count degrees, once to place neighbours) into off and adj, which must
// have lengths N+1 and 2·edges, then sorts every list.
func fillCSR(off []int64, adj []int32, each func(emit func(a, b int32))) {
	clear(off)
	each(func(a, b int32) { off[a+1]++; off[b+1]++ })
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	copy(off[1:], off[:len(off)-1]) // off[u+1] = start of u: the cursor
	each(func(a, b int32) {
		adj[off[a+1]] = b
		off[a+1]++
		adj[off[b+1]] = a
		off[b+1]++
	}) // each cursor ends at the start of the next node
	for u := range len(off) - 1 {
		slices.Sort(adj[off[u]:off[u+1]])
	}
}

func buildConfiguration(key rng.Key, s Spec) (*Graph, error) {
	tab, err := fitDegrees(s)
	if err != nil {
		return nil, err
	}
	g := &Graph{n: s.N, off: make([]int64, s.N+1)}
	g.stats.DegreeCap, g.stats.Fitted = tab.cap, tab.fitted
	total := g.drawDegrees(key, tab)
	g.stats.Stubs = total
	stubs := make([]int32, total)
	var at int64
	for i := range s.N {
		for range g.off[i+1] {
			stubs[at] = int32(i)
			at++
		}
	}
	shuffle(stubs, key.Purpose(rng.PurposeMatch))
	g.adj = make([]int32, total)
	fillCSR(g.off, g.adj, func(emit func(a, b int32)) {
		for t := 0; t+1 < len(stubs); t += 2 {
			emit(stubs[t], stubs[t+1])
		}
	})
	g.erase()
	return g, nil
}

// drawDegrees puts d_i in off[i+1], node i's degree being a function of
// draw i of its own stream, fixes the parity of Σd_i and returns it.
func (g *Graph) drawDegrees(key rng.Key, tab *degrees) int64 {
	dk := key.Purpose(rng.PurposeDegree)
	var total int64
	for i := range g.N() {
		g.off[i+1] = int64(tab.draw(dk.Uint64(uint64(i))))
		total += g.off[i+1]
	}
	if total%2 == 0 {
		return total
	}
	ps := rng.NewStream(key.Purpose(rng.PurposeParity))
	j := below(&ps, uint64(g.N())) + 1
	if g.off[j] < int64(tab.cap) {
		g.off[j]++
		return total + 1
	}
	g.off[j]--
	return total - 1
}

// erase drops self-loops and repeated neighbours from the sorted lists,
// compacting adj in place.
func (g *Graph) erase() {
	var w, start int64
	for u := range g.N() {
		end := g.off[u+1]
		g.off[u] = w
		for _, v := range g.adj[start:end] {
			switch {
			case v == int32(u):
				g.stats.SelfLoopStubs++
			case w > g.off[u] && g.adj[w-1] == v:
				g.stats.MultiEdgeStubs++
			default:
				g.adj[w] = v
				w++
			}
		}
		start = end
	}
	g.off[g.N()] = w
	g.adj = g.adj[:w:w]
}

// degrees is a fitted, capped degree distribution with an alias table
// (Walker 1977; Vose 1991) for O(1) draws.
type degrees struct {
	prob   []float64
	alias  []int32
	cap    int
	fitted float64
}

// draw maps one 64-bit draw to a degree: the high word of x·K' picks the
// column, the low word is the uniform that picks it or its alias.
func (t *degrees) draw(x uint64) int {
	hi, lo := bits.Mul64(x, uint64(len(t.prob)))
	if float64(lo>>11)*0x1p-53 < t.prob[hi] {
		return int(hi)
	}
	return int(t.alias[hi])
}

// newDegrees builds the alias table of the normalised weights w.
func newDegrees(w []float64) *degrees {
	n := len(w)
	t := &degrees{prob: make([]float64, n), alias: make([]int32, n)}
	var small, large []int32
	for i, x := range w {
		t.prob[i] = x * float64(n)
		t.alias[i] = int32(i)
		if t.prob[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.alias[s] = l
		t.prob[l] += t.prob[s] - 1
		if t.prob[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range slices.Concat(small, large) {
		t.prob[i] = 1 // rounding leftovers
	}
	return t
}

// family is a one-parameter family of capped degree distributions, with
// the parameter θ on a log scale: ln λ, μ or ln x_min. E[d] increases in θ.
type family struct {
	dist  Dist
	shape float64   // σ or γ−1
	w     []float64 // weights over 0..K
}

// weights fills f.w with the normalised pmf at θ and returns its mean.
func (f *family) weights(theta float64) float64 {
	switch f.dist {
	case Poisson:
		m := math.Inf(-1)
		for d := range f.w {
			lg, _ := math.Lgamma(float64(d) + 1)
			f.w[d] = float64(d)*theta - lg
			m = max(m, f.w[d])
		}
		for d := range f.w {
			f.w[d] = math.Exp(f.w[d] - m)
		}
	case Lognormal:
		za := math.Inf(-1)
		for d := range f.w {
			zb := (math.Log(float64(d)+0.5) - theta) / f.shape
			f.w[d] = normalMass(za, zb)
			za = zb
		}
	case PowerLaw:
		q := 1.0 // P(X > d)
		for d := range f.w {
			next := math.Exp(min(0, f.shape*(theta-math.Log(float64(d+1)))))
			f.w[d] = q - next
			q = next
		}
	}
	var sum, mean float64
	for d, x := range f.w {
		sum += x
		mean += float64(d) * x
	}
	for d := range f.w {
		f.w[d] /= sum
	}
	return mean / sum
}

// normalMass is Φ(b) − Φ(a), computed in the tail that keeps precision.
func normalMass(a, b float64) float64 {
	if a > 0 {
		return 0.5 * (math.Erfc(a/math.Sqrt2) - math.Erfc(b/math.Sqrt2))
	}
	return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
}

// fitDegrees solves for the parameter that gives the requested mean under
// the cap and returns the alias table.
func fitDegrees(s Spec) (*degrees, error) {
	target, k := s.MeanDegree, s.degreeCap()
	if target == 0 {
		return &degrees{prob: []float64{1}, alias: []int32{0}, cap: k}, nil
	}
	f := &family{dist: s.Dist, shape: s.Sigma}
	var lo, hi float64
	switch s.Dist {
	case Poisson:
		natural := int(math.Ceil(target + 12*math.Sqrt(target) + 30))
		if natural <= k { // the cap cannot bind: exact Poisson(mean)
			f.w = make([]float64, natural+1)
			f.weights(math.Log(target))
			return finish(f, k, target), nil
		}
		lo, hi = -50, math.Log(float64(k)+1)+20
	case Lognormal:
		lo, hi = math.Log(0.5)-30*s.Sigma, math.Log(float64(k)+0.5)+30*s.Sigma
	case PowerLaw:
		f.shape = s.Exponent - 1
		lo, hi = -50/f.shape-1, math.Log(float64(k))
	}
	f.w = make([]float64, k+1)
	theta := bisect(target, lo, hi, f.weights)
	if got := f.weights(theta); !(math.Abs(got-target) <= 1e-9*target) {
		return nil, fmt.Errorf("network: a %s degree distribution capped at %d cannot reach mean degree %g (closest %.6g)",
			s.Dist, k, target, got)
	}
	if s.Dist != Lognormal {
		theta = math.Exp(theta) // λ or x_min
	}
	return finish(f, k, theta), nil
}

// finish converts the fitted weights into an alias table.
func finish(f *family, k int, fitted float64) *degrees {
	t := newDegrees(f.w)
	t.cap, t.fitted = k, fitted
	return t
}

// bisect finds θ in [lo, hi] with mean(θ) = target for an increasing mean.
func bisect(target, lo, hi float64, mean func(float64) float64) float64 {
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if mean(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}
