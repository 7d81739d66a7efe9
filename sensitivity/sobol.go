package sensitivity

import (
	"context"
	"fmt"
	"math"
	"strconv"
)

// SobolResult holds the Sobol' indices of every input.
type SobolResult struct {
	Inputs []Input `json:"inputs"`
	// N is the number of base rows; Evaluations = N·(k+2).
	N           int `json:"n"`
	Evaluations int `json:"evaluations"`
	// Mean and Variance of the output over the 2N rows of A and B.
	Mean     float64 `json:"mean"`
	Variance float64 `json:"variance"`
	// First and Total are S_i and S_Ti, in the order of Inputs.
	First []Index `json:"first_order"`
	Total []Index `json:"total"`
	// Bootstrap resamples and confidence level of the intervals.
	Bootstrap int     `json:"bootstrap"`
	Level     float64 `json:"level"`
}

// SobolEvaluations is the cost of Sobol: N·(k+2) model evaluations.
func SobolEvaluations(n, k int) int { return n * (k + 2) }

// Sobol estimates the first-order and total Sobol' indices of the model
// over the inputs from n base rows (n ≥ 2): the first order by the
// estimator of Saltelli et al. (2010, table 2 (b)), the total by Jansen's
// (1999), both over the variance V of the 2n outputs f(A), f(B) (see the
// package documentation). The outputs are first centred on their mean
// over A and B, as Sobol' (2001) advises: a constant shift changes no
// index in expectation, but the first-order estimator's variance grows
// with the square of the output's mean. Each index has a delta-method standard error,
// the standard deviation of its influence function over the rows
// divided by √n, and a percentile bootstrap interval over the rows.
//
// The evaluations run in the order of the rows, each row as A, B,
// A_B^(1), …, A_B^(k). A zero output variance is an error.
func Sobol(ctx context.Context, m Model, inputs []Input, n int, opt Options) (*SobolResult, error) {
	if err := checkInputs(inputs); err != nil {
		return nil, err
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("sensitivity: %d base rows; need at least 2", n)
	}
	k := len(inputs)
	per := k + 2
	at := func(e int) point {
		j, b := e/per, e%per
		a, bb := sobolRow(opt.Seed, j, k)
		u := a
		switch {
		case b == 1:
			u = bb
		case b >= 2:
			u[b-2] = bb[b-2]
		}
		x := make([]float64, k)
		for i, in := range inputs {
			x[i] = in.scale(u[i])
		}
		return point{unit: j, label: sobolLabel(b), x: x}
	}
	ys, err := evaluate(ctx, m, n*per, at, &opt)
	if err != nil {
		return nil, err
	}
	return sobolIndices(inputs, n, ys, &opt)
}

// sobolLabel names block b of a row: A, B, AB1, …
func sobolLabel(b int) string {
	switch b {
	case 0:
		return "A"
	case 1:
		return "B"
	}
	return "AB" + strconv.Itoa(b-1)
}

// sobolRow returns row j of the unit-cube matrices A and B, drawn from
// the row's own stream.
func sobolRow(seed uint64, j, k int) (a, b []float64) {
	r := stream(seed, purposeSobolRow, j)
	a, b = make([]float64, k), make([]float64, k)
	for i := range a {
		a[i] = r.Float64()
	}
	for i := range b {
		b[i] = r.Float64()
	}
	return a, b
}

// sobolRows are the outputs of a Sobol design by row: fA[j], fB[j] and
// fAB[i][j].
type sobolRows struct {
	fA, fB []float64
	fAB    [][]float64
}

// splitRows sorts the outputs by row, less c from every one.
func splitRows(n, k int, ys []float64, c float64) sobolRows {
	s := sobolRows{fA: make([]float64, n), fB: make([]float64, n), fAB: make([][]float64, k)}
	for i := range s.fAB {
		s.fAB[i] = make([]float64, n)
	}
	for j := range n {
		row := ys[j*(k+2) : (j+1)*(k+2)]
		s.fA[j], s.fB[j] = row[0]-c, row[1]-c
		for i := range k {
			s.fAB[i][j] = row[2+i] - c
		}
	}
	return s
}

// meanAB is the mean output over the rows of A and B.
func meanAB(n, k int, ys []float64) float64 {
	var s float64
	for j := range n {
		s += ys[j*(k+2)] + ys[j*(k+2)+1]
	}
	return s / float64(2*n)
}

// rowTerms are the per-row summands of input i: u_j of the first-order
// numerator, t_j of the total numerator, a_j and q_j the row means of
// f and f² over A and B (V = mean(q) − mean(a)²).
func (s *sobolRows) terms(i, j int) (u, t, a, q float64) {
	fa, fb, fab := s.fA[j], s.fB[j], s.fAB[i][j]
	u = fb * (fab - fa)
	t = (fa - fab) * (fa - fab) / 2
	a = (fa + fb) / 2
	q = (fa*fa + fb*fb) / 2
	return u, t, a, q
}

// ratioIndex estimates S = mean(num)/V, V = mean(q) − mean(a)², over the
// rows with weights w (a bootstrap resample's counts; nil: all 1), and
// its delta-method standard error when se is set.
func ratioIndex(n int, term func(j int) (num, a, q float64), w []int, se bool) (float64, float64) {
	var sn, sa, sq, cnt float64
	for j := range n {
		c := 1.0
		if w != nil {
			if w[j] == 0 {
				continue
			}
			c = float64(w[j])
		}
		num, a, q := term(j)
		sn += c * num
		sa += c * a
		sq += c * q
		cnt += c
	}
	mn, ma, mq := sn/cnt, sa/cnt, sq/cnt
	v := mq - ma*ma
	s := mn / v
	if !se {
		return s, math.NaN()
	}
	// Influence of row j on S = mn/v: (num−mn)/v − S·[(q−mq) − 2·ma·(a−ma)]/v.
	var ss float64
	for j := range n {
		num, a, q := term(j)
		psi := ((num - mn) - s*((q-mq)-2*ma*(a-ma))) / v
		ss += psi * psi
	}
	return s, math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
}

// sobolIndices computes the indices and their errors from the outputs.
func sobolIndices(inputs []Input, n int, ys []float64, opt *Options) (*SobolResult, error) {
	k := len(inputs)
	res := &SobolResult{Inputs: inputs, N: n, Evaluations: len(ys), Bootstrap: opt.bootstrap(), Level: opt.level(),
		First: make([]Index, k), Total: make([]Index, k), Mean: meanAB(n, k, ys)}
	rows := splitRows(n, k, ys, res.Mean)
	var sq float64
	for j := range n {
		_, _, _, q := rows.terms(0, j)
		sq += q
	}
	res.Variance = sq / float64(n)
	if !(res.Variance > 0) {
		return nil, fmt.Errorf("sensitivity: the output does not vary over the %d rows (variance %v): no index is defined", 2*n, res.Variance)
	}
	first := func(i int) func(j int) (float64, float64, float64) {
		return func(j int) (float64, float64, float64) { u, _, a, q := rows.terms(i, j); return u, a, q }
	}
	total := func(i int) func(j int) (float64, float64, float64) {
		return func(j int) (float64, float64, float64) { _, t, a, q := rows.terms(i, j); return t, a, q }
	}
	for i := range k {
		res.First[i].Estimate, res.First[i].SE = ratioIndex(n, first(i), nil, true)
		res.Total[i].Estimate, res.Total[i].SE = ratioIndex(n, total(i), nil, true)
	}
	boot := make([][]float64, 2*k) // boot[i], boot[k+i]: resampled S_i, S_Ti
	resample(opt.Seed, purposeSobolBoot, n, res.Bootstrap, func(w []int) {
		for i := range k {
			s, _ := ratioIndex(n, first(i), w, false)
			t, _ := ratioIndex(n, total(i), w, false)
			boot[i] = append(boot[i], s)
			boot[k+i] = append(boot[k+i], t)
		}
	})
	for i := range k {
		res.First[i].Lo, res.First[i].Hi = percentileCI(boot[i], res.Level)
		res.Total[i].Lo, res.Total[i].Hi = percentileCI(boot[k+i], res.Level)
	}
	return res, nil
}
