package table

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// sameRead reports how the results of two reads differ ("" if they do
// not): the same error message and *CSVError fields, or the same
// columns, numbers bit for bit, text, and text columns' errors.
func sameRead(a *Table, aerr error, b *Table, berr error) string {
	if aerr != nil || berr != nil {
		if aerr == nil || berr == nil || aerr.Error() != berr.Error() {
			return fmt.Sprintf("errors %v and %v", aerr, berr)
		}
		var ea, eb *CSVError
		if errors.As(aerr, &ea) != errors.As(berr, &eb) {
			return fmt.Sprintf("errors %#v and %#v", ea, eb)
		}
		if ea == nil {
			return ""
		}
		sa, sb := *ea, *eb
		sa.Err, sb.Err = nil, nil
		if sa != sb || ea.Err.Error() != eb.Err.Error() || errors.Is(ea, ErrText) != errors.Is(eb, ErrText) {
			return fmt.Sprintf("errors %#v and %#v", ea, eb)
		}
		return ""
	}
	if a.Len() != b.Len() || !reflect.DeepEqual(a.Names(), b.Names()) {
		return fmt.Sprintf("%d rows %q and %d rows %q", a.Len(), a.Names(), b.Len(), b.Names())
	}
	for _, name := range a.Names() {
		if a.IsText(name) != b.IsText(name) {
			return fmt.Sprintf("column %q: text %v and %v", name, a.IsText(name), b.IsText(name))
		}
		ca, erra := a.Col(name)
		cb, errb := b.Col(name)
		if fmt.Sprint(erra) != fmt.Sprint(errb) {
			return fmt.Sprintf("column %q: %v and %v", name, erra, errb)
		}
		if a.IsText(name) {
			ta, _ := a.Text(name)
			tb, _ := b.Text(name)
			if !reflect.DeepEqual(ta, tb) {
				return fmt.Sprintf("column %q: %q and %q", name, ta, tb)
			}
			continue
		}
		if (ca == nil) != (cb == nil) || len(ca) != len(cb) {
			return fmt.Sprintf("column %q: %v and %v", name, ca, cb)
		}
		for i := range ca {
			if math.Float64bits(ca[i]) != math.Float64bits(cb[i]) && !(math.IsNaN(ca[i]) && math.IsNaN(cb[i])) {
				return fmt.Sprintf("column %q row %d: %v and %v", name, i+1, ca[i], cb[i])
			}
		}
	}
	return ""
}

// project returns the columns of t that keep accepts, as a table read
// with them alone would hold them.
func project(t *Table, keep func(string) bool) *Table {
	out := &Table{index: map[string]int{}, n: t.n, header: t.names}
	for j, name := range t.names {
		if !keep(name) {
			continue
		}
		k := len(out.names)
		out.index[name] = k
		out.names = append(out.names, name)
		out.cols = append(out.cols, t.cols[j])
		if t.text != nil && t.text[j] != nil {
			out.setText(k, t.text[j])
		}
		if e := t.why[j]; e != nil {
			if out.why == nil {
				out.why = map[int]*CSVError{}
			}
			out.why[k] = e
		}
	}
	return out
}

// checkColumns compares ReadCSVColumns, with blocks of size bytes, with
// the reference reader on in: all columns, and those keep accepts.
func checkColumns(t *testing.T, in string, sep rune, keep func(string) bool, size int) {
	t.Helper()
	want, werr := oldReadCSVSep(strings.NewReader(in), "f.csv", sep)
	got, gerr := readCSVColumns(strings.NewReader(in), "f.csv", sep, nil, size)
	if d := sameRead(got, gerr, want, werr); d != "" {
		t.Fatalf("%q (sep %q, blocks of %d): all columns: %s", in, sep, size, d)
	}
	if keep == nil {
		return
	}
	got, gerr = readCSVColumns(strings.NewReader(in), "f.csv", sep, keep, size)
	var ce *CSVError
	if errors.As(werr, &ce) && ce.Column != "" && !keep(ce.Column) {
		return // a bad cell in a column not read
	}
	if werr == nil {
		want = project(want, keep)
	}
	if d := sameRead(got, gerr, want, werr); d != "" {
		t.Fatalf("%q (sep %q, blocks of %d): some columns: %s", in, sep, size, d)
	}
}

var csvCases = []string{
	"y,x\n1,2\n3,4.5\n",
	" y , x ,z\n 1 ,NA, 1e3\nNaN,,-2\nna,nan, \n",
	"\ufeff\"a b\",c\r\n\r\n\"1\",2\r\n\n3,\"4\"\r\n",
	"\ufeff\ufeffa\n1\n",
	"a\n-0\n0x1p-2",
	"a,b\n",
	"a,b",
	"",
	"\n\n",
	"\n\na,b\n1,2\n",
	"a\n1\nNA\n\"\"\n2\n",
	"id,age\n1,30\n2,abc\n3,40\n4,1e999\n",
	"id,age\n1,30\n\n\n\"2\n\",3\n4,yes\n",
	"a,b\n1,2,3\n",
	"a,a\n",
	"a,,b\n",
	"a,\"b\nc\"\n1,2\n",
	"a,b\n1,\"2\n",
	"a,b\n1,2\"\n",
	"a,b\n1,\"2\"x\n",
	"a,b\n1,\"2\"\"3\"\n",
	"a,b\n\"1\",\"\"\n3,\"\"\"\"\n",
	"a\n0x1p-2\n1_0\n",
	"a,b\r\n1,2\r\n3,4\r",
	"a,b\n1\r2,3\n\r\r\n",
	"a\n\r\n1\n\r",
	"a,b\nTRUE,false\n.,NA\n+NaN,-Inf\n",
	"a,b\n1,2\nx,3\n4,5\ny,inf\n",
	"a,b\n1,inf\nx,3\n",
	"a\tb\n1\t2\n",
	"g,v\n1,2\n2,x\n3,\" 4 \"\n,5\n",
	"a,b\n\"1\n2\",3\n4,5\n6,\"7\n",
}

// TestReadCSVColumns compares ReadCSVColumns with the reader it replaces
// on the tricky inputs, with blocks of every size from one byte.
func TestReadCSVColumns(t *testing.T) {
	keeps := []func(string) bool{
		func(s string) bool { return s != "a" && s != "id" },
		func(s string) bool { return s == "b" || s == "age" || s == "v" },
		func(string) bool { return false },
	}
	for _, in := range csvCases {
		for size := 1; size <= len(in)+1; size++ {
			for _, keep := range keeps {
				checkColumns(t, in, ',', keep, size)
			}
		}
		checkColumns(t, strings.ReplaceAll(in, ",", ";"), ';', keeps[0], 7)
		checkColumns(t, in, '\t', nil, 5)
		checkColumns(t, strings.ReplaceAll(in, ",", "é"), 'é', keeps[0], 5)
	}
}

// TestReadCSVColumnsText: a column turns text in a later block than the
// one being parsed; the blocks are parsed again.
func TestReadCSVColumnsText(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,x,y\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "%d,%g,%d\n", i, float64(i)/7, i%3)
		if i == 2500 {
			b.WriteString("7,abc,1\n")
		}
	}
	for _, size := range []int{64, 1000, 1 << 20} {
		checkColumns(t, b.String(), ',', func(s string) bool { return s != "id" }, size)
	}
	tab, err := ReadCSVColumns(strings.NewReader(b.String()), "f.csv", ',', func(s string) bool { return s == "x" })
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Col("x")
	if want := `f.csv: line 2503 (row 2502), column "x": "abc" is not a number`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if tab.Width() != 1 || tab.Len() != 5001 || !tab.IsText("x") {
		t.Errorf("got %d columns, %d rows, text %v", tab.Width(), tab.Len(), tab.IsText("x"))
	}
}

// TestReadCSVColumnsLarge compares the readers on a generated table
// with quoted cells, missing values and a multi-line cell late on.
func TestReadCSVColumnsLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("\"a\",b,c,d\r\n")
	for i := range 20000 {
		cells := []string{strconv.FormatFloat(r.NormFloat64(), 'g', -1, 64), "NA", fmt.Sprintf("\"%d\"", i), strconv.Itoa(r.IntN(5))}
		if i%97 == 0 {
			cells[1] = strconv.FormatFloat(r.Float64(), 'f', 3, 64)
		}
		if i == 19000 {
			cells[2] = "\"x\ny\""
		}
		b.WriteString(strings.Join(cells, ",") + "\r\n")
	}
	for _, size := range []int{100, 4096, 1 << 20} {
		checkColumns(t, b.String(), ',', func(s string) bool { return s != "b" }, size)
	}
}

// errAfter returns its data, then an error.
type errAfter struct {
	r   io.Reader
	err error
}

func (e *errAfter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func TestReadCSVColumnsReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadCSVColumns(&errAfter{strings.NewReader("a,b\n1,2\n"), boom}, "f.csv", ',', nil)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "f.csv: ") {
		t.Errorf("got %v", err)
	}
}

// FuzzReadCSVColumns compares ReadCSVColumns with the reader it
// replaced (oldReadCSVSep) on random input, separators, column choices
// and block sizes: the same table, or the same error.
func FuzzReadCSVColumns(f *testing.F) {
	for i, s := range csvCases {
		f.Add(s, byte(i), uint8(i%4), uint16(i*7))
	}
	f.Fuzz(func(t *testing.T, in string, mask byte, sepc uint8, size uint16) {
		sep := []rune{',', ';', '\t', ' '}[sepc%4]
		keep := func(s string) bool {
			h := 0
			for _, c := range []byte(s) {
				h += int(c)
			}
			return mask&(1<<(h%8)) != 0
		}
		checkColumns(t, in, sep, keep, int(size)%512+1)
	})
}

// benchCSV is a CSV of n rows: y, s, z and x1…x10, as R's write.csv
// writes numbers (up to 15 significant digits), some y missing.
func benchCSV(n int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	b.WriteString("y,s,z,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10\n")
	buf := make([]byte, 0, 512)
	for range n {
		buf = buf[:0]
		s := r.IntN(2)
		if s == 1 {
			buf = strconv.AppendFloat(buf, r.NormFloat64(), 'g', 15, 64)
		} else {
			buf = append(buf, "NA"...)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(s), 10)
		for range 11 {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, r.NormFloat64(), 'g', 15, 64)
		}
		buf = append(buf, '\n')
		b.Write(buf)
	}
	return b.Bytes()
}

// BenchmarkReadCSV: 1,000,000 rows × 13 columns (about 200 MB), read by
// ReadCSV (all columns) and by ReadCSVColumns (all, and 12 of them).
func BenchmarkReadCSV(b *testing.B) {
	data := benchCSV(1_000_000)
	b.Logf("%.0f MB", float64(len(data))/1e6)
	for _, bm := range []struct {
		name string
		read func(io.Reader) (*Table, error)
	}{
		{"sequential", func(r io.Reader) (*Table, error) { return oldReadCSVSep(r, "", ',') }},
		{"columns-all", func(r io.Reader) (*Table, error) { return ReadCSVColumns(r, "", ',', nil) }},
		{"columns-12", func(r io.Reader) (*Table, error) {
			return ReadCSVColumns(r, "", ',', func(s string) bool { return s != "x10" })
		}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := bm.read(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestParseDecimal: parseDecimal agrees with strconv.ParseFloat bit for
// bit where it answers, and answers for the plain decimals of data files.
func TestParseDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := []string{"0", "-0", "+0.0", "1.", ".5", "-.5e-3", "1e22", "1e23", "123456789012345678", "9007199254740993",
		"0.000000000000000000000001", "1e", "e5", ".", "-", "1_0", "0x10", "1e+05", "1E5", "00012.500", "1.5e-0010", "1e99999"}
	for range 100000 {
		v := r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15))
		cases = append(cases, strconv.FormatFloat(v, 'g', 1+r.IntN(17), 64), strconv.FormatFloat(v, 'f', r.IntN(12), 64), strconv.FormatFloat(v, 'e', r.IntN(16), 64))
	}
	answered := 0
	for _, s := range cases {
		got, ok := parseDecimal(s)
		if !ok {
			continue
		}
		answered++
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: %v, ParseFloat %v, %v", s, got, want, err)
		}
	}
	if answered < len(cases)/2 {
		t.Errorf("answered %d of %d", answered, len(cases))
	}
}

func FuzzParseDecimal(f *testing.F) {
	f.Add("1.5e-3")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseDecimal(s)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: %v, ParseFloat %v, %v", s, got, want, err)
		}
	})
}

// TestReadCSVColumnsAbsent: asking for a column the file lacks lists the
// file's columns, not only those read.
func TestReadCSVColumnsAbsent(t *testing.T) {
	tab, err := ReadCSVColumns(strings.NewReader("a,b,c\n1,2,3\n"), "f.csv", ',', func(s string) bool { return s == "b" || s == "d" })
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Col("d")
	if want := `no such column "d" (columns: "a", "b", "c")`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if got := tab.Rows([]int{0}).Names(); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("Rows: columns %q", got)
	}
}
