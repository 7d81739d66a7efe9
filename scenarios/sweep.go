package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Sweep is a scenario key and the values it takes in turn: a bias
// study's swept key, or a frontier's policy lever.
type Sweep struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// ParseSweep parses "key=v1,v2,..." or "key=a:b:step" (a, a+step, …, up
// to b, each rounded to 12 significant digits), giving at most max
// values. The key is not checked against the schema (Set does that).
func ParseSweep(s string, max int) (Sweep, error) {
	key, spec, ok := strings.Cut(s, "=")
	key, spec = strings.TrimSpace(key), strings.TrimSpace(spec)
	if !ok || key == "" || spec == "" {
		return Sweep{}, fmt.Errorf("%q: want key=v1,v2,... or key=a:b:step (e.g. textbook.rho=0,0.3,0.6 or refund=0:1.2:0.4)", s)
	}
	var vals []string
	if strings.Contains(spec, ":") {
		var err error
		if vals, err = expandRange(spec, max); err != nil {
			return Sweep{}, fmt.Errorf("%q: %w", s, err)
		}
		return Sweep{Key: key, Values: vals}, nil
	}
	for _, v := range strings.Split(spec, ",") {
		if v = strings.TrimSpace(v); v == "" {
			return Sweep{}, fmt.Errorf("%q: empty value", s)
		}
		vals = append(vals, v)
	}
	if len(vals) > max {
		return Sweep{}, fmt.Errorf("%q: %d values; at most %d", s, len(vals), max)
	}
	return Sweep{Key: key, Values: vals}, nil
}

// expandRange expands "a:b:step" into at most max values.
func expandRange(spec string, max int) ([]string, error) {
	parts := strings.Split(spec, ":")
	if len(parts) != 3 {
		return nil, fmt.Errorf("a range is a:b:step")
	}
	var x [3]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		x[i] = v
	}
	a, b, step := x[0], x[1], x[2]
	if !(step > 0) || b < a {
		return nil, fmt.Errorf("need a ≤ b and step > 0")
	}
	// Count in floating point first: (b − a)/step may be far beyond any
	// int (or +Inf for a tiny step).
	f := math.Floor((b-a)/step+1e-9) + 1
	if !(f <= float64(max)) {
		return nil, fmt.Errorf("%s values; at most %d", strconv.FormatFloat(f, 'g', 3, 64), max)
	}
	vals := make([]string, int(f))
	for i := range vals {
		// Round away the floating-point residue of a + i·step.
		v := a + float64(i)*step
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
		vals[i] = strconv.FormatFloat(r, 'g', -1, 64)
	}
	return vals, nil
}
