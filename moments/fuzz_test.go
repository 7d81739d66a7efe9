package moments_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redress-sim/redress/moments"
)

// FuzzParseMap: ParseMap never panics, and what it accepts maps to the
// format's columns, one firm column each.
func FuzzParseMap(f *testing.F) {
	for _, s := range []string{"", "a=contacted", "a=contacted\nb=churned", "=", "a", "a=b=c",
		"a=contacted\na=responded", "a=contacted\nb=contacted", " x = customer_id ", "a=nps_score\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := moments.ParseMap(strings.Split(s, "\n"))
		if err != nil {
			return
		}
		cols := moments.Columns()
		seen := map[string]bool{}
		for theirs, ours := range m {
			if theirs == "" || !slices.Contains(cols, ours) || seen[ours] {
				t.Fatalf("ParseMap(%q) = %v", s, m)
			}
			seen[ours] = true
		}
	})
}

// FuzzLoadCompute: Load, Compute and Bootstrap never panic on arbitrary
// files.
func FuzzLoadCompute(f *testing.F) {
	f.Add(tinyEpisodes, tinyCustomers)
	f.Add(strings.Replace(tinyEpisodes, "severity,", "severity_score,", 1), tinyCustomers)
	f.Add("customer_id,failure_type\n1,a\n", "customer_id,churned\n1,0\n")
	f.Add(tinyEpisodes, "customer_id,churned\nx,1\n1,0\n2,0\n3,1\n4,0\n")
	f.Add(strings.ReplaceAll(tinyEpisodes, ",", ";"), tinyCustomers)
	f.Add("\xef\xbb\xbf"+tinyEpisodes, tinyCustomers+"\"5\",1,2\n")
	f.Fuzz(func(t *testing.T, episodes, customers string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "episodes.csv"), []byte(episodes), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(customers), 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := moments.Load(dir, nil)
		if err != nil {
			return
		}
		ms, _, err := moments.Compute(d, tinySpec)
		if err != nil || len(ms) == 0 {
			return
		}
		_, _ = moments.Bootstrap(context.Background(), d, tinySpec, []string{ms[0].Name}, 3, 1, 1)
	})
}
