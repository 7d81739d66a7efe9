package main

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/redress-sim/redress/study"
)

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Rscript  h.R {data}", []string{"Rscript", "h.R", "{data}"}},
		{`sh -c 'echo "a b"; cat' x`, []string{"sh", "-c", `echo "a b"; cat`, "x"}},
		{`a "b \"c\" \d" e\ f ''`, []string{"a", `b "c" \d`, "e f", ""}},
		{`python3 "my dir/ols.py" --data={data}`, []string{"python3", "my dir/ols.py", "--data={data}"}},
	} {
		got, err := splitCommand(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "   ", `a 'b`, `a "b`} {
		if _, err := splitCommand(in); err == nil {
			t.Errorf("splitCommand(%q): no error", in)
		}
	}
}

// TestExternalUsageErrors: a bad --external, --external-name,
// --external-estimands or --external-timeout exits 2 naming the flag,
// before anything runs.
func TestExternalUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--external", ""}, "--external"},
		{[]string{"--external", "cat {dat}"}, "--external: unknown placeholder {dat}"},
		{[]string{"--external", "no-such-program-redress {data}"}, "--external: cannot run no-such-program-redress"},
		{[]string{"--external", "cat {data}", "--external-name", "heckit"}, `--external-name: "heckit" is a built-in method`},
		{[]string{"--external", "cat {data}", "--external-name", "a b"}, "--external-name"},
		{[]string{"--external", "cat", "--external", "cat", "--external-name", "a", "--external-name", "a"}, `--external-name (external estimator 2): "a" names two`},
		{[]string{"--external", "cat", "--external", "cat"}, "--external-name: give one per --external"},
		{[]string{"--external", "cat", "--external-estimands", "beta_x2"}, `--external-estimands: unknown estimand "beta_x2"`},
		{[]string{"--external-name", "x"}, "--external-name and --external-estimands describe an --external"},
		{[]string{"--external", "cat", "--external-timeout", "0s"}, "--external-timeout must be positive"},
		{[]string{"--external", "cat 'x"}, "--external \"cat 'x\": unterminated"},
		{[]string{"--estimators", "none"}, "--estimators none leaves no estimator"},
	} {
		args := append([]string{"bias", "textbook-selection", "--reps", "2", "--out", out}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused study left %s", out)
	}
}

// TestExternalCommand runs a shell one-liner with canned JSON as the
// only estimator: its estimates reach the summary, report and files.
func TestExternalCommand(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	out := filepath.Join(t.TempDir(), "s")
	canned := `{"estimates": {"beta_x1": {"estimate": 0.5, "se": 0.1}}}`
	code, stdout, errs := runCLI(t, "bias", smallTextbook(t), "--reps", "3", "--out", out, "--estimators", "none",
		"--external", `sh -c 'cat > /dev/null; echo "$0"' '`+canned+`'`, "--external-name", "canned", "--external-estimands", "beta_x1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "beta_x1") || !strings.Contains(stdout, "canned") {
		t.Errorf("summary lacks the external estimator:\n%s", stdout)
	}
	rep, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !strings.Contains(string(rep), "`canned` (external command `sh -c") {
		t.Errorf("report.md does not describe the external command:\n%s", rep)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "replications.csv"))
	if n := strings.Count(string(csv), ",beta_x1,canned,0.5,0.5,0.1,"); n != 3 {
		t.Errorf("%d replications with the canned estimate, want 3:\n%s", n, csv)
	}
}

// naiveScript computes the naive estimate of mean_satisfaction_given_x
// (the mean satisfaction of the contacted) from the textbook CSV, with
// awk, from the file named or standard input.
const naiveScript = `awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
$c["contacted"] == 1 { s += $c["satisfaction"]; n++ }
END { printf "{\"estimates\": {\"mean_satisfaction_given_x\": {\"estimate\": %.17g, \"se\": %.17g}}}\n", s / n, 1 / sqrt(n) }' "$@"
`

// TestExternalWorkers runs two external estimators (an awk script given
// the data as a file and on standard input) with 1 and 2 workers: every
// file, plots included, must be identical, and their estimates must be
// the built-in naive estimator's.
func TestExternalWorkers(t *testing.T) {
	for _, p := range []string{"sh", "awk"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("no %s", p)
		}
	}
	base := t.TempDir()
	script := filepath.Join(base, "naive.sh")
	if err := os.WriteFile(script, []byte(naiveScript), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := smallTextbook(t)
	for _, w := range []string{"1", "2"} {
		code, _, errs := runCLI(t, "bias", sc, "--reps", "6", "--estimators", "naive", "--workers", w, "--out", filepath.Join(base, "w"+w),
			"--external", "sh "+script+" {data}", "--external-name", "awk_file", "--external-estimands", "mean_satisfaction_given_x",
			"--external", "sh "+script, "--external-name", "awk_stdin", "--external-estimands", "mean_satisfaction_given_x")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, errs)
		}
	}
	files, _ := filepath.Glob(filepath.Join(base, "w1", "*"))
	if len(files) < 7 {
		t.Fatalf("only %d files: %v", len(files), files)
	}
	for _, f := range files {
		a, _ := os.ReadFile(f)
		b, _ := os.ReadFile(filepath.Join(base, "w2", filepath.Base(f)))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 workers", filepath.Base(f))
		}
	}
	checkNaiveAgrees(t, filepath.Join(base, "w1"))
}

// checkNaiveAgrees checks that the awk estimates equal naive's.
func checkNaiveAgrees(t *testing.T, dir string) {
	t.Helper()
	m, err := study.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := study.OpenReplications(filepath.Join(dir, study.ReplicationsFile), m)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	for rows, err := rd.Next(); err == nil; rows, err = rd.Next() {
		// mean_satisfaction_given_x: naive, awk_file, awk_stdin; then ate's naive
		for _, x := range rows[1:3] {
			if x.Error != "" || math.Abs(x.Estimate-rows[0].Estimate) > 1e-9 {
				t.Errorf("rep %d %s: %v (%q), naive %v", x.Rep, x.Method, x.Estimate, x.Error, rows[0].Estimate)
			}
			n++
		}
	}
	if n != 12 {
		t.Errorf("%d external estimates compared, want 12", n)
	}
}
