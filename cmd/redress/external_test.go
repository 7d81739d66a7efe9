package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
