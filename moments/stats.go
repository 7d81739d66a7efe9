package moments

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// layout places the sufficient statistics — the sums every moment is a
// ratio of — in one vector, and defines the moments on it.
type layout struct {
	k     int // statistics
	scale int // survey scale
	// Indices: failures and contacts overall, per type, per severity.
	fail, contact, failType, contactType, failSev, contactSev int
	responded, scored, scoreSum, score, fcr, hoursN, hoursSum int
	// win and rep per repurchase group (groupContacted…).
	win, rep                                 int
	cust, churn, npsN, promoters, detractors int
	defs                                     []def
}

// Repurchase groups.
const (
	groupContacted = iota
	groupNotContacted
	groupResolved
	groupUnresolved
	groups
)

var groupNames = [groups]string{"contacted", "not_contacted", "resolved", "unresolved"}

var severityNames = [3]string{"low", "medium", "high"}

// def is a moment (Σa − Σb)/Σd on the statistics: num = a, sub = b (−1:
// none), den = d, unit what d counts.
type def struct {
	name          string
	num, sub, den int
	unit          string
}

// value returns the moment's value at the summed statistics tot.
func (d def) value(tot []float64) float64 {
	v := tot[d.num]
	if d.sub >= 0 {
		v -= tot[d.sub]
	}
	return v / tot[d.den]
}

// newLayout lays out the statistics of s's moments; withNPS adds nps.
func newLayout(s Spec, withNPS bool) layout {
	var l layout
	next := func(n int) int { i := l.k; l.k += n; return i }
	nt, scale := len(s.FailureTypes), s.scale()
	l.scale = scale
	l.fail, l.contact = next(1), next(1)
	l.failType, l.contactType = next(nt), next(nt)
	l.failSev, l.contactSev = next(3), next(3)
	l.responded, l.scored, l.scoreSum, l.score = next(1), next(1), next(1), next(scale-1)
	l.fcr, l.hoursN, l.hoursSum = next(1), next(1), next(1)
	l.win, l.rep = next(groups), next(groups)
	l.cust, l.churn = next(1), next(1)
	l.npsN, l.promoters, l.detractors = next(1), next(1), next(1)

	add := func(name string, num, sub, den int, unit string) {
		l.defs = append(l.defs, def{name, num, sub, den, unit})
	}
	add("contact_rate", l.contact, -1, l.fail, "failure episodes")
	for t, name := range s.FailureTypes {
		add("contact_rate["+name+"]", l.contactType+t, -1, l.failType+t, "failure episodes")
	}
	for c, name := range severityNames {
		add("contact_rate[severity="+name+"]", l.contactSev+c, -1, l.failSev+c, "failure episodes")
	}
	add("response_rate", l.responded, -1, l.contact, "contacted episodes")
	add("survey_mean", l.scoreSum, -1, l.scored, "survey answers")
	for k := 1; k < scale; k++ {
		add("survey_share["+strconv.Itoa(k)+"]", l.score+k-1, -1, l.scored, "survey answers")
	}
	add("fcr", l.fcr, -1, l.contact, "contacted episodes")
	add("response_hours_mean", l.hoursSum, -1, l.hoursN, "contacted episodes with response_hours")
	for g, name := range groupNames {
		add("repurchase["+name+"]", l.rep+g, -1, l.win+g, name+" episodes with a complete window")
	}
	add("churn_rate", l.churn, -1, l.cust, "customers")
	if withNPS {
		add("nps", l.promoters, l.detractors, l.npsN, "nps_score answers")
	}
	return l
}

// Episode flags.
const (
	fContacted uint8 = 1 << iota
	fResponded
	fResolved   // resolved = 1 (contacted episodes)
	fUnresolved // resolved = 0 (contacted episodes)
	fFCR
	fRepurchased
	fWindow
)

// episode is one episode's encoded values: all a moment reads.
type episode struct {
	hours  float64 // response_hours of a contacted episode; NaN: none
	ftype  int32
	sev    uint8
	flags  uint8
	survey int8  // survey_score; 0: none
	nps    int8  // nps_score; −1: none
	week   int32 // dense index of the week column's value; 0 without one
}

// prepared is the data encoded for counting: the episodes sorted by
// customer (customer i's are eps[off[i]:off[i+1]]) and each customer's
// churn.
type prepared struct {
	lay     layout
	eps     []episode
	off     []int32
	churned []bool
	hasNPS  bool
	// weeks is the number of distinct weeks of the episodes' week
	// column; 0 without one.
	weeks int
}

// add adds the statistics of one episode, w times, to tot.
func (l *layout) add(e *episode, w float64, tot []float64) {
	tot[l.fail] += w
	tot[l.failType+int(e.ftype)] += w
	tot[l.failSev+int(e.sev)] += w
	if e.flags&fContacted != 0 {
		tot[l.contact] += w
		tot[l.contactType+int(e.ftype)] += w
		tot[l.contactSev+int(e.sev)] += w
		if e.flags&fResponded != 0 {
			tot[l.responded] += w
		}
		if e.flags&fFCR != 0 {
			tot[l.fcr] += w
		}
		if !math.IsNaN(e.hours) {
			tot[l.hoursN] += w
			tot[l.hoursSum] += w * e.hours
		}
	}
	if e.survey > 0 {
		tot[l.scored] += w
		tot[l.scoreSum] += w * float64(e.survey)
		if k := int(e.survey); k < l.scale {
			tot[l.score+k-1] += w
		}
	}
	if e.nps >= 0 {
		tot[l.npsN] += w
		switch {
		case e.nps >= 9:
			tot[l.promoters] += w
		case e.nps <= 6:
			tot[l.detractors] += w
		}
	}
	if e.flags&fWindow != 0 {
		l.addGroup(e, w, tot)
	}
}

// addGroup adds an episode with a complete window to its repurchase
// groups.
func (l *layout) addGroup(e *episode, w float64, tot []float64) {
	g := [2]int{groupNotContacted, -1}
	if e.flags&fContacted != 0 {
		g[0] = groupContacted
		switch {
		case e.flags&fResolved != 0:
			g[1] = groupResolved
		case e.flags&fUnresolved != 0:
			g[1] = groupUnresolved
		}
	}
	rep := e.flags&fRepurchased != 0
	for _, gi := range g {
		if gi < 0 {
			continue
		}
		tot[l.win+gi] += w
		if rep {
			tot[l.rep+gi] += w
		}
	}
}

// weights are a resample's multiplicities, nil meaning one each: of
// each customer (their statistics and all their episodes), of each
// week's episodes, of each episode (in p.eps order), and, when stats is
// set, of each customer's own statistics (customers and churn) in place
// of customer.
type weights struct {
	customer, week, episode, stats []int32
}

// sums returns in tot (zeroed first) the statistics summed over
// customers, each counted as w says: the one counting code of Compute
// (w zero: every customer and episode once) and Bootstrap.
func (p *prepared) sums(w weights, tot []float64) []float64 {
	clear(tot)
	l := &p.lay
	for i, churned := range p.churned {
		wc := mult(w.customer, i)
		ws := wc
		if w.stats != nil {
			ws = float64(w.stats[i])
		}
		tot[l.cust] += ws
		if churned {
			tot[l.churn] += ws
		}
		if wc == 0 {
			continue
		}
		for j := int(p.off[i]); j < int(p.off[i+1]); j++ {
			e := &p.eps[j]
			if we := wc * mult(w.week, int(e.week)) * mult(w.episode, j); we > 0 {
				l.add(e, we, tot)
			}
		}
	}
	return tot
}

// mult returns m[i], or 1 when m is nil.
func mult(m []int32, i int) float64 {
	if m == nil {
		return 1
	}
	return float64(m[i])
}

// severityCode reads a severity category: 0, 1, 2 or low, medium, high.
func severityCode(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for c, name := range severityNames {
		if s == name || s == strconv.Itoa(c) {
			return c, true
		}
	}
	return 0, false
}

// failureCode reads a failure type: a code below n or one of names.
func failureCode(s string, names []string) (int, bool) {
	s = strings.TrimSpace(s)
	if k, err := strconv.Atoi(s); err == nil {
		return k, k >= 0 && k < len(names)
	}
	for k, name := range names {
		if strings.EqualFold(s, name) {
			return k, true
		}
	}
	return 0, false
}

// formatValue writes a cell's value for an error message.
func formatValue(x float64) string {
	if math.IsNaN(x) {
		return "a missing value"
	}
	return fmt.Sprintf("%q", strconv.FormatFloat(x, 'g', -1, 64))
}
