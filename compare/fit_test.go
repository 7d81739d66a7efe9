package compare

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// validFit is a small valid fit file: an identified and a weakly
// identified key with a covariance, and a key not identified.
const validFit = `{
  "version": 1,
  "scenario": "policy-showdown",
  "seed": 7,
  "parameters": [
    {"key": "contact.intercept", "estimate": -1.7, "std_error": 0.04, "lo": -3, "hi": 0, "status": "identified"},
    {"key": "outcomes.recovery_weight", "estimate": 0.8, "std_error": 0.2, "lo": 0.2, "hi": 1.5, "status": "weakly identified"},
    {"key": "justice.apology_sincere", "estimate": 0.75, "std_error": null, "lo": 0.45, "hi": 1, "status": "not identified"}
  ],
  "covariance": {"keys": ["contact.intercept", "outcomes.recovery_weight"], "matrix": [[0.0016, -0.0024], [-0.0024, 0.04]]},
  "j_test": null
}`

func readFitString(s string) (*Fit, error) { return ReadFit(strings.NewReader(s), "fit.json") }

// TestReadFitValid reads the fit files that must be accepted: the small
// one above, a file with every field redress's calibration writes, and
// the example of the repository.
func TestReadFitValid(t *testing.T) {
	full, err := os.ReadFile("testdata/fit-full.json")
	if err != nil {
		t.Fatal(err)
	}
	// Written by redress calibrate (a 2,000-customer default scenario,
	// three keys: one identified, one not identified with a standard
	// error, one the moments do not move).
	calibrated, err := os.ReadFile("testdata/fit-calibrate.json")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../examples/showdown-fit.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    string
		params  int
		covKeys int
		normal  []bool
	}{
		{"small", validFit, 3, 2, []bool{true, true, false}},
		{"every field", string(full), 4, 3, []bool{true, true, false, false}},
		{"example", string(example), 5, 4, []bool{true, true, true, true, false}},
		{"redress calibrate", string(calibrated), 3, 1, []bool{true, false, false}},
		{"null covariance arrays", `{"version": 1, "parameters": [{"key": "a", "estimate": 1, "std_error": null, "lo": 0, "hi": 2, "status": "not identified"}],
			"covariance": {"keys": null, "matrix": null}, "set": null, "moments": null, "not_matched": null, "profiles": null}`, 1, 0, []bool{false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := readFitString(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Parameters) != tc.params || len(f.CovKeys) != tc.covKeys {
				t.Errorf("%d parameters and %d covariance keys, want %d and %d", len(f.Parameters), len(f.CovKeys), tc.params, tc.covKeys)
			}
			if tc.covKeys > 0 && f.Cov.SymmetricDim() != tc.covKeys {
				t.Errorf("covariance of dimension %d", f.Cov.SymmetricDim())
			}
			for i, want := range tc.normal {
				if f.Normal(i) != want {
					t.Errorf("Normal(%d) = %v", i, !want)
				}
			}
		})
	}
	// An estimate at an end of its range, off by rounding, is taken as
	// the end.
	f, err := readFitString(strings.Replace(validFit, `"estimate": 0.75`, `"estimate": 1.0000000000000002`, 1))
	if err != nil || f.Parameters[2].Estimate != 1 {
		t.Errorf("estimate off its range by rounding: %v", err)
	}
	f, _ = readFitString(validFit)
	if f.Scenario != "policy-showdown" || f.Seed != 7 || !math.IsNaN(f.Parameters[2].StdError) || f.Parameters[1].Status != WeaklyIdentified ||
		f.Cov.At(0, 1) != -0.0024 {
		t.Errorf("read %+v", f)
	}
}

// TestReadFitErrors: every broken fit is refused with an error naming
// the file and the JSON path of the offending value.
func TestReadFitErrors(t *testing.T) {
	manyParams := func(n int) string {
		var ps []string
		for i := range n {
			ps = append(ps, fmt.Sprintf(`{"key": "k%d", "estimate": 0, "std_error": null, "lo": -1, "hi": 1, "status": "not identified"}`, i))
		}
		return `{"version": 1, "parameters": [` + strings.Join(ps, ",") + `]}`
	}
	for _, tc := range []struct {
		name      string
		old, new  string // replace old by new in validFit; old "" means new is the whole file
		wantPath  string
		wantWords string
	}{
		{"unknown top-level key", `"j_test": null`, `"j_test": null, "extra": 1`, "extra", "unknown field"},
		{"unknown parameter key", `"hi": 0, "status"`, `"hi": 0, "mean": 1, "status"`, "parameters[0].mean", "unknown field"},
		{"duplicate member", `"seed": 7,`, `"seed": 7, "seed": 8,`, "seed", "given twice"},
		{"missing version", `"version": 1,`, ``, "version", "missing"},
		{"version 2", `"version": 1,`, `"version": 2,`, "version", "version 1 only"},
		{"missing parameters", `"parameters"`, `"profiles"`, "parameters", "missing"},
		{"wrong kind of ignored field", `"j_test": null`, `"j_test": null, "customers": "many"`, "customers", "want a non-negative integer, got a string"},
		{"negative count", `"j_test": null`, `"j_test": null, "evaluations": -3`, "evaluations", "non-negative integer"},
		{"negative seed", `"seed": 7`, `"seed": -7`, "seed", "non-negative integer"},
		{"bad status", `"status": "weakly identified"`, `"status": "weak"`, "parameters[1].status", `"weak"`},
		{"missing key", `{"key": "contact.intercept", `, `{`, "parameters[0].key", "missing"},
		{"duplicate key", `"key": "outcomes.recovery_weight"`, `"key": "contact.intercept"`, "parameters[1].key", "also parameters[0]"},
		{"estimate above range", `"estimate": 0.75`, `"estimate": 1.75`, "parameters[2].estimate", "outside [lo, hi]"},
		{"estimate below range", `"estimate": -1.7`, `"estimate": -3.5`, "parameters[0].estimate", "outside [lo, hi]"},
		{"empty range", `"lo": 0.45, "hi": 1`, `"lo": 1, "hi": 1`, "parameters[2].lo", "not below hi"},
		{"range too wide", `"lo": 0.45, "hi": 1`, `"lo": -1e308, "hi": 1e308`, "parameters[2].hi", "too wide"},
		{"estimate a string", `"estimate": 0.75`, `"estimate": "0.75"`, "parameters[2].estimate", "want a number, got a string"},
		{"negative std_error", `"std_error": 0.04`, `"std_error": -0.04`, "parameters[0].std_error", "negative"},
		{"identified without std_error", `"std_error": 0.04`, `"std_error": null`, "parameters[0].std_error", "none for a key that is identified"},
		{"covariance lacks a key", `"keys": ["contact.intercept", "outcomes.recovery_weight"]`, `"keys": ["contact.intercept"]`, "covariance.keys", `lacks "outcomes.recovery_weight"`},
		{"covariance key unknown", `"keys": ["contact.intercept", "outcomes.recovery_weight"]`, `"keys": ["contact.intercept", "outcomes.recovery_weight", "x"]`, "covariance.keys[2]", "not among the parameters"},
		{"covariance key without std_error", `"keys": ["contact.intercept", "outcomes.recovery_weight"]`, `"keys": ["contact.intercept", "justice.apology_sincere"]`, "covariance.keys[1]", "no std_error"},
		{"covariance key twice", `"keys": ["contact.intercept", "outcomes.recovery_weight"]`, `"keys": ["contact.intercept", "contact.intercept"]`, "covariance.keys[1]", "given twice"},
		{"covariance rows", `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, -0.0024]]`, "covariance.matrix", "1 rows for 2 keys"},
		{"covariance columns", `[-0.0024, 0.04]]`, `[-0.0024]]`, "covariance.matrix[1]", "1 columns for 2 keys"},
		{"covariance cell null", `[-0.0024, 0.04]]`, `[-0.0024, null]]`, "covariance.matrix[1][1]", "want a number, got null"},
		{"asymmetric covariance", `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, -0.0024], [0.0024, 0.04]]`, "covariance.matrix[1][0]", "not symmetric"},
		{"std_error mismatch", `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, -0.0024], [-0.0024, 0.05]]`, "covariance.matrix[1][1]", "not the square"},
		{"zero std_error with a variance", `"std_error": 0.04`, `"std_error": 0`, "covariance.matrix[0][0]", "not the square"},
		{"not positive semi-definite", `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, -0.0096], [-0.0096, 0.04]]`, "covariance.matrix", "not positive semi-definite"},
		{"missing matrix", `, "matrix": [[0.0016, -0.0024], [-0.0024, 0.04]]`, ``, "covariance.matrix", "missing"},
		{"unknown covariance member", `"matrix": [[0.0016, -0.0024], [-0.0024, 0.04]]`, `"matrix2": []`, "covariance.matrix2", "unknown field"},
		{"no parameters", "", `{"version": 1, "parameters": []}`, "parameters", "no parameters"},
		{"too many parameters", "", manyParams(MaxFitParameters + 1), "parameters", fmt.Sprintf("more than %d", MaxFitParameters)},
		{"not an object", "", `[1, 2]`, "", "want an object, got an array"},
		{"truncated", "", validFit[:200], "parameters", "unexpected end of JSON"},
		{"data after the object", "", validFit + ` {}`, "", "data after the object"},
		{"empty", "", ``, "", "unexpected end of JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.new
			if tc.old != "" {
				if !strings.Contains(validFit, tc.old) {
					t.Fatalf("validFit lacks %q", tc.old)
				}
				data = strings.Replace(validFit, tc.old, tc.new, 1)
			}
			checkFitError(t, data, tc.wantPath, tc.wantWords)
		})
	}
}

// checkFitError checks that data is refused with a *FitError naming
// the file, path and words.
func checkFitError(t *testing.T, data, path, words string) {
	t.Helper()
	_, err := readFitString(data)
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v, want a *FitError", err)
	}
	prefix := "fit.json: "
	if path != "" {
		prefix += path + ": "
	}
	if fe.File != "fit.json" || fe.Path != path || !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), words) {
		t.Errorf("error %q (path %q), want %q…%s", err, fe.Path, prefix, words)
	}
}

// TestReadFitTooLarge: a file above MaxFitBytes is refused before it is
// parsed.
func TestReadFitTooLarge(t *testing.T) {
	r := io.MultiReader(strings.NewReader(`{"version": 1, "set": ["`), bytes.NewReader(bytes.Repeat([]byte("x"), MaxFitBytes)), strings.NewReader(`"]}`))
	_, err := ReadFit(r, "big.json")
	var fe *FitError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "big.json: ") || !strings.Contains(err.Error(), "larger than 16 MB") {
		t.Errorf("error %v", err)
	}
}

// TestCholeskySingular: a positive semi-definite covariance singular to
// working precision (perfectly correlated estimates) is factored with
// jitter; one with a clearly negative eigenvalue is refused.
func TestCholeskySingular(t *testing.T) {
	singular := strings.Replace(validFit, `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, -0.008], [-0.008, 0.04]]`, 1)
	f, err := readFitString(singular)
	if err != nil {
		t.Fatal(err)
	}
	l, err := cholesky(f.Cov)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		for j := range 2 {
			var s float64
			for k := range 2 {
				s += l.At(i, k) * l.At(j, k)
			}
			if math.Abs(s-f.Cov.At(i, j)) > 1e-8 {
				t.Errorf("L·Lᵀ[%d][%d] = %v, want %v", i, j, s, f.Cov.At(i, j))
			}
		}
	}
}

// FuzzReadFit: ReadFit never panics; it refuses with a *FitError naming
// the file, or returns a fit that keeps its invariants and can be drawn
// from.
func FuzzReadFit(f *testing.F) {
	f.Add([]byte(validFit))
	for _, name := range []string{"testdata/fit-full.json", "testdata/fit-calibrate.json", "../examples/showdown-fit.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, broken := range []string{
		`{"version": 1, "parameters": [{"key": "a", "estimate": 0, "std_error": 1, "lo": -1, "hi": 1, "status": "identified"}], "covariance": {"keys": ["a"], "matrix": [[1e308]]}}`,
		`{"version": 1, "parameters": [{"key": "a", "estimate": 0, "std_error": 1e154, "lo": -1, "hi": 1, "status": "identified"}], "covariance": {"keys": ["a"], "matrix": [[1e308]]}}`,
		`{"version": 1, "parameters": [{"key": "a", "estimate": 0, "std_error": 0, "lo": -1, "hi": 1, "status": "identified"}], "covariance": {"keys": ["a"], "matrix": [[0]]}}`,
		`{"version": 1, "parameters": [{"key": "a"}], "covariance": {"keys": ["a", "a"], "matrix": [[1, 2], [3]]}}`,
		`{"version": 1, "parameters": [], "covariance": null}`,
		`{"version": 1.5}`,
		`{"parameters": {}}`,
		`[{"version": 1}]`,
		`{"version": 1, "parameters": [{"key": "a", "estimate": 0, "std_error": null, "lo": -1, "hi": 1, "status": "not identified"}]} x`,
		`{"version":`,
		`null`,
		``,
		strings.Replace(validFit, `-0.0024, 0.04`, `-0.0024, 0.0400001`, 1),
		strings.Replace(validFit, `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, 0.01], [0.01, 0.04]]`, 1),
	} {
		f.Add([]byte(broken))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fit, err := ReadFit(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			var fe *FitError
			if !errors.As(err, &fe) || fe.File != "fuzz.json" || !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		checkFitInvariants(t, fit)
	})
}

// checkFitInvariants checks what ReadFit promises of a fit it accepts,
// and draws from it once.
func checkFitInvariants(t *testing.T, fit *Fit) {
	t.Helper()
	if len(fit.Parameters) == 0 || len(fit.Parameters) > MaxFitParameters {
		t.Fatalf("%d parameters", len(fit.Parameters))
	}
	for i, p := range fit.Parameters {
		if !(p.Lo < p.Hi) || p.Estimate < p.Lo || p.Estimate > p.Hi || fit.Normal(i) && !slices.Contains(fit.CovKeys, p.Key) {
			t.Fatalf("parameter %d: %+v", i, p)
		}
	}
	if n := len(fit.CovKeys); n > 0 && (fit.Cov == nil || fit.Cov.SymmetricDim() != n) {
		t.Fatalf("%d covariance keys and covariance %v", n, fit.Cov)
	}
	dr, err := newDrawer(fit, testParams(fit))
	if err != nil {
		return
	}
	x, err := dr.draw(1, 0)
	if err != nil {
		if !errors.Is(err, ErrOutsideRange) {
			t.Fatalf("draw: %v", err)
		}
		return
	}
	for i, p := range fit.Parameters {
		if !(x[i] >= p.Lo && x[i] <= p.Hi) {
			t.Fatalf("draw of %s = %v outside [%v, %v]", p.Key, x[i], p.Lo, p.Hi)
		}
	}
}
