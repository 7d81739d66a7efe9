package scenarios

import (
	"strings"
	"testing"
)

// FuzzSet: Set never panics on any key path and value; an error is a
// located input error, and a successful Set leaves a scenario that
// validates or reports a located error.
func FuzzSet(f *testing.F) {
	for _, c := range [][2]string{
		{"textbook.rho", "0.5"}, {"policies[0].refund", "1"}, {"population.segments[0].share", "1"},
		{"textbook.beta[1]", "2"}, {"policies[9].refund", "1"}, {"population.traits.justice_alpha[3]", "1"},
		{"mode", "textbook"}, {"policies[0].follow_up", "maybe"}, {"a..b", "1"}, {"population[0]", "1"},
		{"word_of_mouth.mean_degree", "1e99"}, {"population.segments[0].contact.intercept", "1"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		sc := Default()
		if err := sc.Set(key, value); err != nil {
			if !IsInputError(err) || err.Error() == "" {
				t.Fatalf("Set(%q, %q): %v (%T)", key, value, err, err)
			}
			return
		}
		if err := sc.Validate(); err != nil && !IsInputError(err) {
			t.Fatalf("Validate after Set(%q, %q): %v", key, value, err)
		}
	})
}

// TestNumber: Number reads back what Set wrote, and names what it cannot.
func TestNumber(t *testing.T) {
	s := Default()
	s.Population.Segments = []Segment{{Name: "a", Share: 1}}
	for _, tc := range []struct {
		path, set string
		want      float64
		err       string
	}{
		{"contact.voice", "0.75", 0.75, ""},
		{"population.size", "1234", 1234, ""},
		{"policies[0].refund", "0.4", 0.4, ""},
		{"population.segments[0].contact.voice", "", 0, "not set (it inherits)"},
		{"population.segments[0].contact.voice", "1.5", 1.5, ""},
		{"contact.instrument_unit", "", 0, "not a number"},
		{"contact.nope", "", 0, `no such key "nope"`},
		{"policies[9].refund", "", 0, "index 9 out of range"},
	} {
		if tc.set != "" {
			if err := s.Set(tc.path, tc.set); err != nil {
				t.Fatalf("Set(%s): %v", tc.path, err)
			}
		}
		got, err := s.Number(tc.path)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Number(%s) error %v, want %q", tc.path, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Number(%s) = %v, %v; want %v", tc.path, got, err, tc.want)
		}
	}
}

// TestEncodeRoundTrip: every preset encoded and parsed back is the same
// scenario (the same hash), so calibrate's calibrated.toml loads as
// written.
func TestEncodeRoundTrip(t *testing.T) {
	for _, p := range Presets() {
		s, err := LoadPreset(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		var buf strings.Builder
		if err := s.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(p.Name+".toml", []byte(buf.String()))
		if err != nil {
			t.Fatalf("%s: encoded scenario does not parse: %v", p.Name, err)
		}
		h1, _ := s.Hash()
		h2, _ := back.Hash()
		if h1 != h2 {
			t.Errorf("%s: hash %s, round trip %s", p.Name, h1, h2)
		}
	}
}
