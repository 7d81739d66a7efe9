package main

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// Rates of the cost forecast, measured on the project's 2-core machine
// (README, Performance): customer-weeks per second on one core, bytes per
// person simulated, and bytes per episode the estimator table holds.
const (
	customerWeeksPerCore = 9e6
	bytesPerPerson       = 200
	bytesPerEpisode      = 1200
)

// Thresholds above which a run is announced as large before it starts.
const (
	largeSeconds = 60
	largeBytes   = 2 << 30
)

// warnLarge writes to w, before a run starts, what a run of sc will cost
// when it is large: time, memory and how to cut it.
func warnLarge(w io.Writer, sc *scenarios.Scenario, workers int, estimates bool) {
	f := sim.Forecast(sc)
	cores := runtime.GOMAXPROCS(0)
	if workers > 0 {
		cores = min(cores, workers)
	}
	secs := f.CustomerWeeks / (customerWeeksPerCore * float64(cores))
	table := 0.0
	if estimates {
		table = f.Episodes * bytesPerEpisode
	}
	mem := f.People*bytesPerPerson + table
	if secs < largeSeconds && mem < largeBytes {
		return
	}
	fmt.Fprintf(w, "redress: a large run: about %s customer-weeks (%s on %s) and %s failure episodes; memory about %s",
		report.Thousands(f.CustomerWeeks, 0), time.Duration(secs*float64(time.Second)).Round(time.Second), plural(cores, "core"),
		report.Thousands(f.Episodes, 0), gib(mem))
	if table > largeBytes/2 {
		fmt.Fprintf(w, ", %s of it the estimator table (--estimates=false leaves it out and streams the files)", gib(table))
	}
	fmt.Fprintln(w)
}

func gib(b float64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MB", b/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", b/(1<<30))
}
