package table

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var nan = math.NaN()

// equalCols reports whether a and b are equal, NaN matching NaN.
func equalCols(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
		if a[i] == 0 && math.Signbit(a[i]) != math.Signbit(b[i]) {
			return false
		}
	}
	return true
}

func equalTables(a, b *Table) bool {
	if a.Len() != b.Len() || !reflect.DeepEqual(a.Names(), b.Names()) {
		return false
	}
	for _, name := range a.Names() {
		if a.IsText(name) || b.IsText(name) {
			ta, _ := a.Text(name)
			tb, _ := b.Text(name)
			if !reflect.DeepEqual(ta, tb) {
				return false
			}
			continue
		}
		ca, _ := a.Col(name)
		cb, _ := b.Col(name)
		if !equalCols(ca, cb) {
			return false
		}
	}
	return true
}

func mustNew(t *testing.T, names []string, cols [][]float64) *Table {
	t.Helper()
	tab, err := New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestAdd(t *testing.T) {
	for _, test := range []struct {
		name    string
		names   []string
		cols    [][]float64
		wantErr string
	}{
		{name: "empty"},
		{name: "two", names: []string{"a", "b"}, cols: [][]float64{{1, 2}, {3, 4}}},
		{name: "zero rows", names: []string{"a", "b"}, cols: [][]float64{{}, nil}},
		{name: "duplicate", names: []string{"a", "b", "a"}, cols: [][]float64{{1}, {2}, {3}},
			wantErr: `table: duplicate column "a" (column 1)`},
		{name: "length", names: []string{"a", "b"}, cols: [][]float64{{1, 2}, {3}},
			wantErr: `table: column "b" has 1 rows, want 2`},
		{name: "no name", names: []string{""}, cols: [][]float64{{1}},
			wantErr: "table: empty column name"},
		{name: "count", names: []string{"a"}, cols: nil,
			wantErr: "table: 1 names for 0 columns"},
	} {
		tab, err := New(test.names, test.cols)
		if test.wantErr != "" {
			if err == nil || err.Error() != test.wantErr {
				t.Errorf("%s: got error %v, want %q", test.name, err, test.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error: %v", test.name, err)
			continue
		}
		if tab.Width() != len(test.names) {
			t.Errorf("%s: Width = %d, want %d", test.name, tab.Width(), len(test.names))
		}
		if len(test.cols) > 0 && tab.Len() != len(test.cols[0]) {
			t.Errorf("%s: Len = %d, want %d", test.name, tab.Len(), len(test.cols[0]))
		}
		for i, name := range test.names {
			if !tab.Has(name) {
				t.Errorf("%s: Has(%q) = false", test.name, name)
			}
			c, err := tab.Col(name)
			if err != nil || !equalCols(c, test.cols[i]) {
				t.Errorf("%s: Col(%q) = %v, %v, want %v", test.name, name, c, err, test.cols[i])
			}
		}
	}
}

func TestCol(t *testing.T) {
	tab := mustNew(t, []string{"age", "income"}, [][]float64{{30}, {1000}})
	for _, test := range []struct {
		tab  *Table
		name string
		want string
	}{
		{tab, "agee", `no such column "agee" (columns: "age", "income")`},
		{tab, "", `no such column "" (columns: "age", "income")`},
		{&Table{}, "x", `no such column "x" (the table has no columns)`},
	} {
		_, err := test.tab.Col(test.name)
		if err == nil || err.Error() != test.want {
			t.Errorf("Col(%q): got error %v, want %q", test.name, err, test.want)
		}
		if !errors.Is(err, ErrNoColumn) {
			t.Errorf("Col(%q): error does not wrap ErrNoColumn", test.name)
		}
	}
	// Names returns a copy.
	names := tab.Names()
	names[0] = "changed"
	if tab.Names()[0] != "age" {
		t.Error("Names shares storage with the table")
	}
}

func TestSelectRows(t *testing.T) {
	tab := mustNew(t, []string{"a", "b"}, [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}})
	for _, test := range []struct {
		name string
		got  *Table
		want *Table
	}{
		{"select some", tab.Select([]bool{true, false, false, true}),
			mustNew(t, []string{"a", "b"}, [][]float64{{1, 4}, {5, 8}})},
		{"select none", tab.Select(make([]bool, 4)),
			mustNew(t, []string{"a", "b"}, [][]float64{{}, {}})},
		{"rows repeated", tab.Rows([]int{3, 3, 0}),
			mustNew(t, []string{"a", "b"}, [][]float64{{4, 4, 1}, {8, 8, 5}})},
	} {
		if !equalTables(test.got, test.want) {
			t.Errorf("%s: got %v, want %v", test.name, test.got, test.want)
		}
	}
	// The result does not share storage.
	sel := tab.Select([]bool{true, true, true, true})
	c, _ := sel.Col("a")
	c[0] = 100
	if c, _ := tab.Col("a"); c[0] != 1 {
		t.Error("Select shares storage with the original table")
	}
	for _, f := range []func(){
		func() { tab.Select([]bool{true}) },
		func() { tab.Rows([]int{4}) },
		func() { tab.Rows([]int{-1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for a bad row selection")
				}
			}()
			f()
		}()
	}
}

func TestDropMissing(t *testing.T) {
	tab := mustNew(t, []string{"y", "x", "z"}, [][]float64{
		{1, nan, 3, 4, 5},
		{1, 2, nan, 4, nan},
		{nan, 2, 3, 4, 5},
	})
	for _, test := range []struct {
		cols        []string
		wantDropped int
		wantY       []float64
		wantErr     string
	}{
		{cols: []string{"y"}, wantDropped: 1, wantY: []float64{1, 3, 4, 5}},
		{cols: []string{"y", "x"}, wantDropped: 3, wantY: []float64{1, 4}},
		{cols: nil, wantDropped: 4, wantY: []float64{4}},
		{cols: []string{"z", "x", "y"}, wantDropped: 4, wantY: []float64{4}},
		{cols: []string{"w"}, wantErr: `no such column "w" (columns: "y", "x", "z")`},
	} {
		got, dropped, err := tab.DropMissing(test.cols)
		if test.wantErr != "" {
			if err == nil || err.Error() != test.wantErr {
				t.Errorf("DropMissing(%q): got error %v, want %q", test.cols, err, test.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("DropMissing(%q): unexpected error: %v", test.cols, err)
			continue
		}
		y, _ := got.Col("y")
		if dropped != test.wantDropped || !equalCols(y, test.wantY) || got.Len() != len(test.wantY) {
			t.Errorf("DropMissing(%q) = y %v, dropped %d; want y %v, dropped %d",
				test.cols, y, dropped, test.wantY, test.wantDropped)
		}
	}
}

func TestReadCSV(t *testing.T) {
	for _, test := range []struct {
		name  string
		in    string
		names []string
		cols  [][]float64
	}{
		{
			name:  "plain",
			in:    "y,x\n1,2\n3,4.5\n",
			names: []string{"y", "x"},
			cols:  [][]float64{{1, 3}, {2, 4.5}},
		},
		{
			name:  "missing and spaces",
			in:    " y , x ,z\n 1 ,NA, 1e3\nNaN,,-2\nna,nan, \n",
			names: []string{"y", "x", "z"},
			cols:  [][]float64{{1, nan, nan}, {nan, nan, nan}, {1000, -2, nan}},
		},
		{
			name:  "bom crlf quotes blank lines",
			in:    "\ufeff\"a b\",c\r\n\r\n\"1\",2\r\n\n3,\"4\"\r\n",
			names: []string{"a b", "c"},
			cols:  [][]float64{{1, 3}, {2, 4}},
		},
		{
			name:  "no final newline",
			in:    "a\n-0\n0x1p-2",
			names: []string{"a"},
			cols:  [][]float64{{math.Copysign(0, -1), 0.25}},
		},
		{
			name:  "header only",
			in:    "a,b\n",
			names: []string{"a", "b"},
			cols:  [][]float64{{}, {}},
		},
		{
			name:  "one column missing",
			in:    "a\n1\nNA\n\"\"\n2\n",
			names: []string{"a"},
			cols:  [][]float64{{1, nan, nan, 2}},
		},
	} {
		tab, err := ReadCSV(strings.NewReader(test.in), "test.csv")
		if err != nil {
			t.Errorf("%s: unexpected error: %v", test.name, err)
			continue
		}
		want := mustNew(t, test.names, test.cols)
		if !equalTables(tab, want) {
			t.Errorf("%s: got %v, want %v", test.name, tab, want)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, test := range []struct {
		name    string
		in      string
		file    string
		want    string
		wantErr error
		line    int
		row     int
		column  string
	}{
		{
			name:    "not a number",
			in:      "id,age\n1,30\n2,abc\n",
			file:    "data.csv",
			want:    `data.csv: line 3 (row 2), column "age": "abc" is not a number`,
			wantErr: ErrNotNumber, line: 3, row: 2, column: "age",
		},
		{
			name:    "line and row differ",
			in:      "id,age\n1,30\n\n\n\"2\n\",3\n4,yes\n",
			file:    "data.csv",
			want:    `data.csv: line 7 (row 3), column "age": "yes" is not a number`,
			wantErr: ErrNotNumber, line: 7, row: 3, column: "age",
		},
		{
			name:    "no file name",
			in:      "a\n1 2\n",
			want:    `line 2 (row 1), column "a": "1 2" is not a number`,
			wantErr: ErrNotNumber, line: 2, row: 1, column: "a",
		},
		{
			name:    "infinite",
			in:      "a,b\n1,Inf\n",
			file:    "d.csv",
			want:    `d.csv: line 2 (row 1), column "b": "Inf" is not a finite number`,
			wantErr: ErrNotFinite, line: 2, row: 1, column: "b",
		},
		{
			name:    "overflow",
			in:      "a,b\n1,1e999\n",
			file:    "d.csv",
			want:    `d.csv: line 2 (row 1), column "b": "1e999" is not a finite number`,
			wantErr: ErrNotFinite, line: 2, row: 1, column: "b",
		},
		{
			name:    "ragged short",
			in:      "a,b,c\n1,2,3\n4,5\n",
			file:    "d.csv",
			want:    `d.csv: line 3 (row 2): wrong number of fields: 2, but the header has 3`,
			wantErr: ErrRagged, line: 3, row: 2,
		},
		{
			name:    "ragged long",
			in:      "a\n1,2\n",
			file:    "d.csv",
			want:    `d.csv: line 2 (row 1): wrong number of fields: 2, but the header has 1`,
			wantErr: ErrRagged, line: 2, row: 1,
		},
		{
			name:    "empty",
			in:      "",
			file:    "d.csv",
			want:    `d.csv: bad header: no header row (the input is empty)`,
			wantErr: ErrHeader,
		},
		{
			name:    "duplicate name",
			in:      "a,b, a\n1,2,3\n",
			file:    "d.csv",
			want:    `d.csv: line 1: bad header: columns 1 and 3 are both called "a"`,
			wantErr: ErrHeader, line: 1,
		},
		{
			name:    "empty name",
			in:      "\n\na,,c\n1,2,3\n",
			file:    "d.csv",
			want:    `d.csv: line 3: bad header: column 2 has no name`,
			wantErr: ErrHeader, line: 3,
		},
		{
			name: "bare quote",
			in:   "a,b\n1,2\n3,4\"\n",
			file: "d.csv",
			want: `d.csv: line 3 (row 2): bare " in non-quoted-field`,
			line: 3, row: 2,
		},
	} {
		tab, err := ReadCSV(strings.NewReader(test.in), test.file)
		if errors.Is(test.wantErr, ErrNotNumber) {
			// A text column reads fine; using it as numbers is the error.
			if err != nil {
				t.Errorf("%s: %v", test.name, err)
				continue
			}
			_, err = tab.Col(test.column)
		}
		if err == nil {
			t.Errorf("%s: no error", test.name)
			continue
		}
		if err.Error() != test.want {
			t.Errorf("%s: got error\n\t%s\nwant\n\t%s", test.name, err, test.want)
		}
		var ce *CSVError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error is %T, not *CSVError", test.name, err)
			continue
		}
		if test.wantErr != nil && !errors.Is(err, test.wantErr) {
			t.Errorf("%s: error does not wrap %v", test.name, test.wantErr)
		}
		if ce.Line != test.line || ce.Row != test.row || ce.Column != test.column || ce.File != test.file {
			t.Errorf("%s: got file %q line %d row %d column %q, want %q %d %d %q",
				test.name, ce.File, ce.Line, ce.Row, ce.Column, test.file, test.line, test.row, test.column)
		}
	}
}

// TestReadCSVRealFiles: text columns are carried, missing markers and
// TRUE/FALSE read as R and Stata write them, and a text column is an
// error only when used as numbers.
func TestReadCSVRealFiles(t *testing.T) {
	in := "id,region,score,paid,w\nA1,north,3,TRUE,.\nA2, south ,NA,false,2\n7,\"east, far\",4.5,True,1\n"
	tab, err := ReadCSV(strings.NewReader(in), "firm.csv")
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := tab.Text("id")
	regions, _ := tab.Text("region")
	score, _ := tab.Col("score")
	paid, _ := tab.Col("paid")
	w, _ := tab.Col("w")
	if !reflect.DeepEqual(ids, []string{"A1", "A2", "7"}) || !reflect.DeepEqual(regions, []string{"north", "south", "east, far"}) {
		t.Errorf("text columns %q %q", ids, regions)
	}
	if !equalCols(score, []float64{3, nan, 4.5}) || !equalCols(paid, []float64{1, 0, 1}) || !equalCols(w, []float64{nan, 2, 1}) {
		t.Errorf("numbers %v %v %v", score, paid, w)
	}
	if _, err := tab.Col("id"); err == nil || err.Error() != `firm.csv: line 2 (row 1), column "id": "A1" is not a number` {
		t.Errorf("Col of a text column: %v", err)
	}
	// A column that turns text late keeps its earlier cells as text.
	tab, _ = ReadCSV(strings.NewReader("code\n1.50\n\n2\nX9\n"), "")
	if got, _ := tab.Text("code"); !reflect.DeepEqual(got, []string{"1.5", "2", "X9"}) {
		t.Errorf("late text column %q", got)
	}
	keep, _ := tab.Rows([]int{2, 0}).Text("code")
	if !reflect.DeepEqual(keep, []string{"X9", "1.5"}) {
		t.Errorf("Rows of a text column %q", keep)
	}
	var b strings.Builder
	tab2, _ := ReadCSV(strings.NewReader(in), "")
	if err := tab2.WriteCSV(&b); err != nil || !strings.Contains(b.String(), `"east, far"`) {
		t.Errorf("WriteCSV: %v %q", err, b.String())
	}
}

func TestWriteCSV(t *testing.T) {
	for _, test := range []struct {
		name  string
		names []string
		cols  [][]float64
		want  string
	}{
		{
			name:  "numbers",
			names: []string{"y", "x"},
			cols: [][]float64{
				{0.1, 1e6, 123456789, -2.5e-7, nan, 1e21},
				{1, 0, math.Copysign(0, -1), 1.0 / 3, 2, nan},
			},
			want: "y,x\n0.1,1\n1000000,0\n123456789,-0\n-2.5e-07,0.3333333333333333\n,2\n1e+21,\n",
		},
		{
			name:  "quoted names",
			names: []string{"a,b", `say "hi"`},
			cols:  [][]float64{{1}, {2}},
			want:  "\"a,b\",\"say \"\"hi\"\"\"\n1,2\n",
		},
		{
			name:  "one column",
			names: []string{"a"},
			cols:  [][]float64{{1, nan, 3}},
			want:  "a\n1\nNA\n3\n",
		},
		{
			name:  "infinite",
			names: []string{"a", "b"},
			cols:  [][]float64{{math.Inf(1)}, {math.Inf(-1)}},
			want:  "a,b\n+Inf,-Inf\n",
		},
		{
			name: "no columns",
			want: "",
		},
	} {
		tab := mustNew(t, test.names, test.cols)
		var b strings.Builder
		if err := tab.WriteCSV(&b); err != nil {
			t.Errorf("%s: unexpected error: %v", test.name, err)
			continue
		}
		if b.String() != test.want {
			t.Errorf("%s: got\n%q\nwant\n%q", test.name, b.String(), test.want)
		}
		if test.name == "infinite" || test.name == "no columns" {
			continue
		}
		back, err := ReadCSV(strings.NewReader(b.String()), "")
		if err != nil {
			t.Errorf("%s: reading back: %v", test.name, err)
			continue
		}
		if !equalTables(back, tab) {
			t.Errorf("%s: round trip gave %v, want %v", test.name, back, tab)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"y,x\n1,2\n3,4.5\n",
		" y , x ,z\n 1 ,NA, 1e3\nNaN,,-2\n",
		"\ufeff\"a b\",c\r\n\"1\",2\r\n",
		"a\n1\nNA\n\"\"\n",
		"a,b\n1,2,3\n",
		"a,a\n",
		"a,b\n1,\"2\n",
		"a\n0x1p-2\n1_0\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tab, err := ReadCSV(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, name := range tab.Names() {
			if tab.IsText(name) {
				tc, err := tab.Text(name)
				_, cerr := tab.Col(name)
				if err != nil || len(tc) != tab.Len() || !errors.Is(cerr, ErrNotNumber) {
					t.Fatalf("text column %q: %d values for %d rows, %v, %v", name, len(tc), tab.Len(), err, cerr)
				}
				continue
			}
			c, err := tab.Col(name)
			if err != nil || len(c) != tab.Len() {
				t.Fatalf("column %q: %d values for %d rows, %v", name, len(c), tab.Len(), err)
			}
			for _, v := range c {
				if math.IsInf(v, 0) {
					t.Fatalf("column %q holds an infinite value", name)
				}
			}
		}
		var b strings.Builder
		if err := tab.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(strings.NewReader(b.String()), "")
		if err != nil {
			t.Fatalf("reading back %q: %v", b.String(), err)
		}
		if !equalTables(back, tab) {
			t.Fatalf("round trip of %q changed the table", in)
		}
	})
}

func TestTextColumnErrors(t *testing.T) {
	tab, err := ReadCSV(strings.NewReader("a,b\nx,1\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Col("a")
	if !errors.Is(err, ErrText) || !errors.Is(err, ErrNotNumber) {
		t.Errorf("Col of a text column read from CSV: %v", err)
	}
	if err := tab.AddText("c", []string{"y"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Col("c"); !errors.Is(err, ErrText) || errors.Is(err, ErrNotNumber) {
		t.Errorf("Col of an added text column: %v", err)
	}
	if _, err := tab.Text("b"); err == nil {
		t.Error("Text of a numeric column")
	}
}

func TestReadCSVSep(t *testing.T) {
	tab, err := ReadCSVSep(strings.NewReader("a\tb\n1\t2\n3\tx y\n"), "t.tsv", '\t')
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tab.Col("a")
	b, _ := tab.Text("b")
	if !equalCols(a, []float64{1, 3}) || !reflect.DeepEqual(b, []string{"2", "x y"}) {
		t.Errorf("tab-separated: %v %q", a, b)
	}
	for _, bad := range []rune{'"', '\n', utf8.RuneError} {
		if _, err := ReadCSVSep(strings.NewReader("a\n1\n"), "f", bad); err == nil {
			t.Errorf("separator %q accepted", bad)
		}
	}
}

// TestAddAfterText: a numeric column added after a text one.
func TestAddAfterText(t *testing.T) {
	var tab Table
	if err := tab.AddText("a", []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if err := tab.Add("b", []float64{1}); err != nil {
		t.Fatal(err)
	}
	if !tab.IsText("a") || tab.IsText("b") {
		t.Errorf("IsText: a %v, b %v", tab.IsText("a"), tab.IsText("b"))
	}
	if c, err := tab.Col("b"); err != nil || c[0] != 1 {
		t.Errorf("Col(b): %v, %v", c, err)
	}
	if r := tab.Rows([]int{0, 0}); !r.IsText("a") || r.Len() != 2 {
		t.Errorf("Rows: %v", r)
	}
}
