package policies_test

import (
	"fmt"

	"github.com/redress-sim/redress/policies"
)

// What speed costs: 300 contacts a week, 20 minutes of agent time each,
// planned for a 2-hour and a 48-hour mean response target.
func ExamplePlanShift() {
	for _, target := range []float64{2, 48} {
		s := policies.PlanShift(300, 1.0/3, target, 8)
		fmt.Printf("target %2.0f h: agents on duty %d, %.0f h a day; mean wait %.2f h; %.0f paid hours a week\n",
			target, s.Agents, s.Hours, s.MeanWait, s.PaidHours())
	}
	// Output:
	// target  2 h: agents on duty 1, 18 h a day; mean wait 1.76 h; 130 paid hours a week
	// target 48 h: agents on duty 1, 14 h a day; mean wait 24.10 h; 102 paid hours a week
}

// The probability that a contact waits with 3 agents and 2 Erlangs of load.
func ExampleErlangC() {
	fmt.Printf("%.4f\n", policies.ErlangC(3, 2))
	// Output: 0.4444
}
