package sim

import (
	"strconv"
	"strings"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/truth"
)

// Summary holds the headline figures of a behavioral run.
type Summary struct {
	Customers     int
	Weeks         int
	CustomerWeeks int64
	Orders        int64
	Failures      int64
	// FailureRate is failures per order.
	FailureRate float64
	// ContactRate is the share of failures with a support contact.
	ContactRate float64
	// FirstContactResolution is the share of contacts resolved at once.
	FirstContactResolution float64
	MeanResponseHours      float64
	Churned                int64
	ChurnRate              float64
	// FailureExits are customers who left at a failure itself: silent
	// ones (exit instead of voice) and those whose voice failed (a failed
	// recovery); Arrivals prospects who became customers.
	FailureExits, Arrivals int64
	// Abandoned counts contacts abandoned in the queue; ServiceLevel is
	// the share of contacts not abandoned.
	Abandoned    int64
	ServiceLevel float64
	// AgentHours are paid agent hours (response-time targets) and
	// AgentUtilisation the share of them spent on contacts.
	AgentHours, AgentUtilisation float64
	// TerminalValue is the discounted expected margin of the customers
	// still active at the horizon; Profit includes it, ProfitInHorizon
	// does not.
	TerminalValue   float64
	ProfitInHorizon float64
	// Promoters and Detractors over all orders.
	Promoters, Detractors int64
	// Stationarity compares the contact rate among failures in the first
	// and the last quarter of the recorded weeks.
	ContactRateFirstQuarter, ContactRateLastQuarter float64
	// MeanOrderSatisfaction is the mean latent satisfaction over all
	// orders as they happened.
	MeanOrderSatisfaction float64
	// ParadoxGap and ParadoxRepurchaseGap are the mean S(1) − S(no
	// failure) and P(Y(1)) − P(Y no failure) over first-time low-severity
	// failures; RepeatGap and RepeatRepurchaseGap the same over repeat
	// failures.
	ParadoxGap, ParadoxRepurchaseGap float64
	// ParadoxGapSevere is the mean S(1) − S(no failure) over first-time
	// high-severity failures.
	ParadoxGapSevere float64
	// SelectionOnY0 is E[Y(0) | contacted] − E[Y(0) | not]: how much more
	// likely those who contact would have bought again anyway (positive:
	// the loyal voice).
	SelectionOnY0                  float64
	RepeatGap, RepeatRepurchaseGap float64
	// RepeatMildGap is RepeatGap over low-severity repeat failures only.
	RepeatMildGap float64
	// FailedRecoveryGap is the mean S(1) − S(0) over episodes whose
	// recovery (had the customer contacted) failed: the double deviation.
	FailedRecoveryGap float64
	FailedRecoveries  int64
	// ExitRate0, ExitRate1 and ExitRateNoFail are the shares of failure
	// episodes after which the customer left within H weeks before
	// repurchasing: without contact, with contact, had nothing failed.
	ExitRate0, ExitRate1, ExitRateNoFail float64
	// LATE is the mean Y(1) − Y(0) over compliers; ATEExpected the mean
	// P(Y(1)) − P(Y(0)) over failure episodes.
	LATE        float64
	Compliers   int64
	ATEExpected float64
	// MeanEY1 and MeanS1 are the mean P(Y(1)) and latent S(1) over
	// failure episodes.
	MeanEY1, MeanS1 float64
	// NPS over all orders (promoters − detractors, in points).
	NPS          float64
	Revenue      float64
	ProductCost  float64
	RecoveryCost float64
	// StaffCost is the staff part of RecoveryCost.
	StaffCost float64
	Profit    float64
	Responses int64
	// SurveyMean is the mean survey score among respondents: the dashboard.
	SurveyMean float64
	// TrueMeanSatisfaction is the mean of S(1) on the survey scale over
	// all failures: what recovered satisfaction really is.
	TrueMeanSatisfaction float64
	// RealizedSatisfaction is the mean satisfaction on the survey scale
	// over all failures as it happened: S(1) where the customer was in
	// contact with support (or reached proactively), S(0) elsewhere.
	RealizedSatisfaction float64
	// RepurchaseRate is the share of failure episodes followed by a
	// repurchase within the horizon (as it happened).
	RepurchaseRate float64
	// SupportContacts counts contacts handled (repeats included): the
	// complaint count of a dashboard.
	SupportContacts int64
	// NaiveRepurchaseDiff is the observed difference in repurchase rate
	// between contacted and non-contacted episodes.
	NaiveRepurchaseDiff float64
	ATE, ATT, ATU       float64
	Scale               int
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func summarize(sc *scenarios.Scenario, pop *population, st *Stats) Summary {
	s := Summary{Weeks: sc.Population.Weeks, Orders: st.Orders, Failures: st.Failures,
		Responses: st.Responses, Scale: sc.Survey.Scale, FailureExits: st.FailureExits, Arrivals: st.Arrivals,
		Abandoned: st.Abandoned, AgentHours: st.AgentHours, TerminalValue: st.TerminalValue,
		Promoters: st.Promoters, Detractors: st.Detractors}
	for i := range pop.n {
		if pop.customer(i, sc.Population.WarmupWeeks) {
			s.Customers++
		}
	}
	s.CustomerWeeks = st.ActiveWeeks
	s.ServiceLevel = 1 - ratio(float64(st.Abandoned), float64(st.Contacted))
	s.AgentUtilisation = ratio(st.AgentHoursWorked, st.AgentHours)
	s.ContactRateFirstQuarter = ratio(float64(st.QuarterContacted[0]), float64(st.QuarterFailures[0]))
	s.ContactRateLastQuarter = ratio(float64(st.QuarterContacted[1]), float64(st.QuarterFailures[1]))
	s.FailureRate = ratio(float64(st.Failures), float64(st.Orders))
	s.ContactRate = ratio(float64(st.Contacted), float64(st.Failures))
	// Among contacts whose first contact reached an agent: one abandoned
	// in the queue was never tried.
	s.FirstContactResolution = ratio(float64(st.FirstResolved), float64(st.FirstHandled))
	s.MeanResponseHours = ratio(st.SumResponse, float64(st.Contacted))
	s.Churned = st.Exits
	s.ChurnRate = ratio(float64(st.Exits), float64(s.Customers))
	s.NPS = 100 * ratio(float64(st.Promoters-st.Detractors), float64(st.Orders))
	s.Revenue = st.Revenue
	s.ProductCost = sc.Firm.ProductCostShare * st.Revenue
	s.RecoveryCost = st.Costs.Total()
	s.StaffCost = st.Costs.Staff
	s.MeanOrderSatisfaction = ratio(st.SumOrderS, float64(st.Orders))
	s.ParadoxGap = ratio(st.SumGapFirstMild, float64(st.CountFirstMild))
	s.ParadoxRepurchaseGap = ratio(st.SumRepGapFirstMild, float64(st.CountFirstMild))
	s.ParadoxGapSevere = ratio(st.SumGapFirstSevere, float64(st.CountFirstSevere))
	s.SelectionOnY0 = ratio(st.SumEY0[1], float64(st.Count[1])) - ratio(st.SumEY0[0], float64(st.Count[0]))
	s.RepeatGap = ratio(st.SumGapRepeat, float64(st.CountRepeat))
	s.RepeatRepurchaseGap = ratio(st.SumRepGapRepeat, float64(st.CountRepeat))
	s.RepeatMildGap = ratio(st.SumGapRepeatMild, float64(st.CountRepeatMild))
	s.FailedRecoveryGap = ratio(st.SumFailedRecGap, float64(st.CountFailedRec))
	s.FailedRecoveries = st.CountFailedRec
	n := float64(st.Failures)
	s.ExitRate0, s.ExitRate1, s.ExitRateNoFail = ratio(st.SumExit0, n), ratio(st.SumExit1, n), ratio(st.SumExitNoFail, n)
	s.LATE = ratio(st.SumComplierY1-st.SumComplierY0, float64(st.CountComplier))
	s.Compliers = st.CountComplier
	s.ATEExpected = ratio(st.SumEY1[0]+st.SumEY1[1]-st.SumEY0[0]-st.SumEY0[1], n)
	s.MeanEY1 = ratio(st.SumEY1[0]+st.SumEY1[1], n)
	s.MeanS1 = ratio(st.SumS1, n)
	s.ProfitInHorizon = s.Revenue - s.ProductCost - s.RecoveryCost
	s.Profit = s.ProfitInHorizon + s.TerminalValue
	s.SurveyMean = ratio(st.SumSurvey, float64(st.Responses))
	s.TrueMeanSatisfaction = ratio(st.SumScore1, float64(st.Failures))
	s.RealizedSatisfaction = ratio(st.SumScoreObs, float64(st.Failures))
	s.RepurchaseRate = ratio(float64(st.RepurchasedBy[0]+st.RepurchasedBy[1]), float64(st.Failures))
	s.SupportContacts = st.SupportContacts
	s.NaiveRepurchaseDiff = ratio(float64(st.RepurchasedBy[1]), float64(st.Count[1])) -
		ratio(float64(st.RepurchasedBy[0]), float64(st.Count[0]))
	s.ATE = ratio(st.SumY1[0]+st.SumY1[1]-st.SumY0[0]-st.SumY0[1], float64(st.Failures))
	s.ATT = ratio(st.SumY1[1]-st.SumY0[1], float64(st.Count[1]))
	s.ATU = ratio(st.SumY1[0]-st.SumY0[0], float64(st.Count[0]))
	return s
}

// Metrics returns the summary as named numbers: every metric of
// Metrics (for truth.json).
func (s Summary) Metrics() map[string]float64 {
	ms := Metrics()
	out := make(map[string]float64, len(ms))
	for _, m := range ms {
		out[m.Name] = m.Value(&s)
	}
	return out
}

// estimands computes the true value of every behavioral estimand.
func estimands(sc *scenarios.Scenario, st *Stats) []truth.Estimand {
	n := float64(st.Failures)
	n1, n0 := float64(st.Count[1]), float64(st.Count[0])
	return []truth.Estimand{
		{ID: "ate_contact_repurchase", Definition: "mean of Y(1) − Y(0) over failure episodes; Y = repurchase within horizon_weeks. A direct effect: each episode is replayed with every other customer (and the word of mouth they give) held as it was",
			Value: ratio(st.SumY1[0]+st.SumY1[1]-st.SumY0[0]-st.SumY0[1], n), N: int(st.Failures)},
		{ID: "att_contact_repurchase", Definition: "mean of Y(1) − Y(0) over contacted failure episodes",
			Value: ratio(st.SumY1[1]-st.SumY0[1], n1), N: int(st.Count[1])},
		{ID: "atu_contact_repurchase", Definition: "mean of Y(1) − Y(0) over non-contacted failure episodes",
			Value: ratio(st.SumY1[0]-st.SumY0[0], n0), N: int(st.Count[0])},
		{ID: "late_contact_repurchase", Definition: "mean of Y(1) − Y(0) over compliers: episodes whose customer contacts with the instrument on and not without it (what IV identifies)",
			Value: ratio(st.SumComplierY1-st.SumComplierY0, float64(st.CountComplier)), N: int(st.CountComplier)},
		{ID: "ate_contact_repurchase_expected", Definition: "mean of P(Y(1)=1) − P(Y(0)=1) over failure episodes (the model's probabilities; less noisy)",
			Value: ratio(st.SumEY1[0]+st.SumEY1[1]-st.SumEY0[0]-st.SumEY0[1], n), N: int(st.Failures)},
		{ID: "mean_satisfaction_recovered", Definition: "mean S(1) on the survey scale (continuous) over all failure episodes",
			Value: ratio(st.SumScore1, n), N: int(st.Failures)},
		{ID: "mean_satisfaction_recovered_latent", Definition: "mean latent S(1) over all failure episodes",
			Value: ratio(st.SumS1, n), N: int(st.Failures)},
		{ID: "mean_satisfaction_contacted", Definition: "mean S(1) on the survey scale over contacted failure episodes (before survey non-response)",
			Value: ratio(st.SumScore1Contacted, n1), N: int(st.Count[1])},
		{ID: "mean_satisfaction_observed", Definition: "mean survey score among respondents (what the firm sees)",
			Value: ratio(st.SumSurvey, float64(st.Responses)), N: int(st.Responses)},
		{ID: "recovery_paradox_gap", Definition: "mean of S(1) − S(no failure) over low-severity failures that are not repeat failures (no earlier failure within outcomes.memory_weeks): positive means the recovery paradox holds",
			Value: ratio(st.SumGapFirstMild, float64(st.CountFirstMild)), N: int(st.CountFirstMild)},
		{ID: "recovery_paradox_repurchase_gap", Definition: "mean of P(Y(1)) − P(repurchase had the order not failed) over the same low-severity first failures: positive would mean the paradox carries into repurchase",
			Value: ratio(st.SumRepGapFirstMild, float64(st.CountFirstMild)), N: int(st.CountFirstMild)},
		{ID: "repeat_failure_gap", Definition: "mean of S(1) − S(no failure) over repeat failures (within outcomes.memory_weeks of an earlier one)",
			Value: ratio(st.SumGapRepeat, float64(st.CountRepeat)), N: int(st.CountRepeat)},
		{ID: "double_deviation_gap", Definition: "mean of S(1) − S(0) over failure episodes whose recovery failed (abandoned, the loss neither resolved nor paid back, or RS short of E^R by more than outcomes.failed_recovery_margin): negative means complaining and being failed again is worse than silence",
			Value: ratio(st.SumFailedRecGap, float64(st.CountFailedRec)), N: int(st.CountFailedRec)},
		{ID: "ate_contact_spend", Definition: "mean of spend(1) − spend(0) within horizon_weeks over failure episodes (currency): the effect of contact on what the customer spends next, the customer's orders replayed both ways",
			Value: ratio(st.SumSpend1-st.SumSpend0, n), N: int(st.Failures)},
		{ID: "failure_cost_spend", Definition: "mean of spend(no failure) − spend(as it happened) within horizon_weeks over failure episodes (currency): what a failure costs in spend",
			Value: ratio(st.SumSpendNoFail-st.SumSpendReal, n), N: int(st.Failures)},
		{ID: "exit_rate_contact", Definition: "share of failure episodes after which the customer would leave within horizon_weeks before buying again, had they contacted support",
			Value: ratio(st.SumExit1, n), N: int(st.Failures)},
		{ID: "exit_rate_no_contact", Definition: "the same without contact (leaving at the failure itself included)",
			Value: ratio(st.SumExit0, n), N: int(st.Failures)},
		{ID: "exit_rate_no_failure", Definition: "the same had the order not failed",
			Value: ratio(st.SumExitNoFail, n), N: int(st.Failures)},
		{ID: "promoters", Definition: "promoters (likelihood to recommend 9–10, without answer noise) over all recorded orders",
			Value: float64(st.Promoters), N: int(st.Orders)},
		{ID: "detractors", Definition: "detractors (0–6) over all recorded orders",
			Value: float64(st.Detractors), N: int(st.Orders)},
		{ID: "ape_response_time_satisfaction", Definition: "mean change in latent S(1) per extra hour of response time over all failure episodes (finite difference on common random numbers)",
			Value: ratio(st.SumAPEResponse, n), N: int(st.Failures)},
		{ID: "ape_refund_satisfaction", Definition: "mean change in latent S(1) per unit of compensation (a multiple of the customer's loss) over all failure episodes",
			Value: ratio(st.SumAPERefund, n), N: int(st.Failures)},
		{ID: "ape_apology_satisfaction", Definition: "mean change in latent S(1) from no apology to a sincere apology over all failure episodes",
			Value: ratio(st.SumAPEApology, n), N: int(st.Failures)},
	}
}

func col(name, typ, unit string, observed bool, desc string) outfile.Column {
	return outfile.Column{Name: name, Type: typ, Unit: unit, Observed: observed, Description: desc}
}

var episodesSpec = outfile.FileSpec{File: "episodes.csv",
	Description: "One row per failure episode: what the firm's systems hold.",
	Columns: []outfile.Column{
		col("episode_id", "integer", "", true, "episode identifier, in order of occurrence"),
		col("customer_id", "integer", "", true, "customer identifier (customer_id of customers.csv)"),
		col("week", "integer", "week", true, "week of the failed order, from 0"),
		col("segment", "category", "", true, "segment index (population.segments order)"),
		col("age_band", "category", "", true, "age band 0–4"),
		col("region", "category", "", true, "region 0–3"),
		col("tenure_weeks", "number", "weeks", true, "tenure at the time of the episode"),
		col("order_value", "number", "currency", true, "value of the failed order"),
		col("failure_type", "category", "", true, "0 delivery_delay, 1 damaged_item, 2 wrong_item, 3 information_mismatch, 4 payment_problem, 5 privacy_breach, 6 support_failure"),
		col("severity", "category", "", true, "severity category 0 low, 1 medium, 2 high"),
		col("instrument", "binary", "", true, "instrument: prominent help button shown (moves contact only)"),
		col("contacted", "binary", "", true, "a support contact happened (customer-initiated or proactive)"),
		col("proactive", "binary", "", true, "the firm reached out before any contact"),
		col("repeat_failure", "binary", "", true, "an earlier failure within outcomes.memory_weeks"),
		col("response_hours", "number", "hours", true, "time to the (last) response; empty when not contacted"),
		col("refund", "number", "fraction of the loss", true, "refund paid, as a fraction of the customer's loss (failure loss_fraction × order value); empty when not contacted"),
		col("apology", "category", "", true, "0 none, 1 scripted, 2 sincere; empty when not contacted"),
		col("personalisation", "number", "", true, "personalisation level 0–1; empty when not contacted"),
		col("resolved", "binary", "", true, "issue resolved (within the policy's max_contacts); empty when not contacted"),
		col("contacts", "integer", "", true, "number of support contacts (0 to the policy's max_contacts)"),
		col("abandoned", "binary", "", true, "the customer gave up waiting for support (nothing was delivered); empty when not contacted"),
		col("survey_score", "integer", "scale points", true, "post-recovery satisfaction survey answer (1–survey.scale); empty when not answered"),
		col("nps_score", "integer", "0–10", true, "likelihood to recommend; empty when not answered"),
		col("responded", "binary", "", true, "answered the survey: the indicator of an observed survey_score, the selection indicator of a model of survey satisfaction"),
		col("repurchased", "binary", "", true, "purchased again within outcomes.horizon_weeks"),
		col("spend_h", "number", "currency", true, "spend in the outcomes.horizon_weeks weeks after the episode (within the simulated weeks)"),
		col("window_complete", "binary", "", true, "the horizon ends within the simulated weeks (else spend_h covers only the weeks simulated)"),
	}}

var truthEpisodesSpec = outfile.FileSpec{File: "truth_episodes.csv",
	Description: "Per-episode potential outcomes and latent quantities; never observed by the firm.",
	Columns: []outfile.Column{
		col("episode_id", "integer", "", false, "joins episodes.csv"),
		col("y1", "binary", "", false, "Y(1): repurchase within horizon had the customer been in contact with support"),
		col("y0", "binary", "", false, "Y(0): repurchase within horizon without contact"),
		col("y_nofail", "binary", "", false, "repurchase within horizon had the order not failed"),
		col("exit1", "binary", "", false, "left within horizon before repurchasing, had the customer been in contact"),
		col("exit0", "binary", "", false, "left within horizon before repurchasing (at the failure or later), without contact"),
		col("exit_nofail", "binary", "", false, "left within horizon before repurchasing, had the order not failed"),
		col("gone1", "binary", "", false, "left within horizon at any time (before or after buying again), had the customer been in contact"),
		col("gone0", "binary", "", false, "the same without contact"),
		col("gone_nofail", "binary", "", false, "the same had the order not failed"),
		col("complier", "binary", "", false, "contacts with the instrument on and not without it (LATE population)"),
		col("failed_recovery", "binary", "", false, "the recovery (had the customer contacted) was itself a deviation: abandoned, the loss neither resolved nor paid back, or RS short of E^R by more than outcomes.failed_recovery_margin"),
		col("spend1", "number", "currency", false, "spend in the horizon_weeks weeks after the episode had the customer been in contact (the customer's orders replayed; past the simulated weeks the world is held as it was)"),
		col("spend0", "number", "currency", false, "the same without contact"),
		col("spend_nofail", "number", "currency", false, "the same had the order not failed"),
		col("ey1", "number", "probability", false, "P(Y(1) = 1) under the model"),
		col("ey0", "number", "probability", false, "P(Y(0) = 1) under the model"),
		col("ey_nofail", "number", "probability", false, "P(repurchase within horizon) had the order not failed"),
		col("s1", "number", "latent", false, "S(1): post-recovery satisfaction under the policy"),
		col("s0", "number", "latent", false, "S(0): satisfaction without recovery"),
		col("s_nofail", "number", "latent", false, "satisfaction had the order not failed"),
		col("severity_latent", "number", "0–1", false, "failure severity"),
		col("u", "number", "", false, "contact-equation error"),
		col("e", "number", "", false, "satisfaction error (standardised)"),
		col("contact_index", "number", "", false, "systematic part of the contact index z'γ"),
		col("expectation", "number", "0–1", false, "E: expected quality before the order"),
		col("performance", "number", "0–1", false, "P: perceived performance of the failed order"),
		col("disconfirmation", "number", "", false, "D = P − E"),
		col("s_tx", "number", "latent", false, "transaction satisfaction S_tx"),
		col("loss_aversion", "number", "", false, "λ"),
		col("recovery_expectation", "number", "0–1", false, "E^R: what the customer expected of a recovery"),
		col("j_distributive", "number", "0–1", false, "J_d of the recovery had the customer contacted"),
		col("j_procedural", "number", "0–1", false, "J_p"),
		col("j_interactional", "number", "0–1", false, "J_i"),
		col("rs", "number", "0–1", false, "recovery satisfaction RS = Σ w_k J_k"),
		col("compensation", "number", "share of the loss", false, "refund and coupon worth delivered, relative to the loss"),
		col("restored", "number", "share of the loss", false, "share of the loss compensation and resolution restored"),
		col("trust", "number", "probability", false, "trust before the episode: belief that an order goes right"),
		col("cumulative_satisfaction", "number", "latent", false, "cumulative satisfaction before the episode"),
		col("ape_response", "number", "latent per hour", false, "change in S(1) per extra hour of response time"),
		col("ape_refund", "number", "latent per unit", false, "change in S(1) per unit of compensation"),
		col("ape_apology", "number", "latent", false, "change in S(1) from no apology to sincere"),
	}}

var customersSpec = outfile.FileSpec{File: "customers.csv",
	Description: "One row per customer.",
	Columns: []outfile.Column{
		col("customer_id", "integer", "", true, "customer identifier: the same person under every policy and seed-keyed draw (customers who joined later have ids above the initial population)"),
		col("segment", "category", "", true, "segment index (population.segments order)"),
		col("age_band", "category", "", true, "age band 0–4"),
		col("region", "category", "", true, "region 0–3"),
		col("tenure_weeks", "number", "weeks", true, "tenure at the start of the recorded weeks (0 for customers who joined later)"),
		col("joined_week", "integer", "week", true, "first recorded week the customer could buy, for customers who joined during it; empty for customers at the start"),
		col("churned", "binary", "", true, "the customer left during the recorded weeks"),
		col("weeks_active", "integer", "weeks", true, "recorded weeks the customer could buy in: from the start (or joining) to exit (or the end)"),
		col("purchases", "integer", "", true, "orders placed"),
		col("revenue", "number", "currency", true, "revenue from the customer's orders"),
		col("failures", "integer", "", true, "failed orders"),
		col("contacts", "integer", "", true, "support contacts"),
	}}

func codebook(sc *scenarios.Scenario) *outfile.Codebook {
	segs := make([]string, len(sc.Population.Segments))
	for i, s := range sc.Population.Segments {
		segs[i] = s.Name
	}
	cb := &outfile.Codebook{Scenario: sc.Name, Mode: string(sc.Mode),
		Files: []outfile.FileSpec{customersSpec, episodesSpec}}
	if sc.Output.TruthEpisodes {
		cb.Files = append(cb.Files, truthEpisodesSpec)
	}
	// Name the segments in the segment columns' descriptions.
	for f := range cb.Files {
		cols := append([]outfile.Column(nil), cb.Files[f].Columns...)
		for c := range cols {
			if cols[c].Name == "segment" {
				cols[c].Description = "segment index: " + strings.Join(numbered(segs), ", ")
			}
		}
		cb.Files[f].Columns = cols
	}
	return cb
}

func numbered(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Itoa(i) + " " + n
	}
	return out
}
