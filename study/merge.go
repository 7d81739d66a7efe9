package study

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
// exactly once. The shards are merged as streams, so memory does not
// grow with the number of replications.
func Merge(dirs []string, out string, plot PlotFunc) (*Results, error) {
	if len(dirs) == 0 {
		return nil, inputErr("merge: name the shard directories")
	}
	man, ref, mans, err := mergeManifests(dirs)
	if err != nil {
		return nil, err
	}
	readers := make([]*ReplicationReader, len(dirs))
	defer func() {
		for _, rd := range readers {
			if rd != nil {
				rd.Close()
			}
		}
	}()
	for k, d := range dirs {
		if readers[k], err = openShard(d, mans[k]); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	points := Grid(man.Sweeps)
	st := &studyRun{man: man, points: points, tl: newTaskList(man, len(points)),
		sum: newSummarizer(man.Pairs, len(points)), res: &Results{Manifest: man, Points: points}}
	rep, err := outfile.Create(filepath.Join(out, ReplicationsFile))
	if err != nil {
		return nil, err
	}
	defer rep.Abort()
	cw := csv.NewWriter(rep)
	writeHeader(cw, man)
	cw.Flush()
	if err := mergeStreams(readers, st.tl, newRepSink(rep, points, st.sum)); err != nil {
		return nil, err
	}
	if err := outfile.WriteFile(filepath.Join(out, ManifestFile), ref); err != nil {
		return nil, err
	}
	if err := rep.Commit(); err != nil {
		return nil, err
	}
	res := st.results()
	if err := writeOutputs(out, res, plot); err != nil {
		return nil, err
	}
	return res, nil
}

// mergeManifests reads the shards' manifests and checks that they are
// shards of one study, each once. It returns the whole study's manifest
// and its bytes, and each shard's.
func mergeManifests(dirs []string) (Manifest, []byte, []Manifest, error) {
	var man Manifest
	var ref []byte
	mans := make([]Manifest, len(dirs))
	shards := map[string]string{}
	for k, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return man, nil, nil, err
		}
		if m.Until != "" {
			return man, nil, nil, inputErr("merge: %s is a study with a precision target, which is never sharded; it needs no merge", d)
		}
		if m.Shard != "" {
			if prev, ok := shards[m.Shard]; ok {
				return man, nil, nil, inputErr("merge: %s and %s are both shard %s", prev, d, m.Shard)
			}
			shards[m.Shard] = d
		}
		whole := m
		whole.Shard = ""
		b, err := marshalManifest(whole)
		if err != nil {
			return man, nil, nil, err
		}
		if k == 0 {
			man, ref = whole, b
		} else if !bytes.Equal(b, ref) {
			return man, nil, nil, inputErr("merge: %s is a different study from %s (scenario, seed, reps, estimators, external commands or sweeps differ)", d, dirs[0])
		}
		mans[k] = m
	}
	return man, ref, mans, nil
}

// openShard checks that the shard in dir holds all its replications, in
// order, and returns a reader positioned at its first.
func openShard(dir string, m Manifest) (*ReplicationReader, error) {
	path := filepath.Join(dir, ReplicationsFile)
	tl := newTaskList(m, len(Grid(m.Sweeps)))
	rd, err := OpenReplications(path, m)
	if err != nil {
		return nil, &InputError{err}
	}
	k := 0
	for ; ; k++ {
		rows, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = expectTask(tl, k, rows[0])
		}
		if err != nil {
			rd.Close()
			return nil, inputErr("merge: %s: %w", dir, err)
		}
	}
	rd.Close()
	if k < tl.len() {
		return nil, &InputError{fmt.Errorf("merge: %s has %d of its %d replications: %w", dir, k, tl.len(), ErrUnfinished)}
	}
	return OpenReplications(path, m)
}

// mergeStreams writes the replications of the readers to sink in
// canonical order, checking that together they hold every task of tl
// exactly once.
func mergeStreams(readers []*ReplicationReader, tl taskList, sink *repSink) error {
	heads := make([][]RepRow, len(readers))
	advance := func(i int) error {
		rows, err := readers[i].Next()
		if err == io.EOF {
			heads[i] = nil
			return nil
		}
		heads[i] = rows
		return err
	}
	for i := range readers {
		if err := advance(i); err != nil {
			return &InputError{err}
		}
	}
	for k := 0; ; k++ {
		best := -1
		for i, h := range heads {
			if h != nil && (best < 0 || before(h[0], heads[best][0])) {
				best = i
			}
		}
		if best < 0 {
			if k < tl.len() {
				return inputErr("merge: %d of %d replications present (is a shard left out?)", k, tl.len())
			}
			return nil
		}
		r := heads[best][0]
		if k >= tl.len() {
			return inputErr("merge: some replications appear more than once")
		}
		if t := tl.at(k); r.Point != t.point || r.Rep != t.rep {
			if r.Point == t.point && r.Rep > t.rep || r.Point > t.point {
				return inputErr("merge: replication %d of point %d is missing (is a shard left out?)", t.rep, t.point)
			}
			return inputErr("merge: replication %d of point %d appears twice", r.Rep, r.Point)
		}
		if err := sink.put(heads[best]); err != nil {
			return err
		}
		if err := advance(best); err != nil {
			return &InputError{err}
		}
	}
}

// before reports whether row a comes before row b in canonical order.
func before(a, b RepRow) bool {
	if a.Point != b.Point {
		return a.Point < b.Point
	}
	return a.Rep < b.Rep
}
