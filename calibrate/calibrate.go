// Package calibrate estimates the parameters of a simulator by the method
// of simulated moments (MSM; McFadden 1989, Econometrica 57(5); Pakes &
// Pollard 1989, Econometrica 57(5); Gouriéroux & Monfort 1996, ch. 2).
//
// Given data moments m̂ (M of them) with covariance Ω (the covariance of
// the sample moments, from a bootstrap over customers, say) and a model
// whose simulated moments m(θ) are a deterministic function of the P
// parameters θ — the simulation's random numbers are the same at every θ
// (common random numbers) — the estimate minimises
//
//	Q(θ) = (m̂ − m(θ))' W (m̂ − m(θ)),   W = diag(Ω)⁻¹,
//
// over the box Lo ≤ θ ≤ Hi: each moment's gap in standard errors, not the
// optimal Ω⁻¹, whose inverse of an estimated Ω lets the estimator chase
// noise (see weight). With the simulated sample S times the data's, the
// estimate's covariance is the MSM sandwich with the simulation
// correction,
//
//	V(θ̂) = (1 + 1/S) (G'WG)⁻¹ G'WΩWG (G'WG)⁻¹,   G = ∂m/∂θ' at θ̂,
//
// and the test of the over-identifying moments is J = r'(MΩ̃M)⁺r/(1 + 1/S)
// on the weighted residuals r, with Ω̃ their correlation and M the
// projection off G's columns: χ² with (independent moments − P) degrees
// of freedom when the model is right (Hansen 1982, Econometrica 50(4)).
//
// The search: a space-filling screen of the box (a Halton design), from
// whose best points Levenberg–Marquardt iterations on the weighted
// residuals run with finite-difference Jacobians (no analytic
// derivatives; the steps are a share of each range, far above the jumps
// of a simulated sample's moments). The screen doubles as a global
// identification check: the least-squares slopes of the weighted
// residuals on the design say how far each parameter moves the moments
// across its whole range, in standard errors. A parameter that moves them
// by less than two standard errors jointly is not identified by these
// moments: it is held at its start value, reported as such and given no
// standard error. Locally, the scaled Jacobian's singular values give the
// condition number and the weakest direction. Last, the end point is
// polished by smoothed Gauss–Newton steps on a regression of the
// residuals over a design two standard errors wide (see polish), whose
// Jacobian gives the standard errors.
package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Model returns the simulated moments at parameters theta, in the order
// of the data moments. It must be deterministic in theta (common random
// numbers) and safe to call from one goroutine at a time.
type Model func(ctx context.Context, theta []float64) ([]float64, error)

// Param is a calibrated parameter: its name, the box [Lo, Hi] searched
// and the value it keeps when the moments do not identify it (Start,
// inside the box).
type Param struct {
	Name          string
	Lo, Hi, Start float64
}

// Problem is an MSM estimation.
type Problem struct {
	Params []Param
	// Moments names the data moments; Data are their values and Cov
	// their M×M covariance (of the sample moments, not per observation).
	Moments []string
	Data    []float64
	Cov     [][]float64
	// S is the simulated sample's size over the data's (≥ 1 is usual).
	S     float64
	Model Model
	// Screen is the number of design points of the screen (0: 4P + 2);
	// Starts the number of its best points the local search starts from
	// (0: 2); ProfilePoints the points of each parameter's profile (0:
	// 7; negative: none).
	Screen, Starts, ProfilePoints int
	// Progress, if set, is called after every model evaluation.
	Progress func(Progress)
}

// Progress is the state of an estimation after an evaluation.
type Progress struct {
	Phase       string // "screen", "search", "jacobian", "profile"
	Evaluations int
	// Planned is the evaluations the estimation expects to need in all
	// (the search's are an estimate).
	Planned int
	Best    float64 // the lowest objective so far
}

// Status is what the moments say about a parameter.
type Status string

// The statuses.
const (
	// Identified: the 95% interval is narrower than half the range.
	Identified Status = "identified"
	// WeaklyIdentified: the 95% interval covers half the range or more.
	WeaklyIdentified Status = "weakly identified"
	// NotIdentified: moving the parameter across its range moves the
	// moments by less than two standard errors, or its 95% interval is
	// wider than the range.
	NotIdentified Status = "not identified"
)

// Estimate is a calibrated parameter.
type Estimate struct {
	Param
	Value float64
	// StdError is NaN for a parameter that is not identified.
	StdError float64
	Status   Status
	// Sensitivity is how far the parameter moves the moments across its
	// range, in standard errors: ‖L·∂m/∂θ_j‖·(Hi − Lo) at the estimate,
	// or, for a parameter the screen found unmoved, the norm of its slope
	// in the screen's regression of the weighted residuals on the design.
	Sensitivity float64
}

// Result is a calibration.
type Result struct {
	Estimates []Estimate
	// Cov is the covariance of the estimates of the parameters with a
	// standard error, in the order of CovNames.
	CovNames []string
	Cov      [][]float64
	// Simulated are the moments at the estimate, and Objective Q there.
	Simulated []float64
	Objective float64
	J         JTest
	Ident     Identification
	Profiles  []Profile
	// Evaluations counts the model runs.
	Evaluations int
}

// JTest is Hansen's test of the over-identifying moments.
type JTest struct {
	Stat, PValue float64
	DF           int
}

// Identification is the local identification at the estimate.
type Identification struct {
	// Rank is the number of linearly independent data moments (the rank
	// of Cov used in W).
	Rank int
	// Singular are the singular values of the scaled Jacobian
	// L·G·diag(Hi − Lo) (L'L = W) over the estimated parameters, largest
	// first; Condition is the largest over the smallest; Weakest the
	// right singular vector of the smallest, by parameter name.
	Singular  []float64
	Condition float64
	Weakest   map[string]float64
	// Unmoved names the parameters no moment moves (not identified).
	Unmoved []string
}

// Profile is the objective along one parameter's range, the others at
// the estimate.
type Profile struct {
	Name string
	X, Q []float64
}

// ErrProblem is returned (wrapped) for an ill-posed problem.
var ErrProblem = errors.New("calibration problem")

// ErrInfeasible, wrapped in a Model's error, marks parameters at which a
// moment is undefined (no simulated episode in its cell, say): the search
// treats the point as infinitely far from the data and goes on.
var ErrInfeasible = errors.New("a moment is undefined at these parameters")

// unmovedThreshold: a parameter whose full range moves the weighted
// moments by less than this many standard errors is not identified
// (2² ≈ 3.84, the χ²₁ 95% point).
const unmovedThreshold = 2

// Calibrate estimates the parameters.
func Calibrate(ctx context.Context, p *Problem) (*Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	w, err := newWeight(p.Cov)
	if err != nil {
		return nil, err
	}
	e := &estimation{p: p, w: w}
	e.planned = e.screenSize() + 2*len(p.Params)*(len(p.Params)+1) + 2*len(p.Params) + max(p.profilePoints(), 0)*len(p.Params)
	design, err := e.screen(ctx)
	if err != nil {
		return nil, err
	}
	free, sens := e.identify(design)
	best, err := e.search(ctx, design, free)
	if err != nil {
		return nil, err
	}
	return e.result(ctx, best, free, sens)
}

func (p *Problem) check() error {
	m, k := len(p.Data), len(p.Params)
	switch {
	case k == 0:
		return fmt.Errorf("%w: no parameters", ErrProblem)
	case m == 0 || len(p.Moments) != m || len(p.Cov) != m:
		return fmt.Errorf("%w: %d moment names, %d values, covariance %d×", ErrProblem, len(p.Moments), m, len(p.Cov))
	case p.Model == nil:
		return fmt.Errorf("%w: no model", ErrProblem)
	case !(p.S > 0):
		return fmt.Errorf("%w: simulated-to-data size ratio %v, need > 0", ErrProblem, p.S)
	}
	for i, row := range p.Cov {
		if len(row) != m {
			return fmt.Errorf("%w: covariance row %d has %d entries, want %d", ErrProblem, i, len(row), m)
		}
	}
	for _, x := range p.Params {
		if !(x.Lo < x.Hi) || x.Start < x.Lo || x.Start > x.Hi || math.IsInf(x.Hi-x.Lo, 0) {
			return fmt.Errorf("%w: parameter %s: need Lo < Hi finite and Start in [Lo, Hi] (got %v, %v, %v)", ErrProblem, x.Name, x.Lo, x.Hi, x.Start)
		}
	}
	return nil
}

func (p *Problem) profilePoints() int {
	if p.ProfilePoints == 0 {
		return 7
	}
	return p.ProfilePoints
}

// estimation is the state of one Calibrate call.
type estimation struct {
	p       *Problem
	w       *weight
	evals   int
	planned int
	best    float64
	phase   string
}

// point is an evaluated parameter vector: u in the unit box, the
// weighted residual r = L(m̂ − m(θ)) and Q = r'r.
type point struct {
	u, r, sim []float64
	q         float64
}

// theta maps unit-box coordinates to parameters.
func (e *estimation) theta(u []float64) []float64 {
	th := make([]float64, len(u))
	for j, x := range e.p.Params {
		th[j] = x.Lo + u[j]*(x.Hi-x.Lo)
	}
	return th
}

// eval runs the model at unit-box point u.
func (e *estimation) eval(ctx context.Context, u []float64) (point, error) {
	if err := ctx.Err(); err != nil {
		return point{}, err
	}
	sim, err := e.p.Model(ctx, e.theta(u))
	e.evals++
	if errors.Is(err, ErrInfeasible) {
		return point{u: slices.Clone(u), q: math.Inf(1)}, nil
	}
	if err != nil {
		return point{}, err
	}
	if len(sim) != len(e.p.Data) {
		return point{}, fmt.Errorf("%w: the model returned %d moments, want %d", ErrProblem, len(sim), len(e.p.Data))
	}
	d := make([]float64, len(sim))
	for i := range sim {
		d[i] = e.p.Data[i] - sim[i]
		if math.IsNaN(sim[i]) || math.IsInf(sim[i], 0) {
			return point{}, fmt.Errorf("simulated moment %s is %v at %v", e.p.Moments[i], sim[i], e.theta(u))
		}
	}
	pt := point{u: slices.Clone(u), sim: sim, r: e.w.apply(d)}
	pt.q = dot(pt.r, pt.r)
	if e.evals == 1 || pt.q < e.best {
		e.best = pt.q
	}
	if e.p.Progress != nil {
		e.p.Progress(Progress{Phase: e.phase, Evaluations: e.evals, Planned: max(e.planned, e.evals), Best: e.best})
	}
	return pt, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
