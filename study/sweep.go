package study

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"redress/scenarios"
)

// Sweep is one swept scenario key and the values it takes.
type Sweep struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// ParseSweep parses "key=v1,v2,...".
func ParseSweep(s string) (Sweep, error) {
	key, vals, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" || strings.TrimSpace(vals) == "" {
		return Sweep{}, fmt.Errorf("--sweep %q: want key=v1,v2,... (e.g. textbook.rho=0,0.3,0.6)", s)
	}
	var out []string
	for _, v := range strings.Split(vals, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return Sweep{}, fmt.Errorf("--sweep %q: empty value", s)
		}
		out = append(out, v)
	}
	return Sweep{Key: key, Values: out}, nil
}

// Point is one point of the sweep grid: a value for each swept key.
type Point struct {
	Index  int
	Values []string
}

// Grid returns the points of the grid the sweeps span, the first sweep
// varying slowest. Without sweeps there is one point with no values.
func Grid(sweeps []Sweep) []Point {
	pts := []Point{{}}
	for _, sw := range sweeps {
		var next []Point
		for _, p := range pts {
			for _, v := range sw.Values {
				vals := append(append([]string{}, p.Values...), v)
				next = append(next, Point{Values: vals})
			}
		}
		pts = next
	}
	for i := range pts {
		pts[i].Index = i
	}
	return pts
}

// FromScenario returns the study the scenario's [study] table describes
// (Scenario, Reps, Estimators and Sweeps set; Reps may be 0, meaning the
// caller must give it). It checks that every sweep parses, names a key
// of the scenario and gives a valid scenario at every grid point, and
// that every estimator applies to the mode; errors name the study key
// (with file and line when the scenario was parsed from a file).
func FromScenario(sc *scenarios.Scenario) (Config, error) {
	cfg := Config{Scenario: sc, Reps: sc.Study.Reps, Estimators: sc.Study.Estimators}
	for i, s := range sc.Study.Sweeps {
		sw, err := ParseSweep(s)
		if err != nil {
			return Config{}, sc.Annotate(&scenarios.Error{Key: fmt.Sprintf("study.sweeps[%d]", i), Msg: err.Error()})
		}
		cfg.Sweeps = append(cfg.Sweeps, sw)
	}
	if err := ValidateEstimators(sc.Mode, cfg.Estimators); err != nil {
		return Config{}, sc.Annotate(&scenarios.Error{Key: "study.estimators", Msg: err.Error()})
	}
	if err := CheckGrid(sc, cfg.Sweeps); err != nil {
		return Config{}, sc.Annotate(&scenarios.Error{Key: "study.sweeps", Msg: err.Error()})
	}
	return cfg, nil
}

// CheckGrid reports the first grid point of the sweeps at which the
// scenario cannot be built: an unknown key, a value of the wrong type or
// out of range.
func CheckGrid(sc *scenarios.Scenario, sweeps []Sweep) error {
	for _, p := range Grid(sweeps) {
		if _, err := pointScenario(sc, sweeps, p); err != nil {
			return err
		}
	}
	return nil
}

// pointScenario returns a copy of base with the point's values set, validated.
func pointScenario(base *scenarios.Scenario, sweeps []Sweep, p Point) (*scenarios.Scenario, error) {
	sc := Clone(base)
	for k, sw := range sweeps {
		if err := SetKey(sc, sw.Key, p.Values[k]); err != nil {
			return nil, err
		}
	}
	if err := sc.Validate(); err != nil {
		if len(sweeps) == 0 {
			return nil, err
		}
		var desc []string
		for k, sw := range sweeps {
			desc = append(desc, sw.Key+"="+p.Values[k])
		}
		return nil, fmt.Errorf("sweep point %s: %w", strings.Join(desc, ", "), err)
	}
	return sc, nil
}

// Clone returns a deep copy of a scenario.
func Clone(sc *scenarios.Scenario) *scenarios.Scenario {
	v := reflect.New(reflect.TypeOf(*sc)).Elem()
	deepCopy(v, reflect.ValueOf(*sc))
	out := v.Addr().Interface().(*scenarios.Scenario)
	return out
}

func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		dst.Set(src)
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Pointer:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Map:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for _, k := range src.MapKeys() {
			e := reflect.New(src.Type().Elem()).Elem()
			deepCopy(e, src.MapIndex(k))
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}

// SetKey sets the scenario key at path — dotted TOML names with optional
// indices: "textbook.rho", "population.size", "policies[0].refund",
// "population.segments[1].share", "textbook.beta[1]" — to value, parsed
// according to the key's type (integer, number, boolean or string). It
// does not validate the scenario; call Validate afterwards.
func SetKey(sc *scenarios.Scenario, path, value string) error {
	bad := func(format string, a ...any) error {
		return &scenarios.Error{Key: path, Msg: fmt.Sprintf(format, a...)}
	}
	v := reflect.ValueOf(sc).Elem()
	parts := strings.Split(path, ".")
	for _, part := range parts {
		name, idx := part, []int(nil)
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			rest := part[i:]
			for rest != "" {
				if rest[0] != '[' {
					return bad("malformed index in %q", part)
				}
				end := strings.IndexByte(rest, ']')
				if end < 0 {
					return bad("malformed index in %q", part)
				}
				n, err := strconv.Atoi(rest[1:end])
				if err != nil || n < 0 {
					return bad("index %q is not a non-negative integer", rest[1:end])
				}
				idx = append(idx, n)
				rest = rest[end+1:]
			}
		}
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return bad("%q is not a table", name)
		}
		f, ok := fieldByTag(v, name)
		if !ok {
			return bad("no such key %q (keys here: %s)", name, strings.Join(tagNames(v.Type()), ", "))
		}
		v = f
		for _, n := range idx {
			if v.Kind() != reflect.Slice {
				return bad("%q is not an array", name)
			}
			if n >= v.Len() {
				return bad("index %d out of range: %s has %d elements", n, name, v.Len())
			}
			v = v.Index(n)
		}
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		x, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad("%q is not a number", value)
		}
		v.SetFloat(x)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, err := strconv.ParseInt(value, 10, 64)
		if err != nil || v.OverflowInt(x) {
			return bad("%q is not an integer", value)
		}
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		x, err := strconv.ParseUint(value, 10, 64)
		if err != nil || v.OverflowUint(x) {
			return bad("%q is not a non-negative integer", value)
		}
		v.SetUint(x)
	case reflect.Bool:
		x, err := strconv.ParseBool(value)
		if err != nil {
			return bad("%q is not true or false", value)
		}
		v.SetBool(x)
	case reflect.String:
		v.SetString(value)
	default:
		return bad("cannot sweep a %s; name a single value (e.g. with an index [i])", v.Kind())
	}
	return nil
}

func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func tagNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}
