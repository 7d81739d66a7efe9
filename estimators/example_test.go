package estimators_test

import (
	"fmt"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

// Heckman's two-step estimator on the Mroz (1987) data: the log wage of
// married women, observed only for the 428 of 753 who work
// (Wooldridge, Example 17.5).
func ExampleHeckit() {
	t, err := table.ReadCSVFile("testdata/mroz87.csv")
	if err != nil {
		panic(err)
	}
	sf, _ := formula.Parse("inlf ~ educ + exper + expersq + nwifeinc + age + kidslt6 + kidsge6")
	of, _ := formula.Parse("lwage ~ educ + exper + expersq")
	sd, err := formula.NewDesign(t, sf, formula.DesignOptions{})
	if err != nil {
		panic(err)
	}
	inlf, _ := t.Col("inlf")
	selected := make([]bool, len(inlf))
	for i, v := range inlf {
		selected[i] = v == 1
	}
	od, err := formula.NewDesign(t, of, formula.DesignOptions{Subset: selected})
	if err != nil {
		panic(err)
	}
	// Heckit wants the outcome design on all rows; unselected rows are
	// never read, so zeros will do.
	X, y := spreadRows(od, t.Len())
	res, err := estimators.Heckit(sd.X, sd.Y, sd.Names, X, y, od.Names, estimators.Options{})
	if err != nil {
		panic(err)
	}
	out, _ := res.Equation("outcome")
	for _, c := range out.Coefs {
		fmt.Printf("%-12s %8.4f (%.4f)\n", c.Term, c.Estimate, c.StdError)
	}
	lambda, _ := res.Aux("lambda")
	fmt.Printf("lambda       %8.4f (%.4f)\n", lambda.Estimate, lambda.StdError)
	// Output:
	// (Intercept)   -0.5781 (0.3050)
	// educ           0.1091 (0.0155)
	// exper          0.0439 (0.0163)
	// expersq       -0.0009 (0.0004)
	// lambda         0.0323 (0.1336)
}
