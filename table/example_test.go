package table_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"github.com/redress-sim/redress/table"
)

func ExampleReadCSV() {
	const data = `customer,age,spend
1,34,120.5
2,NA,80
3,51,
`
	t, err := table.ReadCSV(strings.NewReader(data), "customers.csv")
	if err != nil {
		log.Fatal(err)
	}
	age, err := t.Col("age")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Names(), t.Len())
	fmt.Println(age)
	// Output:
	// [customer age spend] 3
	// [34 NaN 51]
}

func ExampleReadCSV_error() {
	const data = `customer,age
1,34
2,thirty
`
	t, err := table.ReadCSV(strings.NewReader(data), "customers.csv")
	if err != nil {
		log.Fatal(err)
	}
	// The text column is read; using it as numbers is the error.
	_, err = t.Col("age")
	fmt.Println(err)
	// Output:
	// customers.csv: line 3 (row 2), column "age": "thirty" is not a number
}

func ExampleTable_Col_missing() {
	t, err := table.New([]string{"age", "spend"}, [][]float64{{34, 51}, {120.5, 80}})
	if err != nil {
		log.Fatal(err)
	}
	_, err = t.Col("income")
	fmt.Println(err)
	// Output:
	// no such column "income" (columns: "age", "spend")
}

func ExampleTable_DropMissing() {
	const data = `y,x,z
1,2,
NA,3,1
4,5,6
`
	t, err := table.ReadCSV(strings.NewReader(data), "")
	if err != nil {
		log.Fatal(err)
	}
	complete, dropped, err := t.DropMissing([]string{"y", "x"})
	if err != nil {
		log.Fatal(err)
	}
	y, _ := complete.Col("y")
	fmt.Println(y, "dropped:", dropped)
	// Output:
	// [1 4] dropped: 1
}

func ExampleTable_WriteCSV() {
	var t table.Table
	if err := t.Add("id", []float64{1, 2, 1e6}); err != nil {
		log.Fatal(err)
	}
	if err := t.Add("score", []float64{0.1, 1.0 / 3, -1}); err != nil {
		log.Fatal(err)
	}
	if err := t.Add("survey", []float64{7, math.NaN(), 9}); err != nil {
		log.Fatal(err)
	}
	if err := t.WriteCSV(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// id,score,survey
	// 1,0.1,7
	// 2,0.3333333333333333,
	// 1000000,-1,9
}
