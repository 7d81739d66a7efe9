// Package rng provides keyed, counter-based random numbers for common
// random numbers (CRN) in simulation.
//
// Every draw is a pure function of a key — (seed, replication, unit,
// period, purpose) — and a counter, so a counterfactual run that asks for
// the same key gets the same numbers, and results do not depend on the
// order in which goroutines or machines do the work. The mixing function
// is SplitMix64's finaliser (Steele, Lea & Flood 2014, "Fast splittable
// pseudorandom number generators", OOPSLA), which passes BigCrush when fed
// a Weyl sequence; keys are folded in with one finaliser round each.
//
// A Stream also implements math/rand/v2's Source, so it can drive
// math/rand/v2's ziggurat normal and exponential draws and gonum's distuv
// distributions without touching a global generator.
package rng

import (
	"math"
	"math/rand/v2"
)

const (
	golden = 0x9e3779b97f4a7c15
	kRep   = 0xd1b54a32d192ed03
	kUnit  = 0xaef17502108ef2d9
	kPer   = 0xf1357aea2e62a9c5
	kPurp  = 0x8cb92ba72f3d8dd7
)

// Mix is the SplitMix64 finaliser: a bijective avalanche of x.
func Mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Key identifies an independent random stream.
type Key uint64

// NewKey folds seed, replication, unit (customer or observation), period
// and purpose into one stream key.
func NewKey(seed, rep, unit, period uint64, purpose Purpose) Key {
	h := Mix(seed + golden)
	h = Mix(h ^ (rep+1)*kRep)
	h = Mix(h ^ (unit+1)*kUnit)
	h = Mix(h ^ (period+1)*kPer)
	h = Mix(h ^ (uint64(purpose)+1)*kPurp)
	return Key(h)
}

// Base returns the key for (seed, replication); Unit, Period and Purpose
// refine it. NewKey(s, r, u, p, q) == Base(s, r).Unit(u).Period(p).Purpose(q).
func Base(seed, rep uint64) Key {
	h := Mix(seed + golden)
	return Key(Mix(h ^ (rep+1)*kRep))
}

// Unit refines k by a unit index.
func (k Key) Unit(u uint64) Key { return Key(Mix(uint64(k) ^ (u+1)*kUnit)) }

// Period refines k by a period index.
func (k Key) Period(p uint64) Key { return Key(Mix(uint64(k) ^ (p+1)*kPer)) }

// Purpose refines k by a purpose.
func (k Key) Purpose(q Purpose) Key { return Key(Mix(uint64(k) ^ (uint64(q)+1)*kPurp)) }

// Uint64 returns the i-th 64-bit draw of stream k.
func (k Key) Uint64(i uint64) uint64 { return Mix(uint64(k) + (i+1)*golden) }

// Float64 returns the i-th uniform draw in [0,1) of stream k.
func (k Key) Float64(i uint64) float64 { return float64(k.Uint64(i)>>11) * 0x1p-53 }

// Uniform2 returns two uniforms in (0,1) with 32 bits each from one draw.
// It is the cheapest way to get a pair of independent decisions.
func (k Key) Uniform2(i uint64) (float64, float64) {
	x := k.Uint64(i)
	return (float64(x>>32) + 0.5) * 0x1p-32, (float64(x&0xffffffff) + 0.5) * 0x1p-32
}

// Stream is a sequential generator over a key: draw i is Key.Uint64(i).
// The zero Stream is usable but every zero Stream yields the same numbers.
type Stream struct {
	key Key
	n   uint64
}

// NewStream returns a stream reading draws 0, 1, 2, ... of k.
func NewStream(k Key) Stream { return Stream{key: k} }

// Uint64 returns the next 64-bit draw. It makes Stream a rand.Source.
func (s *Stream) Uint64() uint64 {
	x := s.key.Uint64(s.n)
	s.n++
	return x
}

// Float64 returns the next uniform draw in [0,1).
func (s *Stream) Float64() float64 { return float64(s.Uint64()>>11) * 0x1p-53 }

// Open returns the next uniform draw in the open interval (0,1).
func (s *Stream) Open() float64 { return (float64(s.Uint64()>>11) + 0.5) * 0x1p-53 }

// Normal returns the next standard normal draw, by the ziggurat method
// of math/rand/v2 (Marsaglia & Tsang 2000) reading this stream.
func (s *Stream) Normal() float64 { return rand.New(s).NormFloat64() }

// Normal2 returns two independent standard normal draws.
func (s *Stream) Normal2() (float64, float64) {
	r := rand.New(s)
	a := r.NormFloat64()
	return a, r.NormFloat64()
}

// Exp returns the next standard exponential draw (ziggurat).
func (s *Stream) Exp() float64 { return rand.New(s).ExpFloat64() }

// Gamma returns a Gamma(shape, 1) draw (Marsaglia & Tsang 2000, ACM TOMS
// 26(3); shape < 1 by the boost Gamma(a) = Gamma(a+1)·U^(1/a)).
func (s *Stream) Gamma(shape float64) float64 {
	if shape <= 0 {
		return 0
	}
	if shape < 1 {
		return s.Gamma(shape+1) * math.Pow(s.Open(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := s.Normal()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := s.Open()
		// The squeeze u < 1 − 0.0331x⁴ lies inside the acceptance region
		// (Marsaglia & Tsang 2000), so it accepts exactly the same draws
		// without the two logarithms.
		if x2 := x * x; u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// Beta returns a Beta(a, b) draw.
func (s *Stream) Beta(a, b float64) float64 {
	x := s.Gamma(a)
	y := s.Gamma(b)
	if x+y == 0 {
		return a / (a + b)
	}
	return x / (x + y)
}

// ChiSquare returns a chi-square draw with df degrees of freedom.
func (s *Stream) ChiSquare(df float64) float64 { return 2 * s.Gamma(df/2) }

// Bernoulli reports whether the next uniform falls below p.
func (s *Stream) Bernoulli(p float64) bool { return s.Float64() < p }

// Categorical returns an index drawn with the given probabilities
// (which need not sum exactly to one; the last index absorbs rounding).
func (s *Stream) Categorical(p []float64) int {
	u := s.Float64()
	acc := 0.0
	for i, pi := range p {
		acc += pi
		if u < acc {
			return i
		}
	}
	return len(p) - 1
}
