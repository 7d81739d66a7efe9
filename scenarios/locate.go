package scenarios

import (
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// This file finds where keys are defined in a scenario's TOML text, so
// errors can name the line and the indexed key path
// (policies[1].refund), and suggests the key a misspelt one was meant to
// be. The TOML has already been parsed by the toml package when these
// run; the scanner here only needs key positions and is forgiving: on
// anything it does not understand it skips to the next line.

// keyLoc is one key definition found in the text.
type keyLoc struct {
	path  string   // indexed path: policies[1].eligibility.segments[0]
	parts []string // the path without indices, as in a toml.Key
	line  int      // 1-based
	elem  bool     // an array element (not a key of its own)
}

// seg is one component of an indexed path: a key and any indices.
type seg struct {
	name string
	idx  []int
}

func pathString(segs []seg) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quoteKey(s.name))
		for _, j := range s.idx {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(j))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// quoteKey quotes a key part unless it is a bare key.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !isBare(r) {
			return strconv.Quote(k)
		}
	}
	return k
}

func isBare(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

// keyScanner walks TOML text recording key definitions.
type keyScanner struct {
	s    string
	i    int
	line int
	out  []keyLoc
	// arrays counts the elements of each array of tables so far, by
	// indexed path.
	arrays map[string]int
}

// maxDepth bounds the nesting of arrays and inline tables followed.
const maxDepth = 64

func scanKeys(data []byte) []keyLoc {
	sc := &keyScanner{s: string(data), line: 1, arrays: map[string]int{}}
	sc.run()
	return sc.out
}

func (sc *keyScanner) record(segs []seg, elem bool) {
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s.name
	}
	sc.out = append(sc.out, keyLoc{path: pathString(segs), parts: parts, line: sc.line, elem: elem})
}

func (sc *keyScanner) eof() bool { return sc.i >= len(sc.s) }

// skipSpace skips blanks on the current line.
func (sc *keyScanner) skipSpace() {
	for !sc.eof() && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t' || sc.s[sc.i] == '\r') {
		sc.i++
	}
}

// skipLine moves to the start of the next line.
func (sc *keyScanner) skipLine() {
	for !sc.eof() && sc.s[sc.i] != '\n' {
		sc.i++
	}
	if !sc.eof() {
		sc.i++
		sc.line++
	}
}

// skipSpaceLines skips blanks, newlines and comments (inside arrays).
func (sc *keyScanner) skipSpaceLines() {
	for !sc.eof() {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r':
			sc.i++
		case '\n':
			sc.i++
			sc.line++
		case '#':
			for !sc.eof() && sc.s[sc.i] != '\n' {
				sc.i++
			}
		default:
			return
		}
	}
}

func (sc *keyScanner) run() {
	var table []seg // the current [table] or [[array]] element
	for !sc.eof() {
		sc.skipSpace()
		if sc.eof() {
			return
		}
		switch c := sc.s[sc.i]; {
		case c == '\n' || c == '#':
			sc.skipLine()
		case c == '[':
			arr := strings.HasPrefix(sc.s[sc.i:], "[[")
			if arr {
				sc.i += 2
			} else {
				sc.i++
			}
			parts, ok := sc.key()
			sc.skipSpace()
			closing := "]"
			if arr {
				closing = "]]"
			}
			if !ok || !strings.HasPrefix(sc.s[sc.i:], closing) {
				table = nil
				sc.skipLine()
				continue
			}
			sc.i += len(closing)
			table = sc.header(parts, arr)
			sc.record(table, false)
			sc.skipLine()
		default:
			parts, ok := sc.key()
			sc.skipSpace()
			if !ok || sc.eof() || sc.s[sc.i] != '=' {
				sc.skipLine()
				continue
			}
			sc.i++
			path := appendSegs(table, parts)
			sc.record(path, false)
			sc.skipSpace()
			if !sc.value(path, 0) {
				sc.skipLine()
			}
		}
	}
}

// header resolves a table header to an indexed path: every prefix that
// is an array of tables refers to its latest element, and [[a.b]]
// starts a new element of a.b.
func (sc *keyScanner) header(parts []string, arr bool) []seg {
	var segs []seg
	for j, p := range parts {
		segs = append(segs, seg{name: p})
		key := pathString(segs)
		if arr && j == len(parts)-1 {
			sc.arrays[key]++
		}
		if n, ok := sc.arrays[key]; ok {
			segs[len(segs)-1].idx = []int{n - 1}
		}
	}
	return segs
}

func appendSegs(base []seg, parts []string) []seg {
	out := make([]seg, 0, len(base)+len(parts))
	out = append(out, base...)
	for _, p := range parts {
		out = append(out, seg{name: p})
	}
	return out
}

// withIndex returns path with index j added to its last component.
func withIndex(path []seg, j int) []seg {
	out := append([]seg(nil), path...)
	last := &out[len(out)-1]
	last.idx = append(append([]int(nil), last.idx...), j)
	return out
}

// key reads a (possibly dotted, possibly quoted) key.
func (sc *keyScanner) key() ([]string, bool) {
	var parts []string
	for {
		sc.skipSpace()
		if sc.eof() {
			return nil, false
		}
		var part string
		switch sc.s[sc.i] {
		case '"':
			end := sc.basicEnd(sc.i + 1)
			if end < 0 {
				return nil, false
			}
			u, err := strconv.Unquote(sc.s[sc.i : end+1])
			if err != nil {
				u = sc.s[sc.i+1 : end]
			}
			part = u
			sc.i = end + 1
		case '\'':
			end := strings.IndexAny(sc.s[sc.i+1:], "'\n")
			if end < 0 || sc.s[sc.i+1+end] != '\'' {
				return nil, false
			}
			part = sc.s[sc.i+1 : sc.i+1+end]
			sc.i += end + 2
		default:
			j := sc.i
			for j < len(sc.s) && isBare(rune(sc.s[j])) {
				j++
			}
			if j == sc.i {
				return nil, false
			}
			part = sc.s[sc.i:j]
			sc.i = j
		}
		parts = append(parts, part)
		sc.skipSpace()
		if sc.eof() || sc.s[sc.i] != '.' {
			return parts, true
		}
		sc.i++
	}
}

// basicEnd returns the index of the quote closing a basic string whose
// content starts at i, or −1 if the line ends first.
func (sc *keyScanner) basicEnd(i int) int {
	for ; i < len(sc.s); i++ {
		switch sc.s[i] {
		case '\\':
			i++
		case '"':
			return i
		case '\n':
			return -1
		}
	}
	return -1
}

// separator reads what follows an element of an array or inline table:
// a comma (another element follows) or the closing bracket close (the
// value is done). ok is false for anything else or the end of input.
func (sc *keyScanner) separator(close byte) (done, ok bool) {
	sc.skipSpaceLines()
	if sc.eof() {
		return false, false
	}
	switch sc.s[sc.i] {
	case ',':
		sc.i++
		return false, true
	case close:
		sc.i++
		return true, true
	}
	return false, false
}

// value skips one value, recording the keys of inline tables and the
// elements of arrays under path. It reports false on text it does not
// understand.
func (sc *keyScanner) value(path []seg, depth int) bool {
	if sc.eof() || depth > maxDepth {
		return false
	}
	switch {
	case strings.HasPrefix(sc.s[sc.i:], `"""`):
		return sc.multiline(`"""`, true)
	case strings.HasPrefix(sc.s[sc.i:], `'''`):
		return sc.multiline(`'''`, false)
	case sc.s[sc.i] == '"':
		end := sc.basicEnd(sc.i + 1)
		if end < 0 {
			return false
		}
		sc.i = end + 1
		return true
	case sc.s[sc.i] == '\'':
		end := strings.IndexAny(sc.s[sc.i+1:], "'\n")
		if end < 0 || sc.s[sc.i+1+end] != '\'' {
			return false
		}
		sc.i += end + 2
		return true
	case sc.s[sc.i] == '[':
		sc.i++
		for j := 0; ; j++ {
			sc.skipSpaceLines()
			if sc.eof() {
				return false
			}
			if sc.s[sc.i] == ']' {
				sc.i++
				return true
			}
			elem := withIndex(path, j)
			sc.record(elem, true)
			if !sc.value(elem, depth+1) {
				return false
			}
			if done, ok := sc.separator(']'); done || !ok {
				return ok
			}
		}
	case sc.s[sc.i] == '{':
		sc.i++
		for {
			sc.skipSpaceLines()
			if sc.eof() {
				return false
			}
			if sc.s[sc.i] == '}' {
				sc.i++
				return true
			}
			parts, ok := sc.key()
			sc.skipSpace()
			if !ok || sc.eof() || sc.s[sc.i] != '=' {
				return false
			}
			sc.i++
			sc.skipSpace()
			sub := appendSegs(path, parts)
			sc.record(sub, false)
			if !sc.value(sub, depth+1) {
				return false
			}
			if done, ok := sc.separator('}'); done || !ok {
				return ok
			}
		}
	default:
		// A number, boolean or date: up to a delimiter.
		start := sc.i
		for !sc.eof() && !strings.ContainsRune(",]}#\n\r", rune(sc.s[sc.i])) {
			sc.i++
		}
		return sc.i > start
	}
}

// multiline skips a multi-line string opened by delim at sc.i.
func (sc *keyScanner) multiline(delim string, escapes bool) bool {
	i := sc.i + 3
	for i < len(sc.s) {
		switch {
		case escapes && sc.s[i] == '\\':
			if i+1 < len(sc.s) && sc.s[i+1] == '\n' {
				sc.line++
			}
			i += 2
			continue
		case sc.s[i] == '\n':
			sc.line++
		case strings.HasPrefix(sc.s[i:], delim):
			// Up to two quotes may precede the closing delimiter.
			i += 3
			for k := 0; k < 2 && i < len(sc.s) && sc.s[i] == delim[0]; k++ {
				i++
			}
			sc.i = i
			return true
		}
		i++
	}
	sc.i = len(sc.s)
	return false
}

// locateKey finds where an undecoded key k (from MetaData.Undecoded) is
// defined: its indexed path and line. With several definitions (the same
// key in several [[policies]]) it returns the first; see locateKeyAll.
func locateKey(data []byte, k toml.Key) (path string, line int) {
	locs := locateKeyAll(data, k)
	if len(locs) == 0 {
		return "", 0
	}
	return locs[0].path, locs[0].line
}

// locateKeyAll returns every definition of k in document order.
// MetaData.Undecoded lists a key once per definition, in the same order.
func locateKeyAll(data []byte, k toml.Key) []keyLoc {
	var out []keyLoc
	for _, l := range scanKeys(data) {
		if !l.elem && equalParts(l.parts, k) {
			out = append(out, l)
		}
	}
	return out
}

func equalParts(a []string, b toml.Key) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lineOfPath returns the line where the key at path (as in an Error's
// Key: policies[1].refund, population.segments[0].share,
// textbook.beta[2]) is defined in data, or 0 when the file does not set
// it (the value is a default). A table or array path (policies,
// population.segments) gives the line where it first appears. An array
// element that cannot be placed falls back to the array's line.
func lineOfPath(data []byte, path string) int {
	return newKeyIndex(data).line(path)
}

// lineNear is lineOfPath, falling back to the line of the enclosing
// array-of-tables element: a segment that lacks its share is reported at
// its [[population.segments]] header.
func lineNear(data []byte, path string) int {
	return newKeyIndex(data).near(path)
}

// keyIndex maps the indexed paths defined in a text to their lines.
type keyIndex struct {
	lines  map[string]int
	folded map[string]int // by lower-cased path
}

func newKeyIndex(data []byte) *keyIndex {
	ix := &keyIndex{lines: map[string]int{}, folded: map[string]int{}}
	for _, l := range scanKeys(data) {
		// Register the path and each of its prefixes at their first
		// appearance, so that tables and arrays have lines too.
		p := l.path
		for {
			if _, ok := ix.lines[p]; !ok {
				ix.lines[p] = l.line
			}
			if _, ok := ix.folded[strings.ToLower(p)]; !ok {
				ix.folded[strings.ToLower(p)] = l.line
			}
			cut := strings.LastIndexAny(p, ".[")
			if cut <= 0 {
				break
			}
			p = p[:cut]
		}
	}
	return ix
}

func (ix *keyIndex) line(path string) int {
	if path == "" {
		return 0
	}
	for {
		if n, ok := ix.lines[path]; ok {
			return n
		}
		// The toml package matches keys case-insensitively.
		if n, ok := ix.folded[strings.ToLower(path)]; ok {
			return n
		}
		// textbook.beta[2] in a file that sets beta some other way.
		cut := strings.LastIndexByte(path, '[')
		if !strings.HasSuffix(path, "]") || cut <= 0 {
			return 0
		}
		path = path[:cut]
	}
}

func (ix *keyIndex) near(path string) int {
	if n := ix.line(path); n > 0 {
		return n
	}
	for {
		cut := strings.LastIndexByte(path, '.')
		if cut <= 0 {
			return 0
		}
		path = path[:cut]
		if strings.HasSuffix(path, "]") {
			return ix.line(path)
		}
	}
}

// --- suggestions ---

// suggest returns `; did you mean "refund"?` when k's first unknown part
// is within edit distance 2 of a known key at the same level (or differs
// only in case), `; "rho" is a key of [contact], [textbook]` when that
// part is a known key elsewhere, and "" otherwise.
func suggest(k toml.Key) string {
	t := reflect.TypeOf(Scenario{})
	for _, part := range k {
		t = structOf(t)
		if t == nil {
			return ""
		}
		f, ok := fieldByTOML(t, part)
		if ok {
			t = f.Type
			continue
		}
		best, bestD := "", 3
		for _, name := range tomlNames(t) {
			d := editDistance(strings.ToLower(part), strings.ToLower(name))
			if d < bestD && d < len(part) {
				best, bestD = name, d
			}
		}
		if best != "" {
			return "; did you mean " + strconv.Quote(best) + "?"
		}
		if homes := keyHomes(part); len(homes) > 0 {
			return "; " + strconv.Quote(strings.ToLower(part)) + " is a key of " + strings.Join(homes, ", ")
		}
		return ""
	}
	return ""
}

// structOf unwraps pointers, slices and arrays to a struct type, or nil.
func structOf(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// tomlName is the key a struct field decodes from.
func tomlName(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return f.Name
}

func tomlFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("toml") == "-" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func tomlNames(t reflect.Type) []string {
	var names []string
	for _, f := range tomlFields(t) {
		names = append(names, tomlName(f))
	}
	return names
}

func fieldByTOML(t reflect.Type, name string) (reflect.StructField, bool) {
	for _, f := range tomlFields(t) {
		if tomlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keyHomes lists the tables of the schema that have a key called name
// (compared case-insensitively), as a user would write their headers
// ([contact], [[policies]]), in schema order.
func keyHomes(name string) []string {
	homesOnce.Do(func() { homesByKey = buildKeyHomes() })
	return homesByKey[strings.ToLower(name)]
}

var (
	homesOnce  sync.Once
	homesByKey map[string][]string
)

func buildKeyHomes() map[string][]string {
	out := map[string][]string{}
	var walk func(t reflect.Type, prefix string, array bool, depth int)
	walk = func(t reflect.Type, prefix string, array bool, depth int) {
		if depth > 8 {
			return
		}
		for _, f := range tomlFields(t) {
			n := tomlName(f)
			if prefix != "" {
				h := "[" + prefix + "]"
				if array {
					h = "[[" + prefix + "]]"
				}
				key := strings.ToLower(n)
				if !contains(out[key], h) {
					out[key] = append(out[key], h)
				}
			}
			if st := structOf(f.Type); st != nil {
				p := n
				if prefix != "" {
					p = prefix + "." + n
				}
				walk(st, p, f.Type.Kind() == reflect.Slice, depth+1)
			}
		}
	}
	walk(reflect.TypeOf(Scenario{}), "", false, 0)
	return out
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
