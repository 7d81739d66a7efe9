package simcal

import (
	"slices"
	"strings"
	"testing"
)

var knownMoments = []string{"contact_rate", "contact_rate[severity=high]", "response_rate", "churn_rate"}

func TestParseMomentList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"contact_rate\n# a comment\n\n  response_rate  # why\n", []string{"contact_rate", "response_rate"}, ""},
		{"contact_rate[severity=high]\r\nchurn_rate", []string{"contact_rate[severity=high]", "churn_rate"}, ""},
		{"contact_rate\ncontact_rate\n", nil, "m.txt:2: moment \"contact_rate\" given twice (first on line 1)"},
		{"contact_rate\nnps\n", nil, "m.txt:2: no moment \"nps\" in these data; the moments are: contact_rate, "},
		{"# nothing\n\n", nil, "m.txt: no moment names"},
		{strings.Repeat("x", maxListBytes+1), nil, "a moment list is at most"},
	} {
		got, err := ParseMomentList([]byte(tc.in), "m.txt", knownMoments)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || !slices.Equal(got, tc.want)):
			t.Errorf("%q: %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseMomentList: never panics; a list is returned only with names
// that are known, each once, or an error naming the file.
func FuzzParseMomentList(f *testing.F) {
	for _, s := range []string{"contact_rate\n", "a\x00b\n#", "contact_rate # x\nchurn_rate\r\n", "\n\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseMomentList(data, "f.txt", knownMoments)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt") || got != nil {
				t.Fatalf("error %v with %v", err, got)
			}
			return
		}
		seen := map[string]bool{}
		for _, n := range got {
			if !slices.Contains(knownMoments, n) || seen[n] {
				t.Fatalf("returned %q in %v", n, got)
			}
			seen[n] = true
		}
	})
}
