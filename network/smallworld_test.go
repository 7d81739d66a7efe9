package network

import (
	"fmt"
	"slices"
	"testing"

	"github.com/redress-sim/redress/rng"
)

// hasEdgeCandidates are the nodes j whose HasEdge(i, j) is checked
// against the reference: every node when N ≤ 64; otherwise i's reference
// neighbours, the nodes at ring distance ≤ h+1 (lattice edges, moved or
// not), and a few arbitrary nodes (almost all non-neighbours).
func hasEdgeCandidates(w *smallWorld, ref *Graph, i int, dst []int) []int {
	n := int(w.n)
	if n <= 64 {
		for j := range n {
			dst = append(dst, j)
		}
		return dst
	}
	for _, j := range ref.Neighbours(i) {
		dst = append(dst, int(j))
	}
	x := w.posOf(int32(i))
	for d := -w.h - 1; d <= w.h+1; d++ {
		dst = append(dst, int(w.labelOf(w.step(x, d))))
	}
	for t := range 4 {
		dst = append(dst, (i*7919+t*104729+1)%n)
	}
	return dst
}

// compareToReference checks that the implicit graph g has, node by node,
// the reference CSR graph's neighbour set, degree and adjacency, and the
// same Stats, edge count and maximum degree; checkSimple then checks
// symmetry, no self-loops and no duplicates.
func compareToReference(t *testing.T, name string, g, ref *Graph) {
	t.Helper()
	if g.sw == nil || ref.sw != nil {
		t.Fatalf("%s: want an implicit graph and a CSR reference", name)
	}
	if g.N() != ref.N() || g.Edges() != ref.Edges() || g.Stats() != ref.Stats() ||
		g.MaxDegree() != ref.MaxDegree() || g.MeanDegree() != ref.MeanDegree() {
		t.Fatalf("%s: N %d/%d, edges %d/%d, stats %+v/%+v, max degree %d/%d",
			name, g.N(), ref.N(), g.Edges(), ref.Edges(), g.Stats(), ref.Stats(), g.MaxDegree(), ref.MaxDegree())
	}
	var buf []int32
	var cand []int
	for i := range g.N() {
		buf = g.AppendNeighbours(buf[:0], i)
		slices.Sort(buf)
		if want := ref.Neighbours(i); !slices.Equal(buf, want) || g.Degree(i) != len(want) {
			t.Fatalf("%s node %d: neighbours %v (degree %d), reference %v", name, i, buf, g.Degree(i), want)
		}
		cand = hasEdgeCandidates(g.sw, ref, i, cand[:0])
		for _, j := range cand {
			if g.HasEdge(i, j) != ref.HasEdge(i, j) {
				t.Fatalf("%s: HasEdge(%d, %d) = %v, reference %v", name, i, j, g.HasEdge(i, j), ref.HasEdge(i, j))
			}
		}
	}
	checkSimple(t, g)
}

// TestImplicitMatchesReference builds small worlds over a grid of N, k, p,
// keys and both label orders, plus the forced-duplicate cases of
// TestDuplicateRedraw, and requires the implicit graph to equal the
// former CSR build node for node. It also requires that the grid
// exercised duplicates redrawn to a new end and reverted to the lattice.
func TestImplicitMatchesReference(t *testing.T) {
	type tally struct{ graphs, redrawn, kept, reverted int64 }
	var tl tally
	run := func(key rng.Key, s Spec) {
		name := fmt.Sprintf("N=%d k=%g p=%g ordered=%v key=%x", s.N, s.MeanDegree, s.Rewire, s.LatticeOrder, uint64(key))
		g := buildSmallWorld(key, s)
		compareToReference(t, name, g, referenceSmallWorld(key, s))
		tl.graphs++
		tl.redrawn += g.Stats().Redrawn
		tl.kept += int64(len(g.sw.fixEdge))
		tl.reverted += g.Stats().Reverted
	}
	keys := []rng.Key{testKey, rng.Base(1, 0), rng.Base(2, 3).Purpose(5)}
	for _, n := range []int{2, 3, 4, 5, 7, 11, 12, 16, 21, 40, 101, 300, 1000, 5000} {
		for _, k := range []int{0, 2, 4, 10, 20} {
			if k >= n {
				continue
			}
			for _, p := range []float64{0, 0.01, 0.1, 0.5, 1} {
				for _, key := range keys {
					for _, ordered := range []bool{false, true} {
						run(key, Spec{Kind: SmallWorld, N: n, MeanDegree: float64(k), Rewire: p, LatticeOrder: ordered})
					}
				}
			}
		}
	}
	for _, c := range []struct{ n, k int }{{12, 10}, {13, 10}, {16, 10}, {40, 10}, {25, 20}, {300, 20}} {
		for seed := range uint64(20) {
			run(rng.Base(seed, 0), Spec{Kind: SmallWorld, N: c.n, MeanDegree: float64(c.k), Rewire: 1, LatticeOrder: seed%2 == 0})
		}
	}
	t.Logf("%d graphs: %d edges redrawn, %d to a new far end, %d reverted", tl.graphs, tl.redrawn, tl.kept, tl.reverted)
	if tl.kept == 0 || tl.reverted == 0 {
		t.Errorf("the cases did not exercise both redraw outcomes: %+v", tl)
	}
}

// TestPackedLists checks o(i) = base[i>>shift] + rel[i] against plain
// offsets, including lists too long for a byte (shift falls to 0).
func TestPackedLists(t *testing.T) {
	for _, c := range []struct {
		sizes []uint32
		shift uint
	}{
		{[]uint32{}, 8},
		{[]uint32{0, 0, 0}, 8},
		{[]uint32{1, 2, 3, 4, 5}, 8},
		{[]uint32{300, 0, 1}, 0},
		{[]uint32{0, 255, 0, 0}, 8},
		{[]uint32{0, 256, 0, 0}, 1},
		{slices.Repeat([]uint32{5}, 1000), 5},
	} {
		off := make([]uint32, len(c.sizes)+1)
		for i, d := range c.sizes {
			off[i+1] = off[i] + d
		}
		val := make([]int32, off[len(c.sizes)])
		for i := range val {
			val[i] = int32(i)
		}
		p := packLists(slices.Clone(off), val)
		if p.shift != c.shift {
			t.Errorf("sizes %v: shift %d, want %d", c.sizes, p.shift, c.shift)
		}
		for i := range c.sizes {
			if p.at(i) != off[i] || p.size(i) != int(c.sizes[i]) || len(p.list(i)) != int(c.sizes[i]) ||
				(c.sizes[i] > 0 && p.list(i)[0] != int32(off[i])) {
				t.Fatalf("sizes %v: list %d at %d size %d, want %d, %d", c.sizes, i, p.at(i), p.size(i), off[i], c.sizes[i])
			}
		}
	}
}

// TestImplicitMemory checks the footprint formula at N = 100,000, k = 10,
// p = 0.1: about N(9 + 3k/32 + 4pk) bytes and under a third of CSR.
func TestImplicitMemory(t *testing.T) {
	s := Spec{Kind: SmallWorld, N: 100000, MeanDegree: 10, Rewire: 0.1}
	g, ref := build(t, s), referenceSmallWorld(testKey, s)
	want := float64(s.N) * (9 + 3*10.0/32 + 4*0.1*10)
	if b := float64(g.bytes()); b < 0.97*want || b > 1.03*want || 3*b > float64(ref.bytes()) {
		t.Errorf("implicit graph %g bytes, want ≈ %g and < ⅓ of CSR's %d", b, want, ref.bytes())
	}
}

// fingerprint hashes the sorted neighbour lists of every node in turn.
func fingerprint(g *Graph) uint64 {
	h := uint64(g.N())
	for i := range g.N() {
		nb := g.Neighbours(i)
		h = rng.Mix(h ^ uint64(len(nb)))
		for _, v := range nb {
			h = rng.Mix(h ^ uint64(v))
		}
	}
	return h
}

// TestMatchesFormerBuild pins the graphs to fingerprints and Stats
// computed by the CSR builder of commit d05e8db (before the implicit
// form), so that neither the reference nor the implementation can drift
// from what the simulator used to get.
func TestMatchesFormerBuild(t *testing.T) {
	for _, c := range []struct {
		spec  Spec
		fp    uint64
		stats Stats
	}{
		{Spec{Kind: SmallWorld, N: 100000, MeanDegree: 10, Rewire: 0.1}, 0xefdc7f3979af49c0, Stats{Rewired: 50081}},
		{Spec{Kind: SmallWorld, N: 100000, MeanDegree: 10, Rewire: 1}, 0xeeb8a8498b8863e8, Stats{Rewired: 500000, Redrawn: 23}},
		{Spec{Kind: SmallWorld, N: 5000, MeanDegree: 20, Rewire: 0.5, LatticeOrder: true}, 0xfc503a9e993ebaf8, Stats{Rewired: 25167, Redrawn: 42}},
		{Spec{Kind: SmallWorld, N: 300, MeanDegree: 20, Rewire: 1}, 0x8a51a173ce7eabdb, Stats{Rewired: 3000, Redrawn: 119}},
		{Spec{Kind: SmallWorld, N: 12, MeanDegree: 10, Rewire: 1}, 0xbd91d4a893e1cbdd, Stats{Rewired: 6, Redrawn: 54, Reverted: 54}},
	} {
		for name, g := range map[string]*Graph{"implicit": build(t, c.spec), "reference": referenceSmallWorld(testKey, c.spec)} {
			if fp := fingerprint(g); fp != c.fp || g.Stats() != c.stats {
				t.Errorf("%s %+v: fingerprint %#x, stats %+v; want %#x, %+v", name, c.spec, fp, g.Stats(), c.fp, c.stats)
			}
		}
	}
}
