package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func testPanels() []Panel {
	r := rand.New(rand.NewPCG(7, 11))
	var panels []Panel
	for _, rho := range []float64{0, 0.5, 0.9} {
		var ds []Dist
		for j, name := range []string{"OLS", "Heckman", "IV"} {
			v := make([]float64, 300)
			for k := range v {
				v[k] = 2 + rho*float64(1-j%2)*0.4 + 0.2*float64(j+1)*r.NormFloat64()
			}
			v[0] = 1e6 // off-scale
			ds = append(ds, Dist{Label: name, Values: v, Truth: 2})
		}
		panels = append(panels, Panel{Title: "selection.rho=" + exactTick(rho), Dists: ds})
	}
	return panels
}

func testSeries() []Series {
	x := []float64{0, 0.3, 0.6, 0.9}
	return []Series{
		{Label: "OLS", X: x, Y: []float64{0.9, 0.85, 0.7, 0.5}, Err: []float64{0.01, 0.011, 0.014, 0.016}},
		{Label: "Heckman", X: x, Y: []float64{0.95, 0.94, 0.95, 0.93}, Err: []float64{0.007, 0.007, 0.007, 0.008}},
		{Label: "IV", X: x, Y: []float64{0.96, 0.95, 0.94, 0.95}},
	}
}

// checkFiles reads base.png and base.svg, checks they look like PNG and
// SVG, and that no temporary file is left in their directory.
func checkFiles(t *testing.T, base string) (png, svg []byte) {
	t.Helper()
	png, err := os.ReadFile(base + ".png")
	if err != nil {
		t.Fatal(err)
	}
	svg, err = os.ReadFile(base + ".svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
		t.Errorf("%s.png: not a PNG or too small (%d bytes)", base, len(png))
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.HasSuffix(svg, []byte("</svg>\n")) || len(svg) < 1000 {
		t.Errorf("%s.svg: not an SVG or too small (%d bytes)", base, len(svg))
	}
	entries, err := os.ReadDir(filepath.Dir(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	return png, svg
}

func TestSamplingDistributions(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, base := range []string{a, b} {
		if err := SamplingDistributions(base, "Sampling distributions", testPanels()); err != nil {
			t.Fatal(err)
		}
	}
	pa, sa := checkFiles(t, a)
	pb, sb := checkFiles(t, b)
	if !bytes.Equal(sa, sb) {
		t.Error("SVG differs between two identical calls")
	}
	if !bytes.Equal(pa, pb) {
		t.Error("PNG differs between two identical calls")
	}
	for _, want := range []string{"Sampling distributions", "selection.rho=0.9", "Heckman", "1 &gt;"} {
		if !strings.Contains(string(sa), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestLinePlot(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ref := 0.95
	for _, base := range []string{a, b} {
		if err := LinePlot(base, "Coverage", "selection.rho", "coverage", testSeries(), &ref); err != nil {
			t.Fatal(err)
		}
	}
	pa, sa := checkFiles(t, a)
	pb, sb := checkFiles(t, b)
	if !bytes.Equal(sa, sb) {
		t.Error("SVG differs between two identical calls")
	}
	if !bytes.Equal(pa, pb) {
		t.Error("PNG differs between two identical calls")
	}
	for _, want := range []string{"Coverage", "selection.rho", "coverage", "Heckman", ">0.3<"} {
		if !strings.Contains(string(sa), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Without a reference line, a single series and a single point.
	c := filepath.Join(dir, "c")
	one := []Series{{Label: "OLS", X: []float64{1}, Y: []float64{0.2}, Err: []float64{0.01}}}
	if err := LinePlot(c, "", "", "", one, nil); err != nil {
		t.Fatal(err)
	}
	checkFiles(t, c)
}

func TestCategoryPlot(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "cat")
	cats := []string{"normal", "t5", "skewed"}
	series := []Series{
		{Label: "heckit", X: []float64{0, 1, 2}, Y: []float64{0.01, 0.05, 0.2}, Err: []float64{0.01, 0.01, 0.02}},
		{Label: "naive", X: []float64{0, 2}, Y: []float64{0.4, 0.5}, Err: []float64{0.01, 0.01}},
	}
	zero := 0.0
	if err := CategoryPlot(base, "Bias", "textbook.errors", "bias", cats, series, &zero); err != nil {
		t.Fatal(err)
	}
	_, svg := checkFiles(t, base)
	for _, c := range cats {
		if !strings.Contains(string(svg), ">"+c+"<") {
			t.Errorf("SVG lacks the category label %q", c)
		}
	}
	bad := []Series{{Label: "x", X: []float64{0.5}, Y: []float64{1}}}
	if err := CategoryPlot(filepath.Join(dir, "bad"), "", "", "", cats, bad, nil); err == nil || !strings.Contains(err.Error(), "category index") {
		t.Errorf("X = 0.5 accepted: %v", err)
	}
	if err := CategoryPlot(filepath.Join(dir, "bad"), "", "", "", nil, series, nil); err == nil {
		t.Error("no categories accepted")
	}
}

// Non-finite values are ignored: adding them changes nothing.
func TestNonFiniteIgnored(t *testing.T) {
	dir := t.TempDir()
	clean := testPanels()
	dirty := testPanels()
	for i := range dirty {
		for j := range dirty[i].Dists {
			d := &dirty[i].Dists[j]
			d.Values = append(d.Values, math.NaN(), math.Inf(1), math.Inf(-1))
		}
	}
	if err := SamplingDistributions(filepath.Join(dir, "clean"), "t", clean); err != nil {
		t.Fatal(err)
	}
	if err := SamplingDistributions(filepath.Join(dir, "dirty"), "t", dirty); err != nil {
		t.Fatal(err)
	}
	_, s1 := checkFiles(t, filepath.Join(dir, "clean"))
	_, s2 := checkFiles(t, filepath.Join(dir, "dirty"))
	if !bytes.Equal(s1, s2) {
		t.Error("non-finite values changed the sampling distributions plot")
	}

	cs := testSeries()
	ds := testSeries()
	for i := range ds {
		ds[i].X = append(append([]float64{}, ds[i].X...), 0.3, math.NaN(), 0.6)
		ds[i].Y = append(append([]float64{}, ds[i].Y...), math.NaN(), 0.5, math.Inf(1))
		if ds[i].Err != nil {
			ds[i].Err = append(append([]float64{}, ds[i].Err...), 0.1, 0.1, 0.1)
		}
	}
	ref := 0.95
	if err := LinePlot(filepath.Join(dir, "lclean"), "t", "x", "y", cs, &ref); err != nil {
		t.Fatal(err)
	}
	if err := LinePlot(filepath.Join(dir, "ldirty"), "t", "x", "y", ds, &ref); err != nil {
		t.Fatal(err)
	}
	_, s1 = checkFiles(t, filepath.Join(dir, "lclean"))
	_, s2 = checkFiles(t, filepath.Join(dir, "ldirty"))
	if !bytes.Equal(s1, s2) {
		t.Error("non-finite points changed the line plot")
	}

	// An estimator without any finite estimate, or a truth that is not
	// finite, is drawn as such rather than failing the plot.
	p := testPanels()
	p[0].Dists[1].Values = []float64{math.NaN(), math.NaN()}
	p[1].Dists[0].Truth = math.NaN()
	p[2].Dists[2].Truth = 2.5
	if err := SamplingDistributions(filepath.Join(dir, "partial"), "t", p); err != nil {
		t.Fatal(err)
	}
	_, svg := checkFiles(t, filepath.Join(dir, "partial"))
	if !strings.Contains(string(svg), "no finite estimates") {
		t.Error("row without data not marked")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "x")
	nan := math.NaN()
	inf := math.Inf(1)
	distCases := map[string][]Panel{
		"no panels":   nil,
		"empty panel": {{Title: "a"}},
		"all NaN":     {{Title: "a", Dists: []Dist{{Label: "OLS", Values: []float64{nan, nan}, Truth: 1}}}},
		"no values":   {{Title: "a", Dists: []Dist{{Label: "OLS", Truth: 1}}}},
		"later empty": append(testPanels(), Panel{Title: "b"}),
	}
	for name, panels := range distCases {
		if err := SamplingDistributions(base, "t", panels); err == nil {
			t.Errorf("SamplingDistributions, %s: no error", name)
		}
	}
	if err := SamplingDistributions("", "t", testPanels()); err == nil {
		t.Error("SamplingDistributions, empty path: no error")
	}
	ref := 0.0
	lineCases := map[string][]Series{
		"no series":    nil,
		"X/Y length":   {{Label: "a", X: []float64{1, 2}, Y: []float64{1}}},
		"Err length":   {{Label: "a", X: []float64{1, 2}, Y: []float64{1, 2}, Err: []float64{1}}},
		"negative Err": {{Label: "a", X: []float64{1, 2}, Y: []float64{1, 2}, Err: []float64{1, -1}}},
		"all NaN":      {{Label: "a", X: []float64{1, nan}, Y: []float64{nan, 2}}},
		"empty series": {{Label: "a"}},
	}
	for name, series := range lineCases {
		if err := LinePlot(base, "t", "x", "y", series, &ref); err == nil {
			t.Errorf("LinePlot, %s: no error", name)
		}
	}
	if err := LinePlot(base, "t", "x", "y", testSeries(), &inf); err == nil {
		t.Error("LinePlot, infinite ref: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("failed calls left files: %v", entries)
	}
}

// Plots may be drawn from several goroutines at once.
func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			base := filepath.Join(dir, string(rune('a'+i)))
			if i%2 == 0 {
				errs[i] = SamplingDistributions(base, "t", testPanels())
			} else {
				errs[i] = LinePlot(base, "t", "x", "y", testSeries(), nil)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, a := checkFiles(t, filepath.Join(dir, "a"))
	_, c := checkFiles(t, filepath.Join(dir, "c"))
	if !bytes.Equal(a, c) {
		t.Error("concurrent calls gave different output")
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {0.9, 4.6}, {1, 5}} {
		if got := quantile(s, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestTickLabels(t *testing.T) {
	for _, c := range []struct {
		x    float64
		dec  int
		want string
	}{
		{8_800_000, 0, "8,800,000"},
		{-1234.5, 1, "-1,234.5"},
		{300000, 0, "300,000"},
		{999, 0, "999"},
		{0.25, 2, "0.25"},
		{-0.0001, 2, "0.00"},
		{1e15, 0, "1,000,000,000,000,000"},
		{math.Inf(1), 0, "+Inf"},
		{math.Inf(-1), 2, "-Inf"},
		{math.NaN(), 1, "NaN"},
	} {
		if got := Thousands(c.x, c.dec); got != c.want {
			t.Errorf("Thousands(%v, %d) = %q, want %q", c.x, c.dec, got, c.want)
		}
	}
	for _, c := range []struct {
		step float64
		want int
	}{{100000, 0}, {1, 0}, {0.5, 1}, {0.25, 2}, {0.1, 1}, {0.02, 2}, {0.005, 3}} {
		if got := tickDecimals(c.step); got != c.want {
			t.Errorf("tickDecimals(%v) = %d, want %d", c.step, got, c.want)
		}
	}
	// Default tick placement on a profit-sized axis: no "e+".
	for _, tk := range (ticks{}).Ticks(8.55e6, 9.1e6) {
		if strings.Contains(tk.Label, "e") {
			t.Errorf("tick label %q in scientific notation", tk.Label)
		}
	}
	// Ticks off the multiples of their spacing keep distinct labels.
	var labels []string
	for _, tk := range (ticks{}).Ticks(0.0008, 0.0285) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "0.005 0.015 0.025" {
		t.Errorf("ticks on [0.0008, 0.0285]: %q", labels)
	}
	if got := exactTick(0.3); got != "0.3" {
		t.Errorf("exactTick(0.3) = %q", got)
	}
}

func TestSigned(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{0.22763, "+0.2276"}, {-0.045704, "-0.04570"}, {-41.883, "-41.88"}, {106412.7, "+106,413"},
		{-54712.2, "-54,712"}, {0.0033126, "+0.003313"}, {0, "0.000"}, {math.NaN(), "NaN"}, {9.99996, "+10.000"},
	} {
		if got := Signed(c.x, 4); got != c.want {
			t.Errorf("Signed(%v, 4) = %q, want %q", c.x, got, c.want)
		}
	}
}
