package network

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/redress-sim/redress/rng"
)

// ring is the Watts–Strogatz ring and its rewiring streams; positions are
// ring indices, labels node ids. Edge e = u·h + (j−1), j = 1..h, joins
// position u to u+j in the lattice.
type ring struct {
	n, h, span int64   // nodes, k/2, N−1−k rewiring targets
	p          float64 // rewiring probability
	key        rng.Key // rng.PurposeRewire; edge e's stream is key.Unit(e)
	label, pos []int32 // position → label and back; nil: identity
}

func newRing(key rng.Key, s Spec) ring {
	k := int64(s.MeanDegree)
	r := ring{n: int64(s.N), h: k / 2, span: int64(s.N) - 1 - k, p: s.Rewire,
		key: key.Purpose(rng.PurposeRewire)}
	if !s.LatticeOrder {
		r.label = permutation(key.Purpose(rng.PurposeLabels), s.N)
		r.pos = make([]int32, s.N)
		for x, l := range r.label {
			r.pos[l] = int32(x)
		}
	}
	return r
}

func (r *ring) labelOf(x int64) int32 {
	if r.label == nil {
		return int32(x)
	}
	return r.label[x]
}

func (r *ring) posOf(l int32) int64 {
	if r.pos == nil {
		return int64(l)
	}
	return int64(r.pos[l])
}

// step is position x + d (mod N) for |d| < N.
func (r *ring) step(x, d int64) int64 {
	x += d
	if x < 0 {
		return x + r.n
	}
	if x >= r.n {
		return x - r.n
	}
	return x
}

// lattice is the label of edge e's lattice far end, position u+j.
func (r *ring) lattice(e int64) int32 { return r.labelOf((e/r.h + e%r.h + 1) % r.n) }

// draw makes edge e's rewiring decision, U_e < p with U_e the first value
// of its stream, and returns the stream positioned after that value.
func (r *ring) draw(e int64) (s rng.Stream, rewired bool) {
	if r.p == 0 || r.span == 0 {
		return s, false
	}
	s = rng.NewStream(r.key.Unit(uint64(e)))
	return s, s.Float64() < r.p
}

// first returns edge e's far end (a position) after its own rewiring
// draw, and its stream positioned after that draw, ready for redraws.
func (r *ring) first(e int64) (s rng.Stream, w int64, rewired bool) {
	u, j := e/r.h, e%r.h+1
	s, rewired = r.draw(e)
	if !rewired {
		return s, (u + j) % r.n, false
	}
	return s, r.target(u, &s), true
}

// target draws a position uniformly among those at ring distance > h from
// u: (u + h + 1 + U) mod N with U uniform on [0, N−1−k), the sum being
// below 2N.
func (r *ring) target(u int64, s *rng.Stream) int64 {
	return r.step(u, r.h+1+int64(below(s, uint64(r.span))))
}

// smallWorld is the implicit form of a Watts–Strogatz graph. Bit e of
// moved marks lattice edge e as rewired; its far end is then re-derived
// from the edge's stream (first), except for the few edges redrawn as
// duplicates, whose far ends are kept in fixFar. Each rewired edge is also
// listed once, under the label of its near end, in in(y) for the position
// y of its far end. Node i at position x therefore has neighbours
//
//	N(i) = {far end of edge x·h + j − 1 : j = 1..h}                (its own edges)
//	     ∪ {label(x − j) : j = 1..h, edge (x−j)·h + j − 1 not moved} (lattice edges from behind)
//	     ∪ in(x)                                                    (rewired edges ending at i),
//
// a disjoint union, so d_i = k − #{j : edge (x−j)·h + j − 1 moved} + |in(x)|.
type smallWorld struct {
	ring
	moved   []uint64    // N·h bits
	in      packedLists // in(y): near-end labels of the rewired edges ending at position y
	fixEdge []int64     // redrawn edges that stayed rewired, ascending
	fixFar  []int32     // their far ends (labels)
	// farOf lists every moved edge's far end (label) in edge order, found
	// through rank: rankBase[w] counts the moved edges before word w of
	// moved. Listing neighbours then needs no random draw.
	farOf    []int32
	rankBase []uint32
}

// buildSmallWorld draws the rewiring, finds the rewired edges that
// duplicate another, redraws them and patches the lists.
func buildSmallWorld(key rng.Key, s Spec) *Graph {
	w := &smallWorld{ring: newRing(key, s)}
	g := &Graph{n: s.N, sw: w}
	w.in = w.rewire()
	g.stats.Rewired = int64(len(w.in.val))
	if redo := w.duplicates(); len(redo) > 0 {
		rem, add := w.redraw(redo, &g.stats)
		w.in = w.in.patch(rem, add)
	}
	w.index()
	return g
}

// index tabulates the far end of every moved edge (4 bytes each, and 4
// bytes per 64 edges for the ranks) so that far needs no random draw.
func (w *smallWorld) index() {
	w.rankBase = make([]uint32, len(w.moved))
	n := uint32(0)
	for k, word := range w.moved {
		w.rankBase[k] = n
		n += uint32(bits.OnesCount64(word))
	}
	farOf := make([]int32, 0, n)
	for u := range w.n {
		for e := u * w.h; e < (u+1)*w.h; e++ {
			if w.isMoved(e) {
				farOf = append(farOf, w.far(e, u))
			}
		}
	}
	w.farOf = farOf
}

// rank is the number of moved edges before edge e.
func (w *smallWorld) rank(e int64) int {
	k := e >> 6
	return int(w.rankBase[k]) + bits.OnesCount64(w.moved[k]&(1<<(e&63)-1))
}

// isMoved reports whether edge e was rewired (bit e of moved).
func (w *smallWorld) isMoved(e int64) bool { return w.moved[e>>6]&(1<<(e&63)) != 0 }

// rewire makes every edge's rewiring draw, sets the bits of the rewired
// ones and lists each at its far end: a counting sort by far-end
// position, each list in edge order.
func (w *smallWorld) rewire() packedLists {
	w.moved = make([]uint64, (w.n*w.h+63)/64)
	off := make([]uint32, w.n+1)
	// Far-end positions of the rewired edges, in edge order.
	ends := make([]int32, 0, int(w.p*float64(w.n*w.h)*1.01)+64)
	for u := range w.n {
		for e := u * w.h; e < (u+1)*w.h; e++ {
			if s, rw := w.draw(e); rw {
				y := w.target(u, &s)
				w.moved[e>>6] |= 1 << (e & 63)
				off[y+1]++
				ends = append(ends, int32(y))
			}
		}
	}
	for y := 1; y < len(off); y++ {
		off[y] += off[y-1]
	}
	copy(off[1:], off[:w.n]) // off[y+1] = start of y: the cursor
	val := make([]int32, len(ends))
	for u := range w.n {
		for e := u * w.h; e < (u+1)*w.h; e++ {
			if w.isMoved(e) {
				y := int64(ends[0]) + 1
				ends = ends[1:]
				val[off[y]] = w.labelOf(u)
				off[y]++
			}
		}
	} // each cursor ends at the start of the next list
	return packLists(off, val)
}

// far is the label of moved edge e's far end; u = e / h is its near end.
func (w *smallWorld) far(e, u int64) int32 {
	if w.farOf != nil {
		return w.farOf[w.rank(e)]
	}
	if len(w.fixEdge) > 0 {
		if x, ok := slices.BinarySearch(w.fixEdge, e); ok {
			return w.fixFar[x]
		}
	}
	s, _ := w.draw(e)
	return w.labelOf(w.target(u, &s))
}

// count is the number of times v occurs in list.
func count(list []int32, v int32) int {
	c := 0
	for _, x := range list {
		if x == v {
			c++
		}
	}
	return c
}

// duplicates returns, ascending, the rewired edges to redraw: all but the
// lowest-indexed edge of each pair {a, b} joined by more than one rewired
// edge. At b's position x the pair repeats if a occurs twice in in(x)
// (two edges a → b) or if a ∈ in(x) and b has a rewired edge to a (edges
// a → b and b → a); edges b → a twice show at a's position. Lattice edges
// never repeat, since rewired ends are never within ring distance h.
func (w *smallWorld) duplicates() []int64 {
	var pairs [][2]int32
	for x := range w.n {
		in, b := w.in.list(int(x)), w.labelOf(x)
		for _, a := range in {
			if count(in, a) > 1 {
				pairs = append(pairs, [2]int32{min(a, b), max(a, b)})
			}
		}
		for e := x * w.h; e < (x+1)*w.h && len(in) > 0; e++ {
			if !w.isMoved(e) {
				continue
			}
			if a := w.far(e, x); slices.Contains(in, a) {
				pairs = append(pairs, [2]int32{min(a, b), max(a, b)})
			}
		}
	}
	slices.SortFunc(pairs, func(p, q [2]int32) int {
		return cmp.Or(cmp.Compare(p[0], q[0]), cmp.Compare(p[1], q[1]))
	})
	var redo []int64
	for _, pr := range slices.Compact(pairs) {
		redo = w.pairEdges(pr[0], pr[1], redo)
	}
	slices.Sort(redo)
	return redo
}

// pairEdges appends the rewired edges joining labels a and b, except the
// one with the lowest index.
func (w *smallWorld) pairEdges(a, b int32, redo []int64) []int64 {
	var es []int64
	for _, pr := range [2][2]int32{{a, b}, {b, a}} {
		u := w.posOf(pr[0])
		for e := u * w.h; e < (u+1)*w.h; e++ {
			if w.isMoved(e) && w.far(e, u) == pr[1] {
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

// rewiredPair reports whether a rewired edge joins positions x and y,
// labelled a and b.
func (w *smallWorld) rewiredPair(x, y int64, a, b int32) bool {
	return slices.Contains(w.in.list(int(y)), a) || slices.Contains(w.in.list(int(x)), b)
}

// slot is value in list.
type slot struct{ list, value int32 }

// redraw gives each edge in redo (ascending) a new far end from the next
// values of its stream, avoiding every pair of the graph as first drawn
// (w.in is not updated meanwhile) and every pair accepted earlier; after
// MaxRedraws failures it keeps the lattice edge, clearing its bit. It
// returns the list entries to remove and to add, by list.
func (w *smallWorld) redraw(redo []int64, st *Stats) (rem, add []slot) {
	taken := make(map[[2]int32]bool, len(redo)) // cold path: few edges
	for _, e := range redo {
		s, old, _ := w.first(e)
		u := e / w.h
		lu, nw, y := w.labelOf(u), w.lattice(e), int64(-1)
		for range MaxRedraws {
			z := w.target(u, &s)
			if lw := w.labelOf(z); !w.rewiredPair(u, z, lu, lw) && !taken[[2]int32{min(lu, lw), max(lu, lw)}] {
				nw, y = lw, z
				break
			}
		}
		taken[[2]int32{min(lu, nw), max(lu, nw)}] = true
		st.Redrawn++
		rem = append(rem, slot{int32(old), lu})
		if y < 0 {
			st.Reverted++
			st.Rewired--
			w.moved[e>>6] &^= 1 << (e & 63)
			continue
		}
		w.fixEdge = append(w.fixEdge, e)
		w.fixFar = append(w.fixFar, nw)
		add = append(add, slot{int32(y), lu})
	}
	return rem, add
}

// appendNeighbours appends N(i): for j = 1..h, edge x·h+j−1's far end and
// position x−j's label if edge (x−j)·h+j−1 is not moved; then in(x).
func (w *smallWorld) appendNeighbours(dst []int32, i int) []int32 {
	x := w.posOf(int32(i))
	for j := int64(1); j <= w.h; j++ {
		if e := x*w.h + j - 1; w.isMoved(e) {
			dst = append(dst, w.far(e, x))
		} else {
			dst = append(dst, w.labelOf(w.step(x, j)))
		}
		if y := w.step(x, -j); !w.isMoved(y*w.h + j - 1) {
			dst = append(dst, w.labelOf(y))
		}
	}
	return append(dst, w.in.list(int(x))...)
}

// degree is d_i = k − #{j : edge (x−j)·h + j − 1 moved} + |in(x)|.
func (w *smallWorld) degree(i int) int {
	x := w.posOf(int32(i))
	d := 2*w.h + int64(w.in.size(int(x)))
	for j := int64(1); j <= w.h; j++ {
		if w.isMoved(w.step(x, -j)*w.h + j - 1) {
			d--
		}
	}
	return int(d)
}

// hasEdge: nodes at ring distance d ≤ h are joined by lattice edge
// (x·h + d − 1, from the position x behind) unless it moved; farther
// apart, only by a rewired edge, listed at one of them.
func (w *smallWorld) hasEdge(i, j int) bool {
	x, y := w.posOf(int32(i)), w.posOf(int32(j))
	lo, hi := min(x, y), max(x, y)
	switch d := hi - lo; {
	case d == 0:
		return false
	case d <= w.h:
		return !w.isMoved(lo*w.h + d - 1)
	case w.n-d <= w.h: // lo is ahead of hi across position 0
		return !w.isMoved(hi*w.h + w.n - d - 1)
	}
	return w.rewiredPair(x, y, int32(i), int32(j))
}

// bytes is 4N·2 (label and pos; 0 with LatticeOrder) + 8⌈N·h/64⌉ (moved)
// + 4R (in, R rewired edges) + packed offsets + 12 per fixed edge.
func (w *smallWorld) bytes() int64 {
	return 4*int64(len(w.label)+len(w.pos)) + 8*int64(len(w.moved)) + w.in.bytes() +
		12*int64(len(w.fixEdge)) + 4*int64(len(w.farOf)+len(w.rankBase))
}

// packedLists holds N lists of int32 back to back in val, list i being
// val[o(i):o(i+1)] with the N+1 offsets packed as
//
//	o(i) = base[i >> shift] + rel[i],
//
// a uint32 per block of 2^shift nodes and a byte per node: 1 + 4/2^shift
// bytes per node against 8 for int64 offsets. shift is the largest in
// 0..8 at which every offset is within 255 of its block's first; shift 0
// (rel ≡ 0) always qualifies. uint32 suffices: at most N·h ≤ 2³¹ edges.
type packedLists struct {
	shift uint
	base  []uint32
	rel   []uint8
	val   []int32
}

// packLists packs the N+1 offsets off of the lists in val.
func packLists(off []uint32, val []int32) packedLists {
	shift := uint(8)
	for shift > 0 && !fitsByte(off, shift) {
		shift--
	}
	p := packedLists{shift: shift, base: make([]uint32, (len(off)-1)>>shift+1),
		rel: make([]uint8, len(off)), val: val}
	for i, o := range off {
		if i&(1<<shift-1) == 0 {
			p.base[i>>shift] = o
		}
		p.rel[i] = uint8(o - p.base[i>>shift])
	}
	return p
}

// fitsByte reports whether every offset is within 255 of its block's first.
func fitsByte(off []uint32, shift uint) bool {
	for i, o := range off {
		if o-off[i>>shift<<shift] > math.MaxUint8 {
			return false
		}
	}
	return true
}

func (p *packedLists) at(i int) uint32 { return p.base[i>>p.shift] + uint32(p.rel[i]) }

func (p *packedLists) size(i int) int { return int(p.at(i+1) - p.at(i)) }

// list is list i; it aliases val and has no spare capacity.
func (p *packedLists) list(i int) []int32 {
	a, b := p.at(i), p.at(i+1)
	return p.val[a:b:b]
}

// bytes is 4·len(base) + len(rel) + 4·len(val).
func (p *packedLists) bytes() int64 {
	return 4*int64(len(p.base)) + int64(len(p.rel)) + 4*int64(len(p.val))
}

// patch returns the lists with one copy of each entry of rem removed (all
// present) and the entries of add appended to their lists in ascending
// order, in one sequential pass. It sorts rem and add and overwrites rem.
func (p *packedLists) patch(rem, add []slot) packedLists {
	bySlot := func(a, b slot) int { return cmp.Or(cmp.Compare(a.list, b.list), cmp.Compare(a.value, b.value)) }
	slices.SortFunc(rem, bySlot)
	slices.SortFunc(add, bySlot)
	n := len(p.rel) - 1
	off := make([]uint32, n+1)
	val := make([]int32, 0, len(p.val)-len(rem)+len(add))
	for x := range n {
		off[x] = uint32(len(val))
		k := 0
		for k < len(rem) && rem[k].list == int32(x) {
			k++
		}
		for _, v := range p.list(x) {
			if r := slices.Index(rem[:k], slot{int32(x), v}); r >= 0 {
				rem[r].value = -1 // used
				continue
			}
			val = append(val, v)
		}
		for rem = rem[k:]; len(add) > 0 && add[0].list == int32(x); add = add[1:] {
			val = append(val, add[0].value)
		}
	}
	off[n] = uint32(len(val))
	return packLists(off, val)
}
