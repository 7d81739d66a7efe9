package classroom

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/study"
	"github.com/redress-sim/redress/textbook"
)

// maxPoints is the most observations a lesson's scatter plot gets.
const maxPoints = 600

// Slider ranges of the textbook lessons. n is capped so that a slider
// update stays well under a second with a class of fifty on two cores.
var (
	paramRho       = Param{Name: "rho", Label: "ρ: how much the unobserved reasons to answer also drive satisfaction", Help: "correlation of the selection and outcome errors", Min: -0.95, Max: 0.95, Step: 0.05, Default: 0.6}
	paramExclusion = Param{Name: "exclusion", Label: "strength of the reminder (a reason to answer unrelated to satisfaction)", Help: "coefficient of the excluded instrument z in the selection equation", Min: 0, Max: 3, Step: 0.1, Default: 1.5}
	paramN         = Param{Name: "n", Label: "customers surveyed", Help: "sample size", Min: 100, Max: 5000, Step: 100, Default: 1000}
	paramErrors    = Param{Name: "errors", Label: "error distribution", Help: "the law of the errors; Heckman's models assume normal", Choices: []string{"normal", "t", "skew_normal", "uniform", "mixture"}}
)

// textbookTOML is a textbook scenario with the lesson's sliders.
func textbookTOML(id, what string, v Values, seed uint64, extra string) string {
	return fmt.Sprintf(`# redress classroom, lesson %q: %s
name = "classroom-%s"
mode = "textbook"
seed = %d

[population]
size = %d

[textbook]
rho = %s
exclusion = %s
errors = %q
%s`, id, what, id, seed, int(v.Num("n")), fmtNum(v.Num("rho")), fmtNum(v.Num("exclusion")), v.Str("errors"), extra)
}

func surveyLesson() Lesson {
	return Lesson{
		ID: "survey", Title: "Who answers the survey?",
		Intro: "A firm surveys the customers who contacted support. Whether a customer answers depends on things the firm records (x1, x2), on a reminder z that has nothing to do with satisfaction, and on reasons the firm cannot see. When those hidden reasons also drive satisfaction (ρ ≠ 0), the survey mean is not the population mean, and neither is least squares on the respondents.",
		Notice: []string{
			"At ρ = 0 every estimator is close to the truth: selection on observables alone does no harm here.",
			"As ρ grows, the survey mean and OLS drift away from the truth; heckit and heckman stay near it, with wider intervals.",
			"Run replications: the naive and OLS intervals cover the truth far less often than 95%; Heckman's stay near 95%.",
		},
		Try: []string{
			"Set the reminder's strength to 0: with no exclusion restriction heckit's interval balloons and heckman leans on normality.",
			"Switch the errors to skew_normal or mixture at ρ = 0.6 and run replications: the correction is no longer unbiased.",
			"Raise n: the biased estimators do not get closer to the truth, only more confident.",
		},
		Params:     []Param{paramRho, paramExclusion, paramN, paramErrors},
		Replicates: true,
		toml: func(v Values, seed uint64) string {
			return textbookTOML("survey", "who answers the survey?", v, seed, "")
		},
		command: "run FILE\nbias FILE --reps 200 --estimators naive,ols,heckit,heckman",
		run: func(ctx context.Context, sc *scenarios.Scenario, v Values, rep uint64) (*Result, error) {
			return textbookResult(ctx, sc, rep, "mean_satisfaction_given_x", "true mean satisfaction (everyone)",
				[]string{"naive", "ols", "heckit", "heckman"}, map[string]string{
					"naive": "survey mean (respondents)", "ols": "OLS on respondents", "heckit": "Heckman two-step", "heckman": "Heckman ML"})
		},
	}
}

func contactLesson() Lesson {
	return Lesson{
		ID: "contact", Title: "Does contacting support help?",
		Intro: "Customers who contact support differ from those who do not, in what the firm records and in what it cannot see. Comparing their outcomes mixes the effect of contact with who chose to contact. The truth here is known: contact raises the outcome by δ = 1 for everyone.",
		Notice: []string{
			"The naive difference, OLS, IPW and matching only adjust for what is recorded: at ρ ≠ 0 they are all off by about the same amount.",
			"IV and the endogenous-treatment model (treatreg) use the reminder z and recover δ.",
			"At ρ = 0 every estimator is near the truth: there is no hidden selection to correct.",
		},
		Try: []string{
			"Weaken the reminder toward 0: IV's interval widens until it says nothing; treatreg leans on normality instead.",
			"Make ρ negative: the naive difference now understates the effect.",
			"Run replications and compare the coverage of IPW and IV.",
		},
		Params:     []Param{paramRho, paramExclusion, paramN, paramErrors},
		Replicates: true,
		toml: func(v Values, seed uint64) string {
			return textbookTOML("contact", "does contacting support help?", v, seed, "")
		},
		command: "run FILE\nbias FILE --reps 200 --estimators naive,ols,ipw,psm,iv,treatreg-twostep,treatreg",
		run: func(ctx context.Context, sc *scenarios.Scenario, v Values, rep uint64) (*Result, error) {
			return textbookResult(ctx, sc, rep, "ate_contact_outcome", "effect of contact on the outcome (ATE)",
				[]string{"naive", "ols", "ipw", "psm", "iv", "treatreg-twostep", "treatreg"}, map[string]string{
					"naive": "contacted minus not", "ols": "OLS with covariates", "ipw": "inverse probability weighting", "psm": "propensity-score matching",
					"iv": "instrumental variables (z)", "treatreg-twostep": "endogenous treatment, two-step", "treatreg": "endogenous treatment, ML"})
		},
	}
}

// textbookResult simulates one replication, runs the methods on what the
// firm observes and sets their estimates of the estimand beside its truth.
func textbookResult(ctx context.Context, sc *scenarios.Scenario, rep uint64, estimand, label string, methods []string, labels map[string]string) (*Result, error) {
	res, err := sim.Run(ctx, sc, sim.Options{Replication: rep, Collect: true, Workers: 1})
	if err != nil {
		return nil, err
	}
	rows, err := study.EvaluateMethods(res.Episodes, study.KindOf(sc), res.Truth, methods)
	if err != nil {
		return nil, err
	}
	tr, _ := res.Truth.Get(estimand)
	out := &Result{Estimand: &Estimand{ID: estimand, Label: label, Definition: tr.Definition, Truth: Num(tr.Value)}}
	for _, r := range rows {
		if r.Estimand != estimand {
			continue
		}
		out.Estimates = append(out.Estimates, estimateOf(r, labels[r.Method]))
	}
	t := res.Textbook
	if estimand == "ate_contact_outcome" {
		for _, id := range []string{"att_contact_outcome", "atu_contact_outcome"} {
			if e, ok := res.Truth.Get(id); ok {
				out.Estimand.Others = append(out.Estimand.Others, Figure{Label: strings.ToUpper(id[:3]), Value: Num(e.Value), Kind: "truth"})
			}
		}
		out.Headline = []Figure{{"contacted minus not (what the firm sees)", Num(t.NaiveEffect), "dashboard"}, {"true effect of contact", Num(t.TrueEffect), "truth"}}
	} else {
		out.Headline = []Figure{{"survey mean (respondents)", Num(t.MeanSatisfactionObserved), "dashboard"}, {"true mean (everyone)", Num(tr.Value), "truth"}}
	}
	out.Messages = []string{fmt.Sprintf("%d of %d customers (%.0f%%) contacted support and are observed.", t.Selected, t.N, 100*t.SelectionRate)}
	if out.Points, err = samplePoints(ctx, sc, rep); err != nil {
		return nil, err
	}
	return out, nil
}

// estimateOf turns a study row into an Estimate.
func estimateOf(r study.Row, label string) Estimate {
	e := Estimate{Method: r.Method, Label: label, Estimate: Num(r.Estimate), SE: Num(r.StdError)}
	if r.Err != nil || math.IsNaN(r.Estimate) || math.IsNaN(r.StdError) {
		e.Estimate, e.SE, e.Lo, e.Hi = Num(math.NaN()), Num(math.NaN()), Num(math.NaN()), Num(math.NaN())
		e.Error = "failed"
		if r.Err != nil {
			e.Error = firstLine(r.Err.Error())
		}
		return e
	}
	lo, hi := r.CI95()
	e.Lo, e.Hi, e.Covers = Num(lo), Num(hi), r.Covers()
	return e
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// samplePoints draws the replication's population again (the same keyed
// random numbers) for the scatter plot: x1 against the latent
// satisfaction, the respondents marked.
func samplePoints(ctx context.Context, sc *scenarios.Scenario, rep uint64) (*Points, error) {
	s, err := textbook.Simulate(ctx, sc.Textbook, sc.Population.Size, sc.Seed, rep)
	if err != nil {
		return nil, err
	}
	m := min(s.N, maxPoints)
	p := &Points{XLabel: "x1 (recorded)", YLabel: "satisfaction (latent)", N: s.N, Observed: s.Selected(),
		X: make([]Num, m), Y: make([]Num, m), Selected: make([]bool, m)}
	for i := range m { // observations are independent: the first m are a random sample
		p.X[i], p.Y[i], p.Selected[i] = Num(s.X[0][i]), Num(s.Y[i]), s.S[i]
	}
	return p, nil
}
