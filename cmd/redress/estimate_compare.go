package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/redress-sim/redress/estimate"
	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// compareMethods fits each of methods to t with the flags each reads and
// prints them side by side, as Stata's esttab does: one column per
// method, a row per outcome-equation term and treatment effect (the
// estimate with significance stars over its standard error in
// parentheses), then n, the log-likelihood and AIC where defined, R²,
// and with --bootstrap each method's replicates and how many failed.
//
// With --treatment the comparison is about a treatment: --selection is
// then the treatment equation (for treatreg) and no method takes it as a
// selection indicator, and ols, logit and probit get the treatment as a
// regressor. Without it, --selection is the selection equation of every
// method that reads one.
func compareMethods(w io.Writer, t *table.Table, s *estimateFlags, methods []estimate.Method) error {
	var results []*estimate.Result
	for _, m := range methods {
		sp := s.spec(m)
		mi, _ := m.Info()
		needsSel := slices.Contains(mi.Needs, estimate.NeedSelection)
		if !m.Reads(estimate.NeedSelection) || (s.treatment != "" && !needsSel) {
			sp.Selection, sp.DeselectMissing = "", false
		}
		if s.treatment != "" && !m.Reads(estimate.NeedTreatment) && !needsSel {
			sp.Outcome += " + " + s.treatment
		}
		if !m.Reads(estimate.NeedTreatment) {
			sp.Treatment = ""
		}
		if !m.Reads(estimate.NeedInstruments) {
			sp.Instruments = ""
		}
		if !m.Uses("vce") {
			sp.VCE = estimators.Classical
		}
		res, err := estimate.Fit(t, sp)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("%s on %s: %w", m, s.data, flagError(err))}
		}
		results = append(results, res)
	}
	switch s.format {
	case "json":
		var b bytes.Buffer
		b.WriteString("[")
		for i, r := range results {
			if i > 0 {
				b.WriteString(",\n")
			}
			j, err := resultJSON(r)
			if err != nil {
				return err
			}
			b.Write(j)
		}
		b.WriteString("]\n")
		_, err := w.Write(b.Bytes())
		return err
	case "latex":
		printLatexComparison(w, results)
	default:
		head, rows := comparisonRows(results)
		fmt.Fprintf(w, "Estimates side by side (data %s); standard errors in parentheses; * p < 0.05, ** p < 0.01, *** p < 0.001\n\n", s.data)
		grid(w, head, rows, s.format == "markdown")
	}
	return nil
}

// stars marks a p-value's significance.
func stars(p float64) string {
	switch {
	case p < 0.001:
		return "***"
	case p < 0.01:
		return "**"
	case p < 0.05:
		return "*"
	}
	return ""
}

// comparisonRows lays the results out: the header, then per term two
// rows (estimate with stars; SE in parentheses), then the statistics.
func comparisonRows(results []*estimate.Result) ([]string, [][]string) {
	head := []string{""}
	var terms []string
	for _, r := range results {
		head = append(head, r.Method)
		if eq, ok := r.Equation("outcome"); ok {
			for _, c := range eq.Coefs {
				if !slices.Contains(terms, c.Term) {
					terms = append(terms, c.Term)
				}
			}
		}
		for _, e := range r.Effects {
			if !slices.Contains(terms, e.Name) {
				terms = append(terms, e.Name)
			}
		}
	}
	var rows [][]string
	for _, term := range terms {
		est, se := []string{term}, []string{""}
		for _, r := range results {
			e, s := cellOf(r, term)
			est, se = append(est, e), append(se, s)
		}
		rows = append(rows, est, se)
	}
	return head, append(rows, statRows(results)...)
}

// statRows are the rows of statistics under the terms: n, the
// log-likelihood, AIC and R², and with a bootstrap the replicates of
// each method and how many failed (blank for a method without one).
func statRows(results []*estimate.Result) [][]string {
	var rows [][]string
	stat := func(name string, f func(*estimate.Result) string) {
		row := []string{name}
		for _, r := range results {
			row = append(row, f(r))
		}
		rows = append(rows, row)
	}
	stat("n", func(r *estimate.Result) string { return fmt.Sprint(r.N) })
	stat("log-likelihood", func(r *estimate.Result) string {
		if r.LogLik == nil {
			return ""
		}
		return fmt.Sprintf("%.2f", *r.LogLik)
	})
	stat("AIC", func(r *estimate.Result) string {
		if a, ok := r.AIC(); ok {
			return fmt.Sprintf("%.2f", a)
		}
		return ""
	})
	stat("R²", func(r *estimate.Result) string {
		if r.Fit == nil {
			return ""
		}
		return fmt.Sprintf("%.4f", r.Fit.R2)
	})
	if !slices.ContainsFunc(results, func(r *estimate.Result) bool { return r.Bootstrap != nil }) {
		return rows
	}
	boot := func(count func(*estimate.BootstrapInfo) int) func(*estimate.Result) string {
		return func(r *estimate.Result) string {
			if r.Bootstrap == nil {
				return ""
			}
			return fmt.Sprint(count(r.Bootstrap))
		}
	}
	stat("bootstrap replicates", boot(func(b *estimate.BootstrapInfo) int { return b.Replicates }))
	stat("failed replicates", boot(func(b *estimate.BootstrapInfo) int { return b.Failed }))
	return rows
}

// cellOf is the estimate (with stars) and the SE of term in r: an
// outcome-equation coefficient, or a treatment effect (normal p-value).
func cellOf(r *estimate.Result, term string) (string, string) {
	if eq, ok := r.Equation("outcome"); ok {
		if c, ok := eq.Coef(term); ok {
			return f4(c.Estimate) + stars(eq.PValue(c)), "(" + f4(c.StdError) + ")"
		}
	}
	for _, e := range r.Effects {
		if e.Name == term {
			if !e.HasSE {
				return f4(e.Estimate), ""
			}
			c := estimators.Coef{Estimate: e.Estimate, StdError: e.StdError}
			return f4(e.Estimate) + stars(c.PValue()), "(" + f4(e.StdError) + ")"
		}
	}
	return "", ""
}

// printLatexComparison writes the comparison as a booktabs table.
func printLatexComparison(w io.Writer, results []*estimate.Result) {
	head, rows := comparisonRows(results)
	esc := func(s string) string {
		r := strings.NewReplacer(`\`, `\textbackslash{}`, "_", `\_`, "&", `\&`, "%", `\%`, "#", `\#`, "$", `\$`, "{", `\{`, "}", `\}`, "^", `\^{}`, "~", `\~{}`,
			"***", "$^{***}$", "**", "$^{**}$", "R²", "$R^2$")
		return r.Replace(s)
	}
	fmt.Fprintf(w, "\\begin{tabular}{l%s}\n\\toprule\n", strings.Repeat("r", len(head)-1))
	line := func(cells []string) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = esc(c)
			if strings.HasSuffix(out[i], "*") && !strings.HasSuffix(out[i], "}$") {
				out[i] = strings.TrimSuffix(out[i], "*") + "$^{*}$"
			}
		}
		fmt.Fprintf(w, "%s \\\\\n", strings.Join(out, " & "))
	}
	line(head)
	fmt.Fprintln(w, "\\midrule")
	for _, r := range rows {
		if r[0] == "n" {
			fmt.Fprintln(w, "\\midrule")
		}
		line(r)
	}
	fmt.Fprintln(w, "\\bottomrule\n\\end{tabular}")
	fmt.Fprintln(w, "% standard errors in parentheses; * p < 0.05, ** p < 0.01, *** p < 0.001")
}
