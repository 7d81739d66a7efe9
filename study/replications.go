package study

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The layout of replications.csv: a header, then one row per (point,
// replication, estimand, method) in canonical order — by point, then
// replication, then the manifest's pairs.

// repColumns are the columns after the point and the swept keys' values.
var repColumns = []string{"replication", "estimand", "method", "truth", "estimate", "std_error", "ci_low", "ci_high", "covers", "rejects", "error"}

func writeHeader(cw *csv.Writer, m Manifest) {
	h := []string{"point"}
	for _, s := range m.Sweeps {
		h = append(h, s.Key)
	}
	cw.Write(append(h, repColumns...))
}

func fmtF(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func writeRow(cw *csv.Writer, points []Point, r *RepRow) {
	rec := []string{strconv.Itoa(r.Point)}
	rec = append(rec, points[r.Point].Values...)
	rec = append(rec, strconv.Itoa(r.Rep), r.Estimand, r.Method, fmtF(r.Truth))
	switch {
	case r.Error != "":
		rec = append(rec, "", "", "", "", "", "", r.Error)
	case math.IsNaN(r.StdError): // an estimate without SE
		rec = append(rec, fmtF(r.Estimate), "", "", "", "", "", "")
	default:
		row := r.row()
		lo, hi := row.CI95()
		rec = append(rec, fmtF(r.Estimate), fmtF(r.StdError), fmtF(lo), fmtF(hi), b01(row.Covers()), b01(row.Rejects()), "")
	}
	cw.Write(rec)
}

// WriteReplications writes the replications.csv of the study m to w:
// the header, then rows, which must be in canonical order (by point,
// then replication, then m's pairs).
func WriteReplications(w io.Writer, m Manifest, rows []RepRow) error {
	points := Grid(m.Sweeps)
	cw := csv.NewWriter(w)
	writeHeader(cw, m)
	for i := range rows {
		if rows[i].Point < 0 || rows[i].Point >= len(points) {
			return fmt.Errorf("row %d: point %d is not a grid point", i, rows[i].Point)
		}
		writeRow(cw, points, &rows[i])
	}
	cw.Flush()
	return cw.Error()
}

// repSink writes replications to a replications file, a whole
// replication at a time, and passes each on to a summarizer.
type repSink struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	points []Point
	sum    *summarizer
}

func newRepSink(w io.Writer, points []Point, sum *summarizer) *repSink {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &repSink{bw: bw, cw: csv.NewWriter(bw), points: points, sum: sum}
}

// put writes one replication's rows and flushes them, so that a
// replication reaches the file whole.
func (s *repSink) put(rows []RepRow) error {
	for i := range rows {
		writeRow(s.cw, s.points, &rows[i])
	}
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return err
	}
	if err := s.bw.Flush(); err != nil {
		return err
	}
	s.sum.add(rows)
	return nil
}

// ReplicationReader reads a study's replications.csv one replication at
// a time, in file order, with memory that does not grow with the file.
// A partial last line, or a last replication missing some of its rows,
// is what an interrupted study leaves; the reader ignores it.
type ReplicationReader struct {
	f    *os.File
	cr   *csv.Reader
	m    Manifest
	path string
	rows []RepRow // the replication returned last
	ns   int      // number of swept keys
}

// OpenReplications opens the replications file at path of the study m.
// A missing file reads as one with no replications.
func OpenReplications(path string, m Manifest) (*ReplicationReader, error) {
	r := &ReplicationReader{m: m, path: path, ns: len(m.Sweeps)}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	end, err := lastLineEnd(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.f = f
	r.cr = csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, 0, end), 1<<16))
	r.cr.FieldsPerRecord = 1 + r.ns + len(repColumns)
	r.cr.ReuseRecord = true
	rec, err := r.cr.Read()
	switch {
	case err == io.EOF:
		r.cr = nil
	case err != nil:
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	case rec[0] != "point":
		f.Close()
		return nil, fmt.Errorf("%s: not a replications file (header %q)", path, strings.Join(rec, ","))
	}
	return r, nil
}

// lastLineEnd returns the offset just past the last newline of f (0 when
// there is none).
func lastLineEnd(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 4096)
	for end := st.Size(); end > 0; {
		start := max(0, end-int64(len(buf)))
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// Close closes the file.
func (r *ReplicationReader) Close() error {
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

// Next returns the rows of the next whole replication, one per pair of
// the manifest in order, or io.EOF after the last. The rows are valid
// until the next call. A replication whose rows do not follow the
// manifest's pairs, or mix points or replications, is an error naming
// the line.
func (r *ReplicationReader) Next() ([]RepRow, error) {
	per := len(r.m.Pairs)
	r.rows = r.rows[:0]
	for len(r.rows) < per {
		row, line, err := r.read()
		if err == io.EOF {
			return nil, io.EOF // a replication cut short is dropped
		}
		if err != nil {
			return nil, err
		}
		if len(r.rows) > 0 && (row.Point != r.rows[0].Point || row.Rep != r.rows[0].Rep) {
			return nil, fmt.Errorf("%s:%d: point %d replication %d has %d of its %d rows",
				r.path, line, r.rows[0].Point, r.rows[0].Rep, len(r.rows), per)
		}
		want := r.m.Pairs[len(r.rows)]
		if row.Estimand != want.Estimand || row.Method != want.Method {
			return nil, fmt.Errorf("%s:%d: row is %s/%s, want %s/%s", r.path, line, row.Estimand, row.Method, want.Estimand, want.Method)
		}
		row.Estimand, row.Method = want.Estimand, want.Method // share the strings
		r.rows = append(r.rows, row)
	}
	return r.rows, nil
}

// read parses the next data row and returns it with its line number.
func (r *ReplicationReader) read() (RepRow, int, error) {
	var out RepRow
	if r.cr == nil {
		return out, 0, io.EOF
	}
	rec, err := r.cr.Read()
	if err != nil {
		if err == io.EOF {
			return out, 0, io.EOF
		}
		return out, 0, fmt.Errorf("%s: %w", r.path, err)
	}
	line, _ := r.cr.FieldPos(0)
	bad := func(what string) error { return fmt.Errorf("%s:%d: bad %s", r.path, line, what) }
	if out.Point, err = strconv.Atoi(rec[0]); err != nil {
		return out, line, bad("point")
	}
	rec = rec[1+r.ns:]
	if out.Rep, err = strconv.Atoi(rec[0]); err != nil {
		return out, line, bad("replication")
	}
	out.Estimand, out.Method = rec[1], rec[2]
	for i, p := range []*float64{&out.Truth, &out.Estimate, &out.StdError} {
		if *p, err = parseCell(rec[3+i]); err != nil {
			return out, line, bad(repColumns[3+i])
		}
	}
	if rec[10] != "" {
		out.Error = strings.Clone(rec[10])
	}
	return out, line, nil
}

// parseCell reads a number of replications.csv; empty is NaN.
func parseCell(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}
