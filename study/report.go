package study

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/internal/outfile"
)

// writeOutputs writes summary.csv, summary.json, the plots and report.md.
func writeOutputs(dir string, res *Results, plot PlotFunc) error {
	if err := outfile.WriteFile(filepath.Join(dir, SummaryCSVFile), SummaryCSV(res)); err != nil {
		return err
	}
	js, err := SummaryJSON(res)
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, SummaryJSONFile), js); err != nil {
		return err
	}
	res.Plots, res.PlotError = nil, ""
	if plot != nil {
		// A plot that cannot be drawn (nothing finite to show, say) is
		// reported; the study's numbers and report are written anyway.
		if res.Plots, err = plot(dir, res); err != nil {
			res.PlotError = err.Error()
		}
	}
	return outfile.WriteFile(filepath.Join(dir, ReportFile), Report(res, res.Plots))
}

type namedMeasure struct {
	name string
	get  func(*Measures) Measure
}

var measureColumns = []namedMeasure{
	{"mean_estimate", func(m *Measures) Measure { return m.MeanEstimate }},
	{"bias", func(m *Measures) Measure { return m.Bias }},
	{"relative_bias", func(m *Measures) Measure { return m.RelBias }},
	{"empirical_sd", func(m *Measures) Measure { return m.EmpSD }},
	{"rmse", func(m *Measures) Measure { return m.RMSE }},
	{"model_se", func(m *Measures) Measure { return m.ModelSE }},
	{"se_sd_ratio", func(m *Measures) Measure { return m.SERatio }},
	{"coverage", func(m *Measures) Measure { return m.Coverage }},
	{"power", func(m *Measures) Measure { return m.Power }},
	{"failure_rate", func(m *Measures) Measure { return m.FailureRate }},
}

// SummaryCSV returns summary.csv: one row per point, estimand and method
// with each measure and its Monte Carlo SE (empty when undefined).
func SummaryCSV(res *Results) []byte {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	h := []string{"point"}
	for _, s := range res.Manifest.Sweeps {
		h = append(h, s.Key)
	}
	h = append(h, "estimand", "method", "reps", "ok", "failures", "true_value")
	for _, c := range measureColumns {
		h = append(h, c.name, c.name+"_mcse")
	}
	cw.Write(h)
	for i := range res.Summary {
		m := &res.Summary[i]
		rec := []string{strconv.Itoa(m.Point)}
		rec = append(rec, res.Points[m.Point].Values...)
		rec = append(rec, m.Estimand, m.Method, strconv.Itoa(m.Reps), strconv.Itoa(m.OK), strconv.Itoa(m.Failures), fmtF(m.MeanTruth))
		for _, c := range measureColumns {
			v := c.get(m)
			rec = append(rec, fmtF(v.Value), fmtF(v.MCSE))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return buf.Bytes()
}

type jsonPoint struct {
	Index  int               `json:"index"`
	Values map[string]string `json:"values"`
}

// SummaryJSON returns summary.json: {"study": manifest, "points": [...],
// "measures": [...]}, each measure as {"value": v, "mcse": s} (null when
// undefined).
func SummaryJSON(res *Results) ([]byte, error) {
	var pts []jsonPoint
	for _, p := range res.Points {
		v := map[string]string{}
		for k, s := range res.Manifest.Sweeps {
			v[s.Key] = p.Values[k]
		}
		pts = append(pts, jsonPoint{p.Index, v})
	}
	meas := res.Summary
	if meas == nil {
		meas = []Measures{}
	}
	out := struct {
		Study    Manifest    `json:"study"`
		Points   []jsonPoint `json:"points"`
		Measures []Measures  `json:"measures"`
	}{res.Manifest, pts, meas}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func num(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}

func withSE(m Measure, d int) string {
	if math.IsNaN(m.Value) {
		return "–"
	}
	if math.IsNaN(m.MCSE) {
		return num(m.Value, d)
	}
	return num(m.Value, d) + " (" + num(m.MCSE, d) + ")"
}

// PointLabel describes a grid point ("textbook.rho=0.3, population.size=500"),
// or "" without sweeps.
func PointLabel(m Manifest, p Point) string {
	var s []string
	for k, sw := range m.Sweeps {
		s = append(s, sw.Key+"="+p.Values[k])
	}
	return strings.Join(s, ", ")
}

// Table returns the header and cells of the results table of one point:
// each measure with its Monte Carlo SE in parentheses.
func Table(res *Results, point int) ([]string, [][]string) {
	head := []string{"estimand", "method", "truth", "mean est.", "bias (MCSE)", "rel. bias", "emp. SD", "RMSE", "model SE", "SE/SD", "coverage", "power", "failed"}
	var rows [][]string
	prev := ""
	for i := range res.Summary {
		m := &res.Summary[i]
		if m.Point != point {
			continue
		}
		name := m.Estimand
		if name == prev {
			name = ""
		}
		prev = m.Estimand
		rows = append(rows, []string{name, m.Method, num(m.MeanTruth, 4), withSE(m.MeanEstimate, 4), withSE(m.Bias, 4),
			withSE(m.RelBias, 3), withSE(m.EmpSD, 4), withSE(m.RMSE, 4), withSE(m.ModelSE, 4), withSE(m.SERatio, 3),
			withSE(m.Coverage, 3), withSE(m.Power, 3), fmt.Sprintf("%d/%d", m.Failures, m.Reps)})
	}
	return head, rows
}

func mdTable(b *strings.Builder, head []string, rows [][]string) {
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, r := range rows {
		fmt.Fprintf(b, "| %s |\n", strings.Join(r, " | "))
	}
}

// Report returns report.md, the study in the ADEMP structure of Morris,
// White & Crowther (2019): aims, data-generating mechanisms, estimands,
// methods, performance measures, then the results tables.
func Report(res *Results, plots []string) []byte {
	m := res.Manifest
	var b strings.Builder
	fmt.Fprintf(&b, "# Bias study: %s\n\n", m.Scenario)
	var ests []string
	seen := map[string]bool{}
	for _, p := range m.Pairs {
		if !seen[p.Estimand] {
			seen[p.Estimand] = true
			ests = append(ests, "`"+p.Estimand+"`")
		}
	}
	reportAims(&b, m, ests)
	reportMechanisms(&b, res)
	b.WriteString("\n\n## Estimands\n\n")
	for _, e := range ests {
		id := strings.Trim(e, "`")
		fmt.Fprintf(&b, "- %s: %s\n", e, m.Definitions[id])
	}
	b.WriteString("\nThe true value is computed in each replication from the simulated potential outcomes or set parameters; the tables show its mean.\n\n")
	reportMethods(&b, m)
	b.WriteString("## Performance measures\n\n")
	b.WriteString("Over the n replications where the estimator succeeded (Morris, White & Crowther 2019, Table 6), with Monte Carlo standard errors in parentheses:\n\n")
	b.WriteString("- mean estimate; bias = mean(θ̂ − θ), MCSE SD(θ̂ − θ)/√n; relative bias = bias / mean θ\n")
	b.WriteString("- empirical SD of θ̂ − θ (of θ̂ when the truth is fixed), MCSE SD/√(2(n − 1)); RMSE = √mean((θ̂ − θ)²), MCSE by the delta method from the MSE's\n")
	b.WriteString("- model SE = √mean(SE²), MCSE √(Var(SE²)/(4n·modelSE²)); SE/SD = model SE / empirical SD\n")
	b.WriteString("- coverage: share of 95% intervals containing θ; power: share excluding 0; MCSE √(p(1 − p)/n)\n")
	b.WriteString("- failed: replications where the estimator returned an error, a non-finite estimate or SE, over all replications\n\n")
	b.WriteString("## Results\n\n")
	for _, p := range res.Points {
		if lbl := PointLabel(m, p); lbl != "" {
			fmt.Fprintf(&b, "### Point %d: %s\n\n", p.Index, lbl)
		}
		head, rows := Table(res, p.Index)
		mdTable(&b, head, rows)
		b.WriteString("\n")
	}
	if res.PlotError != "" {
		fmt.Fprintf(&b, "Plots were not drawn: %s.\n\n", res.PlotError)
	}
	reportPlots(&b, plots)
	return []byte(b.String())
}

// reportAims writes the Aims section of report.md.
func reportAims(b *strings.Builder, m Manifest, ests []string) {
	var meths []string
	for _, e := range m.Estimators {
		meths = append(meths, "`"+e+"`")
	}
	for _, e := range m.External {
		meths = append(meths, "`"+e.Name+"`")
	}
	b.WriteString("## Aims\n\n")
	fmt.Fprintf(b, "To measure the bias, precision and 95%% interval coverage of %s as estimators of %s under the `%s` scenario",
		strings.Join(meths, ", "), strings.Join(ests, " and "), m.Scenario)
	if len(m.Sweeps) > 0 {
		var ks []string
		for _, s := range m.Sweeps {
			ks = append(ks, "`"+s.Key+"`")
		}
		fmt.Fprintf(b, ", and how they change with %s", strings.Join(ks, " and "))
	}
	b.WriteString(".")
}

// reportMechanisms writes the Data-generating mechanisms section.
func reportMechanisms(b *strings.Builder, res *Results) {
	m := res.Manifest
	b.WriteString("\n\n## Data-generating mechanisms\n\n")
	fmt.Fprintf(b, "The simulator's `%s` mode with these settings (scenario hash `%s`):\n\n", m.Mode, shortHash(m.ScenarioHash))
	for _, l := range m.Mechanism {
		fmt.Fprintf(b, "- `%s`\n", l)
	}
	b.WriteString("\n")
	if len(m.Sweeps) > 0 {
		b.WriteString("Swept keys (every combination is a grid point):\n\n")
		for _, s := range m.Sweeps {
			fmt.Fprintf(b, "- `%s` = %s\n", s.Key, strings.Join(s.Values, ", "))
		}
		fmt.Fprintf(b, "\n%d grid points. ", len(res.Points))
	}
	if m.Until != "" {
		fmt.Fprintf(b, "Each point ran until %s held for every estimand and method, checked every %d replications, at most %d: %s. ",
			untilText(m.Until), m.Batch, m.Reps, repsText(res))
		fmt.Fprintf(b, "Replication r draws independent random streams r under seed %d, and all grid points share replication indices (common random numbers across the grid).", m.Seed)
	} else {
		fmt.Fprintf(b, "%d replications per point; replication r draws independent random streams r under seed %d, and all grid points share replication indices (common random numbers across the grid).", m.Reps, m.Seed)
	}
	if m.Shard != "" {
		fmt.Fprintf(b, " This is shard %s (replications r with r mod n = i − 1); merge the shards with `redress merge`.", m.Shard)
	}
}

// reportMethods writes the Methods section.
func reportMethods(b *strings.Builder, m Manifest) {
	b.WriteString("## Methods\n\n")
	byMethod := map[string][]string{}
	for _, p := range m.Pairs {
		byMethod[p.Method] = append(byMethod[p.Method], "`"+p.Estimand+"`")
	}
	for _, e := range m.Estimators {
		if len(byMethod[e]) > 0 {
			fmt.Fprintf(b, "- `%s` for %s\n", e, strings.Join(byMethod[e], ", "))
		}
	}
	for _, e := range m.External {
		fmt.Fprintf(b, "- `%s` (external command `%s`) for %s\n", e.Name, commandText(e.Command), strings.Join(byMethod[e.Name], ", "))
	}
	b.WriteString("\nEach is run on the observed data of every replication (see docs/estimators.md")
	if len(m.External) > 0 {
		b.WriteString("; an external command gets them as CSV and prints its estimates as JSON, see docs/studies.md")
	}
	b.WriteString("). 95% intervals are estimate ± 1.96 × SE.\n\n")
}

// commandText shows a command's words, quoting those a shell would split.
func commandText(argv []string) string {
	var s []string
	for _, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		s = append(s, a)
	}
	return strings.Join(s, " ")
}

// reportPlots lists each plot once, as PNG.
func reportPlots(b *strings.Builder, plots []string) {
	if len(plots) > 0 {
		b.WriteString("## Plots\n\n")
		b.WriteString("Each plot is shown as PNG; an SVG of the same name sits beside it.\n\n")
		for _, p := range plots {
			if strings.HasSuffix(p, ".svg") {
				svgOnly := !slices.Contains(plots, strings.TrimSuffix(p, ".svg")+".png")
				if !svgOnly {
					continue
				}
			}
			fmt.Fprintf(b, "![%s](%s)\n\n", strings.TrimSuffix(p, ".png"), p)
		}
	}
}

// untilText is a precision target in words.
func untilText(u string) string {
	return "the Monte Carlo SE target " + strings.ReplaceAll(u, ",", " and ")
}

// repsText lists the replications each point ran.
func repsText(res *Results) string {
	var s []string
	for i, n := range res.PointReps() {
		s = append(s, fmt.Sprintf("point %d: %d", i, n))
	}
	return strings.Join(s, ", ")
}

// UntilSummary describes how many replications each point of a study
// with a precision target ran ("" for a fixed count).
func UntilSummary(res *Results) string {
	m := res.Manifest
	if m.Until == "" {
		return ""
	}
	return fmt.Sprintf("until %s (checked every %d, at most %d); replications %s", m.Until, m.Batch, m.Reps, repsText(res))
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
