//go:build race

package simcal

const raceEnabled = true
