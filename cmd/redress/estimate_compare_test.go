package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/redress-sim/redress/estimate"
)

// TestEstimateCompareBootstrap: with --bootstrap the side-by-side table,
// in text, Markdown and LaTeX, gives each method's replicates and
// failures, as its JSON does; without --bootstrap there are no such
// rows.
func TestEstimateCompareBootstrap(t *testing.T) {
	var b strings.Builder
	b.WriteString("y,x,g\n")
	for i := range 30 {
		g := string("ab"[i%2])
		if i == 7 { // a level a resample often lacks: the replicate fails
			g = "c"
		}
		fmt.Fprintf(&b, "%d,%.2f,%s\n", (i*7)%3%2, float64((i*13)%17)/4, g)
	}
	args := []string{"estimate", "--data", writeCSV(t, b.String()), "--compare", "ols,naive", "--outcome", "y ~ x + factor(g)"}
	if code, out, errs := runCLI(t, args...); code != 0 || strings.Contains(out, "replicates") {
		t.Errorf("without --bootstrap: exit %d: %s %s", code, out, errs)
	}
	args = append(args, "--bootstrap", "20", "--seed", "4")
	code, out, errs := runCLI(t, append(args, "--format", "json")...)
	var res []struct{ Bootstrap estimate.BootstrapInfo }
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res) != 2 {
		t.Fatalf("json: exit %d, %v: %s", code, err, errs)
	}
	if res[0].Bootstrap.Failed == 0 {
		t.Fatal("no ols replicate failed: the data no longer test the failure count")
	}
	for _, f := range []struct{ format, sep string }{{"text", `\s+`}, {"markdown", `\s*\|\s*`}, {"latex", `\s*&\s*`}} {
		code, out, errs := runCLI(t, append(args, "--format", f.format)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f.format, code, errs)
		}
		for _, row := range []struct {
			name string
			n    func(estimate.BootstrapInfo) int
		}{{"bootstrap replicates", func(b estimate.BootstrapInfo) int { return b.Replicates }}, {"failed replicates", func(b estimate.BootstrapInfo) int { return b.Failed }}} {
			want := regexp.QuoteMeta(row.name) + f.sep + fmt.Sprint(row.n(res[0].Bootstrap)) + f.sep + fmt.Sprint(row.n(res[1].Bootstrap)) + `\b`
			if !regexp.MustCompile(want).MatchString(out) {
				t.Errorf("%s lacks %s:\n%s", f.format, want, out)
			}
		}
	}
}
