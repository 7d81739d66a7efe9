package rng

import (
	"fmt"
	"math"
	"testing"
)

func TestKeyComposition(t *testing.T) {
	if NewKey(7, 2, 3, 4, 5) != Base(7, 2).Unit(3).Period(4).Purpose(5) {
		t.Error("NewKey differs from Base().Unit().Period().Purpose()")
	}
	seen := map[uint64]string{}
	for s := range uint64(3) {
		for u := range uint64(50) {
			for p := range uint64(5) {
				x := NewKey(s, 0, u, p, 0).Uint64(0)
				name := fmt.Sprint(s, u, p)
				if prev, ok := seen[x]; ok {
					t.Fatalf("keys %s and %s collide", prev, name)
				}
				seen[x] = name
			}
		}
	}
	// Swapping unit and period must give different streams.
	if NewKey(1, 0, 2, 3, 0) == NewKey(1, 0, 3, 2, 0) {
		t.Error("unit and period are interchangeable")
	}
}

// TestMoments checks the uniform, normal, gamma and beta draws against
// their moments within 5 standard errors (n = 200,000, fixed keys).
func TestMoments(t *testing.T) {
	const n = 200000
	s := NewStream(NewKey(1, 0, 0, 0, 0))
	check := func(name string, draw func() float64, mean, variance float64) {
		t.Helper()
		var sum, sq float64
		for range n {
			x := draw()
			sum += x
			sq += x * x
		}
		m := sum / n
		v := sq/n - m*m
		if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
			t.Errorf("%s mean %.5f, want %.5f ± %.5f", name, m, mean, 5*se)
		}
		// Var of the sample variance ≈ (μ4 − σ⁴)/n; 10% is > 5 SE here.
		if math.Abs(v-variance) > 0.03*variance+1e-12 {
			t.Errorf("%s variance %.5f, want %.5f", name, v, variance)
		}
	}
	check("uniform", s.Float64, 0.5, 1.0/12)
	check("normal", s.Normal, 0, 1)
	check("exp", s.Exp, 1, 1)
	check("gamma(0.5)", func() float64 { return s.Gamma(0.5) }, 0.5, 0.5)
	check("gamma(3)", func() float64 { return s.Gamma(3) }, 3, 3)
	a, b := 2.0, 5.0
	check("beta(2,5)", func() float64 { return s.Beta(a, b) }, a/(a+b), a*b/((a+b)*(a+b)*(a+b+1)))
	var c float64
	for range n {
		x, y := s.Normal2()
		c += x * y
	}
	if math.Abs(c/n) > 5/math.Sqrt(n) {
		t.Errorf("Normal2 pair correlated: %.4f", c/n)
	}
}

func TestUniform2Range(t *testing.T) {
	k := NewKey(3, 0, 0, 0, 0)
	for i := range uint64(10000) {
		a, b := k.Uniform2(i)
		if a <= 0 || a >= 1 || b <= 0 || b >= 1 {
			t.Fatalf("Uniform2 out of (0,1): %g %g", a, b)
		}
	}
}

func ExampleKey() {
	// The same key gives the same numbers, whoever asks and when.
	k := NewKey(42, 0, 17, 3, 1)
	s1, s2 := NewStream(k), NewStream(k)
	fmt.Println(s1.Float64() == s2.Float64())
	// Output: true
}
