package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// InputError marks an error in what the caller gave a study — a
// configuration, a manifest, a replications file, a resume or merge
// request — as opposed to a failure while running one.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInputError reports whether err is, or wraps, an InputError.
func IsInputError(err error) bool {
	var e *InputError
	return errors.As(err, &e)
}

func inputErr(format string, a ...any) error { return &InputError{fmt.Errorf(format, a...)} }

// Limits on the size of a study, checked before anything runs. A study's
// memory does not grow with its replications (they are streamed to
// replications.csv, about 2 KB each, and summarised as they come), but
// its measures are kept per grid point, and replications.csv of a study
// at the limit already holds some 20 GB.
const (
	// MaxPoints is the largest number of grid points.
	MaxPoints = 10_000
	// MaxTasks is the largest number of replications over all points.
	MaxTasks = 10_000_000
)

// checkSize refuses a study of reps replications over the grid the
// sweeps span when it exceeds MaxPoints or MaxTasks, counting in
// floating point so that no product overflows.
func checkSize(reps int, sweeps []Sweep) error {
	pts := 1.0
	for _, s := range sweeps {
		pts *= float64(len(s.Values))
	}
	if pts > MaxPoints {
		return inputErr("the sweeps span %s grid points; at most %d", fmtCount(pts), MaxPoints)
	}
	if n := pts * float64(reps); n > MaxTasks {
		if pts == 1 {
			return inputErr("%d replications; at most %s (a precision target can stop a study once it is met)", reps, fmtCount(MaxTasks))
		}
		return inputErr("%d replications at each of %s grid points = %s; at most %s in all (a precision target can stop each point once it is met)",
			reps, fmtCount(pts), fmtCount(n), fmtCount(MaxTasks))
	}
	return nil
}

// fmtCount formats a count that may exceed any int.
func fmtCount(x float64) string {
	if x < 1e15 {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// validate checks a manifest read from disk before anything is planned
// from it.
func (m *Manifest) validate() error {
	if m.Reps < 1 {
		return inputErr("reps is %d; want ≥ 1", m.Reps)
	}
	if len(m.Pairs) == 0 {
		return inputErr("no (estimand, method) pairs")
	}
	if m.Shard != "" {
		if _, _, err := ParseShard(m.Shard); err != nil {
			return inputErr("%v", err)
		}
	}
	for _, s := range m.Sweeps {
		if s.Key == "" || len(s.Values) == 0 {
			return inputErr("a sweep without a key or values")
		}
	}
	for _, e := range m.External {
		if e.Name == "" || len(e.Command) == 0 || len(e.Estimands) == 0 {
			return inputErr("an external estimator without a name, a command or estimands")
		}
	}
	return checkSize(m.Reps, m.Sweeps)
}

// jsonError restates an encoding/json decoding error in the file's
// terms (the key and the kind of value), without Go type names.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		key := te.Field
		if key == "" {
			key = "the document"
		}
		return fmt.Errorf("%s: the value is a JSON %s; it must be %s", key, te.Value, jsonKind(te.Type))
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another kind of value"
}
