package truth

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsDeterministic(t *testing.T) {
	f := &File{Scenario: "s", Mode: "behavioral", Version: Version,
		Estimands: []Estimand{{ID: "a", Value: 1.5, N: 3}},
		Policies:  []PolicyOutcome{{Policy: "p", Metrics: map[string]float64{"z": 1, "a": 2, "m": 3}}}}
	dir := t.TempDir()
	var prev []byte
	for k := range 5 {
		p := filepath.Join(dir, "t.json")
		if err := f.Write(p); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		if k > 0 && string(b) != string(prev) {
			t.Fatal("truth.json differs between writes")
		}
		prev = b
	}
	if e, ok := f.Get("a"); !ok || e.Value != 1.5 {
		t.Error("Get failed")
	}
}
