package sim

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
)

// TestCollectCustomersMatchesCSV: the in-memory customers table holds
// exactly what customers.csv says, with files and without; textbook
// mode has no customers table.
func TestCollectCustomersMatchesCSV(t *testing.T) {
	sc, err := scenarios.LoadPreset("default")
	if err != nil {
		t.Fatal(err)
	}
	sc.Population.Size = 3000
	dir := t.TempDir()
	res, err := Run(context.Background(), sc, Options{Out: dir, Collect: true})
	if err != nil {
		t.Fatal(err)
	}
	fromCSV, err := table.ReadCSVFile(filepath.Join(dir, "customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Customers == nil {
		t.Fatal("Collect: Result.Customers is nil")
	}
	equalTables(t, "with files", res.Customers, fromCSV)
	res2, err := Run(context.Background(), sc, Options{Collect: true})
	if err != nil {
		t.Fatal(err)
	}
	equalTables(t, "without files", res2.Customers, fromCSV)

	res3, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res3.Customers != nil {
		t.Error("without Collect: Result.Customers is set")
	}
	tb, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	res4, err := Run(context.Background(), tb, Options{Collect: true})
	if err != nil {
		t.Fatal(err)
	}
	if res4.Customers != nil {
		t.Error("textbook mode: Result.Customers is set")
	}
}

func equalTables(t *testing.T, what string, mem, csv *table.Table) {
	t.Helper()
	if !slices.Equal(mem.Names(), csv.Names()) || mem.Len() != csv.Len() {
		t.Fatalf("%s: table %v × %d, CSV %v × %d", what, mem.Names(), mem.Len(), csv.Names(), csv.Len())
	}
	for _, name := range mem.Names() {
		a, err := mem.Col(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := csv.Col(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				t.Fatalf("%s: column %s row %d: memory %v, CSV %v", what, name, i, a[i], b[i])
			}
		}
	}
}
