package estimators_test

import (
	"fmt"

	"github.com/redress-sim/redress/estimators"
)

// A probit with sample selection on simulated data (2000 rows, ρ = 0.6 in
// the simulation): y is observed only where s = 1, and z1 shifts
// selection but not the outcome.
func ExampleHeckProbit() {
	ds := designs("heckprobit_sim.csv", "s ~ x1 + z1", "y ~ x1 + x2")
	// y is 0 in the unselected rows of the file; HeckProbit never reads it there.
	sd, od := ds[0], ds[1]
	res, err := estimators.HeckProbit(sd.X, sd.Y, sd.Names, od.X, od.Y, od.Names, estimators.Options{})
	if err != nil {
		panic(err)
	}
	out, _ := res.Equation("outcome")
	for _, c := range out.Coefs {
		fmt.Printf("%-12s %8.4f (%.4f)\n", c.Term, c.Estimate, c.StdError)
	}
	rho, _ := res.Aux("rho")
	lr, _ := res.Test("lr_rho0")
	fmt.Printf("rho          %8.4f (%.4f)\n", rho.Estimate, rho.StdError)
	fmt.Printf("LR test of rho = 0: chi2(1) = %.2f\n", lr.Statistic)
	fmt.Printf("log-likelihood %.4f\n", *res.LogLik)
	// Output:
	// (Intercept)   -0.2927 (0.0542)
	// x1             0.7252 (0.0464)
	// x2            -0.4969 (0.0427)
	// rho            0.6966 (0.0758)
	// LR test of rho = 0: chi2(1) = 44.75
	// log-likelihood -1550.8594
}

// The recursive bivariate probit on simulated data (2000 rows; ρ = −0.4
// and δ = 0.7 in the simulation): a binary outcome with an endogenous
// binary treatment d, instrumented by z1; the effects are average
// differences of Pr(y = 1) with and without the treatment.
func ExampleBiProbit() {
	ds := designs("biprobit_sim.csv", "d ~ x1 + z1", "y ~ x1 + x2")
	td, od := ds[0], ds[1]
	res, err := estimators.BiProbit(td.X, td.Y, td.Names, od.X, od.Y, od.Names, "d", estimators.Options{})
	if err != nil {
		panic(err)
	}
	out, _ := res.Equation("outcome")
	d, _ := out.Coef("d")
	rho, _ := res.Aux("rho")
	fmt.Printf("d            %8.4f (%.4f)\n", d.Estimate, d.StdError)
	fmt.Printf("rho          %8.4f (%.4f)\n", rho.Estimate, rho.StdError)
	for _, e := range res.Effects {
		fmt.Printf("%-12s %8.4f (%.4f)\n", e.Name, e.Estimate, e.StdError)
	}
	// Output:
	// d              0.7166 (0.1168)
	// rho           -0.3937 (0.0800)
	// ate            0.2225 (0.0368)
	// att            0.2289 (0.0413)
	// atu            0.2176 (0.0335)
}

// An ordered outcome (three categories) observed only for selected rows,
// on simulated data (2000 rows; ρ = 0.5, cutpoints −0.4 and 0.6 in the
// simulation). The outcome design has no intercept: the cutpoints take
// its place.
func ExampleHeckOProbit() {
	ds := designs("heckoprobit_sim.csv", "s ~ x1 + z1", "y ~ x1 + x2 - 1")
	sd, od := ds[0], ds[1]
	res, err := estimators.HeckOProbit(sd.X, sd.Y, sd.Names, od.X, od.Y, od.Names, estimators.Options{})
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"outcome", "cutpoints"} {
		eq, _ := res.Equation(name)
		for _, c := range eq.Coefs {
			fmt.Printf("%-6s %8.4f (%.4f)\n", c.Term, c.Estimate, c.StdError)
		}
	}
	rho, _ := res.Aux("rho")
	fmt.Printf("rho    %8.4f (%.4f)\n", rho.Estimate, rho.StdError)
	// Output:
	// x1       0.5099 (0.0350)
	// x2      -0.6258 (0.0403)
	// cut1    -0.3489 (0.0731)
	// cut2     0.6686 (0.0498)
	// rho      0.6407 (0.0760)
}
