package moments

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/redress-sim/redress/table"
)

// Data are a firm's records, or a simulated run's, in the import format
// (see the package documentation): Episodes with episodes.csv's columns,
// Customers with customers.csv's.
type Data struct {
	Episodes, Customers *table.Table

	// epFile and custFile name the tables in errors ("episodes.csv" and
	// "customers.csv" when empty).
	epFile, custFile string
}

// The import format's column names.
const (
	colCustomer      = "customer_id"
	colFailureType   = "failure_type"
	colSeverity      = "severity"
	colSeverityScore = "severity_score"
	colContacted     = "contacted"
	colResponded     = "responded"
	colSurvey        = "survey_score"
	colResolved      = "resolved"
	colContacts      = "contacts"
	colHours         = "response_hours"
	colRepurchased   = "repurchased"
	colWindow        = "window_complete"
	colNPS           = "nps_score"
	colWeek          = "week"
	colChurned       = "churned"
)

// episodeColumns are the columns of episodes.csv the format reads, the
// required ones first; customerColumns those of customers.csv.
var (
	episodeRequired = []string{colCustomer, colFailureType, colSeverity, colContacted, colResponded,
		colSurvey, colResolved, colContacts, colHours, colRepurchased, colWindow}
	episodeOptional = []string{colNPS, colSeverityScore, colWeek}
	customerColumns = []string{colCustomer, colChurned}
)

// Columns returns the import format's column names (the names a mapping
// may rename to): those of episodes.csv, then those of customers.csv
// that episodes.csv does not have.
func Columns() []string {
	out := slices.Concat(episodeRequired, episodeOptional)
	for _, c := range customerColumns {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// ParseMap parses column renamings, each "THEIRS=OURS": the firm's
// column THEIRS is read as the format's column OURS. It returns the
// mapping THEIRS → OURS. A spec without "=", with an empty side, a
// THEIRS given twice, two THEIRS for one OURS, or an OURS that is not a
// column of the format (Columns) is an error.
func ParseMap(specs []string) (map[string]string, error) {
	m := make(map[string]string, len(specs))
	for _, spec := range specs {
		theirs, ours, ok := strings.Cut(spec, "=")
		theirs, ours = strings.TrimSpace(theirs), strings.TrimSpace(ours)
		if !ok || theirs == "" || ours == "" {
			return nil, fmt.Errorf("column map %q: want THEIRS=OURS, such as was_contacted=contacted", spec)
		}
		if prev, dup := m[theirs]; dup {
			return nil, fmt.Errorf("column map %q: column %q is already mapped to %q", spec, theirs, prev)
		}
		m[theirs] = ours
	}
	if err := checkMap(m); err != nil {
		return nil, err
	}
	return m, nil
}

// checkMap checks that every OURS is a format column named by one THEIRS.
func checkMap(m map[string]string) error {
	known := Columns()
	by := make(map[string]string, len(m))
	for _, theirs := range sortedKeys(m) {
		ours := m[theirs]
		if !slices.Contains(known, ours) {
			return fmt.Errorf("column map %s=%s: %q is not a column of the import format (%s)",
				theirs, ours, ours, strings.Join(known, ", "))
		}
		if prev, dup := by[ours]; dup {
			return fmt.Errorf("column map: both %q and %q are mapped to %q", prev, theirs, ours)
		}
		by[ours] = theirs
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Load reads dir/episodes.csv and dir/customers.csv, only the format's
// columns (see the package documentation), renaming the firm's columns
// by mapping (THEIRS → OURS, as ParseMap returns; nil for none). A
// required column missing is an error naming the file and the column and
// listing the file's columns. The values are checked as far as they do
// not depend on the scenario (0/1 columns, counts, score ranges, that
// every episode's customer is in customers.csv); Compute checks the rest
// (failure type names, the survey scale).
func Load(dir string, mapping map[string]string) (*Data, error) {
	if err := checkMap(mapping); err != nil {
		return nil, err
	}
	d := &Data{epFile: filepath.Join(dir, "episodes.csv"), custFile: filepath.Join(dir, "customers.csv")}
	used := make(map[string]bool)
	var err error
	if d.Episodes, err = readFile(d.epFile, episodeRequired, episodeOptional, mapping, used); err != nil {
		return nil, err
	}
	if d.Customers, err = readFile(d.custFile, customerColumns, nil, mapping, used); err != nil {
		return nil, err
	}
	for _, theirs := range sortedKeys(mapping) {
		if !used[theirs] {
			return nil, fmt.Errorf("column map %s=%s: neither %s nor %s has a column %q",
				theirs, mapping[theirs], d.epFile, d.custFile, theirs)
		}
	}
	if _, err := prepare(d, Spec{}, false); err != nil {
		return nil, err
	}
	return d, nil
}

// readFile reads the format's columns of one file (required and
// optional, renamed by mapping), marking in used the firm's columns
// that were renamed.
func readFile(path string, required, optional []string, mapping map[string]string, used map[string]bool) (*table.Table, error) {
	want := slices.Concat(required, optional)
	var header []string
	keep := func(col string) bool {
		header = append(header, col)
		if ours, ok := mapping[col]; ok {
			return slices.Contains(want, ours)
		}
		return slices.Contains(want, col)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := table.ReadCSVColumns(f, path, ',', keep)
	if err != nil {
		return nil, err
	}
	out := new(table.Table)
	for _, ours := range want {
		src := ours
		for theirs, o := range mapping {
			if o == ours && t.Has(theirs) {
				src = theirs
				used[theirs] = true
			}
		}
		if !t.Has(src) {
			if slices.Contains(optional, ours) {
				continue
			}
			if ours == colSeverity && t.Has(colSeverityScore) {
				continue
			}
			return nil, missingColumn(path, ours, header)
		}
		if err := copyColumn(out, t, src, ours); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// missingColumn is the error for a required column a file lacks.
func missingColumn(path, col string, header []string) error {
	alt := ""
	if col == colSeverity {
		alt = " (or severity_score, a number in [0,1])"
	}
	return fmt.Errorf("%s has no column %q%s; its columns are %s; if the file calls it otherwise, map THEIRS=%s",
		path, col, alt, strings.Join(header, ", "), col)
}

// copyColumn adds t's column src to out as name.
func copyColumn(out, t *table.Table, src, name string) error {
	if t.IsText(src) {
		v, err := t.Text(src)
		if err != nil {
			return err
		}
		return out.AddText(name, v)
	}
	v, err := t.Col(src)
	if err != nil {
		return err
	}
	return out.Add(name, v)
}

// ValueError is the error for a value outside the import format: it
// names the file, the data row (1-based; the line is the row plus one
// for the header, in a file without blank lines or line breaks inside
// cells), the column and the value.
type ValueError struct {
	File   string
	Row    int
	Column string
	Value  string
	Reason string
}

// Error implements the error interface.
func (e *ValueError) Error() string {
	return fmt.Sprintf("%s: row %d (line %d), column %q: %s %s", e.File, e.Row, e.Row+1, e.Column, e.Value, e.Reason)
}

// errNoTable is returned for Data without a table.
var errNoTable = errors.New("moments: data without an episodes or a customers table")
