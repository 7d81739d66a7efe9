package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/study"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "run [SCENARIO.toml | PRESET] [--out DIR] [--seed N] [--workers N]",
		"  redress run                              # the embedded default scenario\n"+
			"  redress run recovery-paradox --out paradox\n"+
			"  redress run shop.toml --seed 7 --out runs/seed7", stdout)
	out := fs.String("out", "redress-out", "write data files to `DIR` (empty: write nothing)")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`N` ≥ 0)")
	workers := fs.Int("workers", 0, "goroutines to use (0 = all cores); results do not depend on it")
	rep := fs.Uint64("replication", 0, "replication index: independent random streams under one seed")
	estimates := fs.Bool("estimates", true, "run the estimators on the observed data and compare them with the truth")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("run takes at most one scenario, got %d: %s", len(pos), strings.Join(pos, " "))
	}
	name := ""
	if len(pos) == 1 {
		name = pos[0]
	}
	sc, err := loadSeeded(name, *seed)
	if err != nil {
		return err
	}
	if *workers < 0 {
		return usageError("--workers must be ≥ 0, got %d", *workers)
	}
	warnLarge(stderr, sc, *workers, *estimates)
	start := time.Now()
	prog := newProgress(stderr, "weeks")
	res, err := sim.Run(ctx, sc, sim.Options{Out: *out, Workers: *workers, Replication: *rep, Collect: *estimates,
		Progress: prog.update})
	prog.finish()
	if err != nil {
		return fmt.Errorf("run %s: %w", sc.Name, err)
	}
	elapsed := time.Since(start)
	if sc.Mode == "textbook" {
		printTextbook(stdout, res, elapsed)
	} else {
		printSummary(stdout, res, elapsed)
	}
	if *estimates {
		rows, err := study.Evaluate(res.Episodes, study.KindOf(sc), res.Truth)
		if err != nil {
			return err
		}
		printEstimates(stdout, rows)
	}
	if len(res.Files) > 0 {
		fmt.Fprintf(stdout, "\nFiles in %s: %s\n", *out, strings.Join(res.Files, ", "))
	}
	return nil
}

// printEstimates prints the estimator table: each estimator's estimate of
// each estimand with its SE and 95% interval next to the true value.
func printEstimates(w io.Writer, rows []study.Row) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Estimators on the observed data vs the truth")
	head := []string{"estimand", "method", "estimate", "std. error", "95% interval", "truth", "covers"}
	var cells [][]string
	prev := ""
	for _, r := range rows {
		name := r.Estimand
		if name == prev {
			name = ""
		}
		prev = r.Estimand
		if r.Err != nil {
			cells = append(cells, []string{name, r.Method, "failed", "", firstLine(r.Err.Error()), f4(r.Truth), ""})
			continue
		}
		lo, hi := r.CI95()
		cov := "no"
		if r.Covers() {
			cov = "yes"
		}
		cells = append(cells, []string{name, r.Method, f4(r.Estimate), f4(r.StdError),
			fmt.Sprintf("[%s, %s]", f4(lo), f4(hi)), f4(r.Truth), cov})
	}
	grid(w, head, cells, false)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// num formats x with thousands separators and d decimals.
func num(x float64, d int) string { return report.Thousands(x, d) }

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

func signed(x float64, d int) string { return fmt.Sprintf("%+.*f", d, x) }

func printSummary(w io.Writer, res *sim.Result, elapsed time.Duration) {
	s := res.Summary
	sc := res.Scenario
	fmt.Fprintf(w, "redress run: %s (behavioral), policy %q, seed %d\n", sc.Name, res.Policy, sc.Seed)
	fmt.Fprintf(w, "%s customers × %d weeks = %s customer-weeks in %.2f s (after %d warm-up weeks)\n\n",
		num(float64(s.Customers), 0), s.Weeks, num(float64(s.CustomerWeeks), 0), elapsed.Seconds(), sc.Population.WarmupWeeks)
	rows := [][3]string{
		{"orders", num(float64(s.Orders), 0), ""},
		{"failures", num(float64(s.Failures), 0), pct(s.FailureRate) + " of orders"},
		{"contact rate among failures", pct(s.ContactRate), ""},
		{"first-contact resolution", pct(s.FirstContactResolution), ""},
		{"mean response time", fmt.Sprintf("%.1f h", s.MeanResponseHours), ""},
		{"churn", num(float64(s.Churned), 0), pct(s.ChurnRate) + " of customers; " + num(float64(s.FailureExits), 0) + " left at a failure itself"},
		{"new customers", num(float64(s.Arrivals), 0), "joined (baseline arrivals and referrals)"},
		{"abandoned contacts", num(float64(s.Abandoned), 0), pct(s.ServiceLevel) + " service level (not abandoned)"},
		{"NPS (all orders)", signed(s.NPS, 1), num(float64(s.Promoters), 0) + " promoters, " + num(float64(s.Detractors), 0) + " detractors"},
		{"revenue", num(s.Revenue, 0), ""},
		{"recovery cost", num(s.RecoveryCost, 0), pct(ratio(s.RecoveryCost, s.Revenue)) + " of revenue; staff " + num(s.StaffCost, 0) + staffNote(s)},
		{"profit in the weeks", num(s.ProfitInHorizon, 0), "after product cost " + num(s.ProductCost, 0)},
		{"terminal value", num(s.TerminalValue, 0), "expected margin of the customers still active, discounted"},
		{"profit", num(s.Profit, 0), "in the weeks plus terminal value"},
		{"stationarity", fmt.Sprintf("%s → %s", pct(s.ContactRateFirstQuarter), pct(s.ContactRateLastQuarter)), "contact rate, first vs last quarter of the weeks"},
	}
	fmt.Fprintln(w, "Business")
	printRows(w, rows)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "What the firm sees vs what happened")
	printRows(w, [][3]string{
		{"", "firm sees", "truth"},
		{fmt.Sprintf("satisfaction after a failure (1–%d)", s.Scale), fmt.Sprintf("%.2f", s.SurveyMean), fmt.Sprintf("%.2f", s.TrueMeanSatisfaction)},
		{"effect of contact on repurchase", signed(s.NaiveRepurchaseDiff, 3), signed(s.ATE, 3) + " (ATE)"},
		{"", "", signed(s.ATT, 3) + " (ATT, contacted)"},
		{"", "", signed(s.ATU, 3) + " (ATU, not contacted)"},
	})
	fmt.Fprintf(w, "\n  The firm sees survey answers from %s of %s failures (those who contacted support\n"+
		"  and answered) and compares repurchase of contacted and non-contacted customers; the\n"+
		"  truth is S(1) and Y(1) − Y(0) for every failure, from replaying each episode both ways.\n",
		num(float64(s.Responses), 0), num(float64(s.Failures), 0))
	gap := s.SurveyMean - s.TrueMeanSatisfaction
	fmt.Fprintf(w, "  The survey %s satisfaction by %.2f points; the naive repurchase gap is off the true ATE by %s.\n",
		map[bool]string{true: "overstates", false: "understates"}[gap > 0], math.Abs(gap), signed(s.NaiveRepurchaseDiff-s.ATE, 3))
}

// staffNote says how the staff were used under a response-time target.
func staffNote(s sim.Summary) string {
	if s.AgentHours == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s paid agent hours, %s busy)", num(s.AgentHours, 0), pct(s.AgentUtilisation))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// printRows prints rows of (label, value, note) aligned.
func printRows(w io.Writer, rows [][3]string) {
	var wl, wv int
	for _, r := range rows {
		wl = max(wl, len([]rune(r[0])))
		wv = max(wv, len([]rune(r[1])))
	}
	for _, r := range rows {
		line := fmt.Sprintf("  %s%s  %s%s  %s", r[0], strings.Repeat(" ", wl-len([]rune(r[0]))),
			strings.Repeat(" ", wv-len([]rune(r[1]))), r[1], r[2])
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// effectNote says what the true effect of a textbook run is.
func effectNote(outcome string) string {
	if outcome == "binary" || outcome == "ordered" {
		return " (ATE: mean of F(xβ + δ) − F(xβ))"
	}
	return " (δ = ATE = ATT = ATU)"
}

func printTextbook(w io.Writer, res *sim.Result, elapsed time.Duration) {
	sc := res.Scenario
	tb := sc.Textbook
	t := res.Textbook
	fmt.Fprintf(w, "redress run: %s (textbook), seed %d\n", sc.Name, sc.Seed)
	kind := ""
	if tb.Outcome == "binary" || tb.Outcome == "ordered" {
		kind = "; " + tb.Outcome + " outcome"
	}
	fmt.Fprintf(w, "n = %s observations in %.2f s; %s contacted (%s); errors %s, rho %g, sigma %g, exclusion %g%s\n\n",
		num(float64(t.N), 0), elapsed.Seconds(), num(float64(t.Selected), 0), pct(t.SelectionRate), tb.Errors, tb.Rho, tb.Sigma, tb.Exclusion, kind)
	fmt.Fprintln(w, "What the firm sees vs what happened")
	printRows(w, [][3]string{
		{"", "firm sees", "truth"},
		{"mean satisfaction y", fmt.Sprintf("%.3f", t.MeanSatisfactionObserved), fmt.Sprintf("%.3f", t.MeanSatisfactionPopulation) + " (all n)"},
		{"effect of contact on outcome w", fmt.Sprintf("%+.3f", t.NaiveEffect), fmt.Sprintf("%+.3f", t.TrueEffect) + effectNote(tb.Outcome)},
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, "True parameters (truth.json)")
	var rows [][3]string
	for _, e := range res.Truth.Estimands {
		if strings.HasPrefix(e.ID, "beta_") || strings.HasPrefix(e.ID, "gamma_") || strings.HasPrefix(e.ID, "cut") || e.ID == "rho" || e.ID == "sigma" || e.ID == "lambda" {
			rows = append(rows, [3]string{e.ID, fmt.Sprintf("%.4f", e.Value), ""})
		}
	}
	printRows(w, rows)
}
