package study

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/redress-sim/redress/internal/outfile"
)

// ReadManifest reads a study directory's study.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, inputErr("%s is not a bias study directory: %w", dir, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, inputErr("%s: %w", filepath.Join(dir, ManifestFile), jsonError(err))
	}
	if err := m.validate(); err != nil {
		return m, inputErr("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return m, nil
}

// Merge combines the outputs of the shards of one study (or of copies
// of whole studies' disjoint parts) into out: the files equal those of
// a single run of the whole study. Every replication must be present
// exactly once.
func Merge(dirs []string, out string, plot PlotFunc) (*Results, error) {
	if len(dirs) == 0 {
		return nil, inputErr("merge: name the shard directories")
	}
	var man Manifest
	var ref []byte
	var rows []RepRow
	shards := map[string]string{}
	for k, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, err
		}
		if m.Until != "" {
			return nil, inputErr("merge: %s is a study with a precision target, which is never sharded; it needs no merge", d)
		}
		if m.Shard != "" {
			if prev, ok := shards[m.Shard]; ok {
				return nil, inputErr("merge: %s and %s are both shard %s", prev, d, m.Shard)
			}
			shards[m.Shard] = d
		}
		whole := m
		whole.Shard = ""
		b, err := marshalManifest(whole)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			man, ref = whole, b
		} else if !bytes.Equal(b, ref) {
			return nil, inputErr("merge: %s is a different study from %s (scenario, seed, reps, estimators or sweeps differ)", d, dirs[0])
		}
		rs, err := readReplications(filepath.Join(d, ReplicationsFile), m)
		if err != nil {
			return nil, &InputError{err}
		}
		pts := Grid(m.Sweeps)
		all := tasks(m, len(pts))
		rs = completePrefix(rs, len(m.Pairs))
		if err := checkPrefix(rs, all, m); err != nil {
			return nil, inputErr("merge: %s: %w", d, err)
		}
		if got := len(rs) / len(m.Pairs); got < len(all) {
			return nil, &InputError{fmt.Errorf("merge: %s has %d of its %d replications: %w", d, got, len(all), ErrUnfinished)}
		}
		rows = append(rows, rs...)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Point != rows[j].Point {
			return rows[i].Point < rows[j].Point
		}
		return rows[i].Rep < rows[j].Rep
	})
	points := Grid(man.Sweeps)
	all := tasks(man, len(points))
	per := len(man.Pairs)
	if err := checkMerged(rows, all, per); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if err := outfile.WriteFile(filepath.Join(out, ManifestFile), ref); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	writeHeader(cw, man)
	for i := range rows {
		writeRow(cw, man, points, &rows[i])
	}
	cw.Flush()
	if err := outfile.WriteFile(filepath.Join(out, ReplicationsFile), buf.Bytes()); err != nil {
		return nil, err
	}
	res := &Results{Manifest: man, Points: points, Rows: rows, Summary: Summarize(rows)}
	if err := writeOutputs(out, res, plot); err != nil {
		return nil, err
	}
	return res, nil
}

// checkMerged checks that the sorted rows of the shards hold every task
// exactly once.
func checkMerged(rows []RepRow, all []task, per int) error {
	for i := 0; i+per <= len(rows) && i/per < len(all); i += per {
		t := all[i/per]
		if rows[i].Point != t.point || rows[i].Rep != t.rep {
			if rows[i].Point == t.point && rows[i].Rep > t.rep || rows[i].Point > t.point {
				return inputErr("merge: replication %d of point %d is missing (is a shard left out?)", t.rep, t.point)
			}
			return inputErr("merge: replication %d of point %d appears twice", rows[i].Rep, rows[i].Point)
		}
	}
	if len(rows) != len(all)*per {
		if len(rows) > len(all)*per {
			return inputErr("merge: some replications appear more than once")
		}
		return inputErr("merge: %d of %d replications present (is a shard left out?)", len(rows)/per, len(all))
	}
	return nil
}
