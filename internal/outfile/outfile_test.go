package outfile

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var r Row
	r.Int(1)
	r.Float(0.1)
	r.Empty()
	r.Bool(true)
	r.Str("x")
	f.Write(r.Bytes())
	if _, err := os.Stat(filepath.Join(dir, "a.csv")); !os.IsNotExist(err) {
		t.Fatal("file visible under its final name before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.csv"))
	if string(b) != "1,0.1,,1,x\n" {
		t.Errorf("got %q", b)
	}
	g, _ := Create(filepath.Join(dir, "b.csv"))
	g.WriteString("partial")
	g.Abort()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("after abort the directory holds %d entries, want only a.csv", len(ents))
	}
	if fi, _ := os.Stat(filepath.Join(dir, "a.csv")); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

// TestFixedMatchesStrconv: Row.Fixed writes exactly what strconv does,
// on random values of every magnitude, on halves and near-halves, and on
// special values.
func TestFixedMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, math.Copysign(0, -1), 0.5, 1.5, 2.5, -0.5, 0.125, 0.0000005, -0.0000004, 1e-300, 999999999.5,
		1e9, 1e12, math.Inf(1), math.Inf(-1), math.NaN(), 0.15, 0.25, 1.005, 2.675, -1e-9}
	for range 300000 {
		e := r.IntN(24) - 12
		v := (r.Float64()*2 - 1) * math.Pow(10, float64(e))
		vals = append(vals, v, math.Round(v*1e6)/1e6+0.5e-6)
	}
	for _, v := range vals {
		for d := 0; d <= 10; d++ {
			var row Row
			row.Fixed(v, d)
			got := string(row.Bytes())
			want := strconv.FormatFloat(v, 'f', d, 64) + "\n"
			if got != want {
				t.Fatalf("Fixed(%v, %d) = %q, strconv %q", v, d, got, want)
			}
		}
	}
}

// TestStaleTempsRemoved: a killed writer's temporary file is removed by
// the next Create of the same file once it has gone unwritten for an
// hour; a recent one (a writer still at work) is kept.
func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, ".a.csv.tmp-123")
	recent := filepath.Join(dir, ".a.csv.tmp-456")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "a.csv"), []byte("1\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("the stale temporary file was kept")
	}
	if _, err := os.Stat(recent); err != nil {
		t.Error("a recent temporary file was removed")
	}
}

// TestCommitAll: a set replaces every file of an earlier set (also those
// it does not write itself); when the earlier set cannot be removed,
// nothing is published and no temporary file is left.
func TestCommitAll(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b", "c"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write := func(names ...string) []*File {
		var fs []*File
		for _, n := range names {
			f, err := Create(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("new " + n)
			fs = append(fs, f)
		}
		return fs
	}
	if err := CommitAll([]string{"a", "b", "c"}, write("a", "b")...); err != nil {
		t.Fatal(err)
	}
	got := func() map[string]string {
		m := map[string]string{}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			m[e.Name()] = string(b)
		}
		return m
	}
	if m := got(); len(m) != 2 || m["a"] != "new a" || m["b"] != "new b" {
		t.Fatalf("after the set: %v", m)
	}
	// A replaced name that cannot be removed (a non-empty directory).
	if err := os.MkdirAll(filepath.Join(dir, "c", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	fs := write("a", "b")
	fs[0].WriteString(" again")
	if err := CommitAll([]string{"a", "b", "c"}, fs...); err == nil {
		t.Fatal("CommitAll succeeded though c cannot be removed")
	}
	for _, f := range fs {
		f.Abort() // a no-op: CommitAll discarded them
	}
	// c, the last name, fails first: nothing is removed or published.
	if m := got(); len(m) != 3 || m["a"] != "new a" || m["b"] != "new b" || m["c"] != "" {
		t.Fatalf("after the failed set: %v", m)
	}
}

// TestRowMatchesEncodingCSV: Row writes what encoding/csv writes.
func TestRowMatchesEncodingCSV(t *testing.T) {
	cells := []string{"plain", "a,b", `say "hi"`, "two\nlines", ""}
	var r Row
	for _, c := range cells {
		r.Str(c)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(cells)
	w.Flush()
	if got := string(r.Bytes()); got != b.String() {
		t.Errorf("Row gives %q, encoding/csv %q", got, b.String())
	}
}
