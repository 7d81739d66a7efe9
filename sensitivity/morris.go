package sensitivity

import (
	"context"
	"fmt"
	"math"
	"strconv"
)

// MorrisEffect are the elementary-effect measures of one input, in output
// units per full range of the input: μ* = mean |EE|, μ = mean EE and
// σ = sd EE over the trajectories. The standard errors are sd|EE|/√r,
// σ/√r and, for σ, the delta method's SE(σ²)/(2σ), with
// Var(σ²) = (m4 − σ⁴·(r−3)/(r−1))/r, m4 the fourth central moment; the intervals are percentile bootstrap intervals over
// the trajectories.
type MorrisEffect struct {
	MuStar Index `json:"mu_star"`
	Mu     Index `json:"mu"`
	Sigma  Index `json:"sigma"`
}

// MorrisResult holds the elementary-effect measures of every input.
type MorrisResult struct {
	Inputs []Input `json:"inputs"`
	// Trajectories r, grid levels p and step Δ = p/(2(p−1)) on the unit
	// cube; Evaluations = r·(k+1).
	Trajectories int     `json:"trajectories"`
	Levels       int     `json:"levels"`
	Delta        float64 `json:"delta"`
	Evaluations  int     `json:"evaluations"`
	// Effects, in the order of Inputs.
	Effects   []MorrisEffect `json:"effects"`
	Bootstrap int            `json:"bootstrap"`
	Level     float64        `json:"level"`
}

// MorrisEvaluations is the cost of Morris: r·(k+1) model evaluations.
func MorrisEvaluations(r, k int) int { return r * (k + 1) }

// Morris screens the inputs by r ≥ 2 one-at-a-time trajectories on a
// p-level grid (p even, ≥ 2) of the unit cube (Morris 1991), with the
// measures μ, σ and μ* of Campolongo, Cariboni & Saltelli (2007).
//
// Trajectory t, drawn from its own stream, starts at a random grid point
// x* with every coordinate in {0, 1/(p−1), …, 1−Δ}, a random direction
// d_i = ±1 per input (starting at x*_i + Δ when d_i = −1) and a random
// order of the inputs; each of its k steps moves the next input by d_i·Δ,
// giving one elementary effect EE_i = d_i·(f(after) − f(before))/Δ per
// input. (The trajectories are not optimised for spread as Campolongo et
// al. suggest: each is an independent draw, which keeps the standard
// errors honest.) The evaluations run in the order of the trajectories.
func Morris(ctx context.Context, m Model, inputs []Input, r, p int, opt Options) (*MorrisResult, error) {
	if err := checkInputs(inputs); err != nil {
		return nil, err
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	if r < 2 {
		return nil, fmt.Errorf("sensitivity: %d trajectories; need at least 2", r)
	}
	if p < 2 || p%2 != 0 {
		return nil, fmt.Errorf("sensitivity: %d grid levels; need an even number ≥ 2", p)
	}
	k := len(inputs)
	delta := float64(p) / (2 * float64(p-1))
	at := func(e int) point {
		t, step := e/(k+1), e%(k+1)
		tr := newTrajectory(opt.Seed, t, k, p, delta)
		u := tr.at(step, delta)
		x := make([]float64, k)
		for i, in := range inputs {
			x[i] = in.scale(u[i])
		}
		return point{unit: t, label: strconv.Itoa(step), x: x}
	}
	ys, err := evaluate(ctx, m, r*(k+1), at, &opt)
	if err != nil {
		return nil, err
	}
	res := &MorrisResult{Inputs: inputs, Trajectories: r, Levels: p, Delta: delta, Evaluations: len(ys),
		Bootstrap: opt.bootstrap(), Level: opt.level()}
	res.Effects = morrisEffects(opt.Seed, elementaryEffects(opt.Seed, ys, r, k, p, delta), res.Bootstrap, res.Level)
	return res, nil
}

// trajectory is one Morris trajectory on the unit cube.
type trajectory struct {
	start []float64 // the first point
	dir   []float64 // ±1 per input
	order []int     // the input moved at each step
}

func newTrajectory(seed uint64, t, k, p int, delta float64) trajectory {
	r := stream(seed, purposeMorrisTraj, t)
	tr := trajectory{start: make([]float64, k), dir: make([]float64, k)}
	for i := range k {
		tr.start[i] = float64(r.IntN(p/2)) / float64(p-1)
		tr.dir[i] = 1
		if r.IntN(2) == 1 {
			tr.dir[i] = -1
			tr.start[i] += delta
		}
	}
	tr.order = r.Perm(k)
	return tr
}

// at returns the trajectory's point after step moves.
func (tr trajectory) at(step int, delta float64) []float64 {
	u := append([]float64(nil), tr.start...)
	for _, i := range tr.order[:step] {
		u[i] = min(max(u[i]+tr.dir[i]*delta, 0), 1)
	}
	return u
}

// elementaryEffects returns ee[i][t], the effect of input i on
// trajectory t, from the outputs ys in design order.
func elementaryEffects(seed uint64, ys []float64, r, k, p int, delta float64) [][]float64 {
	ee := make([][]float64, k)
	for i := range ee {
		ee[i] = make([]float64, r)
	}
	for t := range r {
		tr := newTrajectory(seed, t, k, p, delta)
		y := ys[t*(k+1) : (t+1)*(k+1)]
		for s, i := range tr.order {
			ee[i][t] = tr.dir[i] * (y[s+1] - y[s]) / delta
		}
	}
	return ee
}

// morrisEffects summarises the elementary effects of each input.
func morrisEffects(seed uint64, ee [][]float64, b int, level float64) []MorrisEffect {
	out := make([]MorrisEffect, len(ee))
	for i, e := range ee {
		out[i] = eeMoments(e)
	}
	boot := make([][3][]float64, len(ee)) // μ*, μ, σ per resample
	if len(ee) > 0 {
		resample(seed, purposeMorrisBoot, len(ee[0]), b, func(w []int) {
			for i, e := range ee {
				mus, mu, sd := weightedEE(e, w)
				boot[i][0] = append(boot[i][0], mus)
				boot[i][1] = append(boot[i][1], mu)
				boot[i][2] = append(boot[i][2], sd)
			}
		})
	}
	for i := range out {
		out[i].MuStar.Lo, out[i].MuStar.Hi = percentileCI(boot[i][0], level)
		out[i].Mu.Lo, out[i].Mu.Hi = percentileCI(boot[i][1], level)
		out[i].Sigma.Lo, out[i].Sigma.Hi = percentileCI(boot[i][2], level)
	}
	return out
}

// eeMoments returns μ*, μ and σ of one input's effects with their
// standard errors.
func eeMoments(e []float64) MorrisEffect {
	n := float64(len(e))
	mus, mu, sd := weightedEE(e, nil)
	var va, m4 float64
	for _, x := range e {
		va += (math.Abs(x) - mus) * (math.Abs(x) - mus)
		m4 += math.Pow(x-mu, 4) / n
	}
	sdSE := 0.0
	if sd > 0 {
		sdSE = math.Sqrt(math.Max(m4-math.Pow(sd, 4)*(n-3)/(n-1), 0)/n) / (2 * sd)
	}
	return MorrisEffect{
		MuStar: Index{Estimate: mus, SE: math.Sqrt(va/(n-1)) / math.Sqrt(n)},
		Mu:     Index{Estimate: mu, SE: sd / math.Sqrt(n)},
		Sigma:  Index{Estimate: sd, SE: sdSE},
	}
}

// weightedEE returns mean |e|, mean e and sd e (denominator n − 1) with
// the counts w of a bootstrap resample (nil: all 1).
func weightedEE(e []float64, w []int) (mus, mu, sd float64) {
	var n, sa, s float64
	for t, x := range e {
		c := 1.0
		if w != nil {
			c = float64(w[t])
		}
		n += c
		sa += c * math.Abs(x)
		s += c * x
	}
	mus, mu = sa/n, s/n
	var v float64
	for t, x := range e {
		c := 1.0
		if w != nil {
			c = float64(w[t])
		}
		v += c * (x - mu) * (x - mu)
	}
	return mus, mu, math.Sqrt(v / (n - 1))
}
