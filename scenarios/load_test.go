package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestParseBroken: every kind of bad input is an input error that names
// the file, the line (where the file sets the key) and the key path.
func TestParseBroken(t *testing.T) {
	cases := []struct {
		name string
		toml string
		line int    // 0: the error has no line
		key  string // the key path the message names
		msg  string
	}{
		{"unknown top-level key", "seed = 3\nsed = 4\n", 2, "sed", `unknown key; did you mean "seed"?`},
		{"unknown nested key", "[population]\nsize = 10\nweek = 3\n", 3, "population.week", `unknown key; did you mean "weeks"?`},
		{"unknown table", "[popluation]\nsize = 10\n", 1, "popluation", `unknown key; did you mean "population"?`},
		{"unknown key in second policy", "[[policies]]\nname = \"a\"\n\n[[policies]]\nname = \"b\"\nrefundd = 0.5\n", 6, "policies[1].refundd", `unknown key; did you mean "refund"?`},
		{"unknown key in first policy", "[[policies]]\nname = \"a\"\nrefundd = 0.5\n[[policies]]\nname = \"b\"\n", 3, "policies[0].refundd", "unknown key"},
		{"unknown key in segment traits", "[[population.segments]]\nname = \"x\"\nshare = 1\n[population.segments.traits]\npatience_hour = 3\n", 5, "population.segments[0].traits.patience_hour", `did you mean "patience_hours"?`},
		{"key in the wrong section", "rho = 0.6\n", 1, "rho", `unknown key; "rho" is a key of [contact], [textbook]`},
		{"unknown key in inline table", "[[policies]]\nname = \"a\"\neligibility = { segment = [\"all\"] }\n", 3, "policies[0].eligibility.segment", `did you mean "segments"?`},
		{"wrong type", "[population]\nsize = \"big\"\n", 2, "population.size", "wrong type: the value is a string; it must be an integer"},
		{"wrong type in policy", "[[policies]]\nname = \"a\"\nrefund = 0.5\n[[policies]]\nname = \"b\"\nrefund = \"half\"\n", 6, "policies[1].refund", "wrong type"},
		{"wrong type in first policy", "[[policies]]\nname = \"a\"\nrefund = \"half\"\n[[policies]]\nname = \"b\"\nrefund = 0.5\n", 3, "policies[0].refund", "wrong type"},
		{"float for int", "[population]\nweeks = 5.5\n", 2, "population.weeks", "it must be an integer"},
		{"negative seed", "seed = -1\n", 1, "seed", "-1 is out of range: a seed must be an integer >= 0"},
		{"syntax error", "mode = \n", 1, "", "invalid TOML"},
		{"probability 1.5", "[failures.damaged_item]\nprobability = 1.5\n", 2, "failures.damaged_item.probability", "1.5 is out of range: a probability must be in [0, 1]"},
		{"shares sum to 0.9", "[[population.segments]]\nname = \"new\"\nshare = 0.3\n\n[[population.segments]]\nname = \"loyal\"\nshare = 0.6\n", 1, "population.segments", "shares sum to 0.9; they must sum to 1"},
		{"share of second segment", "[[population.segments]]\nname = \"new\"\nshare = 0.3\n[[population.segments]]\nname = \"loyal\"\nshare = 1.7\n", 6, "population.segments[1].share", "1.7 is out of range: a share must be in (0, 1]"},
		{"segment without share", "[[population.segments]]\nname = \"all\"\n", 1, "population.segments[0].share", "0 is out of range"},
		{"undefined policy", "policy = \"fast\"\n[[policies]]\nname = \"slow\"\n[[policies]]\nname = \"cheap\"\n", 1, "policy", `undefined policy "fast"; defined policies are: slow, cheap`},
		{"undefined policy, default policies", "policy = \"fast\"\n", 1, "policy", `defined policies are: standard`},
		{"undefined segment", "[[policies]]\nname = \"a\"\n[policies.eligibility]\nsegments = [\n  \"all\",\n  \"vip\",\n]\n", 6, "policies[0].eligibility.segments[1]", `undefined segment "vip"; defined segments are: all`},
		{"undefined failure type", "[[policies]]\nname = \"a\"\neligibility.failure_types = [\"late\"]\n", 3, "policies[0].eligibility.failure_types[0]", `unknown failure type "late"`},
		{"negative hour", "[[policies]]\nname = \"a\"\nfollow_up_hours = -2\n", 3, "policies[0].follow_up_hours", "-2 is out of range: a number of hours must be >= 0"},
		{"negative patience", "[population.traits]\npatience_hours = -1\n", 2, "population.traits.patience_hours", "-1 is out of range: patience in hours must be > 0"},
		{"refund -0.1", "[[policies]]\nname = \"a\"\nrefund = -0.1 # a clawback\n", 3, "policies[0].refund", "-0.1 is out of range: a refund (a fraction of the loss; above 1 overcompensates) must be in [0, 2]"},
		{"unknown apology", "[[policies]]\nname = \"a\"\napology = \"grovelling\"\n", 3, "policies[0].apology", `"grovelling" is not allowed: the value must be one of "none", "scripted", "sincere"`},
		{"bad mode", "# a comment with mode = \"x\"\nmode = \"textbok\"\n", 2, "mode", `"textbok" is not allowed: the value must be one of "behavioral", "textbook"`},
		{"policy without name", "[[policies]]\nrefund = 1\n", 1, "policies[0].name", "needs a non-empty name"},
		{"justice alpha", "[population.traits]\njustice_alpha = [1.0, 2.0]\n", 2, "population.traits.justice_alpha", "it must have exactly 3 positive values"},
		{"textbook beta element", "[textbook]\nbeta = [\n  1.0,\n  nan,\n]\ngamma = [0.0, 0.0]\n", 4, "textbook.beta[1]", "NaN is not allowed"},
		{"default value broken by another key", "[outcomes]\nscore_floor = 2.0\n", 0, "outcomes.score_ceiling", "must be greater than score_floor (2)"},
		{"dotted keys", "failures.wrong_item.severity_a = 0\n", 1, "failures.wrong_item.severity_a", "0 is out of range: a Beta parameter must be > 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("bad.toml", []byte(c.toml))
			if err == nil {
				t.Fatalf("no error; parsed %+v", s)
			}
			if s != nil {
				t.Errorf("a scenario was returned with the error")
			}
			if !IsInputError(err) {
				t.Errorf("IsInputError = false for %v (%T)", err, err)
			}
			text := err.Error()
			want := "bad.toml"
			if c.line > 0 {
				want += fmt.Sprintf(":%d", c.line)
			}
			if c.key != "" {
				want += ": " + c.key
			}
			want += ": "
			if !strings.Contains(text, want) || !strings.Contains(text, c.msg) {
				t.Errorf("error\n  %s\nwant it to contain %q and %q", strings.ReplaceAll(text, "\n", "\n  "), want, c.msg)
			}
			if c.line == 0 && !strings.HasPrefix(text, "bad.toml: ") {
				t.Errorf("error has a line but the key is not in the file: %s", text)
			}
		})
	}
}

// TestUnknownKeysAllReported: several unknown keys, including the same
// one in two policies, each with its own line; keys under an unknown
// table are not repeated.
func TestUnknownKeysAllReported(t *testing.T) {
	text := `[[policies]]
name = "a"
refundd = 1

[[policies]]
name = "b"
refundd = 2
apologie = "none"

[extras]
colour = "red"
[extras.more]
size = 3
`
	_, err := Parse("u.toml", []byte(text))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want Errors", err)
	}
	want := []string{
		`u.toml:3: policies[0].refundd: unknown key; did you mean "refund"?`,
		`u.toml:7: policies[1].refundd: unknown key; did you mean "refund"?`,
		`u.toml:8: policies[1].apologie: unknown key; did you mean "apology"?`,
		`u.toml:10: extras: unknown key`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParseOverridesDefaults: a file states only what differs.
func TestParseOverridesDefaults(t *testing.T) {
	s, err := Parse("ok.toml", []byte(`
seed = 42
policy = "fast"
[population]
weeks = 10
[population.traits]
patience_hours = 12.0
[[population.segments]]
name = "new"
share = 0.25
[population.segments.traits]
patience_hours = 6.0
[[population.segments]]
name = "loyal"
share = 0.75
[[policies]]
name = "standard"
[[policies]]
name = "fast"
response_hours = 2.0
eligibility = { segments = ["loyal"] }
`))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if s.Seed != 42 || s.Population.Weeks != 10 || s.Population.Size != d.Population.Size {
		t.Errorf("top-level values wrong: seed %d weeks %d size %d", s.Seed, s.Population.Weeks, s.Population.Size)
	}
	if s.Population.Traits.PatienceHours != 12 || s.Population.Traits.OrderValueMedian != d.Population.Traits.OrderValueMedian {
		t.Errorf("traits not decoded on top of defaults: %+v", s.Population.Traits)
	}
	if got := s.Population.Segments[0].Traits.Resolve(s.Population.Traits); got.PatienceHours != 6 || got.LossAversionMedian != 2 {
		t.Errorf("segment override not applied: %+v", got)
	}
	if s.Population.Segments[1].Traits.PatienceHours != nil {
		t.Errorf("segment without overrides has one")
	}
	if len(s.Policies) != 2 || s.Policies[1].ResponseHours != 2 || s.Policies[1].Refund != DefaultPolicy("").Refund {
		t.Errorf("policies not decoded on top of the default policy: %+v", s.Policies)
	}
	if s.ActivePolicy() != 1 {
		t.Errorf("ActivePolicy = %d, want 1", s.ActivePolicy())
	}
	if s.Policies[1].Eligibility.Segments[0] != "loyal" {
		t.Errorf("inline eligibility table not decoded")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(good, []byte("seed = 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("\n[survey]\nscale = 6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Load(good); err != nil || s.Seed != 9 {
		t.Errorf("Load(good) = %v, %v", s, err)
	}
	_, err := Load(bad)
	if !IsInputError(err) || !strings.Contains(err.Error(), bad+":3: survey.scale: 6 is not allowed") {
		t.Errorf("Load(bad) error = %v", err)
	}
	_, err = Load(filepath.Join(dir, "missing.toml"))
	if !IsInputError(err) || !strings.Contains(err.Error(), "missing.toml: cannot read scenario") {
		t.Errorf("Load(missing) error = %v", err)
	}
}

// TestPresets: every embedded preset opens with what it teaches, parses
// and validates.
func TestPresets(t *testing.T) {
	ps := Presets()
	if len(ps) == 0 {
		t.Fatal("no presets embedded")
	}
	for _, p := range ps {
		t.Run(p.Name, func(t *testing.T) {
			if p.Teaches == "" {
				t.Errorf("preset %s does not open with a comment saying what it teaches", p.Name)
			}
			s, err := LoadPreset(p.Name)
			if err != nil {
				t.Fatalf("preset %s: %v", p.Name, err)
			}
			if err := s.Validate(); err != nil {
				t.Errorf("preset %s parsed but does not validate: %v", p.Name, err)
			}
		})
	}
	if _, err := LoadPreset("no-such-preset"); !IsInputError(err) {
		t.Errorf("LoadPreset(missing) = %v", err)
	}
}

// TestDeepNesting: an unknown key holding inline tables nested 1,300
// deep is reported once, at its line (this once took 25 s: every prefix
// of every nested key was rebuilt).
func TestDeepNesting(t *testing.T) {
	data := []byte("x = " + strings.Repeat("{a = ", 1300) + "1" + strings.Repeat("}", 1300) + "\n")
	_, err := Parse("deep.toml", data)
	if err == nil || !strings.Contains(err.Error(), "deep.toml:1: x: unknown key") || strings.Count(err.Error(), "unknown key") != 1 {
		t.Errorf("Parse(deep) = %v", err)
	}
}

// FuzzParse: Parse never panics; it returns a valid scenario or an
// input error, never both, never neither.
func FuzzParse(f *testing.F) {
	f.Add([]byte(InitText()))
	for _, p := range Presets() {
		f.Add(p.Data)
	}
	for _, s := range []string{
		"",
		"[[policies]]\nname = \"a\"\nrefundd = 1\n",
		"[population]\nsize = \"big\"\n",
		"a = \"\"\"\nx\n\"\"\"\nb.c = [1, [2, {d = 3}]]\n",
		"x = {a = {b = {c = 1}}}\n[[y]]\n[[y.z]]\nq = 'p#q' # c\n",
		"[population.segments.traits]\nvoice_sd = 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		s, err := Parse("fuzz.toml", data)
		// A per-input bound on work: deeply nested tables once took 25 s.
		if d := time.Since(start); len(data) < 1<<16 && d > 5*time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(data))
		}
		switch {
		case err != nil && s != nil:
			t.Fatalf("both a scenario and an error: %v", err)
		case err != nil:
			if !IsInputError(err) {
				t.Fatalf("not an input error: %v (%T)", err, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
		case s == nil:
			t.Fatal("neither a scenario nor an error")
		default:
			if verr := s.Validate(); verr != nil {
				t.Fatalf("Parse accepted an invalid scenario: %v", verr)
			}
		}
		// The key scanner must survive any text, valid TOML or not.
		_ = lineOfPath(data, "policies[0].refund")
		_ = scanKeys(data)
	})
}
