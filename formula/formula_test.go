package formula

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, test := range []struct {
		in   string
		want Formula
		str  string // canonical form; in when empty
	}{
		{in: "y ~ x1 + x2", want: Formula{"y", []string{"x1", "x2"}, true}},
		{in: "y~x1+x2", want: Formula{"y", []string{"x1", "x2"}, true}, str: "y ~ x1 + x2"},
		{in: "y ~ x1 + x2 - 1", want: Formula{"y", []string{"x1", "x2"}, false}},
		{in: "y ~ x1 + x2 + 0", want: Formula{"y", []string{"x1", "x2"}, false}, str: "y ~ x1 + x2 - 1"},
		{in: "y ~ 0 + x1", want: Formula{"y", []string{"x1"}, false}, str: "y ~ x1 - 1"},
		{in: "y ~ -1 + x1", want: Formula{"y", []string{"x1"}, false}, str: "y ~ x1 - 1"},
		{in: "y ~ 1 + x1", want: Formula{"y", []string{"x1"}, true}, str: "y ~ x1"},
		{in: "y ~ x1 - 1 + 1", want: Formula{"y", []string{"x1"}, true}, str: "y ~ x1"},
		{in: "y ~ 1", want: Formula{"y", nil, true}},
		{in: "~ z1 + z2", want: Formula{"", []string{"z1", "z2"}, true}},
		{in: "  spend.h_4 ~ age_2 + .x + x.1 + 2020_sales ",
			want: Formula{"spend.h_4", []string{"age_2", ".x", "x.1", "2020_sales"}, true},
			str:  "spend.h_4 ~ age_2 + .x + x.1 + 2020_sales"},
		{in: "`my y` ~ `my col` + `1` + `.` + `a+b`",
			want: Formula{"my y", []string{"my col", "1", ".", "a+b"}, true}},
		{in: "`plain` ~ x", want: Formula{"plain", []string{"x"}, true}, str: "plain ~ x"},
		{in: "âge ~ größe", want: Formula{"âge", []string{"größe"}, true}},
		{in: "y\t~\nx", want: Formula{"y", []string{"x"}, true}, str: "y ~ x"},
	} {
		f, err := Parse(test.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error: %v", test.in, err)
			continue
		}
		if f.Response != test.want.Response || f.Intercept != test.want.Intercept ||
			!reflect.DeepEqual(f.Terms, test.want.Terms) {
			t.Errorf("Parse(%q) = %#v, want %#v", test.in, *f, test.want)
		}
		str := test.str
		if str == "" {
			str = test.in
		}
		if f.String() != str {
			t.Errorf("Parse(%q).String() = %q, want %q", test.in, f.String(), str)
		}
		back, err := Parse(f.String())
		if err != nil || !reflect.DeepEqual(back, f) {
			t.Errorf("Parse(%q) does not read back %q: %v, %v", f.String(), test.in, back, err)
		}
	}
}

func TestParseTerms(t *testing.T) {
	for _, test := range []struct {
		in   string
		want Formula
	}{
		{in: "z", want: Formula{"", []string{"z"}, true}},
		{in: "z1 + z2", want: Formula{"", []string{"z1", "z2"}, true}},
		{in: "~ z1 + z2", want: Formula{"", []string{"z1", "z2"}, true}},
		{in: "z1 - 1", want: Formula{"", []string{"z1"}, false}},
		{in: "0 + z1", want: Formula{"", []string{"z1"}, false}},
	} {
		f, err := ParseTerms(test.in)
		if err != nil {
			t.Errorf("ParseTerms(%q): unexpected error: %v", test.in, err)
			continue
		}
		if !reflect.DeepEqual(*f, test.want) {
			t.Errorf("ParseTerms(%q) = %#v, want %#v", test.in, *f, test.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, test := range []struct {
		in    string
		terms bool // ParseTerms rather than Parse
		want  string
		pos   int
	}{
		{in: "y ~ x1 +", want: `formula "y ~ x1 +": expected a variable name after "+" at position 8`, pos: 8},
		{in: "y ~", want: `formula "y ~": expected a variable name after "~" at position 3`, pos: 3},
		{in: "", want: `formula "": empty formula; write it as "y ~ x1 + x2"`},
		{in: "   ", want: `formula "   ": empty formula; write it as "y ~ x1 + x2"`},
		{in: "y", want: `formula "y": expected "~" after the response "y" at position 1`, pos: 2},
		{in: "x1 + x2", want: `formula "x1 + x2": expected "~" after the response "x1", found "+" at position 4; the left side is a single variable`, pos: 4},
		{in: "y x ~ z", want: `formula "y x ~ z": expected "~" after the response "y", found "x" at position 3`, pos: 3},
		{in: "1 ~ x", want: `formula "1 ~ x": expected the response variable name at position 1, found "1"`, pos: 1},
		{in: "y ~ x1 x2", want: `formula "y ~ x1 x2": expected "+" or "-" before "x2" at position 8`, pos: 8},
		{in: "y ~ x1 + + x2", want: `formula "y ~ x1 + + x2": expected a variable name after "+" at position 8, found "+" at position 10`, pos: 10},
		{in: "y ~ ns(x)", want: `formula "y ~ ns(x)": ns( at position 5: the functions are factor, C, log, exp, sqrt, I(x^k) and poly(x, k)`, pos: 5},
		{in: "y ~ poly(x)", want: `formula "y ~ poly(x)": poly( at position 5: write poly(x, k) or poly(x, k, raw = TRUE), k a whole number from 1 to 25`, pos: 5},
		{in: "y ~ poly(x, 0)", want: `formula "y ~ poly(x, 0)": poly( at position 5: write poly(x, k) or poly(x, k, raw = TRUE), k a whole number from 1 to 25`, pos: 5},
		{in: "y ~ poly(x, 2, raw = yes)", want: `formula "y ~ poly(x, 2, raw = yes)": poly( at position 5: write poly(x, k) or poly(x, k, raw = TRUE), k a whole number from 1 to 25`, pos: 5},
		{in: "y ~ poly(x, 2.5)", want: `formula "y ~ poly(x, 2.5)": poly( at position 5: write poly(x, k) or poly(x, k, raw = TRUE), k a whole number from 1 to 25`, pos: 5},
		{in: "y ~ a^2", want: `formula "y ~ a^2": "^" at position 6: write interactions with ":" or "*", powers as I(x^2)`, pos: 6},
		{in: "y ~ I(x)", want: `formula "y ~ I(x)": I( at position 5: write a power, I(x^2)`, pos: 5},
		{in: "y ~ log(x + z)", want: `formula "y ~ log(x + z)": expected ")" at position 11, found "+"`, pos: 11},
		{in: "log (y) ~ x", want: `formula "log (y) ~ x": log( at position 1: transformations such as log(x) or I(x^2) are not supported on the left side; add the transformed variable to the data`, pos: 1},
		{in: "y ~ a:b + b:a", want: `formula "y ~ a:b + b:a": "b:a" appears twice, at positions 5 and 11`, pos: 11},
		{in: "y ~ .", want: `formula "y ~ .": "." at position 5: "all other columns" is not supported; list the variables`, pos: 5},
		{in: "y ~ x - z", want: `formula "y ~ x - z": "- z" at position 7: removing a variable is not supported; only "- 1" (drop the intercept) is`, pos: 7},
		{in: "y ~ x - 0", want: `formula "y ~ x - 0": "- 0" at position 7 is not meaningful; write "- 1" or "+ 0" to drop the intercept`, pos: 9},
		{in: "y ~ x + 2", want: `formula "y ~ x + 2": expected a variable name, 1 or 0 at position 9, found "2" (backquote a name that looks like a number)`, pos: 9},
		{in: "y ~ 0", want: `formula "y ~ 0": the model is empty: no variables and no intercept`},
		{in: "y ~ x - 1 + 0 - 1 + x", want: `formula "y ~ x - 1 + 0 - 1 + x": "x" appears twice, at positions 5 and 21`, pos: 21},
		{in: "y ~ x + y", want: `formula "y ~ x + y": the response "y" also appears on the right-hand side at position 9`, pos: 9},
		{in: "y ~ x ~ z", want: `formula "y ~ x ~ z": a second "~" at position 7`, pos: 7},
		{in: "y ~ x | z", want: `formula "y ~ x | z": "|" at position 7: conditioning and instruments are not written in the formula; give instruments as a separate term list`, pos: 7},
		{in: "y ~ x $ z", want: `formula "y ~ x $ z": unexpected "$" at position 7; expected "+" or "-"`, pos: 7},
		{in: "y ~ `x", want: "formula \"y ~ `x\": unterminated backquoted name starting at position 5", pos: 5},
		{in: "y ~ ``", want: "formula \"y ~ ``\": empty backquoted name at position 5", pos: 5},
		{in: "y ~ x\xff", want: `formula "y ~ x\xff": not valid UTF-8`},
		{in: "", terms: true, want: `formula "": empty term list; write it as "z1 + z2"`},
		{in: "y ~ z", terms: true, want: `formula "y ~ z": "~" at position 3: a term list has no left side; write it as "z1 + z2"`, pos: 3},
		{in: "z1 +", terms: true, want: `formula "z1 +": expected a variable name after "+" at position 4`, pos: 4},
		{in: "* z", terms: true, want: `formula "* z": expected a variable name, 1 or 0 at position 1, found "*"`, pos: 1},
	} {
		var err error
		if test.terms {
			_, err = ParseTerms(test.in)
		} else {
			_, err = Parse(test.in)
		}
		if err == nil {
			t.Errorf("%q: no error", test.in)
			continue
		}
		if err.Error() != test.want {
			t.Errorf("%q: got error\n\t%s\nwant\n\t%s", test.in, err, test.want)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error is %T, not *SyntaxError", test.in, err)
			continue
		}
		if se.Pos != test.pos || se.Formula != test.in {
			t.Errorf("%q: got Pos %d, Formula %q; want %d", test.in, se.Pos, se.Formula, test.pos)
		}
	}
}

func TestVars(t *testing.T) {
	for _, test := range []struct {
		f    Formula
		want []string
	}{
		{Formula{"y", []string{"a", "b"}, true}, []string{"y", "a", "b"}},
		{Formula{"", []string{"a"}, false}, []string{"a"}},
		{Formula{"y", nil, true}, []string{"y"}},
	} {
		if got := test.f.Vars(); !reflect.DeepEqual(got, test.want) {
			t.Errorf("%v.Vars() = %q, want %q", &test.f, got, test.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"y ~ x1 + x2", "y ~ x - 1", "y ~ 0 + x", "y ~ 1", "~ z", "`a b` ~ `c`",
		"y ~ log(x)", "y ~ a*b", "y ~ x +", "y ~ . - 0", "âge ~ größe", "y ~ `x",
		"y ~ poly(x, 2)", "y ~ poly(x,3,raw=TRUE):z", "y ~ poly(x, 2, raw = F)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (*Formula, error){Parse, ParseTerms} {
			fm, err := parse(s)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "formula ") {
					t.Fatalf("error without the formula: %v", err)
				}
				continue
			}
			if len(fm.Terms) == 0 && !fm.Intercept {
				t.Fatalf("%q parsed to an empty model", s)
			}
			if strings.Contains(strings.Join(fm.Vars(), ""), "`") {
				continue // cannot be written back
			}
			back, err := Parse(fm.String())
			if err != nil {
				t.Fatalf("%q: cannot read back %q: %v", s, fm.String(), err)
			}
			if !reflect.DeepEqual(back, fm) {
				t.Fatalf("%q: read back %q as %#v, want %#v", s, fm.String(), back, fm)
			}
		}
	})
}

// TestFormulaBounds: a formula cannot ask for an exponential number of
// terms or a design beyond memory.
func TestFormulaBounds(t *testing.T) {
	if _, err := Parse("y ~ " + strings.Repeat("a*", 12) + "b"); err == nil || !strings.Contains(err.Error(), "at most 8 may be joined") {
		t.Errorf("13 terms joined by *: %v", err)
	}
	if _, err := Parse("y ~ a*b*c*d*e*f*g*h"); err != nil {
		t.Errorf("8 terms joined by *: %v", err)
	}
}
