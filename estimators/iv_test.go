package estimators

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func colMat(v []float64) *mat.Dense { return mat.NewDense(len(v), 1, append([]float64(nil), v...)) }

func TestIVVsR(t *testing.T) {
	sim := loadTable(t, "te_sim.csv")
	mroz := loadTable(t, "mroz_iv.csv")
	if mroz.n != 428 {
		t.Fatalf("mroz_iv.csv has %d rows, want 428", mroz.n)
	}
	for _, c := range []struct {
		tag   string
		tb    table
		y     string
		exog  []string
		endog string
		instr []string
		// Published (Wooldridge, Introductory Econometrics, Examples 15.1
		// and 15.5): outcome estimates and classical SEs as printed.
		published [][2]float64
	}{
		{"iv", sim, "y", []string{"x1", "x2"}, "d", []string{"z"}, nil},
		{"mroz151", mroz, "lwage", nil, "educ", []string{"fatheduc"},
			[][2]float64{{0.441, 0.446}, {0.059, 0.035}}},
		{"mroz155", mroz, "lwage", []string{"exper", "expersq"}, "educ", []string{"motheduc", "fatheduc"},
			[][2]float64{{0.048, 0.400}, {0.044, 0.0134}, {-0.0009, 0.0004}, {0.0614, 0.0314}}},
	} {
		X, xn := c.tb.design(true, c.exog...)
		Zx, zn := c.tb.design(false, c.instr...)
		var me, ms float64
		for _, v := range []struct {
			vce VCE
			se  string
		}{{Classical, "se.classical"}, {HC1, "se.hc1"}} {
			res, err := IV(X, xn, colMat(c.tb.cols[c.endog]), []string{c.endog}, Zx, zn, c.tb.cols[c.y], Options{VCE: v.vce})
			if err != nil {
				t.Fatal(err)
			}
			out, _ := res.Equation("outcome")
			for _, co := range out.Coefs {
				refCompare(t, rRefTE, c.tag+".est."+co.Term, co.Estimate, 1e-6, &me)
				refCompare(t, rRefTE, c.tag+"."+v.se+"."+co.Term, co.StdError, 1e-4, &ms)
			}
			F, ok := res.Aux("first_stage_F")
			if !ok {
				t.Fatal("no first_stage_F")
			}
			refCompare(t, rRefTE, c.tag+".F", F.Estimate, 1e-6, &me)
			ate := effect(t, res, "ate")
			if co, _ := out.Coef(c.endog); ate.Estimate != co.Estimate || ate.StdError != co.StdError {
				t.Errorf("ate %v differs from the %s coefficient %v", ate, c.endog, co)
			}
			if c.tag == "iv" && v.vce == Classical {
				fs, _ := res.Equation("first_stage")
				for _, co := range fs.Coefs {
					refCompare(t, rRefTE, "iv.fs.est."+co.Term, co.Estimate, 1e-6, &me)
					refCompare(t, rRefTE, "iv.fs.se.classical."+co.Term, co.StdError, 1e-4, &ms)
				}
			}
			if v.vce == Classical {
				for j, p := range c.published {
					got := out.Coefs[j]
					if math.Abs(got.Estimate-p[0]) > 0.0006 || math.Abs(got.StdError-p[1]) > 0.0006 {
						t.Errorf("%s %s: %.5f (%.5f), published %v (%v)", c.tag, got.Term, got.Estimate, got.StdError, p[0], p[1])
					}
				}
			}
		}
		t.Logf("IV %s vs R AER::ivreg/sandwich: max rel. diff estimates (and F) %.2g, std. errors %.2g", c.tag, me, ms)
	}
}

func TestIVErrors(t *testing.T) {
	tb := loadTable(t, "te_sim.csv")
	X, xn := tb.design(true, "x1", "x2")
	d := colMat(tb.cols["d"])
	y := tb.cols["y"]
	z := colMat(tb.cols["z"])
	n := tb.n
	// Two endogenous regressors, one instrument.
	D2 := mat.NewDense(n, 2, nil)
	collinearZ := mat.NewDense(n, 1, nil)
	dOnX := mat.NewDense(n, 1, nil)
	for i := 0; i < n; i++ {
		D2.Set(i, 0, tb.cols["d"][i])
		D2.Set(i, 1, tb.cols["d"][i]*tb.cols["x1"][i])
		collinearZ.Set(i, 0, 2*tb.cols["x1"][i]-1)
		dOnX.Set(i, 0, 1+0.5*tb.cols["x1"][i]-tb.cols["x2"][i])
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"under-identified", func() error {
			_, err := IV(X, xn, D2, []string{"d", "dx1"}, z, []string{"z"}, y, Options{})
			return err
		}, "under-identified: 1 excluded instruments for 2 endogenous regressors"},
		{"no instruments", func() error { _, err := IV(X, xn, d, []string{"d"}, nil, nil, y, Options{}); return err }, "under-identified"},
		{"collinear instrument", func() error {
			_, err := IV(X, xn, d, []string{"d"}, collinearZ, []string{"z"}, y, Options{})
			return err
		}, `column "z" is collinear`},
		{"endogenous regressor explained by X alone", func() error {
			_, err := IV(X, xn, dOnX, []string{"d"}, z, []string{"z"}, y, Options{})
			return err
		}, "second stage"},
		{"nan", func() error {
			y2 := append([]float64(nil), y...)
			y2[9] = math.NaN()
			_, err := IV(X, xn, d, []string{"d"}, z, []string{"z"}, y2, Options{})
			return err
		}, "row 10"},
		{"names", func() error { _, err := IV(X, xn, d, nil, z, []string{"z"}, y, Options{}); return err }, "names"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// Two endogenous regressors, two instruments: identified, no "ate".
	Z2 := mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		Z2.Set(i, 0, tb.cols["z"][i])
		Z2.Set(i, 1, tb.cols["z"][i]*tb.cols["x1"][i])
	}
	res, err := IV(X, xn, D2, []string{"d", "dx1"}, Z2, []string{"z", "zx1"}, y, Options{VCE: HC1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Effects) != 0 || len(res.Equations) != 3 {
		t.Errorf("two endogenous regressors: %d effects, %d equations", len(res.Effects), len(res.Equations))
	}
	if _, ok := res.Aux("first_stage_F:dx1"); !ok {
		t.Error("no first_stage_F:dx1")
	}
}
