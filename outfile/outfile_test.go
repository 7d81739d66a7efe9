package outfile

import (
	"os"
	"path/filepath"
	"testing"
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
