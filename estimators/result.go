package estimators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Coef is one estimated coefficient with its standard error.
type Coef struct {
	Term     string  `json:"term"`
	Estimate float64 `json:"estimate"`
	StdError float64 `json:"std_error"`
}

// Stat returns the Wald statistic Estimate/StdError (a z or t statistic).
func (c Coef) Stat() float64 { return c.Estimate / c.StdError }

// PValue returns the two-sided p-value of the Wald statistic against the
// standard normal distribution.
func (c Coef) PValue() float64 {
	return math.Erfc(math.Abs(c.Stat()) / math.Sqrt2)
}

// PValueT returns the two-sided p-value of the t statistic with df degrees
// of freedom (as reported by R's lm): I_{df/(df+t²)}(df/2, 1/2), the
// regularised incomplete beta, accurate however small.
func (c Coef) PValueT(df float64) float64 {
	t := c.Stat()
	if math.IsNaN(t) {
		return math.NaN()
	}
	return mathext.RegIncBeta(df/2, 0.5, df/(df+t*t))
}

// CI95 returns the normal-approximation 95% confidence interval
// Estimate ± 1.959963984540054·StdError.
func (c Coef) CI95() (lo, hi float64) {
	const z = 1.959963984540054
	return c.Estimate - z*c.StdError, c.Estimate + z*c.StdError
}

// Equation is a named equation of a model (for example "selection" or
// "outcome") with its coefficients in design order and, where available,
// their covariance matrix.
type Equation struct {
	Name  string
	Coefs []Coef
	// Cov is the estimated covariance of the coefficients, in the order
	// of Coefs. It is not part of the JSON form.
	Cov *mat.SymDense
	// DF is the residual degrees of freedom n − k of a linear model's
	// equation, whose Wald statistics are t(DF) as R's summary(lm) and
	// Stata's regress report them; 0 for the asymptotic (z) inference of
	// maximum-likelihood and two-step estimators.
	DF float64
}

// PValue is the two-sided p-value of c's Wald statistic: against t(DF)
// when the equation has residual degrees of freedom, else the normal.
func (e Equation) PValue(c Coef) float64 {
	if e.DF > 0 {
		return c.PValueT(e.DF)
	}
	return c.PValue()
}

// CI95 is c's 95% interval: estimate ± t(0.975, DF)·SE when the equation
// has residual degrees of freedom (R's confint for lm), else the normal
// interval.
func (e Equation) CI95(c Coef) (lo, hi float64) {
	if e.DF > 0 {
		q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: e.DF}.Quantile(0.975)
		return c.Estimate - q*c.StdError, c.Estimate + q*c.StdError
	}
	return c.CI95()
}

// LinearFit are a least-squares fit's summary statistics, as R's
// summary(lm) reports them: R² (centred when the design has an intercept
// column, else uncentred), adjusted R², the F statistic of all slopes on
// (DF1, DF2) degrees of freedom with its p-value, and the residual
// standard error. F is the classical statistic whatever the covariance.
type LinearFit struct {
	R2, AdjR2  float64
	F, FPValue float64
	DF1, DF2   float64
	ResidualSE float64
}

// Coef returns the coefficient named term and whether it exists.
func (e Equation) Coef(term string) (Coef, bool) {
	for _, c := range e.Coefs {
		if c.Term == term {
			return c, true
		}
	}
	return Coef{}, false
}

// Aux is an auxiliary parameter (λ, σ, ρ, ...). Its standard error is
// reported only when HasSE is true.
type Aux struct {
	Name     string
	Estimate float64
	StdError float64
	HasSE    bool
}

// Result is what every estimator returns. Its JSON form (MarshalJSON) is
// the object documented in SPEC §11, with keys in a fixed order.
type Result struct {
	Method    string
	N         int // observations used
	NSelected int // selected observations (selection models); 0 otherwise
	Equations []Equation
	Auxiliary []Aux
	// Effects holds treatment effects (ate, att, atu) where a method
	// estimates them.
	Effects    []Aux
	Converged  bool
	Iterations int
	LogLik     *float64
	// Fit holds a least-squares fit's R², F and residual SE (ols).
	Fit *LinearFit
	// Params is the number of estimated parameters behind LogLik (AIC and
	// BIC count them); 0 without a log-likelihood.
	Params int
	// Cov is the covariance of all the parameters of a joint
	// maximum-likelihood fit — R's vcov(), Stata's e(V) — in the order of
	// CovNames ("equation:term" for an equation's coefficients, the
	// auxiliary parameter's name for one on the transformed scale, such as
	// "athrho"): what a prediction combining equations (an ordered
	// model's β and cutpoints) needs for its delta-method standard error.
	// Set by the ordered models, nil otherwise (each equation's own block
	// is Equation.Cov). Not part of the JSON form.
	Cov      *mat.SymDense
	CovNames []string
	// Tests are the model's own hypothesis tests — of independent
	// equations (ρ = 0) for the joint models — in the order the
	// estimator reports them.
	Tests []ChiSquareTest
}

// ChiSquareTest is a hypothesis test whose statistic is χ²(DF) under the
// null: its Name, the Statistic, DF and the upper-tail PValue.
type ChiSquareTest struct {
	Name      string
	Statistic float64
	DF        int
	PValue    float64
}

func chiSquareTest(name string, stat float64, df int) ChiSquareTest {
	stat = math.Max(stat, 0) // an LR statistic a hair below 0 is 0
	return ChiSquareTest{Name: name, Statistic: stat, DF: df,
		PValue: distuv.ChiSquared{K: float64(df)}.Survival(stat)}
}

// fullCov returns the p×p row-major covariance c as a SymDense.
func fullCov(c []float64, p int) *mat.SymDense {
	return mat.NewSymDense(p, append([]float64(nil), c...))
}

// covNames labels the parameters of a joint fit: "eq:term" for the terms
// of each equation in eqs (lists[i] for eqs[i]), then the names in any
// further lists as they are.
func covNames(eqs []string, lists ...[]string) []string {
	var out []string
	for i, l := range lists {
		for _, t := range l {
			if i < len(eqs) {
				t = eqs[i] + ":" + t
			}
			out = append(out, t)
		}
	}
	return out
}

// Test returns the test called name and whether r reports it.
func (r *Result) Test(name string) (ChiSquareTest, bool) {
	for _, t := range r.Tests {
		if t.Name == name {
			return t, true
		}
	}
	return ChiSquareTest{}, false
}

// AIC is Akaike's criterion −2ℓ + 2p, and false without a log-likelihood.
func (r *Result) AIC() (float64, bool) {
	if r.LogLik == nil || r.Params == 0 {
		return 0, false
	}
	return -2**r.LogLik + 2*float64(r.Params), true
}

// BIC is Schwarz's criterion −2ℓ + p·ln n, and false without a
// log-likelihood.
func (r *Result) BIC() (float64, bool) {
	if r.LogLik == nil || r.Params == 0 {
		return 0, false
	}
	return -2**r.LogLik + math.Log(float64(r.N))*float64(r.Params), true
}

// Equation returns the equation called name and whether it exists.
func (r *Result) Equation(name string) (Equation, bool) {
	for _, e := range r.Equations {
		if e.Name == name {
			return e, true
		}
	}
	return Equation{}, false
}

// Aux returns the auxiliary parameter called name and whether it exists.
func (r *Result) Aux(name string) (Aux, bool) {
	for _, a := range r.Auxiliary {
		if a.Name == name {
			return a, true
		}
	}
	return Aux{}, false
}

// check reports an error if any number in r is not finite, so that no
// NaN or Inf ever reaches the output.
func (r *Result) check() error {
	bad := func(what string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %s is %v", r.Method, what, v)
		}
		return nil
	}
	for _, e := range r.Equations {
		for _, c := range e.Coefs {
			if err := bad(e.Name+" "+c.Term+" estimate", c.Estimate); err != nil {
				return err
			}
			if err := bad(e.Name+" "+c.Term+" standard error", c.StdError); err != nil {
				return err
			}
		}
	}
	for _, list := range [][]Aux{r.Auxiliary, r.Effects} {
		for _, a := range list {
			if err := bad(a.Name+" estimate", a.Estimate); err != nil {
				return err
			}
			if a.HasSE {
				if err := bad(a.Name+" standard error", a.StdError); err != nil {
					return err
				}
			}
		}
	}
	if r.LogLik != nil {
		if err := bad("log-likelihood", *r.LogLik); err != nil {
			return err
		}
	}
	for _, t := range r.Tests {
		if err := bad("test "+t.Name, t.Statistic+t.PValue); err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON writes the SPEC §11 object:
//
//	{"method":..., "n":..., "n_selected":..., "equations":{...},
//	 "auxiliary":{...}, "effects":{...}, "converged":..., "iterations":...,
//	 "log_likelihood":..., "aic":..., "bic":..., "tests":{...}, "fit":{...}}
//
// Equations and auxiliary parameters appear in the order the estimator
// produced them; auxiliary parameters without a standard error carry only
// "estimate". "tests" (see testsJSON) and "fit" appear only where the
// method has them.
func (r *Result) MarshalJSON() ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	put := func(v any) error {
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(j)
		return nil
	}
	auxObj := func(list []Aux) error {
		b.WriteByte('{')
		for i, a := range list {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := put(a.Name); err != nil {
				return err
			}
			b.WriteString(`:{"estimate":`)
			if err := put(a.Estimate); err != nil {
				return err
			}
			if a.HasSE {
				b.WriteString(`,"std_error":`)
				if err := put(a.StdError); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
		return nil
	}
	b.WriteString(`{"method":`)
	if err := put(r.Method); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, `,"n":%d,"n_selected":%d,"equations":{`, r.N, r.NSelected)
	for i, e := range r.Equations {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := put(e.Name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := put(jsonCoefs(e)); err != nil {
			return nil, err
		}
	}
	b.WriteString(`},"auxiliary":`)
	if err := auxObj(r.Auxiliary); err != nil {
		return nil, err
	}
	b.WriteString(`,"effects":`)
	if err := auxObj(r.Effects); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, `,"converged":%t,"iterations":%d,"log_likelihood":`, r.Converged, r.Iterations)
	if r.LogLik == nil {
		b.WriteString("null")
	} else if err := put(*r.LogLik); err != nil {
		return nil, err
	}
	for _, ic := range []struct {
		key string
		f   func() (float64, bool)
	}{{"aic", r.AIC}, {"bic", r.BIC}} {
		fmt.Fprintf(&b, `,%q:`, ic.key)
		if v, ok := ic.f(); ok {
			if err := put(v); err != nil {
				return nil, err
			}
		} else {
			b.WriteString("null")
		}
	}
	if err := r.testsJSON(&b); err != nil {
		return nil, err
	}
	if r.Fit != nil {
		b.WriteString(`,"fit":`)
		f := r.Fit
		if err := put(jsonFit{finitePtr(f.R2), finitePtr(f.AdjR2), finitePtr(f.F), f.DF1, f.DF2, finitePtr(f.FPValue), finitePtr(f.ResidualSE)}); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// testsJSON writes the key "tests", when r has any:
//
//	,"tests":{"lr_rho0":{"statistic":…,"df":1,"p_value":…},…}
func (r *Result) testsJSON(b *bytes.Buffer) error {
	if len(r.Tests) == 0 {
		return nil
	}
	type jt struct {
		Statistic float64 `json:"statistic"`
		DF        int     `json:"df"`
		PValue    float64 `json:"p_value"`
	}
	b.WriteString(`,"tests":{`)
	for i, t := range r.Tests {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(t.Name)
		v, err := json.Marshal(jt{t.Statistic, t.DF, t.PValue})
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return nil
}

// jsonCoef is a coefficient in the JSON form: with its Wald statistic,
// p-value and, for a linear model, the residual degrees of freedom (null
// for z statistics).
type jsonCoef struct {
	Term      string   `json:"term"`
	Estimate  float64  `json:"estimate"`
	StdError  float64  `json:"std_error"`
	Statistic *float64 `json:"statistic"`
	PValue    *float64 `json:"p_value"`
	DF        *float64 `json:"df"`
}

// finitePtr is x, or nil (null) when x is not finite.
func finitePtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func jsonCoefs(e Equation) []jsonCoef {
	out := make([]jsonCoef, 0, len(e.Coefs))
	var df *float64
	if e.DF > 0 {
		df = &e.DF
	}
	for _, c := range e.Coefs { // a zero SE has no statistic: null
		out = append(out, jsonCoef{Term: c.Term, Estimate: c.Estimate, StdError: c.StdError,
			Statistic: finitePtr(c.Stat()), PValue: finitePtr(e.PValue(c)), DF: df})
	}
	return out
}

type jsonFit struct {
	R2         *float64 `json:"r_squared"`
	AdjR2      *float64 `json:"adj_r_squared"`
	F          *float64 `json:"f"`
	DF1        float64  `json:"f_df1"`
	DF2        float64  `json:"f_df2"`
	FPValue    *float64 `json:"f_p_value"`
	ResidualSE *float64 `json:"residual_se"`
}
