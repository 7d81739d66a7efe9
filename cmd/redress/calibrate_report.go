package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/calibrate"
	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/internal/report"
)

// fitJSON is fit.json. Numbers that do not exist (the standard error of
// a key the data do not identify, a J test without over-identifying
// moments) are null.
type fitJSON struct {
	Version            int          `json:"version"`
	Scenario           string       `json:"scenario"`
	ScenarioHash       string       `json:"scenario_hash"`
	Seed               uint64       `json:"seed"`
	Set                []string     `json:"set"`
	Data               string       `json:"data"`
	Customers          int          `json:"customers"`
	Episodes           int          `json:"episodes"`
	SimulatedCustomers int          `json:"simulated_customers"`
	SimulationRatio    float64      `json:"simulation_ratio"`
	Reps               int          `json:"reps"`
	Bootstrap          int          `json:"bootstrap"`
	Parameters         []fitParam   `json:"parameters"`
	Covariance         fitCov       `json:"covariance"`
	Moments            []fitMoment  `json:"moments"`
	NotMatched         []fitDropped `json:"not_matched"`
	Objective          float64      `json:"objective"`
	JTest              *fitJ        `json:"j_test"`
	Identification     fitIdent     `json:"identification"`
	Profiles           []fitProfile `json:"profiles"`
	Evaluations        int          `json:"evaluations"`
	SimulationRuns     int          `json:"simulation_runs"`
	Seconds            float64      `json:"seconds"`
}

type fitParam struct {
	Key         string   `json:"key"`
	Estimate    float64  `json:"estimate"`
	StdError    *float64 `json:"std_error"`
	Lo          float64  `json:"lo"`
	Hi          float64  `json:"hi"`
	Start       float64  `json:"start"`
	Status      string   `json:"status"`
	Sensitivity float64  `json:"sensitivity"`
}

type fitCov struct {
	Keys   []string    `json:"keys"`
	Matrix [][]float64 `json:"matrix"`
}

type fitMoment struct {
	Name      string  `json:"name"`
	Data      float64 `json:"data"`
	Simulated float64 `json:"simulated"`
	SE        float64 `json:"se"`
	N         int     `json:"n"`
}

type fitDropped struct {
	Name   string `json:"name"`
	N      int    `json:"n"`
	Reason string `json:"reason"`
}

type fitJ struct {
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	PValue    float64 `json:"p_value"`
}

type fitIdent struct {
	MomentRank      int                `json:"moment_rank"`
	SingularValues  []float64          `json:"singular_values"`
	ConditionNumber *float64           `json:"condition_number"`
	WeakestDir      map[string]float64 `json:"weakest_direction"`
	NotMoved        []string           `json:"not_moved"`
}

type fitProfile struct {
	Key       string     `json:"key"`
	Values    []float64  `json:"values"`
	Objective []*float64 `json:"objective"` // null where a moment is undefined

}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// fitFile assembles fit.json from the calibration.
func (st *calSettings) fitFile(res *calibrate.Result, cov [][]float64) *fitJSON {
	hash, _ := st.sc.Hash()
	f := &fitJSON{Version: 1, Scenario: st.sc.Name, ScenarioHash: hash, Seed: st.sc.Seed, Set: st.set, Data: st.dataDir,
		Customers: st.data.Customers.Len(), Episodes: st.data.Episodes.Len(), SimulatedCustomers: st.model.SimulatedCustomers(),
		SimulationRatio: st.s, Reps: st.reps, Bootstrap: st.bootstrap, Objective: res.Objective,
		Covariance:  fitCov{Keys: res.CovNames, Matrix: res.Cov},
		Evaluations: res.Evaluations, SimulationRuns: res.Evaluations * st.reps}
	if f.Set == nil {
		f.Set = []string{}
	}
	if f.Covariance.Keys == nil {
		f.Covariance = fitCov{Keys: []string{}, Matrix: [][]float64{}}
	}
	for _, e := range res.Estimates {
		f.Parameters = append(f.Parameters, fitParam{Key: e.Name, Estimate: e.Value, StdError: finiteOrNil(e.StdError),
			Lo: e.Lo, Hi: e.Hi, Start: e.Start, Status: string(e.Status), Sensitivity: e.Sensitivity})
	}
	for i, name := range st.names {
		f.Moments = append(f.Moments, fitMoment{Name: name, Data: st.values[i], Simulated: res.Simulated[i],
			SE: math.Sqrt(cov[i][i]), N: st.counts[i]})
	}
	f.NotMatched = []fitDropped{}
	for _, d := range st.dropped {
		f.NotMatched = append(f.NotMatched, fitDropped{Name: d.Name, N: d.N, Reason: d.Reason})
	}
	if !math.IsNaN(res.J.PValue) {
		f.JTest = &fitJ{Statistic: res.J.Stat, DF: res.J.DF, PValue: res.J.PValue}
	}
	id := res.Ident
	f.Identification = fitIdent{MomentRank: id.Rank, SingularValues: id.Singular, ConditionNumber: finiteOrNil(id.Condition),
		WeakestDir: id.Weakest, NotMoved: id.Unmoved}
	if f.Identification.NotMoved == nil {
		f.Identification.NotMoved = []string{}
	}
	for _, p := range res.Profiles {
		q := make([]*float64, len(p.Q))
		for i, x := range p.Q {
			q[i] = finiteOrNil(x)
		}
		f.Profiles = append(f.Profiles, fitProfile{Key: p.Name, Values: p.X, Objective: q})
	}
	return f
}

// calFileNames lists the files a calibration writes.
func calFileNames(f *fitJSON) []string {
	names := []string{"calibrated.toml", "fit.json", "fit.md", "moment-fit.png", "moment-fit.svg"}
	for _, p := range f.Profiles {
		names = append(names, "profile-"+p.Key+".png", "profile-"+p.Key+".svg")
	}
	return names
}

// writeCalibration writes every file of the calibration to st.out.
func writeCalibration(st *calSettings, f *fitJSON) error {
	if err := os.MkdirAll(st.out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(st.out, "fit.json"), append(js, '\n')); err != nil {
		return err
	}
	toml, err := calibratedTOML(st, f)
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(st.out, "calibrated.toml"), toml); err != nil {
		return err
	}
	var md strings.Builder
	printFit(&md, f, true)
	if err := outfile.WriteFile(filepath.Join(st.out, "fit.md"), []byte(md.String())); err != nil {
		return err
	}
	return calibrationPlots(st.out, f)
}

// calibratedTOML is the scenario with the estimates of the keys the
// data identify (at least weakly); the others keep the scenario's value.
func calibratedTOML(st *calSettings, f *fitJSON) ([]byte, error) {
	sc := *st.sc
	theta := make([]float64, len(f.Parameters))
	var kept []string
	for i, p := range f.Parameters {
		theta[i] = p.Estimate
		if p.Status == string(calibrate.NotIdentified) {
			if v, err := st.sc.Number(p.Key); err == nil {
				theta[i] = v
			}
			kept = append(kept, p.Key)
		}
	}
	cal, err := st.model.Scenario(theta)
	if err != nil {
		return nil, fmt.Errorf("calibrated scenario: %w", err)
	}
	if cal == nil {
		cal = &sc
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s calibrated by redress calibrate to %s (%d customers, %d episodes).\n", st.sc.Name, st.dataDir, f.Customers, f.Episodes)
	for _, p := range f.Parameters {
		if p.Status != string(calibrate.NotIdentified) {
			fmt.Fprintf(&b, "# %s = %s (SE %s, %s)\n", p.Key, g4(p.Estimate), seText(p.StdError), p.Status)
		}
	}
	if len(kept) > 0 {
		fmt.Fprintf(&b, "# Not identified by these data, kept at the scenario's value: %s.\n", strings.Join(kept, ", "))
	}
	fmt.Fprintf(&b, "# Parameter uncertainty: redress compare THIS.toml --uncertainty fit.json --draws 200\n\n")
	if err := cal.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func seText(se *float64) string {
	if se == nil {
		return "–"
	}
	return g4(*se)
}

// printFit writes the calibration report, as aligned text or Markdown.
func printFit(w io.Writer, f *fitJSON, md bool) {
	h := func(s string) string {
		if md {
			return "## " + s
		}
		return s
	}
	if md {
		fmt.Fprintf(w, "# redress calibrate: %s\n\n", f.Scenario)
	} else {
		fmt.Fprintf(w, "redress calibrate: %s\n", f.Scenario)
	}
	fmt.Fprintf(w, "Data %s: %s customers, %s episodes. Simulated: %s customers per evaluation (S = %.2f), seed %d, %s.\n",
		f.Data, num(float64(f.Customers), 0), num(float64(f.Episodes), 0), num(float64(f.SimulatedCustomers), 0), f.SimulationRatio,
		f.Seed, plural(f.Reps, "replication"))
	if len(f.Set) > 0 {
		fmt.Fprintf(w, "Fixed: %s.\n", strings.Join(f.Set, ", "))
	}
	fmt.Fprintf(w, "\n%s\n", h("Parameters"))
	fmt.Fprintf(w, "SE from the MSM sandwich with the simulation correction (1 + 1/S). Moves: how many standard errors\n"+
		"of the moments the key's whole range moves them; below 2, the data cannot tell its values apart.\n\n")
	grid(w, []string{"key", "estimate", "SE", "95% CI", "range", "moves", "status"}, fitParamRows(f), md)
	fmt.Fprintf(w, "\n%s\n", h("Moments"))
	fmt.Fprintf(w, "z = (data − simulated) / SE of the data moment.\n\n")
	grid(w, []string{"moment", "data", "simulated", "SE", "z", "n"}, fitMomentRows(f), md)
	if len(f.NotMatched) > 0 {
		fmt.Fprintf(w, "\nNot matched (too few records): ")
		var s []string
		for _, d := range f.NotMatched {
			s = append(s, d.Name+" ("+d.Reason+")")
		}
		fmt.Fprintln(w, strings.Join(s, "; ")+".")
	}
	fmt.Fprintf(w, "\n%s\n", h("Fit and identification"))
	printJ(w, f)
	printIdent(w, f)
}

func fitParamRows(f *fitJSON) [][]string {
	var rows [][]string
	for _, p := range f.Parameters {
		ci := "–"
		if p.StdError != nil && p.Status != string(calibrate.NotIdentified) {
			ci = g4(p.Estimate-1.959964*(*p.StdError)) + " – " + g4(p.Estimate+1.959964*(*p.StdError))
		}
		est := g4(p.Estimate)
		if p.Status == string(calibrate.NotIdentified) {
			est = "(" + g4(p.Estimate) + ")"
		}
		rows = append(rows, []string{p.Key, est, seText(p.StdError), ci, num64(p.Lo) + " – " + num64(p.Hi),
			strconv.FormatFloat(p.Sensitivity, 'f', 1, 64), p.Status})
	}
	return rows
}

func fitMomentRows(f *fitJSON) [][]string {
	var rows [][]string
	for _, m := range f.Moments {
		rows = append(rows, []string{m.Name, g4(m.Data), g4(m.Simulated), g4(m.SE),
			strconv.FormatFloat((m.Data-m.Simulated)/m.SE, 'f', 2, 64), strconv.Itoa(m.N)})
	}
	return rows
}

func printJ(w io.Writer, f *fitJSON) {
	if f.JTest == nil {
		fmt.Fprintf(w, "No over-identifying moments (as many independent moments as estimated keys): no J test.\n")
		return
	}
	verdict := "the model fits the moments as well as sampling error allows"
	if f.JTest.PValue < 0.05 {
		verdict = "the model cannot fit all the moments at once: read the largest |z| above"
	}
	fmt.Fprintf(w, "Hansen's J = %.2f on %d df, p = %.3f: %s.\n", f.JTest.Statistic, f.JTest.DF, f.JTest.PValue, verdict)
}

func printIdent(w io.Writer, f *fitJSON) {
	id := f.Identification
	if id.ConditionNumber != nil {
		fmt.Fprintf(w, "Scaled Jacobian: %d independent moments; singular values %s; condition number %.1f.\n",
			id.MomentRank, joinG4(id.SingularValues), *id.ConditionNumber)
		if len(id.WeakestDir) > 1 {
			fmt.Fprintf(w, "Least identified direction: %s.\n", weakest(f))
		}
	}
	var not []string
	for _, p := range f.Parameters {
		if p.Status == string(calibrate.NotIdentified) {
			not = append(not, p.Key)
		}
	}
	if len(not) > 0 {
		fmt.Fprintf(w, "Not identified by these moments (kept at the scenario's value in calibrated.toml): %s.\n"+
			"Data that would: a field experiment that varies what the key governs, or a survey of the customers who did not contact.\n",
			strings.Join(not, ", "))
	}
}

// weakest describes the least identified direction in the order of the
// parameters.
func weakest(f *fitJSON) string {
	var parts []string
	for _, p := range f.Parameters {
		if v, ok := f.Identification.WeakestDir[p.Key]; ok {
			parts = append(parts, fmt.Sprintf("%+.2f·%s", v, p.Key))
		}
	}
	return strings.Join(parts, " ")
}

func joinG4(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = g4(x)
	}
	return strings.Join(s, ", ")
}

// calibrationPlots draws the moment fit (each moment's gap between data
// and simulation in standard errors of the data moment, with ±1.96) and
// each key's objective profile.
func calibrationPlots(dir string, f *fitJSON) error {
	gap := report.BarPanel{Title: "an interval that misses 0 is a moment the model misses", Ref: new(float64)}
	for _, m := range f.Moments {
		z := (m.Data - m.Simulated) / m.SE
		gap.Bars = append(gap.Bars, report.Bar{Label: m.Name, Value: z, Lo: z - 1.959964, Hi: z + 1.959964})
	}
	if err := report.BarPanels(filepath.Join(dir, "moment-fit"),
		f.Scenario+" calibrated: (data − simulated at the estimate) / SE, per moment",
		[]report.BarPanel{gap}); err != nil {
		return err
	}
	for _, p := range f.Profiles {
		ref := f.Objective + 3.84
		s := report.Series{Label: "objective Q", X: p.Values}
		for _, q := range p.Objective {
			s.Y = append(s.Y, math.NaN())
			if q != nil {
				s.Y[len(s.Y)-1] = *q
			}
		}
		if err := report.LinePlot(filepath.Join(dir, "profile-"+p.Key), "profile of the objective in "+p.Key+" (others at the estimate; dashed: minimum + 3.84)",
			p.Key, "Q", []report.Series{s}, &ref); err != nil {
			return err
		}
	}
	return nil
}
