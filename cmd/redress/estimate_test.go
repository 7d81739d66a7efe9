package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func writeCSV(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEstimateMrozHeckitJSON(t *testing.T) {
	code, out, errs := runCLI(t, "estimate", "--data", "../../estimators/testdata/mroz87.csv", "--method", "heckit",
		"--outcome", "lwage ~ educ + exper + expersq", "--selection", "inlf ~ age + agesq + faminc + kids + educ", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Method    string `json:"method"`
		N         int    `json:"n"`
		NSelected int    `json:"n_selected"`
		Equations map[string][]struct {
			Term     string  `json:"term"`
			Estimate float64 `json:"estimate"`
		} `json:"equations"`
		Auxiliary map[string]struct {
			Estimate float64 `json:"estimate"`
		} `json:"auxiliary"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if v.Method != "heckit" || v.N != 753 || v.NSelected != 428 {
		t.Errorf("method %s n %d selected %d, want heckit 753 428", v.Method, v.N, v.NSelected)
	}
	if len(v.Equations["outcome"]) != 4 || v.Equations["outcome"][0].Term != "(Intercept)" || len(v.Equations["selection"]) != 6 {
		t.Errorf("equations: %+v", v.Equations)
	}
	if _, ok := v.Auxiliary["lambda"]; !ok {
		t.Error("no auxiliary.lambda")
	}
	if strings.Contains(out, "NaN") {
		t.Error("NaN in output")
	}
}

// TestEstimateBadData: every kind of bad data is a clear error with exit
// status 2 and no NaN on stdout.
func TestEstimateBadData(t *testing.T) {
	good := "y,x,z,s\n1,0.5,1,1\n2,1.5,0,1\n3,2.1,1,0\n4,2.9,0,1\n5,4.2,1,0\n6,5.1,0,1\n"
	cases := []struct {
		name string
		csv  string
		args []string
		want string
	}{
		{"missing column", good, []string{"--method", "ols", "--outcome", "y ~ w"}, `"w"`},
		{"non-numeric cell", "y,x\n1,2\n2,abc\n", []string{"--method", "ols", "--outcome", "y ~ x"}, `line 3 (row 2), column "x": "abc" is not a number`},
		{"missing values", "y,x\n1,2\n2,NA\n3,4\n4,5\n", []string{"--method", "ols", "--outcome", "y ~ x"}, `row 2: column "x" is missing; use --drop-missing`},
		{"missing covariate of a selected row", "y,x,z,s\n1,1,1,1\n2,NA,0,1\n,3,1,0\n4,4,0,1\n", []string{"--method", "heckit", "--outcome", "y ~ x", "--selection", "s ~ z"}, `row 2: column "x" is missing`},
		{"selection indicator not 0/1", "y,x,z,s\n1,1,1,1\n2,2,0,2\n3,3,1,0\n4,4,0,1\n", []string{"--method", "heckman", "--outcome", "y ~ x", "--selection", "s ~ z"}, `selection indicator "s" must be 0 or 1; row 2 has 2`},
		{"collinear", "y,x,x2\n1,1,2\n2,2,4\n3,3,6\n4,5,10\n", []string{"--method", "ols", "--outcome", "y ~ x + x2"}, `"x2"`},
		{"separation", "y,x\n0,1\n0,2\n0,3\n1,4\n1,5\n1,6\n", []string{"--method", "logit", "--outcome", "y ~ x"}, "separation"},
		{"all selected", "y,x,z,s\n1,1,1,1\n2,2,0,1\n3,3,1,1\n4,4,0,1\n", []string{"--method", "heckit", "--outcome", "y ~ x", "--selection", "s ~ x + z"}, `no unselected observations: the selection indicator "s" is 1 in all 4 rows used`},
		{"none selected", "y,x,z,s\n1,1,1,0\n2,2,0,0\n3,3,1,0\n4,4,0,0\n", []string{"--method", "heckit", "--outcome", "y ~ x", "--selection", "s ~ x + z"}, `no selected observations: the selection indicator "s" is 0 in all 4 rows used`},
		{"none selected, naive", "y,x,z,s\n1,1,1,0\n2,2,0,0\n", []string{"--method", "naive", "--outcome", "y ~ 1", "--selection", "s ~ 1"}, `no selected observations`},
		{"bad vce", good, []string{"--method", "ols", "--outcome", "y ~ x", "--vce", "hc3"}, `--vce "hc3": use classical or hc1`},
		{"bad formula", good, []string{"--method", "ols", "--outcome", "y ~ x +"}, "position"},
		{"unknown method", good, []string{"--method", "lasso", "--outcome", "y ~ x"}, "available methods"},
		{"no selection formula", good, []string{"--method", "heckit", "--outcome", "y ~ x"}, "--selection"},
		{"non-convergence", "y,x\n0,1\n1,2\n0,3\n1,4\n1,5\n0,6\n1,7\n", []string{"--method", "logit", "--outcome", "y ~ x", "--max-iter", "1"}, "did not converge after 1 iterations"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"estimate", "--data", writeCSV(t, c.csv)}, c.args...)
			code, out, errs := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %s", code, errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q does not mention %q", errs, c.want)
			}
			if strings.Contains(out, "NaN") {
				t.Errorf("NaN on stdout: %s", out)
			}
		})
	}
}

func TestEstimateHelpHasExamples(t *testing.T) {
	code, out, errs := runCLI(t, "estimate", "--help")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q: help goes to stdout", code, errs)
	}
	for _, m := range []string{"--method ols", "--method probit", "--method heckit"} {
		if !strings.Contains(out, m) {
			t.Errorf("--help lacks an example with %s", m)
		}
	}
}

func TestEstimateTreatRegAndHeckman(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "run", "textbook-selection", "--out", dir, "--estimates=false"); code != 0 {
		t.Fatalf("run: %s", errs)
	}
	data := filepath.Join(dir, "episodes.csv")
	for _, c := range []struct{ method, outcome string }{
		{"treatreg", "outcome ~ x1 + x2"}, {"treatreg-twostep", "outcome ~ x1 + x2"}, {"heckman", "satisfaction ~ x1 + x2"},
	} {
		code, out, errs := runCLI(t, "estimate", "--data", data, "--method", c.method, "--outcome", c.outcome,
			"--selection", "contacted ~ x1 + x2 + z", "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.method, code, errs)
		}
		var v struct {
			Effects map[string]struct {
				Estimate float64 `json:"estimate"`
				StdError float64 `json:"std_error"`
			} `json:"effects"`
			LogLik *float64 `json:"log_likelihood"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s: %v", c.method, err)
		}
		if c.method != "heckman" {
			ate, ok := v.Effects["ate"]
			// The true effect is 1; the ATE must be within 4 SE of it.
			if !ok || ate.StdError <= 0 || (ate.Estimate-1)/ate.StdError > 4 || (1-ate.Estimate)/ate.StdError > 4 {
				t.Errorf("%s: ate %+v", c.method, ate)
			}
		}
		if c.method != "treatreg-twostep" && v.LogLik == nil {
			t.Errorf("%s: no log-likelihood", c.method)
		}
	}
}

func TestEstimateTreatmentEffectMethods(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "run", "textbook-no-selection", "--out", dir, "--estimates=false"); code != 0 {
		t.Fatalf("run: %s", errs)
	}
	data := filepath.Join(dir, "episodes.csv")
	cases := [][]string{
		{"--method", "naive", "--treatment", "contacted", "--outcome", "outcome ~ 1"},
		{"--method", "naive", "--selection", "contacted ~ 1", "--outcome", "satisfaction ~ 1"},
		{"--method", "ipw", "--treatment", "contacted", "--outcome", "outcome ~ x1 + x2"},
		{"--method", "aipw", "--treatment", "contacted", "--outcome", "outcome ~ x1 + x2"},
		{"--method", "psm", "--treatment", "contacted", "--outcome", "outcome ~ x1 + x2", "--neighbours", "2"},
		{"--method", "iv", "--treatment", "contacted", "--instruments", "z", "--outcome", "outcome ~ x1 + x2", "--robust"},
	}
	for _, c := range cases {
		args := append([]string{"estimate", "--data", data, "--format", "json"}, c...)
		code, out, errs := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c, code, errs)
			continue
		}
		if strings.Contains(out, "NaN") || !strings.Contains(out, `"method"`) {
			t.Errorf("%v: bad output %s", c, out)
		}
	}
	// Missing required flags are usage errors.
	for _, c := range [][]string{
		{"--method", "ipw", "--outcome", "outcome ~ x1"},
		{"--method", "iv", "--treatment", "contacted", "--outcome", "outcome ~ x1"},
	} {
		args := append([]string{"estimate", "--data", data}, c...)
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", c, code)
		}
	}
}

// TestEstimateDropMissing: --drop-missing drops exactly the rows a
// selection model cannot use (a missing selection covariate anywhere, a
// missing outcome covariate only where selected), reports how many, and
// gives the fit on the data without those rows.
func TestEstimateDropMissing(t *testing.T) {
	raw, err := os.ReadFile("../../estimators/testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	head := strings.Split(lines[0], ",")
	col := func(name string) int {
		for j, h := range head {
			if h == name {
				return j
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	inlf, age, exper := col("inlf"), col("age"), col("exper")
	var holey, kept []string
	holey, kept = append(holey, lines[0]), append(kept, lines[0])
	dropped, droppedSel, deselected := 0, 0, 0
	for i, l := range lines[1:] {
		cells := strings.Split(l, ",")
		selected := cells[inlf] == "1"
		switch {
		case i%37 == 5: // selection covariate missing: dropped
			cells[age] = "NA"
			dropped++
			if selected {
				droppedSel++
			}
		case i%41 == 3 && selected: // outcome covariate missing where selected: deselected on request
			cells[exper] = ""
			deselected++
			kc := append([]string(nil), cells...)
			kc[inlf] = "0"
			kept = append(kept, strings.Join(kc, ","))
		case i%41 == 3: // outcome covariate missing where not selected: kept
			cells[exper] = ""
			kept = append(kept, strings.Join(cells, ","))
		default:
			kept = append(kept, l)
		}
		holey = append(holey, strings.Join(cells, ","))
	}
	args := []string{"--method", "heckit", "--outcome", "lwage ~ educ + exper + expersq", "--selection", "inlf ~ age + agesq + faminc + kids + educ", "--format", "json"}
	holeyPath, keptPath := writeCSV(t, strings.Join(holey, "\n")+"\n"), writeCSV(t, strings.Join(kept, "\n")+"\n")
	if code, _, errs := runCLI(t, append([]string{"estimate", "--data", holeyPath}, args...)...); code != 2 || !strings.Contains(errs, "use --drop-missing") {
		t.Errorf("without --drop-missing: exit %d, %s", code, errs)
	}
	// Listwise deletion never changes the selection sample: a selected
	// row missing its outcome covariate is an error ...
	if code, _, errs := runCLI(t, append([]string{"estimate", "--data", holeyPath, "--drop-missing"}, args...)...); code != 2 || !strings.Contains(errs, "--deselect-missing") {
		t.Errorf("--drop-missing with selected rows missing the outcome: exit %d, %s", code, errs)
	}
	// ... or, asked for by name, a row counted as not selected.
	code, got, errs := runCLI(t, append([]string{"estimate", "--data", holeyPath, "--drop-missing", "--deselect-missing"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{fmt.Sprintf("%d of 753 rows dropped for missing values", dropped), fmt.Sprintf("%d rows selected but missing the outcome counted as not selected", deselected)} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	code, want, errs := runCLI(t, append([]string{"estimate", "--data", keptPath}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	counts := regexp.MustCompile(`,\s*"dropped": \d+,\s*"deselected": \d+`)
	if !strings.Contains(got, fmt.Sprintf(`"dropped": %d,`, dropped)) || !strings.Contains(got, fmt.Sprintf(`"deselected": %d`, deselected)) {
		t.Errorf("the JSON does not carry the counts:\n%s", got[len(got)-80:])
	}
	if counts.ReplaceAllString(got, "") != counts.ReplaceAllString(want, "") {
		t.Errorf("fit after dropping differs from the fit on the kept rows:\n%s\n%s", got, want)
	}
	if n := fmt.Sprintf(`"n": %d,`, 753-dropped); !strings.Contains(got, n) || !strings.Contains(got, fmt.Sprintf(`"n_selected": %d,`, 428-droppedSel-deselected)) {
		t.Errorf("counts: %s", got[:200])
	}
	_, text, _ := runCLI(t, "estimate", "--data", holeyPath, "--drop-missing", "--method", "ols", "--outcome", "lwage ~ age")
	if !strings.Contains(text, "with missing values dropped (listwise)") {
		t.Errorf("text output does not report the dropped rows:\n%s", text)
	}
}

// TestEstimateIVDefaultsToHC1: SPEC §9 gives iv HC1 standard errors.
func TestEstimateIVDefaultsToHC1(t *testing.T) {
	base := []string{"estimate", "--data", "../../estimators/testdata/mroz_iv.csv", "--method", "iv", "--treatment", "educ",
		"--instruments", "fatheduc + motheduc", "--outcome", "lwage ~ exper + expersq", "--format", "json"}
	run := func(extra ...string) string {
		code, out, errs := runCLI(t, append(base, extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		return out
	}
	def, hc1, classical := run(), run("--vce", "hc1"), run("--vce", "classical")
	if def != hc1 {
		t.Error("iv's default differs from --vce hc1")
	}
	if def == classical {
		t.Error("--vce classical changes nothing")
	}
	if robust := run("--robust"); robust != hc1 {
		t.Error("--robust differs from --vce hc1")
	}
}

// TestEstimateRealFile: a file as people bring it — an id column of text,
// Stata's "." and R's TRUE/FALSE — fits when the model uses none of the
// text; a text column the model names is an error naming the cell.
func TestEstimateRealFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firm.csv")
	data := "id,y,x,paid,region\nA1,1,0.5,TRUE,n\nA2,2.1,1.1,FALSE,s\nA3,2.9,1.4,TRUE,n\nA4,4.2,2.2,false,s\nA5,5,2.4,true,.\nA6,.,3,TRUE,n\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "estimate", "--data", path, "--method", "ols", "--outcome", "y ~ x + paid", "--drop-missing")
	if code != 0 || !strings.Contains(out, "n = 5") {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
	code, _, errs = runCLI(t, "estimate", "--data", path, "--method", "ols", "--outcome", "y ~ x + region", "--drop-missing")
	if code != 2 || !strings.Contains(errs, `column "region": "n" is not a number: the column holds text; write factor(region)`) {
		t.Errorf("a text regressor: exit %d: %s", code, errs)
	}
}

// TestEstimateSepAndStdin: --sep reads ';'- or tab-separated files, and
// --data - reads standard input.
func TestEstimateSepAndStdin(t *testing.T) {
	dir := t.TempDir()
	semi := filepath.Join(dir, "semi.csv")
	if err := os.WriteFile(semi, []byte("y;x;id\n1;0.5;a\n2.1;1.1;b\n2.9;1.4;c\n4.2;2.2;d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "estimate", "--data", semi, "--sep", ";", "--method", "ols", "--outcome", "y ~ x"); code != 0 || !strings.Contains(out, "n = 4") {
		t.Errorf("--sep ';': exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "estimate", "--data", semi, "--sep", ";;", "--method", "ols", "--outcome", "y ~ x"); code != 2 || !strings.Contains(errs, "--sep") {
		t.Errorf("--sep ';;': exit %d: %s", code, errs)
	}
	withStdin(t, "y,x\n1,0.5\n2.1,1.1\n2.9,1.4\n4.2,2.2\n", func() {
		if code, out, errs := runCLI(t, "estimate", "--data", "-", "--method", "ols", "--outcome", "y ~ x"); code != 0 || !strings.Contains(out, "data standard input; n = 4") {
			t.Errorf("--data -: exit %d: %s %s", code, out, errs)
		}
	})
}

// TestEstimateCompare: --compare sets methods side by side with the same
// numbers each gives alone; latex and json too.
func TestEstimateCompare(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tb")
	if code, _, errs := runCLI(t, "run", "textbook-selection", "--out", dir); code != 0 {
		t.Fatal(errs)
	}
	data := filepath.Join(dir, "episodes.csv")
	common := []string{"estimate", "--data", data, "--outcome", "satisfaction ~ x1 + x2", "--selection", "contacted ~ x1 + x2 + z"}
	code, out, errs := runCLI(t, append(common, "--compare", "naive,ols,heckit,heckman")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, alone, _ := runCLI(t, append(common, "--method", "heckit", "--format", "json")...)
	var r struct {
		Equations map[string][]struct{ Estimate float64 }
	}
	if err := json.Unmarshal([]byte(alone), &r); err != nil {
		t.Fatal(err)
	}
	x1 := fmt.Sprintf("%.4f", r.Equations["outcome"][1].Estimate)
	if !strings.Contains(out, "heckman") || !strings.Contains(out, x1+"***") || !strings.Contains(out, "R²") {
		t.Errorf("side by side lacks heckit's x1 %s:\n%s", x1, out)
	}
	if code, out, _ := runCLI(t, append(common, "--compare", "ols,heckman", "--format", "latex")...); code != 0 || !strings.Contains(out, `\begin{tabular}{lrr}`) || !strings.Contains(out, `$^{***}$`) {
		t.Errorf("latex: exit %d\n%s", code, out)
	}
	var arr []json.RawMessage
	if code, out, _ := runCLI(t, append(common, "--compare", "ols,heckit", "--format", "json")...); code != 0 || json.Unmarshal([]byte(out), &arr) != nil || len(arr) != 2 {
		t.Errorf("json: exit %d, %d results", code, len(arr))
	}
	if code, _, errs := runCLI(t, append(common, "--compare", "ols,lasso")...); code != 2 || !strings.Contains(errs, `--compare "lasso"`) {
		t.Errorf("unknown method: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, append(common, "--compare", "ols", "--method", "ols")...); code != 2 || !strings.Contains(errs, "--method and --compare") {
		t.Errorf("both: exit %d: %s", code, errs)
	}
}

// TestEstimateCluster: --cluster gives cluster-robust SEs and says over
// how many clusters; for psm, or with --robust, exit 2.
func TestEstimateCluster(t *testing.T) {
	data := "../../estimators/testdata/mroz87.csv"
	code, out, errs := runCLI(t, "estimate", "--data", data, "--method", "ols", "--outcome", "lwage ~ educ + exper + expersq", "--drop-missing", "--cluster", "age")
	if code != 0 || !strings.Contains(out, "cluster-robust (CR1) over 31 clusters") || !strings.Contains(out, "0.0112") {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--method", "psm", "--outcome", "hours ~ educ", "--treatment", "city", "--cluster", "age"}, "does not cluster"},
		{[]string{"--method", "ols", "--outcome", "inlf ~ educ", "--cluster", "age", "--robust"}, "name one"},
	} {
		code, _, errs := runCLI(t, append([]string{"estimate", "--data", data}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, errs)
		}
	}
}

// TestEstimateVariance: --cluster on a maximum-likelihood model,
// --bootstrap (text and JSON say which standard errors, and the result
// does not depend on --workers) and --weights, and the located exit-2
// errors of bad combinations.
func TestEstimateVariance(t *testing.T) {
	data := "../../estimators/testdata/mroz87.csv"
	sel := "inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6"
	code, out, errs := runCLI(t, "estimate", "--data", data, "--method", "heckman", "--outcome", "lwage ~ educ + exper + expersq", "--selection", sel, "--cluster", "age")
	if code != 0 || !strings.Contains(out, "cluster-robust (CR1) over 31 clusters") || !strings.Contains(out, "0.2406") {
		t.Errorf("heckman --cluster: exit %d: %s %s", code, out, errs)
	}
	var outs []string
	for _, w := range []string{"1", "2"} {
		code, out, errs := runCLI(t, "estimate", "--data", data, "--method", "probit", "--outcome", sel, "--bootstrap", "30", "--seed", "5", "--workers", w, "--format", "json")
		if code != 0 || !strings.Contains(out, `"standard_errors": "bootstrap (30 replicates, 0 failed)"`) || !strings.Contains(out, `"replicates": 30`) {
			t.Errorf("probit --bootstrap: exit %d: %s %s", code, out, errs)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Error("--workers 1 and 2 differ")
	}
	code, out, errs = runCLI(t, "estimate", "--data", data, "--method", "ols", "--outcome", "lwage ~ educ", "--drop-missing", "--cluster", "age", "--bootstrap", "20")
	if code != 0 || !strings.Contains(out, "bootstrap (20 replicates, 0 failed; 31 clusters resampled)") {
		t.Errorf("cluster bootstrap: exit %d: %s %s", code, out, errs)
	}
	code, out, errs = runCLI(t, "estimate", "--data", data, "--method", "logit", "--outcome", "inlf ~ educ", "--weights", "kids")
	if code != 2 || !strings.Contains(errs, "row 6") || !strings.Contains(errs, `"kids" is 0`) {
		t.Errorf("zero weights: exit %d: %s %s", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--method", "ols", "--outcome", "hours ~ educ", "--bootstrap", "0"}, "--bootstrap 0"},
		{[]string{"--method", "ols", "--outcome", "hours ~ educ", "--seed", "3"}, "--bootstrap only"},
		{[]string{"--method", "psm", "--outcome", "hours ~ educ", "--treatment", "city", "--bootstrap", "50"}, "Abadie & Imbens 2008"},
		{[]string{"--method", "heckit", "--outcome", "lwage ~ educ", "--selection", "inlf ~ educ + age", "--weights", "age"}, "ols, logit and probit only"},
		{[]string{"--method", "ols", "--outcome", "hours ~ educ", "--weights", "nosuch"}, "nosuch"},
	} {
		code, _, errs := runCLI(t, append([]string{"estimate", "--data", data}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, errs)
		}
	}
}
