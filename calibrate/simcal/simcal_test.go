package simcal

import (
	"context"
	"math"
	"os"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat"
	"testing"

	"github.com/redress-sim/redress/calibrate"
	"github.com/redress-sim/redress/moments"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
	"github.com/redress-sim/redress/sim"
)

// recoveryParams are the calibrated keys of the recovery test: four the
// moments identify and one (the cost of a staff hour, which no customer
// sees) they cannot.
var recoveryParams = []simmodel.Param{
	{Key: "contact.intercept", Lo: -3, Hi: 0},
	{Key: "survey.response_intercept", Lo: -3, Hi: 0},
	{Key: "population.traits.loss_aversion_median", Lo: 1, Hi: 3.5},
	{Key: "outcomes.recovery_weight", Lo: 0.2, Hi: 1.6},
	{Key: "policies[0].staff_cost_per_hour", Lo: 10, Hi: 60},
}

// ridgeParams replace loss aversion by the weight of the expected
// payoff in the contact decision, which moves the contact rates much as
// the contact intercept does: calibrated together they lie on a ridge.
var ridgeParams = []simmodel.Param{
	{Key: "contact.intercept", Lo: -3, Hi: 0},
	{Key: "survey.response_intercept", Lo: -3, Hi: 0},
	{Key: "contact.expected_payoff", Lo: 0, Hi: 2},
	{Key: "outcomes.recovery_weight", Lo: 0.2, Hi: 1.6},
	{Key: "policies[0].staff_cost_per_hour", Lo: 10, Hi: 60},
}

// firmData makes a firm's data with redress itself: the scenario with
// the keys at the true values, another seed than the calibration's.
func firmData(t testing.TB, base *scenarios.Scenario, keys []simmodel.Param, truth []float64, seed uint64) *moments.Data {
	t.Helper()
	sc, err := simmodel.ScenarioAt(base, keys, truth)
	if err != nil {
		t.Fatal(err)
	}
	sc.Seed = seed
	res, err := sim.Run(context.Background(), sc, sim.Options{Collect: true})
	if err != nil {
		t.Fatal(err)
	}
	return &moments.Data{Episodes: res.Episodes, Customers: res.Customers}
}

// recoverParams calibrates the keys to d.
func recoverParams(t testing.TB, base *scenarios.Scenario, keys []simmodel.Param, d *moments.Data, boot int) *calibrate.Result {
	t.Helper()
	spec := moments.SpecFor(base)
	ms, _, err := moments.Compute(d, spec)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var values []float64
	for _, m := range ms {
		names, values = append(names, m.Name), append(values, m.Value)
	}
	cov, err := moments.Bootstrap(context.Background(), d, spec, names, boot, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	model, err := New(Config{Scenario: base, Params: keys, Moments: names})
	if err != nil {
		t.Fatal(err)
	}
	s := float64(model.SimulatedCustomers()) / float64(d.Customers.Len())
	res, err := calibrate.Calibrate(context.Background(), &calibrate.Problem{Params: model.Params(), Moments: names,
		Data: values, Cov: cov, S: s, Model: model.Moments, ProfilePoints: -1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func recoveryBase(t testing.TB) *scenarios.Scenario {
	base := scenarios.Default()
	base.Population.Size = 4000
	base.Population.Weeks = 26
	return base
}

// TestRecovery: data made by redress at known values are calibrated back:
// every identified key within 2 SE of its truth, and the staff cost,
// which moves no moment, reported not identified with no standard error.
func TestRecovery(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("calibration runs the simulator 170 times (skipped with -short and under the race detector)")
	}
	base := recoveryBase(t)
	truth := []float64{-1.4, -1.2, 2.4, 1.0, 30}
	res := recoverParams(t, base, recoveryParams, firmData(t, base, recoveryParams, truth, 99), 200)
	for i, e := range res.Estimates {
		t.Logf("%s: %.4f (SE %.4f) %s, moves moments by %.1f SE; truth %v", e.Name, e.Value, e.StdError, e.Status, e.Sensitivity, truth[i])
	}
	t.Logf("J %.2f (df %d, p %.3f); condition %.1f; %d evaluations", res.J.Stat, res.J.DF, res.J.PValue, res.Ident.Condition, res.Evaluations)
	for i, e := range res.Estimates[:4] {
		if e.Status == calibrate.NotIdentified || math.Abs(e.Value-truth[i]) > 2*e.StdError {
			t.Errorf("%s: %.4f (SE %.4f, %s), truth %v", e.Name, e.Value, e.StdError, e.Status, truth[i])
		}
	}
	if e := res.Estimates[4]; e.Status != calibrate.NotIdentified || !math.IsNaN(e.StdError) {
		t.Errorf("staff cost: %+v, want not identified", e)
	}
}

// TestRecoveryStudy is the parameter-recovery study of docs/calibration.md:
// REDRESS_CALIBRATION_STUDY=N calibrates N data sets, each made with its
// own seed and calibrated with another (so the simulation draws vary
// across replications as the standard errors assume), and reports, per
// key, the bias, the standard deviation of the estimates, the mean
// standard error and the coverage of the 95% intervals with its Monte
// Carlo standard error, and the J test's rejection rate at 5%. With
// REDRESS_CALIBRATION_KEYS=ridge it calibrates ridgeParams instead.
func TestRecoveryStudy(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REDRESS_CALIBRATION_STUDY"))
	if n <= 0 {
		t.Skip("set REDRESS_CALIBRATION_STUDY=N to run the recovery study over N data sets")
	}
	base := recoveryBase(t)
	base.Population.Size, base.Population.Weeks = 10000, 52
	keys, truth := recoveryParams, []float64{-1.4, -1.2, 2.4, 1.0, 30}
	if os.Getenv("REDRESS_CALIBRATION_KEYS") == "ridge" {
		keys, truth = ridgeParams, []float64{-1.4, -1.2, 1.0, 1.0, 30}
	}
	k := len(truth)
	est := make([][]float64, k)
	se := make([][]float64, k)
	cover := make([]int, k)
	notIdent := make([]int, k)
	rejectJ := 0
	start := time.Now()
	for i := range n {
		b := *base
		b.Seed = uint64(5000 + i)
		res := recoverParams(t, &b, keys, firmData(t, base, keys, truth, uint64(1000+i)), 200)
		if testing.Verbose() {
			for _, e := range res.Estimates {
				t.Logf("  %d %s: %.4f (%.4f) %s %.1f", i, e.Name, e.Value, e.StdError, e.Status, e.Sensitivity)
			}
			t.Logf("  %d J %.2f p %.3f cond %.1f evals %d q %.2f", i, res.J.Stat, res.J.PValue, res.Ident.Condition, res.Evaluations, res.Objective)
		}
		for j, e := range res.Estimates {
			if e.Status == calibrate.NotIdentified {
				notIdent[j]++
				continue
			}
			est[j] = append(est[j], e.Value)
			se[j] = append(se[j], e.StdError)
			if math.Abs(e.Value-truth[j]) <= 1.959964*e.StdError {
				cover[j]++
			}
		}
		if res.J.PValue < 0.05 {
			rejectJ++
		}
		if (i+1)%10 == 0 {
			t.Logf("%d/%d data sets, %s", i+1, n, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("%d data sets in %s; J rejects at 5%% in %.3f", n, time.Since(start).Round(time.Second), float64(rejectJ)/float64(n))
	t.Logf("| key | truth | bias (MCSE) | SD | mean SE | coverage (MCSE) | not identified |")
	for j, e := range keys {
		m := len(est[j])
		if m < 2 {
			t.Logf("| %s | %v | – | – | – | – | %d/%d |", e.Key, truth[j], notIdent[j], n)
			continue
		}
		mean, sd := stat.MeanStdDev(est[j], nil)
		c := float64(cover[j]) / float64(m)
		t.Logf("| %s | %v | %.4f (%.4f) | %.4f | %.4f | %.3f (%.3f) | %d/%d |", e.Key, truth[j], mean-truth[j], sd/math.Sqrt(float64(m)),
			sd, stat.Mean(se[j], nil), c, math.Sqrt(c*(1-c)/float64(m)), notIdent[j], n)
	}
}
