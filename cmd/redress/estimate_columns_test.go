package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/redress-sim/redress/estimate"
)

// TestEstimateColumns: the columns read are those of the formulas, the
// treatment, the cluster and the weights of every method compared, and
// all of them when a formula does not parse.
func TestEstimateColumns(t *testing.T) {
	header := []string{"y", "x1", "x2", "g", "s", "z", "z2", "d", "d1", "d2", "my d", "id", "w", "note"}
	cases := []struct {
		name    string
		s       estimateFlags
		methods string
		want    []string // nil: all
	}{
		{"transformed and factor terms", estimateFlags{outcome: "y ~ x1 + log(x2) + factor(g)"}, "ols", []string{"y", "x1", "x2", "g"}},
		{"selection and cluster", estimateFlags{outcome: "y ~ x1", selection: "s ~ x1 + I(z^2)", cluster: "id"}, "heckit", []string{"y", "x1", "s", "z", "id"}},
		{"iv term lists; weights unused by iv", estimateFlags{outcome: "y ~ x1", treatment: "d1 + d2", instruments: "poly(z, 2) + z2", weights: "w"}, "iv", []string{"y", "x1", "z", "z2", "d1", "d2"}},
		{"a treatment column no formula can name", estimateFlags{outcome: "y ~ x1", treatment: "my d"}, "ipw", []string{"y", "x1", "my d"}},
		{"compare: the weights of ols, the cluster of aipw", estimateFlags{outcome: "y ~ x1", treatment: "d", weights: "w", cluster: "id"}, "psm,ols,aipw", []string{"y", "x1", "d", "id", "w"}},
		{"psm alone has no cluster", estimateFlags{outcome: "y ~ x1", treatment: "d", cluster: "id"}, "psm", []string{"y", "x1", "d"}},
		{"bootstrap clusters", estimateFlags{outcome: "y ~ x1", cluster: "id", bootstrap: 9}, "logit", []string{"y", "x1", "id"}},
		{"bad outcome", estimateFlags{outcome: "y ~ x1 +"}, "ols", nil},
		{"bad selection", estimateFlags{outcome: "y ~ x1", selection: "s ~ (z"}, "ols,heckit", nil},
		{"bad iv treatment", estimateFlags{outcome: "y ~ x1", treatment: "d1 ~ d2", instruments: "z"}, "iv", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var methods []estimate.Method
			for _, name := range strings.Split(c.methods, ",") {
				m, err := estimate.ParseMethod(name)
				if err != nil {
					t.Fatal(err)
				}
				methods = append(methods, m)
			}
			keep := c.s.columns(methods)
			if (keep == nil) != (c.want == nil) {
				t.Fatalf("keep nil %v, want nil %v", keep == nil, c.want == nil)
			}
			if keep == nil {
				return
			}
			var got []string
			for _, h := range header {
				if keep(h) {
					got = append(got, h)
				}
			}
			want := slices.Clone(c.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("columns %q, want %q", got, want)
			}
		})
	}
}

// TestEstimateUnusedColumns: a text column and a column of cells no
// reader accepts (1e999 is not a finite number) do not matter when no
// formula names them, from a file or standard input; a misspelled
// column is still an exit-2 error that lists the file's columns.
func TestEstimateUnusedColumns(t *testing.T) {
	data := "y,x,d,note,junk\n1,0.5,0,hello world,1e999\n2.1,1.1,1,\"a, b\",x\n2.9,1.4,0,c,Inf\n4.2,2.2,1,d,1\n3.1,1.9,0,e,\n"
	path := writeCSV(t, data)
	if code, out, errs := runCLI(t, "estimate", "--data", path, "--method", "ols", "--outcome", "y ~ x"); code != 0 || !strings.Contains(out, "n = 5") {
		t.Errorf("file: exit %d: %s %s", code, out, errs)
	}
	withStdin(t, data, func() {
		if code, out, errs := runCLI(t, "estimate", "--data", "-", "--method", "ols", "--outcome", "y ~ x"); code != 0 || !strings.Contains(out, "data standard input; n = 5") {
			t.Errorf("stdin: exit %d: %s %s", code, out, errs)
		}
	})
	if code, _, errs := runCLI(t, "estimate", "--data", path, "--method", "ols", "--outcome", "y ~ x + junk"); code != 2 || !strings.Contains(errs, `column "junk": "1e999" is not a finite number`) {
		t.Errorf("junk named: exit %d: %s", code, errs)
	}
	columns := `(columns: "y", "x", "d", "note", "junk")`
	for _, args := range [][]string{
		{"--method", "ols", "--outcome", "y ~ xx"},
		{"--method", "ols", "--outcome", "y ~ factor(xx)"},
		{"--method", "ols", "--outcome", "y ~ x", "--weights", "xx"},
		{"--method", "ols", "--outcome", "y ~ x", "--cluster", "xx"},
		{"--method", "ipw", "--outcome", "y ~ x", "--treatment", "xx"},
		{"--method", "iv", "--outcome", "y ~ 1", "--treatment", "x", "--instruments", "xx"},
		{"--compare", "ols,heckit", "--outcome", "y ~ x", "--selection", "xx ~ x"},
	} {
		code, _, errs := runCLI(t, append([]string{"estimate", "--data", path}, args...)...)
		if want := `no such column "xx" ` + columns; code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q lacks %q", args, code, errs, want)
		}
	}
}

// withStdin runs f with os.Stdin reading data.
func withStdin(t *testing.T, data string, f func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() {
		os.Stdin = old
		r.Close()
	}()
	go func() { w.Write([]byte(data)); w.Close() }()
	f()
}

// TestEstimateColumnsSameOutput: the results from the columns the run
// reads are those from the whole file.
func TestEstimateColumnsSameOutput(t *testing.T) {
	path := "../../estimators/testdata/mroz87.csv"
	sel := "inlf ~ age + agesq + faminc + kids + educ"
	cases := []struct {
		name    string
		s       estimateFlags
		methods []estimate.Method
	}{
		{"heckit", estimateFlags{outcome: "lwage ~ educ + exper + expersq", selection: sel}, []estimate.Method{estimate.Heckit}},
		{"compare with cluster", estimateFlags{outcome: "lwage ~ educ + log(age)", selection: sel, cluster: "age"}, []estimate.Method{estimate.OLS, estimate.Heckman}},
		{"iv with weights unused", estimateFlags{outcome: "hours ~ educ", treatment: "lwage", instruments: "exper + expersq", dropMissing: true, weights: "kids"}, []estimate.Method{estimate.IV}},
		{"aipw bootstrap", estimateFlags{outcome: "hours ~ educ + age", treatment: "city", bootstrap: 5, seed: 2}, []estimate.Method{estimate.AIPW}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.s
			s.data, s.format, s.maxIter = path, "json", 100
			keep := s.columns(c.methods)
			var outs []string
			for _, k := range []func(string) bool{nil, keep} {
				tab, err := readData(path, ",", k)
				if err != nil {
					t.Fatal(err)
				}
				if k != nil && tab.Width() >= 15 {
					t.Errorf("read %d columns, all of them", tab.Width())
				}
				var b bytes.Buffer
				if err := compareMethods(&b, tab, &s, c.methods); err != nil {
					t.Fatal(err)
				}
				outs = append(outs, b.String())
			}
			if outs[0] != outs[1] {
				t.Errorf("all columns:\n%s\nthe columns read:\n%s", outs[0], outs[1])
			}
		})
	}
}
