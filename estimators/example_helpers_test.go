package estimators_test

import (
	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/formula"
)

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
