package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallFacts writes the default scenario shrunk to a small population and
// a short horizon, for fast facts runs.
func smallFacts(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "small.toml")
	if err := os.WriteFile(p, []byte("[population]\nsize = 3000\nweeks = 30\nwarmup_weeks = 8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFactsCommand runs two facts with --out and checks the files.
func TestFactsCommand(t *testing.T) {
	sc := smallFacts(t)
	dir := filepath.Join(t.TempDir(), "facts")
	code, out, errs := runCLI(t, "facts", sc, "--reps", "2", "--only", "assimilation, exit_voice_churn", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"2 replications", "Higher expectations, slightly higher satisfaction",
		"Files in " + dir + ": facts.json, facts.md, facts.png, facts.svg"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"facts.json", "facts.md", "facts.png", "facts.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	js, err := os.ReadFile(filepath.Join(dir, "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Reps  int `json:"reps"`
		Facts []struct {
			ID string `json:"id"`
		} `json:"facts"`
	}
	if err := json.Unmarshal(js, &doc); err != nil || len(doc.Facts) != 2 || doc.Reps != 2 {
		t.Errorf("facts.json: %v %+v", err, doc)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "facts.md"))
	if !strings.Contains(string(md), "| fact |") || !strings.Contains(string(md), "(`assimilation`)") {
		t.Errorf("facts.md is not the markdown report:\n%s", md)
	}
}

// TestFactsInputErrors: bad input exits 2 with a message naming it, before
// any simulation and without writing the output directory.
func TestFactsInputErrors(t *testing.T) {
	sc := smallFacts(t)
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "never")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"one replication", []string{"facts", sc, "--reps", "1", "--out", out}, "--reps"},
		{"unknown fact", []string{"facts", sc, "--only", "nope", "--out", out}, `"nope"`},
		{"unknown format", []string{"facts", sc, "--format", "xml", "--out", out}, "--format"},
		{"textbook preset", []string{"facts", "textbook-selection", "--out", out}, "behavioral"},
		{"--out is a file", []string{"facts", sc, "--out", file}, "--out"},
		{"--out under a file", []string{"facts", sc, "--out", filepath.Join(file, "sub")}, "--out"},
		{"two scenarios", []string{"facts", sc, sc}, "at most one scenario"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, c.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed command wrote its output directory")
	}
}
