package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redress-sim/redress/compare"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// calFirm writes a small firm's records, made by redress from the
// default scenario at contact.intercept = -1.4 with seed 99, to a
// temporary directory.
func calFirm(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "firm")
	sc := scenarios.Default()
	sc.Population.Size, sc.Population.Weeks, sc.Population.WarmupWeeks = 3000, 13, 4
	sc.Seed = 99
	if err := sc.Set("contact.intercept", "-1.4"); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(context.Background(), sc, sim.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// calArgs is a small calibration of two keys: one the moments identify,
// one (a cost no customer sees) they cannot.
func calArgs(data, out string, extra ...string) []string {
	return append([]string{"calibrate", "default", "--data", data, "--set", "population.size=3000", "--set", "population.weeks=13",
		"--set", "population.warmup_weeks=4", "--param", "contact.intercept=-3:0", "--param", "policies[0].staff_cost_per_hour=10:60",
		"--bootstrap", "50", "--profile-points", "3", "--out", out}, extra...)
}

// TestCalibrateCommand: the files are written and byte-identical for any
// worker count; the identified key is near its truth, the staff cost is
// reported not identified without a standard error and left at the
// scenario's value in calibrated.toml, which loads.
func TestCalibrateCommand(t *testing.T) {
	firm := calFirm(t)
	dir := t.TempDir()
	one, two := filepath.Join(dir, "w1"), filepath.Join(dir, "w2")
	code, out, errs := runCLI(t, calArgs(firm, one, "--workers", "1")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Parameters", "contact.intercept", "not identified", "Hansen's J", "Moments"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "2 keys to") {
		t.Errorf("stderr lacks the announcement: %s", errs)
	}
	if code, _, errs := runCLI(t, calArgs(firm, two, "--workers", "2")...); code != 0 {
		t.Fatalf("workers 2: exit %d: %s", code, errs)
	}
	for _, f := range []string{"fit.json", "fit.md", "calibrated.toml", "moment-fit.png", "moment-fit.svg", "profile-contact.intercept.svg"} {
		a, err := os.ReadFile(filepath.Join(one, f))
		if err != nil || len(a) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		if b, _ := os.ReadFile(filepath.Join(two, f)); !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 workers", f)
		}
	}
	var fit fitJSON
	js, _ := os.ReadFile(filepath.Join(one, "fit.json"))
	if err := json.Unmarshal(js, &fit); err != nil {
		t.Fatal(err)
	}
	ci, staff := fit.Parameters[0], fit.Parameters[1]
	if ci.StdError == nil || ci.Status == "not identified" || (ci.Estimate+1.4)*(ci.Estimate+1.4) > 4*(*ci.StdError)*(*ci.StdError) {
		t.Errorf("contact.intercept: %+v (SE %v), truth -1.4", ci, ci.StdError)
	}
	if staff.Status != "not identified" || staff.StdError != nil || staff.Estimate != 30 {
		t.Errorf("staff cost: %+v, want not identified at the scenario's 30", staff)
	}
	if len(fit.Moments) < 15 || fit.Customers == 0 || fit.ScenarioHash == "" || len(fit.Profiles) != 1 {
		t.Errorf("fit.json: %d moments, %d customers, hash %q, %d profiles", len(fit.Moments), fit.Customers, fit.ScenarioHash, len(fit.Profiles))
	}
	if _, err := compare.ReadFit(bytes.NewReader(js), "fit.json"); err != nil {
		t.Errorf("compare --uncertainty cannot read the fit: %v", err)
	}
	sc, err := scenarios.Load(filepath.Join(one, "calibrated.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sc.Number("contact.intercept"); got != ci.Estimate {
		t.Errorf("calibrated.toml: contact.intercept %v, want the estimate %v", got, ci.Estimate)
	}
	if got, _ := sc.Number("policies[0].staff_cost_per_hour"); got != 30 {
		t.Errorf("calibrated.toml: staff cost %v, want the scenario's 30", got)
	}
}

// TestCalibrateInputErrors: bad input exits 2 naming the flag, file,
// line or column, and writes nothing.
func TestCalibrateInputErrors(t *testing.T) {
	firm := calFirm(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	noContact := filepath.Join(dir, "nocontact")
	os.MkdirAll(noContact, 0o755)
	eps, _ := os.ReadFile(filepath.Join(firm, "episodes.csv"))
	cust, _ := os.ReadFile(filepath.Join(firm, "customers.csv"))
	os.WriteFile(filepath.Join(noContact, "episodes.csv"), bytes.Replace(eps, []byte(",contacted,"), []byte(",ticket,"), 1), 0o644)
	os.WriteFile(filepath.Join(noContact, "customers.csv"), cust, 0o644)
	list := filepath.Join(dir, "moments.txt")
	os.WriteFile(list, []byte("contact_rate\n# comment\nchurn_rate\nsatisfaction\n"), 0o644)
	base := calArgs(firm, out)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no data", []string{"calibrate", "default", "--param", "contact.intercept=-3:0"}, "--data"},
		{"no param", []string{"calibrate", "default", "--data", firm}, "--param"},
		{"data not a directory", calArgs(filepath.Join(dir, "nope"), out), "--data"},
		{"missing column", calArgs(noContact, out), "contacted"},
		{"map fixes nothing twice", calArgs(noContact, out, "--map", "ticket=contacted", "--map", "ticket=responded"), "--map"},
		{"unknown moment", append(base, "--moments", list), "moments.txt:4"},
		{"unknown key", append(base, "--param", "contact.nope=0:1"), "--param"},
		{"bad bootstrap", append(base, "--bootstrap", "5"), "--bootstrap"},
		{"bad profile", append(base, "--profile-points", "1"), "--profile-points"},
		{"textbook", []string{"calibrate", "textbook-selection", "--data", firm, "--param", "textbook.rho=0:0.9"}, "behavioral"},
	} {
		code, stdout, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || stdout != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want 2 and %q", c.name, code, errs, stdout, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an input error left %s", out)
	}
	// The renamed column read back under --map calibrates.
	if code, _, errs := runCLI(t, calArgs(noContact, out, "--map", "ticket=contacted", "--profile-points", "0")...); code != 0 {
		t.Errorf("--map ticket=contacted: exit %d: %s", code, errs)
	}
}
