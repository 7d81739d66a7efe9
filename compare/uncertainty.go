package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
)

// PurposeDraws keys the parameter draws: draw d reads the stream
// rng.Base(seed, 0).Purpose(PurposeDraws).Unit(d). The code lies far above
// the simulator's (rng.SimPurposes), so the draws never share numbers
// with a replication's streams.
const PurposeDraws rng.Purpose = 0x7061726d // "parm"

// Limits of an analysis under uncertainty.
const (
	// MaxDraws is the most parameter draws.
	MaxDraws = 10_000
	// MaxAttempts is the most normal draws tried per parameter draw
	// before giving up on staying inside the ranges.
	MaxAttempts = 1000
)

// ErrOutsideRange is returned (wrapped) when the normal draws of a key
// keep falling outside its range.
var ErrOutsideRange = errors.New("draws keep falling outside the range")

// UncertaintyConfig is a policy comparison under parameter uncertainty.
type UncertaintyConfig struct {
	// Scenario is a behavioral scenario with at least one policy; its
	// seed keys both the parameter draws and the simulation.
	Scenario *scenarios.Scenario
	// Fit carries the calibrated parameters and their uncertainty.
	Fit *Fit
	// Draws is the number of parameter draws N (2 ≤ N ≤ MaxDraws).
	Draws int
	// Reps is the number of replications R per draw (≥ 2).
	Reps int
	// Workers is the number of draws run at once (0: GOMAXPROCS).
	// Results do not depend on it.
	Workers int
	// Progress, if set, is called after each finished run (the point
	// estimate and each draw) with the number done and the total N+1.
	Progress func(done, total int)
}

// Uncertainty holds every policy's profit and churn at every parameter
// draw and at the point estimate.
//
// Draw d sets the fit's keys to X[d] and runs the policies on common
// random numbers: every policy meets the same customers and random
// draws. Every draw, and the point estimate, runs the same replications
// 0, …, R−1 — the simulation's random numbers are common across draws
// as well (as in package simmodel), so the spread of a policy's profit
// over draws is what the parameters do, not fresh simulation noise, and
// the spread over the replications within a draw is simulation noise.
// The price is that the simulation error of R replications is shared by
// all draws rather than averaged away over them: the probabilities of
// being best and the regret are conditional on those replications, and
// PointDiff shows how far simulation noise alone could move the ranking.
type Uncertainty struct {
	Scenario  string
	Seed      uint64
	Draws     int
	Reps      int
	Customers int
	Policies  []string
	// Params are the fit's keys (Integer set for integer keys) and
	// Normal[k] whether key k is drawn from the joint normal (else
	// uniformly on its range).
	Params []simmodel.Param
	Normal []bool
	// X[d][k] is key k in draw d (rounded for an integer key).
	X [][]float64
	// Profit[d][p] and Churn[d][p] are policy p's mean profit and churn
	// over the R replications of draw d, ProfitVar[d][p] the variance of
	// its profit over them (divisor R−1).
	Profit, ProfitVar, Churn [][]float64
	// PointProfit[p] and PointChurn[p] are the same at the point estimate
	// (every key at its estimate, not-identified keys included), and
	// PointRuns[p][r] policy p's profit in replication r there.
	PointProfit, PointChurn []float64
	PointRuns               [][]float64
}

// PointDiff is policy a's profit less policy b's at the point estimate,
// paired replication by replication, with a 95% interval over the R
// replications. The draws share these replications' random numbers, so
// when the interval holds 0 the probabilities of being best also carry
// simulation noise that more replications would remove.
func (u *Uncertainty) PointDiff(a, b int) Interval {
	return interval(diff(u.PointRuns[a], u.PointRuns[b]))
}

// RunUncertainty draws the parameters and runs the policies at each draw
// and at the point estimate. It stops early, with the context's error,
// when ctx is cancelled.
func RunUncertainty(ctx context.Context, cfg UncertaintyConfig) (*Uncertainty, error) {
	sc, f := cfg.Scenario, cfg.Fit
	switch {
	case sc == nil:
		return nil, errors.New("compare: no scenario")
	case f == nil:
		return nil, errors.New("compare: no fit")
	case cfg.Draws < 2 || cfg.Draws > MaxDraws:
		return nil, fmt.Errorf("compare: %d parameter draws; need 2 to %d", cfg.Draws, MaxDraws)
	case cfg.Reps < 2:
		return nil, fmt.Errorf("compare: %d replications per draw; need at least 2 for the simulation variance", cfg.Reps)
	}
	ps, err := f.Params(sc)
	if err != nil {
		return nil, err
	}
	drawer, err := newDrawer(f, ps)
	if err != nil {
		return nil, err
	}
	u := &Uncertainty{Scenario: sc.Name, Seed: sc.Seed, Draws: cfg.Draws, Reps: cfg.Reps,
		Customers: sc.Population.Size, Params: ps, Normal: drawer.normal}
	for _, p := range sc.Policies {
		u.Policies = append(u.Policies, p.Name)
	}
	u.X = make([][]float64, cfg.Draws)
	for d := range u.X {
		if u.X[d], err = drawer.draw(sc.Seed, d); err != nil {
			return nil, err
		}
	}
	work := func(ctx context.Context, i int) (*runs, error) {
		x, what := f.Estimates(), "the point estimate"
		if i > 0 {
			x, what = u.X[i-1], fmt.Sprintf("draw %d", i-1)
		}
		o, err := runAt(ctx, sc, ps, x, cfg.Reps)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", what, describe(ps, x), err)
		}
		return o, nil
	}
	u.Profit, u.ProfitVar, u.Churn = make([][]float64, cfg.Draws), make([][]float64, cfg.Draws), make([][]float64, cfg.Draws)
	emit := func(i int, o *runs) error {
		if i == 0 {
			u.PointProfit, u.PointChurn, u.PointRuns = o.profit, o.churn, o.values
		} else {
			u.Profit[i-1], u.ProfitVar[i-1], u.Churn[i-1] = o.profit, o.profitVar, o.churn
		}
		if cfg.Progress != nil {
			cfg.Progress(i+1, cfg.Draws+1)
		}
		return nil
	}
	if _, err := parallel.Ordered(ctx, cfg.Draws+1, cfg.Workers, work, emit); err != nil {
		return nil, err
	}
	return u, nil
}

// describe lists the keys at x for messages.
func describe(ps []simmodel.Param, x []float64) string {
	s := ""
	for k, p := range ps {
		if k > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s = %.4g", p.Key, x[k])
	}
	return s
}

// runs are the policies' profit and churn over the replications at one
// point: profit, its variance and churn per policy, and values[p][r]
// the profit of policy p in replication r.
type runs struct {
	profit, profitVar, churn []float64
	values                   [][]float64
}

// runAt runs the policies with the keys at x over replications 0, …,
// R−1.
func runAt(ctx context.Context, base *scenarios.Scenario, ps []simmodel.Param, x []float64, reps int) (*runs, error) {
	sc, err := simmodel.ScenarioAt(base, ps, x)
	if err != nil {
		return nil, err
	}
	res, err := Run(ctx, Config{Scenario: sc, Reps: reps, Workers: 1})
	if err != nil {
		return nil, err
	}
	pm, cm := res.MetricIndex("profit"), res.MetricIndex("churn_rate")
	o := &runs{}
	for p := range res.Policies {
		m, v := meanVar(res.Values[p][pm])
		c, _ := meanVar(res.Values[p][cm])
		o.profit, o.profitVar, o.churn = append(o.profit, m), append(o.profitVar, v), append(o.churn, c)
		o.values = append(o.values, res.Values[p][pm])
	}
	return o, nil
}

// drawer draws the fit's keys.
type drawer struct {
	fit    *Fit
	params []simmodel.Param
	normal []bool
	// idx[j] is the parameter index of covariance row j; chol is the
	// covariance's Cholesky factor.
	idx  []int
	chol *mat.TriDense
}

// newDrawer returns the drawer of f's keys, resolved as ps.
func newDrawer(f *Fit, ps []simmodel.Param) (*drawer, error) {
	dr := &drawer{fit: f, params: ps, normal: make([]bool, len(f.Parameters))}
	var rows []int // the covariance rows of the normal keys
	for r, k := range f.CovKeys {
		if i := f.index(k); f.Normal(i) {
			dr.idx, rows = append(dr.idx, i), append(rows, r)
			dr.normal[i] = true
		}
	}
	if len(rows) == 0 {
		return dr, nil
	}
	sub := mat.NewSymDense(len(rows), nil)
	for a, ra := range rows {
		for b, rb := range rows[:a+1] {
			sub.SetSym(a, b, f.Cov.At(ra, rb))
		}
	}
	l, err := cholesky(sub)
	if err != nil {
		return nil, fmt.Errorf("covariance: %w", err)
	}
	dr.chol = l
	return dr, nil
}

// draw returns draw d of the keys, a pure function of (seed, d):
//
//   - the keys identified at least weakly jointly from N(θ̂, Σ)
//     restricted to the box of their ranges, by rejection: x = θ̂ + L·z
//     with L·Lᵀ = Σ and z standard normal, redrawn until every key lies
//     in [lo, hi] (at most MaxAttempts times; then an error wrapping
//     ErrOutsideRange names the key that fell outside most often). This
//     is the normal approximation to the sampling distribution of the
//     estimates — the large-sample posterior under a flat prior —
//     truncated to the ranges the scenario admits;
//   - every other key uniformly on [lo, hi]: the data say nothing about
//     it beyond its range, and the uniform is the distribution that
//     claims no more (Kennedy & O'Hagan 2001, JRSS B 63(3), treat such
//     inputs as uncertain and integrate over them).
//
// Integer keys are then rounded to the nearest integer, as the scenario
// reads them.
func (dr *drawer) draw(seed uint64, d int) ([]float64, error) {
	s := rng.NewStream(rng.Base(seed, 0).Purpose(PurposeDraws).Unit(uint64(d)))
	x := dr.fit.Estimates()
	if n := len(dr.idx); n > 0 {
		z, y := mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
		outside := make([]int, n)
		ok := false
		for range MaxAttempts {
			for j := range n {
				z.SetVec(j, s.Normal())
			}
			y.MulVec(dr.chol, z)
			ok = true
			for j, i := range dr.idx {
				p := dr.fit.Parameters[i]
				x[i] = p.Estimate + y.AtVec(j)
				if x[i] < p.Lo || x[i] > p.Hi {
					outside[j]++
					ok = false
				}
			}
			if ok {
				break
			}
		}
		if !ok {
			j := slices.Index(outside, slices.Max(outside))
			p := dr.fit.Parameters[dr.idx[j]]
			return nil, fmt.Errorf("draw %d: %w: %s fell outside [%v, %v] in %d of %d attempts (estimate %v, standard error %v); a wider range would hold the draws",
				d, ErrOutsideRange, p.Key, p.Lo, p.Hi, outside[j], MaxAttempts, p.Estimate, p.StdError)
		}
	}
	for i, p := range dr.fit.Parameters {
		if !dr.normal[i] {
			x[i] = p.Lo + (p.Hi-p.Lo)*s.Float64()
		}
		if dr.params[i].Integer {
			x[i] = math.Round(x[i])
		}
	}
	return x, nil
}

// PolicyUncertainty is what the draws say about one policy.
type PolicyUncertainty struct {
	Policy string
	// PBestProfit is the share of draws in which the policy has the
	// highest profit, PBestRetention the share in which it has the lowest
	// churn (the highest retention, 1 − churn), each with its Monte Carlo
	// standard error √(p(1−p)/N). Ties go to the policy listed first, so
	// each sums to 1 over the policies.
	PBestProfit, PBestProfitSE       float64
	PBestRetention, PBestRetentionSE float64
	// Profit is the expected profit with its interval and variance split.
	Profit ProfitUncertainty
	// PointProfit and PointChurn are the policy's profit and churn at the
	// point estimate.
	PointProfit, PointChurn float64
	// Churn is the expected churn, the mean over draws.
	Churn float64
	// Regret is the expected regret E[max_q π_q(θ) − π_p(θ)], the mean
	// over draws of the best policy's profit less this policy's in that
	// draw (Savage 1951, JASA 46(253)), with its Monte Carlo standard
	// error over draws.
	Regret, RegretSE float64
}

// ProfitUncertainty is a policy's expected profit over the draws and its
// uncertainty.
//
// With π(θ, ω) the profit of one run at parameters θ and simulation
// randomness ω, the law of total variance splits the variance of the
// profit the firm will see into a parameter part and a simulation part,
//
//	Var π = Var_θ E[π | θ] + E_θ Var[π | θ],
//
// estimated by the variance over draws of the per-draw mean profit
// (ParamVar; with the simulation's random numbers common across draws the
// per-draw means differ because θ does) and by the mean over draws of
// the variance over the R replications within a draw (SimVar).
//
// The 95% interval is Mean ± 1.96·√(ParamVar + SimVar), a normal
// interval with both parts. Quantiles over draws could not carry the
// simulation part: every draw runs the same R replications, so the
// simulation randomness is seen through R runs only, too few for tail
// quantiles, while its variance is estimated from N·(R−1) degrees of
// freedom. The 2.5% and 97.5% quantiles of the per-draw mean profit
// (DrawLo, DrawHi; parameter uncertainty alone) show any skew the
// normal interval hides.
type ProfitUncertainty struct {
	Mean float64
	// SE is the Monte Carlo standard error of Mean over draws,
	// √(ParamVar/N), given the replications' random numbers.
	SE     float64
	Lo, Hi float64
	// ParamVar and SimVar are the two parts of the variance, ParamShare
	// ParamVar's share of their sum.
	ParamVar, SimVar, ParamShare float64
	DrawLo, DrawHi               float64
}

// RobustP is the probability of being best on profit below which the
// best policy at the point estimate is not called robust.
const RobustP = 0.8

// BestAtPoint returns the policy with the highest profit at the point
// estimate (the first on a tie).
func (u *Uncertainty) BestAtPoint() int { return argBest(u.PointProfit, 1) }

// Robustness is the verdict on the best policy at the point estimate.
type Robustness struct {
	// Best is the policy with the highest profit at the point estimate.
	Best int
	// RunnerUp is, of the other policies, the one most often best on
	// profit over the draws (on a tie, the one of lower expected regret,
	// then the first); −1 when the scenario has one policy.
	RunnerUp int
	// Robust is whether Best is best on profit in at least RobustP of the
	// draws.
	Robust bool
}

// Robustness returns the verdict on the ranking from the summary sum of
// u (Summary's result).
func (u *Uncertainty) Robustness(sum []PolicyUncertainty) Robustness {
	r := Robustness{Best: u.BestAtPoint(), RunnerUp: -1}
	r.Robust = sum[r.Best].PBestProfit >= RobustP
	for p, s := range sum {
		if p == r.Best {
			continue
		}
		if r.RunnerUp < 0 {
			r.RunnerUp = p
			continue
		}
		q := sum[r.RunnerUp]
		if s.PBestProfit > q.PBestProfit || s.PBestProfit == q.PBestProfit && s.Regret < q.Regret {
			r.RunnerUp = p
		}
	}
	return r
}

// argBest returns the index of the largest sign·v (the first on a tie).
func argBest(v []float64, sign float64) int {
	b := 0
	for i := range v {
		if sign*v[i] > sign*v[b] {
			b = i
		}
	}
	return b
}

// Summary returns what the draws say about each policy, in scenario
// order.
func (u *Uncertainty) Summary() []PolicyUncertainty {
	n := float64(u.Draws)
	out := make([]PolicyUncertainty, len(u.Policies))
	bestProfit, bestRet := make([]float64, len(u.Policies)), make([]float64, len(u.Policies))
	regret := make([][]float64, len(u.Policies))
	for d := range u.Draws {
		bp := argBest(u.Profit[d], 1)
		bestProfit[bp]++
		bestRet[argBest(u.Churn[d], -1)]++
		for p := range u.Policies {
			regret[p] = append(regret[p], u.Profit[d][bp]-u.Profit[d][p])
		}
	}
	for p, name := range u.Policies {
		o := &out[p]
		o.Policy = name
		o.PBestProfit, o.PBestRetention = bestProfit[p]/n, bestRet[p]/n
		o.PBestProfitSE = math.Sqrt(o.PBestProfit * (1 - o.PBestProfit) / n)
		o.PBestRetentionSE = math.Sqrt(o.PBestRetention * (1 - o.PBestRetention) / n)
		o.PointProfit, o.PointChurn = u.PointProfit[p], u.PointChurn[p]
		var v float64
		o.Regret, v = meanVar(regret[p])
		o.RegretSE = math.Sqrt(v / n)
		o.Churn, _ = meanVar(column(u.Churn, p))
		o.Profit = u.profit(p)
	}
	return out
}

// profit summarises policy p's profit over the draws.
func (u *Uncertainty) profit(p int) ProfitUncertainty {
	x := column(u.Profit, p)
	var pu ProfitUncertainty
	pu.Mean, pu.ParamVar = meanVar(x)
	pu.SimVar, _ = meanVar(column(u.ProfitVar, p))
	pu.SE = math.Sqrt(pu.ParamVar / float64(len(x)))
	tot := pu.ParamVar + pu.SimVar
	pu.ParamShare = pu.ParamVar / tot
	if tot == 0 {
		pu.ParamShare = math.NaN()
	}
	h := 1.959963984540054 * math.Sqrt(tot)
	pu.Lo, pu.Hi = pu.Mean-h, pu.Mean+h
	slices.Sort(x)
	pu.DrawLo, pu.DrawHi = quantile(x, 0.025), quantile(x, 0.975)
	return pu
}

// column returns x[·][j].
func column(x [][]float64, j int) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		out[i] = x[i][j]
	}
	return out
}

// quantile is the q-quantile of sorted x, interpolating linearly between
// order statistics (Hyndman & Fan 1996, type 7).
func quantile(x []float64, q float64) float64 {
	h := q * float64(len(x)-1)
	i := int(math.Floor(h))
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}
