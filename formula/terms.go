package formula

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// An atom is one factor of a term: a variable, a transformation of one,
// or a categorical variable.
type atom struct {
	fn  string  // "" (the variable), "log", "exp", "sqrt", "pow" (I(x^k)), "factor", "poly"
	v   string  // the variable
	pow float64 // the power of "pow", the degree of "poly"
	raw bool    // poly(x, k, raw = TRUE): powers, not orthogonal polynomials
}

// label is the atom as R writes it in a coefficient name.
func (a atom) label() string {
	v := quoteName(a.v)
	switch a.fn {
	case "":
		return v
	case "pow":
		return "I(" + v + "^" + strconv.FormatFloat(a.pow, 'g', -1, 64) + ")"
	case "poly":
		l := "poly(" + v + ", " + strconv.FormatFloat(a.pow, 'g', -1, 64)
		if a.raw {
			l += ", raw = TRUE"
		}
		return l + ")"
	}
	return a.fn + "(" + v + ")"
}

// maxStar is the most terms a*b*… may join: 2^8 − 1 = 255 expanded terms.
const maxStar = 8

// term is a product of atoms (an interaction when there are several).
type term []atom

func (t term) label() string {
	if len(t) == 1 && t[0].fn == "" {
		return t[0].v // a plain variable: its column name, as written
	}
	parts := make([]string, len(t))
	for i, a := range t {
		parts[i] = a.label()
	}
	return strings.Join(parts, ":")
}

// key identifies the term whatever the order of its atoms (a:b is b:a).
func (t term) key() string {
	parts := make([]string, len(t))
	for i, a := range t {
		parts[i] = a.label()
	}
	slices.Sort(parts)
	return strings.Join(parts, ":")
}

// functions are the transformations a formula may apply to a variable.
var functions = []string{"log", "exp", "sqrt", "factor", "C", "I", "poly"}

// maxDegree is the highest degree poly() takes.
const maxDegree = 25

// atom parses a variable or a call: name, log(name), exp(name),
// sqrt(name), factor(name) or C(name) (categorical), I(name^k),
// poly(name, k) or poly(name, k, raw = TRUE).
func (p *parser) atom() (atom, error) {
	t := p.next()
	if t.kind != tokName {
		return atom{}, p.errorf(t.pos, "expected a variable name at position %d, found %s", t.pos, describe(t))
	}
	if !t.call {
		if t.text == "." && !t.quoted {
			return atom{}, p.errorf(t.pos, `"." at position %d: "all other columns" is not supported; list the variables`, t.pos)
		}
		return atom{v: t.text}, nil
	}
	if !slices.Contains(functions, t.text) {
		return atom{}, p.errorf(t.pos, "%s( at position %d: the functions are factor, C, log, exp, sqrt, I(x^k) and poly(x, k)", t.text, t.pos)
	}
	p.next() // "("
	arg := p.next()
	if arg.kind != tokName || arg.call {
		return atom{}, p.errorf(arg.pos, "%s( at position %d takes a variable name, found %s", t.text, t.pos, describe(arg))
	}
	a := atom{fn: t.text, v: arg.text}
	if t.text == "C" {
		a.fn = "factor"
	}
	if t.text == "I" {
		caret, k := p.next(), p.next()
		pow, err := strconv.ParseFloat(k.text, 64)
		if caret.text != "^" || k.kind != tokNumber || err != nil || pow == 0 {
			return atom{}, p.errorf(t.pos, "I( at position %d: write a power, I(%s^2)", t.pos, arg.text)
		}
		a.fn, a.pow = "pow", pow
	}
	if t.text == "poly" {
		if err := p.polyArgs(&a, t.pos); err != nil {
			return atom{}, err
		}
	}
	if c := p.next(); c.text != ")" {
		return atom{}, p.errorf(c.pos, `expected ")" at position %d, found %s`, c.pos, describe(c))
	}
	return a, nil
}

// polyArgs parses the rest of poly(x, k[, raw = TRUE]) after x.
func (p *parser) polyArgs(a *atom, pos int) error {
	usage := func() error {
		return p.errorf(pos, "poly( at position %d: write poly(%s, k) or poly(%s, k, raw = TRUE), k a whole number from 1 to %d", pos, a.v, a.v, maxDegree)
	}
	comma, k := p.next(), p.next()
	deg, err := strconv.Atoi(k.text)
	if comma.text != "," || k.kind != tokNumber || err != nil || deg < 1 || deg > maxDegree {
		return usage()
	}
	a.pow = float64(deg)
	if p.peek().text != "," {
		return nil
	}
	p.next()
	name, eq, val := p.next(), p.next(), p.next()
	if name.text != "raw" || eq.text != "=" || val.kind != tokName {
		return usage()
	}
	switch val.text {
	case "TRUE", "T":
		a.raw = true
	case "FALSE", "F":
	default:
		return usage()
	}
	return nil
}

// product parses atoms joined by ":" (interaction) and "*" (all
// interactions: a*b is a + b + a:b), returning the terms in R's order.
func (p *parser) product() ([]term, error) {
	var groups [][]atom // "*" separates groups; ":" joins atoms within one
	cur := []atom{}
	for {
		a, err := p.atom()
		if err != nil {
			return nil, err
		}
		cur = append(cur, a)
		switch p.peek().text {
		case ":":
			p.next()
			continue
		case "*":
			p.next()
			groups = append(groups, cur)
			cur = []atom{}
			continue
		}
		groups = append(groups, cur)
		break
	}
	if len(groups) > maxStar {
		return nil, p.errorf(0, "a product of %d terms joined by \"*\" expands to %d terms; at most %d may be joined", len(groups), 1<<len(groups)-1, maxStar)
	}
	// Every non-empty subset of the groups, by size, then in order.
	var out []term
	n := len(groups)
	for size := 1; size <= n; size++ {
		for mask := 1; mask < 1<<n; mask++ {
			if popcount(mask) != size {
				continue
			}
			var t term
			for g := range n {
				if mask&(1<<g) != 0 {
					t = append(t, groups[g]...)
				}
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func popcount(x int) int {
	c := 0
	for ; x > 0; x &= x - 1 {
		c++
	}
	return c
}

// parseTerm parses a term label (as Formula.Terms holds it) back into a
// term.
func parseTerm(label string) (term, error) {
	p, err := newParser(label)
	if err != nil {
		return nil, err
	}
	ts, err := p.product()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF || len(ts) != 1 {
		return nil, p.errorf(0, "%q is not one term", label)
	}
	return ts[0], nil
}

// termDegree is the number of atoms of a term label (1 for a column name).
func termDegree(label string) int {
	t, err := parseTerm(label)
	if err != nil {
		return 1
	}
	return len(t)
}

// vars returns the term's variables.
func (t term) vars() []string {
	var out []string
	for _, a := range t {
		if !slices.Contains(out, a.v) {
			out = append(out, a.v)
		}
	}
	return out
}

// column is one column of a design, with its name: its value at table
// row r is vals[r] when vals is not nil, else at(r).
type column struct {
	name string
	vals []float64
	at   func(row int) float64
	one  bool // the constant 1 an interaction starts from
}

// value returns the column's value at table row r.
func (c column) value(r int) float64 {
	if c.vals != nil {
		return c.vals[r]
	}
	return c.at(r)
}

// times returns the product of two columns, called name.
func (c column) times(d column, name string) column {
	if c.one {
		d.name = name
		return d
	}
	return column{name: name, at: func(r int) float64 { return c.value(r) * d.value(r) }}
}

// transform returns f applied to x, or an error naming what is wrong.
func (a atom) transform(x float64) (float64, error) {
	var v float64
	switch a.fn {
	case "":
		return x, nil
	case "log":
		v = math.Log(x)
	case "exp":
		v = math.Exp(x)
	case "sqrt":
		v = math.Sqrt(x)
	case "pow":
		v = math.Pow(x, a.pow)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s of %v is not a finite number", a.label(), x)
	}
	return v, nil
}

// String is the term's label.
func (t term) String() string { return t.label() }
