package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/redress-sim/redress/compare"
)

// uncertaintyFlags are compare's flags as --uncertainty reads them.
type uncertaintyFlags struct {
	fit                   string
	draws, reps, workers  int
	format, baseline, out string
	seed                  int64
}

// compareFlagGiven reports whether the flag name was given.
func compareFlagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// compareUncertainty is redress compare --uncertainty: the policies
// compared over draws of the calibrated parameters.
func compareUncertainty(ctx context.Context, fs *flag.FlagSet, pos []string, fl uncertaintyFlags, stdout, stderr io.Writer) error {
	if fl.fit == "" {
		return usageError("--draws needs --uncertainty fit.json (the parameters to draw)")
	}
	if !compareFlagGiven(fs, "draws") {
		return usageError("--uncertainty needs --draws N (e.g. --draws 200)")
	}
	if fl.draws < 2 || fl.draws > compare.MaxDraws {
		return usageError("--draws must be between 2 and %d, got %d", compare.MaxDraws, fl.draws)
	}
	if !compareFlagGiven(fs, "reps") {
		fl.reps = 4
	}
	switch {
	case len(pos) != 1:
		return usageError("compare takes one scenario (file or preset), got %d", len(pos))
	case fl.reps < 2:
		return usageError("--reps must be ≥ 2 with --uncertainty (the simulation variance needs two), got %d", fl.reps)
	case fl.workers < 0:
		return usageError("--workers must be ≥ 0, got %d", fl.workers)
	case !slices.Contains([]string{"text", "markdown", "json"}, fl.format):
		return usageError("--format %q: use text, markdown or json with --uncertainty", fl.format)
	case fl.baseline != "":
		return usageError("--baseline does not apply with --uncertainty (every policy is compared with the best)")
	case fl.out != "":
		return usageError("--out does not apply with --uncertainty (use --format json)")
	}
	if err := checkSeed(fs); err != nil {
		return err
	}
	if runs := float64(fl.draws+1) * float64(fl.reps); runs > compare.MaxPolicyRuns {
		return usageError("--draws %d × --reps %d: %.0f runs of every policy; at most %d", fl.draws, fl.reps, runs, compare.MaxPolicyRuns)
	}
	fit, err := readFitFile(fl.fit)
	if err != nil {
		return err
	}
	sc, err := loadPolicyScenario("compare", pos[0], fl.seed)
	if err != nil {
		return err
	}
	if fit.Scenario != "" && fit.Scenario != sc.Name {
		fmt.Fprintf(stderr, "redress compare: note: %s was fitted on scenario %q; comparing %q\n", fl.fit, fit.Scenario, sc.Name)
	}
	if _, err := fit.Params(sc); err != nil {
		return usageError("--uncertainty %s: %v", fl.fit, err)
	}
	prog := newProgress(stderr, "parameter draws")
	start := time.Now()
	u, err := compare.RunUncertainty(ctx, compare.UncertaintyConfig{Scenario: sc, Fit: fit, Draws: fl.draws, Reps: fl.reps,
		Workers: fl.workers, Progress: prog.update})
	prog.finish()
	if err != nil {
		if errors.Is(err, compare.ErrOutsideRange) {
			return usageError("--uncertainty %s: %v", fl.fit, err)
		}
		return fmt.Errorf("compare: %w", err)
	}
	elapsed := time.Since(start)
	if fl.format == "json" {
		b, err := uncertaintyJSON(u, fit, filepath.Base(fl.fit))
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	printUncertainty(stdout, u, fit, filepath.Base(fl.fit), sc.Population.Weeks, elapsed, fl.format == "markdown")
	return nil
}

// readFitFile reads and validates a fit file.
func readFitFile(name string) (*compare.Fit, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usageError("--uncertainty: %v", err)
	}
	defer f.Close()
	fit, err := compare.ReadFit(f, name)
	if err != nil {
		return nil, usageError("--uncertainty: %v", err)
	}
	return fit, nil
}

// drawnAs says how key k is drawn.
func drawnAs(u *compare.Uncertainty, k int) string {
	if u.Normal[k] {
		return "normal (joint, truncated to the range)"
	}
	return "uniform on the range"
}

// printUncertainty prints the comparison under uncertainty as aligned
// text or Markdown tables.
func printUncertainty(w io.Writer, u *compare.Uncertainty, fit *compare.Fit, fitName string, weeks int, elapsed time.Duration, md bool) {
	heading := reportTitle(w, "redress compare under uncertainty: "+u.Scenario, md)
	fmt.Fprintf(w, "%d policies × %d parameter draws from %s × %d replications on common random numbers (seed %d), %s customers × %d weeks; %.1f s\n",
		len(u.Policies), u.Draws, fitName, u.Reps, u.Seed, num(float64(u.Customers), 0), weeks, elapsed.Seconds())

	heading("Parameters")
	printDrawnParams(w, u, fit, md)
	sum := u.Summary()
	heading(fmt.Sprintf("Which policy is best, over %d draws (± Monte Carlo standard error)", u.Draws))
	printBest(w, sum, md)
	heading("Profit")
	printProfit(w, sum, md)
	fmt.Fprintf(w, "\nExpected profit is the mean over the draws θ of a draw's mean profit over %d replications. Its 95%% interval is\n"+
		"expected ± 1.96·√(Var_θ E[profit | θ] + E_θ Var[profit | θ]), by the law of total variance: the variance over draws of\n"+
		"a draw's mean profit, plus the mean over draws of the variance over its replications; \"from parameters\" is the first\n"+
		"part's share. \"Draws' means\" is the 2.5–97.5%% range of a draw's mean profit (parameter uncertainty alone).\n"+
		"Expected regret is E_θ[max over policies q of profit_q(θ) − this policy's profit(θ)]; it is 0 for a policy best in every draw.\n", u.Reps)
	printVerdict(w, u, sum, md)
}

// printDrawnParams lists the fit's keys, how they are drawn and the
// range of their draws.
func printDrawnParams(w io.Writer, u *compare.Uncertainty, fit *compare.Fit, md bool) {
	var rows [][]string
	for k, p := range u.Params {
		fp := fit.Parameters[k]
		x := make([]float64, u.Draws)
		for d := range x {
			x[d] = u.X[d][k]
		}
		slices.Sort(x)
		se := "–"
		if !math.IsNaN(fp.StdError) {
			se = fmt.Sprintf("%.4g", fp.StdError)
		}
		rows = append(rows, []string{p.Key, fp.Status, fmt.Sprintf("%.4g", fp.Estimate), se, fmt.Sprintf("[%.4g, %.4g]", p.Lo, p.Hi), drawnAs(u, k),
			fmt.Sprintf("%.4g – %.4g", x[int(0.025*float64(len(x)-1))], x[int(math.Ceil(0.975*float64(len(x)-1)))])})
	}
	grid(w, []string{"key", "status", "estimate", "std error", "range", "drawn as", "draws, 2.5–97.5%"}, rows, md)
}

// printBest tabulates the probabilities of being best and the expected
// regret.
func printBest(w io.Writer, sum []compare.PolicyUncertainty, md bool) {
	var rows [][]string
	for _, s := range sum {
		rows = append(rows, []string{s.Policy,
			fmt.Sprintf("%.3f ±%.3f", s.PBestProfit, s.PBestProfitSE),
			fmt.Sprintf("%.3f ±%.3f", s.PBestRetention, s.PBestRetentionSE),
			fmt.Sprintf("%s ±%s", num(s.Regret, 0), num(s.RegretSE, 0)),
			fmt.Sprintf("%.4f", 1-s.Churn),
		})
	}
	grid(w, []string{"policy", "P(best on profit)", "P(best on retention)", "expected regret", "expected retention"}, rows, md)
}

// printProfit tabulates the profit at the estimate and over the draws.
func printProfit(w io.Writer, sum []compare.PolicyUncertainty, md bool) {
	var rows [][]string
	for _, s := range sum {
		share := "–"
		if !math.IsNaN(s.Profit.ParamShare) {
			share = fmt.Sprintf("%.0f%%", 100*s.Profit.ParamShare)
		}
		rows = append(rows, []string{s.Policy, num(s.PointProfit, 0), num(s.Profit.Mean, 0),
			fmt.Sprintf("[%s, %s]", num(s.Profit.Lo, 0), num(s.Profit.Hi, 0)), share,
			fmt.Sprintf("[%s, %s]", num(s.Profit.DrawLo, 0), num(s.Profit.DrawHi, 0)),
		})
	}
	grid(w, []string{"policy", "at the estimate", "expected", "95% interval", "from parameters", "draws' means, 2.5–97.5%"}, rows, md)
}

// printVerdict says which policy is best at the point estimate and
// whether that holds up over the draws.
func printVerdict(w io.Writer, u *compare.Uncertainty, sum []compare.PolicyUncertainty, md bool) {
	v := u.Robustness(sum)
	best := sum[v.Best]
	bullet := ""
	if md {
		bullet = "- "
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%sBest at the point estimate: %s (profit %s), best on profit in %.0f%% of the draws (± %.0f).\n",
		bullet, best.Policy, num(best.PointProfit, 0), 100*best.PBestProfit, 100*best.PBestProfitSE)
	if v.RunnerUp < 0 {
		fmt.Fprintf(w, "%sThe scenario has one policy: nothing to rank.\n", bullet)
		return
	}
	ru := sum[v.RunnerUp]
	if u.PointRuns != nil {
		d := u.PointDiff(v.Best, v.RunnerUp)
		fmt.Fprintf(w, "%sAt the point estimate it leads the runner-up, %s, by %s (95%% paired interval [%s, %s] over %d replications)",
			bullet, ru.Policy, num(d.Mean, 0), num(d.Lo, 0), num(d.Hi, 0), u.Reps)
		if !d.Excludes0() {
			fmt.Fprint(w, "; the interval holds 0, and the draws share these replications, so simulation noise may decide the ranking: raise --reps")
		}
		fmt.Fprintln(w, ".")
	}
	if v.Robust {
		fmt.Fprintf(w, "%sVerdict: the ranking is robust (P(best) ≥ %.1f) to the parameter uncertainty; runner-up %s is best in %.0f%% of the draws (expected regret %s).\n",
			bullet, compare.RobustP, ru.Policy, 100*ru.PBestProfit, num(ru.Regret, 0))
		return
	}
	fmt.Fprintf(w, "%sVerdict: ranking not robust — %s is best on profit in only %.0f%% of the draws (< %.0f%%); runner-up %s is best in %.0f%% (expected regret %s against %s for %s).\n",
		bullet, best.Policy, 100*best.PBestProfit, 100*compare.RobustP, ru.Policy, 100*ru.PBestProfit,
		num(ru.Regret, 0), num(best.Regret, 0), best.Policy)
}

// The records of compare --uncertainty --format json.
type jsonUncParam struct {
	Key      string   `json:"key"`
	Status   string   `json:"status"`
	Estimate float64  `json:"estimate"`
	StdError *float64 `json:"std_error"`
	Lo       float64  `json:"lo"`
	Hi       float64  `json:"hi"`
	Integer  bool     `json:"integer,omitempty"`
	Drawn    string   `json:"drawn"`
}
type jsonUncProfit struct {
	Mean       float64  `json:"mean"`
	SE         float64  `json:"mc_se"`
	Lo         float64  `json:"lo"`
	Hi         float64  `json:"hi"`
	ParamVar   float64  `json:"parameter_variance"`
	SimVar     float64  `json:"simulation_variance"`
	ParamShare *float64 `json:"parameter_share"`
	DrawLo     float64  `json:"draws_q025"`
	DrawHi     float64  `json:"draws_q975"`
}
type jsonUncLead struct {
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}
type jsonUncPolicy struct {
	Name             string        `json:"name"`
	PBestProfit      float64       `json:"p_best_profit"`
	PBestProfitSE    float64       `json:"p_best_profit_se"`
	PBestRetention   float64       `json:"p_best_retention"`
	PBestRetentionSE float64       `json:"p_best_retention_se"`
	Profit           jsonUncProfit `json:"expected_profit"`
	PointProfit      float64       `json:"profit_at_estimate"`
	Churn            float64       `json:"expected_churn"`
	PointChurn       float64       `json:"churn_at_estimate"`
	Regret           float64       `json:"expected_regret"`
	RegretSE         float64       `json:"expected_regret_se"`
}

// uncertaintyJSON is the comparison under uncertainty as one JSON object.
func uncertaintyJSON(u *compare.Uncertainty, fit *compare.Fit, fitName string) ([]byte, error) {
	var doc struct {
		Scenario         string          `json:"scenario"`
		Seed             uint64          `json:"seed"`
		Fit              string          `json:"fit"`
		Draws            int             `json:"draws"`
		Replications     int             `json:"replications_per_draw"`
		Customers        int             `json:"customers"`
		RetentionMetric  string          `json:"retention_metric"`
		Parameters       []jsonUncParam  `json:"parameters"`
		Policies         []jsonUncPolicy `json:"policies"`
		BestAtEstimate   string          `json:"best_at_estimate"`
		RobustThreshold  float64         `json:"robust_threshold"`
		RankingIsRobust  bool            `json:"ranking_is_robust"`
		RunnerUp         string          `json:"runner_up,omitempty"`
		Lead             *jsonUncLead    `json:"lead_at_estimate,omitempty"`
		DrawsOfTheParams [][]float64     `json:"parameter_draws"`
	}
	doc.Scenario, doc.Seed, doc.Fit, doc.Draws, doc.Replications, doc.Customers = u.Scenario, u.Seed, fitName, u.Draws, u.Reps, u.Customers
	doc.RetentionMetric = "churn_rate (lowest is best)"
	for k, p := range u.Params {
		fp := fit.Parameters[k]
		jp := jsonUncParam{Key: p.Key, Status: fp.Status, Estimate: fp.Estimate, Lo: p.Lo, Hi: p.Hi, Integer: p.Integer, Drawn: "uniform"}
		if u.Normal[k] {
			jp.Drawn = "normal"
		}
		if se := fp.StdError; !math.IsNaN(se) {
			jp.StdError = &se
		}
		doc.Parameters = append(doc.Parameters, jp)
	}
	sum := u.Summary()
	for _, s := range sum {
		pr := s.Profit
		jp := jsonUncPolicy{Name: s.Policy, PBestProfit: s.PBestProfit, PBestProfitSE: s.PBestProfitSE, PBestRetention: s.PBestRetention,
			PBestRetentionSE: s.PBestRetentionSE, PointProfit: s.PointProfit, Churn: s.Churn, PointChurn: s.PointChurn, Regret: s.Regret, RegretSE: s.RegretSE,
			Profit: jsonUncProfit{Mean: pr.Mean, SE: pr.SE, Lo: pr.Lo, Hi: pr.Hi, ParamVar: pr.ParamVar, SimVar: pr.SimVar, DrawLo: pr.DrawLo, DrawHi: pr.DrawHi}}
		if share := pr.ParamShare; !math.IsNaN(share) {
			jp.Profit.ParamShare = &share
		}
		doc.Policies = append(doc.Policies, jp)
	}
	v := u.Robustness(sum)
	doc.BestAtEstimate, doc.RobustThreshold, doc.RankingIsRobust = u.Policies[v.Best], compare.RobustP, v.Robust
	if v.RunnerUp >= 0 {
		doc.RunnerUp = u.Policies[v.RunnerUp]
		d := u.PointDiff(v.Best, v.RunnerUp)
		doc.Lead = &jsonUncLead{d.Mean, d.Lo, d.Hi}
	}
	doc.DrawsOfTheParams = u.X
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
