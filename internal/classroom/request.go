package classroom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// request is a simulate or replicate request: a lesson, its slider
// values, the seed, the replication (simulate) and how many replications
// (replicate).
type request struct {
	Seed, Replication uint64
	Reps              int
	lesson            Lesson
	values            Values
}

// maxSeed is the largest seed: every integer up to it is exact in JSON.
const maxSeed = 1 << 53

// parseRequest reads a request from a JSON body (POST) or a query string
// (GET): {"lesson": "survey", "seed": 1, "replication": 0, "reps": 200,
// "params": {"rho": 0.6}} or ?lesson=survey&seed=1&rho=0.6.
func (s *Server) parseRequest(w http.ResponseWriter, r *http.Request) (*request, error) {
	var fields map[string]any
	switch r.Method {
	case http.MethodGet:
		fields = queryFields(r.URL.Query())
	case http.MethodPost:
		var err error
		if fields, err = readBody(w, r, s.lim.MaxBody); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("method %s: use GET with a query string or POST with a JSON body", r.Method)
	}
	return parseFields(fields, s.lim.MaxReps)
}

// readBody reads a JSON object of at most max bytes.
func readBody(w http.ResponseWriter, r *http.Request, max int64) (map[string]any, error) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, fmt.Errorf("the body is not a JSON object: %s", jsonMessage(err))
	}
	if dec.More() {
		return nil, errors.New("the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the body holds more than one JSON value")
	}
	return fields, nil
}

// jsonMessage is a JSON error without Go type names.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "a " + te.Value + " where an object belongs"
	}
	return err.Error()
}

// queryFields turns a query string into request fields: lesson, seed,
// replication and reps, the rest parameters.
func queryFields(q url.Values) map[string]any {
	fields := map[string]any{}
	params := map[string]any{}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "lesson", "seed", "replication", "reps":
			fields[k] = v
		default:
			params[k] = v
		}
	}
	if len(params) > 0 {
		fields["params"] = params
	}
	return fields
}

// parseFields checks the request's fields.
func parseFields(fields map[string]any, maxReps int) (*request, error) {
	var unknown []string
	for k := range fields {
		switch k {
		case "lesson", "seed", "replication", "reps", "params":
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown field %q; the fields are lesson, seed, replication, reps and params", unknown[0])
	}
	id, ok := fields["lesson"].(string)
	if !ok {
		return nil, fmt.Errorf("lesson: name a lesson: %s", lessonIDs())
	}
	l, ok := LessonByID(id)
	if !ok {
		return nil, fmt.Errorf("lesson: no lesson %q; the lessons are %s", id, lessonIDs())
	}
	req := &request{lesson: l, Reps: 1}
	for _, f := range []struct {
		name string
		dst  *uint64
		max  float64
	}{{"seed", &req.Seed, maxSeed}, {"replication", &req.Replication, maxSeed}} {
		if x, ok := fields[f.name]; ok {
			v, err := integer(x, 0, f.max)
			if err != nil {
				return nil, &ParamError{f.name, err.Error()}
			}
			*f.dst = uint64(v)
		}
	}
	if x, ok := fields["reps"]; ok {
		v, err := integer(x, 1, float64(maxReps))
		if err != nil {
			return nil, &ParamError{"reps", err.Error()}
		}
		req.Reps = int(v)
	}
	raw := map[string]any{}
	if p, ok := fields["params"]; ok {
		if raw, ok = p.(map[string]any); !ok {
			return nil, errors.New("params: an object of parameter values, e.g. {\"rho\": 0.6}")
		}
	}
	var err error
	req.values, err = l.Parse(raw)
	return req, err
}

// integer reads a whole number in [lo, hi].
func integer(x any, lo, hi float64) (float64, error) {
	f, err := number(x)
	if err != nil || f != math.Trunc(f) || f < lo || f > hi {
		return 0, fmt.Errorf("%v is not allowed: a whole number from %.0f to %.0f", x, lo, hi)
	}
	return f, nil
}

func lessonIDs() string {
	var ids []string
	for _, l := range Lessons() {
		ids = append(ids, l.ID)
	}
	return strings.Join(ids, ", ")
}
