// Package outfile writes output files atomically: data go to a temporary
// file in the destination directory, and only a complete file is renamed
// to its final name. An interrupted or failed run therefore never leaves a
// half-written file under the final name.
package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// File is an output file being written. Call Commit to publish it or
// Abort to discard it; after either, the File must not be used.
type File struct {
	*bufio.Writer
	f      *os.File
	final  string
	done   bool // completed or aborted
	closed bool // completed and not yet published
}

// Create opens a temporary file next to path for writing.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	removeStaleTemps(dir, filepath.Base(path))
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{Writer: bufio.NewWriterSize(f, 1<<16), f: f, final: path}, nil
}

// Commit flushes, syncs and renames the file to its final name.
func (o *File) Commit() error {
	if err := o.complete(); err != nil {
		return err
	}
	return o.publish()
}

// complete flushes and closes the temporary file (removing it on error).
func (o *File) complete() error {
	if o.done {
		return nil
	}
	o.done = true
	fail := func(what string, err error) error {
		o.f.Close()
		os.Remove(o.f.Name())
		return fmt.Errorf("%s %s: %w", what, o.final, err)
	}
	if err := o.Flush(); err != nil {
		return fail("write", err)
	}
	if err := o.f.Chmod(0o644); err != nil {
		return fail("chmod", err)
	}
	if err := o.f.Close(); err != nil {
		os.Remove(o.f.Name())
		return fmt.Errorf("close %s: %w", o.final, err)
	}
	o.closed = true
	return nil
}

// publish renames a completed temporary file to its final name.
func (o *File) publish() error {
	if !o.closed {
		return nil
	}
	o.closed = false
	if err := os.Rename(o.f.Name(), o.final); err != nil {
		os.Remove(o.f.Name())
		return fmt.Errorf("rename %s: %w", o.final, err)
	}
	return nil
}

// RunFiles returns the names of every file a simulation run may write
// into its directory (behavioral and textbook runs alike): the files a
// run's CommitAll replaces.
func RunFiles() []string {
	return []string{"customers.csv", "episodes.csv", "truth_episodes.csv", "codebook.json", "truth.json"}
}

// CommitAll publishes files as one set. It completes every file; if one
// cannot be completed, none is published and all are discarded. Then it
// removes each of the names in replaces (the files an earlier set may
// have left in the files' directories), last first, and renames the
// files, in order, to their final names. So a directory never mixes two
// sets, and when the last file (put the set's marker there) is present,
// the whole set is.
func CommitAll(replaces []string, files ...*File) error {
	for i, f := range files {
		if err := f.complete(); err != nil {
			for _, g := range files[i+1:] {
				g.Abort()
			}
			for _, g := range files[:i] {
				g.discard()
			}
			return err
		}
	}
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f.final)] = true
	}
	for d := range dirs { // order does not matter: only removals
		// The last name first: the earlier set's marker goes before the
		// rest, so a failure part-way never leaves a marker beside an
		// incomplete set.
		for _, name := range slices.Backward(replaces) {
			if err := os.Remove(filepath.Join(d, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				for _, f := range files {
					f.discard()
				}
				return fmt.Errorf("remove the earlier %s: %w", name, err)
			}
		}
	}
	for i, f := range files {
		if err := f.publish(); err != nil {
			for _, g := range files[i+1:] {
				g.discard()
			}
			return err
		}
	}
	return nil
}

// discard removes a completed, unpublished temporary file.
func (o *File) discard() {
	if o.closed {
		o.closed = false
		os.Remove(o.f.Name())
	}
}

// Abort discards the temporary file. It is safe to call after Commit.
func (o *File) Abort() {
	if o.done {
		o.discard()
		return
	}
	o.done = true
	o.f.Close()
	os.Remove(o.f.Name())
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// Row builds one CSV row of numbers and identifiers into a reusable
// buffer, so streaming the simulator's millions of rows allocates
// nothing (encoding/csv wants a []string per row). Its output is what
// encoding/csv writes for the same cells; files with free text use
// encoding/csv itself.
type Row struct {
	buf []byte
	n   int
}

// Reset starts a new row.
func (r *Row) Reset() { r.buf = r.buf[:0]; r.n = 0 }

func (r *Row) sep() {
	if r.n > 0 {
		r.buf = append(r.buf, ',')
	}
	r.n++
}

// Float appends a float with the shortest exact representation.
func (r *Row) Float(x float64) {
	r.sep()
	r.buf = strconv.AppendFloat(r.buf, x, 'g', -1, 64)
}

// Fixed appends a float with d decimals, exactly as strconv.AppendFloat
// with format 'f' would.
func (r *Row) Fixed(x float64, d int) {
	r.sep()
	r.buf = appendFixed(r.buf, x, d)
}

// pow10 holds 10^0 … 10^9.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// appendFixed formats x with d decimals through an integer when that is
// certain to round as strconv does: x·10^d is computed with a relative
// error below 2^−52, so unless it lies that close to a half it rounds to
// the same integer the exact decimal expansion does. Ties, large values
// and special values go to strconv.
func appendFixed(dst []byte, x float64, d int) []byte {
	if d < 0 || d >= len(pow10) || !(math.Abs(x) < 1e9) {
		return strconv.AppendFloat(dst, x, 'f', d, 64)
	}
	s := math.Abs(x) * pow10[d]
	f := math.Floor(s)
	if frac := s - f; math.Abs(frac-0.5) <= 4e-16*s+1e-300 {
		return strconv.AppendFloat(dst, x, 'f', d, 64)
	} else if frac > 0.5 {
		f++
	}
	if math.Signbit(x) {
		dst = append(dst, '-')
	}
	n := uint64(f)
	var tmp [24]byte
	i := len(tmp)
	for k := 0; k < d || n > 0 || k == d; k++ {
		if k == d && d > 0 {
			i--
			tmp[i] = '.'
		}
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if k >= d && n == 0 {
			break
		}
	}
	return append(dst, tmp[i:]...)
}

// Int appends an integer.
func (r *Row) Int(x int64) {
	r.sep()
	r.buf = strconv.AppendInt(r.buf, x, 10)
}

// Bool appends 1 or 0.
func (r *Row) Bool(b bool) {
	if b {
		r.Int(1)
	} else {
		r.Int(0)
	}
}

// Str appends a string cell, quoted as encoding/csv would when it holds
// a comma, a quote or a line break.
func (r *Row) Str(s string) {
	r.sep()
	if !strings.ContainsAny(s, ",\"\r\n") {
		r.buf = append(r.buf, s...)
		return
	}
	r.buf = append(r.buf, '"')
	r.buf = append(r.buf, strings.ReplaceAll(s, `"`, `""`)...)
	r.buf = append(r.buf, '"')
}

// Empty appends an empty (missing) cell.
func (r *Row) Empty() { r.sep() }

// Bytes returns the row terminated by a newline.
func (r *Row) Bytes() []byte { return append(r.buf, '\n') }

// staleAfter is how long a temporary file must have gone unwritten
// before Create takes it for the leftover of a killed process.
const staleAfter = time.Hour

// removeStaleTemps removes the temporary files of earlier writers of
// base in dir that have not been written for staleAfter: a process
// killed before Commit or Abort (SIGKILL) leaves them, and nothing else
// would ever remove them. A writer that is still working touches its
// file far more often.
func removeStaleTemps(dir, base string) {
	olds, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*"))
	for _, old := range olds {
		if fi, err := os.Stat(old); err == nil && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(old)
		}
	}
}
