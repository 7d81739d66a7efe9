package estimators

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestAIPWVsR(t *testing.T) {
	tb := loadTable(t, "te_sim.csv")
	Z, zn := tb.design(true, "x1", "x2")
	res, err := AIPW(Z, tb.cols["d"], zn, Z, tb.cols["y"], zn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var me, ms float64
	for _, e := range []string{"ate", "att", "atu"} {
		a := effect(t, res, e)
		refCheck(t, "aipw."+e+".est", a.Estimate, 1e-6, &me)
		refCheck(t, "aipw."+e+".se", a.StdError, 1e-4, &ms)
	}
	for tag, eqName := range map[string]string{"out1": "outcome_treated", "out0": "outcome_untreated"} {
		eq, ok := res.Equation(eqName)
		if !ok {
			t.Fatalf("no equation %s", eqName)
		}
		for _, c := range eq.Coefs {
			refCheck(t, "aipw."+tag+".est."+c.Term, c.Estimate, 1e-6, &me)
		}
	}
	t.Logf("AIPW vs R (by hand): max rel. diff estimates %.2g, std. errors %.2g", me, ms)
}

func TestAIPWErrors(t *testing.T) {
	teErrorCases(t, func(Z *mat.Dense, d []float64, zn []string, y []float64) error {
		_, err := AIPW(Z, d, zn, Z, y, zn, Options{})
		return err
	})
}
