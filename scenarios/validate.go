package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Limits that are not obvious from the schema.
const (
	// maxPopulation is the largest population.size accepted.
	maxPopulation = 100_000_000
	// maxWeeks is the largest population.weeks accepted (about 190 years).
	maxWeeks = 10_000
	// shareTolerance is how far the segment shares may sum from 1.
	shareTolerance = 1e-9
)

// Allowed values of the enumerated keys without a type of their own
// (Modes and Apologies list those of Mode and Apology).
func covariateKinds() []string { return []string{"normal", "uniform", "binary"} }
func errorKinds() []string     { return []string{"normal", "t", "skew_normal", "uniform", "mixture"} }
func outcomeKinds() []string   { return []string{"linear", "binary", "ordered"} }

// maxCutpoints bounds textbook.cutpoints (an ordered outcome of at most
// 20 categories).
const maxCutpoints = 19

func instrumentUnits() []string { return []string{"episode", "customer"} }
func networks() []string        { return []string{"small_world", "configuration", "mean_field", "none"} }

// surveyScaleLo and surveyScaleHi are the survey scales allowed.
const surveyScaleLo, surveyScaleHi = 5, 7

// Validate checks every value of s against its allowed range and the
// references between sections (the active policy, eligibility segments
// and failure types). It returns nil or an Errors listing every problem
// in schema order, each with the full key path
// (population.segments[1].share) and a message that states the value and
// what is allowed. File and Line are left empty; Parse fills them in.
func (s *Scenario) Validate() error {
	v := &validator{}

	// Top level. Name and Description are free text; any seed is valid.
	oneOf(v, "mode", s.Mode, Modes())
	if s.Policy != "" && !hasPolicy(s.Policies, s.Policy) {
		v.add("policy", "undefined policy %q; defined policies are: %s", s.Policy, strings.Join(policyNames(s.Policies), ", "))
	}

	v.population(&s.Population)
	v.firm(&s.Firm)
	v.failures(&s.Failures)
	v.contact("contact", &s.Contact, nil)
	v.outcomes("outcomes", &s.Outcomes, nil)
	for i, seg := range s.Population.Segments {
		key := fmt.Sprintf("population.segments[%d]", i)
		c, o := seg.Contact.Resolve(s.Contact), seg.Outcomes.Resolve(s.Outcomes)
		v.contact(key+".contact", &c, overridden(seg.Contact))
		v.outcomes(key+".outcomes", &o, overridden(seg.Outcomes))
	}
	v.justice(&s.Justice)
	v.loyalty(&s.Loyalty)
	v.wordOfMouth(&s.WordOfMouth)
	v.policies(s.Policies, s.Population.Segments)
	v.survey(&s.Survey)
	// Output holds only booleans.
	v.textbook(&s.Textbook)
	v.study(&s.Study)

	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

func (v *validator) population(p *Population) {
	v.intIn("population.size", p.Size, 1, maxPopulation, "the number of customers")
	v.intIn("population.weeks", p.Weeks, 1, maxWeeks, "the number of weeks")
	v.intIn("population.warmup_weeks", p.WarmupWeeks, 0, maxWeeks, "a number of unrecorded weeks")
	v.traits("population.traits", &p.Traits, nil)

	if len(p.Segments) == 0 {
		v.add("population.segments", "no segments; at least one [[population.segments]] with a name and a share is required")
		return
	}
	seen := map[string]int{}
	sum, ok := 0.0, true
	for i, seg := range p.Segments {
		key := fmt.Sprintf("population.segments[%d]", i)
		v.name(key+".name", seg.Name, "segment", seen, i, "population.segments")
		ok = v.in(key+".share", seg.Share, rShare) && ok
		sum += seg.Share
		resolved := seg.Traits.Resolve(p.Traits)
		v.traits(key+".traits", &resolved, overridden(seg.Traits))
	}
	if ok && !(math.Abs(sum-1) <= shareTolerance) {
		v.add("population.segments", "shares sum to %s; they must sum to 1", sumString(sum))
	}
}

// traits checks a set of trait distributions. When only is non-nil, only
// the keys it holds are checked (a segment's overrides).
func (v *validator) traits(prefix string, t *Traits, only map[string]bool) {
	w, done := v.only(only)
	defer done()
	k := func(name string) string { return prefix + "." + name }
	w.in(k("order_value_median"), t.OrderValueMedian, rPositive("a median order value"))
	w.in(k("order_value_sigma"), t.OrderValueSigma, rNonNeg("a log-scale standard deviation"))
	w.in(k("expectation_mean"), t.ExpectationMean, rBetaMean)
	w.in(k("expectation_concentration"), t.ExpectationConcentration, rConcentration)
	w.in(k("tolerance_width"), t.ToleranceWidth, rUnit("a half-width on the [0, 1] quality scale"))
	w.in(k("tolerance_spread"), t.ToleranceSpread, rUnit("a relative spread"))
	w.in(k("loss_aversion_median"), t.LossAversionMedian, rPositive("a median loss aversion"))
	w.in(k("loss_aversion_sigma"), t.LossAversionSigma, rNonNeg("a log-scale standard deviation"))
	if len(t.JusticeAlpha) != 3 {
		w.add(k("justice_alpha"), "%s has %d values; it must have exactly 3 positive values (distributive, procedural, interactional)", list(t.JusticeAlpha), len(t.JusticeAlpha))
	} else {
		for i, a := range t.JusticeAlpha {
			w.in(fmt.Sprintf("%s[%d]", k("justice_alpha"), i), a, rPositive("a Dirichlet parameter"))
		}
	}
	w.in(k("patience_hours"), t.PatienceHours, rPositive("patience in hours"))
	w.in(k("patience_sigma"), t.PatienceSigma, rNonNeg("a log-scale standard deviation"))
	w.in(k("urgency_mean"), t.UrgencyMean, rBetaMean)
	w.in(k("uncertainty_mean"), t.UncertaintyMean, rBetaMean)
	w.in(k("knowledge_mean"), t.KnowledgeMean, rBetaMean)
	w.in(k("driver_concentration"), t.DriverConcentration, rConcentration)
	w.real(k("knowledge_age_slope"), t.KnowledgeAgeSlope)
	w.in(k("failure_proneness"), t.FailureProneness, rng{0, 3, false, false, "a log-scale standard deviation"})
	w.in(k("trust_prior"), t.TrustPrior, rBetaMean)
	w.in(k("purchase_probability"), t.PurchaseProbability, rng{0, 1, true, true, "a purchase probability (used on the logit scale)"})
	w.in(k("loyalty_sd"), t.LoyaltySD, rNonNeg("a standard deviation"))
	w.in(k("tenure_mean_weeks"), t.TenureMeanWeeks, rNonNeg("a number of weeks"))
	w.in(k("switching_cost_mean"), t.SwitchingCostMean, rBetaMean)
	w.in(k("recovery_expectation_mean"), t.RecoveryExpectationMean, rBetaMean)
	w.in(k("voice_sd"), t.VoiceSD, rNonNeg("a standard deviation"))
}

func (v *validator) firm(f *Firm) {
	v.in("firm.base_quality", f.BaseQuality, rUnit("a quality on the [0, 1] scale"))
	v.in("firm.quality_noise", f.QualityNoise, rNonNeg("a standard deviation"))
	v.in("firm.product_cost_share", f.ProductCostShare, rUnit("a share of revenue"))
	v.in("firm.competitor_attractiveness", f.CompetitorAttractiveness, rUnit("an attractiveness"))
	v.in("firm.discount_rate", f.DiscountRate, rng{0, 10, true, true, "an annual discount rate"})
}

func (v *validator) failures(f *Failures) {
	sum, ok := 0.0, true
	names := FailureTypeNames()
	for i, ft := range f.Types() {
		k := func(name string) string { return "failures." + names[i] + "." + name }
		ok = v.in(k("probability"), ft.Probability, rProb) && ok
		v.in(k("severity_a"), ft.SeverityA, rPositive("a Beta parameter"))
		v.in(k("severity_b"), ft.SeverityB, rPositive("a Beta parameter"))
		v.in(k("impact"), ft.Impact, rNonNeg("an impact"))
		v.in(k("loss_fraction"), ft.LossFraction, rUnit("a fraction of order value"))
		v.in(k("restorable"), ft.Restorable, rUnit("a share of the loss"))
		sum += ft.Probability
	}
	if ok && sum > 1+1e-12 {
		v.add("failures", "the failure probabilities sum to %s; they are per-order probabilities of distinct failures and must sum to at most 1", sumString(sum))
	}
	c := f.SeverityCuts
	if len(c) != 2 {
		v.add("failures.severity_cuts", "%s has %d values; it must have exactly 2 increasing severities strictly between 0 and 1 (low/medium and medium/high)", list(c), len(c))
		return
	}
	okc := true
	for i, x := range c {
		okc = v.in(fmt.Sprintf("failures.severity_cuts[%d]", i), x, rng{0, 1, true, true, "a severity cut"}) && okc
	}
	if okc && !(c[0] < c[1]) {
		v.add("failures.severity_cuts", "%s is not allowed: the two cuts must increase (low/medium, then medium/high)", list(c))
	}
}

func (v *validator) contact(prefix string, c *Contact, only map[string]bool) {
	w, done := v.only(only)
	defer done()
	k := func(name string) string { return prefix + "." + name }
	w.real(k("intercept"), c.Intercept)
	w.real(k("severity"), c.Severity)
	w.real(k("urgency"), c.Urgency)
	w.real(k("uncertainty"), c.Uncertainty)
	w.real(k("log_order_value"), c.LogOrderValue)
	w.real(k("knowledge"), c.Knowledge)
	w.real(k("expected_payoff"), c.ExpectedPayoff)
	w.real(k("friction"), c.Friction)
	w.real(k("voice"), c.Voice)
	w.real(k("switching_cost"), c.SwitchingCost)
	w.real(k("competitor"), c.Competitor)
	w.real(k("loyalty"), c.Loyalty)
	w.in(k("abandon_patience"), c.AbandonPatience, rNonNeg("a multiple of patience"))
	w.in(k("payoff_news_weight"), c.PayoffNewsWeight, rRate)
	w.in(k("instrument_probability"), c.InstrumentProbability, rProb)
	w.real(k("instrument_effect"), c.InstrumentEffect)
	oneOf(w, k("instrument_unit"), c.InstrumentUnit, instrumentUnits())
	w.in(k("rho"), c.Rho, rCorr)
	w.in(k("payoff_learning"), c.PayoffLearning, rRate)
	w.in(k("word_of_mouth_weight"), c.WordOfMouthWeight, rUnit("a blending weight"))
}

func (v *validator) outcomes(prefix string, o *Outcomes, only map[string]bool) {
	w, done := v.only(only)
	defer done()
	k := func(name string) string { return prefix + "." + name }
	w.real(k("baseline"), o.Baseline)
	w.real(k("assimilation"), o.Assimilation)
	w.in(k("expectation_reference"), o.ExpectationReference, rUnit("an expectation on the [0, 1] quality scale"))
	w.real(k("disconfirmation"), o.Disconfirmation)
	w.in(k("tolerance_damping"), o.ToleranceDamping, rUnit("a damping factor"))
	w.real(k("recovery_weight"), o.RecoveryWeight)
	w.real(k("loss_weight"), o.LossWeight)
	w.in(k("failed_recovery_margin"), o.FailedRecoveryMargin, rNonNeg("a shortfall on the [0, 1] justice scale"))
	w.in(k("noise_sd"), o.NoiseSD, rNonNeg("a standard deviation"))
	w.real(k("voice_effect"), o.VoiceEffect)
	w.intIn(k("memory_weeks"), o.MemoryWeeks, 0, maxWeeks, "a memory window in weeks")
	w.in(k("expectation_learning"), o.ExpectationLearning, rRate)
	w.in(k("recovery_expectation_learning"), o.RecoveryExpectationLearning, rRate)
	w.intIn(k("horizon_weeks"), o.HorizonWeeks, 1, maxWeeks, "a horizon in weeks")
	w.real(k("score_floor"), o.ScoreFloor)
	if w.real(k("score_ceiling"), o.ScoreCeiling) && isFinite(o.ScoreFloor) && !(o.ScoreCeiling > o.ScoreFloor) {
		w.add(k("score_ceiling"), "%s is out of range: score_ceiling must be greater than score_floor (%s)", num(o.ScoreCeiling), num(o.ScoreFloor))
	}
}

func (v *validator) justice(j *Justice) {
	v.in("justice.distributive_midpoint", j.DistributiveMidpoint, rNonNeg("a compensation-to-price ratio"))
	v.in("justice.distributive_slope", j.DistributiveSlope, rNonNeg("a slope"))
	v.in("justice.distributive_concavity", j.DistributiveConcavity, rNonNeg("a concavity"))
	v.in("justice.overcompensation_cap", j.OvercompensationCap, rNonNeg("a compensation-to-loss ratio"))
	v.in("justice.overcompensation_penalty", j.OvercompensationPenalty, rNonNeg("a loss of justice per unit of compensation"))
	v.in("justice.coupon_value_factor", j.CouponValueFactor, rNonNeg("a value factor"))
	v.in("justice.unresolved_factor", j.UnresolvedFactor, rUnit("a multiplier"))
	v.in("justice.follow_up_boost", j.FollowUpBoost, rUnit("a justice boost"))
	v.in("justice.follow_up_decay_hours", j.FollowUpDecayHours, rng{0, math.Inf(1), true, false, "a decay time in hours"})
	v.in("justice.apology_none", j.ApologyNone, rUnit("a justice level"))
	v.in("justice.apology_scripted", j.ApologyScripted, rUnit("a justice level"))
	v.in("justice.apology_sincere", j.ApologySincere, rUnit("a justice level"))
	v.in("justice.empathy_weight", j.EmpathyWeight, rUnit("a weight"))
	v.in("justice.personalisation_weight", j.PersonalisationWeight, rUnit("a weight"))
	v.in("justice.personalisation_targeting", j.PersonalisationTargeting, rUnit("a justice boost"))
}

func (v *validator) loyalty(l *Loyalty) {
	v.in("loyalty.cumulative_weight", l.CumulativeWeight, rRate)
	v.real("loyalty.cumulative_effect", l.CumulativeEffect)
	v.real("loyalty.trust_effect", l.TrustEffect)
	v.in("loyalty.trust_memory", l.TrustMemory, rng{0, 1, false, true, "a discount of older evidence per order"})
	v.in("loyalty.goodwill_prior", l.GoodwillPrior, rUnit("a belief on the [0, 1] justice scale"))
	v.in("loyalty.goodwill_learning", l.GoodwillLearning, rRate)
	v.real("loyalty.goodwill_effect", l.GoodwillEffect)
	v.in("loyalty.reversion", l.Reversion, rRate)
	v.real("loyalty.tenure_effect", l.TenureEffect)
	v.real("loyalty.exit_intercept", l.ExitIntercept)
	v.real("loyalty.exit_competitor", l.ExitCompetitor)
	v.real("loyalty.exit_switching_cost", l.ExitSwitchingCost)
	v.real("loyalty.exit_loyalty", l.ExitLoyalty)
	v.real("loyalty.failure_exit_intercept", l.FailureExitIntercept)
	v.real("loyalty.failure_exit_severity", l.FailureExitSeverity)
}

func (v *validator) wordOfMouth(w *WordOfMouth) {
	oneOf(v, "word_of_mouth.network", w.Network, networks())
	v.intIn("word_of_mouth.mean_degree", w.MeanDegree, 0, 1000, "a mean number of acquaintances (even for small_world)")
	if w.Network == "small_world" && w.MeanDegree%2 != 0 {
		v.add("word_of_mouth.mean_degree", "%d is not allowed: a small world needs an even mean degree", w.MeanDegree)
	}
	v.in("word_of_mouth.rewiring", w.Rewiring, rProb)
	v.in("word_of_mouth.promoter_talk", w.PromoterTalk, rNonNeg("talks per neighbour"))
	v.in("word_of_mouth.detractor_talk", w.DetractorTalk, rNonNeg("talks per neighbour"))
	v.in("word_of_mouth.buzz_decay", w.BuzzDecay, rRate)
	v.in("word_of_mouth.intent_effect", w.IntentEffect, rNonNeg("a logit shift per unit of buzz (talk never hurts the talked-about firm when positive)"))
	v.in("word_of_mouth.prospects", w.Prospects, rng{0, 10, false, false, "a share of population.size"})
	v.in("word_of_mouth.join_rate", w.JoinRate, rng{0, 1, false, true, "a weekly probability (used on the logit scale)"})
	v.in("word_of_mouth.referral_effect", w.ReferralEffect, rNonNeg("a logit shift per unit of buzz"))
	v.real("word_of_mouth.nps_floor", w.NPSFloor)
	if v.real("word_of_mouth.nps_ceiling", w.NPSCeiling) && isFinite(w.NPSFloor) && !(w.NPSCeiling > w.NPSFloor) {
		v.add("word_of_mouth.nps_ceiling", "%s is out of range: nps_ceiling must be greater than nps_floor (%s)", num(w.NPSCeiling), num(w.NPSFloor))
	}
	v.in("word_of_mouth.nps_noise_sd", w.NPSNoiseSD, rNonNeg("a standard deviation"))
}

func (v *validator) policies(ps []Policy, segs []Segment) {
	if len(ps) == 0 {
		v.add("policies", "no policies; at least one [[policies]] with a name is required")
		return
	}
	segNames := make([]string, len(segs))
	for i, s := range segs {
		segNames[i] = s.Name
	}
	seen := map[string]int{}
	for i := range ps {
		p := &ps[i]
		k := func(name string) string { return fmt.Sprintf("policies[%d].%s", i, name) }
		v.name(k("name"), p.Name, "policy", seen, i, "policies")
		if p.Staffing == 0 {
			v.in(k("response_hours"), p.ResponseHours, rng{0, math.Inf(1), true, true, "a response time in hours (when staffing = 0)"})
		} else {
			v.in(k("response_hours"), p.ResponseHours, rHours)
		}
		v.in(k("response_sigma"), p.ResponseSigma, rNonNeg("a log-scale standard deviation"))
		v.in(k("staffing"), p.Staffing, rNonNeg("a number of agents"))
		if p.Staffing > 0 {
			v.in(k("handle_hours"), p.HandleHours, rng{0, math.Inf(1), true, true, "a handling time in hours (when staffing > 0)"})
		} else {
			v.in(k("handle_hours"), p.HandleHours, rHours)
		}
		v.in(k("min_shift_hours"), p.MinShiftHours, rng{0.5, 24, false, false, "a daily shift length in hours"})
		v.in(k("refund"), p.Refund, rRefund)
		if n := len(p.RefundBySeverity); n != 0 && n != 3 {
			v.add(k("refund_by_severity"), "%s has %d values; it must be empty or have exactly 3 (low, medium, high severity)", list(p.RefundBySeverity), n)
		} else {
			for j, r := range p.RefundBySeverity {
				v.in(fmt.Sprintf("%s[%d]", k("refund_by_severity"), j), r, rRefund)
			}
		}
		v.in(k("coupon_value"), p.CouponValue, rNonNeg("a coupon value (a fraction of order value)"))
		v.in(k("coupon_redemption"), p.CouponRedemption, rUnit("a redemption share"))
		oneOf(v, k("apology"), p.Apology, Apologies())
		v.in(k("empathy"), p.Empathy, rUnit("empathy"))
		v.in(k("personalisation"), p.Personalisation, rUnit("personalisation"))
		v.in(k("follow_up_hours"), p.FollowUpHours, rHours)
		v.in(k("proactive"), p.Proactive, rProb)
		if r := p.ProactiveRemedy.Refund; r != nil {
			v.in(k("proactive_remedy.refund"), *r, rRefund)
		}
		if c := p.ProactiveRemedy.CouponValue; c != nil {
			v.in(k("proactive_remedy.coupon_value"), *c, rNonNeg("a coupon value (a fraction of order value)"))
		}
		if a := p.ProactiveRemedy.Apology; a != nil {
			oneOf(v, k("proactive_remedy.apology"), *a, Apologies())
		}
		v.in(k("first_contact_resolution"), p.FirstContactResolution, rProb)
		v.intIn(k("max_contacts"), p.MaxContacts, 1, 10, "a number of contacts")
		for j, name := range p.Eligibility.Segments {
			if !contains(segNames, name) {
				v.add(fmt.Sprintf("%s[%d]", k("eligibility.segments"), j), "undefined segment %q; defined segments are: %s", name, strings.Join(segNames, ", "))
			}
		}
		for j, name := range p.Eligibility.FailureTypes {
			if !contains(FailureTypeNames(), name) {
				v.add(fmt.Sprintf("%s[%d]", k("eligibility.failure_types"), j), "unknown failure type %q; failure types are: %s", name, strings.Join(FailureTypeNames(), ", "))
			}
		}
		v.in(k("eligibility.min_order_value"), p.Eligibility.MinOrderValue, rNonNeg("an order value"))
		v.in(k("eligibility.min_tenure_weeks"), p.Eligibility.MinTenureWeeks, rNonNeg("a number of weeks"))
		v.in(k("staff_cost_per_hour"), p.StaffCostPerHour, rCost)
		v.in(k("follow_up_cost"), p.FollowUpCost, rCost)
		v.in(k("proactive_cost"), p.ProactiveCost, rCost)
		v.in(k("empathy_hours"), p.EmpathyHours, rHours)
		v.in(k("sincere_apology_hours"), p.SincereApologyHours, rHours)
		v.in(k("personalisation_cost"), p.PersonalisationCost, rCost)
		v.in(k("resolution_cost"), p.ResolutionCost, rNonNeg("a fraction of order value"))
	}
}

func (v *validator) survey(s *Survey) {
	if s.Scale != surveyScaleLo && s.Scale != surveyScaleHi {
		v.add("survey.scale", "%d is not allowed: the survey scale must be 5 or 7 (points)", s.Scale)
	}
	v.real("survey.response_intercept", s.ResponseIntercept)
	v.real("survey.response_extremity", s.ResponseExtremity)
	v.in("survey.score_noise_sd", s.ScoreNoiseSD, rNonNeg("a standard deviation"))
}

// maxStudyReps is the largest study.reps accepted.
const maxStudyReps = 10_000_000

// study checks the form of the study defaults; whether a swept key exists
// and its values are valid, and whether an estimator applies, is checked
// by the study itself (redress validate and redress bias).
func (v *validator) study(st *Study) {
	v.intIn("study.reps", st.Reps, 0, maxStudyReps, "replications per grid point (0: given when the study is run)")
	v.intIn("study.batch", st.Batch, 0, maxStudyReps, "replications between checks of study.until (0: 100)")
	seen := map[string]bool{}
	for i, e := range st.Estimators {
		key := fmt.Sprintf("study.estimators[%d]", i)
		switch {
		case strings.TrimSpace(e) == "":
			v.add(key, "is empty; name an estimator such as \"heckit\"")
		case seen[e]:
			v.add(key, "%q is listed twice", e)
		}
		seen[e] = true
	}
	keys := map[string]bool{}
	for i, sw := range st.Sweeps {
		key := fmt.Sprintf("study.sweeps[%d]", i)
		k, vals, ok := strings.Cut(sw, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.TrimSpace(vals) == "" {
			v.add(key, "%q is not key=v1,v2,... (e.g. \"textbook.rho=0,0.3,0.6\")", sw)
			continue
		}
		for _, x := range strings.Split(vals, ",") {
			if strings.TrimSpace(x) == "" {
				v.add(key, "%q has an empty value", sw)
				break
			}
		}
		if keys[k] {
			v.add(key, "%s is swept twice", k)
		}
		keys[k] = true
	}
}

func (v *validator) textbook(t *Textbook) {
	if len(t.Beta) == 0 {
		v.add("textbook.beta", "[] has no values; beta needs at least the intercept")
	}
	for i, b := range t.Beta {
		v.real(fmt.Sprintf("textbook.beta[%d]", i), b)
	}
	if len(t.Gamma) != len(t.Beta) {
		v.add("textbook.gamma", "%s has %d values but beta has %d; gamma and beta must have the same length (intercept first)", list(t.Gamma), len(t.Gamma), len(t.Beta))
	} else {
		for i, g := range t.Gamma {
			v.real(fmt.Sprintf("textbook.gamma[%d]", i), g)
		}
	}
	v.real("textbook.exclusion", t.Exclusion)
	v.in("textbook.rho", t.Rho, rCorr)
	v.in("textbook.sigma", t.Sigma, rPositive("a standard deviation"))
	v.real("textbook.delta", t.Delta)
	oneOf(v, "textbook.covariates", t.Covariates, covariateKinds())
	if v.in("textbook.covariate_correlation", t.CovariateCorrelation, rCorr) {
		// k covariates and z share one correlation r; the (k+1)×(k+1)
		// equicorrelation matrix is positive definite iff r > −1/k.
		// Uniform and binary covariates come from correlated normals, whose
		// correlation ρ maps to (6/π)asin(ρ/2) and (2/π)asin(ρ): the
		// attainable lower bound is that map at ρ = −1/k.
		if k := len(t.Beta) - 1; k >= 1 {
			lo := -1 / float64(k)
			switch t.Covariates {
			case "uniform":
				lo = 6 / math.Pi * math.Asin(lo/2)
			case "binary":
				lo = 2 / math.Pi * math.Asin(lo)
			}
			if !(t.CovariateCorrelation > lo) {
				v.add("textbook.covariate_correlation", "%s is out of range: with %d %s covariates and z the common correlation must be > %s (else no such joint distribution exists)", num(t.CovariateCorrelation), k, t.Covariates, num(lo))
			}
		}
	}
	oneOf(v, "textbook.errors", t.Errors, errorKinds())
	if t.Errors == "t" {
		v.in("textbook.df", t.DF, rng{2, math.Inf(1), true, true, "the degrees of freedom of t errors (finite variance)"})
	} else {
		v.real("textbook.df", t.DF)
	}
	v.real("textbook.skew", t.Skew)
	v.in("textbook.mixture_weight", t.MixtureWeight, rng{0, 1, false, true, "a mixture weight"})
	v.real("textbook.mixture_shift", t.MixtureShift)
	v.in("textbook.mixture_scale", t.MixtureScale, rPositive("a standard deviation"))
	v.textbookOutcome(t)
}

// textbookOutcome checks textbook.outcome and textbook.cutpoints.
func (v *validator) textbookOutcome(t *Textbook) {
	oneOf(v, "textbook.outcome", t.Outcome, outcomeKinds())
	if t.Outcome != "linear" && t.Outcome != "" && t.Errors != "normal" {
		v.add("textbook.outcome", "%q needs errors = \"normal\" (got %q): the true effects and means of a binary or ordered outcome are computed from the normal law", t.Outcome, t.Errors)
	}
	if len(t.Cutpoints) > maxCutpoints {
		v.add("textbook.cutpoints", "has %d values; at most %d (20 categories)", len(t.Cutpoints), maxCutpoints)
		return
	}
	for i, c := range t.Cutpoints {
		key := fmt.Sprintf("textbook.cutpoints[%d]", i)
		if v.real(key, c) && i > 0 && !(c > t.Cutpoints[i-1]) {
			v.add(key, "%s is not above cutpoints[%d] = %s: cutpoints must increase strictly", num(c), i-1, num(t.Cutpoints[i-1]))
		}
	}
	if t.Outcome == "ordered" && len(t.Cutpoints) == 0 {
		v.add("textbook.cutpoints", "[] has no values; an ordered outcome needs at least one cutpoint (two categories)")
	}
}

// --- the checking machinery ---

type validator struct{ errs Errors }

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// rng is an allowed interval of a float key and what the key is, for
// the message ("a probability must be in [0, 1]").
type rng struct {
	lo, hi         float64
	loOpen, hiOpen bool
	what           string
}

var (
	rProb          = rng{0, 1, false, false, "a probability"}
	rShare         = rng{0, 1, true, false, "a share"}
	rRate          = rng{0, 1, false, false, "a rate"}
	rBetaMean      = rng{0, 1, true, true, "the mean of a Beta distribution"}
	rConcentration = rPositive("a Beta concentration")
	rCorr          = rng{-1, 1, true, true, "a correlation"}
	rRefund        = rng{0, 2, false, false, "a refund (a fraction of the loss; above 1 overcompensates)"}
	rHours         = rNonNeg("a number of hours")
	rCost          = rNonNeg("a cost")
)

func rUnit(what string) rng     { return rng{0, 1, false, false, what} }
func rPositive(what string) rng { return rng{0, math.Inf(1), true, true, what} }
func rNonNeg(what string) rng   { return rng{0, math.Inf(1), false, true, what} }

func (r rng) contains(x float64) bool {
	if math.IsNaN(x) {
		return false
	}
	lo := x > r.lo || (!r.loOpen && x == r.lo)
	hi := x < r.hi || (!r.hiOpen && x == r.hi)
	return lo && hi
}

func (r rng) String() string {
	switch {
	case math.IsInf(r.hi, 1) && r.loOpen:
		return "> " + num(r.lo)
	case math.IsInf(r.hi, 1):
		return ">= " + num(r.lo)
	}
	open, close := "[", "]"
	if r.loOpen {
		open = "("
	}
	if r.hiOpen {
		close = ")"
	}
	return "in " + open + num(r.lo) + ", " + num(r.hi) + close
}

// in checks x against r and reports whether it passed.
func (v *validator) in(key string, x float64, r rng) bool {
	if r.contains(x) {
		return v.modest(key, x)
	}
	v.add(key, "%s is out of range: %s must be %s", num(x), r.what, r)
	return false
}

// real checks that x is a finite number (a coefficient of any sign).
func (v *validator) real(key string, x float64) bool {
	if isFinite(x) {
		return v.modest(key, x)
	}
	v.add(key, "%s is not allowed: the value must be a finite number", num(x))
	return false
}

// maxMagnitude bounds every number of a scenario, so that no product of
// coefficients, draws and sums in a run can overflow to ±Inf or NaN.
const maxMagnitude = 1e6

// modest checks that x is at most maxMagnitude in size.
func (v *validator) modest(key string, x float64) bool {
	if math.Abs(x) <= maxMagnitude {
		return true
	}
	v.add(key, "%s is too large: every number of a scenario must be between -1e6 and 1e6", num(x))
	return false
}

func (v *validator) intIn(key string, x, lo, hi int, what string) {
	if x < lo || x > hi {
		v.add(key, "%d is out of range: %s must be in [%d, %d]", x, what, lo, hi)
	}
}

func oneOf[T ~string](v *validator, key string, x T, allowed []T) {
	if !slices.Contains(allowed, x) {
		v.add(key, "%q is not allowed: the value must be one of %s", x, quoteList(allowed))
	}
}

// name checks that a segment or policy name is non-empty and unique
// among its siblings (seen maps names to their first index).
func (v *validator) name(key, name, what string, seen map[string]int, i int, array string) {
	if strings.TrimSpace(name) == "" {
		v.add(key, "a %s needs a non-empty name", what)
		return
	}
	if j, dup := seen[name]; dup {
		v.add(key, "duplicate %s name %q (also %s[%d].name); names must be unique", what, name, array, j)
		return
	}
	seen[name] = i
}

// only returns the validator to check with and a function to call when
// done: with only non-nil, checks go to a scratch validator and only the
// errors of the keys in only are kept (a segment's overrides).
func (v *validator) only(only map[string]bool) (*validator, func()) {
	if only == nil {
		return v, func() {}
	}
	w := &validator{}
	return w, func() {
		for _, e := range w.errs {
			if only[leafName(e.Key)] {
				v.errs = append(v.errs, e)
			}
		}
	}
}

// overridden lists the toml keys a segment's overrides (a struct of
// pointers, or slices) actually set.
func overridden(o any) map[string]bool {
	set := map[string]bool{}
	rv := reflect.ValueOf(o)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		if !rv.Field(i).IsNil() {
			set[tomlName(rt.Field(i))] = true
		}
	}
	return set
}

// leafName returns the last key of a path, without any index:
// a.b[2] → b.
func leafName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

func hasPolicy(ps []Policy, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

func policyNames(ps []Policy) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func quoteList[T ~string](xs []T) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(string(x))
	}
	return strings.Join(q, ", ")
}

func list(xs []float64) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = num(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// sumString formats a sum without the noise of floating-point addition
// (0.1+0.2+0.6 reads 0.9).
func sumString(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }

// num formats a float as briefly as it round-trips.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
