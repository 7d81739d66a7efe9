package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestProgressLineFitsTheTerminal(t *testing.T) {
	for _, c := range []struct {
		done, total, cols int
		bar               bool
		want              string
	}{
		{12, 40, 120, true, "12/40 replications  6.0/s  5s left"},
		{12, 40, 80, true, "12/40 replications"},
		{12, 40, 50, true, "12/40 replications  6.0/s  5s left"},
		{12, 40, 45, false, "12/40 replications  6.0/s  5s left"},
		{40, 40, 30, false, "40/40 replications  20.0/s"},
		{1, 40, 12, false, "1/40 rep"},
		{0, 0, 3, false, ""},
	} {
		got := progressLine(c.done, c.total, "replications", 2*time.Second, c.cols)
		if n := utf8.RuneCountInString(got); n > max(c.cols-1, 2) {
			t.Errorf("cols %d: %d runes: %q", c.cols, n, got)
		}
		if strings.Contains(got, "█") || strings.Contains(got, "·") {
			if !c.bar {
				t.Errorf("cols %d: a bar where none fits: %q", c.cols, got)
			}
		} else if c.bar {
			t.Errorf("cols %d: no bar: %q", c.cols, got)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("cols %d: %q lacks %q", c.cols, got, c.want)
		}
	}
}
