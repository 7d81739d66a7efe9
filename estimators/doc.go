// Package estimators implements the econometric estimators redress runs on
// synthetic and user data (SPEC §9); docs/estimators.md gives each one's
// model, assumptions, standard errors and citation.
//
//   - Naive, NaiveMean: difference in means, mean of the observed outcome.
//   - OLS: least squares with classical or HC1 standard errors.
//   - Logit, Probit: maximum likelihood by Newton–Raphson with analytic
//     derivatives; average marginal effects with delta-method SEs.
//   - Heckit: Heckman's two-step selection estimator with the
//     Heckman/Greene corrected covariance; Heckman: its full-information
//     maximum likelihood.
//   - TreatRegTwoStep, TreatRegML: Maddala's endogenous binary treatment
//     model by control function and by maximum likelihood.
//   - IPW, AIPW, PSM: selection-on-observables estimators of the ATE, ATT
//     and ATU (normalised inverse probability weighting with a sandwich,
//     the doubly robust estimator with influence-function SEs, and
//     nearest-neighbour matching with Abadie–Imbens SEs).
//   - IV: two-stage least squares with classical or HC1 SEs and the
//     first-stage F statistic.
//
// The estimators work on plain gonum matrices so that they do not depend on
// any table type: a design X is an n×k *mat.Dense that already contains an
// intercept column if one is wanted, y is a []float64 of length n, and names
// gives the k column names (the intercept is conventionally "(Intercept)").
//
// Options.Clusters gives every estimator but PSM cluster-robust standard
// errors (Liang & Zeger 1986; Cameron & Miller 2015): the clustered
// scores of the ML fits, computed once at the optimum, the clustered
// influence functions of the two-step and weighting estimators (see
// cluster.go for the forms and each one's small-sample factor); PSM
// refuses them (ErrPSMCluster). Options.Weights gives OLS, Logit and
// Probit probability weights with sandwich standard errors; the others
// refuse them (ErrWeights). The bootstrap is in package estimate, which
// refits a whole estimator on resampled tables.
//
// Every estimator returns a *Result whose JSON form is the one documented
// in SPEC §11. Bad input is an error, never a NaN: non-finite values,
// rank-deficient designs (naming the collinear column), perfect or
// quasi-complete separation in binary models, selection samples with no
// selected or no unselected rows, and non-convergence (with the iteration
// count) are all reported as errors.
//
// Large designs are processed in fixed blocks of rows whose partial results
// are combined in block order, so results are bit-for-bit identical however
// many goroutines do the work.
package estimators
