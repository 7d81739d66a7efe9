package estimators_test

import (
	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

// designs reads testdata/file and returns the design of each formula on
// all of its rows.
func designs(file string, formulas ...string) []*formula.Design {
	t, err := table.ReadCSVFile("testdata/" + file)
	if err != nil {
		panic(err)
	}
	out := make([]*formula.Design, len(formulas))
	for i, s := range formulas {
		f, err := formula.Parse(s)
		if err != nil {
			panic(err)
		}
		if out[i], err = formula.NewDesign(t, f, formula.DesignOptions{}); err != nil {
			panic(err)
		}
	}
	return out
}

// spreadRows places the rows of a subset design into an n-row matrix.
func spreadRows(d *formula.Design, n int) (*mat.Dense, []float64) {
	_, k := d.X.Dims()
	X := mat.NewDense(n, k, nil)
	y := make([]float64, n)
	for j, row := range d.Rows {
		y[row] = d.Y[j]
		for c := range k {
			X.Set(row, c, d.X.At(j, c))
		}
	}
	return X, y
}
