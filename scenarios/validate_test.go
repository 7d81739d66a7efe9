package scenarios

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestDefaultValidates(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default() is invalid:\n%v", err)
	}
}

func f64(x float64) *float64 { return &x }

// TestValidateRules: one broken value per case; the error names the key
// path and says what is allowed.
func TestValidateRules(t *testing.T) {
	twoSegments := func(s *Scenario) {
		s.Population.Segments = []Segment{{Name: "new", Share: 0.3}, {Name: "loyal", Share: 0.7}}
	}
	twoPolicies := func(s *Scenario) {
		s.Policies = []Policy{DefaultPolicy("a"), DefaultPolicy("b")}
	}
	cases := []struct {
		name   string
		break_ func(s *Scenario)
		key    string
		msg    string
	}{
		{"mode", func(s *Scenario) { s.Mode = "behavioural" }, "mode", `"behavioural" is not allowed: the value must be one of "behavioral", "textbook"`},
		{"empty mode", func(s *Scenario) { s.Mode = "" }, "mode", `"" is not allowed`},
		{"undefined policy", func(s *Scenario) { twoPolicies(s); s.Policy = "x" }, "policy", `undefined policy "x"; defined policies are: a, b`},
		{"size 0", func(s *Scenario) { s.Population.Size = 0 }, "population.size", "0 is out of range: the number of customers must be in [1, 100000000]"},
		{"size huge", func(s *Scenario) { s.Population.Size = 1e9 }, "population.size", "must be in [1, 100000000]"},
		{"weeks 0", func(s *Scenario) { s.Population.Weeks = 0 }, "population.weeks", "0 is out of range"},
		{"beta mean 1", func(s *Scenario) { s.Population.Traits.ExpectationMean = 1 }, "population.traits.expectation_mean", "1 is out of range: the mean of a Beta distribution must be in (0, 1)"},
		{"concentration 0", func(s *Scenario) { s.Population.Traits.DriverConcentration = 0 }, "population.traits.driver_concentration", "must be > 0"},
		{"justice alpha 2 values", func(s *Scenario) { s.Population.Traits.JusticeAlpha = []float64{1, 2} }, "population.traits.justice_alpha", "[1, 2] has 2 values; it must have exactly 3 positive values"},
		{"justice alpha 0", func(s *Scenario) { s.Population.Traits.JusticeAlpha = []float64{1, 0, 2} }, "population.traits.justice_alpha[1]", "0 is out of range: a Dirichlet parameter must be > 0"},
		{"patience 0", func(s *Scenario) { s.Population.Traits.PatienceHours = 0 }, "population.traits.patience_hours", "0 is out of range: patience in hours must be > 0"},
		{"negative sd", func(s *Scenario) { s.Population.Traits.VoiceSD = -1 }, "population.traits.voice_sd", "-1 is out of range: a standard deviation must be >= 0"},
		{"no segments", func(s *Scenario) { s.Population.Segments = nil }, "population.segments", "at least one"},
		{"shares sum", func(s *Scenario) { twoSegments(s); s.Population.Segments[1].Share = 0.6 }, "population.segments", "shares sum to 0.9; they must sum to 1"},
		{"share 0", func(s *Scenario) {
			twoSegments(s)
			s.Population.Segments[0].Share = 0
			s.Population.Segments[1].Share = 1
		}, "population.segments[0].share", "0 is out of range: a share must be in (0, 1]"},
		{"share > 1", func(s *Scenario) { s.Population.Segments[0].Share = 1.5 }, "population.segments[0].share", "1.5 is out of range: a share must be in (0, 1]"},
		{"segment no name", func(s *Scenario) { s.Population.Segments[0].Name = "" }, "population.segments[0].name", "needs a non-empty name"},
		{"segment duplicate", func(s *Scenario) { twoSegments(s); s.Population.Segments[1].Name = "new" }, "population.segments[1].name", `duplicate segment name "new" (also population.segments[0].name)`},
		{"segment override", func(s *Scenario) { s.Population.Segments[0].Traits.PatienceHours = f64(-2) }, "population.segments[0].traits.patience_hours", "-2 is out of range"},
		{"segment override alpha", func(s *Scenario) { s.Population.Segments[0].Traits.JusticeAlpha = []float64{1} }, "population.segments[0].traits.justice_alpha", "has 1 values"},
		{"base quality", func(s *Scenario) { s.Firm.BaseQuality = 1.1 }, "firm.base_quality", "1.1 is out of range"},
		{"probability", func(s *Scenario) { s.Failures.DeliveryDelay.Probability = 1.5 }, "failures.delivery_delay.probability", "1.5 is out of range: a probability must be in [0, 1]"},
		{"negative probability", func(s *Scenario) { s.Failures.SupportFailure.Probability = -0.01 }, "failures.support_failure.probability", "-0.01 is out of range: a probability must be in [0, 1]"},
		{"probability sum", func(s *Scenario) {
			s.Failures.DeliveryDelay.Probability = 0.5
			s.Failures.DamagedItem.Probability = 0.6
		}, "failures", "the failure probabilities sum to 1.1175"},
		{"beta parameter", func(s *Scenario) { s.Failures.WrongItem.SeverityB = 0 }, "failures.wrong_item.severity_b", "0 is out of range: a Beta parameter must be > 0"},
		{"loss fraction", func(s *Scenario) { s.Failures.PrivacyBreach.LossFraction = 2 }, "failures.privacy_breach.loss_fraction", "2 is out of range"},
		{"coefficient inf", func(s *Scenario) { s.Contact.Severity = math.Inf(1) }, "contact.severity", "+Inf is not allowed: the value must be a finite number"},
		{"contact rho 1", func(s *Scenario) { s.Contact.Rho = 1 }, "contact.rho", "1 is out of range: a correlation must be in (-1, 1)"},
		{"instrument probability", func(s *Scenario) { s.Contact.InstrumentProbability = 2 }, "contact.instrument_probability", "a probability must be in [0, 1]"},
		{"instrument unit", func(s *Scenario) { s.Contact.InstrumentUnit = "household" }, "contact.instrument_unit", `"household" is not allowed: the value must be one of "episode", "customer"`},
		{"memory weeks", func(s *Scenario) { s.Outcomes.MemoryWeeks = -1 }, "outcomes.memory_weeks", "-1 is out of range"},
		{"horizon", func(s *Scenario) { s.Outcomes.HorizonWeeks = 0 }, "outcomes.horizon_weeks", "0 is out of range"},
		{"ceiling", func(s *Scenario) { s.Outcomes.ScoreCeiling = -0.6 }, "outcomes.score_ceiling", "score_ceiling must be greater than score_floor (-0.6)"},
		{"nps ceiling", func(s *Scenario) { s.WordOfMouth.NPSCeiling = -1 }, "word_of_mouth.nps_ceiling", "must be greater than nps_floor"},
		{"reversion", func(s *Scenario) { s.Loyalty.Reversion = 1.2 }, "loyalty.reversion", "1.2 is out of range: a rate must be in [0, 1]"},
		{"decay", func(s *Scenario) { s.WordOfMouth.BuzzDecay = -0.2 }, "word_of_mouth.buzz_decay", "-0.2 is out of range: a rate must be in [0, 1]"},
		{"odd degree", func(s *Scenario) { s.WordOfMouth.MeanDegree = 7 }, "word_of_mouth.mean_degree", "7 is not allowed: a small world needs an even mean degree"},
		{"network", func(s *Scenario) { s.WordOfMouth.Network = "star" }, "word_of_mouth.network", `"star" is not allowed`},
		{"severity cuts", func(s *Scenario) { s.Failures.SeverityCuts = []float64{0.6, 0.3} }, "failures.severity_cuts", "[0.6, 0.3] is not allowed: the two cuts must increase"},
		{"max contacts", func(s *Scenario) { s.Policies[0].MaxContacts = 0 }, "policies[0].max_contacts", "0 is out of range"},
		{"trust memory", func(s *Scenario) { s.Loyalty.TrustMemory = 1 }, "loyalty.trust_memory", "1 is out of range"},
		{"apology level", func(s *Scenario) { s.Justice.ApologySincere = 3 }, "justice.apology_sincere", "3 is out of range"},
		{"no policies", func(s *Scenario) { s.Policies = nil }, "policies", "at least one"},
		{"policy no name", func(s *Scenario) { s.Policies[0].Name = " " }, "policies[0].name", "needs a non-empty name"},
		{"policy duplicate", func(s *Scenario) { twoPolicies(s); s.Policies[1].Name = "a" }, "policies[1].name", `duplicate policy name "a"`},
		{"refund negative", func(s *Scenario) { s.Policies[0].Refund = -0.1 }, "policies[0].refund", "-0.1 is out of range: a refund (a fraction of the loss; above 1 overcompensates) must be in [0, 2]"},
		{"refund too big", func(s *Scenario) { twoPolicies(s); s.Policies[1].Refund = 2.5 }, "policies[1].refund", "2.5 is out of range"},
		{"refund by severity length", func(s *Scenario) { s.Policies[0].RefundBySeverity = []float64{0.5, 1} }, "policies[0].refund_by_severity", "[0.5, 1] has 2 values; it must be empty or have exactly 3"},
		{"refund by severity value", func(s *Scenario) { s.Policies[0].RefundBySeverity = []float64{0.5, 1, 3} }, "policies[0].refund_by_severity[2]", "3 is out of range"},
		{"apology", func(s *Scenario) { s.Policies[0].Apology = "grovelling" }, "policies[0].apology", `"grovelling" is not allowed: the value must be one of "none", "scripted", "sincere"`},
		{"negative hour", func(s *Scenario) { s.Policies[0].FollowUpHours = -1 }, "policies[0].follow_up_hours", "-1 is out of range: a number of hours must be >= 0"},
		{"response 0 without staff", func(s *Scenario) { s.Policies[0].ResponseHours = 0 }, "policies[0].response_hours", "0 is out of range: a response time in hours (when staffing = 0) must be > 0"},
		{"response 0 with staff ok, handle 0 not", func(s *Scenario) {
			s.Policies[0].ResponseHours = 0
			s.Policies[0].Staffing = 5
			s.Policies[0].HandleHours = 0
		}, "policies[0].handle_hours", "0 is out of range: a handling time in hours (when staffing > 0) must be > 0"},
		{"staffing negative", func(s *Scenario) { s.Policies[0].Staffing = -1 }, "policies[0].staffing", "-1 is out of range"},
		{"empathy", func(s *Scenario) { s.Policies[0].Empathy = 1.01 }, "policies[0].empathy", "1.01 is out of range"},
		{"personalisation", func(s *Scenario) { s.Policies[0].Personalisation = -0.5 }, "policies[0].personalisation", "-0.5 is out of range"},
		{"proactive", func(s *Scenario) { s.Policies[0].Proactive = 1.5 }, "policies[0].proactive", "a probability must be in [0, 1]"},
		{"fcr", func(s *Scenario) { s.Policies[0].FirstContactResolution = 2 }, "policies[0].first_contact_resolution", "a probability"},
		{"coupon redemption", func(s *Scenario) { s.Policies[0].CouponRedemption = 1.5 }, "policies[0].coupon_redemption", "1.5 is out of range"},
		{"undefined segment", func(s *Scenario) { twoSegments(s); s.Policies[0].Eligibility.Segments = []string{"new", "vip"} },
			"policies[0].eligibility.segments[1]", `undefined segment "vip"; defined segments are: new, loyal`},
		{"unknown failure type", func(s *Scenario) { s.Policies[0].Eligibility.FailureTypes = []string{"late"} },
			"policies[0].eligibility.failure_types[0]", `unknown failure type "late"; failure types are: delivery_delay, damaged_item`},
		{"negative cost", func(s *Scenario) { s.Policies[0].ProactiveCost = -3 }, "policies[0].proactive_cost", "-3 is out of range: a cost must be >= 0"},
		{"survey scale", func(s *Scenario) { s.Survey.Scale = 10 }, "survey.scale", "10 is not allowed: the survey scale must be 5 or 7"},
		{"beta empty", func(s *Scenario) { s.Textbook.Beta = nil; s.Textbook.Gamma = nil }, "textbook.beta", "beta needs at least the intercept"},
		{"gamma length", func(s *Scenario) { s.Textbook.Gamma = []float64{1} }, "textbook.gamma", "[1] has 1 values but beta has 3"},
		{"textbook rho", func(s *Scenario) { s.Textbook.Rho = -1 }, "textbook.rho", "-1 is out of range: a correlation must be in (-1, 1)"},
		{"sigma", func(s *Scenario) { s.Textbook.Sigma = 0 }, "textbook.sigma", "0 is out of range: a standard deviation must be > 0"},
		{"covariates", func(s *Scenario) { s.Textbook.Covariates = "poisson" }, "textbook.covariates", `one of "normal", "uniform", "binary"`},
		{"errors", func(s *Scenario) { s.Textbook.Errors = "cauchy" }, "textbook.errors", `one of "normal", "t", "skew_normal", "uniform", "mixture"`},
		{"df", func(s *Scenario) { s.Textbook.Errors = "t"; s.Textbook.DF = 2 }, "textbook.df", "2 is out of range: the degrees of freedom of t errors (finite variance) must be > 2"},
		{"mixture weight", func(s *Scenario) { s.Textbook.MixtureWeight = 1 }, "textbook.mixture_weight", "1 is out of range: a mixture weight must be in [0, 1)"},
		{"outcome kind", func(s *Scenario) { s.Textbook.Outcome = "count" }, "textbook.outcome", `"count"`},
		{"binary with t errors", func(s *Scenario) { s.Textbook.Outcome = "binary"; s.Textbook.Errors = "t" }, "textbook.outcome", `needs errors = "normal"`},
		{"cutpoints not increasing", func(s *Scenario) { s.Textbook.Cutpoints = []float64{0, 1, 1} }, "textbook.cutpoints[2]", "1 is not above cutpoints[1] = 1"},
		{"no cutpoints", func(s *Scenario) { s.Textbook.Outcome = "ordered"; s.Textbook.Cutpoints = nil }, "textbook.cutpoints", "an ordered outcome needs at least one cutpoint"},
		{"mixture scale", func(s *Scenario) { s.Textbook.MixtureScale = 0 }, "textbook.mixture_scale", "must be > 0"},
		{"covariate correlation", func(s *Scenario) { s.Textbook.CovariateCorrelation = 1 }, "textbook.covariate_correlation", "1 is out of range: a correlation must be in (-1, 1)"},
		{"equicorrelation", func(s *Scenario) { s.Textbook.CovariateCorrelation = -0.5 }, "textbook.covariate_correlation", "with 2 normal covariates and z the common correlation must be > -0.5"},
		// Binary: (2/π)asin(−1/2) = −1/3; uniform: (6/π)asin(−1/4) ≈ −0.4826.
		{"binary correlation", func(s *Scenario) { s.Textbook.Covariates = "binary"; s.Textbook.CovariateCorrelation = -0.4 }, "textbook.covariate_correlation", "with 2 binary covariates and z the common correlation must be > -0.333"},
		{"uniform correlation", func(s *Scenario) { s.Textbook.Covariates = "uniform"; s.Textbook.CovariateCorrelation = -0.49 }, "textbook.covariate_correlation", "with 2 uniform covariates and z the common correlation must be > -0.48"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Default()
			c.break_(s)
			err := s.Validate()
			if err == nil {
				t.Fatalf("no error")
			}
			if !IsInputError(err) {
				t.Errorf("IsInputError = false for %v", err)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is a %T, want Errors", err)
			}
			for _, e := range es {
				if e.Key == c.key && strings.Contains(e.Msg, c.msg) {
					if len(es) != 1 {
						t.Errorf("want one error, got:\n%v", err)
					}
					return
				}
			}
			t.Errorf("no error with key %q and message containing %q; got:\n%v", c.key, c.msg, err)
		})
	}
}

// TestValidateSchemaOrder: all problems are reported, in schema order.
func TestValidateSchemaOrder(t *testing.T) {
	s := Default()
	s.Textbook.Sigma = -1
	s.Policies[0].Refund = 9
	s.Mode = "x"
	s.Population.Size = 0
	s.Policies[0].Apology = "x"
	err := s.Validate()
	var got []string
	for _, e := range err.(Errors) {
		got = append(got, e.Key)
	}
	want := []string{"mode", "population.size", "policies[0].refund", "policies[0].apology", "textbook.sigma"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %q, want %q", got, want)
	}
	if s.Validate().Error() != err.Error() {
		t.Errorf("Validate is not deterministic")
	}
}

func TestValidateAllowedEdges(t *testing.T) {
	s := Default()
	s.Failures.DeliveryDelay.Probability = 1
	for i, ft := range s.Failures.Types() {
		if i > 0 {
			ft.Probability = 0
		}
	}
	s.Policies[0].Refund = 2
	s.Policies[0].RefundBySeverity = []float64{0, 1, 2}
	s.Policies[0].Staffing = 3
	s.Policies[0].ResponseHours = 0
	s.Population.Segments = []Segment{{Name: "a", Share: 0.1}, {Name: "b", Share: 0.2}, {Name: "c", Share: 0.7}} // sums to 0.9999999999999999
	s.Policies[0].Eligibility.Segments = []string{"c"}
	s.Policies[0].Eligibility.FailureTypes = FailureTypeNames()
	s.Textbook.Errors = "t"
	s.Textbook.DF = 2.0001
	s.Textbook.Beta = []float64{1}
	s.Textbook.Gamma = []float64{0}
	s.Textbook.CovariateCorrelation = -0.99 // no covariates: only z
	s.Mode = "textbook"
	s.Survey.Scale = 7
	if err := s.Validate(); err != nil {
		t.Errorf("edge values rejected:\n%v", err)
	}
}

// TestEveryNumberIsChecked sets each numeric leaf of the schema in turn
// to a value no key allows (NaN for floats, the smallest int for ints)
// and requires an error naming exactly that key. A numeric field added
// to types.go without a rule in validate.go fails here.
func TestEveryNumberIsChecked(t *testing.T) {
	for _, leaf := range numericLeaves(reflect.ValueOf(Default()).Elem(), "") {
		t.Run(leaf.path, func(t *testing.T) {
			s := Default()
			leaf.poison(reflect.ValueOf(s).Elem())
			err := s.Validate()
			if err == nil {
				t.Fatalf("%s accepted an invalid value", leaf.path)
			}
			for _, e := range err.(Errors) {
				if e.Key == leaf.path {
					return
				}
			}
			t.Errorf("no error for %s; got:\n%v", leaf.path, err)
		})
	}
}

type leaf struct {
	path   string
	poison func(root reflect.Value)
}

// numericLeaves lists the numeric leaves under v with their indexed
// paths and a function that poisons the same leaf in another value of
// v's type. Slices of structs contribute their first element; segment
// trait overrides are included (pointers are filled in).
func numericLeaves(v reflect.Value, prefix string) []leaf {
	var out []leaf
	var walk func(v reflect.Value, path string, at func(reflect.Value) reflect.Value)
	walk = func(v reflect.Value, path string, at func(reflect.Value) reflect.Value) {
		t := v.Type()
		switch {
		case t.Kind() == reflect.Struct:
			for _, f := range tomlFields(t) {
				p := tomlName(f)
				if path != "" {
					p = path + "." + p
				}
				i := f.Index
				walk(v.FieldByIndex(i), p, func(r reflect.Value) reflect.Value { return at(r).FieldByIndex(i) })
			}
		case t.Kind() == reflect.Slice && structOf(t) != nil:
			if v.Len() > 0 {
				walk(v.Index(0), path+"[0]", func(r reflect.Value) reflect.Value { return at(r).Index(0) })
			}
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Float64:
			if v.Len() > 0 {
				last := v.Len() - 1
				out = append(out, leaf{path + "[" + strconv.Itoa(last) + "]", func(r reflect.Value) {
					at(r).Index(last).SetFloat(math.NaN())
				}})
			} else {
				// An empty optional list (refund_by_severity).
				out = append(out, leaf{path + "[2]", func(r reflect.Value) {
					at(r).Set(reflect.ValueOf([]float64{0, 0, math.NaN()}))
				}})
			}
		case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Float64:
			out = append(out, leaf{path, func(r reflect.Value) {
				nan := math.NaN()
				at(r).Set(reflect.ValueOf(&nan))
			}})
		case t.Kind() == reflect.Float64:
			out = append(out, leaf{path, func(r reflect.Value) { at(r).SetFloat(math.NaN()) }})
		case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
			out = append(out, leaf{path, func(r reflect.Value) { at(r).SetInt(math.MinInt32) }})
		}
	}
	walk(v, prefix, func(r reflect.Value) reflect.Value { return r })
	return out
}

func TestErrorText(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{File: "s.toml", Line: 3, Key: "policies[0].refund", Msg: "bad"}, "s.toml:3: policies[0].refund: bad"},
		{Error{File: "s.toml", Key: "policies[0].refund", Msg: "bad"}, "s.toml: policies[0].refund: bad"},
		{Error{Key: "mode", Msg: "bad"}, "mode: bad"},
		{Error{File: "s.toml", Line: 2, Msg: "bad"}, "s.toml:2: bad"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	if IsInputError(errors.New("disk full")) {
		t.Error("IsInputError(plain error) = true")
	}
}

// TestFailureTypeNamesMatchSchema: validation keys and eligibility
// names rely on FailureTypeNames, Failures' toml keys and Types() all
// being in the same order.
func TestFailureTypeNamesMatchSchema(t *testing.T) {
	names := tomlNames(reflect.TypeOf(Failures{}))
	names = names[:NumFailureTypes] // severity_cuts follows the types
	if !reflect.DeepEqual(names, FailureTypeNames()) {
		t.Fatalf("Failures keys %v != FailureTypeNames %v", names, FailureTypeNames())
	}
	var f Failures
	rv := reflect.ValueOf(&f).Elem()
	for i, p := range f.Types() {
		if p != rv.Field(i).Addr().Interface().(*FailureType) {
			t.Errorf("Types()[%d] is not the %s field", i, FailureTypeNames()[i])
		}
	}
}

// TestResolveAppliesEveryOverride: each segment override key replaces
// exactly the trait of the same key.
func TestResolveAppliesEveryOverride(t *testing.T) {
	base := DefaultTraits()
	tt := reflect.TypeOf(Traits{})
	for _, f := range tomlFields(reflect.TypeOf(TraitOverrides{})) {
		var o TraitOverrides
		fv := reflect.ValueOf(&o).Elem().FieldByIndex(f.Index)
		switch f.Type.Kind() {
		case reflect.Pointer:
			x := 123.25
			fv.Set(reflect.ValueOf(&x))
		case reflect.Slice:
			fv.Set(reflect.ValueOf([]float64{123.25, 123.25, 123.25}))
		}
		got := o.Resolve(base)
		gv, bv := reflect.ValueOf(got), reflect.ValueOf(base)
		for _, tf := range tomlFields(tt) {
			changed := !reflect.DeepEqual(gv.FieldByIndex(tf.Index).Interface(), bv.FieldByIndex(tf.Index).Interface())
			if want := tomlName(tf) == tomlName(f); changed != want {
				t.Errorf("override %s: trait %s changed = %v, want %v", tomlName(f), tomlName(tf), changed, want)
			}
		}
	}
}
