// Package report draws the plots of redress studies with gonum/plot, as PNG
// and SVG.
//
// Inputs are plain data (no dependency on the study engine). Every
// function takes an output path without extension and writes both
// path+".png" and path+".svg", each atomically (temporary file, then
// rename) through package outfile, so a failed or interrupted call never
// leaves a half-written plot under its final name.
//
// Output is deterministic: the same input gives byte-identical PNG and SVG
// files. Colours come from a fixed colour-blind-safe palette (Okabe & Ito)
// assigned by position, never by map iteration. Text uses the Liberation
// Sans font compiled into gonum/plot; the SVG refers to it by name
// ("Liberation Sans", metric-compatible with Arial/Helvetica) rather than
// embedding it, which keeps the files small.
//
// Non-finite numbers (NaN, ±Inf) in the data are ignored, not errors:
// failed replications are expected in a bias study, and their count is
// reported by the study's failure rate, not by the plots. An input with
// nothing finite left to draw is an error.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/redress-sim/redress/internal/outfile"
)

// DPI is the resolution of the PNG files.
const DPI = 150

// palette is the Okabe–Ito colour-blind-safe palette without black (used
// for truth and reference lines) and with yellow replaced by a darker
// gold that stays visible on white.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x80, 0x80, 0x80, 0xFF}, // grey
	{0xA6, 0x76, 0x1D, 0xFF}, // dark gold
}

// Colour returns the palette colour of the i-th estimator or series
// (cycling after len(palette)), so callers can match other output to the
// plots.
func Colour(i int) color.Color {
	return palette[((i%len(palette))+len(palette))%len(palette)]
}

var (
	black     = color.NRGBA{0, 0, 0, 0xFF}
	darkGrey  = color.NRGBA{0x40, 0x40, 0x40, 0xFF}
	lightGrey = color.NRGBA{0xE0, 0xE0, 0xE0, 0xFF}
	white     = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

// fill returns c with the given opacity (0–255), for filled areas.
func fill(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), alpha}
}

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot whose text uses Liberation Sans at readable sizes.
func newPlot() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, 12)
	p.X.Label.TextStyle.Font = font.From(sans, 11)
	p.Y.Label.TextStyle.Font = font.From(sans, 11)
	p.X.Tick.Label.Font = font.From(sans, 10)
	p.Y.Tick.Label.Font = font.From(sans, 10)
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.X.Tick.Marker = ticks{}
	p.Y.Tick.Marker = ticks{}
	return p
}

// textStyle returns a text style in Liberation Sans of the given size.
func textStyle(size vg.Length, c color.Color) draw.TextStyle {
	return draw.TextStyle{
		Color:   c,
		Font:    font.From(sans, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// heading is a figure's centred title and small caption, each wrapped to
// the figure's width; either may be empty.
type heading struct {
	title, caption   string
	titleSty, capSty draw.TextStyle
	gap              vg.Length
}

// newHeading wraps title and caption for a figure of width w.
func newHeading(title, caption string, w vg.Length) *heading {
	h := &heading{titleSty: textStyle(14, black), capSty: textStyle(9, darkGrey), gap: 0.08 * vg.Inch}
	h.titleSty.XAlign, h.titleSty.YAlign = draw.XCenter, draw.YTop
	h.capSty.XAlign, h.capSty.YAlign = draw.XCenter, draw.YTop
	h.title = wrap(h.titleSty, title, w-0.3*vg.Inch)
	h.caption = wrap(h.capSty, caption, w-0.3*vg.Inch)
	return h
}

// height is the vertical space the heading takes, gaps included.
func (h *heading) height() vg.Length {
	y := h.gap
	if h.title != "" {
		y += h.titleSty.Height(h.title) + h.gap
	}
	if h.caption != "" {
		y += h.capSty.Height(h.caption) + h.gap
	}
	return y
}

// draw writes the heading at the top of dc and returns the canvas below it.
func (h *heading) draw(dc draw.Canvas) draw.Canvas {
	top := dc.Max.Y - h.gap
	mid := (dc.Min.X + dc.Max.X) / 2
	if h.title != "" {
		dc.FillText(h.titleSty, vg.Point{X: mid, Y: top}, h.title)
		top -= h.titleSty.Height(h.title) + h.gap
	}
	if h.caption != "" {
		dc.FillText(h.capSty, vg.Point{X: mid, Y: top}, h.caption)
	}
	body := dc
	body.Max.Y = dc.Max.Y - h.height()
	return body
}

// wrap breaks txt at spaces into lines no wider than width (a word wider
// than width gets a line of its own); line breaks in txt are kept.
func wrap(sty draw.TextStyle, txt string, width vg.Length) string {
	var out []string
	for _, para := range strings.Split(txt, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case sty.Width(line+" "+word) <= width:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// Render draws a figure of the given size with drawFn on a PNG (at DPI)
// and an SVG canvas, both on white, and writes path+".png" and
// path+".svg" atomically. Both images are rendered in memory before
// either file is created.
func Render(path string, w, h vg.Length, drawFn func(dc draw.Canvas)) error {
	if path == "" {
		return errors.New("report: empty output path")
	}
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(white))
	drawFn(draw.New(img))
	var pngBuf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&pngBuf); err != nil {
		return fmt.Errorf("report: encode png: %w", err)
	}

	svg := vgsvg.New(w, h)
	dc := draw.New(svg)
	dc.SetColor(white)
	dc.Fill(dc.Rectangle.Path())
	drawFn(dc)
	var svgBuf bytes.Buffer
	if _, err := svg.WriteTo(&svgBuf); err != nil {
		return fmt.Errorf("report: encode svg: %w", err)
	}

	files := []struct {
		name string
		data []byte
	}{{path + ".png", pngBuf.Bytes()}, {path + ".svg", svgBuf.Bytes()}}
	var outs []*outfile.File
	abort := func() {
		for _, o := range outs {
			o.Abort()
		}
	}
	for _, f := range files {
		o, err := outfile.Create(f.name)
		if err != nil {
			abort()
			return err
		}
		outs = append(outs, o)
		if _, err := o.Write(f.data); err != nil {
			abort()
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	for i, o := range outs {
		if err := o.Commit(); err != nil {
			for _, rest := range outs[i+1:] {
				rest.Abort()
			}
			return err
		}
	}
	return nil
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// formatTick formats an axis value compactly (6 significant digits).
func formatTick(x float64, decimals int) string {
	if x == 0 {
		return "0" // also turns -0 into 0
	}
	return Thousands(x, decimals)
}

// Thousands formats x with the given number of decimals and commas
// between groups of three digits ("8,800,000", "-1,234.5"): never in
// scientific notation. NaN and infinities are written as NaN, +Inf and
// -Inf.
func Thousands(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', decimals, 64) // NaN, +Inf, -Inf
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if x < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Signed writes x with its sign and sig significant digits (more for
// numbers of more than sig integer digits), grouping thousands and never
// in scientific notation: +0.2276, -0.04508, -41.88, +106,400.
func Signed(x float64, sig int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return Thousands(x, max(0, sig-1))
	}
	dec := max(0, sig-1-int(math.Floor(math.Log10(math.Abs(x)))))
	s := Thousands(x, dec)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// exactTick labels a tick at x with x's shortest exact decimals.
func exactTick(x float64) string {
	_, frac, _ := strings.Cut(strconv.FormatFloat(x, 'f', -1, 64), ".")
	return formatTick(x, len(frac))
}

// tickDecimals is the number of decimals that tells labelled ticks
// spaced step apart from one another (0 for a step of 1 or more).
func tickDecimals(step float64) int {
	if !(step > 0) || step >= 1 {
		return 0
	}
	d := int(math.Ceil(-math.Log10(step) - 1e-9))
	if x := step * math.Pow(10, float64(d)); math.Abs(x-math.Round(x)) > 1e-6 {
		d++ // a step like 0.25 needs one more
	}
	return min(d, 12)
}

// padRange widens [lo, hi] by frac of its width on each side, or to a
// non-degenerate interval around a single value.
func padRange(lo, hi, frac float64) (float64, float64) {
	if hi > lo {
		d := (hi - lo) * frac
		return lo - d, hi + d
	}
	d := math.Abs(lo) * 0.1
	if d == 0 {
		d = 1
	}
	return lo - d, hi + d
}

// ticks is gonum/plot's default tick placement with labels that read
// well: as many decimals as the tick spacing needs, thousands
// separators, never scientific notation ("8,800,000", "0.25").
type ticks struct{}

func (ticks) Ticks(lo, hi float64) []plot.Tick {
	t := plot.DefaultTicks{}.Ticks(lo, hi)
	var major []float64
	for _, tk := range t {
		if tk.Label != "" {
			major = append(major, tk.Value)
		}
	}
	step := math.Inf(1)
	for i := 1; i < len(major); i++ {
		step = math.Min(step, major[i]-major[i-1])
	}
	dec := tickDecimals(step)
	if len(major) == 1 {
		dec = tickDecimals(math.Abs(major[0]))
	}
	// Ticks need not sit on multiples of their spacing (0.005, 0.015,
	// 0.025 are 0.01 apart): give the labels the decimals their values
	// need, so that no two read the same.
	for _, v := range major {
		for p := math.Pow(10, float64(dec)); dec < 12 && math.Abs(v*p-math.Round(v*p)) > 1e-6; p *= 10 {
			dec++
		}
	}
	for i := range t {
		if t[i].Label != "" {
			t[i].Label = formatTick(t[i].Value, dec)
		}
	}
	return t
}
