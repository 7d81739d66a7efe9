package estimate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/table"
)

// BootstrapInfo describes a bootstrap: the replicates asked for, how many
// failed (an estimator error in the resample, such as separation or a
// design without variation, or a resample whose design has other
// columns), and the seed.
type BootstrapInfo struct {
	Replicates int    `json:"replicates"`
	Failed     int    `json:"failed"`
	Seed       uint64 `json:"seed"`
}

// checkBootstrap validates the bootstrap fields of a Spec.
func checkBootstrap(spec Spec) error {
	switch {
	case spec.Bootstrap < 0:
		return &SpecError{"Bootstrap", fmt.Sprintf("%d replicates: must be ≥ 2", spec.Bootstrap)}
	case spec.Bootstrap == 1:
		return &SpecError{"Bootstrap", "1 replicate has no standard deviation: ask for at least 2 (999, say)"}
	case spec.Bootstrap == 0:
		return &SpecError{"Seed", "a seed or workers without Bootstrap replicates"}
	case spec.Workers < 0:
		return &SpecError{"Workers", "must be ≥ 1 (0: all processors)"}
	case spec.Method == PSM:
		return &SpecError{"Bootstrap", "the bootstrap is not valid for nearest-neighbour matching (Abadie & Imbens 2008, Econometrica 76(6)): psm keeps its Abadie–Imbens standard errors"}
	}
	return nil
}

// bootstrap fits spec's model to t, then to Spec.Bootstrap resamples of
// the rows it used — nonparametric pairs bootstrap (Efron & Tibshirani
// 1993, An Introduction to the Bootstrap, ch. 6 and 9): n rows drawn with
// replacement, or, with a cluster column, G whole clusters drawn with
// replacement (Cameron, Gelbach & Miller 2008, REStat 90(3); Cameron &
// Miller 2015, §VI) — and replaces every standard error (coefficients,
// auxiliary parameters, effects) by the standard deviation (divisor
// B − 1) of the successful replicates, each equation's covariance by
// theirs. Replicate b draws from its own stream, PCG seeded with
// (Seed, b), so the result is the same for any number of workers.
// Failed replicates are counted; fewer than two successes is an error.
func bootstrap(ctx context.Context, t *table.Table, spec Spec) (*Result, error) {
	once := spec
	once.Bootstrap, once.Workers, once.Seed = 0, 0, 0
	if spec.Cluster != "" {
		once.VCE = estimators.Classical
	}
	// The point fit keeps the cluster column, so that the rows it uses
	// have one; the replicates drop it.
	point, used, err := fitOnce(t, once, nil)
	if err != nil {
		return nil, err
	}
	once.Cluster = ""
	base := t.Rows(used)
	groups, err := bootGroups(base, spec.Cluster)
	if err != nil {
		return nil, err
	}
	want := flatten(point.Result)
	rep := once
	rep.DropMissing = false // the used rows are complete
	B := spec.Bootstrap
	draws := make([][]float64, 0, B)
	failed := 0
	_, err = parallel.Ordered(ctx, B, spec.Workers, func(ctx context.Context, b int) ([]float64, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(spec.Seed, uint64(b)))
		r, _, err := fitOnce(base.Rows(resample(rng, groups)), rep, nil)
		if err != nil {
			return nil, nil // a failed replicate
		}
		v := flatten(r.Result)
		if !v.sameShape(want) {
			return nil, nil
		}
		return v.values, nil
	}, func(_ int, v []float64) error {
		if v == nil {
			failed++
		} else {
			draws = append(draws, v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	if len(draws) < 2 {
		return nil, fmt.Errorf("bootstrap: %d of %d replicates failed", failed, B)
	}
	applyBootstrap(point.Result, draws)
	point.Bootstrap = &BootstrapInfo{Replicates: B, Failed: failed, Seed: spec.Seed}
	point.Clusters = 0
	if spec.Cluster != "" {
		point.Clusters = len(groups)
	}
	return point, nil
}

// bootGroups returns the resampling units of the rows of t: each row its
// own, or the rows of each cluster of column name (in order of first
// appearance).
func bootGroups(t *table.Table, name string) ([][]int, error) {
	n := t.Len()
	if name == "" {
		g := make([][]int, n)
		for i := range g {
			g[i] = []int{i}
		}
		return g, nil
	}
	f := &fitter{t: t, spec: Spec{Cluster: name}}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	if err := f.clusters(rows); err != nil {
		return nil, err
	}
	g := make([][]int, f.nclusters)
	for i, c := range f.opts.Clusters {
		g[c] = append(g[c], i)
	}
	if len(g) < 2 {
		return nil, &SpecError{"Cluster", fmt.Sprintf("a cluster bootstrap needs at least 2 clusters, %q has %d", name, len(g))}
	}
	return g, nil
}

// resample draws len(groups) groups with replacement and returns their
// rows, in draw order.
func resample(rng *rand.Rand, groups [][]int) []int {
	rows := make([]int, 0, len(groups))
	for range groups {
		rows = append(rows, groups[rng.IntN(len(groups))]...)
	}
	return rows
}

// flat is a result's estimates in a fixed order with the labels that
// identify them.
type flat struct {
	labels []string
	values []float64
}

func (f flat) sameShape(g flat) bool {
	if len(f.labels) != len(g.labels) {
		return false
	}
	for i, l := range f.labels {
		if g.labels[i] != l {
			return false
		}
	}
	return true
}

// flatten lists every coefficient, auxiliary parameter and effect of r.
func flatten(r *estimators.Result) flat {
	var f flat
	for _, e := range r.Equations {
		for _, c := range e.Coefs {
			f.labels = append(f.labels, e.Name+"\x00"+c.Term)
			f.values = append(f.values, c.Estimate)
		}
	}
	for _, a := range r.Auxiliary {
		f.labels = append(f.labels, "aux\x00"+a.Name)
		f.values = append(f.values, a.Estimate)
	}
	for _, a := range r.Effects {
		f.labels = append(f.labels, "effect\x00"+a.Name)
		f.values = append(f.values, a.Estimate)
	}
	return f
}

// applyBootstrap sets r's standard errors to the standard deviations of
// draws (in flatten's order) and each equation's covariance to theirs;
// the Wald statistics of a bootstrap are referred to the normal.
func applyBootstrap(r *estimators.Result, draws [][]float64) {
	p := len(draws[0])
	mean := make([]float64, p)
	for _, d := range draws {
		for j, v := range d {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(draws))
	}
	cov := func(a, b int) float64 {
		var s float64
		for _, d := range draws {
			s += (d[a] - mean[a]) * (d[b] - mean[b])
		}
		return s / float64(len(draws)-1)
	}
	j := 0
	for e := range r.Equations {
		eq := &r.Equations[e]
		k := len(eq.Coefs)
		c := mat.NewSymDense(k, nil)
		for a := 0; a < k; a++ {
			for b := a; b < k; b++ {
				c.SetSym(a, b, cov(j+a, j+b))
			}
			eq.Coefs[a].StdError = math.Sqrt(c.At(a, a))
		}
		eq.Cov, eq.DF = c, 0
		j += k
	}
	for _, list := range [][]estimators.Aux{r.Auxiliary, r.Effects} {
		for a := range list {
			list[a].StdError, list[a].HasSE = math.Sqrt(cov(j, j)), true
			j++
		}
	}
}
