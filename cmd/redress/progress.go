package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// progress shows work done, rate and time left on a terminal, on one
// line that fits the terminal's width. It is silent when stderr is not
// a terminal.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	unit  string // what is counted, e.g. "replications"
	cols  int    // the terminal's width
	on    bool
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(stderr io.Writer, unit string) *progress {
	p := &progress{w: stderr, unit: unit, start: time.Now()}
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
			p.cols = termWidth(f)
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprint(p.w, "\r"+progressLine(done, total, p.unit, now.Sub(p.start), p.cols)+"\033[K")
	p.shown = true
}

// progressLine renders "  ████····· 12/40 replications  3.1/s  9s left"
// in at most cols−1 columns: the bar shrinks first, then goes, then the
// text is cut.
func progressLine(done, total int, unit string, elapsed time.Duration, cols int) string {
	rate := float64(done) / elapsed.Seconds()
	text := fmt.Sprintf("%d/%d %s  %.1f/s", done, total, unit, rate)
	// Forecast once a few are in.
	if done >= 3 && done < total && rate > 0 {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		text += fmt.Sprintf("  %s left", left.Round(time.Second))
	}
	room := cols - 1 - 2 // the line never reaches the last column
	width := min(30, room-utf8.RuneCountInString(text)-1)
	if width < 10 {
		if r := []rune(text); len(r) > room {
			text = string(r[:max(room, 0)])
		}
		return "  " + text
	}
	fill := width * done / max(total, 1)
	return "  " + strings.Repeat("█", fill) + strings.Repeat("·", width-fill) + " " + text
}

// termWidth returns the width of the terminal f, else $COLUMNS, else 80.
func termWidth(f *os.File) int {
	if c := ttyColumns(f); c > 0 {
		return c
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	return 80
}

// finish ends the progress line, if one was shown.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
