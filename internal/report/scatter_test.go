package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// testPoints returns a small Pareto plot: three frontier points and two
// dominated ones, one of which has no interval on X.
func testPoints() []Point {
	nan := math.NaN()
	return []Point{
		{Label: "baseline", X: 100, Y: 0.61, XLo: 94, XHi: 106, YLo: 0.60, YHi: 0.62},
		{Label: "flat_fee_5pct", X: 120, Y: 0.65, XLo: 114, XHi: 126, YLo: 0.64, YHi: 0.66},
		{Label: "dynamic_pricing_v2", X: 95, Y: 0.58, XLo: 89, XHi: 101, YLo: 0.57, YHi: 0.59, Grey: true},
		{Label: "loyalty-discount", X: 130, Y: 0.70, XLo: 124, XHi: 136, YLo: 0.69, YHi: 0.71},
		{Label: "cap_20", X: 80, Y: 0.55, XLo: nan, XHi: nan, YLo: 0.54, YHi: 0.56, Grey: true},
	}
}

var testScatterOpts = ScatterOptions{Connect: true, Caption: "Grey: dominated policies"}

// scatterFiles draws points under dir/name and returns the files' contents.
func scatterFiles(t *testing.T, dir, name string, points []Point, opts ScatterOptions) (png, svg []byte) {
	t.Helper()
	base := filepath.Join(dir, name)
	if err := Scatter(base, "Profit and satisfaction", "profit", "true satisfaction", points, opts); err != nil {
		t.Fatal(err)
	}
	return checkFiles(t, base)
}

func TestScatter(t *testing.T) {
	dir := t.TempDir()
	pa, sa := scatterFiles(t, dir, "a", testPoints(), testScatterOpts)
	pb, sb := scatterFiles(t, dir, "b", testPoints(), testScatterOpts)
	if !bytes.Equal(sa, sb) {
		t.Error("SVG differs between two identical calls")
	}
	if !bytes.Equal(pa, pb) {
		t.Error("PNG differs between two identical calls")
	}
	for _, want := range []string{">Profit and satisfaction<", ">Grey: dominated policies<", ">profit<", ">true satisfaction<",
		">baseline<", ">flat_fee_5pct<", ">dynamic_pricing_v2<", ">loyalty-discount<", ">cap_20<"} {
		if !strings.Contains(string(sa), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// A single point, with a diagonal.
	_, s := scatterFiles(t, dir, "one", []Point{{Label: "only", X: 1, Y: 2, XLo: math.NaN(), XHi: math.NaN(), YLo: 1.5, YHi: 2.5}}, ScatterOptions{Diagonal: true})
	if !strings.Contains(string(s), ">only<") {
		t.Error("SVG lacks the label of the only point")
	}
}

// Non-finite values are ignored: points without a finite X and Y are
// not drawn, intervals with a non-finite end are not drawn.
func TestScatterNonFinite(t *testing.T) {
	dir := t.TempDir()
	nan, inf := math.NaN(), math.Inf(1)
	clean, dirty := testPoints(), testPoints()
	for _, k := range []int{0, 1} {
		clean[k].XLo, clean[k].XHi = nan, nan
	}
	clean[3].YLo, clean[3].YHi = nan, nan
	dirty[0].XLo = nan                     // one NaN end
	dirty[1].XLo, dirty[1].XHi = -inf, inf // infinite ends
	dirty[3].YLo, dirty[3].YHi = 0, 0      // zero width
	// A grey point inside (grey points take no colour) and a non-grey
	// point at the end, neither drawn.
	dirty = append(dirty[:2:2], append([]Point{{Label: "gone", X: 1, Y: inf, Grey: true}}, dirty[2:]...)...)
	dirty = append(dirty, Point{Label: "gone", X: nan, Y: 1})
	_, want := scatterFiles(t, dir, "clean", clean, testScatterOpts)
	_, got := scatterFiles(t, dir, "dirty", dirty, testScatterOpts)
	if !bytes.Equal(got, want) {
		t.Error("non-finite values changed the scatter plot")
	}
	if strings.Contains(string(got), ">gone<") {
		t.Error("label of a point not drawn is shown")
	}
}

func TestScatterErrors(t *testing.T) {
	dir := t.TempDir()
	nan := math.NaN()
	cases := []struct {
		name   string
		points []Point
	}{
		{"no points", nil},
		{"no finite point", []Point{{Label: "a", X: nan, Y: 1}, {Label: "b", X: 1, Y: math.Inf(-1)}}},
		{"XLo > XHi", append(testPoints(), Point{Label: "a", X: 1, Y: 1, XLo: 2, XHi: 0, YLo: nan, YHi: nan})},
		{"YLo > YHi", append(testPoints(), Point{Label: "a", X: 1, Y: 1, XLo: nan, XHi: nan, YLo: 2, YHi: 0})},
		{"infinite XLo > XHi", []Point{{Label: "a", X: 1, Y: 1, XLo: math.Inf(1), XHi: 2}}},
	}
	for _, c := range cases {
		if err := Scatter(filepath.Join(dir, "x"), "t", "x", "y", c.points, ScatterOptions{}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if err := Scatter("", "t", "x", "y", testPoints(), ScatterOptions{}); err == nil {
		t.Error("empty path: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed calls left files: %v", entries)
	}
}

// Labels sit next to their marker, not on it, and avoid labels already
// placed.
func TestPlaceLabel(t *testing.T) {
	area := vg.Rectangle{Max: vg.Point{X: 400, Y: 300}}
	m := vg.Point{X: 200, Y: 150}
	r := vg.Points(markerRadius)
	marker := vg.Rectangle{Min: vg.Point{X: m.X - r, Y: m.Y - r}, Max: vg.Point{X: m.X + r, Y: m.Y + r}}
	sty := textStyle(9, black)
	_, first := placeLabel(area, m, "policy_name", sty, nil, []vg.Rectangle{marker}, nil, nil)
	if overlap(first, marker) > 0 {
		t.Errorf("label %v on its marker %v", first, marker)
	}
	_, second := placeLabel(area, m, "policy_name", sty, []vg.Rectangle{first}, []vg.Rectangle{marker}, nil, nil)
	if overlap(second, marker) > 0 || overlap(second, first) > 0 {
		t.Errorf("second label %v overlaps the marker or the first label %v", second, first)
	}
	// Near the right edge, the label goes left.
	edge := vg.Point{X: 398, Y: 150}
	if _, rect := placeLabel(area, edge, "policy_name", sty, nil, nil, nil, nil); rect.Max.X > area.Max.X {
		t.Errorf("label %v beyond the plot %v", rect, area)
	}
}
