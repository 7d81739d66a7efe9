package sensitivity

import (
	"context"
	"fmt"
	"math"
	"strconv"
)

// MorrisEffect are the elementary-effect measures of one input, in output
// units per full range of the input: μ* = mean |EE| (with its standard
// error sd|EE|/√r and a bootstrap interval over the trajectories), μ =
// mean EE and σ = sd EE.
type MorrisEffect struct {
	MuStar Index   `json:"mu_star"`
	Mu     float64 `json:"mu"`
	Sigma  float64 `json:"sigma"`
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
		n := float64(len(e))
		var s, sa float64
		for _, x := range e {
			s += x
			sa += math.Abs(x)
		}
		mu, mus := s/n, sa/n
		var v, va float64
		for _, x := range e {
			v += (x - mu) * (x - mu)
			va += (math.Abs(x) - mus) * (math.Abs(x) - mus)
		}
		out[i] = MorrisEffect{Mu: mu, Sigma: math.Sqrt(v / (n - 1)),
			MuStar: Index{Estimate: mus, SE: math.Sqrt(va/(n-1)) / math.Sqrt(n)}}
	}
	boot := make([][]float64, len(ee))
	if len(ee) > 0 {
		resample(seed, purposeMorrisBoot, len(ee[0]), b, func(w []int) {
			for i, e := range ee {
				var sa float64
				for t, c := range w {
					sa += float64(c) * math.Abs(e[t])
				}
				boot[i] = append(boot[i], sa/float64(len(e)))
			}
		})
	}
	for i := range out {
		out[i].MuStar.Lo, out[i].MuStar.Hi = percentileCI(boot[i], level)
	}
	return out
}
