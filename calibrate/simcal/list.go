package simcal

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// maxListBytes bounds a moment list: a few hundred names at most.
const maxListBytes = 1 << 16

// ParseMomentList reads a moment list: one moment name per line (as
// moments.Compute names them, e.g. contact_rate[severity=high]), blank
// lines and text after # ignored. Every name must be one of known; a
// name given twice, an unknown name (with the known ones listed) or an
// empty list is an error naming the file and line.
func ParseMomentList(data []byte, file string, known []string) ([]string, error) {
	if len(data) > maxListBytes {
		return nil, fmt.Errorf("%s: %d bytes; a moment list is at most %d", file, len(data), maxListBytes)
	}
	var names []string
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxListBytes)
	for line := 1; sc.Scan(); line++ {
		name, _, _ := strings.Cut(sc.Text(), "#")
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			continue
		case seen[name] > 0:
			return nil, fmt.Errorf("%s:%d: moment %q given twice (first on line %d)", file, line, name, seen[name])
		case !slices.Contains(known, name):
			return nil, fmt.Errorf("%s:%d: no moment %q in these data; the moments are: %s", file, line, name, strings.Join(known, ", "))
		}
		seen[name] = line
		names = append(names, name)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no moment names (one per line)", file)
	}
	return names, nil
}
