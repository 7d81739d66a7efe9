package classroom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/redress-sim/redress/estimate"
	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// estimate fits an estimator to a CSV sent in the body:
// {"csv": "y,x\n…", "method": "ols", "outcome": "y ~ x", "selection": …,
// "treatment": …, "instruments": …, "robust": false}. It answers the
// estimator's result (SPEC §11's JSON) and the rows dropped.
func (s *Server) estimate(w http.ResponseWriter, r *http.Request) {
	fields, err := readBody(w, r, s.lim.MaxBody)
	if err != nil {
		requestError(w, err)
		return
	}
	spec, data, err := estimateSpec(fields)
	if err != nil {
		requestError(w, err)
		return
	}
	tab, err := table.ReadCSV(strings.NewReader(data), "csv")
	if err != nil {
		requestError(w, err)
		return
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.answerAcquire(w, err)
		return
	}
	defer release()
	res, err := fitWithin(r.Context(), tab, spec)
	if err != nil {
		requestError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": res.Result, "dropped": res.Dropped})
}

// fitWithin fits, unless ctx is already done.
func fitWithin(ctx context.Context, tab *table.Table, spec estimate.Spec) (*estimate.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return estimate.Fit(tab, spec)
}

// estimateSpec reads the fields of an estimate request.
func estimateSpec(fields map[string]any) (estimate.Spec, string, error) {
	str := func(k string) (string, error) {
		x, ok := fields[k]
		if !ok {
			return "", nil
		}
		s, ok := x.(string)
		if !ok {
			return "", fmt.Errorf("%s: a string", k)
		}
		return s, nil
	}
	var spec estimate.Spec
	var vals [6]string
	for i, k := range []string{"csv", "method", "outcome", "selection", "treatment", "instruments"} {
		v, err := str(k)
		if err != nil {
			return spec, "", err
		}
		vals[i] = v
	}
	for k := range fields {
		switch k {
		case "csv", "method", "outcome", "selection", "treatment", "instruments", "robust":
		default:
			return spec, "", fmt.Errorf("unknown field %q; the fields are csv, method, outcome, selection, treatment, instruments and robust", k)
		}
	}
	if vals[0] == "" || vals[1] == "" || vals[2] == "" {
		return spec, "", errors.New("csv, method and outcome are required")
	}
	m, err := estimate.ParseMethod(vals[1])
	if err != nil {
		return spec, "", err
	}
	spec = estimate.Spec{Method: m, Outcome: vals[2], Selection: vals[3], Treatment: vals[4], Instruments: vals[5]}
	if rb, ok := fields["robust"]; ok {
		b, isBool := rb.(bool)
		if !isBool {
			return spec, "", errors.New("robust: true or false")
		}
		if b {
			spec.VCE = estimators.HC1
		}
	}
	return spec, vals[0], nil
}
