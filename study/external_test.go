package study

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildExtest builds testdata/extest and returns its path.
func buildExtest(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "extest")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/extest").CombinedOutput()
	if err != nil {
		t.Fatalf("go build extest: %v\n%s", err, out)
	}
	return bin
}

// readReps reads every replication row of the study in dir.
func readReps(t *testing.T, dir string) []RepRow {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := OpenReplications(filepath.Join(dir, ReplicationsFile), m)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var all []RepRow
	for {
		rows, err := rd.Next()
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rows...)
	}
}

// extConfig is a one-point study of naive and three external
// estimators of the extest program: by file, by standard input without
// SE, and failing as the replication selects.
func extConfig(t *testing.T, bin, out string, workers int) Config {
	sc := testScenario(t)
	only := []string{"mean_satisfaction_given_x"}
	return Config{Scenario: sc, Reps: 9, Estimators: []string{"naive"}, Out: out, Workers: workers,
		ExternalTimeout: 2 * time.Second, // generous: a loaded machine must not time out the quick runs
		External: []External{
			{Name: "byfile", Command: []string{bin, "{data}"}, Estimands: only},
			{Name: "stdin_nose", Command: []string{bin}, Estimands: only},
			{Name: "flaky", Command: []string{bin, "-fail", "{data}"}, Estimands: only},
		}}
}

// TestExternalEstimators runs the extest program as three external
// estimators: its estimates (the naive mean, recomputed from the data it
// is given) must equal the built-in naive estimator's, by file and on
// standard input; each way of failing must be a failed replication with
// its reason; the outputs must not depend on the number of workers; and
// the data files must be removed.
func TestExternalEstimators(t *testing.T) {
	bin := buildExtest(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	base := t.TempDir()
	for _, w := range []int{1, 2} {
		cfg := extConfig(t, bin, filepath.Join(base, "w"+string(rune('0'+w))), w)
		if _, err := Bias(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{ReplicationsFile, SummaryCSVFile, SummaryJSONFile, ReportFile, ManifestFile} {
		a, _ := os.ReadFile(filepath.Join(base, "w1", f))
		b, _ := os.ReadFile(filepath.Join(base, "w2", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 workers", f)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	checkExternalRows(t, readReps(t, filepath.Join(base, "w1")))
	checkExternalSummary(t, filepath.Join(base, "w1"))
}

// checkExternalRows checks each replication's rows for
// mean_satisfaction_given_x: naive, byfile, stdin_nose, flaky.
func checkExternalRows(t *testing.T, rows []RepRow) {
	t.Helper()
	if len(rows) != 9*5 { // the four, then naive for ate_contact_outcome
		t.Fatalf("%d rows, want 45", len(rows))
	}
	reasons := []string{"", "exit status 3; stderr: boom: singular matrix in <tmp>/point0-rep1.csv", "not the JSON expected", "no estimate of mean_satisfaction_given_x",
		`"estimate" is "NaN", not a finite number`, "did not converge", `"se" is null`, "timed out after 2s", "standard output longer than 4194304 bytes"}
	for r := range 9 {
		nv, file, nose, flaky := rows[5*r], rows[5*r+1], rows[5*r+2], rows[5*r+3]
		if nv.Method != "naive" || file.Method != "byfile" || nose.Method != "stdin_nose" || flaky.Method != "flaky" {
			t.Fatalf("rep %d: methods %s %s %s %s", r, nv.Method, file.Method, nose.Method, flaky.Method)
		}
		for _, x := range []RepRow{file, nose} {
			if x.Error != "" || math.Abs(x.Estimate-nv.Estimate) > 1e-12 || x.Truth != nv.Truth {
				t.Errorf("rep %d %s: %v (%q), naive %v", r, x.Method, x.Estimate, x.Error, nv.Estimate)
			}
		}
		if file.StdError <= 0 || !math.IsNaN(nose.StdError) {
			t.Errorf("rep %d: SEs %v (byfile) and %v (stdin_nose, none given)", r, file.StdError, nose.StdError)
		}
		if !strings.Contains(flaky.Error, reasons[r]) || (r == 0) != (flaky.Error == "") {
			t.Errorf("rep %d: flaky failed with %q, want %q", r, flaky.Error, reasons[r])
		}
	}
}

// checkExternalSummary checks the measures: the failures counted, and
// no SE-based measure for the estimates without SE.
func checkExternalSummary(t *testing.T, dir string) {
	t.Helper()
	res, err := Bias(context.Background(), Config{Scenario: testScenario(t), Reps: 1, Out: dir, Resume: true})
	if err == nil || !errors.Is(err, ErrCannotResume) {
		t.Errorf("resume without the external commands: %v, want ErrCannotResume", err)
	}
	_ = res
	data, err := os.ReadFile(filepath.Join(dir, SummaryCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, ",")
		if len(f) > 3 {
			got[f[2]] = l
		}
	}
	t.Logf("summary:\n%s", data)
	if !strings.Contains(got["flaky"], ",9,1,8,") {
		t.Errorf("flaky: want 9 reps, 1 ok, 8 failures: %s", got["flaky"])
	}
	if !strings.Contains(got["stdin_nose"], ",9,9,0,") || !strings.HasSuffix(got["stdin_nose"], ",,,,,,,,,0,0") {
		t.Errorf("stdin_nose: want 9 reps, 9 ok, no SE-based measure: %s", got["stdin_nose"])
	}
}

// TestExternalCommandInManifest checks that a study resumes and merges
// only with the same external commands.
func TestExternalCommandInManifest(t *testing.T) {
	bin := buildExtest(t)
	base := t.TempDir()
	cfg := func(out string, shard int, args ...string) Config {
		return Config{Scenario: testScenario(t), Reps: 2, Estimators: []string{}, Out: filepath.Join(base, out), Workers: 1,
			Shard: shard, Shards: 2, External: []External{{Name: "mine", Command: append([]string{bin}, args...),
				Estimands: []string{"mean_satisfaction_given_x"}}}}
	}
	for k, c := range []Config{cfg("a", 1, "{data}"), cfg("b", 2)} {
		if _, err := Bias(context.Background(), c); err != nil {
			t.Fatalf("shard %d: %v", k+1, err)
		}
	}
	if _, err := Merge([]string{filepath.Join(base, "a"), filepath.Join(base, "b")}, filepath.Join(base, "m"), nil); err == nil || !strings.Contains(err.Error(), "different study") {
		t.Errorf("merge of shards with different commands: %v", err)
	}
	other := cfg("a", 1)
	other.Resume = true
	if _, err := Bias(context.Background(), other); !errors.Is(err, ErrCannotResume) {
		t.Errorf("resume with another command: %v, want ErrCannotResume", err)
	}
	same := cfg("a", 1, "{data}")
	same.Resume = true
	if _, err := Bias(context.Background(), same); err != nil {
		t.Errorf("resume with the same command: %v", err)
	}
}

// TestExternalInterrupt cancels a study while its external command runs:
// the command is killed at once, and the replication is not recorded as
// a failure but left for a resume.
func TestExternalInterrupt(t *testing.T) {
	bin := buildExtest(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Scenario: testScenario(t), Reps: 8, Estimators: []string{}, Out: out, Workers: 1,
		External: []External{{Name: "flaky", Command: []string{bin, "-fail", "{data}"}}},
		Progress: func(done, _ int) {
			if done == 7 { // replication 7 sleeps 30 s
				time.AfterFunc(200*time.Millisecond, cancel)
			}
		}}
	start := time.Now()
	_, err := Bias(ctx, cfg)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the interrupted study took %s", d)
	}
	if rows := readReps(t, out); len(rows) != 7*3 {
		t.Errorf("%d rows saved, want 21 (7 replications × 3 estimands)", len(rows))
	}
}

// TestExternalOutput: what a command's output must be, estimand by
// estimand.
func TestExternalOutput(t *testing.T) {
	for _, c := range []struct {
		out, want string // want: "" for an estimate of 1 with SE 0.5, "-" for one without SE, else the failure
	}{
		{`{"estimates": {"b": {"estimate": 1, "se": 0.5}}}`, ""},
		{" \n{\"estimates\": {\"b\": {\"estimate\": 1e0, \"se\": 5e-1, \"df\": 3}}, \"note\": 1}\n\n", ""},
		{`{"estimates": {"b": {"estimate": 1}}}`, "-"},
		{`{"estimates": {"b": {"estimate": 1}}} {}`, "more than one JSON value"},
		{`{"estimates": {"b": {"estimate": 1}}} trailing`, "more than one JSON value"},
		{``, "(empty)"},
		{`{"estimate": 1}`, `no "estimates" object`},
		{`{"estimates": []}`, "must be an object"},
		{`{"estimates": {"a": {"estimate": 1}}}`, "no estimate of b in the output (it has: a)"},
		{`{"estimates": {"b": 1}}`, "must be an object"},
		{`{"estimates": {"b": {"se": 1}}}`, `no "estimate"`},
		{`{"estimates": {"b": {"estimate": null}}}`, `"estimate" is null`},
		{`{"estimates": {"b": {"estimate": "Inf"}}}`, `"estimate" is "Inf", not a finite number`},
		{`{"estimates": {"b": {"estimate": 1e999}}}`, "not a finite number"},
		{`{"estimates": {"b": {"estimate": 1, "se": -0.5}}}`, "se -0.5 is negative"},
		{`{"estimates": {"b": {"estimate": 1, "error": "singular"}}}`, "singular"},
	} {
		vals, err := parseExternal([]byte(c.out))
		reason := ""
		if err != nil {
			reason = err.Error()
		}
		r := externalRow(vals, "b", reason)
		switch {
		case c.want == "" && (r.Err != nil || r.Estimate != 1 || r.StdError != 0.5),
			c.want == "-" && (r.Err != nil || r.Estimate != 1 || !r.noSE || !math.IsNaN(r.StdError)),
			c.want != "" && c.want != "-" && (r.Err == nil || !strings.Contains(r.Err.Error(), c.want)):
			t.Errorf("%q: %+v, want %q", c.out, r, c.want)
		}
	}
	for _, rep := range []uint64{0, 1, 2, 1 << 40} {
		if s := repSeed(7, rep); s < 1 || s >= 1<<31 || s == repSeed(8, rep) || s == repSeed(7, rep+1) {
			t.Errorf("repSeed(7, %d) = %d", rep, s)
		}
	}
}
