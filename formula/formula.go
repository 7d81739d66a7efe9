// Package formula parses R-style model formulas (y ~ x1 + x2) and builds
// design matrices.
//
// A formula names a response on the left of "~" and the regressors on the
// right, separated by "+". An intercept is included unless the formula
// says "- 1" or "+ 0"; "y ~ 1" fits the intercept alone. A variable name
// is a run of letters, digits, "_" and "."; any other name, such as one
// with spaces, is written in backquotes: `my col`. A term may be a
// categorical variable, factor(x) or C(x) (treatment contrasts: a dummy
// per level but the first, as R codes it); a transformation, log(x),
// exp(x), sqrt(x) or I(x^k); or an interaction of these, x1:x2, where
// x1*x2 means x1 + x2 + x1:x2. poly(x, k) adds R's orthogonal
// polynomials of degrees 1 to k in x (columns "poly(x, k)1" …), and
// poly(x, k, raw = TRUE) the powers x, …, x^k (columns
// "poly(x, k, raw = TRUE)1" …). "." for all other columns is not
// supported.
//
// NewDesign builds the design matrix of a formula on a table, with the
// checks an estimator needs: every column exists, missing values are
// reported (or dropped listwise when asked), and the regressors are not
// collinear.
package formula

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// InterceptName is the name of the intercept column in a design.
const InterceptName = "(Intercept)"

// Formula is a parsed model formula.
type Formula struct {
	// Response is the variable on the left of "~"; it is empty for a
	// one-sided formula or a term list.
	Response string
	// Terms are the regressors in the order written, without the intercept.
	Terms []string
	// Intercept reports whether the model has an intercept.
	Intercept bool
}

// String returns the formula in canonical form, such as "y ~ x1 + x2" or
// "y ~ x - 1", which Parse reads back to the same Formula. Names that are
// not plain are backquoted.
func (f *Formula) String() string {
	var b strings.Builder
	if f.Response != "" {
		b.WriteString(quoteName(f.Response))
		b.WriteString(" ")
	}
	b.WriteString("~ ")
	switch {
	case len(f.Terms) == 0 && f.Intercept:
		b.WriteString("1")
	case len(f.Terms) == 0:
		b.WriteString("0")
	default:
		for i, t := range f.Terms {
			if i > 0 {
				b.WriteString(" + ")
			}
			if tm, err := parseTerm(t); err == nil && (len(tm) > 1 || tm[0].fn != "") {
				b.WriteString(t) // a compound term's label is formula text
			} else {
				b.WriteString(quoteName(t))
			}
		}
		if !f.Intercept {
			b.WriteString(" - 1")
		}
	}
	return b.String()
}

// Vars returns the variables the formula uses: the response, if any,
// then the terms' variables, each once.
func (f *Formula) Vars() []string {
	var vars []string
	if f.Response != "" {
		vars = append(vars, f.Response)
	}
	for _, l := range f.Terms {
		t, err := parseTerm(l)
		if err != nil { // not a term label: a column name
			t = term{{v: l}}
		}
		for _, v := range t.vars() {
			if !slices.Contains(vars, v) {
				vars = append(vars, v)
			}
		}
	}
	return vars
}

// SyntaxError is the error Parse and ParseTerms return for a formula they
// cannot read. Its message reads, for example,
//
//	formula "y ~ x1 +": expected a variable name after "+" at position 8
type SyntaxError struct {
	Formula string // the input
	Pos     int    // 1-based character position of the problem; 0 if none
	Msg     string // what is wrong, including the position
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("formula %q: %s", e.Formula, e.Msg)
}

// Parse parses a model formula such as "y ~ x1 + x2".
//
// The left side may be left out ("~ x1 + x2"), giving a Formula with an
// empty Response. Errors are *SyntaxError values naming the position and
// what was expected.
func Parse(s string) (*Formula, error) {
	p, err := newParser(s)
	if err != nil {
		return nil, err
	}
	return p.formula()
}

// ParseTerms parses a right-hand side alone, such as an instrument list
// "z1 + z2", into a Formula with an empty Response. The intercept rules
// are those of Parse. A leading "~" is allowed.
func ParseTerms(s string) (*Formula, error) {
	p, err := newParser(s)
	if err != nil {
		return nil, err
	}
	if p.peek().kind == tokTilde {
		p.next()
	}
	for _, t := range p.toks[p.i:] {
		if t.kind == tokTilde {
			return nil, p.errorf(t.pos, `"~" at position %d: a term list has no left side; write it as "z1 + z2"`, t.pos)
		}
	}
	return p.rhs(&Formula{}, token{kind: tokEOF, pos: 0, text: ""})
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokName
	tokNumber
	tokTilde
	tokPlus
	tokMinus
	tokOther // an operator or character the grammar does not support
)

type token struct {
	kind   tokKind
	pos    int    // 1-based rune position
	text   string // the name, number or operator as written (unquoted for names)
	quoted bool   // a backquoted name
	call   bool   // a name directly followed by "("
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &SyntaxError{Formula: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func isNameRune(r rune) bool {
	return r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isNumber reports whether a run of name characters is a number: digits
// and dots only.
func isNumber(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '.':
		default:
			return false
		}
	}
	return digit
}

// quoteName returns name as it must be written in a formula.
func quoteName(name string) string {
	plain := name != "" && name != "." && !isNumber(name)
	for _, r := range name {
		if !isNameRune(r) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "`" + name + "`"
}

func newParser(s string) (*parser, error) {
	p := &parser{src: s}
	if !utf8.ValidString(s) {
		return nil, p.errorf(0, "not valid UTF-8")
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '`':
			j := i + 1
			for j < len(rs) && rs[j] != '`' {
				j++
			}
			if j == len(rs) {
				return nil, p.errorf(pos, "unterminated backquoted name starting at position %d", pos)
			}
			if j == i+1 {
				return nil, p.errorf(pos, "empty backquoted name at position %d", pos)
			}
			p.toks = append(p.toks, token{kind: tokName, pos: pos, text: string(rs[i+1 : j]), quoted: true})
			i = j + 1
		case isNameRune(r):
			j := i
			for j < len(rs) && isNameRune(rs[j]) {
				j++
			}
			text := string(rs[i:j])
			kind := tokName
			if isNumber(text) {
				kind = tokNumber
			}
			p.toks = append(p.toks, token{kind: kind, pos: pos, text: text})
			i = j
		default:
			kind := tokOther
			switch r {
			case '~':
				kind = tokTilde
			case '+':
				kind = tokPlus
			case '-':
				kind = tokMinus
			case '(':
				// Mark a preceding name as a function call.
				if n := len(p.toks); n > 0 && p.toks[n-1].kind == tokName {
					p.toks[n-1].call = true
				}
			}
			p.toks = append(p.toks, token{kind: kind, pos: pos, text: string(r)})
			i++
		}
	}
	p.toks = append(p.toks, token{kind: tokEOF, pos: len(rs) + 1})
	return p, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// describe returns how a token is named in a message.
func describe(t token) string {
	switch {
	case t.kind == tokEOF:
		return "the end"
	case t.kind == tokName && t.quoted:
		return fmt.Sprintf("`%s`", t.text)
	default:
		return fmt.Sprintf("%q", t.text)
	}
}

// formula parses [response] "~" rhs.
func (p *parser) formula() (*Formula, error) {
	f := &Formula{}
	t := p.next()
	switch t.kind {
	case tokEOF:
		return nil, p.errorf(0, `empty formula; write it as "y ~ x1 + x2"`)
	case tokTilde:
		return p.rhs(f, t)
	case tokName:
		if err := p.checkName(t); err != nil {
			return nil, err
		}
		f.Response = t.text
	default:
		return nil, p.errorf(t.pos, "expected the response variable name at position %d, found %s", t.pos, describe(t))
	}
	tilde := p.next()
	if tilde.kind != tokTilde {
		if tilde.kind == tokEOF {
			return nil, p.errorf(tilde.pos, `expected "~" after the response %q at position %d`, f.Response, t.pos)
		}
		if tilde.kind == tokPlus || tilde.kind == tokMinus {
			return nil, p.errorf(tilde.pos, `expected "~" after the response %q, found %s at position %d; the left side is a single variable`, f.Response, describe(tilde), tilde.pos)
		}
		return nil, p.errorf(tilde.pos, `expected "~" after the response %q, found %s at position %d`, f.Response, describe(tilde), tilde.pos)
	}
	return p.rhs(f, tilde)
}

// checkName rejects names the grammar reserves.
func (p *parser) checkName(t token) error {
	if t.call {
		return p.errorf(t.pos, "%s( at position %d: transformations such as log(x) or I(x^2) are not supported on the left side; add the transformed variable to the data", t.text, t.pos)
	}
	if t.text == "." && !t.quoted {
		return p.errorf(t.pos, `"." at position %d: "all other columns" is not supported yet; list the variables`, t.pos)
	}
	return nil
}

// rhs parses the right-hand side into f. after is the token before it
// ("~", or an EOF token with position 0 for a bare term list).
func (p *parser) rhs(f *Formula, after token) (*Formula, error) {
	f.Intercept = true
	seen := make(map[string]int)
	sign := token{kind: tokPlus}
	prev := after
	if t := p.peek(); t.kind == tokPlus || t.kind == tokMinus {
		sign = p.next()
		prev = sign
	}
	for {
		t := p.next()
		switch t.kind {
		case tokEOF:
			if prev.pos == 0 {
				return nil, p.errorf(0, `empty term list; write it as "z1 + z2"`)
			}
			return nil, p.errorf(prev.pos, "expected a variable name after %s at position %d", describe(prev), prev.pos)
		case tokNumber:
			switch {
			case t.text == "1" && sign.kind == tokPlus:
				f.Intercept = true
			case t.text == "1" && sign.kind == tokMinus:
				f.Intercept = false
			case t.text == "0" && sign.kind == tokPlus:
				f.Intercept = false
			case t.text == "0" && sign.kind == tokMinus:
				return nil, p.errorf(t.pos, `"- 0" at position %d is not meaningful; write "- 1" or "+ 0" to drop the intercept`, sign.pos)
			default:
				return nil, p.errorf(t.pos, "expected a variable name, 1 or 0 at position %d, found %q (backquote a name that looks like a number)", t.pos, t.text)
			}
		case tokName:
			if sign.kind == tokMinus {
				return nil, p.errorf(sign.pos, `"- %s" at position %d: removing a variable is not supported; only "- 1" (drop the intercept) is`, t.text, sign.pos)
			}
			p.i-- // the term starts with this name
			terms, err := p.product()
			if err != nil {
				return nil, err
			}
			for _, tm := range terms {
				if f.Response != "" && slices.Contains(tm.vars(), f.Response) {
					return nil, p.errorf(t.pos, "the response %q also appears on the right-hand side at position %d", f.Response, t.pos)
				}
				l, key := tm.label(), tm.key()
				if at, ok := seen[key]; ok {
					return nil, p.errorf(t.pos, "%q appears twice, at positions %d and %d", l, at, t.pos)
				}
				seen[key] = t.pos
				f.Terms = append(f.Terms, l)
			}
		default:
			if prev.pos == 0 {
				return nil, p.errorf(t.pos, "expected a variable name, 1 or 0 at position %d, found %s", t.pos, describe(t))
			}
			return nil, p.errorf(t.pos, "expected a variable name after %s at position %d, found %s at position %d", describe(prev), prev.pos, describe(t), t.pos)
		}

		// After a term: the end, or "+" or "-" and another term.
		op := p.next()
		switch op.kind {
		case tokEOF:
			if len(f.Terms) == 0 && !f.Intercept {
				return nil, p.errorf(0, "the model is empty: no variables and no intercept")
			}
			// As R: main effects first, then two-way interactions, …,
			// each in the order written.
			slices.SortStableFunc(f.Terms, func(a, b string) int { return termDegree(a) - termDegree(b) })
			return f, nil
		case tokPlus, tokMinus:
			sign = op
			prev = op
			continue
		case tokName, tokNumber:
			return nil, p.errorf(op.pos, `expected "+" or "-" before %s at position %d`, describe(op), op.pos)
		case tokTilde:
			return nil, p.errorf(op.pos, `a second "~" at position %d`, op.pos)
		}
		switch op.text {
		case "^", "/":
			return nil, p.errorf(op.pos, "%q at position %d: write interactions with \":\" or \"*\", powers as I(x^2)", op.text, op.pos)
		case "|":
			return nil, p.errorf(op.pos, `"|" at position %d: conditioning and instruments are not written in the formula; give instruments as a separate term list`, op.pos)
		default:
			return nil, p.errorf(op.pos, `unexpected %q at position %d; expected "+" or "-"`, op.text, op.pos)
		}
	}
}
