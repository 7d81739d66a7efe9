package moments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/rng"
)

// purposeResample is the purpose of a bootstrap resample's stream under
// rng.Base(seed, b): a code the simulator does not use (rng.SimPurposes
// bounds its codes), so a resample never shares numbers with a
// simulation run under the same seed. The week and episode resamples of
// the two-way bootstrap use the next two codes.
const purposeResample = rng.Purpose(rng.SimPurposes)

// The kinds of resample: clusters of customers, of weeks, and of their
// intersection (single episodes).
const (
	resampleCustomers = iota
	resampleWeeks
	resampleEpisodes
)

// Bootstrap returns the covariance matrix Ω̂ of the named moments of d
// (in the order of names): the covariance of the sample moments, not
// per observation.
//
// Without a week column it is the cluster bootstrap over customers:
// each of B resamples draws n customers with replacement from d's n,
// each with all their episodes (Cameron, Gelbach & Miller 2008), and
// computes the moments with Compute's counting code; with m_b the
// moment vector of resample b and m̄ their mean,
//
//	Ω̂_C = Σ_b (m_b − m̄)(m_b − m̄)' / (B − 1).
//
// With a week column, the episodes are clustered two ways — a customer's
// episodes share the customer, a week's share the queue and the staff on
// shift — and each moment's variance is the two-way cluster variance of
// Cameron, Gelbach & Miller (2011, Journal of Business & Economic
// Statistics 29(2)),
//
//	v_i = Ω̂_C,ii + Ω̂_W,ii − Ω̂_E,ii   (at least Ω̂_C,ii),
//
// from three bootstraps of B resamples each: over customers, over weeks,
// and over single episodes (the intersection of a customer and a week);
// customer-level statistics (churn), which have no week, are resampled
// as single customers in the last two. The correlations are the
// customer bootstrap's, Ω̂_ij = ρ^C_ij √(v_i v_j): the week term is
// estimated from as many clusters as there are weeks, too few to pin
// down a full matrix, and its error would dominate the matrix's smallest
// eigenvalues, which the J test inverts.
//
// Resample b of each kind draws from its own stream, keyed by
// rng.Base(seed, b) and the kind, so the result is the same for any
// number of workers (≤ 0: GOMAXPROCS). A moment whose denominator is
// zero in some resample is an error: leave it out with a larger
// Spec.MinCount.
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
	if len(p.churned) == 0 {
		return nil, fmt.Errorf("moments: bootstrap without customers")
	}
	kinds := []int{resampleCustomers}
	if p.weeks > 0 {
		kinds = append(kinds, resampleWeeks, resampleEpisodes)
	}
	covs := make([][][]float64, len(kinds))
	for i, kind := range kinds {
		draws := make([][]float64, B)
		_, err = parallel.Ordered(ctx, B, workers, func(ctx context.Context, b int) ([]float64, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return p.resample(defs, kind, seed, b, s.minCount())
		}, func(b int, m []float64) error {
			draws[b] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
		covs[i] = covariance(draws, len(defs))
	}
	if len(covs) == 1 {
		return covs[0], nil
	}
	return twoWay(covs[0], covs[1], covs[2]), nil
}

// twoWay returns the two-way covariance: the variances of the two-way
// cluster formula, v_i = c_ii + w_ii − e_ii (no smaller than c_ii), with
// the correlations of the customer bootstrap, Ω_ij = ρ^C_ij √(v_i v_j).
func twoWay(c, w, e [][]float64) [][]float64 {
	k := len(c)
	sd := make([]float64, k)
	for i := range k {
		sd[i] = math.Sqrt(max(c[i][i]+w[i][i]-e[i][i], c[i][i]))
	}
	out := make([][]float64, k)
	for i := range k {
		out[i] = make([]float64, k)
		for j := range k {
			if c[i][i] > 0 && c[j][j] > 0 {
				out[i][j] = c[i][j] / math.Sqrt(c[i][i]*c[j][j]) * sd[i] * sd[j]
			}
		}
	}
	return out
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

// resample returns the moments of bootstrap resample b of a kind.
func (p *prepared) resample(defs []def, kind int, seed uint64, b, minCount int) ([]float64, error) {
	src := rng.NewStream(rng.Base(seed, uint64(b)).Purpose(purposeResample + rng.Purpose(kind)))
	r := rand.New(&src)
	var w weights
	switch kind {
	case resampleCustomers:
		w.customer = draw(r, len(p.churned))
	case resampleWeeks:
		w.week, w.stats = draw(r, p.weeks), draw(r, len(p.churned))
	default:
		w.episode, w.stats = draw(r, len(p.eps)), draw(r, len(p.churned))
	}
	tot := p.sums(w, make([]float64, p.lay.k))
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

// draw returns the multiplicities of n units drawn n times with
// replacement.
func draw(r *rand.Rand, n int) []int32 {
	mult := make([]int32, n)
	for range n {
		mult[r.IntN(n)]++
	}
	return mult
}

// covariance returns the sample covariance (divisor B − 1) of the rows
// of draws, each of length k, as rows.
func covariance(draws [][]float64, k int) [][]float64 {
	x := mat.NewDense(len(draws), k, nil)
	for b, m := range draws {
		x.SetRow(b, m)
	}
	var c mat.SymDense
	stat.CovarianceMatrix(&c, x, nil)
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, k)
		for j := range k {
			out[i][j] = c.At(i, j)
		}
	}
	return out
}
