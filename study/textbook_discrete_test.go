package study

import (
	"context"
	"math"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// TestTextbookDiscreteMonteCarlo: on the textbook-binary and
// textbook-ordered presets (ρ = 0.6, a strong exclusion restriction,
// n = 1000 here), the models of the outcome's kind that allow for
// selection — heckprobit, heckoprobit, and biprobit for the effect of
// contact — are unbiased for every estimand on the probit scale and their
// 95% intervals cover it in 95% of replications, while the probits on the
// contacted alone, the naive means and the regressions ignoring the
// endogenous contact are biased.
//
// Tolerances come from the Monte Carlo standard errors of R = 150
// replications, run through Bias as a user runs them: |bias| < 3 MCSE for
// the consistent methods and > 4 MCSE for the others, |coverage − 0.95| <
// 3·√(0.95·0.05/R) = 0.053.
func TestTextbookDiscreteMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo study")
	}
	const R = 150
	for _, tc := range []struct {
		preset           string
		unbiased, biased [][2]string // (estimand, method)
	}{
		{"textbook-binary",
			[][2]string{{"mean_satisfaction_given_x", "heckprobit"}, {"beta_x1", "heckprobit"}, {"ate_contact_outcome", "biprobit"},
				{"att_contact_outcome", "biprobit"}, {"atu_contact_outcome", "biprobit"}},
			[][2]string{{"mean_satisfaction_given_x", "naive"}, {"mean_satisfaction_given_x", "probit"}, {"ate_contact_outcome", "naive"}, {"ate_contact_outcome", "aipw"}}},
		{"textbook-ordered",
			[][2]string{{"mean_satisfaction_given_x", "heckoprobit"}, {"beta_x1", "heckoprobit"}, {"cut1", "heckoprobit"}},
			[][2]string{{"mean_satisfaction_given_x", "oprobit"}, {"cut1", "oprobit"}, {"ate_contact_outcome", "ols"}}},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			sc, err := scenarios.LoadPreset(tc.preset)
			if err != nil {
				t.Fatal(err)
			}
			sc.Population.Size = 1000
			res, err := Bias(context.Background(), Config{Scenario: sc, Reps: R, Out: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			find := func(p [2]string) Measures {
				for _, m := range res.Summary {
					if m.Estimand == p[0] && m.Method == p[1] {
						return m
					}
				}
				t.Fatalf("no measures for %v", p)
				return Measures{}
			}
			for _, p := range tc.unbiased {
				m := find(p)
				if m.Failures > 0 || math.Abs(m.Bias.Value) > 3*m.Bias.MCSE || math.Abs(m.Coverage.Value-0.95) > 0.053 {
					t.Errorf("%v: %d failures, bias %.4f (MCSE %.4f), coverage %.3f", p, m.Failures, m.Bias.Value, m.Bias.MCSE, m.Coverage.Value)
				}
				t.Logf("%v: bias %.4f (%.4f), coverage %.3f", p, m.Bias.Value, m.Bias.MCSE, m.Coverage.Value)
			}
			for _, p := range tc.biased {
				if m := find(p); math.Abs(m.Bias.Value) < 4*m.Bias.MCSE {
					t.Errorf("%v: bias %.4f (MCSE %.4f) should be clear", p, m.Bias.Value, m.Bias.MCSE)
				}
			}
		})
	}
}
