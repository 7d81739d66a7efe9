package scenarios

import "testing"

func TestApologyLevel(t *testing.T) {
	for _, c := range []struct {
		a    Apology
		want int
	}{{ApologyNone, 0}, {"", 0}, {ApologyScripted, 1}, {ApologySincere, 2}, {"grovelling", -1}} {
		if got := c.a.Level(); got != c.want {
			t.Errorf("%q.Level() = %d, want %d", c.a, got, c.want)
		}
	}
	sc := Default()
	sc.Policies[0].Apology = ""
	if err := sc.Validate(); err == nil {
		t.Error("an empty apology validates")
	}
	sc = Default()
	sc.Mode = "agentic"
	if err := sc.Validate(); err == nil {
		t.Error("an unknown mode validates")
	}
}
