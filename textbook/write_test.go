package textbook

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/truth"
)

func textbookScenario(truthEpisodes bool) *scenarios.Scenario {
	sc := scenarios.Default()
	sc.Name = "write-test"
	sc.Mode = "textbook"
	sc.Seed = 42
	sc.Output.TruthEpisodes = truthEpisodes
	return sc
}

func writeTo(t *testing.T, sc *scenarios.Scenario, rep uint64, s *Sample) string {
	t.Helper()
	dir := t.TempDir()
	if err := Write(dir, sc, rep, s); err != nil {
		t.Fatal(err)
	}
	return dir
}

func dirContents(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() {
			m[e.Name()+"/"] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func TestWrite(t *testing.T) {
	sc := textbookScenario(true)
	const rep, n = 3, 2000
	s := simulate(t, sc.Textbook, n, sc.Seed, rep)
	d1 := writeTo(t, sc, rep, s)
	d2 := writeTo(t, sc, rep, simulate(t, sc.Textbook, n, sc.Seed, rep))

	c1, c2 := dirContents(t, d1), dirContents(t, d2)
	var names []string
	for name := range c1 {
		names = append(names, name)
	}
	want := FileNames(sc)
	if len(c1) != len(want) {
		t.Fatalf("files %v, want %v (no temporary files)", names, want)
	}
	for _, name := range want {
		if _, ok := c1[name]; !ok {
			t.Fatalf("missing %s; have %v", name, names)
		}
		if !bytes.Equal(c1[name], c2[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}

	var cb outfile.Codebook
	if err := json.Unmarshal(c1[CodebookFile], &cb); err != nil {
		t.Fatal(err)
	}
	if cb.Mode != "textbook" || len(cb.Files) != 2 {
		t.Fatalf("codebook: mode %q, %d files", cb.Mode, len(cb.Files))
	}
	for _, spec := range cb.Files {
		recs := readCSV(t, filepath.Join(d1, spec.File))
		var cols []string
		for _, c := range spec.Columns {
			cols = append(cols, c.Name)
			if c.Description == "" || c.Type == "" {
				t.Errorf("%s.%s: empty type or description", spec.File, c.Name)
			}
			if c.Observed != (spec.File == EpisodesFile) {
				t.Errorf("%s.%s: observed_by_firm = %v", spec.File, c.Name, c.Observed)
			}
		}
		if !reflect.DeepEqual(recs[0], cols) {
			t.Errorf("%s header %v, codebook %v", spec.File, recs[0], cols)
		}
		if len(recs) != n+1 {
			t.Errorf("%s: %d data rows, want %d", spec.File, len(recs)-1, n)
		}
	}
	if got := strings.Join(readCSV(t, filepath.Join(d1, EpisodesFile))[0], ","); got != "episode_id,x1,x2,z,contacted,satisfaction,outcome" {
		t.Errorf("episodes.csv header %s", got)
	}

	// The data read back equal the sample exactly (shortest exact form).
	num := func(cell string) float64 {
		v, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	eps := readCSV(t, filepath.Join(d1, EpisodesFile))[1:]
	tep := readCSV(t, filepath.Join(d1, TruthEpisodesFile))[1:]
	for i := range n {
		r, q := eps[i], tep[i]
		if r[0] != strconv.Itoa(i) || q[0] != strconv.Itoa(i) ||
			num(r[1]) != s.X[0][i] || num(r[2]) != s.X[1][i] || num(r[3]) != s.Z[i] ||
			(r[4] == "1") != s.S[i] || num(r[6]) != s.W[i] ||
			num(q[1]) != s.U[i] || num(q[2]) != s.E[i] || num(q[3]) != s.Y[i] ||
			num(q[4]) != s.W1[i] || num(q[5]) != s.W0[i] {
			t.Fatalf("row %d does not match the sample: %v | %v", i, r, q)
		}
		if s.S[i] {
			if num(r[5]) != s.Y[i] {
				t.Fatalf("row %d: satisfaction %s, want %v", i, r[5], s.Y[i])
			}
		} else if r[5] != "" {
			t.Fatalf("row %d: not contacted but satisfaction %q", i, r[5])
		}
	}

	var tf truth.File
	if err := json.Unmarshal(c1[TruthFile], &tf); err != nil {
		t.Fatal(err)
	}
	h, err := sc.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if tf.Mode != "textbook" || tf.Seed != sc.Seed || tf.Replication != rep || tf.ScenarioHash != h ||
		tf.Version != truth.Version || tf.Scenario != sc.Name {
		t.Errorf("truth.json header: %+v", tf)
	}
	if !reflect.DeepEqual(tf.Estimands, Truth(sc.Textbook, s)) {
		t.Error("truth.json estimands differ from Truth")
	}

	// Without truth_episodes the file is not written and not described.
	sc2 := textbookScenario(false)
	d3 := writeTo(t, sc2, rep, s)
	c3 := dirContents(t, d3)
	if _, ok := c3[TruthEpisodesFile]; ok || len(c3) != 3 {
		t.Errorf("truth_episodes off: files %d", len(c3))
	}
	if !bytes.Equal(c3[EpisodesFile], c1[EpisodesFile]) {
		t.Error("episodes.csv depends on output.truth_episodes")
	}
	// A different scenario hash: truth_episodes is part of the scenario.
	var tf3 truth.File
	if err := json.Unmarshal(c3[TruthFile], &tf3); err != nil {
		t.Fatal(err)
	}
	if tf3.ScenarioHash == tf.ScenarioHash {
		t.Error("scenario hash ignores output.truth_episodes")
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	sc := textbookScenario(true)
	s := simulate(t, sc.Textbook, 100, sc.Seed, 0)

	// Wrong keys: refused before anything is written.
	dir := t.TempDir()
	if err := Write(dir, sc, 1, s); err == nil {
		t.Error("Write accepted a sample of another replication")
	}
	if got := dirContents(t, dir); len(got) != 0 {
		t.Errorf("refused write left %d files", len(got))
	}

	// truth.json cannot be renamed into place (a directory holds its
	// name): no temporary file may remain, and the files that would
	// have followed it are not published.
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, CodebookFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CodebookFile, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, sc, 0, s); err == nil {
		t.Fatal("Write succeeded although codebook.json is a non-empty directory")
	}
	for name := range dirContents(t, dir) {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("temporary file %s left behind", name)
		}
		if name == TruthFile {
			t.Errorf("%s published after an earlier file failed", name)
		}
	}

	// A missing directory is an error, not a panic.
	if err := Write(filepath.Join(t.TempDir(), "missing"), sc, 0, s); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

func BenchmarkWrite(b *testing.B) {
	sc := textbookScenario(true)
	s, err := Simulate(context.Background(), sc.Textbook, 100_000, sc.Seed, 0)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(dir, sc, 0, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.N), "ns/row")
}
