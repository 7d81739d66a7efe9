package study

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// RepRow is one estimator's result for one estimand in one replication
// of one grid point: a row of replications.csv.
type RepRow struct {
	Point    int
	Rep      int
	Estimand string
	Method   string
	Truth    float64
	Estimate float64
	StdError float64
	// Error is the estimator's failure ("" when it succeeded).
	Error string
}

// row returns the RepRow as a Row for the interval logic.
func (r *RepRow) row() Row {
	var err error
	if r.Error != "" {
		err = errString(r.Error)
	}
	return Row{Estimand: r.Estimand, Method: r.Method, Truth: r.Truth, Estimate: r.Estimate, StdError: r.StdError, Err: err}
}

type errString string

func (e errString) Error() string { return string(e) }

// Measure is a performance measure and its Monte Carlo standard error.
// NaN (JSON null, an empty CSV cell) means undefined, e.g. an SD from
// fewer than two successful replications.
type Measure struct {
	Value float64
	MCSE  float64
}

// MarshalJSON writes {"value": v, "mcse": s} with null for NaN.
func (m Measure) MarshalJSON() ([]byte, error) {
	b := []byte(`{"value":`)
	b = appendJSONFloat(b, m.Value)
	b = append(b, `,"mcse":`...)
	b = appendJSONFloat(b, m.MCSE)
	return append(b, '}'), nil
}

func appendJSONFloat(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Measure) UnmarshalJSON(data []byte) error {
	var v struct {
		Value *float64 `json:"value"`
		MCSE  *float64 `json:"mcse"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	m.Value, m.MCSE = math.NaN(), math.NaN()
	if v.Value != nil {
		m.Value = *v.Value
	}
	if v.MCSE != nil {
		m.MCSE = *v.MCSE
	}
	return nil
}

// Measures are the performance measures of one estimator for one
// estimand at one grid point, following Morris, White & Crowther (2019,
// Statistics in Medicine 38:2074–2102, Table 6). Let θ̂ᵢ be the estimate
// and θᵢ the true value of successful replication i = 1…n (θ may vary
// between replications when the estimand is a sample quantity; with a
// fixed θ the formulas reduce to Morris et al.'s), SEᵢ the model SE.
//
//	MeanEstimate  mean θ̂                  MCSE  SD(θ̂)/√n
//	Bias          mean(θ̂ᵢ − θᵢ)           MCSE  SD(θ̂ − θ)/√n
//	RelBias       Bias / mean θ           MCSE  MCSE(Bias)/|mean θ|
//	EmpSD         SD(θ̂)                   MCSE  EmpSD/√(2(n−1))
//	RMSE          √mean((θ̂ᵢ − θᵢ)²)       MCSE  MCSE(MSE)/(2·RMSE), MCSE(MSE) = √(Σ((θ̂ᵢ−θᵢ)² − MSE)²/(n(n−1)))
//	ModelSE       √mean(SEᵢ²)             MCSE  √(Var(SE²)/(4n·ModelSE²))
//	SERatio       ModelSE/EmpSD           MCSE  SERatio·√(Var(SE²)/(4n·ModelSE⁴) + 1/(2(n−1)))
//	Coverage      share with θᵢ in the 95% interval   MCSE √(p(1−p)/n)
//	Power         share whose 95% interval excludes 0 MCSE √(p(1−p)/n)
//	FailureRate   failures / replications  MCSE √(f(1−f)/N) over all N replications
//
// An external estimator may give estimates without SEs: ModelSE,
// SERatio, Coverage and Power are then over the successful replications
// with an SE (n is their number; undefined when there are none).
type Measures struct {
	Point    int    `json:"point"`
	Estimand string `json:"estimand"`
	Method   string `json:"method"`
	// Reps is the number of replications, OK those where the estimator
	// succeeded (the measures other than FailureRate are over them).
	Reps         int     `json:"reps"`
	OK           int     `json:"ok"`
	Failures     int     `json:"failures"`
	MeanTruth    float64 `json:"true_value"`
	MeanEstimate Measure `json:"mean_estimate"`
	Bias         Measure `json:"bias"`
	RelBias      Measure `json:"relative_bias"`
	EmpSD        Measure `json:"empirical_sd"`
	RMSE         Measure `json:"rmse"`
	ModelSE      Measure `json:"model_se"`
	SERatio      Measure `json:"se_sd_ratio"`
	Coverage     Measure `json:"coverage"`
	Power        Measure `json:"power"`
	FailureRate  Measure `json:"failure_rate"`
}

// welford accumulates a sum of squared deviations from the mean in one
// pass (Welford 1962, Technometrics 4:419–420), so a study's measures
// need no replication kept in memory.
type welford struct{ n, mean, m2 float64 }

func (w *welford) add(x float64) {
	w.n++
	d := x - w.mean
	w.mean += d / w.n
	w.m2 += d * (x - w.mean)
}

// sd is the sample SD (n − 1 divisor; NaN for n < 2).
func (w *welford) sd() float64 {
	if w.n < 2 {
		return math.NaN()
	}
	return math.Sqrt(w.m2 / (w.n - 1))
}

// accum accumulates the measures of one (point, estimand, method) over
// replications. Means are plain sums over n (so they do not depend on
// how replications are split); spreads are Welford's.
type accum struct {
	reps, failures, ok, withSE, cov, pow  int
	sumTruthAll, sumTruth, sumEst, sumErr float64
	sumErr2, sumSE2                       float64
	est, err, err2, se2                   welford
}

func (a *accum) add(r *RepRow) {
	a.reps++
	a.sumTruthAll += r.Truth
	if r.Error != "" {
		a.failures++
		return
	}
	a.ok++
	e, s2 := r.Estimate-r.Truth, r.StdError*r.StdError
	a.sumTruth += r.Truth
	a.sumEst += r.Estimate
	a.sumErr += e
	a.sumErr2 += e * e
	a.est.add(r.Estimate)
	a.err.add(e)
	a.err2.add(e * e)
	if math.IsNaN(r.StdError) { // an external estimator's estimate without SE
		return
	}
	a.withSE++
	a.sumSE2 += s2
	a.se2.add(s2)
	rr := r.row()
	if rr.Covers() {
		a.cov++
	}
	if rr.Rejects() {
		a.pow++
	}
}

// measures returns the measures accumulated so far.
func (a *accum) measures(point int, p Pair) Measures {
	nan := math.NaN()
	m := Measures{Point: point, Estimand: p.Estimand, Method: p.Method, Reps: a.reps, OK: a.ok, Failures: a.failures}
	N, n := float64(a.reps), float64(a.ok)
	m.MeanTruth = nan
	m.FailureRate = Measure{nan, nan}
	if a.reps > 0 {
		m.MeanTruth = a.sumTruthAll / N
		f := float64(a.failures) / N
		m.FailureRate = Measure{f, math.Sqrt(f * (1 - f) / N)}
	}
	for _, p := range []*Measure{&m.MeanEstimate, &m.Bias, &m.RelBias, &m.EmpSD, &m.RMSE, &m.ModelSE, &m.SERatio, &m.Coverage, &m.Power} {
		*p = Measure{nan, nan}
	}
	if a.ok == 0 {
		return m
	}
	sdEst, sdErr := a.est.sd(), a.err.sd()
	bias, meanTruth := a.sumErr/n, a.sumTruth/n
	m.MeanEstimate = Measure{a.sumEst / n, sdEst / math.Sqrt(n)}
	m.Bias = Measure{bias, sdErr / math.Sqrt(n)}
	if meanTruth != 0 {
		m.RelBias = Measure{bias / meanTruth, m.Bias.MCSE / math.Abs(meanTruth)}
	}
	// The empirical SD is that of the errors θ̂ − θ: the SD of θ̂ when the
	// truth is fixed, and the right yardstick for the model SE when the
	// truth varies by replication (a finite-sample estimand).
	m.EmpSD = Measure{sdErr, sdErr / math.Sqrt(2*(n-1))}
	mse := a.sumErr2 / n
	if rmse := math.Sqrt(mse); rmse > 0 {
		mcseMSE := math.Sqrt(a.err2.m2 / (n * (n - 1)))
		m.RMSE = Measure{rmse, mcseMSE / (2 * rmse)}
	} else {
		m.RMSE.Value = rmse
	}
	a.seMeasures(&m, sdErr)
	return m
}

// seMeasures sets the measures that need a standard error — model SE,
// SE/SD, coverage, power — over the successful replications that gave
// one (all of them for a built-in estimator); sdErr is the empirical SD.
func (a *accum) seMeasures(m *Measures, sdErr float64) {
	if a.withSE == 0 {
		return
	}
	n := float64(a.withSE)
	meanSE2, sdSE2 := a.sumSE2/n, a.se2.sd()
	modSE, varSE2 := math.Sqrt(meanSE2), sdSE2*sdSE2
	m.ModelSE.Value = modSE
	if modSE > 0 {
		m.ModelSE.MCSE = math.Sqrt(varSE2 / (4 * n * meanSE2))
	}
	if sdErr > 0 && modSE > 0 {
		ratio := modSE / sdErr
		m.SERatio = Measure{ratio, ratio * math.Sqrt(varSE2/(4*n*meanSE2*meanSE2)+1/(2*(n-1)))}
	}
	pc, pp := float64(a.cov)/n, float64(a.pow)/n
	m.Coverage = Measure{pc, math.Sqrt(pc * (1 - pc) / n)}
	m.Power = Measure{pp, math.Sqrt(pp * (1 - pp) / n)}
}

// summarizer computes a study's measures from its replications, fed in
// canonical order (by point), keeping only the current point's
// accumulators and the finished points' measures.
type summarizer struct {
	pairs []Pair
	point int     // the current point (−1 before the first row)
	acc   []accum // of the current point, one per pair
	reps  []int   // replications per point
	out   []Measures
}

func newSummarizer(pairs []Pair, npoints int) *summarizer {
	return &summarizer{pairs: slices.Clone(pairs), point: -1, acc: make([]accum, len(pairs)), reps: make([]int, npoints)}
}

// add adds one replication: a row per pair, in the pairs' order.
func (s *summarizer) add(rows []RepRow) {
	if len(rows) == 0 {
		return
	}
	for i := range rows {
		s.addRow(&rows[i], i)
	}
	s.reps[rows[0].Point]++
}

// addRow adds row r, expected (not required) to be of pair hint.
func (s *summarizer) addRow(r *RepRow, hint int) {
	if r.Point != s.point {
		s.flush()
		s.point = r.Point
	}
	j := hint
	if j >= len(s.pairs) || s.pairs[j] != (Pair{r.Estimand, r.Method}) {
		j = slices.Index(s.pairs, Pair{r.Estimand, r.Method})
		if j < 0 {
			j = len(s.pairs)
			s.pairs = append(s.pairs, Pair{r.Estimand, r.Method})
			s.acc = append(s.acc, accum{})
		}
	}
	s.acc[j].add(r)
}

// current returns the measures of the current point.
func (s *summarizer) current() []Measures {
	var out []Measures
	for j := range s.acc {
		if s.acc[j].reps > 0 {
			out = append(out, s.acc[j].measures(s.point, s.pairs[j]))
		}
	}
	return out
}

// flush closes the current point.
func (s *summarizer) flush() {
	s.out = append(s.out, s.current()...)
	clear(s.acc)
}

// finish returns the measures of every point, by point and then pair.
func (s *summarizer) finish() []Measures {
	s.flush()
	s.point = -1
	return s.out
}

// Summarize computes the measures of every (point, estimand, method)
// group of rows, which must be sorted by point: in order of point, then
// of the group's first appearance.
func Summarize(rows []RepRow) []Measures {
	npoints := 0
	for i := range rows {
		npoints = max(npoints, rows[i].Point+1)
	}
	s := newSummarizer(nil, npoints)
	for i := range rows {
		s.addRow(&rows[i], i)
	}
	return s.finish()
}
