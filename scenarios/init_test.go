package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestInitTextIsDefault: `redress init` prints exactly the defaults.
func TestInitTextIsDefault(t *testing.T) {
	got, err := Parse("init.toml", []byte(InitText()))
	if err != nil {
		t.Fatalf("InitText does not parse: %v", err)
	}
	want := Default()
	got.srcName, got.src = "", nil // where it was parsed from
	// A TOML file can only say [] where Default has nil.
	normalizeSlices(reflect.ValueOf(got).Elem())
	normalizeSlices(reflect.ValueOf(want).Elem())
	if !reflect.DeepEqual(got, want) {
		for _, d := range diff(reflect.ValueOf(*got), reflect.ValueOf(*want), "") {
			t.Errorf("InitText and Default differ at %s", d)
		}
		if !t.Failed() {
			t.Errorf("InitText and Default differ")
		}
	}
}

// TestInitTextDocumentsEveryKey walks every leaf key of the schema and
// requires InitText to set it on a line right below a comment line.
// It fails when a field is added to types.go and not to init.go.
func TestInitTextDocumentsEveryKey(t *testing.T) {
	for _, msg := range undocumentedKeys(InitText(), reflect.TypeOf(Scenario{})) {
		t.Error(msg)
	}
	// Segment trait overrides are shown as a commented example; they
	// must mirror [population.traits] exactly.
	if !strings.Contains(InitText(), "#   [population.segments.traits]") {
		t.Error("InitText does not show the [population.segments.traits] override table")
	}
	for _, key := range tomlNames(reflect.TypeOf(ProactiveRemedy{})) {
		if !strings.Contains(InitText(), "#   "+key+" = ") {
			t.Errorf("InitText does not show proactive_remedy.%s in its commented example", key)
		}
	}
	traits := tomlNames(reflect.TypeOf(Traits{}))
	overrides := tomlNames(reflect.TypeOf(TraitOverrides{}))
	if !reflect.DeepEqual(traits, overrides) {
		t.Errorf("TraitOverrides keys %v do not mirror Traits keys %v", overrides, traits)
	}
	// Coefficient overrides are keys of [contact] and [outcomes].
	for _, c := range []struct{ over, base reflect.Type }{
		{reflect.TypeOf(ContactOverrides{}), reflect.TypeOf(Contact{})},
		{reflect.TypeOf(OutcomeOverrides{}), reflect.TypeOf(Outcomes{})},
	} {
		base := tomlNames(c.base)
		for _, f := range tomlFields(c.over) {
			bf, ok := c.base.FieldByName(f.Name)
			if !ok || !slices.Contains(base, tomlName(f)) || f.Type != reflect.PointerTo(bf.Type) {
				t.Errorf("%s.%s does not override a %s key of the same type", c.over.Name(), f.Name, c.base.Name())
			}
		}
	}
	for _, table := range []string{"#   [population.segments.contact]", "#   [population.segments.outcomes]"} {
		if !strings.Contains(InitText(), table) {
			t.Errorf("InitText does not show the %s override table", table[4:])
		}
	}
	ot := reflect.TypeOf(TraitOverrides{})
	for _, f := range tomlFields(ot) {
		if k := f.Type.Kind(); k != reflect.Pointer && k != reflect.Slice {
			t.Errorf("TraitOverrides.%s is a %s; overrides must be pointers (or slices) so that unset means inherit", f.Name, f.Type)
		}
	}
}

// TestDocCheckCatchesMissingKeys makes sure the check above bites.
func TestDocCheckCatchesMissingKeys(t *testing.T) {
	type inner struct {
		A float64 `toml:"a"`
		B float64 `toml:"b"`
	}
	type outer struct {
		X     int     `toml:"x"`
		In    inner   `toml:"in"`
		Items []inner `toml:"items"`
	}
	text := "# x\nx = 1\n[in]\n# a\na = 1\nb = 2\n# items\n[[items]]\n# a\na = 1\n"
	got := undocumentedKeys(text, reflect.TypeOf(outer{}))
	want := []string{
		"in.b: key has no comment line above it",
		"items.b: key is not in InitText",
		"[in]: table has no comment line above it",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("undocumentedKeys = %q, want %q", got, want)
	}
}

// TestInitTextSectionOrder: sections appear in schema order.
func TestInitTextSectionOrder(t *testing.T) {
	first := map[string]int{}
	for _, l := range scanKeys([]byte(InitText())) {
		if _, ok := first[l.parts[0]]; !ok {
			first[l.parts[0]] = l.line
		}
	}
	prev, prevName := 0, ""
	for _, name := range tomlNames(reflect.TypeOf(Scenario{})) {
		line, ok := first[name]
		if !ok {
			t.Errorf("top-level key %s is missing from InitText", name)
			continue
		}
		if line < prev {
			t.Errorf("%s (line %d) comes before %s (line %d); InitText must follow the schema order", name, line, prevName, prev)
		}
		prev, prevName = line, name
	}
}

// TestInitTextCommentsNameDefaults: every scalar key's comment block
// states its default (a cheap guard against stale comments).
func TestInitTextCommentsNameDefaults(t *testing.T) {
	lines := strings.Split(InitText(), "\n")
	for _, l := range scanKeys([]byte(InitText())) {
		if l.elem || strings.HasPrefix(lines[l.line-1], "[") {
			continue
		}
		var block []string
		for i := l.line - 2; i >= 0 && strings.HasPrefix(lines[i], "#"); i-- {
			block = append(block, lines[i])
		}
		if !strings.Contains(strings.Join(block, " "), "Default") && !strings.Contains(strings.Join(block, " "), "default") {
			t.Errorf("line %d (%s): comment does not state the default", l.line, l.path)
		}
	}
}

// leafKeys lists the leaf keys of a schema type as dotted paths without
// indices, in schema order. Segment trait overrides are left out (they
// mirror population.traits; see TestInitTextDocumentsEveryKey).
func leafKeys(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for _, f := range tomlFields(t) {
			path := tomlName(f)
			if prefix != "" {
				path = prefix + "." + path
			}
			if isOverride(f.Type) {
				continue
			}
			if st := structOf(f.Type); st != nil {
				walk(st, path)
				continue
			}
			out = append(out, path)
		}
	}
	walk(t, "")
	return out
}

// undocumentedKeys returns a message for each leaf key of t that text
// does not set, or sets without a comment on the line above.
func undocumentedKeys(text string, t reflect.Type) []string {
	lines := strings.Split(text, "\n")
	at := map[string]int{}
	for _, l := range scanKeys([]byte(text)) {
		key := strings.Join(l.parts, ".")
		if _, ok := at[key]; !ok && !l.elem {
			at[key] = l.line
		}
	}
	commented := func(line int) bool {
		return line >= 2 && strings.HasPrefix(strings.TrimSpace(lines[line-2]), "#")
	}
	var msgs []string
	for _, key := range leafKeys(t) {
		line, ok := at[key]
		switch {
		case !ok:
			msgs = append(msgs, key+": key is not in InitText")
		case !commented(line):
			msgs = append(msgs, key+": key has no comment line above it")
		}
	}
	// Table headers, where the text has them, are commented too.
	for _, key := range tableKeys(t) {
		if line, ok := at[key]; ok && !commented(line) {
			msgs = append(msgs, "["+key+"]: table has no comment line above it")
		}
	}
	return msgs
}

// tableKeys lists the tables (and arrays of tables) of a schema type.
func tableKeys(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for _, f := range tomlFields(t) {
			path := tomlName(f)
			if prefix != "" {
				path = prefix + "." + path
			}
			if st := structOf(f.Type); st != nil && !isOverride(f.Type) {
				out = append(out, path)
				walk(st, path)
			}
		}
	}
	walk(t, "")
	return out
}

// isOverride reports whether t is a table of optional overrides, shown
// in InitText as a commented example rather than with every key.
func isOverride(t reflect.Type) bool {
	switch t {
	case reflect.TypeOf(TraitOverrides{}), reflect.TypeOf(ProactiveRemedy{}),
		reflect.TypeOf(ContactOverrides{}), reflect.TypeOf(OutcomeOverrides{}):
		return true
	}
	return false
}

// normalizeSlices sets every empty slice under v to nil.
func normalizeSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalizeSlices(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				normalizeSlices(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() && v.CanSet() {
				v.Set(reflect.Zero(v.Type()))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			normalizeSlices(v.Index(i))
		}
	}
}

// diff lists the paths where a and b differ, for readable failures.
func diff(a, b reflect.Value, path string) []string {
	if a.Kind() != b.Kind() {
		return []string{path}
	}
	switch a.Kind() {
	case reflect.Struct:
		var out []string
		for i := 0; i < a.NumField(); i++ {
			f := a.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := tomlName(f)
			if path != "" {
				p = path + "." + p
			}
			out = append(out, diff(a.Field(i), b.Field(i), p)...)
		}
		return out
	case reflect.Slice:
		if a.Len() != b.Len() {
			return []string{path + " (length)"}
		}
		var out []string
		for i := 0; i < a.Len(); i++ {
			out = append(out, diff(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return []string{path}
			}
			return nil
		}
		return diff(a.Elem(), b.Elem(), path)
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return []string{path + ": " + fmt.Sprint(a.Interface()) + " vs " + fmt.Sprint(b.Interface())}
	}
	return nil
}

// TestHashIgnoresEmptyLists: the file `redress init` prints and the
// default preset are the same scenario and hash alike; changing a value
// changes the hash.
func TestHashIgnoresEmptyLists(t *testing.T) {
	a, err := Parse("init.toml", []byte(InitText()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadPreset("default")
	if err != nil {
		t.Fatal(err)
	}
	ha, err := a.Hash()
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := b.Hash()
	if ha != hb {
		t.Errorf("init text hashes %s, the default preset %s", ha, hb)
	}
	b.Seed = 2
	if hc, _ := b.Hash(); hc == hb {
		t.Error("a different seed gives the same hash")
	}
	if a.Policies[0].RefundBySeverity == nil {
		t.Error("Hash changed the scenario it hashed (an empty list became nil)")
	}
}
