package textbook

import (
	"fmt"
	"math"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/truth"
)

// CovariateNames returns the names of the k covariates: x1, …, xk. They
// are the column names in episodes.csv and the term names an R-style
// formula gives them.
func CovariateNames(k int) []string {
	names := make([]string, k)
	for j := range names {
		names[j] = fmt.Sprintf("x%d", j+1)
	}
	return names
}

// Truth returns the true value of every textbook-mode estimand for the
// sample s drawn from tb, in a fixed order:
//
//	beta_(Intercept), beta_x1 … beta_xk     outcome coefficients
//	gamma_(Intercept), gamma_x1 … gamma_xk, gamma_z   selection coefficients
//	rho, sigma, lambda                       error correlation, scale, ρσ
//	ate_contact_outcome, att_…, atu_…        effect of s on w
//	mean_satisfaction_population             mean y over all observations
//	mean_satisfaction_given_x                mean E[y | x] over all observations
//	mean_satisfaction_observed               mean y over s = 1
//	selection_rate                           share with s = 1
//
// Parameters have N = 0; sample quantities carry the number of
// observations averaged over. With a linear outcome the treatment effect
// is δ for every unit, so the three effects are reported as δ exactly
// (the sample means of W1 − W0 equal δ up to floating-point rounding).
// With a binary or ordered outcome (see outcomeTruth) the coefficients
// are on the probit scale (β/σ; an ordered outcome has cutpoints instead
// of an intercept), σ and λ are not identified and left out, and the
// effect is an average of probabilities. mean_satisfaction_observed is
// omitted when no observation is selected, since it is undefined.
func Truth(tb scenarios.Textbook, s *Sample) []truth.Estimand {
	k := len(tb.Beta) - 1
	names := CovariateNames(k)
	out := make([]truth.Estimand, 0, 2*k+13+len(tb.Cutpoints))
	add := func(id, def string, v float64, n int) {
		out = append(out, truth.Estimand{ID: id, Definition: def, Value: v, N: n})
	}
	if tb.Outcome == "binary" || tb.Outcome == "ordered" {
		return outcomeTruth(tb, s, names, out)
	}
	const outcomeEq = "the outcome (satisfaction) equation y = β0 + Σ βj xj + σε"
	add("beta_(Intercept)", "intercept β0 of "+outcomeEq, tb.Beta[0], 0)
	for j, nm := range names {
		add("beta_"+nm, "coefficient of "+nm+" in "+outcomeEq, tb.Beta[j+1], 0)
	}
	out = selectionTruth(tb, names, out)
	add("sigma", "standard deviation σ of the outcome error σε", tb.Sigma, 0)
	add("lambda", "ρσ, the covariance of the outcome error σε with the selection error u; with normal errors E[y | x, z, contacted] = xβ + ρσ·φ(index)/Φ(index), so it is the coefficient on the inverse Mills ratio in Heckman's two-step estimator", tb.Rho*tb.Sigma, 0)

	n := s.N
	sel := s.Selected()
	add("ate_contact_outcome", "mean of w(1) − w(0) over all observations, where w(d) = β0 + Σ βj xj + δd + σε is the outcome had contacted been d; equals δ for every observation in this model", tb.Delta, n)
	add("att_contact_outcome", "mean of w(1) − w(0) over observations that contacted (s = 1); equals δ", tb.Delta, sel)
	add("atu_contact_outcome", "mean of w(1) − w(0) over observations that did not contact (s = 0); equals δ", tb.Delta, n-sel)
	// Mean of xᵢ'β: the population mean of satisfaction given the
	// covariates, without the sample mean of the errors; what a fitted
	// outcome equation predicts at the covariates' sample mean.
	meanXB := tb.Beta[0]
	for j := range k {
		var sx float64
		for _, x := range s.X[j][:n] {
			sx += x
		}
		meanXB += tb.Beta[j+1] * sx / float64(n)
	}
	return meansTruth(s, "latent satisfaction", meanXB, "mean over all observations of E[y | x] = β0 + Σ βj xj, the population mean satisfaction given the covariates (mean_satisfaction_population without the sample mean of the errors σε); a fitted outcome equation estimates it by x̄'β̂", out)
}

// selectionTruth appends the selection equation's coefficients and ρ.
func selectionTruth(tb scenarios.Textbook, names []string, out []truth.Estimand) []truth.Estimand {
	const selectionEq = "the selection (contact) equation s* = γ0 + Σ γj xj + γz z + u, contacted = 1{s* > 0}"
	add := func(id, def string, v float64) {
		out = append(out, truth.Estimand{ID: id, Definition: def, Value: v})
	}
	add("gamma_(Intercept)", "intercept γ0 of "+selectionEq+" (u has variance 1, the probit scale)", tb.Gamma[0])
	for j, nm := range names {
		add("gamma_"+nm, "coefficient of "+nm+" in "+selectionEq, tb.Gamma[j+1])
	}
	add("gamma_z", "coefficient γz of the excluded instrument z in "+selectionEq+"; z does not enter the outcome equations (the exclusion restriction)", tb.Exclusion)
	add("rho", "correlation of the selection error u and the outcome error ε (both of variance 1)", tb.Rho)
	return out
}

// meansTruth appends the population, given-x and observed means of y and
// the selection rate.
func meansTruth(s *Sample, yWord string, givenX float64, givenXDef string, out []truth.Estimand) []truth.Estimand {
	n, sel := s.N, 0
	var sumY, sumYSel float64
	for i := range n {
		sumY += s.Y[i]
		if s.S[i] {
			sel++
			sumYSel += s.Y[i]
		}
	}
	add := func(id, def string, v float64, n int) {
		out = append(out, truth.Estimand{ID: id, Definition: def, Value: v, N: n})
	}
	add("mean_satisfaction_population", "mean of the "+yWord+" y over all observations, contacted or not (the population target)", sumY/float64(n), n)
	add("mean_satisfaction_given_x", givenXDef, givenX, n)
	if sel > 0 {
		add("mean_satisfaction_observed", "mean of satisfaction y over the observations that contacted (what the firm observes)", sumYSel/float64(sel), sel)
	}
	add("selection_rate", "share of observations that contacted (s = 1)", float64(sel)/float64(n), n)
	return out
}

// linearIndex returns β0 + Σ βj xj of observation i.
func linearIndex(tb scenarios.Textbook, s *Sample, i int) float64 {
	xb := tb.Beta[0]
	for j, x := range s.X {
		xb += tb.Beta[j+1] * x[i]
	}
	return xb
}

// outcomeTruth is Truth for a binary or ordered outcome. With normal
// errors, E[y | x] = F(xβ) where F(m) = Φ(m/σ) (binary) or
// 1 + Σⱼ Φ((m − κⱼ)/σ) (ordered), and the effect of contact given x is
// F(xβ + δ) − F(xβ); the ATE is its mean over all observations — the
// average of predicted-probability differences that a probit-type model
// estimates, without the sample noise of the errors.
func outcomeTruth(tb scenarios.Textbook, s *Sample, names []string, out []truth.Estimand) []truth.Estimand {
	add := func(id, def string, v float64, n int) {
		out = append(out, truth.Estimand{ID: id, Definition: def, Value: v, N: n})
	}
	sg := tb.Sigma
	latent := "the latent outcome y* = β0 + Σ βj xj + σε"
	if tb.Outcome == "binary" {
		add("beta_(Intercept)", "β0/σ: the intercept of "+latent+" on the probit scale (y = 1{y* > 0})", tb.Beta[0]/sg, 0)
	}
	for j, nm := range names {
		add("beta_"+nm, "βj/σ: the coefficient of "+nm+" in "+latent+" on the probit scale", tb.Beta[j+1]/sg, 0)
	}
	if tb.Outcome == "ordered" {
		for j, c := range tb.Cutpoints {
			add(fmt.Sprintf("cut%d", j+1), fmt.Sprintf("(κ%d − β0)/σ: cutpoint %d of %s on the probit scale, the intercept absorbed (y = 1 + #{κ < y*})", j+1, j+1, latent), (c-tb.Beta[0])/sg, 0)
		}
	}
	out = selectionTruth(tb, names, out)
	n := s.N
	var given float64
	for i := range n {
		given += expectedOutcome(tb, linearIndex(tb, s, i))
	}
	add("ate_contact_outcome", "mean over all observations of E[w(1) − w(0) | x] = F(xβ + δ) − F(xβ), F(m) = E[y | xβ = m] under normal errors: the average difference of predicted outcomes (probabilities for a binary outcome)", trueATE(tb, s), n)
	att, atu, sel := trueATTATU(tb, s)
	if sel > 0 {
		add("att_contact_outcome", "mean over observations that contacted of E[w(1) − w(0) | x, z, s = 1]: the effect for those whose contact error u exceeds −(γ0 + Σ γj xj + γz z), which with ρ ≠ 0 shifts their outcome error; Φ₂((xβ + δ)/σ, c; ρ)/Φ(c) − Φ₂(xβ/σ, c; ρ)/Φ(c) for a binary outcome, c the selection index", att, sel)
	}
	if sel < n {
		add("atu_contact_outcome", "mean over observations that did not contact of E[w(1) − w(0) | x, z, s = 0]: as att_contact_outcome with Pr(ε > −m/σ | u < −c) = [Φ(m/σ) − Φ₂(m/σ, c; ρ)]/Φ(−c)", atu, n-sel)
	}
	return meansTruth(s, tb.Outcome+" satisfaction", given/float64(n), "mean over all observations of E[y | x] = F(β0 + Σ βj xj): Φ(xβ/σ) for a binary outcome, 1 + Σj Φ((xβ − κj)/σ) for an ordered one", out)
}

// trueATE is the ate_contact_outcome of Truth: δ, or for a binary or
// ordered outcome the mean of F(xβ + δ) − F(xβ).
func trueATE(tb scenarios.Textbook, s *Sample) float64 {
	if tb.Outcome != "binary" && tb.Outcome != "ordered" {
		return tb.Delta
	}
	var ate float64
	for i := range s.N {
		xb := linearIndex(tb, s, i)
		ate += expectedOutcome(tb, xb+tb.Delta) - expectedOutcome(tb, xb)
	}
	return ate / float64(s.N)
}

// trueATTATU returns the mean over the contacted (att) and the others
// (atu) of E[w(1) − w(0) | x, z, s] for a binary or ordered outcome, and
// the number contacted. Given s = 1 the contact error u exceeds −c, c the
// selection index, so Pr(m + σε > κ | s = 1) = Φ₂((m − κ)/σ, c; ρ)/Φ(c)
// and Pr(m + σε > κ | s = 0) = [Φ((m − κ)/σ) − Φ₂((m − κ)/σ, c; ρ)]/Φ(−c);
// E[w(d) | s] sums these over the thresholds κ (0 for a binary outcome,
// the cutpoints for an ordered one).
func trueATTATU(tb scenarios.Textbook, s *Sample) (att, atu float64, sel int) {
	cuts := tb.Cutpoints
	if tb.Outcome == "binary" {
		cuts = []float64{0}
	}
	given := func(m, c float64, treated bool) float64 {
		var e float64
		for _, k := range cuts {
			a := (m - k) / tb.Sigma
			p2 := biNormCDF(a, c, tb.Rho)
			if treated {
				e += p2 / normalCDF(c)
			} else {
				e += (normalCDF(a) - p2) / normalCDF(-c)
			}
		}
		return e
	}
	for i := range s.N {
		m, c := linearIndex(tb, s, i), Index(tb, s, i)
		d := given(m+tb.Delta, c, s.S[i]) - given(m, c, s.S[i])
		if s.S[i] {
			att += d
			sel++
		} else {
			atu += d
		}
	}
	if sel > 0 {
		att /= float64(sel)
	}
	if sel < s.N {
		atu /= float64(s.N - sel)
	}
	return att, atu, sel
}

// expectedOutcome is F(m) = E[observe(m + σε)] for ε ~ N(0, 1).
func expectedOutcome(tb scenarios.Textbook, m float64) float64 {
	if tb.Outcome == "binary" {
		return normalCDF(m / tb.Sigma)
	}
	f := 1.0
	for _, k := range tb.Cutpoints {
		f += normalCDF((m - k) / tb.Sigma)
	}
	return f
}

// Summary holds the headline figures of a textbook sample: what the firm
// sees next to what is true. Means over an empty group are NaN.
type Summary struct {
	// N is the number of observations, Selected how many contacted.
	N, Selected int
	// SelectionRate is Selected / N.
	SelectionRate float64
	// MeanSatisfactionObserved is the mean of y among the contacted;
	// MeanSatisfactionPopulation the mean of y over everyone;
	// SelectionBias their difference (observed − population).
	MeanSatisfactionObserved   float64
	MeanSatisfactionPopulation float64
	SelectionBias              float64
	// NaiveEffect is mean w among the contacted minus mean w among the
	// rest; TrueEffect is δ (the ATE); NaiveBias their difference.
	NaiveEffect float64
	TrueEffect  float64
	NaiveBias   float64
}

// Summarize computes the Summary of s, drawn from tb.
func Summarize(tb scenarios.Textbook, s *Sample) Summary {
	var sumY, sumY1, sumW1, sumW0 float64
	sel := 0
	for i := range s.N {
		sumY += s.Y[i]
		if s.S[i] {
			sel++
			sumY1 += s.Y[i]
			sumW1 += s.W[i]
		} else {
			sumW0 += s.W[i]
		}
	}
	div := func(a float64, b int) float64 {
		if b == 0 {
			return math.NaN()
		}
		return a / float64(b)
	}
	sm := Summary{N: s.N, Selected: sel, SelectionRate: div(float64(sel), s.N),
		MeanSatisfactionObserved:   div(sumY1, sel),
		MeanSatisfactionPopulation: div(sumY, s.N),
		TrueEffect:                 trueATE(tb, s)}
	sm.SelectionBias = sm.MeanSatisfactionObserved - sm.MeanSatisfactionPopulation
	sm.NaiveEffect = div(sumW1, sel) - div(sumW0, s.N-sel)
	sm.NaiveBias = sm.NaiveEffect - sm.TrueEffect
	return sm
}
