package facts

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// synthetic is a small report made up without simulating: facts of
// different units and signs, one that does not hold, one with an id the
// catalogue lacks and one without finite numbers.
func synthetic() *Report {
	return &Report{Scenario: "synthetic", Seed: 7, Reps: 4, Results: []Result{
		{ID: "paradox_satisfaction", Title: "Recovery paradox in satisfaction", Estimate: 0.031, Low: 0.012, High: 0.05, Reps: 4, Holds: true},
		{ID: "paradox_not_repurchase", Title: "No recovery paradox in repurchase", Estimate: -0.004, Low: -0.009, High: 0.001, Reps: 4},
		{ID: "word_of_mouth_amplifies", Title: "Word of mouth amplifies the cost of failures", Estimate: -18250, Low: -25400, High: -11100, Reps: 4, Holds: true},
		{ID: "speed_costs", Title: "Speed costs staff", Estimate: 5400, Low: 5100, High: 5700, Reps: 4, Holds: true},
		{ID: "not_in_catalogue", Title: "A fact the catalogue lacks", Estimate: 0, Low: 0, High: 0, Reps: 4},
		{ID: "empty_recovery", Title: "Contacting pays only through what the recovery delivers", Estimate: math.NaN(), Low: math.NaN(), High: math.NaN(), Reps: 4},
	}}
}

// TestPlot writes the PNG and the SVG twice and requires them non-empty
// and byte-identical across calls, with no temporary file left behind.
func TestPlot(t *testing.T) {
	dir := t.TempDir()
	r := synthetic()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		if err := r.Plot(p); err != nil {
			t.Fatalf("Plot(%s): %v", p, err)
		}
	}
	for _, ext := range []string{".png", ".svg"} {
		da, err := os.ReadFile(a + ext)
		if err != nil {
			t.Fatal(err)
		}
		db, err := os.ReadFile(b + ext)
		if err != nil {
			t.Fatal(err)
		}
		if len(da) == 0 {
			t.Errorf("a%s is empty", ext)
		}
		if !bytes.Equal(da, db) {
			t.Errorf("%s: two calls give different bytes", ext)
		}
	}
	if png, _ := os.ReadFile(a + ".png"); !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("a.png is not a PNG")
	}
	svg, _ := os.ReadFile(a + ".svg")
	for _, want := range []string{"<svg", "Speed costs staff", "n/a", "synthetic: 3 of 6 facts hold"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the directory, want 4 (a temporary file left behind?)", len(entries))
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	if err := (&Report{Scenario: "x"}).Plot(filepath.Join(dir, "facts")); err == nil {
		t.Error("an empty report plotted")
	}
	if err := synthetic().Plot(filepath.Join(dir, "no", "such", "dir")); err == nil {
		t.Error("a missing directory did not fail")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed calls left %d files", len(entries))
	}
}

// TestNormalise: each row's interval lands in [−1, 1] with 0 kept.
func TestNormalise(t *testing.T) {
	cases := []struct{ est, lo, hi, e, l, h float64 }{
		{3, 2, 4, 0.75, 0.5, 1},
		{-18250, -25400, -11100, -18250.0 / 25400, -1, -11100.0 / 25400},
		{0.5, -1, 2, 0.25, -0.5, 1},
		{0, 0, 0, 0, 0, 0},
	}
	for _, c := range cases {
		e, l, h, ok := normalise(c.est, c.lo, c.hi)
		if !ok || math.Abs(e-c.e) > 1e-12 || math.Abs(l-c.l) > 1e-12 || math.Abs(h-c.h) > 1e-12 {
			t.Errorf("normalise(%v, %v, %v) = %v, %v, %v, %v; want %v, %v, %v", c.est, c.lo, c.hi, e, l, h, ok, c.e, c.l, c.h)
		}
	}
	for _, bad := range [][3]float64{{math.NaN(), 0, 1}, {0, math.Inf(-1), 1}, {0, 1, -1}} {
		if _, _, _, ok := normalise(bad[0], bad[1], bad[2]); ok {
			t.Errorf("normalise(%v) ok", bad)
		}
	}
}
