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
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is a list of scenario problems, reported together.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
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
	Population filePopulation   `toml:"population"`
	Policies   []toml.Primitive `toml:"policies"`
}

type filePopulation struct {
	Size     int              `toml:"size"`
	Weeks    int              `toml:"weeks"`
	Traits   Traits           `toml:"traits"`
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
	f := file{Scenario: *def}
	f.Population = filePopulation{Size: def.Population.Size, Weeks: def.Population.Weeks, Traits: def.Population.Traits}
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, decodeError(name, data, err)
	}
	s := f.Scenario
	s.Population.Size = f.Population.Size
	s.Population.Weeks = f.Population.Weeks
	s.Population.Traits = f.Population.Traits
	if md.IsDefined("population", "segments") {
		s.Population.Segments = make([]Segment, len(f.Population.Segments))
		for i, p := range f.Population.Segments {
			if err := md.PrimitiveDecode(p, &s.Population.Segments[i]); err != nil {
				return nil, decodeError(name, data, fmt.Errorf("population.segments[%d]: %w", i, err))
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
				return nil, decodeError(name, data, fmt.Errorf("policies[%d]: %w", i, err))
			}
		}
	} else {
		s.Policies = def.Policies
	}
	if und := md.Undecoded(); len(und) > 0 {
		var es Errors
		for _, k := range und {
			key := k.String()
			path, line := locateKey(data, k)
			if path == "" {
				path = key
			}
			es = append(es, &Error{File: name, Line: line, Key: path,
				Msg: "unknown key" + suggest(k)})
		}
		return nil, es
	}
	if err := s.Validate(); err != nil {
		return nil, withFile(name, data, err)
	}
	return &s, nil
}

// decodeError turns a TOML parse or type error into an *Error with the
// line the parser reports.
func decodeError(name string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Position.Line, Msg: pe.Message}
	}
	msg := err.Error()
	e := &Error{File: name, Msg: msg}
	// Type errors read `toml: line 3 (last key "population.size"): ...`.
	if _, rest, ok := strings.Cut(msg, "line "); ok {
		var line int
		if _, err := fmt.Sscanf(rest, "%d", &line); err == nil {
			e.Line = line
		}
	}
	if _, rest, ok := strings.Cut(msg, `last key "`); ok {
		if key, tail, ok := strings.Cut(rest, `"`); ok {
			e.Key = key
			e.Msg = strings.TrimLeft(strings.TrimPrefix(tail, ")"), ": ")
		}
	}
	return e
}

// withFile fills in the file name and, where it can be found, the line
// of each validation error.
func withFile(name string, data []byte, err error) error {
	fill := func(e *Error) {
		e.File = name
		if e.Line == 0 {
			e.Line = lineOfPath(data, e.Key)
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
