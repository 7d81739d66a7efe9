// Command estimatebench times heckit from a CSV file, phase by phase,
// with the public library (table → formula → estimators), as
// `redress estimate --method heckit` runs it. bench/run.sh uses it.
//
//	go run ./bench/estimatebench -gen 1000000 heck.csv   # write the data
//	go run ./bench/estimatebench -reps 3 heck.csv        # time it
//
// The data are a selection model with 10 regressors: x1…x10 and z
// standard normal, s = 1{0.2 + 0.1 Σx + 0.8 z + e₁ > 0},
// y = 1 + 0.5 Σx + e₂ where s is 1 (NA elsewhere), corr(e₁, e₂) = 0.6,
// numbers written with 15 significant digits as R's write.csv writes
// them. Timings print as "parse 0.41 s", "design 0.22 s", "fit 0.80 s",
// "total 1.43 s" (the best of the runs), then heckit's λ coefficient.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/formula"
	"github.com/redress-sim/redress/table"
)

const (
	selection = "s ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + z"
	outcome   = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
)

func main() {
	gen := flag.Int("gen", 0, "write a data set of `n` rows to the file and exit")
	reps := flag.Int("reps", 1, "time the fit this many `times`; the best is printed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: estimatebench [-gen n | -reps r] FILE.csv")
		os.Exit(2)
	}
	path := flag.Arg(0)
	var err error
	if *gen > 0 {
		err = generate(path, *gen)
	} else {
		err = timeHeckit(path, *reps)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "estimatebench:", err)
		os.Exit(1)
	}
}

// generate writes n rows of the selection model to path.
func generate(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(2026, 12))
	w.WriteString("x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,z,s,y\n")
	buf := make([]byte, 0, 512)
	for range n {
		buf = buf[:0]
		sx := 0.0
		for range 10 {
			x := r.NormFloat64()
			sx += x
			buf = strconv.AppendFloat(buf, x, 'g', 15, 64)
			buf = append(buf, ',')
		}
		z := r.NormFloat64()
		e1 := r.NormFloat64()
		e2 := 0.6*e1 + 0.8*r.NormFloat64()
		buf = strconv.AppendFloat(buf, z, 'g', 15, 64)
		if 0.2+0.1*sx+0.8*z+e1 > 0 {
			buf = append(buf, ",1,"...)
			buf = strconv.AppendFloat(buf, 1+0.5*sx+e2, 'g', 15, 64)
		} else {
			buf = append(buf, ",0,NA"...)
		}
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// phases are the seconds each step took.
type phases struct{ parse, design, fit float64 }

func (p phases) total() float64 { return p.parse + p.design + p.fit }

// timeHeckit fits heckit on the file reps times and prints the best
// run's phases.
func timeHeckit(path string, reps int) error {
	var best phases
	var lambda float64
	for i := range reps {
		p, l, err := heckit(path)
		if err != nil {
			return err
		}
		if i == 0 || p.total() < best.total() {
			best, lambda = p, l
		}
	}
	fmt.Printf("parse %.3f s\ndesign %.3f s\nfit %.3f s\ntotal %.3f s\nlambda %.6f\n",
		best.parse, best.design, best.fit, best.total(), lambda)
	return nil
}

// heckit reads the file (the formulas' columns only), builds the two
// designs and fits heckit, returning the phases' times and λ.
func heckit(path string) (phases, float64, error) {
	var p phases
	sf, err := formula.Parse(selection)
	if err != nil {
		return p, 0, err
	}
	of, err := formula.Parse(outcome)
	if err != nil {
		return p, 0, err
	}
	need := map[string]bool{}
	for _, v := range append(sf.Vars(), of.Vars()...) {
		need[v] = true
	}

	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return p, 0, err
	}
	t, err := table.ReadCSVColumns(f, path, ',', func(col string) bool { return need[col] })
	f.Close()
	if err != nil {
		return p, 0, err
	}
	p.parse = time.Since(start).Seconds()

	start = time.Now()
	keep, err := t.Complete(sf.Vars())
	if err != nil {
		return p, 0, err
	}
	sc, _ := t.Col(sf.Response)
	selected := make([]bool, t.Len())
	for i, k := range keep {
		selected[i] = k && sc[i] == 1
	}
	sd, err := formula.NewDesign(t, sf, formula.DesignOptions{Subset: keep})
	if err != nil {
		return p, 0, fmt.Errorf("selection equation: %w", err)
	}
	od, err := formula.NewDesign(t, of, formula.DesignOptions{Subset: selected})
	if err != nil {
		return p, 0, fmt.Errorf("outcome equation: %w", err)
	}
	X, y, s := spread(sd.Rows, od, selected)
	p.design = time.Since(start).Seconds()

	start = time.Now()
	res, err := estimators.Heckit(sd.X, s, sd.Names, X, y, od.Names, estimators.Options{})
	if err != nil {
		return p, 0, err
	}
	p.fit = time.Since(start).Seconds()
	return p, lambdaOf(res), nil
}

// spread lays the outcome design (over the selected rows) onto the
// selection design's rows, NaN where a row is not selected, as the
// estimate package does; it returns the regressors, the outcome and the
// selection indicator.
func spread(rows []int, od *formula.Design, selected []bool) (*mat.Dense, []float64, []float64) {
	n := len(rows)
	_, kx := od.X.Dims()
	X := mat.NewDense(n, kx, nil)
	y := make([]float64, n)
	sel := make([]float64, n)
	xr, or := X.RawMatrix(), od.X.RawMatrix()
	j := 0
	for k, row := range rows {
		dst := xr.Data[k*xr.Stride : k*xr.Stride+kx]
		if !selected[row] {
			for c := range dst {
				dst[c] = math.NaN()
			}
			y[k] = math.NaN()
			continue
		}
		sel[k] = 1
		copy(dst, or.Data[j*or.Stride:j*or.Stride+kx])
		y[k] = od.Y[j]
		j++
	}
	return X, y, sel
}

// lambdaOf returns the coefficient of the inverse Mills ratio.
func lambdaOf(res *estimators.Result) float64 {
	for _, a := range res.Auxiliary {
		if a.Name == "lambda" {
			return a.Estimate
		}
	}
	return math.NaN()
}
