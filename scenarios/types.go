// Package scenarios defines the redress scenario: its schema as Go types,
// the documented defaults, strict TOML loading and validation, and the
// embedded preset scenarios.
//
// A scenario file need only state what differs from Default(); every key
// is documented in docs/scenario-reference.md and printed, with a comment,
// by `redress init`.
package scenarios

import "reflect"

// Scenario is one complete simulation set-up.
type Scenario struct {
	// Name and Description are free text shown in summaries.
	Name        string `toml:"name"`
	Description string `toml:"description"`
	// Mode is "behavioral" (agent-based model) or "textbook" (exact
	// Heckman/Maddala data-generating process).
	Mode Mode `toml:"mode"`
	// Seed is the root of every random stream.
	Seed uint64 `toml:"seed"`
	// Policy names the policy that `redress run` simulates; empty means
	// the first policy.
	Policy string `toml:"policy"`

	Population  Population  `toml:"population"`
	Firm        Firm        `toml:"firm"`
	Failures    Failures    `toml:"failures"`
	Contact     Contact     `toml:"contact"`
	Outcomes    Outcomes    `toml:"outcomes"`
	Justice     Justice     `toml:"justice"`
	Loyalty     Loyalty     `toml:"loyalty"`
	WordOfMouth WordOfMouth `toml:"word_of_mouth"`
	Policies    []Policy    `toml:"policies"`
	Survey      Survey      `toml:"survey"`
	Output      Output      `toml:"output"`
	Textbook    Textbook    `toml:"textbook"`
	Study       Study       `toml:"study"`

	// srcName and src are the file the scenario was parsed from, for
	// Annotate.
	srcName string
	src     []byte
}

// Population sets the number of customers, the simulated horizon and the
// trait distributions (overridable per segment).
type Population struct {
	// Size is the number of customers (behavioral) or observations
	// (textbook).
	Size int `toml:"size"`
	// Weeks is the number of simulated weeks (behavioral).
	Weeks int `toml:"weeks"`
	// WarmupWeeks are simulated before the recorded weeks and not
	// recorded, so that learned expectations, payoffs and trust start
	// near their steady state.
	WarmupWeeks int `toml:"warmup_weeks"`
	// Traits are the default trait distributions.
	Traits Traits `toml:"traits"`
	// Segments partition the population; their shares sum to 1.
	Segments []Segment `toml:"segments"`
}

// Traits are the parameters of the distributions each customer's traits
// are drawn from.
type Traits struct {
	// OrderValueMedian is the median order value (currency units);
	// order value is log-normal with log-sd OrderValueSigma.
	OrderValueMedian float64 `toml:"order_value_median"`
	OrderValueSigma  float64 `toml:"order_value_sigma"`
	// ExpectationMean and ExpectationConcentration parameterise the
	// Beta distribution of expected service quality E in [0,1]
	// (a = mean·conc, b = (1−mean)·conc).
	ExpectationMean          float64 `toml:"expectation_mean"`
	ExpectationConcentration float64 `toml:"expectation_concentration"`
	// ToleranceWidth is the mean half-width of the zone of tolerance,
	// drawn uniformly in [1 − ToleranceSpread, 1 + ToleranceSpread]·mean.
	ToleranceWidth  float64 `toml:"tolerance_width"`
	ToleranceSpread float64 `toml:"tolerance_spread"`
	// LossAversionMedian and LossAversionSigma: λ is log-normal.
	LossAversionMedian float64 `toml:"loss_aversion_median"`
	LossAversionSigma  float64 `toml:"loss_aversion_sigma"`
	// JusticeAlpha are the Dirichlet parameters of the justice weights
	// (distributive, procedural, interactional).
	JusticeAlpha []float64 `toml:"justice_alpha"`
	// PatienceHours (median) and PatienceSigma (log-sd) of patience τ.
	PatienceHours float64 `toml:"patience_hours"`
	PatienceSigma float64 `toml:"patience_sigma"`
	// Means of the Beta-distributed contact drivers in [0,1], all with
	// concentration DriverConcentration.
	UrgencyMean         float64 `toml:"urgency_mean"`
	UncertaintyMean     float64 `toml:"uncertainty_mean"`
	KnowledgeMean       float64 `toml:"knowledge_mean"`
	DriverConcentration float64 `toml:"driver_concentration"`
	// KnowledgeAgeSlope adds this much product knowledge per age band
	// above the middle band (older customers know the product better).
	KnowledgeAgeSlope float64 `toml:"knowledge_age_slope"`
	// FailureProneness spreads failure probabilities across customers:
	// each customer's are multiplied by a mean-one log-normal factor
	// exp(σZ − σ²/2) with σ = FailureProneness (address quality,
	// product mix, payment method).
	FailureProneness float64 `toml:"failure_proneness"`
	// TrustPrior is the mean of the customer's initial belief that an
	// order goes right (Beta prior of the reliability belief, with
	// strength 1/(1 − loyalty.trust_memory) orders).
	TrustPrior float64 `toml:"trust_prior"`
	// PurchaseProbability is the weekly purchase probability of a
	// customer with median baseline loyalty and no tenure; LoyaltySD
	// spreads baseline loyalty (logit scale) across customers, and
	// loyalty.tenure_effect adds to it with tenure.
	PurchaseProbability float64 `toml:"purchase_probability"`
	LoyaltySD           float64 `toml:"loyalty_sd"`
	// TenureMeanWeeks is the mean of the exponential tenure at start.
	TenureMeanWeeks float64 `toml:"tenure_mean_weeks"`
	// SwitchingCostMean is the mean of the Beta-distributed switching
	// cost in [0,1] (concentration DriverConcentration).
	SwitchingCostMean float64 `toml:"switching_cost_mean"`
	// RecoveryExpectationMean is the mean initial recovery expectation
	// E^R in [0,1] (Beta, concentration ExpectationConcentration).
	RecoveryExpectationMean float64 `toml:"recovery_expectation_mean"`
	// VoiceSD is the standard deviation of the voice disposition, a
	// persistent unobservable that raises contact and satisfaction.
	VoiceSD float64 `toml:"voice_sd"`
}

// Segment is a named share of the population with trait overrides.
type Segment struct {
	Name  string  `toml:"name"`
	Share float64 `toml:"share"`
	// Traits holds only the keys given in [population.segments.traits];
	// the rest come from population.traits.
	Traits TraitOverrides `toml:"traits"`
	// Contact and Outcomes override, for this segment's customers, the
	// coefficients of the contact equation and of the satisfaction model
	// ([population.segments.contact], [population.segments.outcomes]).
	Contact  ContactOverrides `toml:"contact"`
	Outcomes OutcomeOverrides `toml:"outcomes"`
}

// ContactOverrides are a segment's contact coefficients; nil inherits
// [contact]. The error correlation, the instrument's probability and the
// learning rates are the scenario's.
type ContactOverrides struct {
	Intercept        *float64 `toml:"intercept"`
	Severity         *float64 `toml:"severity"`
	Urgency          *float64 `toml:"urgency"`
	Uncertainty      *float64 `toml:"uncertainty"`
	LogOrderValue    *float64 `toml:"log_order_value"`
	Knowledge        *float64 `toml:"knowledge"`
	ExpectedPayoff   *float64 `toml:"expected_payoff"`
	Friction         *float64 `toml:"friction"`
	Voice            *float64 `toml:"voice"`
	InstrumentEffect *float64 `toml:"instrument_effect"`
	SwitchingCost    *float64 `toml:"switching_cost"`
	Competitor       *float64 `toml:"competitor"`
	Loyalty          *float64 `toml:"loyalty"`
	AbandonPatience  *float64 `toml:"abandon_patience"`
}

// Resolve returns base with the overrides applied.
func (o ContactOverrides) Resolve(base Contact) Contact {
	applyOverrides(&base, o)
	return base
}

// OutcomeOverrides are a segment's satisfaction coefficients; nil
// inherits [outcomes]. The horizon, the memory window and the score
// mapping are the scenario's.
type OutcomeOverrides struct {
	Baseline                    *float64 `toml:"baseline"`
	Assimilation                *float64 `toml:"assimilation"`
	Disconfirmation             *float64 `toml:"disconfirmation"`
	ToleranceDamping            *float64 `toml:"tolerance_damping"`
	RecoveryWeight              *float64 `toml:"recovery_weight"`
	LossWeight                  *float64 `toml:"loss_weight"`
	FailedRecoveryMargin        *float64 `toml:"failed_recovery_margin"`
	NoiseSD                     *float64 `toml:"noise_sd"`
	VoiceEffect                 *float64 `toml:"voice_effect"`
	ExpectationLearning         *float64 `toml:"expectation_learning"`
	RecoveryExpectationLearning *float64 `toml:"recovery_expectation_learning"`
}

// Resolve returns base with the overrides applied.
func (o OutcomeOverrides) Resolve(base Outcomes) Outcomes {
	applyOverrides(&base, o)
	return base
}

// applyOverrides sets each field of *base named like a non-nil pointer
// field of overrides to the value it points to.
func applyOverrides(base, overrides any) {
	bv := reflect.ValueOf(base).Elem()
	ov := reflect.ValueOf(overrides)
	for i := range ov.NumField() {
		if f := ov.Field(i); !f.IsNil() {
			bv.FieldByName(ov.Type().Field(i).Name).Set(f.Elem())
		}
	}
}

// TraitOverrides mirrors Traits with optional fields.
type TraitOverrides struct {
	OrderValueMedian         *float64  `toml:"order_value_median"`
	OrderValueSigma          *float64  `toml:"order_value_sigma"`
	ExpectationMean          *float64  `toml:"expectation_mean"`
	ExpectationConcentration *float64  `toml:"expectation_concentration"`
	ToleranceWidth           *float64  `toml:"tolerance_width"`
	ToleranceSpread          *float64  `toml:"tolerance_spread"`
	LossAversionMedian       *float64  `toml:"loss_aversion_median"`
	LossAversionSigma        *float64  `toml:"loss_aversion_sigma"`
	JusticeAlpha             []float64 `toml:"justice_alpha"`
	PatienceHours            *float64  `toml:"patience_hours"`
	PatienceSigma            *float64  `toml:"patience_sigma"`
	UrgencyMean              *float64  `toml:"urgency_mean"`
	UncertaintyMean          *float64  `toml:"uncertainty_mean"`
	KnowledgeMean            *float64  `toml:"knowledge_mean"`
	DriverConcentration      *float64  `toml:"driver_concentration"`
	KnowledgeAgeSlope        *float64  `toml:"knowledge_age_slope"`
	FailureProneness         *float64  `toml:"failure_proneness"`
	TrustPrior               *float64  `toml:"trust_prior"`
	PurchaseProbability      *float64  `toml:"purchase_probability"`
	LoyaltySD                *float64  `toml:"loyalty_sd"`
	TenureMeanWeeks          *float64  `toml:"tenure_mean_weeks"`
	SwitchingCostMean        *float64  `toml:"switching_cost_mean"`
	RecoveryExpectationMean  *float64  `toml:"recovery_expectation_mean"`
	VoiceSD                  *float64  `toml:"voice_sd"`
}

// Resolve returns base with the overrides applied.
func (o TraitOverrides) Resolve(base Traits) Traits {
	t := base
	set := func(dst *float64, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	set(&t.OrderValueMedian, o.OrderValueMedian)
	set(&t.OrderValueSigma, o.OrderValueSigma)
	set(&t.ExpectationMean, o.ExpectationMean)
	set(&t.ExpectationConcentration, o.ExpectationConcentration)
	set(&t.ToleranceWidth, o.ToleranceWidth)
	set(&t.ToleranceSpread, o.ToleranceSpread)
	set(&t.LossAversionMedian, o.LossAversionMedian)
	set(&t.LossAversionSigma, o.LossAversionSigma)
	if o.JusticeAlpha != nil {
		t.JusticeAlpha = append([]float64(nil), o.JusticeAlpha...)
	} else {
		t.JusticeAlpha = append([]float64(nil), base.JusticeAlpha...)
	}
	set(&t.PatienceHours, o.PatienceHours)
	set(&t.PatienceSigma, o.PatienceSigma)
	set(&t.UrgencyMean, o.UrgencyMean)
	set(&t.UncertaintyMean, o.UncertaintyMean)
	set(&t.KnowledgeMean, o.KnowledgeMean)
	set(&t.DriverConcentration, o.DriverConcentration)
	set(&t.KnowledgeAgeSlope, o.KnowledgeAgeSlope)
	set(&t.FailureProneness, o.FailureProneness)
	set(&t.TrustPrior, o.TrustPrior)
	set(&t.PurchaseProbability, o.PurchaseProbability)
	set(&t.LoyaltySD, o.LoyaltySD)
	set(&t.TenureMeanWeeks, o.TenureMeanWeeks)
	set(&t.SwitchingCostMean, o.SwitchingCostMean)
	set(&t.RecoveryExpectationMean, o.RecoveryExpectationMean)
	set(&t.VoiceSD, o.VoiceSD)
	return t
}

// Firm sets the firm's baseline service and economics.
type Firm struct {
	// BaseQuality is the mean perceived performance P of a normal order,
	// on the same [0,1] scale as expectations; QualityNoise its sd.
	BaseQuality  float64 `toml:"base_quality"`
	QualityNoise float64 `toml:"quality_noise"`
	// ProductCostShare is the product cost as a share of revenue.
	ProductCostShare float64 `toml:"product_cost_share"`
	// CompetitorAttractiveness in [0,1] raises every customer's exit hazard.
	CompetitorAttractiveness float64 `toml:"competitor_attractiveness"`
	// DiscountRate is the annual rate at which the expected margin of the
	// customers still active at the horizon is discounted into a terminal
	// value (customer lifetime value; Gupta, Lehmann & Stuart 2004, JMR
	// 41(1)).
	DiscountRate float64 `toml:"discount_rate"`
}

// FailureType parameterises one kind of service failure.
type FailureType struct {
	// Probability per order.
	Probability float64 `toml:"probability"`
	// Severity is Beta(SeverityA, SeverityB) in [0,1].
	SeverityA float64 `toml:"severity_a"`
	SeverityB float64 `toml:"severity_b"`
	// Impact scales severity into lost perceived performance.
	Impact float64 `toml:"impact"`
	// LossFraction is the share of order value the customer loses
	// (the stake that compensation and resolution restore).
	LossFraction float64 `toml:"loss_fraction"`
	// Restorable is the share of the loss that resolving the issue
	// restores (a replacement or redelivery); the rest needs money.
	Restorable float64 `toml:"restorable"`
	// Rejected: the customer rejects the flawed service (returns a
	// damaged or wrong item) rather than keeping it (a late parcel).
	// Distributive justice is S-shaped in compensation for rejected
	// failures and concave for kept ones (Gelbrich, Gäthke & Grégoire
	// 2015, J. Service Research 18(1)).
	Rejected bool `toml:"rejected"`
	// Detectable failures can be seen by the firm without a contact
	// (and so reached proactively).
	Detectable bool `toml:"detectable"`
}

// NumFailureTypes is the number of failure types.
const NumFailureTypes = 7

// FailureTypeNames returns the failure types' scenario keys in their
// fixed order (a fresh slice each call).
func FailureTypeNames() []string {
	return []string{
		"delivery_delay", "damaged_item", "wrong_item", "information_mismatch",
		"payment_problem", "privacy_breach", "support_failure",
	}
}

// Failures sets the failure process.
type Failures struct {
	DeliveryDelay       FailureType `toml:"delivery_delay"`
	DamagedItem         FailureType `toml:"damaged_item"`
	WrongItem           FailureType `toml:"wrong_item"`
	InformationMismatch FailureType `toml:"information_mismatch"`
	PaymentProblem      FailureType `toml:"payment_problem"`
	PrivacyBreach       FailureType `toml:"privacy_breach"`
	SupportFailure      FailureType `toml:"support_failure"`
	// SeverityCuts are the two severity values (in (0,1), increasing)
	// that cut severity into the low, medium and high categories the
	// firm records and refund_by_severity uses.
	SeverityCuts []float64 `toml:"severity_cuts"`
}

// Types returns the failure types in the order of FailureTypeNames.
func (f *Failures) Types() [NumFailureTypes]*FailureType {
	return [NumFailureTypes]*FailureType{&f.DeliveryDelay, &f.DamagedItem, &f.WrongItem,
		&f.InformationMismatch, &f.PaymentProblem, &f.PrivacyBreach, &f.SupportFailure}
}

// Contact sets the self-selection (contact) equation
// contact = 1{ z'γ + u > 0 }, u ~ N(0,1).
type Contact struct {
	Intercept   float64 `toml:"intercept"`
	Severity    float64 `toml:"severity"`
	Urgency     float64 `toml:"urgency"`
	Uncertainty float64 `toml:"uncertainty"`
	// LogOrderValue multiplies log(order value / population median
	// order value): more money at stake, more contact.
	LogOrderValue float64 `toml:"log_order_value"`
	Knowledge     float64 `toml:"knowledge"`
	// ExpectedPayoff multiplies the customer's expected recovery
	// satisfaction (own history blended with word of mouth).
	ExpectedPayoff float64 `toml:"expected_payoff"`
	// Friction is subtracted from the index (channel effort).
	Friction float64 `toml:"friction"`
	// Voice multiplies the voice disposition.
	Voice float64 `toml:"voice"`
	// SwitchingCost and Competitor multiply the customer's switching
	// cost and the competitor's attractiveness: where leaving is costly
	// customers complain, where it is easy they exit silently
	// (Hirschman 1970; Fornell & Wernerfelt 1987, JMR 24(4)).
	SwitchingCost float64 `toml:"switching_cost"`
	Competitor    float64 `toml:"competitor"`
	// Loyalty multiplies the customer's loyalty relative to the segment
	// median (logit scale): loyal customers voice (Hirschman 1970, ch. 7).
	Loyalty float64 `toml:"loyalty"`
	// InstrumentProbability is the share of episodes in which the
	// instrument is on (e.g. a randomised prominent help button);
	// InstrumentEffect is its coefficient. It moves contact only.
	InstrumentProbability float64 `toml:"instrument_probability"`
	InstrumentEffect      float64 `toml:"instrument_effect"`
	// InstrumentUnit is what the instrument is randomised over:
	// "episode" (drawn afresh at every failure) or "customer" (drawn
	// once per customer, as an online A/B test assigns by user id, so
	// all of a customer's episodes share it and an analysis by episode
	// needs standard errors clustered by customer; Deng, Lu & Litz 2017,
	// WSDM; Kohavi, Tang & Xu 2020, ch. 18).
	InstrumentUnit string `toml:"instrument_unit"`
	// Rho is the correlation of u with the satisfaction error ε.
	Rho float64 `toml:"rho"`
	// PayoffLearning is the rate at which a customer's expected payoff
	// moves toward the recovery satisfaction they experienced.
	PayoffLearning float64 `toml:"payoff_learning"`
	// WordOfMouthWeight blends the population's recent recovery
	// satisfaction into each customer's expected payoff.
	WordOfMouthWeight float64 `toml:"word_of_mouth_weight"`
	// AbandonPatience: a customer waiting for support abandons when the
	// wait exceeds an exponential patience with mean AbandonPatience
	// times their patience τ (Erlang-A; Garnett, Mandelbaum & Reiman
	// 2002, M&SOM 4(3)); 0 means nobody abandons.
	AbandonPatience float64 `toml:"abandon_patience"`
	// PayoffNewsWeight is the weight of this week's mean recovery
	// satisfaction in the recovery news people hear (exponential
	// smoothing, week by week).
	PayoffNewsWeight float64 `toml:"payoff_news_weight"`
}

// Outcomes sets the satisfaction model
//
//	S_tx = s0 + a(E − Ē) + b·g(P − E)
//	S(1) = S_tx + c·g(RS − E^R) − w_L·L·(1 − restored) + v·voice + σε
//	S(0) = S_tx − w_L·L + v·voice + σε
//
// with g loss-averse and damped inside the zone of tolerance.
type Outcomes struct {
	// Baseline is s0, satisfaction at D = 0 for E = ExpectationReference.
	Baseline float64 `toml:"baseline"`
	// Assimilation is a, the pull of expectations on satisfaction,
	// around the fixed reference expectation ExpectationReference (Ē).
	Assimilation         float64 `toml:"assimilation"`
	ExpectationReference float64 `toml:"expectation_reference"`
	// Disconfirmation is b, the weight of g(D).
	Disconfirmation float64 `toml:"disconfirmation"`
	// ToleranceDamping multiplies disconfirmation inside the zone of
	// tolerance (0 = ignored, 1 = no zone).
	ToleranceDamping float64 `toml:"tolerance_damping"`
	// RecoveryWeight is c, the weight of recovery satisfaction relative
	// to the recovery expectation.
	RecoveryWeight float64 `toml:"recovery_weight"`
	// LossWeight lowers satisfaction by this much per unit of unremedied
	// loss (the failure's loss fraction less what compensation and
	// resolution restore; Smith, Bolton & Wagner 1999, JMR 36(3)).
	LossWeight float64 `toml:"loss_weight"`
	// FailedRecoveryMargin: a recovery whose satisfaction RS falls short
	// of the recovery expectation E^R by more than this is a failed
	// recovery, a second deviation (as are abandoned contacts and losses
	// neither resolved nor paid back).
	FailedRecoveryMargin float64 `toml:"failed_recovery_margin"`
	// NoiseSD is the sd of ε.
	NoiseSD float64 `toml:"noise_sd"`
	// VoiceEffect multiplies the voice disposition in satisfaction (its
	// sign decides the direction of selection bias).
	VoiceEffect float64 `toml:"voice_effect"`
	// MemoryWeeks: a failure within this many weeks of an earlier one is
	// recorded as a repeat failure.
	MemoryWeeks int `toml:"memory_weeks"`
	// ExpectationLearning moves E toward experienced performance.
	ExpectationLearning float64 `toml:"expectation_learning"`
	// RecoveryExpectationLearning moves E^R toward experienced RS.
	RecoveryExpectationLearning float64 `toml:"recovery_expectation_learning"`
	// HorizonWeeks is H, the window for repurchase and spend outcomes.
	HorizonWeeks int `toml:"horizon_weeks"`
	// ScoreFloor and ScoreCeiling map latent S linearly onto survey and
	// NPS scales (S ≤ floor → lowest score, S ≥ ceiling → highest).
	ScoreFloor   float64 `toml:"score_floor"`
	ScoreCeiling float64 `toml:"score_ceiling"`
}

// Justice sets the three justice dimensions of a recovery.
type Justice struct {
	// Distributive justice is a function of compensation relative to the
	// loss x: for rejected failures logistic with midpoint
	// DistributiveMidpoint and slope DistributiveSlope (S-shaped); for
	// kept failures 1 − exp(−DistributiveConcavity·x) (concave). Beyond
	// OvercompensationCap·loss it falls by OvercompensationPenalty per
	// unit of x (Haesevoets, Van Hiel, Reinders Folmer & De Cremer 2014,
	// J. Economic Psychology 42).
	DistributiveMidpoint    float64 `toml:"distributive_midpoint"`
	DistributiveSlope       float64 `toml:"distributive_slope"`
	DistributiveConcavity   float64 `toml:"distributive_concavity"`
	OvercompensationCap     float64 `toml:"overcompensation_cap"`
	OvercompensationPenalty float64 `toml:"overcompensation_penalty"`
	// CouponValueFactor is how much a coupon is worth to the customer
	// relative to cash, per unit of face value.
	CouponValueFactor float64 `toml:"coupon_value_factor"`
	// Procedural justice exp(−wait/τ) is multiplied by
	// UnresolvedFactor for each contact that does not resolve the issue
	// and raised by FollowUpBoost·exp(−follow_up_hours/FollowUpDecayHours)
	// when there is a follow-up (a prompt follow-up counts more).
	UnresolvedFactor   float64 `toml:"unresolved_factor"`
	FollowUpBoost      float64 `toml:"follow_up_boost"`
	FollowUpDecayHours float64 `toml:"follow_up_decay_hours"`
	// Interactional justice: apology levels, weight of staff empathy and
	// of personalisation.
	ApologyNone           float64 `toml:"apology_none"`
	ApologyScripted       float64 `toml:"apology_scripted"`
	ApologySincere        float64 `toml:"apology_sincere"`
	EmpathyWeight         float64 `toml:"empathy_weight"`
	PersonalisationWeight float64 `toml:"personalisation_weight"`
	// PersonalisationTargeting: personalisation adds this much (times
	// the personalisation level) to the customer's highest-weight
	// justice dimension.
	PersonalisationTargeting float64 `toml:"personalisation_targeting"`
}

// Loyalty sets loyalty, purchase and exit dynamics (logit scale).
type Loyalty struct {
	// Two paths from an order to loyalty: cumulative satisfaction C
	// moves toward each order's satisfaction with weight CumulativeWeight
	// (Johnson, Anderson & Fornell 1995, JCR 21(4); Bolton 1998,
	// Marketing Science 17(1)), and loyalty moves by CumulativeEffect per
	// unit change of C; trust, the customer's Beta belief that an order
	// goes right (failures and failed recoveries count against it, older
	// evidence discounted by TrustMemory per order), moves loyalty by
	// TrustEffect per unit change of its logit (Garbarino & Johnson 1999,
	// J. Marketing 63(2)).
	CumulativeWeight float64 `toml:"cumulative_weight"`
	CumulativeEffect float64 `toml:"cumulative_effect"`
	TrustEffect      float64 `toml:"trust_effect"`
	TrustMemory      float64 `toml:"trust_memory"`
	// Goodwill is the customer's belief that the firm treats customers
	// well, in [0, 1]: it starts at GoodwillPrior, moves toward each
	// recovery's interactional justice J_i at rate GoodwillLearning, and
	// loyalty moves by GoodwillEffect per unit change of it (Tax, Brown &
	// Chandrashekaran 1998, J. Marketing 62(2): interactional justice
	// builds trust; Gelbrich & Roschk 2011, J. Service Research 14(1):
	// loyalty depends most on interactional justice).
	GoodwillPrior    float64 `toml:"goodwill_prior"`
	GoodwillLearning float64 `toml:"goodwill_learning"`
	GoodwillEffect   float64 `toml:"goodwill_effect"`
	// Reversion is the weekly share of the deviation from baseline
	// loyalty that decays.
	Reversion float64 `toml:"reversion"`
	// TenureEffect adds this much baseline loyalty per year of tenure.
	TenureEffect float64 `toml:"tenure_effect"`
	// Weekly exit hazard: logistic(ExitIntercept + ExitCompetitor·
	// competitor − ExitSwitchingCost·switching cost − ExitLoyalty·(ℓ −
	// logit(purchase_probability))), where ℓ is the customer's current
	// loyalty (baseline with tenure, plus the deviation from satisfaction).
	ExitIntercept     float64 `toml:"exit_intercept"`
	ExitCompetitor    float64 `toml:"exit_competitor"`
	ExitSwitchingCost float64 `toml:"exit_switching_cost"`
	ExitLoyalty       float64 `toml:"exit_loyalty"`
	// At a failure a customer who does not contact support, or whose
	// recovery failed, leaves at once with probability
	// logistic(FailureExitIntercept + FailureExitSeverity·severity +
	// ExitCompetitor·competitor − ExitSwitchingCost·switching cost −
	// ExitLoyalty·loyalty deviation): exit instead of voice, or after
	// voice failed (Hirschman 1970; Singh 1988, J. Marketing 52(1)).
	FailureExitIntercept float64 `toml:"failure_exit_intercept"`
	FailureExitSeverity  float64 `toml:"failure_exit_severity"`
}

// WordOfMouth sets how customers talk about the firm and how that talk
// moves others: every order yields a likelihood-to-recommend score;
// promoters and detractors tell their neighbours on a social network
// (or, with Network = "mean_field", everyone equally). What a customer
// has heard (buzz, decaying weekly) shifts their weekly purchase logit,
// and a prospect's weekly chance of becoming a customer (an open
// population: baseline arrivals plus referrals). Negative talk travels
// further than positive (Anderson 1998, J. Service Research 1(1)).
type WordOfMouth struct {
	// Network is "small_world" (Watts & Strogatz 1998), "configuration"
	// (erased configuration model, Poisson degrees), "mean_field" or
	// "none" (no talk reaches anyone).
	Network string `toml:"network"`
	// MeanDegree is the mean number of acquaintances; Rewiring the
	// small world's rewiring probability.
	MeanDegree int     `toml:"mean_degree"`
	Rewiring   float64 `toml:"rewiring"`
	// PromoterTalk and DetractorTalk are the expected number of talks a
	// promoter's or detractor's order gives each neighbour.
	PromoterTalk  float64 `toml:"promoter_talk"`
	DetractorTalk float64 `toml:"detractor_talk"`
	// BuzzDecay is the weekly share of heard buzz that is forgotten.
	BuzzDecay float64 `toml:"buzz_decay"`
	// IntentEffect shifts a customer's weekly purchase logit per unit of
	// buzz (net talks heard: positive minus negative).
	IntentEffect float64 `toml:"intent_effect"`
	// Prospects is the pool of people who may become customers, as a
	// share of population.size; JoinRate their weekly baseline chance of
	// joining; ReferralEffect shifts its logit per unit of buzz heard.
	Prospects      float64 `toml:"prospects"`
	JoinRate       float64 `toml:"join_rate"`
	ReferralEffect float64 `toml:"referral_effect"`
	// NPSFloor and NPSCeiling map latent satisfaction onto the 0–10
	// likelihood-to-recommend scale.
	NPSFloor   float64 `toml:"nps_floor"`
	NPSCeiling float64 `toml:"nps_ceiling"`
	// NPSNoiseSD is the sd of answer noise (points) in NPS answers.
	NPSNoiseSD float64 `toml:"nps_noise_sd"`
}

// Policy is a named recovery policy.
type Policy struct {
	Name string `toml:"name"`
	// ResponseHours is the target mean response time; response time is
	// log-normal with this mean and log-sd ResponseSigma. Ignored when
	// Staffing > 0 (the queue sets the mean instead).
	ResponseHours float64 `toml:"response_hours"`
	ResponseSigma float64 `toml:"response_sigma"`
	// Staffing is the number of support agents on duty around the
	// clock; > 0 makes response time follow a queue of the contacts
	// that arrive (Erlang C with backlog).
	Staffing float64 `toml:"staffing"`
	// HandleHours is the agent time one contact takes.
	HandleHours float64 `toml:"handle_hours"`
	// MinShiftHours is the shortest daily window agents are paid for when
	// a response-time target sets the staffing (staffing = 0).
	MinShiftHours float64 `toml:"min_shift_hours"`
	// Refund is the refund as a fraction of the customer's loss
	// (loss_fraction × order value; 0–2, above 1 overcompensates);
	// RefundBySeverity, if given, sets it per severity category
	// (low, medium, high).
	Refund           float64   `toml:"refund"`
	RefundBySeverity []float64 `toml:"refund_by_severity"`
	// CouponValue is a coupon's face value as a fraction of the failed
	// order's value; CouponRedemption the chance it is used at the
	// customer's next order (else it lapses). The firm pays the face
	// value only when a coupon is used, on an order it books as revenue.
	CouponValue      float64 `toml:"coupon_value"`
	CouponRedemption float64 `toml:"coupon_redemption"`
	// Apology is "none", "scripted" or "sincere".
	Apology Apology `toml:"apology"`
	// Empathy of staff in [0,1].
	Empathy float64 `toml:"empathy"`
	// Personalisation in [0,1].
	Personalisation float64 `toml:"personalisation"`
	// FollowUp: whether a follow-up contact happens, after
	// FollowUpHours.
	FollowUp      bool    `toml:"follow_up"`
	FollowUpHours float64 `toml:"follow_up_hours"`
	// Proactive is the probability that the firm reaches out on a
	// detectable failure before any contact.
	Proactive float64 `toml:"proactive"`
	// ProactiveRemedy is what proactive outreach offers; each field left
	// unset takes the policy's own value.
	ProactiveRemedy ProactiveRemedy `toml:"proactive_remedy"`
	// FirstContactResolution is the probability that one contact
	// resolves the issue; an unresolved issue brings another contact, up
	// to MaxContacts.
	FirstContactResolution float64 `toml:"first_contact_resolution"`
	MaxContacts            int     `toml:"max_contacts"`
	// Eligibility restricts refunds and coupons.
	Eligibility Eligibility `toml:"eligibility"`
	// Costs.
	StaffCostPerHour float64 `toml:"staff_cost_per_hour"`
	FollowUpCost     float64 `toml:"follow_up_cost"`
	ProactiveCost    float64 `toml:"proactive_cost"`
	// Extra agent hours per contact at full empathy and for a sincere
	// (not scripted) apology; PersonalisationCost per contact at full
	// personalisation; ResolutionCost, a fraction of order value, per
	// resolved issue (replacement, redelivery).
	EmpathyHours        float64 `toml:"empathy_hours"`
	SincereApologyHours float64 `toml:"sincere_apology_hours"`
	PersonalisationCost float64 `toml:"personalisation_cost"`
	ResolutionCost      float64 `toml:"resolution_cost"`
}

// ProactiveRemedy overrides, for proactive outreach only, parts of a
// policy's remedy: firms often reach out with an apology and a small
// coupon rather than the full refund a complaint would get. A nil field
// means the policy's own value.
type ProactiveRemedy struct {
	// Refund as a fraction of the loss (0–2), whatever the severity.
	Refund *float64 `toml:"refund"`
	// CouponValue as a fraction of order value.
	CouponValue *float64 `toml:"coupon_value"`
	// Apology is "none", "scripted" or "sincere".
	Apology *Apology `toml:"apology"`
}

// Eligibility restricts which episodes receive refunds and coupons.
type Eligibility struct {
	// Segments and FailureTypes list the eligible names; empty = all.
	Segments     []string `toml:"segments"`
	FailureTypes []string `toml:"failure_types"`
	// MinOrderValue and MinTenureWeeks are lower bounds.
	MinOrderValue  float64 `toml:"min_order_value"`
	MinTenureWeeks float64 `toml:"min_tenure_weeks"`
}

// Survey sets the post-recovery satisfaction survey.
type Survey struct {
	// Scale is 5 or 7 points.
	Scale int `toml:"scale"`
	// Response probability logistic(ResponseIntercept +
	// ResponseExtremity·|S − midpoint|·2/(ceiling−floor)).
	ResponseIntercept float64 `toml:"response_intercept"`
	ResponseExtremity float64 `toml:"response_extremity"`
	// ScoreNoiseSD is the sd of answer noise in scale points.
	ScoreNoiseSD float64 `toml:"score_noise_sd"`
}

// Study holds the defaults of a Monte Carlo bias study of the scenario
// (`redress bias`); the command's flags override them. A preset that
// carries a study makes a lesson one command.
type Study struct {
	// Reps is the number of replications per grid point; 0 means the
	// study needs --reps.
	Reps int `toml:"reps"`
	// Estimators restricts the methods; empty means every method that
	// applies to the scenario's mode.
	Estimators []string `toml:"estimators"`
	// Sweeps are swept keys as "key=v1,v2,...", each like a --sweep flag;
	// several form a grid.
	Sweeps []string `toml:"sweeps"`
	// Until is a precision target, like --until ("mcse(coverage)<0.005");
	// Reps is then the cap. Batch is how often it is checked (0: 100).
	Until string `toml:"until"`
	Batch int    `toml:"batch"`
}

// Output sets what is written.
type Output struct {
	// TruthEpisodes writes truth_episodes.csv.
	TruthEpisodes bool `toml:"truth_episodes"`
}

// Textbook sets the exact selection / endogenous-treatment DGP:
//
//	s* = γ0 + Σ γj xj + γz z + u,  s = 1{s* > 0}
//	y  = β0 + Σ βj xj + σ ε          (observed only when s = 1)
//	w  = β0 + Σ βj xj + δ s + σ ε    (observed for all)
//
// with corr(u, ε) = rho, var(u) = var(ε) = 1.
type Textbook struct {
	// Beta are the outcome coefficients (intercept first).
	Beta []float64 `toml:"beta"`
	// Gamma are the selection coefficients on the same covariates
	// (intercept first); len(Gamma) == len(Beta).
	Gamma []float64 `toml:"gamma"`
	// Exclusion is γz, the coefficient of the excluded instrument z.
	Exclusion float64 `toml:"exclusion"`
	Rho       float64 `toml:"rho"`
	Sigma     float64 `toml:"sigma"`
	// Delta is the treatment effect of s on w.
	Delta float64 `toml:"delta"`
	// Covariates is "normal", "uniform" (unit variance) or "binary".
	Covariates string `toml:"covariates"`
	// CovariateCorrelation is the correlation between covariates and
	// between each covariate and z.
	CovariateCorrelation float64 `toml:"covariate_correlation"`
	// Errors is "normal", "t", "skew_normal", "uniform" or "mixture".
	Errors string `toml:"errors"`
	// DF is the t distribution's degrees of freedom (> 2).
	DF float64 `toml:"df"`
	// Skew is the skew-normal shape α.
	Skew float64 `toml:"skew"`
	// Mixture of two normals: weight of the second component, its
	// mean shift and its sd (the first is N(0,1)); standardised.
	MixtureWeight float64 `toml:"mixture_weight"`
	MixtureShift  float64 `toml:"mixture_shift"`
	MixtureScale  float64 `toml:"mixture_scale"`
	// Outcome is the kind of the satisfaction y and the outcome w:
	// "linear" (y = xβ + σε), "binary" (y = 1{xβ + σε > 0}) or
	// "ordered" (y = 1 + the number of Cutpoints below xβ + σε).
	Outcome string `toml:"outcome"`
	// Cutpoints are the thresholds κ₁ < … < κ_J of an ordered outcome
	// on the latent scale xβ + σε (J + 1 categories).
	Cutpoints []float64 `toml:"cutpoints"`
}
