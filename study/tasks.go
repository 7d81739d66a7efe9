package study

// task is one (point, replication) of the study.
type task struct{ point, rep int }

// taskList is the canonical order of a study's (or a shard's) tasks —
// by point, then replication — computed on demand, never materialised:
// a study's size does not cost memory.
type taskList struct {
	points int
	perPt  int // tasks per point
	first  int // the first replication (shard i: i−1)
	stride int // between replications (shards: n)
}

// newTaskList returns the tasks of the study m over npoints points:
// for a shard i/n the replications r < m.Reps with r mod n = i−1.
func newTaskList(m Manifest, npoints int) taskList {
	i, n, err := ParseShard(m.Shard)
	if err != nil || n == 0 {
		return taskList{points: npoints, perPt: m.Reps, stride: 1}
	}
	per := 0
	if i-1 < m.Reps {
		per = (m.Reps-i)/n + 1
	}
	return taskList{points: npoints, perPt: per, first: i - 1, stride: n}
}

// len is the number of tasks.
func (l taskList) len() int { return l.points * l.perPt }

// at returns task k (0 ≤ k < len).
func (l taskList) at(k int) task {
	return task{point: k / l.perPt, rep: l.first + l.stride*(k%l.perPt)}
}
