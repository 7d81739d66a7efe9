package scenarios

import "testing"

// FuzzSet: Set never panics on any key path and value; an error is a
// located input error, and a successful Set leaves a scenario that
// validates or reports a located error.
func FuzzSet(f *testing.F) {
	for _, c := range [][2]string{
		{"textbook.rho", "0.5"}, {"policies[0].refund", "1"}, {"population.segments[0].share", "1"},
		{"textbook.beta[1]", "2"}, {"policies[9].refund", "1"}, {"population.traits.justice_alpha[3]", "1"},
		{"mode", "textbook"}, {"policies[0].follow_up", "maybe"}, {"a..b", "1"}, {"population[0]", "1"},
		{"word_of_mouth.mean_degree", "1e99"}, {"population.segments[0].contact.intercept", "1"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		sc := Default()
		if err := sc.Set(key, value); err != nil {
			if !IsInputError(err) || err.Error() == "" {
				t.Fatalf("Set(%q, %q): %v (%T)", key, value, err, err)
			}
			return
		}
		if err := sc.Validate(); err != nil && !IsInputError(err) {
			t.Fatalf("Validate after Set(%q, %q): %v", key, value, err)
		}
	})
}
