package moments

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/table"
)

// maxScale is the largest survey scale redress has: Load, which does not
// know the scenario, checks scores against it.
const maxScale = 7

// prepare checks d's values and encodes them for counting. With full
// unset (Load, before the scenario is known) it skips the checks that
// need s — failure type names and codes, the survey scale — and returns
// no counts.
func prepare(d *Data, s Spec, full bool) (*prepared, error) {
	if d == nil || d.Episodes == nil || d.Customers == nil {
		return nil, errNoTable
	}
	epFile, custFile := d.epFile, d.custFile
	if epFile == "" {
		epFile = "episodes.csv"
	}
	if custFile == "" {
		custFile = "customers.csv"
	}
	scale := maxScale
	if full {
		if len(s.FailureTypes) == 0 {
			return nil, errors.New("moments: the spec names no failure types (SpecFor sets them from the scenario)")
		}
		scale = s.scale()
		if scale < 2 || scale > 100 {
			return nil, fmt.Errorf("moments: survey scale %d: want 2 to 100 points", scale)
		}
	}
	index, churned, err := readCustomers(d.Customers, custFile)
	if err != nil {
		return nil, err
	}
	r := &episodeReader{file: epFile, spec: s, full: full, scale: scale, index: index, custFile: custFile}
	eps, cust, err := r.read(d.Episodes)
	if err != nil {
		return nil, err
	}
	p := &prepared{churned: churned, hasNPS: d.Episodes.Has(colNPS), weeks: len(r.weekIndex)}
	if full {
		p.lay = newLayout(s, true)
	}
	p.eps, p.off = byCustomer(eps, cust, len(churned))
	return p, nil
}

// byCustomer sorts eps by customer (a counting sort, stable in file
// order) and returns them with the offsets of each customer's.
func byCustomer(eps []episode, cust []int32, n int) ([]episode, []int32) {
	off := make([]int32, n+1)
	for _, c := range cust {
		off[c+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	next := append([]int32(nil), off[:n]...)
	out := make([]episode, len(eps))
	for j, c := range cust {
		out[next[c]] = eps[j]
		next[c]++
	}
	return out, off
}

// idKeys are a column of customer ids: numbers, or text when either
// file's ids are text.
type idKeys struct {
	num []float64
	txt []string
}

func (k idKeys) key(i int) (string, bool) {
	if k.txt != nil {
		s := strings.TrimSpace(k.txt[i])
		return s, s != ""
	}
	x := k.num[i]
	return strconv.FormatFloat(x, 'g', -1, 64), !math.IsNaN(x)
}

func readIDs(t *table.Table, file string) (idKeys, error) {
	if t.IsText(colCustomer) {
		v, err := t.Text(colCustomer)
		return idKeys{txt: v}, err
	}
	v, err := column(t, file, colCustomer)
	return idKeys{num: v}, err
}

// readCustomers returns each customer id's row and the churn flags.
func readCustomers(t *table.Table, file string) (map[string]int32, []bool, error) {
	ids, err := readIDs(t, file)
	if err != nil {
		return nil, nil, err
	}
	ch, err := column(t, file, colChurned)
	if err != nil {
		return nil, nil, err
	}
	n := t.Len()
	if n > math.MaxInt32-1 {
		return nil, nil, fmt.Errorf("%s: %d customers: too many", file, n)
	}
	index := make(map[string]int32, n)
	churned := make([]bool, n)
	for i := range n {
		id, ok := ids.key(i)
		if !ok {
			return nil, nil, &ValueError{file, i + 1, colCustomer, "a missing value", "is not allowed"}
		}
		if _, dup := index[id]; dup {
			return nil, nil, &ValueError{file, i + 1, colCustomer, strconv.Quote(id), "appears twice"}
		}
		index[id] = int32(i)
		if churned[i], err = binary(ch[i], false, file, i, colChurned); err != nil {
			return nil, nil, err
		}
	}
	return index, churned, nil
}

// column returns a numeric column. A text column is an error naming the
// file, the first cell that is not a number, its row and the column.
func column(t *table.Table, file, name string) ([]float64, error) {
	if t.Has(name) && t.IsText(name) {
		txt, err := t.Text(name)
		if err != nil {
			return nil, err
		}
		for i, cell := range txt {
			if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err != nil && strings.TrimSpace(cell) != "" {
				return nil, &ValueError{file, i + 1, name, strconv.Quote(cell), "is not a number"}
			}
		}
	}
	v, err := t.Col(name)
	if err == nil {
		return v, nil
	}
	if _, ok := errors.AsType[*table.CSVError](err); ok {
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", file, err)
}

// binary reads a 0/1 cell; a missing one is allowed when optional.
func binary(x float64, optional bool, file string, i int, col string) (bool, error) {
	switch {
	case x == 1:
		return true, nil
	case x == 0 || optional && math.IsNaN(x):
		return false, nil
	}
	return false, &ValueError{file, i + 1, col, formatValue(x), "is not 0 or 1"}
}

// whole reports whether x is a whole number in [lo, hi].
func whole(x, lo, hi float64) bool { return x >= lo && x <= hi && x == math.Trunc(x) }

// episodeReader checks and encodes the episodes.
type episodeReader struct {
	file, custFile string
	spec           Spec
	full           bool
	scale          int
	index          map[string]int32

	ids                                             idKeys
	ftNum, sev, sevScore                            []float64
	ftTxt, sevTxt                                   []string
	contacted, responded, survey, resolved, contact []float64
	hours, rep, window, nps, week                   []float64
	weekIndex                                       map[float64]int32
}

// read returns the encoded episodes and each one's customer row.
func (r *episodeReader) read(t *table.Table) ([]episode, []int32, error) {
	if err := r.columns(t); err != nil {
		return nil, nil, err
	}
	n := t.Len()
	eps := make([]episode, n)
	cust := make([]int32, n)
	for i := range n {
		id, ok := r.ids.key(i)
		if !ok {
			return nil, nil, &ValueError{r.file, i + 1, colCustomer, "a missing value", "is not allowed"}
		}
		c, ok := r.index[id]
		if !ok {
			return nil, nil, &ValueError{r.file, i + 1, colCustomer, strconv.Quote(id), "is not a customer_id of " + r.custFile}
		}
		cust[i] = c
		if err := r.episode(i, &eps[i]); err != nil {
			return nil, nil, err
		}
		if err := r.weekOf(i, &eps[i]); err != nil {
			return nil, nil, err
		}
	}
	return eps, cust, nil
}

// columns fetches the episode columns.
func (r *episodeReader) columns(t *table.Table) error {
	var err error
	if r.ids, err = readIDs(t, r.file); err != nil {
		return err
	}
	if t.IsText(colFailureType) {
		r.ftTxt, err = t.Text(colFailureType)
	} else {
		r.ftNum, err = column(t, r.file, colFailureType)
	}
	if err != nil {
		return err
	}
	switch {
	case t.Has(colSeverity) && t.IsText(colSeverity):
		r.sevTxt, err = t.Text(colSeverity)
	case t.Has(colSeverity):
		r.sev, err = column(t, r.file, colSeverity)
	default:
		r.sevScore, err = column(t, r.file, colSeverityScore)
	}
	if err != nil {
		return err
	}
	for _, c := range []struct {
		dst  *[]float64
		name string
	}{{&r.contacted, colContacted}, {&r.responded, colResponded}, {&r.survey, colSurvey},
		{&r.resolved, colResolved}, {&r.contact, colContacts}, {&r.hours, colHours},
		{&r.rep, colRepurchased}, {&r.window, colWindow}} {
		if *c.dst, err = column(t, r.file, c.name); err != nil {
			return err
		}
	}
	if t.Has(colNPS) {
		if r.nps, err = column(t, r.file, colNPS); err != nil {
			return err
		}
	}
	if t.Has(colWeek) {
		r.week, err = column(t, r.file, colWeek)
		r.weekIndex = make(map[float64]int32)
	}
	return err
}

// weekOf encodes the week of row i as a dense index, in order of first
// appearance.
func (r *episodeReader) weekOf(i int, e *episode) error {
	if r.week == nil {
		return nil
	}
	x := r.week[i]
	if !whole(x, math.MinInt32, math.MaxInt32) {
		return &ValueError{r.file, i + 1, colWeek, formatValue(x), "is not a week (a whole number)"}
	}
	k, ok := r.weekIndex[x]
	if !ok {
		k = int32(len(r.weekIndex))
		r.weekIndex[x] = k
	}
	e.week = k
	return nil
}

// episode checks and encodes row i.
func (r *episodeReader) episode(i int, e *episode) error {
	var err error
	if err = r.failureType(i, e); err != nil {
		return err
	}
	if err = r.severity(i, e); err != nil {
		return err
	}
	bits := [...]struct {
		x        []float64
		name     string
		optional bool
		flag     uint8
	}{
		{r.contacted, colContacted, false, fContacted},
		{r.responded, colResponded, false, fResponded},
		{r.window, colWindow, false, fWindow},
	}
	for _, b := range bits {
		on, err := binary(b.x[i], b.optional, r.file, i, b.name)
		if err != nil {
			return err
		}
		if on {
			e.flags |= b.flag
		}
	}
	contacted := e.flags&fContacted != 0
	if err = r.recovery(i, e, contacted); err != nil {
		return err
	}
	if err = r.answers(i, e); err != nil {
		return err
	}
	rep, err := binary(r.rep[i], e.flags&fWindow == 0, r.file, i, colRepurchased)
	if err != nil {
		return err
	}
	if rep {
		e.flags |= fRepurchased
	}
	return nil
}

// failureType encodes the failure type: a code or a name.
func (r *episodeReader) failureType(i int, e *episode) error {
	names := r.spec.FailureTypes
	var text string
	if r.ftTxt != nil {
		text = strings.TrimSpace(r.ftTxt[i])
		if !r.full && text != "" {
			return nil
		}
		if k, ok := failureCode(text, names); ok {
			e.ftype = int32(k)
			return nil
		}
		text = strconv.Quote(text)
	} else {
		x := r.ftNum[i]
		hi := float64(len(names) - 1)
		if !r.full {
			hi = math.MaxInt32
		}
		if whole(x, 0, hi) {
			e.ftype = int32(x)
			if !r.full {
				e.ftype = 0
			}
			return nil
		}
		text = formatValue(x)
	}
	if text == `""` {
		text = "a missing value"
	}
	if !r.full {
		return &ValueError{r.file, i + 1, colFailureType, text, "is not a failure type code (a whole number ≥ 0) or name"}
	}
	return &ValueError{r.file, i + 1, colFailureType, text, fmt.Sprintf("is not a failure type: the scenario's are %s (codes 0–%d)",
		strings.Join(names, ", "), len(names)-1)}
}

// severity encodes the severity category.
func (r *episodeReader) severity(i int, e *episode) error {
	switch {
	case r.sevTxt != nil:
		c, ok := severityCode(r.sevTxt[i])
		if !ok {
			return &ValueError{r.file, i + 1, colSeverity, strconv.Quote(r.sevTxt[i]), "is not a severity category: 0, 1, 2 or low, medium, high"}
		}
		e.sev = uint8(c)
	case r.sev != nil:
		x := r.sev[i]
		if !whole(x, 0, 2) {
			return &ValueError{r.file, i + 1, colSeverity, formatValue(x), "is not a severity category: 0 low, 1 medium, 2 high"}
		}
		e.sev = uint8(x)
	default:
		x := r.sevScore[i]
		if !(x >= 0 && x <= 1) {
			return &ValueError{r.file, i + 1, colSeverityScore, formatValue(x), "is not a number in [0,1]"}
		}
		e.sev = uint8(policies.SeverityCategory(x, r.spec.SeverityCuts[:]))
	}
	return nil
}

// recovery encodes resolution, contacts and the response time.
func (r *episodeReader) recovery(i int, e *episode, contacted bool) error {
	e.hours = math.NaN()
	if !contacted {
		return nil
	}
	resolved, err := binary(r.resolved[i], false, r.file, i, colResolved)
	if err != nil {
		if math.IsNaN(r.resolved[i]) {
			err.(*ValueError).Reason = "is not allowed in a contacted episode"
		}
		return err
	}
	n := r.contact[i]
	if !whole(n, 0, math.MaxFloat64) {
		return &ValueError{r.file, i + 1, colContacts, formatValue(n), "is not a count (a whole number ≥ 0) in a contacted episode"}
	}
	e.flags |= fUnresolved
	if resolved {
		e.flags ^= fUnresolved | fResolved
		if n == 1 {
			e.flags |= fFCR
		}
	}
	if h := r.hours[i]; !math.IsNaN(h) {
		if h < 0 {
			return &ValueError{r.file, i + 1, colHours, formatValue(h), "is negative"}
		}
		e.hours = h
	}
	return nil
}

// answers encodes the survey score and the NPS answer.
func (r *episodeReader) answers(i int, e *episode) error {
	e.nps = -1
	if x := r.survey[i]; !math.IsNaN(x) {
		if !whole(x, 1, float64(r.scale)) {
			return &ValueError{r.file, i + 1, colSurvey, formatValue(x), fmt.Sprintf("is not a score 1–%d", r.scale)}
		}
		if e.flags&fResponded == 0 {
			return &ValueError{r.file, i + 1, colSurvey, formatValue(x), "is a score of an episode with responded = 0"}
		}
		e.survey = int8(x)
	}
	if r.nps == nil {
		return nil
	}
	if x := r.nps[i]; !math.IsNaN(x) {
		if !whole(x, 0, 10) {
			return &ValueError{r.file, i + 1, colNPS, formatValue(x), "is not a score 0–10"}
		}
		e.nps = int8(x)
	}
	return nil
}
