package moments

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/rng"
)

// purposeResample is the purpose of a bootstrap resample's stream under
// rng.Base(seed, b): a code the simulator does not use (rng.SimPurposes
// bounds its codes), so a resample never shares numbers with a
// simulation run under the same seed.
const purposeResample = rng.Purpose(rng.SimPurposes)

// Bootstrap returns the covariance matrix of the named moments of d (in
// the order of names) over B cluster-bootstrap resamples: each draws n
// customers with replacement from d's n customers, each with all their
// episodes (Cameron, Gelbach & Miller 2008), and computes the moments
// with Compute's counting code. With m_b the moment vector of resample
// b and m̄ their mean,
//
//	Ω̂ = Σ_b (m_b − m̄)(m_b − m̄)' / (B − 1),
//
// the covariance of the sample moments (not per observation). Resample
// b draws from its own stream, keyed by rng.Base(seed, b), so the result
// is the same for any number of workers (≤ 0: GOMAXPROCS). A moment
// whose denominator is zero in some resample is an error: leave it out
// with a larger Spec.MinCount.
func Bootstrap(ctx context.Context, d *Data, s Spec, names []string, B int, seed uint64, workers int) ([][]float64, error) {
	if B < 2 {
		return nil, fmt.Errorf("moments: bootstrap of %d resamples: need at least 2", B)
	}
	p, err := prepare(d, s, true)
	if err != nil {
		return nil, err
	}
	defs, err := p.pick(names)
	if err != nil {
		return nil, err
	}
	n := len(p.churned)
	if n == 0 {
		return nil, fmt.Errorf("moments: bootstrap without customers")
	}
	draws := make([][]float64, B)
	_, err = parallel.Ordered(ctx, B, workers, func(ctx context.Context, b int) ([]float64, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return p.resample(defs, seed, b, s.minCount())
	}, func(b int, m []float64) error {
		draws[b] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return covariance(draws, len(defs)), nil
}

// pick returns the definitions of the named moments.
func (p *prepared) pick(names []string) ([]def, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("moments: bootstrap of no moments")
	}
	at := make(map[string]int, len(p.lay.defs))
	all := make([]string, len(p.lay.defs))
	for i, d := range p.lay.defs {
		at[d.name] = i
		all[i] = d.name
	}
	out := make([]def, len(names))
	for i, name := range names {
		k, ok := at[name]
		if !ok {
			return nil, fmt.Errorf("moments: no moment %q; the moments are %s", name, strings.Join(all, ", "))
		}
		if name == "nps" && !p.hasNPS {
			return nil, fmt.Errorf("moments: moment nps: the episodes have no nps_score column")
		}
		out[i] = p.lay.defs[k]
	}
	return out, nil
}

// resample returns the moments of bootstrap resample b.
func (p *prepared) resample(defs []def, seed uint64, b, minCount int) ([]float64, error) {
	n := len(p.churned)
	src := rng.NewStream(rng.Base(seed, uint64(b)).Purpose(purposeResample))
	r := rand.New(&src)
	mult := make([]int32, n)
	for range n {
		mult[r.IntN(n)]++
	}
	tot := p.sums(mult, make([]float64, p.lay.k))
	m := make([]float64, len(defs))
	for j, d := range defs {
		if tot[d.den] == 0 {
			return nil, fmt.Errorf("moments: %s is undefined in bootstrap resample %d (no %s): leave it out with a larger MinCount (now %d)",
				d.name, b, d.unit, minCount)
		}
		m[j] = d.value(tot)
	}
	return m, nil
}

// covariance returns the sample covariance (divisor B − 1) of the rows
// of draws, each of length k.
func covariance(draws [][]float64, k int) [][]float64 {
	mean := make([]float64, k)
	for _, m := range draws {
		for j, x := range m {
			mean[j] += x
		}
	}
	B := float64(len(draws))
	for j := range mean {
		mean[j] /= B
	}
	cov := make([][]float64, k)
	for i := range cov {
		cov[i] = make([]float64, k)
	}
	for _, m := range draws {
		for i := range k {
			di := m[i] - mean[i]
			for j := i; j < k; j++ {
				cov[i][j] += di * (m[j] - mean[j])
			}
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			cov[i][j] /= B - 1
			cov[j][i] = cov[i][j]
		}
	}
	return cov
}
