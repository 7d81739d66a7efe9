package table

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// ReadCSVColumns is ReadCSVSep reading only the columns whose header
// name keep accepts (all of them when keep is nil), in the order of the
// file. A kept column reads exactly as ReadCSVSep reads it: the same
// numbers, missing values, text and errors. The cells of the other
// columns are not parsed, so a bad cell there is no error; the header
// is checked whole, and every record must still have as many fields as
// the header. Col's error for a column the table lacks lists the file's
// columns.
//
// The input is read in blocks of whole records parsed concurrently, one
// block per core at a time; from a quoted cell that holds a line break,
// or a record encoding/csv would refuse, on to the end the input is read
// one record at a time as ReadCSVSep reads it. Memory holds the kept
// columns and a few blocks.
func ReadCSVColumns(r io.Reader, name string, sep rune, keep func(col string) bool) (*Table, error) {
	return readCSVColumns(r, name, sep, keep, blockSize)
}

// blockSize is the size of the blocks of records parsed concurrently.
const blockSize = 1 << 20

// readCSVColumns is ReadCSVColumns with blocks of about size bytes.
func readCSVColumns(r io.Reader, name string, sep rune, keep func(col string) bool, size int) (*Table, error) {
	if !validSep(sep) {
		return nil, fmt.Errorf("%s: %q cannot separate fields", name, sep)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	dropBOM(br)
	if sep <= 0 || sep >= utf8RuneSelf {
		return readSequential(br, name, sep, keep)
	}
	b, line, seq, err := readHeader(br, name, byte(sep), keep)
	if err != nil {
		return nil, err
	}
	if seq != nil {
		return readSequential(seq, name, sep, keep)
	}
	if err := b.readBlocks(br, byte(sep), line, size, sizeHint(r)); err != nil {
		return nil, err
	}
	return b.table(), nil
}

const utf8RuneSelf = 0x80

// readHeader reads the header when it is one line of plain or simply
// quoted fields, returning the builder and the lines read. Otherwise it
// returns a reader of the input again for the sequential reader.
func readHeader(br *bufio.Reader, name string, sep byte, keep func(string) bool) (*builder, int, io.Reader, error) {
	var read []byte
	line := 0
	var fields [][]byte
	for {
		l, err := br.ReadBytes('\n')
		read = append(read, l...)
		if err != nil && (err != io.EOF || len(l) == 0) {
			return nil, 0, io.MultiReader(bytes.NewReader(read), br), nil
		}
		line++
		content := trimEOL(l)
		if len(content) == 0 {
			if err != nil {
				return nil, 0, io.MultiReader(bytes.NewReader(read), br), nil
			}
			continue
		}
		var ok bool
		if fields, ok = splitLine(content, sep, fields[:0]); !ok {
			return nil, 0, io.MultiReader(bytes.NewReader(read), br), nil
		}
		break
	}
	rec := make([]string, len(fields))
	for j, f := range fields {
		rec[j] = string(f)
	}
	b, err := newBuilder(name, rec, func(int) int { return line }, keep)
	return b, line, nil, err
}

// trimEOL drops a line's "\n" and one "\r" before it (encoding/csv's
// line ending, "\r" alone at the end of the input included).
func trimEOL(l []byte) []byte {
	if n := len(l); n > 0 && l[n-1] == '\n' {
		l = l[:n-1]
	}
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	return l
}

// splitLine appends the fields of one line (without its line ending) to
// dst. It reports false when the line is not a whole record as
// encoding/csv reads it: a quoted field runs on past the line, or a quote
// is misplaced (an error the sequential reader will report).
func splitLine(l []byte, sep byte, dst [][]byte) ([][]byte, bool) {
	if bytes.IndexByte(l, '"') < 0 {
		for {
			i := bytes.IndexByte(l, sep)
			if i < 0 {
				return append(dst, l), true
			}
			dst = append(dst, l[:i])
			l = l[i+1:]
		}
	}
	for {
		if len(l) == 0 || l[0] != '"' {
			i := bytes.IndexByte(l, sep)
			f := l
			if i >= 0 {
				f = l[:i]
			}
			if bytes.IndexByte(f, '"') >= 0 {
				return nil, false // a bare quote
			}
			dst = append(dst, f)
			if i < 0 {
				return dst, true
			}
			l = l[i+1:]
			continue
		}
		f, rest, ok := quotedField(l[1:], sep)
		if !ok {
			return nil, false
		}
		dst = append(dst, f)
		if rest == nil {
			return dst, true
		}
		l = rest
	}
}

// quotedField reads a quoted field from l, just after its opening quote:
// its text and the rest of the line after the separator (nil at the end
// of the line). It reports false if the field does not end on this line
// or its closing quote is followed by something else.
func quotedField(l []byte, sep byte) (f, rest []byte, ok bool) {
	var buf []byte // the text when it has a doubled quote
	for pos := 0; ; {
		i := bytes.IndexByte(l[pos:], '"')
		if i < 0 {
			return nil, nil, false
		}
		end := pos + i
		switch {
		case end+1 < len(l) && l[end+1] == '"':
			buf = append(buf, l[pos:end+1]...)
			pos = end + 2
			continue
		case end+1 < len(l) && l[end+1] != sep:
			return nil, nil, false
		}
		if buf != nil {
			f = append(buf, l[pos:end]...)
		} else {
			f = l[:end]
		}
		if end+1 == len(l) {
			return f, nil, true
		}
		return f, l[end+2:], true
	}
}

// job is one block of whole lines and, once parsed, its result.
type job struct {
	data []byte
	err  error // a read error after data
	res  chan *block
}

// readBlocks reads the data records after the header, which ends on
// line line, in blocks of about size bytes parsed concurrently and added
// in order. hint is the input's size in bytes, 0 if unknown: with it the
// columns are allocated once, for the rows the first block suggests.
func (b *builder) readBlocks(r io.Reader, sep byte, line, size int, hint int64) error {
	workers := runtime.GOMAXPROCS(0)
	p := &pipeline{jobs: make(chan *job, workers), order: make(chan *job, 2*workers), done: make(chan struct{})}
	p.text.Store(&[]bool{})
	p.wg.Add(1)
	go p.split(r, size)
	for range workers {
		p.wg.Add(1)
		go p.parse(b, sep)
	}
	defer p.stop()
	rows := 0
	for j := range p.order {
		res := <-j.res
		if !slices.Equal(res.textIn, b.textSet()) {
			// A column turned text in an earlier block after this one was
			// started: parse it again knowing so.
			res = b.parseBlock(j.data, sep, b.textSet())
		}
		if rows == 0 && hint > 0 && res.rows > 0 && len(b.keep) > 0 {
			// At most twice the input's size, whatever the first block says.
			est := min(float64(hint)/float64(len(j.data))*float64(res.rows)*1.02, float64(hint)/float64(4*len(b.keep)))
			b.reserve(int(est) + 16)
		}
		if err := b.add(res, line, rows); err != nil {
			return err
		}
		p.text.Store(ptr(b.textSet()))
		line += res.lines
		rows += res.rows
		if res.bail >= 0 {
			p.bailed.Store(true)
			var more io.Reader = &drain{p: p}
			if j.err != nil {
				more = errReader{j.err}
			}
			rest := io.MultiReader(bytes.NewReader(j.data[res.bail:]), more)
			return b.readRecords(newCSVReader(rest, rune(sep)), line)
		}
		if j.err != nil {
			return csvReadError(b.file, 0, 0, j.err)
		}
		p.bufs.Put(&j.data)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// pipeline runs the reading and parsing goroutines of readBlocks.
type pipeline struct {
	jobs   chan *job // to the parsers
	order  chan *job // to readBlocks, in input order
	done   chan struct{}
	text   atomic.Pointer[[]bool] // the kept columns known to hold text
	bailed atomic.Bool            // the rest is read sequentially: skip parsing
	bufs   sync.Pool              // *[]byte blocks for reuse
	wg     sync.WaitGroup
}

// stop ends the goroutines and waits for them.
func (p *pipeline) stop() {
	close(p.done)
	p.wg.Wait()
}

// split reads r in blocks of whole lines.
func (p *pipeline) split(r io.Reader, size int) {
	defer p.wg.Done()
	defer close(p.order)
	defer close(p.jobs)
	var carry []byte
	for {
		var buf []byte
		if pb, ok := p.bufs.Get().(*[]byte); ok && cap(*pb) >= len(carry)+size {
			buf = *pb
		} else {
			buf = make([]byte, 0, len(carry)+size)
		}
		buf = append(buf[:0], carry...)
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		last := bytes.LastIndexByte(buf, '\n')
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			eof = true
		} else {
			err = nil
		}
		switch {
		case eof:
			carry = nil
		case last < 0:
			carry = buf // a line longer than the block: read on
			continue
		default:
			carry = append(carry[:0:0], buf[last+1:]...) // buf goes back to the pool
			buf = buf[:last+1]
		}
		j := &job{data: buf, err: err, res: make(chan *block, 1)}
		select {
		case p.order <- j:
		case <-p.done:
			return
		}
		select {
		case p.jobs <- j:
		case <-p.done:
			return
		}
		if eof {
			return
		}
	}
}

// parse parses the blocks of p.jobs.
func (p *pipeline) parse(b *builder, sep byte) {
	defer p.wg.Done()
	for j := range p.jobs {
		if p.bailed.Load() {
			j.res <- &block{bail: 0}
			continue
		}
		j.res <- b.parseBlock(j.data, sep, *p.text.Load())
	}
}

// drain reads the blocks left in the pipeline, in order, then the read
// error that ended the input, if any.
type drain struct {
	p   *pipeline
	cur []byte
	err error
}

func (d *drain) Read(buf []byte) (int, error) {
	for len(d.cur) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		j, ok := <-d.p.order
		if !ok {
			return 0, io.EOF
		}
		d.cur, d.err = j.data, j.err
	}
	n := copy(buf, d.cur)
	d.cur = d.cur[n:]
	return n, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// block is a parsed block of records: per kept column, its numbers until
// a cell that is not a number, and from there (or throughout, for a
// column already known to hold text) its text cells. Lines and rows in
// errors are counted from the block's start.
type block struct {
	textIn []bool // the kept columns known to hold text before the block
	cols   [][]float64
	text   [][]string // nil while the column reads as numbers
	why    []*CSVError
	err    *CSVError
	lines  int // lines read (before bail)
	rows   int // records read (before bail)
	bail   int // offset of the line from which to read sequentially; -1 if none
}

// textSet returns which kept columns hold text.
func (b *builder) textSet() []bool {
	s := make([]bool, len(b.keep))
	for k, c := range b.text {
		s[k] = c != nil
	}
	return s
}

// parseBlock parses the lines of data. textIn says which kept columns
// hold text before it; a nil or short textIn is all numbers.
func (b *builder) parseBlock(data []byte, sep byte, textIn []bool) *block {
	nk := len(b.keep)
	res := &block{textIn: make([]bool, nk), cols: make([][]float64, nk), text: make([][]string, nk), why: make([]*CSVError, nk), bail: -1}
	copy(res.textIn, textIn)
	for k := range nk {
		if res.textIn[k] {
			res.text[k] = []string{}
		} else if c, ok := b.floats.Get().(*[]float64); ok {
			res.cols[k] = (*c)[:0]
		}
	}
	fields := make([][]byte, 0, len(b.names))
	for off := 0; off < len(data); {
		l := data[off:]
		next := len(data)
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l, next = l[:i], off+i+1
		}
		content := trimEOL(l)
		if len(content) == 0 {
			res.lines++
			off = next
			continue
		}
		var ok bool
		if fields, ok = splitLine(content, sep, fields[:0]); !ok {
			res.bail = off
			return res
		}
		res.lines++
		res.rows++
		if err := res.record(b, fields, res.lines, res.rows); err != nil {
			res.err = err
			return res
		}
		off = next
	}
	return res
}

// record adds the kept cells of one record at line and row of the block.
func (res *block) record(b *builder, fields [][]byte, line, row int) *CSVError {
	if len(fields) != len(b.names) {
		return &CSVError{File: b.file, Line: line, Row: row,
			Err: fmt.Errorf("%w: %d, but the header has %d", ErrRagged, len(fields), len(b.names))}
	}
	for k, j := range b.keep {
		f := fields[j]
		s := unsafe.String(unsafe.SliceData(f), len(f)) // not kept beyond this loop
		if res.text[k] != nil {
			res.text[k] = append(res.text[k], textCell(s))
			continue
		}
		v, err := fastCell(s)
		if err == ErrNotNumber {
			res.why[k] = &CSVError{File: b.file, Line: line, Row: row, Column: b.names[j], Text: strings.Clone(strings.TrimSpace(s)), Err: textCellError{}}
			res.text[k] = []string{textCell(s)}
			continue
		}
		if err != nil {
			return &CSVError{File: b.file, Line: line, Row: row, Column: b.names[j], Text: strings.Clone(s), Err: err}
		}
		res.cols[k] = append(res.cols[k], v)
	}
	return nil
}

// fastCell is parseCell, quicker for a plain decimal number.
func fastCell(s string) (float64, error) {
	if v, ok := parseDecimal(s); ok {
		return v, nil
	}
	return parseCell(s)
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal reads a plain decimal, [+-]digits[.digits][e[+-]digits],
// as strconv.ParseFloat does, when its significant digits make an
// integer below 2^53 and its power of ten is within ±22: then one
// correctly rounded multiplication or division is exact (Clinger's fast
// path). It reports false for anything else.
func parseDecimal(s string) (float64, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	mant, i := digitRun(s, i, 0)
	nd, frac := i-start, 0 // digits, those after the point
	if i < len(s) && s[i] == '.' {
		fs := i + 1
		mant, i = digitRun(s, fs, mant)
		frac = i - fs
		nd += frac
	}
	if nd == 0 || nd > 19 {
		return 0, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for ; i < len(s) && i-es < 4; i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			exp = exp*10 + int(c)
		}
		if i == es {
			return 0, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) || mant >= 1<<53 {
		return 0, false
	}
	f := float64(mant)
	switch e := exp - frac; {
	case e == 0:
	case e > 0 && e < len(pow10):
		f *= pow10[e]
	case e < 0 && -e < len(pow10):
		f /= pow10[-e]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// digitRun reads the digits of s from i on into mant (mod 2⁶⁴; callers
// allow at most 19 digits), eight at a time where it can, returning it
// and the index after the digits.
func digitRun(s string, i int, mant uint64) (uint64, int) {
	for ; i+8 <= len(s); i += 8 {
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if (v&0xF0F0F0F0F0F0F0F0)|(((v+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) != 0x3333333333333333 {
			break // not eight digits
		}
		// Eight ASCII digits, the first in the low byte, to their value.
		v -= 0x3030303030303030
		v = v*10 + v>>8
		v = ((v&0x000000FF000000FF)*(100+1000000<<32) + (v>>16&0x000000FF000000FF)*(1+10000<<32)) >> 32
		mant = mant*100000000 + v
	}
	for ; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			break
		}
		mant = mant*10 + uint64(c)
	}
	return mant, i
}

// reserve makes room for n rows in the numeric columns.
func (b *builder) reserve(n int) {
	for k, c := range b.t.cols {
		if b.text[k] == nil && n > len(c) {
			b.t.cols[k] = slices.Grow(c, n-len(c))
		}
	}
}

// sizeHint returns the number of bytes r holds, when it says (a file, a
// bytes or strings reader), or 0.
func sizeHint(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

// add appends a block parsed with the builder's text columns; the block
// starts after line line0 and row row0.
func (b *builder) add(res *block, line0, row0 int) error {
	if res.err != nil {
		e := *res.err
		e.Line += line0
		e.Row += row0
		// Cells before the error are of no use: the read fails.
		return &e
	}
	t := b.t
	for k := range b.keep {
		switch {
		case b.text[k] != nil:
			b.text[k] = append(b.text[k], res.text[k]...)
		case res.text[k] == nil:
			t.cols[k] = append(t.cols[k], res.cols[k]...)
			c := res.cols[k]
			b.floats.Put(&c)
		default:
			why := *res.why[k]
			why.Line += line0
			why.Row += row0
			if t.why == nil {
				t.why = map[int]*CSVError{}
			}
			t.why[k] = &why
			nums := append(t.cols[k], res.cols[k]...)
			b.text[k] = append(numbersAsText(nums, len(nums)+len(res.text[k])), res.text[k]...)
			t.cols[k] = nil
		}
	}
	b.row += res.rows
	return nil
}
