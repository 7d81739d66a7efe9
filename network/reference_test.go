package network

import (
	"cmp"
	"slices"

	"github.com/redress-sim/redress/rng"
)

// This file keeps the small-world builder as it was before the implicit
// form (commit d05e8db), producing a CSR Graph, as the reference that the
// implicit graph must reproduce node for node.

// refRing is a CSR small-world build in progress: far[e] is the label of
// edge e's far end after rewiring.
type refRing struct {
	ring
	far []int32
}

// referenceSmallWorld builds the small world of (key, s) in CSR form.
func referenceSmallWorld(key rng.Key, s Spec) *Graph {
	r := &refRing{ring: newRing(key, s)}
	return r.build()
}

// first and target are as before, shadowing ring's (which compute the
// same values without the modulo), so the reference shares only newRing
// and lattice with the implementation.
func (r *refRing) first(e int64) (s rng.Stream, w int64, rewired bool) {
	u, j := e/r.h, e%r.h+1
	if r.p == 0 || r.span == 0 {
		return s, (u + j) % r.n, false
	}
	s = rng.NewStream(r.key.Unit(uint64(e)))
	if s.Float64() >= r.p {
		return s, (u + j) % r.n, false
	}
	return s, r.target(u, &s), true
}

func (r *refRing) target(u int64, s *rng.Stream) int64 {
	return (u + r.h + 1 + int64(below(s, uint64(r.span)))) % r.n
}

func (r *refRing) build() *Graph {
	g := &Graph{n: int(r.n), off: make([]int64, r.n+1), adj: make([]int32, 2*r.n*r.h)}
	g.stats.Rewired = r.rewire()
	fillCSR(g.off, g.adj, r.each)
	if g.stats.Rewired > 0 {
		if redo := r.duplicates(g); len(redo) > 0 {
			r.redraw(g, redo)
		}
	}
	return g
}

// rewire draws every edge's far end into r.far and counts the rewired.
func (r *refRing) rewire() int64 {
	r.far = make([]int32, r.n*r.h)
	var count int64
	for e := range r.far {
		_, w, rw := r.first(int64(e))
		r.far[e] = r.labelOf(w)
		if rw {
			count++
		}
	}
	return count
}

// each emits every edge as a pair of labels.
func (r *refRing) each(emit func(a, b int32)) {
	for u := range r.n {
		lu := r.labelOf(u)
		for _, f := range r.far[u*r.h : (u+1)*r.h] {
			emit(lu, f)
		}
	}
}

// duplicates finds repeated pairs in the built lists and returns, sorted,
// the rewired edges to redraw: all but the lowest-indexed edge of each
// repeated pair. Lattice edges never repeat, since rewired ends are never
// within ring distance h.
func (r *refRing) duplicates(g *Graph) []int64 {
	var redo []int64
	for a := range g.N() {
		nb := g.Neighbours(a)
		for i := 1; i < len(nb); i++ {
			b := nb[i]
			if b == nb[i-1] && int32(a) < b && (i == 1 || nb[i-2] != b) {
				redo = r.pairEdges(int32(a), b, redo)
			}
		}
	}
	slices.Sort(redo)
	return redo
}

// pairEdges appends the rewired edges joining labels a and b, except the
// one with the lowest index.
func (r *refRing) pairEdges(a, b int32, redo []int64) []int64 {
	var es []int64
	for _, pr := range [2][2]int32{{a, b}, {b, a}} {
		for e := r.posOf(pr[0]) * r.h; e < (r.posOf(pr[0])+1)*r.h; e++ {
			if r.far[e] == pr[1] && r.far[e] != r.lattice(e) {
				es = append(es, e)
			}
		}
	}
	if len(es) < 2 {
		return redo
	}
	slices.Sort(es)
	return append(redo, es[1:]...)
}

// redraw gives each edge in redo (ascending) a new far end from the next
// values of its stream, avoiding every pair already in g and every pair
// accepted earlier; after MaxRedraws failures it keeps the lattice edge.
// The kept copy of each duplicate stays, so g's pairs remain present
// while drawing; g is then patched in place.
func (r *refRing) redraw(g *Graph, redo []int64) {
	taken := make(map[[2]int32]bool, len(redo)) // cold path: few edges
	var rem, add []entry
	for _, e := range redo {
		s, _, _ := r.first(e)
		u := e / r.h
		lu, old, nw := r.labelOf(u), r.far[e], r.lattice(e)
		for range MaxRedraws {
			lw := r.labelOf(r.target(u, &s))
			if !g.HasEdge(int(lu), int(lw)) && !taken[[2]int32{min(lu, lw), max(lu, lw)}] {
				nw = lw
				break
			}
		}
		taken[[2]int32{min(lu, nw), max(lu, nw)}] = true
		r.far[e] = nw
		rem = append(rem, entry{lu, old}, entry{old, lu})
		add = append(add, entry{lu, nw}, entry{nw, lu})
		g.stats.Redrawn++
		if nw == r.lattice(e) {
			g.stats.Reverted++
			g.stats.Rewired--
		}
	}
	g.patch(rem, add)
}

// entry is value v in node's neighbour list.
type entry struct{ node, value int32 }

func cmpEntry(a, b entry) int {
	return cmp.Or(cmp.Compare(a.node, b.node), cmp.Compare(a.value, b.value))
}

// patch removes one copy of each entry of rem (all present) and inserts
// each entry of add (all absent), keeping every list sorted, with two
// sequential passes over adj and no allocation; len(rem) == len(add).
func (g *Graph) patch(rem, add []entry) {
	slices.SortFunc(rem, cmpEntry)
	slices.SortFunc(add, cmpEntry)
	var w, start int64
	ri := 0
	for u := range g.N() { // forward: compact out rem
		end := g.off[u+1]
		g.off[u] = w
		for _, v := range g.adj[start:end] {
			if ri < len(rem) && rem[ri] == (entry{int32(u), v}) {
				ri++
				continue
			}
			g.adj[w] = v
			w++
		}
		start = end
	}
	g.off[g.N()] = w
	g.insert(add)
}

// insert merges the sorted entries of add into the lists, moving lists
// right from the back so nothing unread is overwritten.
func (g *Graph) insert(add []entry) {
	c := int64(len(add)) // entries still to place, all for nodes ≤ u
	ai := len(add) - 1
	for u := g.N() - 1; u >= 0 && c > 0; u-- {
		start, end := g.off[u], g.off[u+1]
		b := ai
		for b >= 0 && add[b].node == int32(u) {
			b--
		}
		g.off[u+1] = end + c
		i, w := end-1, end+c-1
		for k := ai; k > b; w-- {
			if i >= start && g.adj[i] > add[k].value {
				g.adj[w] = g.adj[i]
				i--
			} else {
				g.adj[w] = add[k].value
				k--
			}
		}
		c -= int64(ai - b)
		copy(g.adj[start+c:i+1+c], g.adj[start:i+1])
		ai = b
	}
}
