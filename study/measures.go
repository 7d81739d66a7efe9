package study

import (
	"encoding/json"
	"math"
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

// computeMeasures returns the measures of one (point, estimand, method)
// group of rows, in replication order.
func computeMeasures(rows []*RepRow) Measures {
	nan := math.NaN()
	m := Measures{Reps: len(rows)}
	if len(rows) > 0 {
		m.Point, m.Estimand, m.Method = rows[0].Point, rows[0].Estimand, rows[0].Method
	}
	var est, errs, se2 []float64
	var sumTruthAll, sumTruth float64
	cov, pow := 0, 0
	for _, r := range rows {
		sumTruthAll += r.Truth
		if r.Error != "" {
			m.Failures++
			continue
		}
		rr := r.row()
		est = append(est, r.Estimate)
		errs = append(errs, r.Estimate-r.Truth)
		se2 = append(se2, r.StdError*r.StdError)
		sumTruth += r.Truth
		if rr.Covers() {
			cov++
		}
		if rr.Rejects() {
			pow++
		}
	}
	N := float64(len(rows))
	n := float64(len(est))
	m.OK = len(est)
	m.MeanTruth = nan
	if len(rows) > 0 {
		m.MeanTruth = sumTruthAll / N
		f := float64(m.Failures) / N
		m.FailureRate = Measure{f, math.Sqrt(f * (1 - f) / N)}
	} else {
		m.FailureRate = Measure{nan, nan}
	}
	all := []*Measure{&m.MeanEstimate, &m.Bias, &m.RelBias, &m.EmpSD, &m.RMSE, &m.ModelSE, &m.SERatio, &m.Coverage, &m.Power}
	for _, p := range all {
		*p = Measure{nan, nan}
	}
	if m.OK == 0 {
		return m
	}
	m.fromSamples(est, errs, se2, sumTruth/n, cov, pow)
	return m
}

// fromSamples sets the measures of the successful replications: their
// estimates, errors θ̂ − θ, squared SEs, mean truth, and how many
// intervals covered the truth and rejected 0.
func (m *Measures) fromSamples(est, errs, se2 []float64, meanTruth float64, cov, pow int) {
	nan, n := math.NaN(), float64(len(est))
	meanEst, sdEst := meanSD(est)
	bias, sdErr := meanSD(errs)
	m.MeanEstimate = Measure{meanEst, sdEst / math.Sqrt(n)}
	m.Bias = Measure{bias, sdErr / math.Sqrt(n)}
	if meanTruth != 0 {
		m.RelBias = Measure{bias / meanTruth, m.Bias.MCSE / math.Abs(meanTruth)}
	}
	// The empirical SD is that of the errors θ̂ − θ: the SD of θ̂ when the
	// truth is fixed, and the right yardstick for the model SE when the
	// truth varies by replication (a finite-sample estimand).
	m.EmpSD = Measure{sdErr, sdErr / math.Sqrt(2*(n-1))}
	mse := 0.0
	for _, e := range errs {
		mse += e * e
	}
	mse /= n
	ss := 0.0
	for _, e := range errs {
		d := e*e - mse
		ss += d * d
	}
	rmse := math.Sqrt(mse)
	mcseMSE := math.Sqrt(ss / (n * (n - 1)))
	m.RMSE = Measure{rmse, nan}
	if rmse > 0 {
		m.RMSE.MCSE = mcseMSE / (2 * rmse)
	}
	meanSE2, sdSE2 := meanSD(se2)
	modSE := math.Sqrt(meanSE2)
	varSE2 := sdSE2 * sdSE2
	m.ModelSE = Measure{modSE, nan}
	if modSE > 0 {
		m.ModelSE.MCSE = math.Sqrt(varSE2 / (4 * n * meanSE2))
	}
	if sdErr > 0 && modSE > 0 {
		ratio := modSE / sdErr
		m.SERatio = Measure{ratio, ratio * math.Sqrt(varSE2/(4*n*meanSE2*meanSE2)+1/(2*(n-1)))}
	}
	pc := float64(cov) / n
	m.Coverage = Measure{pc, math.Sqrt(pc * (1 - pc) / n)}
	pp := float64(pow) / n
	m.Power = Measure{pp, math.Sqrt(pp * (1 - pp) / n)}
}

// meanSD returns the mean and the sample SD (n − 1 divisor; NaN for n < 2).
func meanSD(x []float64) (float64, float64) {
	n := float64(len(x))
	s := 0.0
	for _, v := range x {
		s += v
	}
	mean := s / n
	if len(x) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, v := range x {
		d := v - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / (n - 1))
}

// Summarize computes the measures of every (point, estimand, method)
// group of rows in canonical order (by point, then in order of first
// appearance).
func Summarize(rows []RepRow) []Measures {
	type key struct {
		p    int
		e, m string
	}
	groups := map[key][]*RepRow{}
	var order []key
	for i := range rows {
		r := &rows[i]
		k := key{r.Point, r.Estimand, r.Method}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]Measures, 0, len(order))
	for _, k := range order {
		out = append(out, computeMeasures(groups[k]))
	}
	return out
}
