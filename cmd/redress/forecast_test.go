package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// TestWarnLarge: a run is announced as large before it starts only when
// its forecast time or memory is large, with the way to cut the memory.
func TestWarnLarge(t *testing.T) {
	sc := scenarios.Default()
	var b bytes.Buffer
	warnLarge(&b, sc, 0, true)
	if b.Len() != 0 {
		t.Errorf("the default scenario is announced as large: %s", b.String())
	}
	sc.Population.Size, sc.Population.Weeks = 5_000_000, 520
	warnLarge(&b, sc, 0, true)
	if s := b.String(); !strings.Contains(s, "a large run") || !strings.Contains(s, "--estimates=false") {
		t.Errorf("5M × 520 weeks: %q", s)
	}
	b.Reset()
	warnLarge(&b, sc, 0, false)
	if s := b.String(); !strings.Contains(s, "a large run") || strings.Contains(s, "--estimates=false") {
		t.Errorf("5M × 520 weeks without estimates: %q", s)
	}
}
