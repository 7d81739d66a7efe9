// Package table is the one small column table redress uses for the
// simulator's output, CSV input and the estimators.
//
// A Table holds named columns of float64 values, all of the same length.
// Missing values are NaN. Columns are stored column-major, one []float64
// per column, which is the layout the estimators read.
package table

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrNoColumn is wrapped by the error Col returns for a column that does
// not exist.
var ErrNoColumn = errors.New("no such column")

// Table is a set of named columns of equal length: numbers (float64,
// missing values NaN) or text (missing values ""). A CSV column whose
// cells are not all numbers is read as text; it can be carried along
// (an id, a name) but not used as a number.
//
// The zero value is an empty table ready to use.
type Table struct {
	names []string
	cols  [][]float64 // nil for a text column
	text  [][]string  // nil for a numeric column
	// why[j] says, for a text column read from a CSV file, which cell made
	// it text: the error Col returns for it.
	why   map[int]*CSVError
	index map[string]int
	n     int
	// header, for a table of some of a CSV file's columns, is all of them:
	// the columns Col's error lists.
	header []string
}

// New returns a table holding the given columns, added in order with Add.
// It returns an error if the lengths of names and cols differ or if Add
// would fail for any column.
func New(names []string, cols [][]float64) (*Table, error) {
	if len(names) != len(cols) {
		return nil, fmt.Errorf("table: %d names for %d columns", len(names), len(cols))
	}
	t := &Table{}
	for i, name := range names {
		if err := t.Add(name, cols[i]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Names returns the column names in order. The returned slice is a copy.
func (t *Table) Names() []string {
	return append([]string(nil), t.names...)
}

// Len returns the number of rows.
func (t *Table) Len() int { return t.n }

// Width returns the number of columns.
func (t *Table) Width() int { return len(t.names) }

// Has reports whether the table has a column called name.
func (t *Table) Has(name string) bool {
	_, ok := t.index[name]
	return ok
}

// Col returns the column called name. The returned slice shares storage
// with the table: callers must not modify it.
//
// If there is no such column, the error wraps ErrNoColumn and lists the
// columns the table does have.
//
// A text column is an error wrapping ErrText: when the table was read
// from a CSV file, the *CSVError of the first cell that is not a number
// (it wraps ErrNotNumber too).
func (t *Table) Col(name string) ([]float64, error) {
	j, ok := t.index[name]
	if !ok {
		return nil, t.noColumn(name)
	}
	if t.cols[j] == nil && t.isText(j) {
		if e := t.why[j]; e != nil {
			return nil, e
		}
		return nil, fmt.Errorf("column %q: %w", name, ErrText)
	}
	return t.cols[j], nil
}

// ErrText is wrapped by the error Col returns for a text column.
var ErrText = errors.New("holds text, not numbers")

// IsText reports whether the column called name holds text.
func (t *Table) IsText(name string) bool {
	j, ok := t.index[name]
	return ok && t.isText(j)
}

// isText reports whether column j holds text (t.text is shorter than
// the columns when numeric columns were added after the last text one).
func (t *Table) isText(j int) bool {
	return j < len(t.text) && t.text[j] != nil
}

// Text returns the text column called name (missing values are ""). The
// returned slice shares storage with the table.
func (t *Table) Text(name string) ([]string, error) {
	j, ok := t.index[name]
	if !ok {
		return nil, t.noColumn(name)
	}
	if !t.IsText(name) {
		return nil, fmt.Errorf("column %q holds numbers, not text", name)
	}
	return t.text[j], nil
}

// AddText appends a text column, as Add appends a numeric one.
func (t *Table) AddText(name string, col []string) error {
	if err := t.add(name, len(col)); err != nil {
		return err
	}
	t.cols = append(t.cols, nil)
	t.setText(len(t.names)-1, col)
	return nil
}

// setText makes column j the text column col.
func (t *Table) setText(j int, col []string) {
	for len(t.text) < len(t.names) {
		t.text = append(t.text, nil)
	}
	t.text[j] = col
}

// noColumn is the error for a column the table lacks, listing the
// columns it has or, when read from some of a file's columns, the file's.
func (t *Table) noColumn(name string) error {
	names := t.names
	if t.header != nil { // the file's columns, then any added since
		names = append([]string(nil), t.header...)
		for _, s := range t.names {
			if !slices.Contains(t.header, s) {
				names = append(names, s)
			}
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%w %q (the table has no columns)", ErrNoColumn, name)
	}
	q := make([]string, len(names))
	for i, s := range names {
		q[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Errorf("%w %q (columns: %s)", ErrNoColumn, name, strings.Join(q, ", "))
}

// Add appends a column called name. The table keeps col: the caller must
// not modify it afterwards. The first column added sets the table's
// length; every later column must have the same length. Add returns an
// error if name is empty, if the table already has a column called name,
// or if the length is wrong.
func (t *Table) Add(name string, col []float64) error {
	if err := t.add(name, len(col)); err != nil {
		return err
	}
	if col == nil {
		col = []float64{}
	}
	t.cols = append(t.cols, col)
	return nil
}

// add registers a column of n rows called name.
func (t *Table) add(name string, n int) error {
	if name == "" {
		return errors.New("table: empty column name")
	}
	if j, ok := t.index[name]; ok {
		return fmt.Errorf("table: duplicate column %q (column %d)", name, j+1)
	}
	if len(t.names) > 0 && n != t.n {
		return fmt.Errorf("table: column %q has %d rows, want %d", name, n, t.n)
	}
	if t.index == nil {
		t.index = make(map[string]int)
	}
	if len(t.names) == 0 {
		t.n = n
	}
	t.index[name] = len(t.names)
	t.names = append(t.names, name)
	return nil
}

// Select returns a new table holding the rows i for which keep[i] is
// true, in order. The new table's columns are copies. Select panics if
// len(keep) != t.Len().
func (t *Table) Select(keep []bool) *Table {
	if len(keep) != t.n {
		panic(fmt.Sprintf("table: Select with %d flags for %d rows", len(keep), t.n))
	}
	rows := make([]int, 0, t.n)
	for i, k := range keep {
		if k {
			rows = append(rows, i)
		}
	}
	return t.Rows(rows)
}

// Rows returns a new table holding the given rows, in the given order;
// a row may appear more than once (as in a bootstrap resample). The new
// table's columns are copies. Rows panics if an index is out of range.
func (t *Table) Rows(rows []int) *Table {
	out := &Table{
		names: append([]string(nil), t.names...),
		cols:  make([][]float64, len(t.cols)),
		index: make(map[string]int, len(t.names)),
		n:     len(rows),
	}
	for i, name := range t.names {
		out.index[name] = i
	}
	for _, r := range rows {
		if r < 0 || r >= t.n {
			panic(fmt.Sprintf("table: row %d out of range [0,%d)", r, t.n))
		}
	}
	for j, src := range t.cols {
		if src == nil { // text
			dst := make([]string, len(rows))
			for i, r := range rows {
				dst[i] = t.text[j][r]
			}
			out.setText(j, dst)
			continue
		}
		dst := make([]float64, len(rows))
		for i, r := range rows {
			dst[i] = src[r]
		}
		out.cols[j] = dst
	}
	out.why = t.why
	out.header = t.header
	return out
}

// Complete returns, for each row, whether none of the given columns is
// missing (NaN, or "" in a text column) in it. If cols is empty, every
// column is checked. It returns an error if a column does not exist.
func (t *Table) Complete(cols []string) ([]bool, error) {
	if len(cols) == 0 {
		cols = t.names
	}
	ok := make([]bool, t.n)
	for i := range ok {
		ok[i] = true
	}
	for _, name := range cols {
		if t.IsText(name) {
			tc, _ := t.Text(name)
			for i, v := range tc {
				if v == "" {
					ok[i] = false
				}
			}
			continue
		}
		c, err := t.Col(name)
		if err != nil {
			return nil, err
		}
		for i, v := range c {
			if math.IsNaN(v) {
				ok[i] = false
			}
		}
	}
	return ok, nil
}

// DropMissing returns a new table without the rows that have a missing
// value (NaN) in any of the given columns (listwise deletion), and the
// number of rows dropped. If cols is empty, every column is checked. It
// returns an error if a column does not exist.
func (t *Table) DropMissing(cols []string) (*Table, int, error) {
	keep, err := t.Complete(cols)
	if err != nil {
		return nil, 0, err
	}
	out := t.Select(keep)
	return out, t.n - out.n, nil
}
