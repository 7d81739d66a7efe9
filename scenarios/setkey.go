package scenarios

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Clone returns a deep copy of a scenario.
func (s *Scenario) Clone() *Scenario {
	v := reflect.New(reflect.TypeOf(*s)).Elem()
	deepCopy(v, reflect.ValueOf(*s))
	return v.Addr().Interface().(*Scenario)
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

// Set sets the scenario key at path — dotted TOML names with optional
// indices: "textbook.rho", "population.size", "policies[0].refund",
// "population.segments[1].share", "textbook.beta[1]" — to value, parsed
// according to the key's type (integer, number, boolean or string). It
// does not validate the scenario; call Validate afterwards.
func (s *Scenario) Set(path, value string) error {
	bad := func(format string, a ...any) error {
		return &Error{Key: path, Msg: fmt.Sprintf(format, a...)}
	}
	v, err := s.lookup(path, true)
	if err != nil {
		return err
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

// Number returns the value of the numeric key at path (as Set names it).
// A key left unset (a segment's override that inherits, say) is an error.
func (s *Scenario) Number(path string) (float64, error) {
	v, err := s.lookup(path, false)
	if err != nil {
		return 0, err
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), nil
	}
	return 0, &Error{Key: path, Msg: fmt.Sprintf("not a number (a %s)", v.Kind())}
}

// lookup walks path to its value; with create it allocates the nil
// pointers on the way (Set), without it a nil pointer is an error.
func (s *Scenario) lookup(path string, create bool) (reflect.Value, error) {
	bad := func(format string, a ...any) (reflect.Value, error) {
		return reflect.Value{}, &Error{Key: path, Msg: fmt.Sprintf(format, a...)}
	}
	deref := func(v reflect.Value) (reflect.Value, bool) {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !create {
					return v, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		return v, true
	}
	v := reflect.ValueOf(s).Elem()
	for _, part := range strings.Split(path, ".") {
		name, idx, err := splitIndex(part)
		if err != nil {
			return bad("%s", err)
		}
		var ok bool
		if v, ok = deref(v); !ok {
			return bad("not set (it inherits)")
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
	v, ok := deref(v)
	if !ok {
		return bad("not set (it inherits)")
	}
	return v, nil
}

// splitIndex splits "name[i][j]" into its name and indices.
func splitIndex(part string) (string, []int, error) {
	i := strings.IndexByte(part, '[')
	if i < 0 {
		return part, nil, nil
	}
	name, rest := part[:i], part[i:]
	var idx []int
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 0 {
			return "", nil, fmt.Errorf("malformed index in %q", part)
		}
		n, err := strconv.Atoi(rest[1:end])
		if err != nil || n < 0 {
			return "", nil, fmt.Errorf("index %q is not a non-negative integer", rest[1:end])
		}
		idx = append(idx, n)
		rest = rest[end+1:]
	}
	return name, idx, nil
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
