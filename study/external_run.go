package study

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
	"github.com/redress-sim/redress/truth"
)

// Bounds on what an external command's output may take.
const (
	maxExternalStdout = 4 << 20 // more is a failure
	maxExternalStderr = 4 << 10 // the last bytes are kept for the failure reason
)

// extRunner runs a study's external estimators.
type extRunner struct {
	exts    []External
	timeout time.Duration
	dir     string // private directory of the data files
}

// newExtRunner makes the private directory of the data files; close
// removes it.
func newExtRunner(exts []External, timeout time.Duration) (*extRunner, error) {
	if len(exts) == 0 {
		return nil, nil
	}
	if timeout <= 0 {
		timeout = DefaultExternalTimeout
	}
	dir, err := os.MkdirTemp("", "redress-external-")
	if err != nil {
		return nil, fmt.Errorf("external estimators: %w", err)
	}
	return &extRunner{exts: exts, timeout: timeout, dir: dir}, nil
}

func (x *extRunner) close() {
	if x != nil {
		os.RemoveAll(x.dir)
	}
}

// csvBytes returns the table as CSV, as episodes.csv holds it.
func csvBytes(t *table.Table) ([]byte, error) {
	var b bytes.Buffer
	err := t.WriteCSV(&b)
	return b.Bytes(), err
}

// run runs every external on data, the CSV of task tk's observed
// episodes, and returns one row per (estimand, external). A failure of
// a command is its rows' Err; only a cancelled ctx is an error.
func (x *extRunner) run(ctx context.Context, sc *scenarios.Scenario, tk task, data []byte, tf *truth.File) ([]Row, error) {
	path := filepath.Join(x.dir, fmt.Sprintf("point%d-rep%d.csv", tk.point, tk.rep))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, fmt.Errorf("external estimators: %w", err)
	}
	defer os.Remove(path)
	var rows []Row
	for _, e := range x.exts {
		vals, reason, err := x.runCommand(ctx, e, sc, tk, path, data)
		if err != nil {
			return nil, err
		}
		for _, est := range e.Estimands {
			tr, ok := tf.Get(est)
			if !ok {
				return nil, fmt.Errorf("truth has no estimand %q", est)
			}
			r := externalRow(vals, est, reason)
			r.Estimand, r.Method, r.Truth = est, e.Name, tr.Value
			if r.Err != nil { // the temporary directory's name is random: keep it out
				r.Err = errors.New(strings.ReplaceAll(r.Err.Error(), x.dir, "<tmp>"))
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// runCommand runs external e once and parses its output; reason says
// why it failed as a whole ("" when it did not).
func (x *extRunner) runCommand(ctx context.Context, e External, sc *scenarios.Scenario, tk task, path string, data []byte) (map[string]json.RawMessage, string, error) {
	file := usesFile(e.Command)
	env := externalEnv(e, sc, tk, path, file)
	var stdin []byte
	if !file {
		stdin = data
	}
	out, reason, err := execBounded(ctx, substitute(e.Command, path), env, stdin, x.timeout)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	vals, perr := parseExternal(out)
	if perr != nil {
		return nil, perr.Error(), nil
	}
	return vals, "", nil
}

// externalEnv returns the variables that tell a command which
// replication it estimates.
func externalEnv(e External, sc *scenarios.Scenario, tk task, path string, file bool) []string {
	if !file {
		path = ""
	}
	return []string{
		"REDRESS_METHOD=" + e.Name,
		"REDRESS_MODE=" + string(sc.Mode),
		"REDRESS_ESTIMANDS=" + strings.Join(e.Estimands, ","),
		"REDRESS_POINT=" + strconv.Itoa(tk.point),
		"REDRESS_REP=" + strconv.Itoa(tk.rep),
		"REDRESS_SEED=" + strconv.FormatUint(sc.Seed, 10),
		"REDRESS_REP_SEED=" + strconv.FormatUint(repSeed(sc.Seed, uint64(tk.rep)), 10),
		"REDRESS_DATA=" + path,
	}
}

// repSeed mixes a seed and a replication index (SplitMix64's finaliser)
// into an integer in [1, 2³¹), which every language's seeding accepts.
func repSeed(seed, rep uint64) uint64 {
	z := seed ^ (rep+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return z%(1<<31-1) + 1
}

// execBounded runs argv with the extra environment env and stdin (nil:
// none) for at most timeout, and returns its standard output. A failed
// run — a nonzero exit, a timeout, an output too long — is a reason
// with the end of its standard error; only a cancelled ctx is an error.
func execBounded(ctx context.Context, argv, env []string, stdin []byte, timeout time.Duration) ([]byte, string, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	stdout := &capBuffer{max: maxExternalStdout}
	stderr := &tailBuffer{max: maxExternalStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 2 * time.Second
	killGroup(cmd)
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	var reason string
	switch {
	case cctx.Err() != nil:
		reason = fmt.Sprintf("timed out after %s", timeout)
	case errors.Is(err, exec.ErrWaitDelay):
		reason = "the command exited, but a process it started kept its standard output or error open"
	case err != nil:
		reason = runFailure(argv[0], err)
	case stdout.over:
		reason = fmt.Sprintf("standard output longer than %d bytes", maxExternalStdout)
	}
	if reason != "" {
		if s := strings.TrimSpace(stderr.String()); s != "" {
			reason += "; stderr: " + s
		}
		return nil, reason, nil
	}
	return stdout.buf, "", nil
}

// runFailure describes why a command failed to run or finish.
func runFailure(name string, err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String() // "exit status 3", "signal: killed"
	}
	return fmt.Sprintf("cannot run %s: %v", name, err)
}

// capBuffer keeps the first max bytes written to it and notes more. (It
// has no ReadFrom, which would let io.Copy bypass the cap.)
type capBuffer struct {
	buf  []byte
	max  int
	over bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - len(b.buf); len(p) > room {
		b.over = true
		b.buf = append(b.buf, p[:max(room, 0)]...)
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
	cut bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.max:]...)
		b.cut = true
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	if b.cut {
		return "…" + strings.ToValidUTF8(string(b.buf), "")
	}
	return string(b.buf)
}

// parseExternal reads an external command's standard output, which must
// be one JSON object (white space around it is allowed, nothing else):
//
//	{"estimates": {
//	    "beta_x1":                   {"estimate": 0.98, "se": 0.06},
//	    "mean_satisfaction_given_x": {"estimate": 1.52},
//	    "ate_contact_outcome":       {"error": "did not converge"}
//	}}
//
// "se" is optional (without it the estimate counts towards bias and
// RMSE but not towards the model SE, coverage and power); "error" marks
// the estimand as failed, with that reason. Other keys are ignored. It
// returns each estimand's object, unparsed.
func parseExternal(out []byte) (map[string]json.RawMessage, error) {
	var doc struct {
		Estimates map[string]json.RawMessage `json:"estimates"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	err := dec.Decode(&doc)
	if err == nil && len(bytes.TrimSpace(out[dec.InputOffset():])) > 0 {
		err = errors.New("more than one JSON value")
	}
	if err != nil {
		return nil, fmt.Errorf("standard output is not the JSON expected (%v): %s", jsonError(err), snippet(out))
	}
	if doc.Estimates == nil {
		return nil, fmt.Errorf(`standard output has no "estimates" object: %s`, snippet(out))
	}
	return doc.Estimates, nil
}

// snippet quotes the start of a command's output for a failure reason.
func snippet(out []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(out), ""))
	if s == "" {
		return "(empty)"
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strconv.Quote(s)
}

// externalRow reads estimand est from a command's parsed output (failed
// as a whole with reason when reason is set).
func externalRow(vals map[string]json.RawMessage, est, reason string) Row {
	fail := func(format string, a ...any) Row {
		return Row{Estimate: math.NaN(), StdError: math.NaN(), Err: fmt.Errorf(format, a...)}
	}
	if reason != "" {
		return fail("%s", reason)
	}
	raw, ok := vals[est]
	if !ok {
		return fail("no estimate of %s in the output (it has: %s)", est, keys(vals))
	}
	var v struct {
		Estimate json.RawMessage `json:"estimate"`
		SE       json.RawMessage `json:"se"`
		Error    *string         `json:"error"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return fail("%s: %v", est, jsonError(err))
	}
	if v.Error != nil {
		return fail("%s", *v.Error)
	}
	x, err := finite(v.Estimate, "estimate")
	if err != nil {
		return fail("%s: %v", est, err)
	}
	if v.SE == nil {
		return Row{Estimate: x, StdError: math.NaN(), noSE: true}
	}
	se, err := finite(v.SE, "se")
	if err == nil && se < 0 {
		err = fmt.Errorf("se %g is negative", se)
	}
	if err != nil {
		return fail("%s: %v", est, err)
	}
	return Row{Estimate: x, StdError: se}
}

// finite reads a finite number (key: its name for the message).
func finite(raw json.RawMessage, key string) (float64, error) {
	if raw == nil {
		return 0, fmt.Errorf("no %q", key)
	}
	var x float64
	if s := bytes.TrimSpace(raw); bytes.Equal(s, []byte("null")) {
		return 0, fmt.Errorf("%q is null (leave it out when there is none)", key)
	}
	if err := json.Unmarshal(raw, &x); err != nil {
		return 0, fmt.Errorf("%q is %s, not a finite number", key, raw)
	}
	return x, nil
}

// keys lists a map's keys, sorted, or says there are none.
func keys(m map[string]json.RawMessage) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return "none"
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}
