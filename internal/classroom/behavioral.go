package classroom

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// paramCustomers sizes the behavioral lessons: 26 weeks of up to 20,000
// customers run in well under a second.
var paramCustomers = Param{Name: "customers", Label: "customers", Help: "population size (26 weeks are simulated)", Min: 1000, Max: 20000, Step: 1000, Default: 5000}

func dashboardLesson() Lesson {
	return Lesson{
		ID: "dashboard", Title: "The dashboard vs the truth",
		Intro: "A firm judges its recovery policy by its dashboard: the survey score of the customers who answer and the number of complaints. Here your policy and the firm's standard one meet the same customers and the same random events (common random numbers), so every difference below is the policy's doing.",
		Notice: []string{
			"Proactive outreach raises complaint counts (the firm now hears from customers who would have stayed silent) while true satisfaction and repurchase rise.",
			"A faster response pleases the survey but is paid in staff: profit can fall while every customer figure improves.",
			"When a dashboard figure and the truth move in opposite directions, the page says so under the table.",
		},
		Try: []string{
			"Set proactive outreach to 0.8 and leave the rest: which way do complaints go, and which way does repurchase go?",
			"Refund 1.5 times the loss with a sincere apology: does profit follow satisfaction?",
			"Change the seed: which differences keep their sign?",
		},
		Params: []Param{
			{Name: "response_hours", Label: "response target (hours)", Help: "how fast support answers; faster needs more paid staff", Min: 1, Max: 72, Step: 1, Default: 24},
			{Name: "refund", Label: "refund (share of the customer's loss)", Help: "above 1 overcompensates", Min: 0, Max: 2, Step: 0.1, Default: 0.8},
			{Name: "apology", Label: "apology", Help: "what an agent says", Choices: scenarioApologies(), Default: 1},
			{Name: "proactive", Label: "proactive outreach (share of detectable failures)", Help: "the firm contacts the customer first", Min: 0, Max: 1, Step: 0.05, Default: 0},
			paramCustomers,
		},
		toml: func(v Values, seed uint64) string {
			return fmt.Sprintf(`# redress classroom, lesson "dashboard": your policy against the standard one
name = "classroom-dashboard"
seed = %d
policy = "standard"

[population]
size = %d
weeks = 26

[[policies]]
name = "standard"

[[policies]]
name = "yours"
response_hours = %s
refund = %s
apology = %q
proactive = %s
`, seed, int(v.Num("customers")), fmtNum(v.Num("response_hours")), fmtNum(v.Num("refund")), v.Str("apology"), fmtNum(v.Num("proactive")))
		},
		command: "compare FILE --reps 10 --baseline standard",
		run:     runDashboard,
	}
}

func scenarioApologies() []string {
	var out []string
	for _, a := range scenarios.Apologies() {
		out = append(out, string(a))
	}
	return out
}

// dashboardMetrics are the dashboard lesson's rows, dashboard first.
func dashboardMetrics() []string {
	return []string{"survey_mean", "complaints_per_1000", "realized_satisfaction", "repurchase_rate", "churn_rate", "recovery_cost", "profit"}
}

func runDashboard(ctx context.Context, sc *scenarios.Scenario, _ Values, rep uint64) (*Result, error) {
	runs, err := sim.RunPolicies(ctx, sc, rep, 1)
	if err != nil {
		return nil, err
	}
	base, yours := &runs[0].Summary, &runs[1].Summary
	out := &Result{}
	all := sim.Metrics()
	for _, name := range dashboardMetrics() {
		for _, m := range all {
			if m.Name != name {
				continue
			}
			b, y := m.Value(base), m.Value(yours)
			out.Metrics = append(out.Metrics, MetricRow{Name: m.Name, Label: m.Label, Dashboard: m.Dashboard, Better: m.Better,
				Baseline: Num(b), Yours: Num(y), Diff: Num(y - b), Digits: m.Digits})
		}
	}
	out.Headline = []Figure{
		{"survey satisfaction, yours − standard (dashboard)", Num(yours.SurveyMean - base.SurveyMean), "dashboard"},
		{"true satisfaction, yours − standard", Num(yours.RealizedSatisfaction - base.RealizedSatisfaction), "truth"},
	}
	out.Messages = disagreements(out.Metrics)
	return out, nil
}

// disagreements says, for each dashboard metric and each of the truths
// a firm cares about (satisfaction, repurchase, churn, profit) whose
// changes of more than 0.1% point opposite ways, that they do.
func disagreements(rows []MetricRow) []string {
	sign := func(r MetricRow) int {
		d := float64(r.Diff) * float64(r.Better)
		tol := 1e-3 * math.Abs(float64(r.Baseline))
		switch {
		case d > tol:
			return 1
		case d < -tol:
			return -1
		}
		return 0
	}
	cares := map[string]bool{"realized_satisfaction": true, "repurchase_rate": true, "churn_rate": true, "profit": true}
	word := map[int]string{1: "better", -1: "worse"}
	var out []string
	for _, d := range rows {
		if !d.Dashboard || sign(d) == 0 {
			continue
		}
		var against []string
		for _, t := range rows {
			if cares[t.Name] && sign(t) != 0 && sign(t) != sign(d) {
				against = append(against, t.Label)
			}
		}
		if len(against) > 0 {
			verb := "is"
			if len(against) > 1 {
				verb = "are"
			}
			out = append(out, fmt.Sprintf("The dashboard and the truth disagree: %s looks %s, but %s %s %s.",
				d.Label, word[sign(d)], joinAnd(against), verb, word[-sign(d)]))
		}
	}
	if len(out) == 0 {
		out = append(out, "The dashboard and the truth do not disagree here (no change of more than 0.1% in opposite directions).")
	}
	return out
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func paradoxLesson() Lesson {
	return Lesson{
		ID: "paradox", Title: "The recovery paradox and the double deviation",
		Intro: "After a failure and an excellent recovery, can a customer end up more satisfied than if nothing had gone wrong? Each episode is replayed as if the order had not failed, and as if the customer had not contacted support, so the comparison is exact for every customer.",
		Notice: []string{
			"With a mild first failure and an excellent recovery, satisfaction after the recovery exceeds the no-failure level: the recovery paradox.",
			"The paradox shrinks for severe failures and fades for repeat failures.",
			"A recovery that fails leaves the customer worse off than saying nothing: the double deviation.",
			"Even where satisfaction shows a paradox, repurchase does not: the failure still costs loyalty.",
		},
		Try: []string{
			"Lower the recovery quality: at what quality does the paradox disappear?",
			"Raise the failures' severity: which bar falls first?",
		},
		Params: []Param{
			{Name: "severity", Label: "mean severity of failures", Help: "0 trivial, 1 ruinous", Min: 0.05, Max: 0.95, Step: 0.05, Default: 0.33},
			{Name: "quality", Label: "recovery quality", Help: "0: slow, no refund, no apology; 1: fast, generous, sincere", Min: 0, Max: 1, Step: 0.05, Default: 0.9},
			paramCustomers,
		},
		toml:    paradoxTOML,
		command: "run FILE\nfacts FILE --reps 8 --only paradox_satisfaction,paradox_not_repurchase,paradox_needs_mild_failure,paradox_fades,double_deviation",
		run:     runParadox,
	}
}

// paradoxTOML sets every failure type's severity to a Beta of the chosen
// mean (concentration 6) and the policy by one quality dial: response
// time 72 h → 1 h (geometric), refund 0 → 1.2 of the loss, coupon 0 →
// 0.2, apology none → scripted → sincere, empathy 0.2 → 0.9, and a
// follow-up from quality 0.5.
func paradoxTOML(v Values, seed uint64) string {
	m, q := v.Num("severity"), v.Num("quality")
	var b strings.Builder
	fmt.Fprintf(&b, `# redress classroom, lesson "paradox": failure severity and recovery quality
name = "classroom-paradox"
seed = %d

[population]
size = %d
weeks = 26
`, seed, int(v.Num("customers")))
	a, bb := 6*m, 6*(1-m)
	for _, ft := range scenarios.FailureTypeNames() {
		fmt.Fprintf(&b, "\n[failures.%s]\nseverity_a = %s\nseverity_b = %s\n", ft, fmtNum(round3(a)), fmtNum(round3(bb)))
	}
	apology := scenarios.ApologyNone
	switch {
	case q >= 0.7:
		apology = scenarios.ApologySincere
	case q >= 0.3:
		apology = scenarios.ApologyScripted
	}
	fmt.Fprintf(&b, `
[[policies]]
name = "recovery"
response_hours = %s
refund = %s
coupon_value = %s
apology = %q
empathy = %s
follow_up = %t
`, fmtNum(round3(72*math.Pow(1.0/72, q))), fmtNum(round3(1.2*q)), fmtNum(round3(0.2*q)), apology, fmtNum(round3(0.2+0.7*q)), q >= 0.5)
	return b.String()
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func runParadox(ctx context.Context, sc *scenarios.Scenario, _ Values, rep uint64) (*Result, error) {
	res, err := sim.Run(ctx, sc, sim.Options{Replication: rep, Workers: 1})
	if err != nil {
		return nil, err
	}
	s := &res.Summary
	out := &Result{
		Bars: []Figure{
			{"mild first failure: recovered − no failure", Num(s.ParadoxGap), "effect"},
			{"severe first failure: recovered − no failure", Num(s.ParadoxGapSevere), "effect"},
			{"repeat failure: recovered − no failure", Num(s.RepeatGap), "effect"},
			{"failed recovery: contacted − not", Num(s.FailedRecoveryGap), "effect"},
			{"mild first failure: repurchase, recovered − no failure", Num(s.ParadoxRepurchaseGap), "effect"},
		},
		Headline: []Figure{
			{"survey satisfaction (dashboard)", Num(s.SurveyMean), "dashboard"},
			{"true satisfaction after recovery, all failures", Num(s.TrueMeanSatisfaction), "truth"},
		},
	}
	switch {
	case !(s.ParadoxGap > 0):
		out.Messages = append(out.Messages, "No recovery paradox: even a mild first failure leaves customers less satisfied than no failure.")
	case s.ParadoxGapSevere > 0:
		out.Messages = append(out.Messages, "A recovery paradox even after severe failures: the recovery more than makes up for them.")
	default:
		out.Messages = append(out.Messages, "A recovery paradox after mild first failures, none after severe ones.")
	}
	if s.FailedRecoveryGap < 0 {
		out.Messages = append(out.Messages, "Double deviation: customers whose recovery failed are worse off than had they not contacted at all.")
	}
	return out, nil
}
