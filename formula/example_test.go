package formula_test

import (
	"fmt"
	"log"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

func ExampleParse() {
	f, err := formula.Parse("spend ~ age + `tenure weeks` - 1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("response %q, terms %q, intercept %v\n", f.Response, f.Terms, f.Intercept)
	fmt.Println(f)
	// Output:
	// response "spend", terms ["age" "tenure weeks"], intercept false
	// spend ~ age + `tenure weeks` - 1
}

func ExampleParse_errors() {
	for _, s := range []string{"y ~ x1 +", "y ~ ns(x1)", "y ~ x1 * x2 + log(x3) + factor(region)"} {
		f, err := formula.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q\n", f.Terms)
	}
	// Output:
	// formula "y ~ x1 +": expected a variable name after "+" at position 8
	// formula "y ~ ns(x1)": ns( at position 5: the functions are factor, C, log, exp, sqrt, I(x^k) and poly(x, k)
	// ["x1" "x2" "log(x3)" "factor(region)" "x1:x2"]
}

func ExampleParseTerms() {
	z, err := formula.ParseTerms("z1 + z2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(z.Terms, z.Intercept)
	// Output:
	// [z1 z2] true
}

func ExampleNewDesign() {
	const data = `y,x,w
1.5,1,NA
2.5,2,0
,3,1
4.0,5,1
`
	t, err := table.ReadCSV(strings.NewReader(data), "data.csv")
	if err != nil {
		log.Fatal(err)
	}
	f, err := formula.Parse("y ~ x")
	if err != nil {
		log.Fatal(err)
	}

	// By default a missing value is an error.
	_, err = formula.NewDesign(t, f, formula.DesignOptions{})
	fmt.Println(err)

	// Listwise deletion, when asked for, reports what it dropped.
	d, err := formula.NewDesign(t, f, formula.DesignOptions{DropMissing: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Names, "rows", d.Rows, "dropped", d.Dropped)
	fmt.Printf("X = %v\nY = %v\n", mat.Formatted(d.X, mat.Prefix("    ")), d.Y)
	// Output:
	// 1 row has missing values ("y": 1); listwise deletion was not requested
	// [(Intercept) x] rows [0 1 3] dropped 1
	// X = ⎡1  1⎤
	//     ⎢1  2⎥
	//     ⎣1  5⎦
	// Y = [1.5 2.5 4]
}

func ExampleCheckRank() {
	X := mat.NewDense(4, 4, []float64{
		1, 1, 0, 3,
		1, 2, 1, 5,
		1, 3, 1, 6,
		1, 4, 3, 9,
	})
	err := formula.CheckRank(X, []string{"(Intercept)", "x1", "x2", "x3"})
	fmt.Println(err)
	// Output:
	// collinear regressors: "x3" is a linear combination of "(Intercept)", "x1", "x2"
}
