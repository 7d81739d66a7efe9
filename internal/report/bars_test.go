package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testBarPanels returns a profit panel (bars from 0, a reference line)
// and a survey panel (means far from 0: bars from the axis minimum), with
// policy names long enough to be rotated.
func testBarPanels() []BarPanel {
	names := []string{"baseline", "flat_fee_5pct", "dynamic_pricing_v2", "loyalty-discount", "cap_20"}
	profit := []float64{100, 120, 95, 130, 80}
	survey := []float64{3.40, 3.42, 3.37, 3.45, 3.36}
	var pb, sb []Bar
	for i, n := range names {
		pb = append(pb, Bar{Label: n, Value: profit[i], Lo: profit[i] - 8, Hi: profit[i] + 8, Highlight: i == 0})
		sb = append(sb, Bar{Label: n, Value: survey[i], Lo: survey[i] - 0.03, Hi: survey[i] + 0.03, Highlight: i == 0})
	}
	ref := 100.0
	return []BarPanel{
		{Title: "profit", Bars: pb, Ref: &ref},
		{Title: "survey satisfaction", Bars: sb},
	}
}

// barFiles draws panels under dir/name and returns the files' contents.
func barFiles(t *testing.T, dir, name string, panels []BarPanel) (png, svg []byte) {
	t.Helper()
	base := filepath.Join(dir, name)
	if err := BarPanels(base, "Policies", panels); err != nil {
		t.Fatal(err)
	}
	return checkFiles(t, base)
}

func TestBarPanels(t *testing.T) {
	dir := t.TempDir()
	pa, sa := barFiles(t, dir, "a", testBarPanels())
	pb, sb := barFiles(t, dir, "b", testBarPanels())
	if !bytes.Equal(sa, sb) {
		t.Error("SVG differs between two identical calls")
	}
	if !bytes.Equal(pa, pb) {
		t.Error("PNG differs between two identical calls")
	}
	svg := string(sa)
	for _, want := range []string{">Policies<", ">profit<", ">survey satisfaction<", ">dynamic_pricing_v2<", ">cap_20<", "95% intervals"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if !strings.Contains(svg, "rotate(45)") {
		t.Error("long labels not rotated")
	}

	// Short labels stay horizontal.
	short := []BarPanel{{Title: "profit", Bars: []Bar{
		{Label: "A", Value: 10, Lo: 9, Hi: 11, Highlight: true},
		{Label: "B", Value: 12, Lo: 11, Hi: 13},
		{Label: "C", Value: -3, Lo: math.NaN(), Hi: math.NaN()},
	}}}
	_, s := barFiles(t, dir, "short", short)
	if strings.Contains(string(s), "rotate(45)") {
		t.Error("short labels rotated")
	}
	for _, want := range []string{">A<", ">B<", ">C<"} {
		if !strings.Contains(string(s), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// Non-finite values are ignored: ends of intervals and reference lines
// change nothing, a bar without a finite value reads "n/a".
func TestBarPanelsNonFinite(t *testing.T) {
	dir := t.TempDir()
	nan, inf := math.NaN(), math.Inf(1)
	clean, dirty := testBarPanels(), testBarPanels()
	for _, k := range []int{1, 2, 3} {
		clean[0].Bars[k].Lo, clean[0].Bars[k].Hi = nan, nan
	}
	clean[1].Bars[3] = Bar{Label: clean[1].Bars[3].Label, Value: nan, Lo: nan, Hi: nan}
	dirty[0].Bars[1].Lo = nan                                                    // one NaN end
	dirty[0].Bars[2].Lo, dirty[0].Bars[2].Hi = -inf, inf                         // infinite ends
	dirty[0].Bars[3].Lo, dirty[0].Bars[3].Hi = 0, 0                              // zero width
	dirty[1].Bars[3].Value, dirty[1].Bars[3].Lo, dirty[1].Bars[3].Hi = inf, 3, 4 // interval of a bar not drawn
	dirty[1].Ref = &nan
	_, want := barFiles(t, dir, "clean", clean)
	_, got := barFiles(t, dir, "dirty", dirty)
	if !bytes.Equal(got, want) {
		t.Error("non-finite values changed the bar plot")
	}
	if !strings.Contains(string(want), ">n/a<") {
		t.Error("bar without a finite value not marked n/a")
	}
}

func TestBarAxis(t *testing.T) {
	cases := []struct {
		name       string
		lo, hi     float64
		amin, amax float64
	}{
		{"positive", 80, 140, 0, 147},
		{"survey: still from 0", 3.33, 3.48, 0, 3.654},
		{"negative", -140, -80, -147, 0},
		{"far negative", -3.48, -3.33, -3.654, 0},
		{"straddling", -1, 3, -1.2, 3.2},
		{"single value", 5, 5, 0, 5.25},
		{"all zero", 0, 0, 0, 1},
		{"nothing finite", math.Inf(1), math.Inf(-1), 0, 1},
	}
	for _, c := range cases {
		amin, amax := barAxis(c.lo, c.hi)
		if math.Abs(amin-c.amin) > 1e-9 || math.Abs(amax-c.amax) > 1e-9 {
			t.Errorf("%s: barAxis(%v, %v) = %v, %v; want %v, %v", c.name, c.lo, c.hi, amin, amax, c.amin, c.amax)
		}
	}
}

func TestBarPanelsErrors(t *testing.T) {
	dir := t.TempDir()
	nan := math.NaN()
	cases := []struct {
		name   string
		panels []BarPanel
	}{
		{"no panels", nil},
		{"empty panel", append(testBarPanels(), BarPanel{Title: "empty"})},
		{"no finite value", []BarPanel{{Title: "a", Bars: []Bar{{Label: "x", Value: nan, Lo: 1, Hi: 2}, {Label: "y", Value: math.Inf(-1)}}}}},
		{"Lo > Hi", []BarPanel{{Title: "a", Bars: []Bar{{Label: "x", Value: 1, Lo: 2, Hi: 0.5}}}}},
		{"infinite Lo > Hi", []BarPanel{{Title: "a", Bars: []Bar{{Label: "x", Value: 1, Lo: math.Inf(1), Hi: 2}}}}},
	}
	for _, c := range cases {
		if err := BarPanels(filepath.Join(dir, "x"), "t", c.panels); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if err := BarPanels("", "t", testBarPanels()); err == nil {
		t.Error("empty path: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed calls left files: %v", entries)
	}
}
