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
// replacement character.
func ReadCSVSep(r io.Reader, name string, sep rune) (*Table, error) {
	if sep == '"' || sep == '\r' || sep == '\n' || sep == utf8.RuneError || !utf8.ValidRune(sep) {
		return nil, fmt.Errorf("%s: %q cannot separate fields", name, sep)
	}
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{File: name, Err: fmt.Errorf("%w: no header row (the input is empty)", ErrHeader)}
	}
	if err != nil {
		return nil, csvReadError(name, 0, err)
	}
	names := make([]string, len(rec))
	seen := make(map[string]int, len(rec))
	for j, s := range rec {
		s = strings.TrimSpace(s)
		if s == "" {
			l, _ := cr.FieldPos(j)
			return nil, &CSVError{File: name, Line: l, Err: fmt.Errorf("%w: column %d has no name", ErrHeader, j+1)}
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			l, _ := cr.FieldPos(j)
			return nil, &CSVError{File: name, Line: l, Err: fmt.Errorf("%w: column %d's name %q holds a line break or another control character", ErrHeader, j+1, s)}
		}
		if k, ok := seen[s]; ok {
			l, _ := cr.FieldPos(j)
			return nil, &CSVError{File: name, Line: l, Err: fmt.Errorf("%w: columns %d and %d are both called %q", ErrHeader, k+1, j+1, s)}
		}
		seen[s] = j
		names[j] = s
	}

	t := &Table{names: names, cols: make([][]float64, len(names)), index: seen}
	text := make([][]string, len(names)) // the text columns, as they turn up
	row := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row++
		if err != nil {
			return nil, csvReadError(name, row, err)
		}
		if len(rec) != len(names) {
			l, _ := cr.FieldPos(0)
			return nil, &CSVError{File: name, Line: l, Row: row,
				Err: fmt.Errorf("%w: %d, but the header has %d", ErrRagged, len(rec), len(names))}
		}
		for j, s := range rec {
			if text[j] != nil {
				text[j] = append(text[j], textCell(s))
				continue
			}
			v, err := parseCell(s)
			if errors.Is(err, ErrNotNumber) {
				// The column is text from here on; its earlier cells
				// are written back as the numbers they read as.
				l, _ := cr.FieldPos(j)
				if t.why == nil {
					t.why = map[int]*CSVError{}
				}
				t.why[j] = &CSVError{File: name, Line: l, Row: row, Column: names[j], Text: strings.TrimSpace(s), Err: textCellError{}}
				text[j] = numbersAsText(t.cols[j], row)
				text[j] = append(text[j], textCell(s))
				t.cols[j] = nil
				continue
			}
			if err != nil {
				l, _ := cr.FieldPos(j)
				return nil, &CSVError{File: name, Line: l, Row: row, Column: names[j], Text: s, Err: err}
			}
			t.cols[j] = append(t.cols[j], v)
		}
	}
	t.n = row
	for j := range t.cols {
		if text[j] != nil {
			t.setText(j, text[j])
		} else if t.cols[j] == nil {
			t.cols[j] = []float64{}
		}
	}
	return t, nil
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

// csvReadError converts an error from encoding/csv.
func csvReadError(name string, row int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{File: name, Line: pe.Line, Row: row, Err: pe.Err}
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
