package study

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUntil(t *testing.T) {
	ts, err := ParseUntil("mcse(coverage)<0.005, mcse(bias) < 0.01")
	if err != nil || len(ts) != 2 || ts[0] != (Target{"coverage", 0.005}) || ts[1] != (Target{"bias", 0.01}) {
		t.Fatalf("ParseUntil = %v, %v", ts, err)
	}
	if s := untilString(ts); s != "mcse(coverage)<0.005,mcse(bias)<0.01" {
		t.Errorf("untilString = %q", s)
	}
	for _, bad := range []string{"coverage<0.1", "mcse(coverage)>0.1", "mcse(cover)<0.1", "mcse(coverage)<0", "mcse(coverage)<x", ""} {
		if _, err := ParseUntil(bad); err == nil {
			t.Errorf("ParseUntil(%q) accepted", bad)
		}
	}
}

// untilConfig: a study whose points stop at different replication counts
// under the target (the naive difference's coverage is 0 at rho = 0.6, so
// its MCSE is 0; heckit needs more replications).
// readPoint reads the replications of point p from the study in dir.
func readPoint(t *testing.T, dir string, m Manifest, p int) []RepRow {
	t.Helper()
	rd, err := OpenReplications(filepath.Join(dir, ReplicationsFile), m)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out []RepRow
	for {
		rows, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].Point == p {
			out = append(out, rows...)
		}
	}
}

func untilConfig(t *testing.T, out string) Config {
	cfg := testConfig(t, out)
	cfg.Estimators = []string{"naive", "heckit"}
	cfg.Reps, cfg.Batch = 60, 10
	cfg.Until = []Target{{"coverage", 0.045}}
	return cfg
}

// TestUntil: a study with a precision target stops each point at the
// first checkpoint where the target holds (or at the cap), gives the same
// files for any number of workers, and resumes exactly after an
// interruption.
func TestUntil(t *testing.T) {
	ref := filepath.Join(t.TempDir(), "ref")
	res, err := Bias(context.Background(), untilConfig(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() {
		t.Fatal("not complete")
	}
	m := res.Manifest
	reps := res.PointReps()
	t.Logf("replications per point: %v", reps)
	for p, n := range reps {
		rows := readPoint(t, ref, m, p)
		if len(rows) != n*len(m.Pairs) {
			t.Fatalf("point %d: %d rows on file, want %d", p, len(rows), n*len(m.Pairs))
		}
		if n%m.Batch != 0 && n != m.Reps {
			t.Errorf("point %d stopped at %d, not a checkpoint", p, n)
		}
		if n < m.Reps && !met(m.UntilTargets(), Summarize(rows)) {
			t.Errorf("point %d stopped at %d without meeting the target", p, n)
		}
		for b := m.Batch; b < n; b += m.Batch {
			if met(m.UntilTargets(), Summarize(rows[:b*len(m.Pairs)])) {
				t.Errorf("point %d met the target at %d but ran to %d", p, b, n)
			}
		}
		// The target really holds where the study stopped early.
		for _, ms := range Summarize(rows) {
			if n < m.Reps && !(ms.Coverage.MCSE < 0.045) {
				t.Errorf("point %d %s/%s: coverage MCSE %.4f", p, ms.Estimand, ms.Method, ms.Coverage.MCSE)
			}
		}
	}
	if reps[0] == reps[1] {
		t.Logf("both points stopped at %d", reps[0])
	}

	// Other worker count: the same files.
	w3 := filepath.Join(t.TempDir(), "w3")
	cfg := untilConfig(t, w3)
	cfg.Workers = 3
	if _, err := Bias(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, ref, w3)

	// Interrupted after a few replications, then resumed.
	dir := filepath.Join(t.TempDir(), "int")
	cfg = untilConfig(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	cfg.Progress = func(done, total int) {
		calls++
		if calls == 13 {
			cancel()
		}
	}
	if _, err := Bias(ctx, cfg); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	cfg.Resume, cfg.Progress, cfg.Workers = true, nil, 2
	if _, err := Bias(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, ref, dir)

	// --until with shards is refused; so is merging an --until study.
	cfg = untilConfig(t, filepath.Join(t.TempDir(), "sh"))
	cfg.Shard, cfg.Shards = 1, 2
	if _, err := Bias(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "cannot be combined with shards") {
		t.Errorf("--until with --shard: %v", err)
	}
	if _, err := Merge([]string{ref}, filepath.Join(t.TempDir(), "m"), nil); err == nil {
		t.Error("merge of an --until study succeeded")
	}
	// A replications file whose point stops short of its target is not
	// resumed as if it were finished.
	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ManifestFile, ReplicationsFile} {
		b, _ := os.ReadFile(filepath.Join(ref, f))
		if f == ReplicationsFile {
			// Drop point 0's last checkpoint batch: point 1 then follows
			// an unfinished point 0.
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			per := len(m.Pairs)
			cut := 1 + (reps[0]-m.Batch)*per
			lines = append(lines[:cut], lines[1+reps[0]*per:]...)
			b = []byte(strings.Join(lines, "\n") + "\n")
		}
		if err := os.WriteFile(filepath.Join(bad, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg = untilConfig(t, bad)
	cfg.Resume = true
	if _, err := Bias(context.Background(), cfg); err == nil {
		t.Error("resumed a study whose point 0 stops short of its target")
	}
}
