package estimators

import (
	"math"
	"strconv"
	"testing"
)

// TestInformationCriteriaAgainstR: the log-likelihood, parameter count,
// AIC and BIC of OLS (R's logLik.lm: the Gaussian likelihood with σ
// counted) and of logit and probit (glm) equal R's on the Mroz data
// (testdata/r_ic_reference.R) to 1e-6.
func TestInformationCriteriaAgainstR(t *testing.T) {
	recs := readReference(t, "testdata/r_ic_reference.csv")
	m := loadMroz(t)
	keep := make([]bool, len(m["wage"]))
	for i, w := range m["wage"] {
		keep[i] = !math.IsNaN(w)
	}
	for _, r := range recs[1:] {
		var res *Result
		var err error
		switch r[0] {
		case "ols_wage":
			X, names := m.design(keep, "educ", "exper")
			res, err = OLS(X, m.col(keep, "wage"), names, Options{})
		case "logit_inlf", "probit_inlf":
			X, names := m.design(nil, "educ", "age", "kidslt6", "nwifeinc")
			fit := Logit
			if r[0] == "probit_inlf" {
				fit = Probit
			}
			res, err = fit(X, m.col(nil, "inlf"), names, Options{})
		}
		if err != nil {
			t.Fatalf("%s: %v", r[0], err)
		}
		aic, _ := res.AIC()
		bic, _ := res.BIC()
		for j, got := range []float64{*res.LogLik, float64(res.Params), aic, bic} {
			want, _ := strconv.ParseFloat(r[j+1], 64)
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s: %.10g, R %.10g", r[0], recs[0][j+1], got, want)
			}
		}
	}
}
