package study

import (
	"strings"
	"testing"
)

// FuzzParseSweep: ParseSweep never panics; it returns a sweep with a key
// and values, or a non-empty error.
func FuzzParseSweep(f *testing.F) {
	for _, s := range []string{"textbook.rho=0,0.3,0.6", "population.size=100:1000:100", "a=", "=1", "x=1:0:1", "k=1e308:1e309:1", "k=0:1:1e-300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sw, err := ParseSweep(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if sw.Key == "" || len(sw.Values) == 0 || len(sw.Values) > MaxPoints {
			t.Fatalf("ParseSweep(%q) = %+v", s, sw)
		}
	})
}

// FuzzParseUntil: ParseUntil never panics and accepts only targets with a
// known measure and a positive finite bound.
func FuzzParseUntil(f *testing.F) {
	for _, s := range []string{"mcse(coverage)<0.005", "mcse(bias)<0.01,mcse(coverage)<0.01", "mcse(x)<1", "mcse(bias)<-1", "mcse(bias)<NaN", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseUntil(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, tg := range ts {
			if !(tg.Below > 0) || tg.Below != tg.Below || strings.TrimSpace(tg.Measure) == "" {
				t.Fatalf("ParseUntil(%q) accepted %+v", s, tg)
			}
		}
	})
}

// FuzzParseShard: ParseShard never panics; an accepted "i/n" has
// 1 ≤ i ≤ n.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/3", "3/3", "0/3", "4/3", "x", "1/0", "-1/2", "99999999999999999999/1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, n, err := ParseShard(s)
		if err == nil && s != "" && !(1 <= i && i <= n) {
			t.Fatalf("ParseShard(%q) = %d, %d", s, i, n)
		}
	})
}
