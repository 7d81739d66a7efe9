package study

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseShard parses "i/n" (1 ≤ i ≤ n); "" is no sharding (0, 0).
func ParseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 1 ≤ i ≤ n (e.g. 2/8)", s)
	}
	return i, n, nil
}

// A Scheduler names the environment variables through which a batch
// scheduler tells each task of an array job its place in the array.
type Scheduler struct {
	// Name is the scheduler's name, as messages show it.
	Name string
	// Index is the variable holding the task's index.
	Index string
	// Count holds the number of tasks ("" when the scheduler does not
	// export it, as for Kubernetes Indexed Jobs: the count is then
	// given explicitly).
	Count string
	// Min, Max and Step, when set, describe an index range
	// Min, Min+Step, …, Max (Slurm); otherwise indices run 0 … Count−1.
	Min, Max, Step string
}

// Schedulers are the array-job schedulers ShardFromEnv reads, in the
// order it reports them.
func Schedulers() []Scheduler {
	return []Scheduler{
		// https://slurm.schedmd.com/job_array.html
		{Name: "Slurm", Index: "SLURM_ARRAY_TASK_ID", Count: "SLURM_ARRAY_TASK_COUNT",
			Min: "SLURM_ARRAY_TASK_MIN", Max: "SLURM_ARRAY_TASK_MAX", Step: "SLURM_ARRAY_TASK_STEP"},
		// https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
		{Name: "Kubernetes Indexed Job", Index: "JOB_COMPLETION_INDEX"},
		// https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html
		{Name: "AWS Batch", Index: "AWS_BATCH_JOB_ARRAY_INDEX", Count: "AWS_BATCH_JOB_ARRAY_SIZE"},
		// https://cloud.google.com/batch/docs/create-run-job (predefined variables)
		{Name: "Google Batch", Index: "BATCH_TASK_INDEX", Count: "BATCH_TASK_COUNT"},
	}
}

// ShardFromEnv returns the shard i/n (1 ≤ i ≤ n) of the array task this
// process runs as, read through lookup (os.LookupEnv) from the variables
// of exactly one of Schedulers. count, if positive, is the number of
// tasks: it is required where the scheduler does not export it, and
// must agree with it where it does. It returns the scheduler's name.
func ShardFromEnv(lookup func(string) (string, bool), count int) (i, n int, scheduler string, err error) {
	var found []Scheduler
	for _, s := range Schedulers() {
		if _, ok := lookup(s.Index); ok {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		var vars []string
		for _, s := range Schedulers() {
			vars = append(vars, s.Index+" ("+s.Name+")")
		}
		return 0, 0, "", fmt.Errorf("no array-task index in the environment; looked for %s", strings.Join(vars, ", "))
	case 1:
	default:
		return 0, 0, "", fmt.Errorf("array-task indices of both %s (%s) and %s (%s) are set; give the shard as i/n",
			found[0].Name, found[0].Index, found[1].Name, found[1].Index)
	}
	s := found[0]
	i, n, err = s.shard(lookup, count)
	if err != nil {
		return 0, 0, "", fmt.Errorf("%s array task: %w", s.Name, err)
	}
	return i, n, s.Name, nil
}

// shard reads one scheduler's variables.
func (s Scheduler) shard(lookup func(string) (string, bool), count int) (int, int, error) {
	get := func(name string, def int) (int, error) {
		v, ok := lookup(name)
		if name == "" || !ok {
			return def, nil
		}
		x, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || x < 0 || x > math.MaxInt32 {
			return 0, fmt.Errorf("%s=%q: want an integer from 0 to %d", name, v, math.MaxInt32)
		}
		return x, nil
	}
	idx, err := get(s.Index, 0)
	if err != nil {
		return 0, 0, err
	}
	lo, err := get(s.Min, 0)
	if err != nil {
		return 0, 0, err
	}
	step, err := get(s.Step, 1)
	if err != nil {
		return 0, 0, err
	}
	n, err := get(s.Count, -1)
	if err != nil {
		return 0, 0, err
	}
	if _, ok := lookup(s.Count); ok && s.Count != "" && n < 1 {
		return 0, 0, fmt.Errorf("%s=%d: want at least 1 task", s.Count, n)
	}
	if s.Max != "" {
		if _, ok := lookup(s.Max); ok {
			hi, err := get(s.Max, 0)
			if err != nil {
				return 0, 0, err
			}
			if step < 1 || hi < lo {
				return 0, 0, fmt.Errorf("index range %s=%d … %s=%d step %d is empty", s.Min, lo, s.Max, hi, step)
			}
			span := (hi-lo)/step + 1
			if n >= 0 && n != span {
				return 0, 0, fmt.Errorf("%s=%d tasks but the range %d-%d:%d holds %d: give the array as one range (e.g. --array=1-%d)", s.Count, n, lo, hi, step, span, n)
			}
			n = span
		}
	}
	switch {
	case n < 0 && count <= 0:
		return 0, 0, fmt.Errorf("the number of tasks is not in the environment; give it as auto/N")
	case n < 0:
		n = count
	case count > 0 && count != n:
		return 0, 0, fmt.Errorf("the scheduler runs %d tasks, not %d", n, count)
	}
	if step < 1 || (idx-lo)%step != 0 || idx < lo || (idx-lo)/step >= n {
		return 0, 0, fmt.Errorf("%s=%d is not one of the %d task indices", s.Index, idx, n)
	}
	return (idx-lo)/step + 1, n, nil
}
