package estimate

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestWeightsAgainstR: probability-weighted ols, logit and probit equal
// R's lm(weights =) and glm(weights =) (estimates to 1e-6) with the
// sandwich standard errors of vcovHC(type = "HC1") and, clustered by age,
// vcovCL(type = "HC1") (to 1e-4; testdata/r_weights.R), and the
// weighted average marginal effects with their delta-method SEs, and the
// weighted lm's R², adjusted R², F, residual SE and log-likelihood (1e-9).
func TestWeightsAgainstR(t *testing.T) {
	tab := mroz(t)
	w := make([]float64, tab.Len())
	for i := range w {
		w[i] = 0.5 + float64(i%7)/4
	}
	if err := tab.Add("w", w); err != nil {
		t.Fatal(err)
	}
	sel := "inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6"
	specs := map[string]Spec{
		"ols":    {Method: OLS, Outcome: "lwage ~ educ + exper + expersq", DropMissing: true, Weights: "w"},
		"logit":  {Method: Logit, Outcome: sel, Weights: "w"},
		"probit": {Method: Probit, Outcome: sel, Weights: "w"},
	}
	fits := map[string]*Result{}
	for id, s := range specs {
		for _, vce := range []string{"hc1", "cluster"} {
			if vce == "cluster" {
				s.Cluster = "age"
			}
			r, err := Fit(tab, s)
			if err != nil {
				t.Fatalf("%s %s: %v", id, vce, err)
			}
			fits[id+" "+vce] = r
		}
	}
	for _, rec := range readRecords(t, "testdata/r_weights.csv")[1:] {
		est, _ := strconv.ParseFloat(rec[3], 64)
		if rec[1] == "fit" {
			f := fits["ols hc1"]
			got := map[string]float64{"r2": f.Fit.R2, "adj_r2": f.Fit.AdjR2, "f": f.Fit.F, "sigma": f.Fit.ResidualSE, "loglik": *f.LogLik}[rec[2]]
			if math.Abs(got-est) > 1e-9*math.Abs(est) {
				t.Errorf("weighted ols %s: %.12g, R %.12g", rec[2], got, est)
			}
			continue
		}
		vce, eqName := rec[1], "outcome"
		if vce == "hc1-ame" {
			vce, eqName = "hc1", "marginal_effects"
		}
		r := fits[rec[0]+" "+vce]
		eq, _ := r.Equation(eqName)
		c, ok := eq.Coef(rec[2])
		if !ok {
			t.Fatalf("%s: no %s", rec[0], rec[2])
		}
		se, _ := strconv.ParseFloat(rec[4], 64)
		if math.Abs(c.Estimate-est) > 1e-6*math.Max(1, math.Abs(est)) || math.Abs(c.StdError-se) > 1e-4*se {
			t.Errorf("%s %s %s: %.10g (%.10g), R %.10g (%.10g)", rec[0], rec[1], rec[2], c.Estimate, c.StdError, est, se)
		}
	}
}

// TestWeightsRefused: weights on a method without them, and negative,
// zero or missing weights, are errors naming the column (and the row).
func TestWeightsRefused(t *testing.T) {
	tab := mroz(t)
	w := make([]float64, tab.Len())
	for i := range w {
		w[i] = 1
	}
	w[9] = -2
	w[19] = math.NaN()
	if err := tab.Add("w", w); err != nil {
		t.Fatal(err)
	}
	_, err := Fit(tab, Spec{Method: Heckit, Outcome: "lwage ~ educ", Selection: "inlf ~ educ + age", Weights: "w"})
	var se *SpecError
	if !errors.As(err, &se) || se.Field != "Weights" || !strings.Contains(err.Error(), "heckit") {
		t.Errorf("heckit with weights: %v", err)
	}
	_, err = Fit(tab, Spec{Method: OLS, Outcome: "hours ~ educ", Weights: "w"})
	var mv *MissingValueError
	if !errors.As(err, &mv) || mv.Row != 20 || mv.Column != "w" {
		t.Errorf("missing weight: %v", err)
	}
	_, err = Fit(tab, Spec{Method: OLS, Outcome: "hours ~ educ", Weights: "w", DropMissing: true})
	if err == nil || !strings.Contains(err.Error(), "row 10") || !strings.Contains(err.Error(), `"w"`) {
		t.Errorf("negative weight: %v", err)
	}
}
