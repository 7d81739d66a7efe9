package facts

import (
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// The arms the facts share. base is the scenario as given (active policy
// only); the others change one thing.
var (
	base      = arm{name: "base"}
	excellent = arm{name: "excellent recovery", apply: func(sc *scenarios.Scenario) error {
		p := &sc.Policies[0]
		p.Staffing, p.ResponseHours, p.ResponseSigma = 0, 2, 0.3
		p.Refund, p.RefundBySeverity, p.CouponValue = 1.2, nil, 0.2
		p.Apology, p.Empathy, p.Personalisation = "sincere", 0.9, 0.8
		p.FollowUp, p.FollowUpHours, p.FirstContactResolution = true, 48, 0.95
		p.Eligibility = scenarios.Eligibility{}
		return nil
	}}
	nothing = arm{name: "a recovery that delivers nothing", apply: func(sc *scenarios.Scenario) error {
		p := &sc.Policies[0]
		p.Refund, p.RefundBySeverity, p.CouponValue = 0, nil, 0
		p.Apology, p.Empathy, p.Personalisation = "none", 0, 0
		p.FollowUp, p.FirstContactResolution = false, 0
		return nil
	}}
	cheapExit = arm{name: "switching cost -0.15", apply: func(sc *scenarios.Scenario) error {
		shift := func(x *float64) { *x = max(0.02, *x-0.15) }
		shift(&sc.Population.Traits.SwitchingCostMean)
		for i := range sc.Population.Segments {
			if o := sc.Population.Segments[i].Traits.SwitchingCostMean; o != nil {
				v := *o
				shift(&v)
				sc.Population.Segments[i].Traits.SwitchingCostMean = &v
			}
		}
		return nil
	}}
	higherExpectations = arm{name: "expectation_mean +0.05", apply: func(sc *scenarios.Scenario) error {
		up := func(x *float64) { *x = min(0.98, *x+0.05) }
		up(&sc.Population.Traits.ExpectationMean)
		for i := range sc.Population.Segments {
			if o := sc.Population.Segments[i].Traits.ExpectationMean; o != nil {
				v := *o
				up(&v)
				sc.Population.Segments[i].Traits.ExpectationMean = &v
			}
		}
		return nil
	}}
)

// refundArm sets the active policy's refund (a multiple of the loss).
func refundArm(r float64, name string) arm {
	return arm{name: "refund " + name, apply: func(sc *scenarios.Scenario) error {
		p := &sc.Policies[0]
		p.Refund, p.RefundBySeverity = r, nil
		p.Eligibility = scenarios.Eligibility{}
		return nil
	}}
}

// apologyArm sets the active policy's apology.
func apologyArm(a scenarios.Apology) arm {
	return arm{name: "apology " + string(a), apply: func(sc *scenarios.Scenario) error {
		sc.Policies[0].Apology = a
		return nil
	}}
}

// responseArm sets the active policy's response-time target.
func responseArm(hours float64, name string) arm {
	return arm{name: "response " + name, apply: func(sc *scenarios.Scenario) error {
		sc.Policies[0].Staffing, sc.Policies[0].ResponseHours = 0, hours
		return nil
	}}
}

// failureArm multiplies every failure probability by f; wom false also
// silences word of mouth.
func failureArm(f float64, wom bool) arm {
	name := "failures x1.5"
	if f == 1 {
		name = "failures x1"
	}
	if !wom {
		name += ", no word of mouth"
	}
	return arm{name: name, apply: func(sc *scenarios.Scenario) error {
		for _, t := range sc.Failures.Types() {
			t.Probability *= f
		}
		if !wom {
			sc.WordOfMouth.Network = "none"
		}
		return nil
	}}
}

// catalogue lists the facts in report order.
func catalogue() []fact {
	refunds := []arm{refundArm(0.5, "0.5x loss"), refundArm(1, "1x loss"), refundArm(1.5, "1.5x loss"), refundArm(2, "2x loss")}
	wom := []arm{failureArm(1, true), failureArm(1.5, true), failureArm(1, false), failureArm(1.5, false)}
	return []fact{
		{id: "paradox_satisfaction", title: "Recovery paradox in satisfaction",
			source:     "McCollough, Berry & Yadav 2000, J. Service Research 3(2); de Matos, Henrique & Rossi 2007, J. Service Research 10(1)",
			claim:      "after a mild first failure and an excellent recovery, satisfaction exceeds what the order would have given without the failure: mean S(1) − S(no failure) > 0",
			experiment: "excellent recovery (2 h, 1.2x the loss, coupon, sincere apology, follow-up); first-time low-severity failures; each episode replayed as if it had not failed",
			arms:       []arm{excellent}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].ParadoxGap }},
		{id: "paradox_not_repurchase", title: "No recovery paradox in repurchase",
			source:     "de Matos, Henrique & Rossi 2007, J. Service Research 10(1); Orsingher, Valentini & de Angelis 2010, JAMS 38(2)",
			claim:      "the same episodes do not raise repurchase: mean P(repurchase within H | recovered) − P(… | no failure) < 0",
			experiment: "as above; repurchase probabilities of the potential outcomes",
			arms:       []arm{excellent}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[0].ParadoxRepurchaseGap }},
		{id: "double_deviation", title: "Double deviation",
			source:     "Bitner, Booms & Tetreault 1990, J. Marketing 54(1); Maxham & Netemeyer 2002, J. Marketing 66(4)",
			claim:      "a recovery that fails (abandoned, the loss left unremedied, or far short of E^R) leaves the customer less satisfied than saying nothing: mean S(1) − S(0) < 0 over failed recoveries",
			experiment: "the scenario's policy; failure episodes whose recovery failed; each replayed with and without contact",
			arms:       []arm{base}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[0].FailedRecoveryGap }},
		{id: "paradox_needs_mild_failure", title: "The paradox needs a mild failure",
			source:     "Magnini, Ford, Markowski & Honeycutt 2007, J. Services Marketing 21(3); Smith & Bolton 1998, J. Service Research 1(1)",
			claim:      "under an excellent recovery, S(1) − S(no failure) is lower after a severe first failure than after a mild one",
			experiment: "excellent recovery; first-time high-severity gap minus first-time low-severity gap",
			arms:       []arm{excellent}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[0].ParadoxGapSevere - s[0].ParadoxGap }},
		{id: "paradox_fades", title: "The paradox fades on a repeat failure",
			source:     "Maxham & Netemeyer 2002, J. Marketing 66(4)",
			claim:      "under an excellent recovery, S(1) − S(no failure) after a mild failure is lower when it repeats an earlier one (within outcomes.memory_weeks) than when it is the first",
			experiment: "excellent recovery; low-severity repeat failures' gap minus low-severity first failures' gap",
			arms:       []arm{excellent}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[0].RepeatMildGap - s[0].ParadoxGap }},
		{id: "exit_voice_contact", title: "Exit vs voice: cheaper exit, less voice",
			source:     "Hirschman 1970, Exit, Voice, and Loyalty; Fornell & Wernerfelt 1987, JMR 24(4)",
			claim:      "lowering switching costs lowers the contact rate among failures",
			experiment: "twin run: mean switching cost −0.15",
			arms:       []arm{base, cheapExit}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[1].ContactRate - s[0].ContactRate }},
		{id: "exit_voice_churn", title: "Exit vs voice: cheaper exit, more churn",
			source:     "Hirschman 1970; Singh 1988, J. Marketing 52(1)",
			claim:      "lowering switching costs raises churn",
			experiment: "twin run: mean switching cost −0.15",
			arms:       []arm{base, cheapExit}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[1].ChurnRate - s[0].ChurnRate }},
		{id: "loyal_voice", title: "Loyal customers voice",
			source:     "Hirschman 1970, ch. 7; Fornell & Wernerfelt 1987, JMR 24(4)",
			claim:      "those who contact support would have bought again more often even without contact: E[P(Y(0)) | contacted] − E[P(Y(0)) | not] > 0, so a naive comparison overstates what contact does",
			experiment: "the scenario's policy; every failure replayed without contact",
			arms:       []arm{base}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].SelectionOnY0 }},
		{id: "complaints_offset_churn", title: "Complaint handling offsets part of a failure's churn",
			source:     "Knox & van Oest 2014, J. Marketing 78(5)",
			claim:      "handling a complaint lowers the chance of leaving after a failure: P(exit | no contact) − P(exit | contact) > 0",
			experiment: "the scenario's policy; every failure episode replayed with and without contact; leaving within H weeks before buying again",
			arms:       []arm{base}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].ExitRate0 - s[0].ExitRate1 }},
		{id: "complaints_offset_only_part", title: "… but only part of it",
			source:     "Knox & van Oest 2014, J. Marketing 78(5)",
			claim:      "after a handled complaint the customer still leaves more often than had nothing failed: P(exit | contact) − P(exit | no failure) > 0",
			experiment: "as above, against the replay without the failure",
			arms:       []arm{base}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].ExitRate1 - s[0].ExitRateNoFail }},
		{id: "compensation_diminishing", title: "Compensation: diminishing returns",
			source:     "Gelbrich, Gäthke & Grégoire 2015, J. Service Research 18(1); Gelbrich & Roschk 2011, J. Service Research 14(1)",
			claim:      "raising the refund from 0.5x to 1x the loss lifts mean S(1) more than from 1x to 1.5x",
			experiment: "twin runs: refund 0.5x, 1x, 1.5x the loss; mean S(1) over all failures",
			arms:       refunds[:3], want: +1,
			measure: func(s []sim.Summary) float64 {
				a, b, c := s[0].TrueMeanSatisfaction, s[1].TrueMeanSatisfaction, s[2].TrueMeanSatisfaction
				return (b - a) - (c - b)
			}},
		{id: "overcompensation", title: "Overcompensation adds nothing",
			source:     "Haesevoets, Van Hiel, Reinders Folmer & De Cremer 2014, J. Economic Psychology 42",
			claim:      "raising the refund from 1.5x to 2x the loss does not raise mean S(1): difference < 0",
			experiment: "twin runs: refund 1.5x and 2x the loss",
			arms:       refunds[2:], want: -1,
			measure: func(s []sim.Summary) float64 { return s[1].TrueMeanSatisfaction - s[0].TrueMeanSatisfaction }},
		{id: "assimilation", title: "Higher expectations, slightly higher satisfaction",
			source:     "Anderson 1973, JMR 10(1); Oliver 1980, JMR 17(4); Szymanski & Henard 2001, JAMS 29(1)",
			claim:      "raising prior expectations raises mean satisfaction over all orders (at equal performance, by common random numbers)",
			experiment: "twin run: expectation_mean +0.05",
			arms:       []arm{base, higherExpectations}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[1].MeanOrderSatisfaction - s[0].MeanOrderSatisfaction }},
		{id: "word_of_mouth_amplifies", title: "Word of mouth amplifies the cost of failures",
			source:     "Anderson 1998, J. Service Research 1(1); Reichheld 2003, Harvard Business Review",
			claim:      "raising failure rates by half costs more revenue with word of mouth on than off: difference of the revenue losses < 0",
			experiment: "four twin runs: failures x1 and x1.5, word of mouth on and off",
			arms:       wom, want: -1,
			measure: func(s []sim.Summary) float64 {
				return (s[1].Revenue - s[0].Revenue) - (s[3].Revenue - s[2].Revenue)
			}},
		{id: "detractors_deter_prospects", title: "Bad word of mouth keeps prospects away",
			source:     "Anderson 1998, J. Service Research 1(1); East, Hammond & Lomax 2008, IJRM 25(3)",
			claim:      "raising failure rates by half lowers the number of new customers when word of mouth is on",
			experiment: "twin runs: failures x1 and x1.5 with word of mouth on; customers who joined",
			arms:       wom[:2], want: -1,
			measure: func(s []sim.Summary) float64 { return float64(s[1].Arrivals - s[0].Arrivals) }},
		{id: "interactional_loyalty", title: "Treatment reaches loyalty beyond satisfaction",
			source:     "Gelbrich & Roschk 2011, J. Service Research 14(1); Tax, Brown & Chandrashekaran 1998, J. Marketing 62(2)",
			claim:      "per unit of satisfaction gained, repurchase gains more from interactional justice (a sincere apology rather than none) than from distributive justice (a refund of the whole loss rather than half)",
			experiment: "twin runs: apology none and sincere; refund 0.5x and 1x the loss; ΔP(Y(1))/ΔS(1) for each, interactional minus distributive",
			arms:       []arm{apologyArm("none"), apologyArm("sincere"), refunds[0], refunds[1]}, want: +1,
			measure: func(s []sim.Summary) float64 {
				return (s[1].MeanEY1-s[0].MeanEY1)/(s[1].MeanS1-s[0].MeanS1) - (s[3].MeanEY1-s[2].MeanEY1)/(s[3].MeanS1-s[2].MeanS1)
			}},
		{id: "apology_satisfies", title: "A sincere apology raises satisfaction",
			source:     "Smith, Bolton & Wagner 1999, JMR 36(3); Davidow 2003, J. Service Research 5(3)",
			claim:      "a sincere apology rather than none raises mean S(1) over all failures",
			experiment: "twin runs: the scenario's policy with apology none and sincere",
			arms:       []arm{apologyArm("none"), apologyArm("sincere")}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[1].TrueMeanSatisfaction - s[0].TrueMeanSatisfaction }},
		{id: "speed_costs", title: "Speed costs staff",
			source:     "Gans, Koole & Mandelbaum 2003, M&SOM 5(2)",
			claim:      "a 2-hour response target costs more staff than a 48-hour one",
			experiment: "twin runs: response target 2 h and 48 h; staff cost",
			arms:       []arm{responseArm(2, "2 h"), responseArm(48, "48 h")}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].StaffCost - s[1].StaffCost }},
		{id: "speed_satisfies", title: "Speed raises satisfaction",
			source:     "Tax, Brown & Chandrashekaran 1998, J. Marketing 62(2); Smith, Bolton & Wagner 1999, JMR 36(3)",
			claim:      "a 2-hour response target raises mean S(1) over a 48-hour one",
			experiment: "twin runs: response target 2 h and 48 h; mean S(1) over all failures",
			arms:       []arm{responseArm(2, "2 h"), responseArm(48, "48 h")}, want: +1,
			measure: func(s []sim.Summary) float64 { return s[0].TrueMeanSatisfaction - s[1].TrueMeanSatisfaction }},
		{id: "empty_recovery", title: "Contacting pays only through what the recovery delivers",
			source:     "Smith, Bolton & Wagner 1999, JMR 36(3); Davidow 2003, J. Service Research 5(3)",
			claim:      "under a recovery that delivers nothing (no refund, apology, empathy or resolution), contacting lowers repurchase: mean P(Y(1)) − P(Y(0)) < 0",
			experiment: "the scenario with a recovery that delivers nothing; every failure replayed with and without contact",
			arms:       []arm{nothing}, want: -1,
			measure: func(s []sim.Summary) float64 { return s[0].ATEExpected }},
	}
}
