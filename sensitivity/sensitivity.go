// Package sensitivity is global sensitivity analysis of a model with a
// scalar output and k inputs, each uniform on a range: Morris screening
// by elementary effects and Sobol' variance-based indices.
//
// # Morris screening
//
// Morris (1991) moves one input at a time along r trajectories on a
// p-level grid of the unit cube with step Δ = p/(2(p−1)). An elementary
// effect of input i at a grid point u is
//
//	EE_i(u) = [f(u + Δ·e_i) − f(u)] / Δ,
//
// in output units per full range of the input (inputs are rescaled from
// the unit cube to [Lo, Hi]). Over the r trajectories Morris reports
// μ_i, the mean, and σ_i, the standard deviation, of EE_i; Campolongo,
// Cariboni & Saltelli (2007) add μ*_i, the mean of |EE_i|, which does not
// let effects of opposite sign cancel and is the screening measure to rank
// inputs by. A large σ_i says the effect of input i depends on where the
// other inputs are (interaction or non-linearity). Cost: r·(k+1) model
// evaluations.
//
// # Sobol' indices
//
// With V = Var f(X), the first-order index S_i = Var(E[f | X_i]) / V is
// the share of the variance input i explains alone, and the total index
// S_Ti = E[Var(f | X_~i)] / V the share it has a hand in, interactions
// included (Sobol' 1993; Homma & Saltelli 1996). Sobol estimates both from
// two independent N×k sample matrices A and B and the k matrices A_B^(i),
// A with column i taken from B (Saltelli 2002; Saltelli et al. 2010,
// table 2):
//
//	V_i  = (1/N) Σ_j f(B)_j · (f(A_B^(i))_j − f(A)_j)      (Saltelli et al. 2010, (b))
//	V_Ti = (1/2N) Σ_j (f(A)_j − f(A_B^(i))_j)²             (Jansen 1999, (f))
//	S_i = V_i / V,  S_Ti = V_Ti / V,
//
// V being the variance of the 2N outputs f(A) and f(B), all outputs
// centred on their mean first (Sobol' 2001). Cost: N·(k+2)
// model evaluations. The rows are independent uniform draws (keyed PCG
// streams of math/rand/v2, one per row), so that every index is a smooth
// function of means over N independent rows and its Monte Carlo standard
// error follows by the delta method; the percentile bootstrap over the
// rows gives confidence intervals as well (Archer, Saltelli & Sobol'
// 1997). Quasi-random designs converge faster but leave no such error
// estimate.
//
// # Determinism
//
// The design depends only on the seed and the sizes; the model runs on a
// pool of goroutines and the outputs are collected by index, so results
// are identical for any number of workers. Model must therefore be safe
// for concurrent use.
//
// References:
//
//   - Morris, M. D. (1991). Factorial sampling plans for preliminary
//     computational experiments. Technometrics 33(2), 161–174.
//   - Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective
//     screening design for sensitivity analysis of large models.
//     Environmental Modelling & Software 22(10), 1509–1518.
//   - Sobol', I. M. (1993). Sensitivity estimates for nonlinear
//     mathematical models. Mathematical Modeling and Computational
//     Experiment 1, 407–414.
//   - Sobol', I. M. (2001). Global sensitivity indices for nonlinear
//     mathematical models and their Monte Carlo estimates. Mathematics
//     and Computers in Simulation 55, 271–280.
//   - Homma, T. & Saltelli, A. (1996). Importance measures in global
//     sensitivity analysis of nonlinear models. Reliability Engineering &
//     System Safety 52(1), 1–17.
//   - Jansen, M. J. W. (1999). Analysis of variance designs for model
//     output. Computer Physics Communications 117, 35–43.
//   - Saltelli, A. (2002). Making best use of model evaluations to compute
//     sensitivity indices. Computer Physics Communications 145, 280–297.
//   - Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. &
//     Tarantola, S. (2010). Variance based sensitivity analysis of model
//     output. Design and estimator for the total sensitivity index.
//     Computer Physics Communications 181(2), 259–270.
//   - Archer, G. E. B., Saltelli, A. & Sobol', I. M. (1997). Sensitivity
//     measures, ANOVA-like techniques and the use of bootstrap. Journal of
//     Statistical Computation and Simulation 58(2), 99–120.
//   - Ishigami, T. & Homma, T. (1990). An importance quantification
//     technique in uncertainty analysis for computer models. Proc. ISUMA
//     '90, 398–403 (the test function of the tests and the example).
package sensitivity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/redress-sim/redress/internal/parallel"
)

// Model is the function analysed: the output at input values x (in the
// inputs' own units, x[i] in [Lo_i, Hi_i]). It is called from several
// goroutines at once and must be safe for concurrent use; it must not
// keep x. A Model that returns an error stops the analysis.
type Model func(ctx context.Context, x []float64) (float64, error)

// Input is an uncertain input, uniform on [Lo, Hi].
type Input struct {
	Name string  `json:"name"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}

// scale maps u in [0, 1] to [Lo, Hi].
func (in Input) scale(u float64) float64 { return in.Lo + u*(in.Hi-in.Lo) }

// Eval is one model evaluation of a design, handed to an Observer.
type Eval struct {
	// Index is the evaluation's position in the design (0, 1, …).
	Index int
	// Unit is the design unit it belongs to: the base row j of a Sobol
	// design, the trajectory of a Morris design.
	Unit int
	// Label says which point of the unit it is: "A", "B" or "AB3"
	// (A with column 3, counted from 1, from B) in a Sobol design,
	// "0" … "k" (the step along the trajectory) in a Morris design.
	Label string
	// X are the input values, Y the output.
	X []float64
	Y float64
}

// Observer receives every evaluation in index order, from the goroutine
// that called Sobol or Morris, e.g. to stream the design to a file. Its
// error stops the analysis. It must not keep e.X.
type Observer func(e Eval) error

// Options are the settings Sobol and Morris share.
type Options struct {
	// Seed keys the random streams of the design and the bootstrap.
	Seed uint64
	// Workers is the number of model evaluations run at once (≤ 0:
	// GOMAXPROCS). Results do not depend on it.
	Workers int
	// Bootstrap is the number of bootstrap resamples behind the
	// confidence intervals (0: 1000; < 0: none, intervals NaN).
	Bootstrap int
	// Level is the confidence level of the intervals (0: 0.95).
	Level float64
	// Progress, if set, is called after each evaluation with the number
	// done and the total.
	Progress func(done, total int)
	// Observe, if set, receives every evaluation in index order.
	Observe Observer
}

func (o *Options) bootstrap() int {
	if o.Bootstrap == 0 {
		return 1000
	}
	return max(o.Bootstrap, 0)
}

func (o *Options) level() float64 {
	if o.Level == 0 {
		return 0.95
	}
	return o.Level
}

func (o *Options) check() error {
	if l := o.level(); !(l > 0 && l < 1) {
		return fmt.Errorf("sensitivity: confidence level %v outside (0, 1)", o.Level)
	}
	return nil
}

// Index is an estimated sensitivity measure with its Monte Carlo
// standard error and a bootstrap percentile interval (NaN ends without a
// bootstrap).
type Index struct {
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	Lo       float64 `json:"ci_lo"`
	Hi       float64 `json:"ci_hi"`
}

// checkInputs reports an input range that is empty, reversed or not
// finite, or a repeated name.
func checkInputs(in []Input) error {
	if len(in) == 0 {
		return errors.New("sensitivity: no inputs")
	}
	seen := map[string]bool{}
	for i, x := range in {
		name := x.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		if seen[x.Name] && x.Name != "" {
			return fmt.Errorf("sensitivity: input %q given twice", x.Name)
		}
		seen[x.Name] = true
		if math.IsNaN(x.Lo) || math.IsNaN(x.Hi) || math.IsInf(x.Lo, 0) || math.IsInf(x.Hi, 0) {
			return fmt.Errorf("sensitivity: input %s: range [%v, %v] is not finite", name, x.Lo, x.Hi)
		}
		if !(x.Lo < x.Hi) {
			return fmt.Errorf("sensitivity: input %s: lower end %v is not below upper end %v", name, x.Lo, x.Hi)
		}
	}
	return nil
}

// Stream purposes: each keeps its own random numbers.
const (
	purposeSobolRow = iota + 1
	purposeSobolBoot
	purposeMorrisTraj
	purposeMorrisBoot
)

// stream returns the PCG stream keyed by (seed, purpose, unit).
func stream(seed uint64, purpose, unit int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix(uint64(purpose)<<48^uint64(unit))))
}

// mix is the SplitMix64 finaliser (Steele, Lea & Flood 2014).
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// point is evaluation e of a design: its unit, label and input values.
type point struct {
	unit  int
	label string
	x     []float64
}

// evaluate runs the model at the n points of a design (at(e) gives the
// e-th, and must be safe for concurrent use) on opt.Workers goroutines
// and returns the outputs in index order, passing each evaluation to
// opt.Observe and opt.Progress in order. A non-finite output is an error.
func evaluate(ctx context.Context, m Model, n int, at func(e int) point, opt *Options) ([]float64, error) {
	type result struct {
		p point
		y float64
	}
	work := func(ctx context.Context, e int) (result, error) {
		p := at(e)
		y, err := m(ctx, p.x)
		if err != nil {
			return result{}, fmt.Errorf("sensitivity: evaluation %d at %v: %w", e, p.x, err)
		}
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return result{}, fmt.Errorf("sensitivity: evaluation %d at %v: output %v is not finite", e, p.x, y)
		}
		return result{p, y}, nil
	}
	ys := make([]float64, n)
	emit := func(e int, r result) error {
		ys[e] = r.y
		if opt.Observe != nil {
			if err := opt.Observe(Eval{Index: e, Unit: r.p.unit, Label: r.p.label, X: r.p.x, Y: r.y}); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(e+1, n)
		}
		return nil
	}
	if _, err := parallel.Ordered(ctx, n, opt.Workers, work, emit); err != nil {
		return nil, err
	}
	return ys, nil
}

// MarshalJSON writes the index with null for a non-finite number (an
// interval without a bootstrap), which JSON cannot hold.
func (x Index) MarshalJSON() ([]byte, error) {
	b := []byte(`{"estimate":`)
	b = appendNum(b, x.Estimate)
	b = append(b, `,"se":`...)
	b = appendNum(b, x.SE)
	b = append(b, `,"ci_lo":`...)
	b = appendNum(b, x.Lo)
	b = append(b, `,"ci_hi":`...)
	b = appendNum(b, x.Hi)
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (x *Index) UnmarshalJSON(data []byte) error {
	v := struct {
		Estimate *float64 `json:"estimate"`
		SE       *float64 `json:"se"`
		Lo       *float64 `json:"ci_lo"`
		Hi       *float64 `json:"ci_hi"`
	}{}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	get := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	*x = Index{Estimate: get(v.Estimate), SE: get(v.SE), Lo: get(v.Lo), Hi: get(v.Hi)}
	return nil
}

func appendNum(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}
