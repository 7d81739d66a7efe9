package estimate_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/redress-sim/redress/estimate"
	"github.com/redress-sim/redress/table"
)

// Least squares on the respondents of a survey: the rows where the
// selection indicator "answered" is 1. The unanswered rows' missing
// scores are not an error.
func ExampleFit() {
	csv := `score,delay,answered
4,1,1
3,2,1
,3,0
2,4,1
,5,0
1,6,1
`
	tab, err := table.ReadCSV(strings.NewReader(csv), "survey.csv")
	if err != nil {
		log.Fatal(err)
	}
	res, err := estimate.Fit(tab, estimate.Spec{
		Method:    estimate.OLS,
		Outcome:   "score ~ delay",
		Selection: "answered ~ 1",
	})
	if err != nil {
		log.Fatal(err)
	}
	eq, _ := res.Equation("outcome")
	for _, c := range eq.Coefs {
		fmt.Printf("%s %.3f\n", c.Term, c.Estimate)
	}
	fmt.Println("n =", res.N)
	// Output:
	// (Intercept) 4.373
	// delay -0.576
	// n = 4
}
