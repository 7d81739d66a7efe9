package scenarios

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is a problem with a scenario: the file, the line where known
// (0 otherwise), the key path (population.segments[1].share) and what is
// wrong or allowed.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Key)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is a list of scenario problems, reported together.
type Errors []*Error

// maxReported caps how many problems an error message lists.
const maxReported = 20

func (es Errors) Error() string {
	var parts []string
	for i, e := range es {
		if i == maxReported {
			parts = append(parts, fmt.Sprintf("... and %d more problems", len(es)-maxReported))
			break
		}
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "\n")
}

// IsInputError reports whether err is a problem with the scenario itself
// (exit status 2) rather than a failure to run it.
func IsInputError(err error) bool {
	var e *Error
	var es Errors
	return errors.As(err, &e) || errors.As(err, &es)
}

// file mirrors Scenario with the arrays of tables held back as
// primitives, so each element can be decoded on top of its defaults.
type file struct {
	Scenario
	// Seed is read as a TOML integer (int64): the toml package would
	// silently wrap a negative value into a uint64.
	Seed       int64            `toml:"seed"`
	Population filePopulation   `toml:"population"`
	Policies   []toml.Primitive `toml:"policies"`
}

type filePopulation struct {
	Population
	Segments []toml.Primitive `toml:"segments"`
}

// Load reads, decodes and validates the scenario file at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read scenario: %v", err)}
	}
	return Parse(path, data)
}

// Parse decodes and validates a scenario from data; name is used in
// error messages (the file name).
func Parse(name string, data []byte) (*Scenario, error) {
	def := Default()
	f := file{Scenario: *def, Seed: int64(def.Seed)}
	f.Population = filePopulation{Population: def.Population}
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, decodeError(name, data, err)
	}
	s := f.Scenario
	if f.Seed < 0 {
		return nil, &Error{File: name, Line: lineOfPath(data, "seed"), Key: "seed",
			Msg: fmt.Sprintf("%d is out of range: a seed must be an integer >= 0", f.Seed)}
	}
	s.Seed = uint64(f.Seed)
	s.Population = f.Population.Population
	if md.IsDefined("population", "segments") {
		s.Population.Segments = make([]Segment, len(f.Population.Segments))
		for i, p := range f.Population.Segments {
			if err := md.PrimitiveDecode(p, &s.Population.Segments[i]); err != nil {
				return nil, elementError(decodeError(name, data, err), data, "population.segments", i)
			}
		}
	} else {
		s.Population.Segments = def.Population.Segments
	}
	if md.IsDefined("policies") {
		s.Policies = make([]Policy, len(f.Policies))
		for i, p := range f.Policies {
			s.Policies[i] = DefaultPolicy("")
			if err := md.PrimitiveDecode(p, &s.Policies[i]); err != nil {
				return nil, elementError(decodeError(name, data, err), data, "policies", i)
			}
		}
	} else {
		s.Policies = def.Policies
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, unknownKeys(name, data, und)
	}
	if err := s.Validate(); err != nil {
		return nil, withFile(name, data, err)
	}
	s.srcName, s.src = name, data
	return &s, nil
}

// Annotate fills in the file name and line of scenario errors (*Error or
// Errors) that name a key of s, for checks made after loading — a
// study's sweeps and estimators, say. Other errors, and scenarios not
// parsed from a file, are returned unchanged.
func (s *Scenario) Annotate(err error) error {
	if err == nil || s.srcName == "" {
		return err
	}
	return withFile(s.srcName, s.src, err)
}

// unknownKeys reports the keys the schema does not know, each with its
// indexed path and line. Keys under an unknown table are not repeated.
func unknownKeys(name string, data []byte, und []toml.Key) Errors {
	unknown := make(map[string]bool, len(und))
	for _, k := range und {
		unknown[k.String()] = true
	}
	var es Errors
	defs := map[string][]keyLoc{} // definitions in the text, by key
	for _, l := range scanKeys(data) {
		if !l.elem {
			k := toml.Key(l.parts).String()
			defs[k] = append(defs[k], l)
		}
	}
	seen := map[string]int{} // definitions of each key reported so far
	for _, k := range und {
		// A key under an unknown table is not reported again. Every key
		// inside an undecoded table is itself undecoded, so looking at
		// the immediate parent is enough (and keeps deep nesting linear).
		if len(k) > 1 && unknown[k[:len(k)-1].String()] {
			continue
		}
		key := k.String()
		path, line := key, 0
		// Undecoded lists a key once per definition, in document
		// order: the j-th listing is the j-th definition.
		if d := defs[key]; len(d) > 0 {
			l := d[min(seen[key], len(d)-1)]
			path, line = l.path, l.line
		}
		seen[key]++
		es = append(es, &Error{File: name, Line: line, Key: path,
			Msg: "unknown key" + suggest(k)})
	}
	return es
}

// elementError rewrites a decoding error inside the i-th element of the
// array of tables array (policies) to name the element
// (policies[1].refund) and the line of that element's key.
func elementError(err error, data []byte, array string, i int) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	prefix := fmt.Sprintf("%s[%d]", array, i)
	switch {
	case strings.HasPrefix(e.Key, array+"."):
		e.Key = prefix + strings.TrimPrefix(e.Key, array)
	case e.Key == array || e.Key == "":
		e.Key = prefix
	}
	if line := lineOfPath(data, e.Key); line > 0 {
		e.Line = line
	}
	return e
}

// decodeError turns a TOML parse or type error into an *Error with the
// line the parser reports.
func decodeError(name string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e := &Error{File: name, Line: pe.Position.Line, Msg: "invalid TOML: " + pe.Message}
		if strings.Contains(pe.Message, "out of range") || strings.Contains(pe.Message, "float") {
			// Value errors found while decoding (an integer too big
			// for its field) name their key.
			e.Key = pe.LastKey
			e.Msg = pe.Message
		}
		return e
	}
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	e := &Error{File: name, Msg: msg}
	// Type errors read `toml: line 3 (last key "population.size"): ...`.
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		var line int
		if _, err := fmt.Sscanf(rest, "%d", &line); err == nil {
			e.Line = line
		}
	}
	if _, rest, ok := strings.Cut(msg, `(last key "`); ok {
		if key, tail, ok := strings.Cut(rest, `"`); ok {
			e.Key = key
			e.Msg = typeMessage(strings.TrimLeft(strings.TrimPrefix(tail, ")"), ": "))
		}
	}
	if e.Line == 0 && e.Key != "" {
		e.Line = lineOfPath(data, e.Key)
	}
	return e
}

// typeMessage rewords the toml package's type errors for people:
// "incompatible types: TOML value has type string; destination has type
// integer" becomes "wrong type: the value is a string; it must be an
// integer".
func typeMessage(msg string) string {
	rest, ok := strings.CutPrefix(msg, "incompatible types: TOML value has type ")
	if !ok {
		return msg
	}
	got, want, ok := strings.Cut(rest, "; destination has type ")
	if !ok {
		return msg
	}
	return "wrong type: the value is " + typeNoun(got) + "; it must be " + typeNoun(want)
}

func typeNoun(t string) string {
	switch t {
	case "int64", "integer":
		return "an integer"
	case "float64", "float":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean (true or false)"
	case "slice", "array":
		return "an array"
	case "map[string]interface {}", "map[string]any", "table":
		return "a table"
	case "[]map[string]interface {}", "[]map[string]any":
		return "an array of tables"
	case "[]interface {}", "[]any":
		return "an array"
	case "time.Time":
		return "a date-time"
	}
	return t
}

// withFile fills in the file name and, where it can be found, the line
// of each validation error.
func withFile(name string, data []byte, err error) error {
	ix := newKeyIndex(data)
	fill := func(e *Error) {
		e.File = name
		if e.Line == 0 {
			e.Line = ix.near(e.Key)
		}
	}
	var es Errors
	if errors.As(err, &es) {
		for _, e := range es {
			fill(e)
		}
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		fill(e)
		return e
	}
	return err
}
