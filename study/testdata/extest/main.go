// Command extest is a redress external estimator for the study tests.
// It reads the textbook data (a CSV file named by its argument, else
// standard input) and prints the mean satisfaction of the contacted
// rows — the naive estimator's estimate — for mean_satisfaction_given_x,
// with no SE when REDRESS_METHOD ends in "nose". With -fail it fails
// in the way REDRESS_REP mod 9 selects (0 succeeds).
package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	fail := len(os.Args) > 1 && os.Args[1] == "-fail"
	args := os.Args[1:]
	if fail {
		args = args[1:]
	}
	var in io.Reader = os.Stdin
	if len(args) > 0 {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	mean, n := naive(in)
	rep, _ := strconv.Atoi(os.Getenv("REDRESS_REP"))
	if fail {
		failAs(rep % 9)
	}
	se := fmt.Sprintf(`, "se": %g`, 1/math.Sqrt(float64(n)))
	if strings.HasSuffix(os.Getenv("REDRESS_METHOD"), "nose") {
		se = ""
	}
	fmt.Printf(`{"estimates": {"mean_satisfaction_given_x": {"estimate": %s%s}, "beta_x1": {"estimate": 0.5, "se": 0.01}}, "rep_seed": %s}`+"\n",
		strconv.FormatFloat(mean, 'g', -1, 64), se, os.Getenv("REDRESS_REP_SEED"))
}

// naive returns the mean of satisfaction over contacted rows, and their number.
func naive(in io.Reader) (float64, int) {
	recs, err := csv.NewReader(in).ReadAll()
	if err != nil || len(recs) < 2 {
		fmt.Fprintln(os.Stderr, "bad data:", err)
		os.Exit(1)
	}
	col := map[string]int{}
	for j, h := range recs[0] {
		col[h] = j
	}
	s, n := 0.0, 0
	for _, r := range recs[1:] {
		if r[col["contacted"]] == "1" {
			v, _ := strconv.ParseFloat(r[col["satisfaction"]], 64)
			s += v
			n++
		}
	}
	return s / float64(n), n
}

// failAs fails in way k (0: not at all).
func failAs(k int) {
	out := map[int]string{
		2: `this is not JSON`,
		3: `{"estimates": {"beta_x1": {"estimate": 1}}}`,
		4: `{"estimates": {"mean_satisfaction_given_x": {"estimate": "NaN", "se": 1}}}`,
		5: `{"estimates": {"mean_satisfaction_given_x": {"error": "did not converge"}}}`,
		6: `{"estimates": {"mean_satisfaction_given_x": {"estimate": 1, "se": null}}}`,
	}
	switch k {
	case 0:
		return
	case 1:
		fmt.Fprintln(os.Stderr, "boom: singular matrix in", os.Getenv("REDRESS_DATA"))
		os.Exit(3)
	case 7:
		time.Sleep(30 * time.Second)
	case 8:
		os.Stdout.Write(make([]byte, 5<<20))
	}
	fmt.Println(out[k])
	os.Exit(0)
}
