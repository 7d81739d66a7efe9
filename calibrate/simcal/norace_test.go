//go:build !race

package simcal

const raceEnabled = false
