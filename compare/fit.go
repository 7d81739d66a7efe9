package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/calibrate"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
)

// Identification statuses of a calibrated parameter, as a fit file
// writes them.
const (
	Identified       = string(calibrate.Identified)
	WeaklyIdentified = string(calibrate.WeaklyIdentified)
	NotIdentified    = string(calibrate.NotIdentified)
)

// Bounds of a fit file, checked before anything of that size is
// allocated.
const (
	// MaxFitParameters is the most parameters a fit may have.
	MaxFitParameters = 200
	// MaxFitBytes is the largest fit file read.
	MaxFitBytes = 16 << 20
)

// FitParameter is one calibrated scenario key: its estimate with
// standard error (NaN when the fit has none), the range it was searched
// over, and whether the data identify it.
type FitParameter struct {
	Key      string
	Estimate float64
	StdError float64
	Lo, Hi   float64
	Status   string
}

// Fit is the part of a calibration's fit file that carries parameter
// uncertainty: the estimates, their ranges and identification, and the
// sampling covariance of the estimates.
type Fit struct {
	// Scenario and Seed are the scenario and seed the fit was made on.
	Scenario string
	Seed     uint64
	// Parameters are the calibrated keys in file order.
	Parameters []FitParameter
	// CovKeys are the keys Cov covers, in its row order: every
	// identified or weakly identified parameter, and possibly parameters
	// not identified that have a standard error.
	CovKeys []string
	Cov     *mat.SymDense
}

// Normal reports whether parameter i is drawn from the joint normal of
// the covariance (it is identified, at least weakly); the others are
// drawn uniformly on their range.
func (f *Fit) Normal(i int) bool { return f.Parameters[i].Status != NotIdentified }

// FitError is an invalid fit file: its name, the JSON path of the
// offending value (e.g. parameters[1].lo) and what is wrong.
type FitError struct {
	File, Path string
	Err        error
}

func (e *FitError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.File, e.Path, e.Err)
}

func (e *FitError) Unwrap() error { return e.Err }

// ReadFit reads and validates a fit file — version 1, as redress's
// calibration writes it — named name (for messages). Unknown fields,
// duplicate members and values of the wrong JSON kind are refused. Of the
// parameters, every key is named once, lo < hi and the estimate lies in
// [lo, hi] (one off by rounding is moved to the end), and a key
// identified at least weakly has a standard error. The covariance covers
// every key identified at least weakly (and perhaps keys not identified
// that have a standard error), and no key without one; it is symmetric,
// its diagonal is std_error² (within 1% of the standard error) and it is
// positive semi-definite. The other fields (moments, j_test,
// identification, profiles, counts and timings) are checked for their
// JSON kind only. Errors are *FitError.
func ReadFit(r io.Reader, name string) (*Fit, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFitBytes+1))
	if err != nil {
		return nil, &FitError{name, "", err}
	}
	if len(data) > MaxFitBytes {
		return nil, &FitError{name, "", fmt.Errorf("larger than %d MB", MaxFitBytes>>20)}
	}
	d := &fitDecoder{file: name}
	f, err := d.fit(data)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// fitDecoder decodes a fit file field by field so that every error
// names its JSON path.
type fitDecoder struct{ file string }

func (d *fitDecoder) errorf(path, format string, a ...any) error {
	return &FitError{d.file, path, fmt.Errorf(format, a...)}
}

// object splits a JSON object into its members, refusing duplicates and
// names outside allowed.
func (d *fitDecoder) object(raw []byte, path string, allowed ...string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, d.errorf(path, "%v", jsonErr(err))
	}
	if tok != json.Delim('{') {
		return nil, d.errorf(path, "want an object, got %s", kind(raw))
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, d.errorf(path, "%v", jsonErr(err))
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, d.errorf(join(path, key), "%v", jsonErr(err))
		}
		if !slices.Contains(allowed, key) {
			return nil, d.errorf(join(path, key), "unknown field (the fields are %s)", strings.Join(allowed, ", "))
		}
		if _, dup := out[key]; dup {
			return nil, d.errorf(join(path, key), "given twice")
		}
		out[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, d.errorf(path, "%v", jsonErr(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, d.errorf(path, "data after the object")
	}
	return out, nil
}

// array splits a JSON array into at most limit elements; it counts them
// before keeping any.
func (d *fitDecoder) array(raw []byte, path string, limit int) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, d.errorf(path, "%v", jsonErr(err))
	}
	if tok != json.Delim('[') {
		return nil, d.errorf(path, "want an array, got %s", kind(raw))
	}
	var out []json.RawMessage
	for dec.More() {
		if len(out) == limit {
			return nil, d.errorf(path, "more than %d elements", limit)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, d.errorf(fmt.Sprintf("%s[%d]", path, len(out)), "%v", jsonErr(err))
		}
		out = append(out, v)
	}
	return out, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kind names the JSON type of raw for messages.
func kind(raw []byte) string {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return "nothing"
	}
	switch s[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// jsonErr strips encoding/json's prefix from a syntax error.
func jsonErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("unexpected end of JSON")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// number decodes a finite number; null gives NaN when nullable.
func (d *fitDecoder) number(raw []byte, path string, nullable bool) (float64, error) {
	if kind(raw) == "null" && nullable {
		return math.NaN(), nil
	}
	if kind(raw) != "a number" {
		return 0, d.errorf(path, "want a number, got %s", kind(raw))
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil {
		return 0, d.errorf(path, "%v", jsonErr(err))
	}
	return x, nil
}

func (d *fitDecoder) str(raw []byte, path string) (string, error) {
	if kind(raw) != "a string" {
		return "", d.errorf(path, "want a string, got %s", kind(raw))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", d.errorf(path, "%v", jsonErr(err))
	}
	return s, nil
}

// fitFields are the top-level fields of a fit file, as redress's
// calibration writes it, with the JSON kinds each may take. ReadFit
// reads version, scenario, seed, parameters and covariance and checks
// only the kinds of the others.
var fitFields = []field{
	{"version", kindInt}, {"scenario", kindString}, {"scenario_hash", kindString}, {"seed", kindInt},
	{"set", kindArray | kindNull}, {"data", kindString}, {"customers", kindInt}, {"episodes", kindInt},
	{"simulated_customers", kindInt}, {"simulation_ratio", kindNumber | kindNull}, {"reps", kindInt},
	{"bootstrap", kindInt}, {"parameters", kindArray}, {"covariance", kindObject | kindNull},
	{"moments", kindArray | kindNull}, {"not_matched", kindArray | kindNull}, {"objective", kindNumber | kindNull},
	{"j_test", kindObject | kindNull}, {"identification", kindObject | kindNull}, {"profiles", kindArray | kindNull},
	{"evaluations", kindInt}, {"simulation_runs", kindInt}, {"seconds", kindNumber | kindNull},
}

// paramFields are the fields of a parameter of a fit file; start and
// sensitivity are checked but not read.
var paramFields = []field{
	{"key", kindString}, {"estimate", kindNumber}, {"std_error", kindNumber | kindNull}, {"lo", kindNumber},
	{"hi", kindNumber}, {"start", kindNumber | kindNull}, {"status", kindString}, {"sensitivity", kindNumber | kindNull},
}

// FitVersion is the version of the fit file format ReadFit reads.
const FitVersion = 1

// field is a JSON object member and the kinds its value may take.
type field struct {
	name  string
	kinds kinds
}

// kinds is a set of JSON value kinds; kindInt is a number without
// fraction or exponent that fits an int64 and is not negative.
type kinds uint8

const (
	kindString kinds = 1 << iota
	kindNumber
	kindInt
	kindArray
	kindObject
	kindNull
)

// names lists the names of fs.
func names(fs []field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// members splits the object raw into its members, refusing names not in
// fs and values of the wrong kind.
func (d *fitDecoder) members(raw []byte, path string, fs []field) (map[string]json.RawMessage, error) {
	obj, err := d.object(raw, path, names(fs)...)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if v, ok := obj[f.name]; ok {
			if err := d.check(v, join(path, f.name), f.kinds); err != nil {
				return nil, err
			}
		}
	}
	return obj, nil
}

// check reports whether raw is of one of the kinds ks.
func (d *fitDecoder) check(raw []byte, path string, ks kinds) error {
	k := kind(raw)
	var ok bool
	switch k {
	case "a string":
		ok = ks&kindString != 0
	case "a number":
		ok = ks&(kindNumber|kindInt) != 0
	case "an array":
		ok = ks&kindArray != 0
	case "an object":
		ok = ks&kindObject != 0
	case "null":
		ok = ks&kindNull != 0
	}
	if !ok {
		return d.errorf(path, "want %s, got %s", ks, k)
	}
	if k == "a number" && ks&kindNumber == 0 {
		var n uint64
		if err := json.Unmarshal(raw, &n); err != nil {
			return d.errorf(path, "want a non-negative integer, got %s", bytes.TrimSpace(raw))
		}
	}
	return nil
}

// String names the kinds for messages.
func (ks kinds) String() string {
	var s []string
	for _, k := range []struct {
		k    kinds
		name string
	}{{kindString, "a string"}, {kindNumber, "a number"}, {kindInt, "a non-negative integer"}, {kindArray, "an array"},
		{kindObject, "an object"}, {kindNull, "null"}} {
		if ks&k.k != 0 {
			s = append(s, k.name)
		}
	}
	return strings.Join(s, " or ")
}

// fit decodes and validates the whole file.
func (d *fitDecoder) fit(data []byte) (*Fit, error) {
	top, err := d.members(data, "", fitFields)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"version", "parameters"} {
		if _, ok := top[k]; !ok {
			return nil, d.errorf(k, "missing")
		}
	}
	var version uint64
	if err := json.Unmarshal(top["version"], &version); err != nil || version != FitVersion {
		return nil, d.errorf("version", "%s: this reader knows version %d only", bytes.TrimSpace(top["version"]), FitVersion)
	}
	f := &Fit{}
	if raw, ok := top["scenario"]; ok {
		if f.Scenario, err = d.str(raw, "scenario"); err != nil {
			return nil, err
		}
	}
	if raw, ok := top["seed"]; ok {
		if err := json.Unmarshal(raw, &f.Seed); err != nil {
			return nil, d.errorf("seed", "want a non-negative integer, got %s", bytes.TrimSpace(raw))
		}
	}
	if f.Parameters, err = d.parameters(top["parameters"]); err != nil {
		return nil, err
	}
	raw, ok := top["covariance"]
	if !ok || kind(raw) == "null" {
		raw = []byte(`{"keys": [], "matrix": []}`)
	}
	if err := d.covariance(f, raw); err != nil {
		return nil, err
	}
	return f, nil
}

// parameters decodes and checks the parameter list.
func (d *fitDecoder) parameters(raw []byte) ([]FitParameter, error) {
	elems, err := d.array(raw, "parameters", MaxFitParameters)
	if err != nil {
		return nil, err
	}
	if len(elems) == 0 {
		return nil, d.errorf("parameters", "no parameters")
	}
	ps := make([]FitParameter, len(elems))
	for i, e := range elems {
		if err := d.parameter(e, fmt.Sprintf("parameters[%d]", i), ps[:i], &ps[i]); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// parameter decodes and checks one parameter at path into p; before are
// the parameters before it.
func (d *fitDecoder) parameter(raw []byte, path string, before []FitParameter, p *FitParameter) error {
	obj, err := d.members(raw, path, paramFields)
	if err != nil {
		return err
	}
	for _, k := range []string{"key", "estimate", "lo", "hi", "status"} {
		if _, ok := obj[k]; !ok {
			return d.errorf(join(path, k), "missing")
		}
	}
	if p.Key, err = d.str(obj["key"], join(path, "key")); err != nil {
		return err
	}
	if strings.TrimSpace(p.Key) == "" {
		return d.errorf(join(path, "key"), "empty")
	}
	if j := slices.IndexFunc(before, func(q FitParameter) bool { return q.Key == p.Key }); j >= 0 {
		return d.errorf(join(path, "key"), "%q is also parameters[%d]", p.Key, j)
	}
	for _, n := range []struct {
		name string
		dst  *float64
	}{{"estimate", &p.Estimate}, {"lo", &p.Lo}, {"hi", &p.Hi}} {
		if *n.dst, err = d.number(obj[n.name], join(path, n.name), false); err != nil {
			return err
		}
	}
	if p.Status, err = d.str(obj["status"], join(path, "status")); err != nil {
		return err
	}
	if !slices.Contains([]string{Identified, WeaklyIdentified, NotIdentified}, p.Status) {
		return d.errorf(join(path, "status"), "%q: want %q, %q or %q", p.Status, Identified, WeaklyIdentified, NotIdentified)
	}
	p.StdError = math.NaN()
	if se, ok := obj["std_error"]; ok {
		if p.StdError, err = d.number(se, join(path, "std_error"), true); err != nil {
			return err
		}
	}
	switch {
	case p.StdError < 0:
		return d.errorf(join(path, "std_error"), "%v is negative", p.StdError)
	case math.IsNaN(p.StdError) && p.Status != NotIdentified:
		return d.errorf(join(path, "std_error"), "none for a key that is %s", p.Status)
	case !(p.Lo < p.Hi):
		return d.errorf(join(path, "lo"), "%v is not below hi %v", p.Lo, p.Hi)
	case math.IsInf(p.Hi-p.Lo, 0):
		return d.errorf(join(path, "hi"), "range [%v, %v] is too wide", p.Lo, p.Hi)
	case p.Estimate < p.Lo-estimateSlack*(p.Hi-p.Lo) || p.Estimate > p.Hi+estimateSlack*(p.Hi-p.Lo):
		return d.errorf(join(path, "estimate"), "%v is outside [lo, hi] = [%v, %v]", p.Estimate, p.Lo, p.Hi)
	}
	p.Estimate = math.Min(math.Max(p.Estimate, p.Lo), p.Hi)
	return nil
}

// estimateSlack is how far, as a share of the range, an estimate may lie
// outside its range and be taken as the nearest end: a calibration maps
// its unit box to the range as lo + u·(hi − lo), which at u = 1 may
// exceed hi by rounding.
const estimateSlack = 1e-9

// index returns the index of the parameter key, or −1.
func (f *Fit) index(key string) int {
	return slices.IndexFunc(f.Parameters, func(p FitParameter) bool { return p.Key == key })
}

// covariance decodes the covariance, checks that it covers the right
// keys, and that it is symmetric, matches the standard errors and is
// positive semi-definite.
func (d *fitDecoder) covariance(f *Fit, raw []byte) error {
	obj, err := d.members(raw, "covariance", []field{{"keys", kindArray | kindNull}, {"matrix", kindArray | kindNull}})
	if err != nil {
		return err
	}
	for _, k := range []string{"keys", "matrix"} {
		if _, ok := obj[k]; !ok {
			return d.errorf(join("covariance", k), "missing")
		}
	}
	if err := d.covKeys(f, obj["keys"]); err != nil {
		return err
	}
	n := len(f.CovKeys)
	rows, err := d.array(orEmpty(obj["matrix"]), "covariance.matrix", MaxFitParameters)
	if err != nil {
		return err
	}
	if len(rows) != n {
		return d.errorf("covariance.matrix", "%d rows for %d keys", len(rows), n)
	}
	if n == 0 {
		return nil
	}
	a := make([]float64, n*n)
	for i, row := range rows {
		path := fmt.Sprintf("covariance.matrix[%d]", i)
		cells, err := d.array(row, path, MaxFitParameters)
		if err != nil {
			return err
		}
		if len(cells) != n {
			return d.errorf(path, "%d columns for %d keys", len(cells), n)
		}
		for j, c := range cells {
			if a[i*n+j], err = d.number(c, fmt.Sprintf("%s[%d]", path, j), false); err != nil {
				return err
			}
		}
	}
	return d.checkCov(f, a, n)
}

// orEmpty reads JSON null as an empty array.
func orEmpty(raw []byte) []byte {
	if kind(raw) == "null" {
		return []byte("[]")
	}
	return raw
}

// covKeys decodes the covariance's keys into f.CovKeys: each a
// parameter with a standard error, given once, and every identified or
// weakly identified parameter among them.
func (d *fitDecoder) covKeys(f *Fit, raw []byte) error {
	elems, err := d.array(orEmpty(raw), "covariance.keys", MaxFitParameters)
	if err != nil {
		return err
	}
	for i, e := range elems {
		path := fmt.Sprintf("covariance.keys[%d]", i)
		k, err := d.str(e, path)
		if err != nil {
			return err
		}
		if slices.Contains(f.CovKeys, k) {
			return d.errorf(path, "%q given twice", k)
		}
		j := f.index(k)
		if j < 0 {
			return d.errorf(path, "%q is not among the parameters", k)
		}
		if math.IsNaN(f.Parameters[j].StdError) {
			return d.errorf(path, "%q has no std_error; the covariance covers only keys with a standard error", k)
		}
		f.CovKeys = append(f.CovKeys, k)
	}
	for i, p := range f.Parameters {
		if p.Status != NotIdentified && !slices.Contains(f.CovKeys, p.Key) {
			return d.errorf("covariance.keys", "lacks %q (parameters[%d] is %s)", p.Key, i, p.Status)
		}
	}
	return nil
}

// checkCov checks symmetry, the diagonal against the standard errors
// and positive semi-definiteness, and stores the matrix.
func (d *fitDecoder) checkCov(f *Fit, a []float64, n int) error {
	for i := range n {
		k := f.CovKeys[i]
		se := f.Parameters[f.index(k)].StdError
		v := a[i*n+i]
		path := fmt.Sprintf("covariance.matrix[%d][%d]", i, i)
		if v < 0 {
			return d.errorf(path, "variance %v is negative", v)
		}
		if math.Abs(math.Sqrt(v)-se) > 0.01*se+1e-300 {
			return d.errorf(path, "variance %v is not the square of %q's std_error %v", v, k, se)
		}
		for j := range i {
			x, y := a[i*n+j], a[j*n+i]
			if math.Abs(x-y) > 1e-9*math.Sqrt(a[i*n+i])*math.Sqrt(a[j*n+j])+1e-300 {
				return d.errorf(fmt.Sprintf("covariance.matrix[%d][%d]", i, j), "%v differs from [%d][%d] = %v: not symmetric", x, j, i, y)
			}
		}
	}
	cov := mat.NewSymDense(n, a)
	if _, err := cholesky(cov); err != nil {
		return d.errorf("covariance.matrix", "%v", err)
	}
	f.Cov = cov
	return nil
}

// cholesky returns a lower-triangular L with L·Lᵀ = Σ (+ δI). A
// positive semi-definite Σ that is singular to working precision (a
// zero standard error, perfectly correlated estimates) has no Cholesky
// factor; δ = 10⁻¹², 10⁻¹⁰, …, 10⁻⁶ times the mean variance is then
// added to its diagonal until one exists (jitter; Rasmussen & Williams
// 2006, §A.4). Σ is refused as not positive semi-definite when its
// smallest eigenvalue is below −10⁻⁸ times its largest.
func cholesky(cov *mat.SymDense) (*mat.TriDense, error) {
	n := cov.SymmetricDim()
	var ch mat.Cholesky
	if ch.Factorize(cov) {
		var l mat.TriDense
		ch.LTo(&l)
		return &l, nil
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, false) {
		return nil, errors.New("eigenvalues do not converge")
	}
	vals := eig.Values(nil)
	lmin, lmax := slices.Min(vals), slices.Max(vals)
	if lmin < -1e-8*math.Max(lmax, 0) || lmax < 0 {
		return nil, fmt.Errorf("not positive semi-definite (eigenvalues from %.3g to %.3g)", lmin, lmax)
	}
	mean := 0.0
	for i := range n {
		mean += cov.At(i, i) / float64(n)
	}
	if mean == 0 {
		mean = 1
	}
	for _, eps := range []float64{1e-12, 1e-10, 1e-8, 1e-6} {
		j := mat.NewSymDense(n, nil)
		j.CopySym(cov)
		for i := range n {
			j.SetSym(i, i, j.At(i, i)+eps*mean)
		}
		if ch.Factorize(j) {
			var l mat.TriDense
			ch.LTo(&l)
			return &l, nil
		}
	}
	return nil, fmt.Errorf("no Cholesky factor even with a jitter of 10⁻⁶ times the mean variance (eigenvalues from %.3g to %.3g)", lmin, lmax)
}

// Params checks the fit's keys against sc — each a numeric key of the
// scenario, which is valid at both ends of its range and with every key
// at its estimate — and returns them as simmodel parameters in fit order
// (Integer set for integer keys). An error names the key.
func (f *Fit) Params(sc *scenarios.Scenario) ([]simmodel.Param, error) {
	ps := make([]simmodel.Param, len(f.Parameters))
	for i, p := range f.Parameters {
		ps[i] = simmodel.Param{Key: p.Key, Lo: p.Lo, Hi: p.Hi}
		if _, err := simmodel.Resolve(sc, ps[i:i+1]); err != nil {
			var pe *simmodel.ParamError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("parameter %s (range [%v, %v]): %w", p.Key, p.Lo, p.Hi, err)
		}
	}
	ps, err := simmodel.Resolve(sc, ps)
	if err != nil {
		return nil, fmt.Errorf("parameters together: %w", err)
	}
	if _, err := simmodel.ScenarioAt(sc, ps, f.Estimates()); err != nil {
		return nil, fmt.Errorf("every parameter at its estimate: %w", err)
	}
	return ps, nil
}

// Estimates returns the parameters' estimates in fit order.
func (f *Fit) Estimates() []float64 {
	x := make([]float64, len(f.Parameters))
	for i, p := range f.Parameters {
		x[i] = p.Estimate
	}
	return x
}
