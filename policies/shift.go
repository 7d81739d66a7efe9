package policies

import "math"

// Shift is how a policy with a response-time target staffs support in a
// week: Agents on duty for a daily window of Hours, every day. Agents are
// paid for the whole window whether busy or not.
type Shift struct {
	Agents int
	Hours  float64
	// MeanWait is the mean response time in hours at the planned
	// arrivals: the wait for the window to open plus the Erlang C wait
	// in it.
	MeanWait float64
}

// PaidHours is the agent hours paid per week.
func (s Shift) PaidHours() float64 { return float64(s.Agents) * s.Hours * 7 }

// shiftStep is the granularity of the daily window, hours.
const shiftStep = 0.5

// PlanShift returns the cheapest shift — fewest paid agent hours a week —
// whose mean response time meets target hours when contactsPerWeek
// contacts, each taking handle agent hours, arrive uniformly over the
// day, in a daily window of at least minShift hours. A contact arriving outside a daily window of D hours waits for it
// to open, (24 − D)²/48 hours on average over all contacts; inside the
// window the day's work meets c agents as an offered load
// a = (contacts/7)·handle/D Erlangs, with the Erlang C mean wait
// C(c, a)·handle/(c − a) (Erlang 1917; Gans, Koole & Mandelbaum 2003,
// M&SOM 5(2)). A short target forces a long window, and a window's agents
// are paid whether busy or not: that is what speed costs. Ties go to the
// longer window (the shorter wait). Handle must be > 0 and target ≥ 0.
func PlanShift(contactsPerWeek, handle, target, minShift float64) Shift {
	daily := math.Max(0, contactsPerWeek) / 7 * handle
	best := Shift{Agents: -1}
	for d := 24.0; d >= minShift-1e-9; d -= shiftStep {
		off := (24 - d) * (24 - d) / 48
		if off > target {
			break // shorter windows only wait longer
		}
		a := daily / d
		cmax := int(a+10*math.Sqrt(a)) + 100
		for c := max(1, int(math.Floor(a))+1); c <= cmax; c++ {
			w := off + ErlangC(float64(c), a)*handle/(float64(c)-a)
			if w <= target {
				s := Shift{Agents: c, Hours: d, MeanWait: w}
				if best.Agents < 0 || s.PaidHours() < best.PaidHours()-1e-9 {
					best = s
				}
				break
			}
			if float64(c)*d*7 > best.PaidHours() && best.Agents >= 0 {
				break // already dearer than the best plan
			}
		}
	}
	if best.Agents < 0 {
		// Only round-the-clock cover can come near the target: staff it
		// until the queue wait is within 1% of the handle time.
		a := daily / 24
		c := max(1, int(math.Floor(a))+1)
		for ErlangC(float64(c), a)/(float64(c)-a) > 0.01 && c < int(a)+1000 {
			c++
		}
		best = Shift{Agents: c, Hours: 24, MeanWait: ErlangC(float64(c), a) * handle / (float64(c) - a)}
	}
	return best
}
