package estimators_test

import (
	"fmt"

	"github.com/redress-sim/redress/estimators"
)

// An ordered probit of a 1–5 satisfaction score after a service failure
// on the days waited for the fix, whether the problem was resolved and the
// number of contacts (simulated, n = 2000). The design has no intercept:
// the four cutpoints take its place.
func ExampleOProbit() {
	d := designs("oprobit_sim.csv", "score ~ wait + resolved + contacts - 1")[0]
	res, err := estimators.OProbit(d.X, d.Y, d.Names, estimators.Options{})
	if err != nil {
		panic(err)
	}
	for _, eq := range res.Equations[:2] { // outcome, cutpoints
		for _, c := range eq.Coefs {
			fmt.Printf("%-9s %8.4f (%.4f)\n", c.Term, c.Estimate, c.StdError)
		}
	}
	fmt.Printf("log-likelihood %.3f\n", *res.LogLik)
	// Output:
	// wait       -0.3123 (0.0147)
	// resolved    0.9255 (0.0512)
	// contacts   -0.1919 (0.0195)
	// cut1       -1.5249 (0.0639)
	// cut2       -0.7388 (0.0582)
	// cut3        0.0645 (0.0570)
	// cut4        1.0208 (0.0613)
	// log-likelihood -2752.179
}

// An endogenous switching regression on simulated data (n = 2000): the
// regime d depends on x1 and on z1, which is excluded from the outcome
// equations; the errors of the two regimes are correlated with the
// regime's error with opposite signs, so that the effect on the treated
// exceeds the effect on the untreated.
func ExampleSwitching() {
	ds := designs("switching_sim.csv", "d ~ x1 + z1", "y ~ x1 + x2")
	sd, od := ds[0], ds[1]
	// The same outcome design in both regimes, on every row.
	res, err := estimators.Switching(sd.X, sd.Y, sd.Names, od.X, od.Names, od.X, od.Names, od.Y, estimators.Options{})
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"rho1", "rho0", "sigma1", "sigma0"} {
		a, _ := res.Aux(name)
		fmt.Printf("%-6s %7.4f (%.4f)\n", a.Name, a.Estimate, a.StdError)
	}
	for _, e := range res.Effects {
		fmt.Printf("%-6s %7.4f (%.4f)\n", e.Name, e.Estimate, e.StdError)
	}
	for _, tst := range res.Tests {
		fmt.Printf("%s: chi2(%d) = %.2f, p = %.2g\n", tst.Name, tst.DF, tst.Statistic, tst.PValue)
	}
	// Output:
	// rho1    0.5323 (0.0699)
	// rho0   -0.3369 (0.0789)
	// sigma1  1.0128 (0.0285)
	// sigma0  1.4749 (0.0383)
	// att     1.8805 (0.1697)
	// atu     0.2990 (0.1194)
	// ate     1.1306 (0.1114)
	// lr_independent: chi2(2) = 52.26, p = 4.5e-12
	// wald_independent: chi2(2) = 51.08, p = 8.1e-12
}
