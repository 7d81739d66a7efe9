// Command redress is the service-recovery simulation and policy testbed.
//
// Usage:
//
//	redress run [SCENARIO]         simulate; print a summary and write data files
//	redress estimate --data F ...  run an estimator on a CSV file
//	redress bias SCENARIO --reps N Monte Carlo bias study of the estimators
//	redress merge DIR...           combine the shards of a bias study
//	redress compare SCENARIO       compare the scenario's policies on common random numbers
//	redress frontier SCENARIO ...  cost–retention frontier over a grid of policy levers
//	redress sensitivity SCENARIO   Morris and Sobol' sensitivity of an output to scenario keys
//	redress calibrate SCENARIO ... calibrate scenario keys to a firm's data (simulated moments)
//	redress facts [SCENARIO]       the literature's regularities, measured on a scenario
//	redress validate SCENARIO      check a scenario file
//	redress init                   print the documented default scenario
//	redress scenarios              list the presets and what each teaches
//	redress version                the version and source revision
//
// Run `redress help`, `redress help COMMAND` or `redress COMMAND --help`
// for details (on stdout). Exit status
// is 0 on success, 1 when a run fails, 2 for bad input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/study"
)

// exitError carries an exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is bad input: exit status 2.
func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "simulate a scenario; print a summary and write data files", cmdRun},
		{"estimate", "run an estimator on a CSV file (yours or the simulator's)", cmdEstimate},
		{"bias", "Monte Carlo bias study of the estimators over replications and sweeps", cmdBias},
		{"merge", "combine the shards of a bias study into one result", cmdMerge},
		{"compare", "compare the scenario's policies on common random numbers: truth, dashboard, costs", cmdCompare},
		{"frontier", "evaluate a grid of policy levers: cost–retention Pareto frontier and best profit", cmdFrontier},
		{"sensitivity", "Morris screening and Sobol' indices of an output over uncertain scenario keys", cmdSensitivity},
		{"calibrate", "calibrate scenario keys to a firm's records by the method of simulated moments", cmdCalibrate},
		{"facts", "run the service-recovery literature's regularities as experiments on a scenario", cmdFacts},
		{"serve", "the classroom page: lessons with sliders, in a browser", cmdServe},
		{"validate", "check scenario files", cmdValidate},
		{"init", "print the documented default scenario", cmdInit},
		{"scenarios", "list the preset scenarios and what each teaches", cmdScenarios},
		{"version", "print the version and the source revision it was built from", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs the command line and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "--help"} // redress help CMD = redress CMD --help
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 0 {
			usage(stderr)
			return 2
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			return exitStatus(err, stderr)
		}
	}
	fmt.Fprintf(stderr, "redress: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	} else if scenarios.IsInputError(err) || study.IsInputError(err) {
		code = 2
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "redress") {
		msg = "redress: " + strings.ReplaceAll(msg, "\n", "\n  ")
	}
	fmt.Fprintln(stderr, msg)
	return code
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "redress — service-recovery simulation and policy testbed")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: redress COMMAND [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `redress COMMAND --help` for a command's flags and an example.")
}

// parse parses flags that may stand before or after positional
// arguments, as people type them, and returns the positional arguments.
// checkSeed refuses a negative --seed given on the command line (its
// default, −1, means "the scenario's seed").
func checkSeed(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" && strings.HasPrefix(f.Value.String(), "-") {
			err = usageError("--seed %s: a seed is an integer ≥ 0", f.Value.String())
		}
	})
	return err
}

func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	help := fs.Usage
	fs.Usage = func() {} // the flag package calls it on errors too
	defer func() { fs.Usage = help }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				help()
				return nil, err
			}
			return nil, usageError("%s: %v (see redress %s --help)", fs.Name(), err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, checkSeed(fs)
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), checkSeed(fs)
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlags returns a flag set that prints its usage with an example.
func newFlags(name, synopsis, example string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors, once
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: redress %s\n\n", synopsis)
		fmt.Fprintln(stdout, "Flags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if example != "" {
			fmt.Fprintf(stdout, "\nExample:\n%s\n", example)
		}
	}
	return fs
}

// loadScenario loads a scenario file, or a preset by name, or the
// embedded default when name is empty.
// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// loadSeeded loads a scenario (file or preset; "" the default) and, when
// seed ≥ 0 (the --seed flag was given), replaces its seed.
func loadSeeded(name string, seed int64) (*scenarios.Scenario, error) {
	sc, err := loadScenario(name)
	if err != nil {
		return nil, err
	}
	if seed >= 0 {
		sc.Seed = uint64(seed)
	}
	return sc, nil
}

// loadWithSets is loadSeeded followed by the --set KEY=VALUE pairs of
// command cmd and a validation; it returns the scenario and the pairs as
// "KEY=VALUE" for the command's output files.
func loadWithSets(cmd, name string, seed int64, sets [][2]string) (*scenarios.Scenario, []string, error) {
	sc, err := loadSeeded(name, seed)
	if err != nil {
		return nil, nil, err
	}
	var set []string
	for _, kv := range sets {
		if err := sc.Set(kv[0], kv[1]); err != nil {
			return nil, nil, usageError("%s: --set %v", cmd, err)
		}
		set = append(set, kv[0]+"="+kv[1])
	}
	if err := sc.Validate(); err != nil {
		return nil, nil, usageError("%s: --set: %v", cmd, err)
	}
	return sc, set, nil
}

func loadScenario(name string) (*scenarios.Scenario, error) {
	if name == "" {
		return scenarios.LoadPreset("default")
	}
	if _, err := os.Stat(name); err != nil {
		if _, ok := scenarios.LookupPreset(name); ok && !strings.ContainsRune(name, os.PathSeparator) {
			return scenarios.LoadPreset(name)
		}
	}
	return scenarios.Load(name)
}

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "validate SCENARIO.toml...", "  redress validate my-scenario.toml", stdout)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("validate: name at least one scenario file (or preset)")
	}
	var errs []error
	for _, name := range pos {
		sc, err := loadScenario(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cfg, err := study.FromScenario(sc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (%s, %d policies", name, sc.Mode, len(sc.Policies))
		if cfg.Reps > 0 || len(cfg.Sweeps) > 0 || len(cfg.Estimators) > 0 {
			fmt.Fprintf(stdout, "; study: %s", plural(len(study.Grid(cfg.Sweeps)), "grid point"))
			if cfg.Reps > 0 {
				fmt.Fprintf(stdout, " × %d replications", cfg.Reps)
			}
		}
		fmt.Fprintln(stdout, ")")
	}
	if len(errs) > 0 {
		return &exitError{code: 2, err: errors.Join(errs...)}
	}
	return nil
}

func cmdInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", "init > my-scenario.toml", "  redress init > shop.toml && redress run shop.toml", stdout)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("init takes no arguments (redirect its output to a file)")
	}
	_, err = io.WriteString(stdout, scenarios.InitText())
	return err
}

func cmdScenarios(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scenarios", "scenarios [--show NAME]", "  redress scenarios\n  redress scenarios --show recovery-paradox > paradox.toml\n  redress run recovery-paradox", stdout)
	show := fs.String("show", "", "print the preset `NAME` as TOML")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *show != "" {
		p, ok := scenarios.LookupPreset(*show)
		if !ok {
			return usageError("scenarios --show: no preset %q; presets are: %s", *show, strings.Join(scenarios.PresetNames(), ", "))
		}
		_, err := stdout.Write(p.Data)
		return err
	}
	presets := scenarios.Presets()
	width := 0
	for _, p := range presets {
		width = max(width, len(p.Name))
	}
	for _, p := range presets {
		fmt.Fprintf(stdout, "%-*s  %s\n", width, p.Name, wrap(p.Teaches, 76-width, width+2))
	}
	fmt.Fprintln(stdout, "\nRun one with `redress run NAME`; print it with `redress scenarios --show NAME`.")
	return nil
}

// wrap breaks text into lines of at most width characters, indenting
// continuation lines by indent spaces.
func wrap(text string, width, indent int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// cmdVersion prints the module version and the VCS revision of the
// build, as the Go toolchain recorded them.
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", "  redress version", stdout)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "redress (no build information)")
		return nil
	}
	rev, modified, when := "unknown", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		case "vcs.time":
			when = " " + s.Value
		}
	}
	fmt.Fprintf(stdout, "redress %s, revision %s%s%s, %s\n", info.Main.Version, rev, modified, when, info.GoVersion)
	return nil
}
