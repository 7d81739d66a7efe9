package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redress-sim/redress/study"
)

func smallTextbook(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.toml")
	src := "name = \"small\"\nmode = \"textbook\"\n[population]\nsize = 300\n[textbook]\nrho = 0.6\nexclusion = 1.5\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBiasCommand(t *testing.T) {
	sc := smallTextbook(t)
	base := t.TempDir()
	args := func(out string, extra ...string) []string {
		return append([]string{"bias", sc, "--reps", "6", "--estimators", "ols,heckit,ipw",
			"--sweep", "textbook.rho=0,0.5", "--out", filepath.Join(base, out)}, extra...)
	}
	code, out, errs := runCLI(t, args("w1", "--workers", "1")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Bias study: small", "Point 1: textbook.rho=0.5", "heckit", "coverage", "failed", "Files in"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Flags before the scenario; other worker count.
	a := args("w4", "--workers", "4")
	a = append([]string{"bias", "--workers", "3"}, a[1:]...)
	if code, _, errs := runCLI(t, a...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	same := func(x, y string) {
		t.Helper()
		plots, _ := filepath.Glob(filepath.Join(base, x, "*.[ps][nv]g"))
		if len(plots) != 18 { // sampling, bias and coverage for 3 estimands, PNG and SVG
			t.Errorf("%s has %d plot files, want 18", x, len(plots))
		}
		files := []string{study.ReplicationsFile, study.SummaryCSVFile, study.SummaryJSONFile, study.ReportFile, study.ManifestFile}
		for _, p := range plots {
			files = append(files, filepath.Base(p))
		}
		for _, f := range files {
			p, _ := os.ReadFile(filepath.Join(base, x, f))
			q, _ := os.ReadFile(filepath.Join(base, y, f))
			if len(p) == 0 || !bytes.Equal(p, q) {
				t.Errorf("%s differs between %s and %s", f, x, y)
			}
		}
	}
	same("w1", "w4")
	// Shards and merge.
	for _, s := range []string{"1/2", "2/2"} {
		if code, _, errs := runCLI(t, args("s"+s[:1], "--shard", s)...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", s, code, errs)
		}
	}
	code, _, errs = runCLI(t, "merge", filepath.Join(base, "s1"), filepath.Join(base, "s2"), "--out", filepath.Join(base, "m"))
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errs)
	}
	same("w1", "m")
	// Rerunning into a finished study needs --resume; with it nothing changes.
	if code, _, _ := runCLI(t, args("w1")...); code == 0 {
		t.Error("rerun over a study without --resume succeeded")
	}
	if code, _, errs := runCLI(t, args("w1", "--resume")...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	same("w1", "w4")

	// Bad input: exit 2 with a clear message.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bias", sc}, "--reps"},
		{[]string{"bias", sc, "--reps", "2", "--estimators", "ols,magic"}, "magic"},
		{[]string{"bias", sc, "--reps", "2", "--sweep", "textbook.rho"}, "key=v1"},
		{[]string{"bias", sc, "--reps", "2", "--sweep", "textbook.rhoo=1"}, "textbook.rhoo"},
		{[]string{"bias", sc, "--reps", "2", "--sweep", "textbook.rho=2"}, "textbook.rho"},
		{[]string{"bias", sc, "--reps", "2", "--shard", "4/3"}, "--shard"},
		{[]string{"merge"}, "shard directories"},
		{[]string{"bias", sc, "--reps", "20", "--until", "mcse(cover)<0.1"}, "unknown measure"},
		{[]string{"bias", sc, "--reps", "20", "--until", "mcse(coverage)<0.1", "--shard", "1/2"}, "--until cannot be combined with --shard"},
	} {
		c.args = append(c.args, "--out", filepath.Join(base, "bad"))
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func TestBiasUntilCommand(t *testing.T) {
	sc := smallTextbook(t)
	code, out, errs := runCLI(t, "bias", sc, "--reps", "40", "--estimators", "naive,heckit", "--until", "mcse(coverage)<0.06", "--batch", "10",
		"--out", filepath.Join(t.TempDir(), "u"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"up to 40 replications", "Ran until mcse(coverage)<0.06 (checked every 10, at most 40); replications point 0: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestShardAuto: three shards of a Slurm job array (--array=1-3), each
// reading its index from the variables Slurm sets, merge into exactly
// the study one process writes.
func TestShardAuto(t *testing.T) {
	sc := smallTextbook(t)
	base := t.TempDir()
	args := func(out string, extra ...string) []string {
		return append([]string{"bias", sc, "--reps", "7", "--estimators", "ols,heckit",
			"--out", filepath.Join(base, out)}, extra...)
	}
	if code, _, errs := runCLI(t, args("whole")...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, k := range []string{"SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP"} {
		t.Setenv(k, "1")
	}
	t.Setenv("SLURM_ARRAY_TASK_MAX", "3")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
	var shards []string
	for _, id := range []string{"1", "2", "3"} {
		t.Setenv("SLURM_ARRAY_TASK_ID", id)
		dir := "shard" + id
		code, _, errs := runCLI(t, args(dir, "--shard", "auto")...)
		if code != 0 {
			t.Fatalf("task %s: exit %d: %s", id, code, errs)
		}
		if want := "shard " + id + "/3 (from the Slurm array task)"; !strings.Contains(errs, want) {
			t.Errorf("task %s says %q, want %q", id, errs, want)
		}
		shards = append(shards, filepath.Join(base, dir))
	}
	// auto/N must agree with the scheduler.
	if code, _, errs := runCLI(t, args("bad", "--shard", "auto/4")...); code != 2 || !strings.Contains(errs, "runs 3 tasks, not 4") {
		t.Errorf("auto/4 under a 3-task array: exit %d: %s", code, errs)
	}
	merged := filepath.Join(base, "merged")
	if code, _, errs := runCLI(t, append(append([]string{"merge"}, shards...), "--out", merged)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errs)
	}
	for _, f := range []string{study.ReplicationsFile, study.SummaryCSVFile, study.SummaryJSONFile, study.ReportFile, study.ManifestFile} {
		p, _ := os.ReadFile(filepath.Join(base, "whole", f))
		q, _ := os.ReadFile(filepath.Join(merged, f))
		if len(p) == 0 || !bytes.Equal(p, q) {
			t.Errorf("%s differs between the whole study and the merged Slurm shards", f)
		}
	}
}
