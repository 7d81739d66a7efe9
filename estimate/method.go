// Package estimate fits the estimators of package estimators to the
// columns of a table named by R-style formulas: the one front end that
// `redress estimate`, `redress run`'s estimator table and bias studies
// share.
//
// A Spec names the method, the outcome formula and, as the method needs,
// a selection (or treatment) equation, a treatment column and
// instruments. Fit decides which rows each equation uses — complete rows,
// and for selection models the outcome only where the selection
// indicator is 1 — builds the designs with package formula and calls the
// estimator:
//
//	res, err := estimate.Fit(tab, estimate.Spec{
//		Method:    estimate.Heckit,
//		Outcome:   "satisfaction ~ x1 + x2",
//		Selection: "contacted ~ x1 + x2 + z",
//	})
//
// Spec.Cluster, Spec.Bootstrap and Spec.Weights choose the standard
// errors: cluster-robust, bootstrap (FitContext cancels it) or
// probability-weighted sandwich; docs/estimators.md §1.5.1 gives the
// formulas and which method takes which.
package estimate

import (
	"fmt"
	"slices"
	"strings"
)

// Method names an estimator.
type Method string

// The methods Fit runs; docs/estimators.md gives each one's model,
// standard errors and citation.
const (
	Naive           Method = "naive"
	OLS             Method = "ols"
	Logit           Method = "logit"
	Probit          Method = "probit"
	OProbit         Method = "oprobit"
	Heckit          Method = "heckit"
	Heckman         Method = "heckman"
	TreatReg        Method = "treatreg"
	TreatRegTwoStep Method = "treatreg-twostep"
	HeckProbit      Method = "heckprobit"
	HeckOProbit     Method = "heckoprobit"
	BiProbit        Method = "biprobit"
	Switching       Method = "switching"
	IPW             Method = "ipw"
	AIPW            Method = "aipw"
	PSM             Method = "psm"
	IV              Method = "iv"
)

// Need is a part of a Spec a method requires besides the outcome.
type Need string

// The parts of a Spec a method may need.
const (
	NeedSelection   Need = "selection"
	NeedTreatment   Need = "treatment"
	NeedInstruments Need = "instruments"
)

// MethodInfo describes a method.
type MethodInfo struct {
	Method Method
	// Title says what the method is, in a few words.
	Title string
	// Needs lists the parts of a Spec it requires besides Outcome, and
	// May those it reads if given; it refuses the others.
	Needs, May []Need
	// Uses lists the options it reads besides MaxIter and Bootstrap:
	// "vce", "neighbours", "cluster", "weights".
	Uses []string
}

// Methods returns every method, in the order commands list them.
func Methods() []MethodInfo {
	return []MethodInfo{
		{Naive, "difference in means (with a treatment) or mean of the observed outcome", nil, []Need{NeedSelection, NeedTreatment}, []string{"cluster"}},
		{OLS, "least squares", nil, []Need{NeedSelection}, []string{"vce", "cluster", "weights"}},
		{Logit, "logit (maximum likelihood)", nil, []Need{NeedSelection}, []string{"cluster", "weights"}},
		{Probit, "probit (maximum likelihood)", nil, []Need{NeedSelection}, []string{"cluster", "weights"}},
		{OProbit, "ordered probit (maximum likelihood); the cutpoints replace the intercept", nil, []Need{NeedSelection}, []string{"cluster"}},
		{Heckit, "Heckman two-step selection model", []Need{NeedSelection}, nil, []string{"cluster"}},
		{Heckman, "Heckman selection model, full-information maximum likelihood", []Need{NeedSelection}, nil, []string{"cluster"}},
		{TreatReg, "endogenous treatment (Maddala), maximum likelihood", []Need{NeedSelection}, nil, []string{"cluster"}},
		{TreatRegTwoStep, "endogenous treatment (Maddala), two-step control function", []Need{NeedSelection}, nil, []string{"cluster"}},
		{HeckProbit, "probit with sample selection (Van de Ven & Van Praag), maximum likelihood", []Need{NeedSelection}, nil, []string{"cluster"}},
		{HeckOProbit, "ordered probit with sample selection (De Luca & Perotti), maximum likelihood", []Need{NeedSelection}, nil, []string{"cluster"}},
		{BiProbit, "recursive bivariate probit: binary outcome, endogenous binary treatment", []Need{NeedSelection}, nil, []string{"cluster"}},
		{Switching, "endogenous switching regression (tobit-5): one outcome equation per treatment regime", []Need{NeedSelection}, nil, []string{"cluster"}},
		{IPW, "inverse probability weighting (normalised weights, logit propensity)", []Need{NeedTreatment}, nil, []string{"cluster"}},
		{AIPW, "augmented IPW (doubly robust)", []Need{NeedTreatment}, nil, []string{"vce", "cluster"}},
		{PSM, "nearest-neighbour propensity-score matching with replacement", []Need{NeedTreatment}, nil, []string{"neighbours"}},
		{IV, "two-stage least squares", []Need{NeedTreatment, NeedInstruments}, nil, []string{"vce", "cluster"}},
	}
}

// Info returns the description of m.
func (m Method) Info() (MethodInfo, bool) {
	for _, mi := range Methods() {
		if mi.Method == m {
			return mi, true
		}
	}
	return MethodInfo{}, false
}

// Reads reports whether m reads the part n of a Spec.
func (m Method) Reads(n Need) bool {
	mi, _ := m.Info()
	return slices.Contains(mi.Needs, n) || slices.Contains(mi.May, n)
}

// Uses reports whether m reads the option named opt ("vce", "neighbours").
func (m Method) Uses(opt string) bool {
	mi, _ := m.Info()
	return slices.Contains(mi.Uses, opt)
}

// MethodNames returns the methods' names, comma-separated.
func MethodNames() string {
	var names []string
	for _, mi := range Methods() {
		names = append(names, string(mi.Method))
	}
	return strings.Join(names, ", ")
}

// ParseMethod returns the method named s.
func ParseMethod(s string) (Method, error) {
	if _, ok := Method(s).Info(); ok {
		return Method(s), nil
	}
	return "", fmt.Errorf("unknown method %q; methods are %s", s, MethodNames())
}
