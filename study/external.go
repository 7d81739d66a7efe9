package study

import (
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/redress-sim/redress/estimate"
)

// External is a user's estimator: a command run once per replication on
// that replication's observed data (the episodes table the built-in
// estimators see, as CSV; never the truth), which prints the estimates
// of named estimands as JSON on its standard output (see docs/studies.md
// for the format). Its estimates are scored against the truth like a
// built-in estimator's.
//
// The data reach the command as a file whose path replaces every
// DataPlaceholder in its arguments, or, when no argument has one, on
// its standard input. The command also gets these environment
// variables: REDRESS_METHOD (its Name), REDRESS_MODE, REDRESS_ESTIMANDS
// (comma-separated), REDRESS_POINT (the grid point), REDRESS_REP (the
// replication index), REDRESS_SEED (the scenario's seed),
// REDRESS_REP_SEED (an integer in [1, 2³¹) drawn from the seed and the
// replication, to seed the command's own random numbers: the same at
// every grid point, as the simulator's streams are) and REDRESS_DATA
// (the data file's path, empty when the data come on standard input).
type External struct {
	// Name is the method name in the study's outputs; it must not be a
	// built-in method's.
	Name string `json:"name"`
	// Command is the program and its arguments (no shell is involved).
	Command []string `json:"command"`
	// Estimands the command estimates (nil: every estimand of the mode);
	// NewManifest records the resolved list.
	Estimands []string `json:"estimands"`
}

// DataPlaceholder in an External's arguments is replaced by the path of
// the replication's data file. "{{" stands for a literal "{"; any other
// {word} is refused as a likely misspelling.
const DataPlaceholder = "{data}"

// DefaultExternalTimeout bounds one run of an External's command when
// Config.ExternalTimeout is zero.
const DefaultExternalTimeout = 60 * time.Second

// ExternalError says what is wrong with Config.External[Index]: its
// Field ("name", "command" or "estimands").
type ExternalError struct {
	Index int
	Field string
	Err   error
}

func (e *ExternalError) Error() string {
	return fmt.Sprintf("external estimator %d: %s: %v", e.Index+1, e.Field, e.Err)
}

func (e *ExternalError) Unwrap() error { return e.Err }

func extErr(i int, field, format string, a ...any) error {
	return &InputError{&ExternalError{Index: i, Field: field, Err: fmt.Errorf(format, a...)}}
}

var (
	externalName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
	placeholder  = regexp.MustCompile(`\{[A-Za-z0-9_]*\}`)
)

// resolveExternals checks the externals of a study in the given mode
// and returns them with their estimands filled in.
func resolveExternals(kind Kind, exts []External) ([]External, error) {
	var out []External
	for i, e := range exts {
		if err := checkExternalName(i, e.Name, exts[:i]); err != nil {
			return nil, err
		}
		if err := checkCommand(i, e.Command); err != nil {
			return nil, err
		}
		ests, err := externalEstimands(kind, i, e.Estimands)
		if err != nil {
			return nil, err
		}
		out = append(out, External{Name: e.Name, Command: slices.Clone(e.Command), Estimands: ests})
	}
	return out, nil
}

// checkExternalName refuses an empty or malformed name, a built-in
// method's, and one of an earlier external.
func checkExternalName(i int, name string, earlier []External) error {
	if !externalName.MatchString(name) {
		return extErr(i, "name", "%q is not a method name (a letter, then letters, digits, '_', '.' or '-')", name)
	}
	for _, mi := range estimate.Methods() {
		if strings.EqualFold(string(mi.Method), name) {
			return extErr(i, "name", "%q is a built-in method; choose another name", name)
		}
	}
	for _, e := range earlier {
		if e.Name == name {
			return extErr(i, "name", "%q names two external estimators", name)
		}
	}
	return nil
}

// checkCommand refuses an empty command, an unknown placeholder, and a
// program that cannot be found.
func checkCommand(i int, argv []string) error {
	if len(argv) == 0 || strings.TrimSpace(argv[0]) == "" {
		return extErr(i, "command", "empty command")
	}
	for _, a := range argv {
		for _, ph := range placeholder.FindAllString(strings.ReplaceAll(a, "{{", ""), -1) {
			if ph != DataPlaceholder {
				return extErr(i, "command", "unknown placeholder %s in %q; the only one is %s (write {{ for a literal {)", ph, a, DataPlaceholder)
			}
		}
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			err = ee.Err
		}
		return extErr(i, "command", "cannot run %s: %v", argv[0], err)
	}
	return nil
}

// externalEstimands checks the estimands of external i against the
// mode's (nil: all of them), in the mode's order.
func externalEstimands(kind Kind, i int, want []string) ([]string, error) {
	all := Estimands(kind)
	if want == nil {
		return all, nil
	}
	if len(want) == 0 {
		return nil, extErr(i, "estimands", "no estimand named")
	}
	for k, w := range want {
		if !slices.Contains(all, w) {
			return nil, extErr(i, "estimands", "unknown estimand %q for %s data; available: %s", w, kind, strings.Join(all, ", "))
		}
		if slices.Contains(want[:k], w) {
			return nil, extErr(i, "estimands", "%q named twice", w)
		}
	}
	var out []string
	for _, e := range all {
		if slices.Contains(want, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Estimands returns the estimands of the mode, in display order.
func Estimands(kind Kind) []string {
	var out []string
	for _, sp := range specs(kind) {
		out = append(out, sp.estimand)
	}
	return out
}

// withExternals returns the study's pairs: for each estimand of the
// mode, the built-in pairs, then the externals that estimate it.
func withExternals(kind Kind, builtin []Pair, exts []External) []Pair {
	var out []Pair
	for _, est := range Estimands(kind) {
		for _, p := range builtin {
			if p.Estimand == est {
				out = append(out, p)
			}
		}
		for _, e := range exts {
			if slices.Contains(e.Estimands, est) {
				out = append(out, Pair{est, e.Name})
			}
		}
	}
	return out
}

// substitute returns argv with the placeholder replaced by path.
func substitute(argv []string, path string) []string {
	out := make([]string, len(argv))
	for k, a := range argv {
		parts := strings.Split(a, "{{")
		for j := range parts {
			parts[j] = strings.ReplaceAll(parts[j], DataPlaceholder, path)
		}
		out[k] = strings.Join(parts, "{")
	}
	return out
}

// usesFile reports whether the command takes the data as a file.
func usesFile(argv []string) bool {
	for _, a := range argv {
		if strings.Contains(strings.ReplaceAll(a, "{{", ""), DataPlaceholder) {
			return true
		}
	}
	return false
}
