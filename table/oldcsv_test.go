package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// oldReadCSVSep is ReadCSVSep as it was before ReadCSVColumns (one
// record at a time with encoding/csv): the reference the fast reader is
// compared with. Only csvReadError's signature changed.
func oldReadCSVSep(r io.Reader, name string, sep rune) (*Table, error) {
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
		return nil, csvReadError(name, 0, 0, err)
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
			return nil, csvReadError(name, row, 0, err)
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
