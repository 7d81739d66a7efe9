package formula

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/table"
)

// Design is a design matrix built from a formula and a table.
type Design struct {
	// X holds one row per observation used and one column per regressor,
	// in the order of Names.
	X *mat.Dense
	// Y is the response for each row of X; nil when the formula has no
	// response.
	Y []float64
	// Names are the column names of X: InterceptName first when the
	// model has an intercept, then the terms in formula order.
	Names []string
	// Rows are the indices of the table rows used, in order; row i of X
	// is table row Rows[i].
	Rows []int
	// Dropped is the number of rows left out for missing values (only
	// with DesignOptions.DropMissing).
	Dropped int
}

// DesignOptions controls NewDesign. The zero value is the strict default:
// all rows, and missing values are an error.
type DesignOptions struct {
	// DropMissing asks for listwise deletion: rows with a missing value
	// in any variable of the formula are left out, and counted in
	// Design.Dropped. Without it, a missing value is an error.
	DropMissing bool
	// Subset, if not nil, restricts the design to the table rows i with
	// Subset[i] true, for example the selected observations of a
	// selection model, or the rows complete in every equation of a
	// multi-equation model (see table.Table.Complete). Rows outside the
	// subset are neither used nor counted as dropped. Its length must be
	// the table's.
	Subset []bool
}

// MissingError is the error NewDesign returns when variables of the
// formula have missing values and listwise deletion was not requested.
type MissingError struct {
	Columns []string // the variables with missing values, in formula order
	Counts  []int    // how many rows each is missing in
	Rows    int      // how many rows miss at least one of them
}

// Error implements the error interface.
func (e *MissingError) Error() string {
	parts := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		parts[i] = fmt.Sprintf("%q: %d", c, e.Counts[i])
	}
	rows := "rows have"
	if e.Rows == 1 {
		rows = "row has"
	}
	return fmt.Sprintf("%d %s missing values (%s); listwise deletion was not requested",
		e.Rows, rows, strings.Join(parts, ", "))
}

// NewDesign builds the design matrix of f on t.
//
// It returns an error if a variable is not a column of t (naming the
// columns t has), if a used value is infinite, if a variable has missing
// values and opts.DropMissing is false (a *MissingError), if no rows are
// left, if there are fewer rows than regressors, or if the regressors are
// collinear (a *RankError from CheckRank).
func NewDesign(t *table.Table, f *Formula, opts DesignOptions) (*Design, error) {
	if f == nil {
		return nil, errors.New("formula: nil formula")
	}
	n := t.Len()
	if opts.Subset != nil && len(opts.Subset) != n {
		return nil, fmt.Errorf("formula: subset has %d rows, the table %d", len(opts.Subset), n)
	}
	if len(f.Terms) == 0 && !f.Intercept {
		return nil, fmt.Errorf("formula %q: the model is empty: no variables and no intercept", f)
	}
	terms := make([]term, len(f.Terms))
	for j, l := range f.Terms {
		tm, err := parseTerm(l)
		if err != nil { // a column name that is not a term label
			tm = term{{v: l}}
		}
		terms[j] = tm
	}
	vars := f.Vars()
	missing, err := missingOf(t, vars, terms)
	if err != nil {
		return nil, err
	}
	rows, dropped, err := usableRows(n, vars, missing, opts)
	if err != nil {
		return nil, err
	}
	cols, err := expand(t, f, terms, rows)
	if err != nil {
		return nil, err
	}
	var names []string
	if f.Intercept {
		names = append(names, InterceptName)
	}
	for _, c := range cols {
		names = append(names, c.name)
	}
	p := len(names)
	switch {
	case len(rows) == 0 && dropped > 0:
		return nil, fmt.Errorf("formula: no rows left: all %d have missing values", dropped)
	case len(rows) == 0:
		return nil, errors.New("formula: no rows")
	case len(rows) < p:
		return nil, fmt.Errorf("formula: %d rows for %d regressors", len(rows), p)
	case float64(len(rows))*float64(p) > maxCells:
		return nil, fmt.Errorf("formula: a design of %d rows × %d columns is too large (at most %.0f cells); fewer factor levels or interactions", len(rows), p, float64(maxCells))
	}
	d := &Design{X: mat.NewDense(len(rows), p, nil), Names: names, Rows: rows, Dropped: dropped}
	if f.Response != "" {
		yc, err := t.Col(f.Response)
		if err != nil {
			return nil, err
		}
		d.Y = make([]float64, len(rows))
		for i, r := range rows {
			d.Y[i] = yc[r]
		}
	}
	fill(d.X, cols, rows, f.Intercept)
	if err := CheckRank(d.X, names); err != nil {
		return nil, err
	}
	return d, nil
}

// fill writes the design's rows: the intercept, if any, then cols over
// rows; blocks of rows are written in parallel, column by column.
func fill(X *mat.Dense, cols []column, rows []int, intercept bool) {
	const chunk = 256
	raw := X.RawMatrix()
	k := 0
	if intercept {
		k = 1
	}
	var next atomic.Int64 // the next chunk to write
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(rows)+chunk-1)/chunk) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(rows) {
					return
				}
				fillRows(raw, cols, rows[lo:min(len(rows), lo+chunk)], lo, k, intercept)
			}
		}()
	}
	wg.Wait()
}

// fillRows writes design rows i0, i0+1, … for table rows rows.
func fillRows(raw blas64.General, cols []column, rows []int, i0, k int, intercept bool) {
	data := raw.Data[i0*raw.Stride:]
	if intercept {
		for i := range rows {
			data[i*raw.Stride] = 1
		}
	}
	for j, c := range cols {
		d := data[k+j:]
		if c.vals != nil {
			for i, r := range rows {
				d[i*raw.Stride] = c.vals[r]
			}
			continue
		}
		for i, r := range rows {
			d[i*raw.Stride] = c.at(r)
		}
	}
}

// maxCells bounds a design's size (8 bytes each: 4 GB), maxColumns its
// columns (a factor of many levels, or an interaction of factors).
const (
	maxCells   = 5e8
	maxColumns = 100_000
)

// missingOf returns, per variable, whether each row misses it (NaN, or ""
// in a text column). A text column is allowed only inside factor().
func missingOf(t *table.Table, vars []string, terms []term) ([][]bool, error) {
	out := make([][]bool, len(vars))
	for j, v := range vars {
		m := make([]bool, t.Len())
		if t.IsText(v) {
			for _, tm := range terms {
				for _, a := range tm {
					if a.v == v && a.fn != "factor" {
						_, err := t.Col(v) // the text column's error
						return nil, err
					}
				}
			}
			tc, _ := t.Text(v)
			for i, s := range tc {
				m[i] = s == ""
			}
			out[j] = m
			continue
		}
		c, err := t.Col(v)
		if err != nil {
			return nil, err
		}
		for i, x := range c {
			if math.IsInf(x, 0) {
				return nil, fmt.Errorf("formula: column %q has an infinite value in row %d", v, i+1)
			}
			m[i] = math.IsNaN(x)
		}
		out[j] = m
	}
	return out, nil
}

// usableRows returns the rows of the subset complete in every variable,
// and how many were left out; missing values are an error unless dropped.
func usableRows(n int, vars []string, missing [][]bool, opts DesignOptions) ([]int, int, error) {
	counts := make([]int, len(vars))
	rows := make([]int, 0, n)
	dropped := 0
	for i := range n {
		if opts.Subset != nil && !opts.Subset[i] {
			continue
		}
		complete := true
		for j := range vars {
			if missing[j][i] {
				counts[j]++
				complete = false
			}
		}
		if complete {
			rows = append(rows, i)
		} else {
			dropped++
		}
	}
	if dropped > 0 && !opts.DropMissing {
		e := &MissingError{Rows: dropped}
		for j, k := range counts {
			if k > 0 {
				e.Columns = append(e.Columns, vars[j])
				e.Counts = append(e.Counts, k)
			}
		}
		return nil, 0, e
	}
	return rows, dropped, nil
}

// expand returns the design columns of the terms over rows: an atom's
// values, or for factor(x) a 0/1 column per level (sorted: numbers in
// order, text by code point), the first left out where R's contrast rule
// says so — when the term without that factor is in the model (the
// intercept for a main effect); an interaction's columns are the
// products, the first atom varying fastest.
func expand(t *table.Table, f *Formula, terms []term, rows []int) ([]column, error) {
	inModel := map[string]bool{}
	for _, tm := range terms {
		inModel[tm.key()] = true
	}
	var out []column
	for _, tm := range terms {
		cols := []column{{name: "", at: func(int) float64 { return 1 }, one: true}}
		for j, a := range tm {
			margin := append(append(term{}, tm[:j]...), tm[j+1:]...)
			contrasts := f.Intercept
			if len(margin) > 0 {
				contrasts = inModel[margin.key()]
			}
			ac, err := atomColumns(t, a, rows, contrasts)
			if err != nil {
				return nil, err
			}
			if len(out)+len(cols)*len(ac) > maxColumns {
				return nil, fmt.Errorf("formula: term %s has more than %d columns; fewer factor levels or interactions", tm.label(), maxColumns)
			}
			var next []column
			for _, c2 := range ac {
				for _, c1 := range cols {
					name := c2.name
					if c1.name != "" {
						name = c1.name + ":" + c2.name
					}
					next = append(next, c1.times(c2, name))
				}
			}
			cols = next
		}
		out = append(out, cols...)
	}
	return out, nil
}

// atomColumns returns an atom's columns: one for a variable or a
// transformation (checked finite on rows), or the level dummies of a
// factor.
func atomColumns(t *table.Table, a atom, rows []int, contrasts bool) ([]column, error) {
	if a.fn == "factor" {
		key, err := levelKey(t, a.v)
		if err != nil {
			return nil, err
		}
		levels := levelsOf(t, a.v, key, rows)
		if contrasts {
			levels = levels[1:]
		}
		out := make([]column, len(levels))
		for i, l := range levels {
			out[i] = column{name: a.label() + l, at: func(r int) float64 {
				if key(r) == l {
					return 1
				}
				return 0
			}}
		}
		return out, nil
	}
	c, err := t.Col(a.v)
	if err != nil {
		return nil, err
	}
	if a.fn == "poly" {
		return polyColumns(c, a, rows)
	}
	if a.fn == "" {
		return []column{{name: a.label(), vals: c}}, nil
	}
	vals := make([]float64, len(c)) // by table row; only rows are set
	for _, r := range rows {
		v, err := a.transform(c[r])
		if err != nil {
			return nil, fmt.Errorf("formula: row %d: %w", r+1, err)
		}
		vals[r] = v
	}
	return []column{{name: a.label(), vals: vals}}, nil
}

// polyColumns returns the columns of poly(x, k) over rows: as R's poly,
// the orthonormal polynomials of degrees 1 to k in x (each column of
// unit norm, orthogonal to the constant and to the others, the
// coefficient of its highest power positive), or with raw = TRUE the
// powers x, x², …, x^k. The basis is that of the rows used; R computes
// it on all rows of the data, which differs when rows are dropped or a
// subset is taken (the fit is the same, the poly coefficients not).
func polyColumns(c []float64, a atom, rows []int) ([]column, error) {
	k := int(a.pow)
	x := make([]float64, len(rows))
	distinct := map[float64]bool{}
	for i, r := range rows {
		x[i] = c[r]
		if len(distinct) <= k {
			distinct[c[r]] = true
		}
	}
	if len(distinct) <= k {
		return nil, fmt.Errorf("formula: %s: degree %d needs at least %d distinct values of %q over the rows used, there are %d", a.label(), k, k+1, a.v, len(distinct))
	}
	var basis [][]float64
	if a.raw {
		basis = rawPowers(x, k)
	} else {
		basis = orthoPoly(x, k)
	}
	out := make([]column, k)
	for j, b := range basis {
		vals := make([]float64, len(c)) // by table row; only rows are set
		for i, r := range rows {
			if math.IsInf(b[i], 0) || math.IsNaN(b[i]) {
				return nil, fmt.Errorf("formula: row %d: column %d of %s of %v is not a finite number", r+1, j+1, a.label(), x[i])
			}
			vals[r] = b[i]
		}
		out[j] = column{name: a.label() + strconv.Itoa(j+1), vals: vals}
	}
	return out, nil
}

// rawPowers returns x, x², …, x^k.
func rawPowers(x []float64, k int) [][]float64 {
	out := make([][]float64, k)
	for j := range k {
		out[j] = make([]float64, len(x))
		for i, v := range x {
			out[j][i] = math.Pow(v, float64(j+1))
		}
	}
	return out
}

// orthoPoly returns the orthonormal polynomials of degrees 1 to k on the
// points x: each the previous one times x − x̄, orthogonalised against
// the constant and the earlier ones (twice) and scaled to unit norm, as
// the Gram–Schmidt orthogonalisation of 1, x, …, x^k that R's poly
// computes by QR.
func orthoPoly(x []float64, k int) [][]float64 {
	n := len(x)
	mean := floats.Sum(x) / float64(n)
	q := [][]float64{make([]float64, n)}
	for i := range q[0] {
		q[0][i] = 1 / math.Sqrt(float64(n))
	}
	for j := 1; j <= k; j++ {
		v := make([]float64, n)
		for i, p := range q[j-1] {
			v[i] = (x[i] - mean) * p
		}
		for range 2 {
			for _, qa := range q {
				floats.AddScaled(v, -floats.Dot(qa, v), qa)
			}
		}
		floats.Scale(1/floats.Norm(v, 2), v)
		q = append(q, v)
	}
	return q[1:]
}

// levelKey returns the level of row r of column v, as text.
func levelKey(t *table.Table, v string) (func(r int) string, error) {
	if t.IsText(v) {
		tc, _ := t.Text(v)
		return func(r int) string { return tc[r] }, nil
	}
	c, err := t.Col(v)
	if err != nil {
		return nil, err
	}
	return func(r int) string { return strconv.FormatFloat(c[r], 'g', -1, 64) }, nil
}

// levelsOf returns the levels of v over rows: numbers in numeric order,
// text by code point.
func levelsOf(t *table.Table, v string, key func(int) string, rows []int) []string {
	seen := map[string]bool{}
	var levels []string
	for _, r := range rows {
		if k := key(r); !seen[k] {
			seen[k] = true
			levels = append(levels, k)
		}
	}
	if t.IsText(v) {
		sort.Strings(levels)
	} else {
		sort.Slice(levels, func(i, j int) bool {
			a, _ := strconv.ParseFloat(levels[i], 64)
			b, _ := strconv.ParseFloat(levels[j], 64)
			return a < b
		})
	}
	return levels
}

// rankTol is the relative tolerance of CheckRank: a column is collinear
// when the part of it orthogonal to the earlier columns has a norm below
// rankTol times its own norm.
const rankTol = 1e-10

// Dependency describes one column that is a linear combination of
// earlier columns.
type Dependency struct {
	Column string    // the dependent column
	Of     []string  // the earlier columns it is a combination of; empty if it is all zeros
	Coef   []float64 // Column ≈ Σ Coef[i]·Of[i]
}

// RankError is the error CheckRank returns for collinear columns. Its
// message reads, for example,
//
//	collinear regressors: "x3" is a linear combination of "(Intercept)", "x1", "x2"
type RankError struct {
	Deps []Dependency // in column order
}

// Error implements the error interface.
func (e *RankError) Error() string {
	parts := make([]string, len(e.Deps))
	for i, d := range e.Deps {
		parts[i] = d.String()
	}
	return "collinear regressors: " + strings.Join(parts, "; ")
}

// String describes the dependency in words.
func (d Dependency) String() string {
	switch {
	case len(d.Of) == 0:
		return fmt.Sprintf("%q is all zeros", d.Column)
	case len(d.Of) == 1 && d.Of[0] == InterceptName:
		return fmt.Sprintf("%q is constant", d.Column)
	case len(d.Of) == 1 && math.Abs(d.Coef[0]-1) <= 1e-8:
		return fmt.Sprintf("%q duplicates %q", d.Column, d.Of[0])
	case len(d.Of) == 1:
		return fmt.Sprintf("%q is a multiple of %q", d.Column, d.Of[0])
	}
	q := make([]string, len(d.Of))
	for i, s := range d.Of {
		q[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q is a linear combination of %s", d.Column, strings.Join(q, ", "))
}

// CheckRank returns a *RankError naming every column of X that is a
// linear combination of the columns before it, and the columns it
// combines, or nil if X has full column rank. names gives the column
// names; if it is nil the columns are called "column 1", "column 2", ….
//
// Columns are taken in order and orthogonalised against the earlier
// independent ones (modified Gram–Schmidt, applied twice). A column is
// dependent when what remains has a norm below 1e-10 times the column's
// own norm; nearly collinear columns with real variation pass. A column
// of zeros, a constant column next to the intercept, a repeated column
// and an exact linear combination are all caught. X must hold finite
// values; CheckRank returns an error otherwise.
//
// A design of full rank by a wide margin, the usual case, is settled by
// one parallel pass over X (its Gram matrix and that matrix's Cholesky
// factorisation) with the same answer.
func CheckRank(X *mat.Dense, names []string) error {
	_, c := X.Dims()
	if names == nil {
		names = make([]string, c)
		for j := range names {
			names[j] = fmt.Sprintf("column %d", j+1)
		}
	}
	if len(names) != c {
		return fmt.Errorf("formula: %d names for %d columns", len(names), c)
	}
	if clearlyFullRank(X) {
		return nil
	}
	return gramSchmidtRank(X, names)
}

// gramSchmidtRank is CheckRank by modified Gram–Schmidt, column by
// column.
func gramSchmidtRank(X *mat.Dense, names []string) error {
	r, c := X.Dims()
	var (
		q     [][]float64 // orthonormal basis of the independent columns
		R     [][]float64 // R[a] holds the coefficients of independent column a on q[0..a]
		idx   []int       // the independent columns
		norms []float64   // their norms
		deps  []Dependency
	)
	for j := 0; j < c; j++ {
		x := mat.Col(nil, j, X)
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("formula: column %q has the non-finite value %v in row %d", names[j], v, i+1)
			}
		}
		norm0 := floats.Norm(x, 2)
		if norm0 == 0 {
			deps = append(deps, Dependency{Column: names[j]})
			continue
		}
		v := append([]float64(nil), x...)
		coef := make([]float64, len(q)+1)
		for pass := 0; pass < 2; pass++ {
			for a, qa := range q {
				d := floats.Dot(qa, v)
				coef[a] += d
				floats.AddScaled(v, -d, qa)
			}
		}
		res := floats.Norm(v, 2)
		if res > rankTol*norm0 && len(q) < r {
			floats.Scale(1/res, v)
			coef[len(q)] = res
			q = append(q, v)
			R = append(R, coef)
			idx = append(idx, j)
			norms = append(norms, norm0)
			continue
		}
		// x ≈ Σ_a coef[a] q[a] = Σ_b β_b x_idx[b]: solve the triangular
		// system Σ_{b≥a} R[b][a] β_b = coef[a] from the bottom up.
		k := len(q)
		beta := make([]float64, k)
		for a := k - 1; a >= 0; a-- {
			s := coef[a]
			for b := a + 1; b < k; b++ {
				s -= R[b][a] * beta[b]
			}
			beta[a] = s / R[a][a]
		}
		dep := Dependency{Column: names[j]}
		for b, beta := range beta {
			if math.Abs(beta)*norms[b] > 1e-7*norm0 {
				dep.Of = append(dep.Of, names[idx[b]])
				dep.Coef = append(dep.Coef, beta)
			}
		}
		deps = append(deps, dep)
	}
	if len(deps) > 0 {
		return &RankError{Deps: deps}
	}
	return nil
}

// clearlyFullRank reports whether X has full column rank by a margin no
// rounding can hide, which Gram–Schmidt would find too: in the Cholesky
// factorisation of the Gram matrix X'X, the part of each column
// orthogonal to the earlier ones keeps at least 1e-6 of its squared
// norm, with the error bound of the computed Gram matrix below 1e-3 of
// that part. When it reports false, CheckRank decides column by column;
// one pass over X settles the usual well-conditioned design.
func clearlyFullRank(X *mat.Dense) bool {
	r, c := X.Dims()
	if c == 0 || r < c {
		return false
	}
	G, gamma := gram(X)
	L := make([][]float64, c) // G = L L', L lower triangular, by rows
	for j := range c {
		gjj := G[j*c+j]
		w := make([]float64, j+1) // L⁻¹ G[0:j, j], then √d
		for a := range j {
			s := G[a*c+j]
			for b := range a {
				s -= L[a][b] * w[b]
			}
			w[a] = s / L[a][a]
		}
		d := gjj - floats.Dot(w[:j], w[:j])
		if !(d > 1e-6*gjj) || math.IsInf(gjj, 0) {
			return false
		}
		// x_j's coefficients β on the earlier columns (L' β = w) bound
		// the error of d: |δd| ≤ γ (‖x_j‖ + Σ|β_a| ‖x_a‖)².
		beta := make([]float64, j)
		bound := math.Sqrt(gjj)
		for a := j - 1; a >= 0; a-- {
			s := w[a]
			for b := a + 1; b < j; b++ {
				s -= L[b][a] * beta[b]
			}
			beta[a] = s / L[a][a]
			bound += math.Abs(beta[a]) * math.Sqrt(G[a*c+a])
		}
		if !(gamma*bound*bound < 1e-3*d) {
			return false
		}
		w[j] = math.Sqrt(d)
		L[j] = w
	}
	return true
}

// gramRows is the rows summed before a partial sum is added to the
// total, which bounds the rounding error of gram.
const gramRows = 1024

// gram returns X'X (c×c, row-major, upper triangle and diagonal set),
// summed in parallel over blocks of rows, and a bound γ on its error:
// |δG_ab| ≤ γ ‖x_a‖ ‖x_b‖.
func gram(X *mat.Dense) ([]float64, float64) {
	r, c := X.Dims()
	raw := X.RawMatrix()
	workers := min(runtime.GOMAXPROCS(0), (r+gramRows-1)/gramRows)
	parts := make([][]float64, workers)
	var wg sync.WaitGroup
	per := (r + workers - 1) / workers
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = gramBlock(raw, c, w*per, min(r, (w+1)*per))
		}()
	}
	wg.Wait()
	G := parts[0]
	for _, p := range parts[1:] {
		floats.Add(G, p)
	}
	// Each entry is a sum of at most gramRows products, then of the
	// partial sums: error ≤ (gramRows + blocks + workers)·ε per product.
	blocks := (r + gramRows - 1) / gramRows
	return G, 2 * float64(gramRows+blocks+workers+2) * 0x1p-53
}

// gramBlock returns the Gram matrix of rows [lo, hi) of raw's c columns.
func gramBlock(raw blas64.General, c, lo, hi int) []float64 {
	tot := make([]float64, c*c)
	part := make([]float64, c*c)
	for start := lo; start < hi; start += gramRows {
		clear(part)
		end := min(hi, start+gramRows)
		i := start
		for ; i+1 < end; i += 2 { // two rows at a time: half the stores
			r1 := raw.Data[i*raw.Stride : i*raw.Stride+c]
			r2 := raw.Data[(i+1)*raw.Stride : (i+1)*raw.Stride+c]
			for a := range c {
				x1, x2 := r1[a], r2[a]
				acc := part[a*c : a*c+c]
				for b := a; b < c; b++ {
					acc[b] += x1*r1[b] + x2*r2[b]
				}
			}
		}
		if i < end {
			row := raw.Data[i*raw.Stride : i*raw.Stride+c]
			for a, xa := range row {
				acc := part[a*c : a*c+c]
				for b := a; b < c; b++ {
					acc[b] += xa * row[b]
				}
			}
		}
		floats.Add(tot, part)
	}
	return tot
}
