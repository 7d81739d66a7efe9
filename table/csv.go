package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Errors wrapped by CSVError. Use errors.Is to tell them apart.
var (
	ErrNotNumber = errors.New("is not a number")
	ErrNotFinite = errors.New("is not a finite number")
	ErrRagged    = errors.New("wrong number of fields")
	ErrHeader    = errors.New("bad header")
)

// CSVError is the error ReadCSV returns for input it cannot read. It
// names the file, the place and, for a bad cell, the column and the text.
//
// Its message reads, for example,
//
//	data.csv: line 17 (row 16), column "age": "abc" is not a number
type CSVError struct {
	File   string // name given to ReadCSV; may be empty
	Line   int    // 1-based line of the input; 0 when unknown
	Row    int    // 1-based data row, the header not counted; 0 for the header
	Column string // column name, when the error is about one cell
	Text   string // the offending cell text, when the error is about one cell
	Err    error  // what is wrong
}

// Error implements the error interface.
func (e *CSVError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Row > 0 {
			fmt.Fprintf(&b, " (row %d)", e.Row)
		}
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	if e.Line > 0 || e.Column != "" {
		b.WriteString(": ")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%q ", e.Text)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns e.Err.
func (e *CSVError) Unwrap() error { return e.Err }

// ReadCSVFile reads the CSV file at path with ReadCSV, naming the file
// by path in errors.
func ReadCSVFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f, path)
}

// ReadCSV reads a comma-separated table from r. The name is used only in
// error messages, typically the file name.
//
// The first record is the header: it must name every column, without
// duplicates or control characters (line breaks, tabs). Surrounding
// spaces are trimmed from names and cells, and a leading UTF-8 byte
// order mark is ignored. A cell is a number as strconv.ParseFloat reads
// it, TRUE or FALSE (any case; read as 1 and 0), or missing: empty, "NA",
// "NaN" (any case) and "." (Stata's missing) read as NaN. A column with
// any other cell is a text column (its cells kept as text, its earlier
// numeric cells written back in their shortest form, missing ones as
// ""): it can be carried along but not used as a number, and Col reports
// the cell that made it text. Infinite values are an error. Every record
// must have as many fields as the header.
//
// As encoding/csv does, ReadCSV skips blank lines; in a one-column table
// write a missing value as NA (WriteCSV does) or "" rather than as an
// empty line.
//
// ReadCSV reads the input as a stream, holding only the parsed numbers
// and the text columns' cells.
// Errors about the content are *CSVError values.
func ReadCSV(r io.Reader, name string) (*Table, error) {
	return ReadCSVSep(r, name, ',')
}

// ReadCSVSep is ReadCSV with the field separator sep: ',' (ReadCSV), ';'
// (spreadsheets where the comma is the decimal mark), '\t' or another
// character that is not a quote, a line break or the Unicode
// replacement character. It is ReadCSVColumns keeping every column: the
// input is parsed in parallel blocks.
func ReadCSVSep(r io.Reader, name string, sep rune) (*Table, error) {
	return ReadCSVColumns(r, name, sep, nil)
}

// validSep reports whether sep can separate fields.
func validSep(sep rune) bool {
	return sep != '"' && sep != '\r' && sep != '\n' && sep != utf8.RuneError && utf8.ValidRune(sep)
}

// dropBOM skips a leading UTF-8 byte order mark.
func dropBOM(br *bufio.Reader) {
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
}

// readSequential reads the table from br (its byte order mark already
// skipped) one record at a time with encoding/csv.
func readSequential(br io.Reader, name string, sep rune, keep func(string) bool) (*Table, error) {
	cr := newCSVReader(br, sep)
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{File: name, Err: fmt.Errorf("%w: no header row (the input is empty)", ErrHeader)}
	}
	if err != nil {
		return nil, csvReadError(name, 0, 0, err)
	}
	b, err := newBuilder(name, rec, func(j int) int { l, _ := cr.FieldPos(j); return l }, keep)
	if err != nil {
		return nil, err
	}
	if err := b.readRecords(cr, 0); err != nil {
		return nil, err
	}
	return b.table(), nil
}

// newCSVReader returns the encoding/csv reader ReadCSV uses.
func newCSVReader(r io.Reader, sep rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// builder collects the kept columns of a CSV table, record by record or
// block by block.
type builder struct {
	file  string
	names []string // the header
	keep  []int    // the header indices of the kept columns
	t     *Table
	text  [][]string // per kept column, its cells once it holds text
	row   int        // data rows read
	// floats holds *[]float64 block columns for reuse.
	floats sync.Pool
}

// newBuilder checks the header rec (line gives the line of field j) and
// returns a builder of the columns keep accepts (all when keep is nil).
func newBuilder(file string, rec []string, line func(j int) int, keep func(string) bool) (*builder, error) {
	names := make([]string, len(rec))
	seen := make(map[string]int, len(rec))
	for j, s := range rec {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, &CSVError{File: file, Line: line(j), Err: fmt.Errorf("%w: column %d has no name", ErrHeader, j+1)}
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return nil, &CSVError{File: file, Line: line(j), Err: fmt.Errorf("%w: column %d's name %q holds a line break or another control character", ErrHeader, j+1, s)}
		}
		if k, ok := seen[s]; ok {
			return nil, &CSVError{File: file, Line: line(j), Err: fmt.Errorf("%w: columns %d and %d are both called %q", ErrHeader, k+1, j+1, s)}
		}
		seen[s] = j
		names[j] = s
	}
	b := &builder{file: file, names: names, t: &Table{index: map[string]int{}}}
	for j, s := range names {
		if keep == nil || keep(s) {
			b.t.index[s] = len(b.keep)
			b.t.names = append(b.t.names, s)
			b.keep = append(b.keep, j)
		}
	}
	if len(b.keep) < len(names) {
		b.t.header = names
	}
	b.t.cols = make([][]float64, len(b.keep))
	b.text = make([][]string, len(b.keep))
	return b, nil
}

// readRecords reads the data records of cr, whose line 1 is line line0+1
// of the input.
func (b *builder) readRecords(cr *csv.Reader, line0 int) error {
	pos := func(j int) int { l, _ := cr.FieldPos(j); return line0 + l }
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvReadError(b.file, b.row+1, line0, err)
		}
		if err := b.record(rec, pos); err != nil {
			return err
		}
	}
}

// record adds one record; line gives the line of field j.
func (b *builder) record(rec []string, line func(j int) int) error {
	b.row++
	row := b.row
	if len(rec) != len(b.names) {
		return &CSVError{File: b.file, Line: line(0), Row: row,
			Err: fmt.Errorf("%w: %d, but the header has %d", ErrRagged, len(rec), len(b.names))}
	}
	t := b.t
	for k, j := range b.keep {
		s := rec[j]
		if b.text[k] != nil {
			b.text[k] = append(b.text[k], textCell(s))
			continue
		}
		v, err := parseCell(s)
		if errors.Is(err, ErrNotNumber) {
			// The column is text from here on; its earlier cells
			// are written back as the numbers they read as.
			if t.why == nil {
				t.why = map[int]*CSVError{}
			}
			t.why[k] = &CSVError{File: b.file, Line: line(j), Row: row, Column: b.names[j], Text: strings.TrimSpace(s), Err: textCellError{}}
			b.text[k] = numbersAsText(t.cols[k], row)
			b.text[k] = append(b.text[k], textCell(s))
			t.cols[k] = nil
			continue
		}
		if err != nil {
			return &CSVError{File: b.file, Line: line(j), Row: row, Column: b.names[j], Text: s, Err: err}
		}
		t.cols[k] = append(t.cols[k], v)
	}
	return nil
}

// table returns the table read.
func (b *builder) table() *Table {
	t := b.t
	t.n = b.row
	for k := range t.cols {
		if b.text[k] != nil {
			t.setText(k, b.text[k])
		} else if t.cols[k] == nil {
			t.cols[k] = []float64{}
		}
	}
	return t
}

// textCellError is the error of the cell that made a column text: it is
// both ErrNotNumber and ErrText.
type textCellError struct{}

func (textCellError) Error() string        { return ErrNotNumber.Error() }
func (textCellError) Is(target error) bool { return target == ErrNotNumber || target == ErrText }

// numbersAsText writes back the numeric cells read before a column
// turned out to hold text (missing as "").
func numbersAsText(col []float64, capacity int) []string {
	out := make([]string, len(col), capacity)
	for i, v := range col {
		if !math.IsNaN(v) {
			out[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return out
}

// textCell is a cell of a text column: trimmed, carriage returns dropped
// (encoding/csv turns a quoted \r\n into \n, so a \r could not survive a
// round trip), a missing marker as "".
func textCell(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
	if missingCell(s) {
		return ""
	}
	return strings.Clone(s)
}

// csvReadError converts an error from encoding/csv reading from line
// line0+1 of the input.
func csvReadError(name string, row, line0 int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{File: name, Line: line0 + pe.Line, Row: row, Err: pe.Err}
	}
	if name != "" {
		return fmt.Errorf("%s: %w", name, err)
	}
	return err
}

// missingCell reports whether a trimmed cell marks a missing value:
// empty, NA, NaN (any case) or "." (Stata's missing).
func missingCell(s string) bool {
	return s == "" || s == "." || strings.EqualFold(s, "NA") || strings.EqualFold(s, "NaN")
}

// parseCell reads one cell: a finite number, TRUE or FALSE (any case) as
// 1 or 0, or NaN for a missing value.
func parseCell(s string) (float64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
	if missingCell(s) {
		return math.NaN(), nil
	}
	switch {
	case strings.EqualFold(s, "TRUE"):
		return 1, nil
	case strings.EqualFold(s, "FALSE"):
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, ErrNotFinite
		}
		return 0, ErrNotNumber
	}
	if math.IsInf(v, 0) {
		return 0, ErrNotFinite
	}
	if math.IsNaN(v) {
		// Spellings such as "+NaN" that ParseFloat accepts.
		return math.NaN(), nil
	}
	return v, nil
}

// WriteCSV writes the table to w as CSV: a header row, then one record
// per row. Numbers are written in the shortest form that reads back
// exactly, text cells as they are (quoted where CSV needs it); missing
// values (NaN, "") are empty cells, except in a one-column
// table, where they are written as NA so that the row is not a blank
// line. Infinite values are written as +Inf and -Inf, which ReadCSV
// rejects.
func (t *Table) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if len(t.names) > 0 {
		if err := cw.Write(t.names); err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	missing := ""
	if len(t.cols) == 1 {
		missing = "NA"
	}
	buf := make([]byte, 0, 64)
	for i := 0; i < t.n; i++ {
		buf = buf[:0]
		for j, c := range t.cols {
			if j > 0 {
				buf = append(buf, ',')
			}
			if c == nil {
				buf = appendText(buf, t.text[j][i], missing)
				continue
			}
			buf = appendFloat(buf, c[i], missing)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendText appends a text cell, quoted as encoding/csv quotes it (and
// always when it has surrounding spaces, which ReadCSV would trim).
func appendText(b []byte, s, missing string) []byte {
	if s == "" {
		return append(b, missing...)
	}
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// appendFloat appends v in the shortest form that reads back exactly,
// without an exponent for moderate magnitudes (as encoding/json does).
func appendFloat(b []byte, v float64, missing string) []byte {
	if math.IsNaN(v) {
		return append(b, missing...)
	}
	if math.IsInf(v, 0) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	fmtc := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		fmtc = 'e'
	}
	return strconv.AppendFloat(b, v, fmtc, -1, 64)
}
