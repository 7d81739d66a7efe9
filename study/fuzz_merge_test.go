package study

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzStudy writes a small finished study and returns its study.json and
// replications.csv, the seeds of the merge and resume fuzz targets.
func fuzzStudy(f *testing.F) (Config, []byte, []byte) {
	dir := f.TempDir()
	cfg := Config{Scenario: testScenario(f), Reps: 3, Estimators: []string{"ols", "heckit"},
		Sweeps: []Sweep{{Key: "textbook.rho", Values: []string{"0", "0.6"}}}, Out: dir, Workers: 1}
	if _, err := Bias(context.Background(), cfg); err != nil {
		f.Fatal(err)
	}
	man, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		f.Fatal(err)
	}
	reps, err := os.ReadFile(filepath.Join(dir, ReplicationsFile))
	if err != nil {
		f.Fatal(err)
	}
	return cfg, man, reps
}

// FuzzMerge: whatever a shard's study.json and replications.csv hold,
// Merge never panics, fails with a non-empty error or writes a study,
// and refuses a huge manifest before allocating for it.
func FuzzMerge(f *testing.F) {
	_, man, reps := fuzzStudy(f)
	f.Add(man, reps)
	f.Add(man, reps[:len(reps)/2])
	f.Add([]byte(strings.Replace(string(man), `"reps": 3`, `"reps": 600000000`, 1)), reps)
	f.Add([]byte(strings.Replace(string(man), `"pairs": [`, `"pairs": [], "x": [`, 1)), reps)
	f.Add([]byte(`{"shard": "2/1"}`), []byte("point\n"))
	f.Fuzz(func(t *testing.T, man, reps []byte) {
		base := t.TempDir()
		shard := filepath.Join(base, "s")
		if err := os.Mkdir(shard, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shard, ManifestFile), man, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shard, ReplicationsFile), reps, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Merge([]string{shard}, filepath.Join(base, "out"), nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if !res.Complete() {
			t.Fatal("Merge returned an incomplete study without an error")
		}
	})
}

// FuzzResume: resuming a study whose replications.csv was damaged in any
// way never panics; it fails with a non-empty error or finishes.
func FuzzResume(f *testing.F) {
	cfg, man, reps := fuzzStudy(f)
	f.Add(reps)
	f.Add(reps[:len(reps)/3])
	f.Add([]byte(strings.ReplaceAll(string(reps), ",", ";")))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, reps []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), man, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ReplicationsFile), reps, 0o644); err != nil {
			t.Fatal(err)
		}
		c := cfg
		c.Out, c.Resume = dir, true
		res, err := Bias(context.Background(), c)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if !res.Complete() {
			t.Fatal("resume returned an incomplete study without an error")
		}
	})
}

// TestManifestErrorsNameKeys: a study.json of the wrong shape is refused
// with the key and the kind of value wanted, not Go type names.
func TestManifestErrorsNameKeys(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{`{"reps": "20"}`, "reps: the value is a JSON string; it must be an integer"},
		{`{"pairs": {}}`, "pairs: the value is a JSON object; it must be a list"},
		{`{"pairs": [{"estimand": 3}]}`, "pairs.estimand: the value is a JSON number; it must be a string"},
		{`{"version": 1,`, "not valid JSON"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(c.json), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadManifest(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "Go ") || !IsInputError(err) {
			t.Errorf("%s: %v; want an input error containing %q", c.json, err, c.want)
		}
	}
}
