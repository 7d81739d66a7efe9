package scenarios

// Default returns the complete default scenario: a behavioral model of a
// mid-size online retailer with one standard recovery policy. Every
// scenario file is decoded on top of it.
func Default() *Scenario {
	return &Scenario{
		Name:        "default",
		Description: "A mid-size online retailer with a standard recovery policy.",
		Mode:        "behavioral",
		Seed:        1,
		Population: Population{
			Size:        20000,
			Weeks:       52,
			WarmupWeeks: 13,
			Traits:      DefaultTraits(),
			Segments: []Segment{
				{Name: "all", Share: 1},
			},
		},
		Firm: Firm{
			BaseQuality:              0.78,
			QualityNoise:             0.08,
			ProductCostShare:         0.6,
			CompetitorAttractiveness: 0.3,
			DiscountRate:             0.1,
		},
		Failures: Failures{
			DeliveryDelay:       FailureType{Probability: 0.018, SeverityA: 2, SeverityB: 4, Impact: 0.5, LossFraction: 0.2, Detectable: true, Restorable: 0.3, Rejected: false},
			DamagedItem:         FailureType{Probability: 0.007, SeverityA: 3, SeverityB: 3, Impact: 0.7, LossFraction: 0.8, Detectable: false, Restorable: 1, Rejected: true},
			WrongItem:           FailureType{Probability: 0.006, SeverityA: 3, SeverityB: 3, Impact: 0.7, LossFraction: 0.9, Detectable: true, Restorable: 1, Rejected: true},
			InformationMismatch: FailureType{Probability: 0.006, SeverityA: 2, SeverityB: 3, Impact: 0.5, LossFraction: 0.5, Detectable: false, Restorable: 0.8, Rejected: true},
			PaymentProblem:      FailureType{Probability: 0.003, SeverityA: 2, SeverityB: 3, Impact: 0.6, LossFraction: 0.6, Detectable: true, Restorable: 1, Rejected: false},
			PrivacyBreach:       FailureType{Probability: 0.0005, SeverityA: 4, SeverityB: 2, Impact: 0.9, LossFraction: 0.3, Detectable: true, Restorable: 0, Rejected: false},
			SupportFailure:      FailureType{Probability: 0.002, SeverityA: 2, SeverityB: 3, Impact: 0.6, LossFraction: 0.3, Detectable: false, Restorable: 1, Rejected: false},
			SeverityCuts:        []float64{1.0 / 3, 2.0 / 3},
		},
		Contact: Contact{
			Intercept:             -1.7,
			Severity:              1.6,
			Urgency:               0.8,
			Uncertainty:           0.6,
			LogOrderValue:         0.3,
			Knowledge:             -0.6,
			ExpectedPayoff:        0.8,
			Friction:              0.3,
			Voice:                 0.5,
			SwitchingCost:         0.8,
			Competitor:            -0.8,
			Loyalty:               0.5,
			AbandonPatience:       4,
			PayoffNewsWeight:      0.2,
			InstrumentProbability: 0.5,
			InstrumentEffect:      0.5,
			InstrumentUnit:        "episode",
			Rho:                   0.5,
			PayoffLearning:        0.3,
			WordOfMouthWeight:     0.3,
		},
		Outcomes: Outcomes{
			Baseline:                    0.6,
			Assimilation:                1.15,
			ExpectationReference:        0.7,
			Disconfirmation:             1.0,
			ToleranceDamping:            0.3,
			RecoveryWeight:              0.8,
			LossWeight:                  0.35,
			FailedRecoveryMargin:        0.2,
			NoiseSD:                     0.15,
			VoiceEffect:                 0.1,
			MemoryWeeks:                 12,
			ExpectationLearning:         0.1,
			RecoveryExpectationLearning: 0.3,
			HorizonWeeks:                8,
			ScoreFloor:                  -0.6,
			ScoreCeiling:                1.0,
		},
		Justice: Justice{
			DistributiveMidpoint:     0.9,
			DistributiveSlope:        6,
			DistributiveConcavity:    2,
			OvercompensationCap:      1.5,
			OvercompensationPenalty:  0.1,
			CouponValueFactor:        0.5,
			UnresolvedFactor:         0.6,
			FollowUpBoost:            0.15,
			FollowUpDecayHours:       168,
			ApologyNone:              0.2,
			ApologyScripted:          0.45,
			ApologySincere:           0.75,
			EmpathyWeight:            0.2,
			PersonalisationWeight:    0.15,
			PersonalisationTargeting: 0.2,
		},
		Loyalty: Loyalty{
			CumulativeWeight:     0.15,
			CumulativeEffect:     3,
			TrustEffect:          0.4,
			TrustMemory:          0.95,
			GoodwillPrior:        0.5,
			GoodwillLearning:     0.5,
			GoodwillEffect:       0.25,
			Reversion:            0.05,
			TenureEffect:         0.1,
			ExitIntercept:        -5.5,
			ExitCompetitor:       1.0,
			ExitSwitchingCost:    2.0,
			ExitLoyalty:          1.0,
			FailureExitIntercept: -4,
			FailureExitSeverity:  2,
		},
		WordOfMouth: WordOfMouth{
			Network:        "small_world",
			MeanDegree:     10,
			Rewiring:       0.1,
			PromoterTalk:   0.1,
			DetractorTalk:  0.2,
			BuzzDecay:      0.2,
			IntentEffect:   0.3,
			Prospects:      0.5,
			JoinRate:       0.005,
			ReferralEffect: 1,
			NPSFloor:       0.0,
			NPSCeiling:     0.75,
			NPSNoiseSD:     1.0,
		},
		Policies: []Policy{DefaultPolicy("standard")},
		Survey: Survey{
			Scale:             5,
			ResponseIntercept: -1.5,
			ResponseExtremity: 1.5,
			ScoreNoiseSD:      0.3,
		},
		Output:   Output{TruthEpisodes: true},
		Textbook: DefaultTextbook(),
	}
}

// DefaultTraits returns the default trait distributions.
func DefaultTraits() Traits {
	return Traits{
		OrderValueMedian:         45,
		OrderValueSigma:          0.6,
		ExpectationMean:          0.7,
		ExpectationConcentration: 20,
		ToleranceWidth:           0.05,
		ToleranceSpread:          0.5,
		LossAversionMedian:       2.0,
		LossAversionSigma:        0.25,
		JusticeAlpha:             []float64{5, 2, 3},
		PatienceHours:            24,
		PatienceSigma:            0.5,
		UrgencyMean:              0.5,
		UncertaintyMean:          0.4,
		KnowledgeMean:            0.5,
		DriverConcentration:      4,
		KnowledgeAgeSlope:        0.03,
		FailureProneness:         0.5,
		TrustPrior:               0.95,
		PurchaseProbability:      0.1,
		LoyaltySD:                0.5,
		TenureMeanWeeks:          80,
		SwitchingCostMean:        0.4,
		RecoveryExpectationMean:  0.45,
		VoiceSD:                  1.0,
	}
}

// DefaultPolicy returns the default ("standard") policy under name.
func DefaultPolicy(name string) Policy {
	return Policy{
		Name:                   name,
		ResponseHours:          24,
		ResponseSigma:          0.5,
		Staffing:               0,
		HandleHours:            0.5,
		MinShiftHours:          4,
		Refund:                 0.8,
		CouponValue:            0.1,
		CouponRedemption:       0.4,
		Apology:                "scripted",
		Empathy:                0.5,
		Personalisation:        0.2,
		FollowUp:               false,
		FollowUpHours:          72,
		Proactive:              0,
		FirstContactResolution: 0.7,
		MaxContacts:            2,
		StaffCostPerHour:       30,
		FollowUpCost:           2,
		ProactiveCost:          3,
		EmpathyHours:           0.15,
		SincereApologyHours:    0.05,
		PersonalisationCost:    2,
		ResolutionCost:         0.3,
	}
}

// DefaultTextbook returns the default textbook DGP: two covariates, a
// strong exclusion restriction, rho = 0.5, normal errors.
func DefaultTextbook() Textbook {
	return Textbook{
		Beta:                 []float64{1, 0.5, -0.5},
		Gamma:                []float64{0.2, 0.5, 0.5},
		Exclusion:            1.0,
		Rho:                  0.5,
		Sigma:                1.0,
		Delta:                1.0,
		Covariates:           "normal",
		CovariateCorrelation: 0,
		Errors:               "normal",
		DF:                   5,
		Skew:                 4,
		MixtureWeight:        0.3,
		MixtureShift:         2,
		MixtureScale:         1.5,
		Outcome:              "linear",
		Cutpoints:            []float64{-0.5, 0.5, 1.5, 2.5},
	}
}

// ActivePolicy returns the index of the policy that `redress run`
// simulates: the one named by Scenario.Policy, else the first.
func (s *Scenario) ActivePolicy() int {
	for i, p := range s.Policies {
		if p.Name == s.Policy {
			return i
		}
	}
	return 0
}
