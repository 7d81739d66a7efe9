package study

import (
	"strings"
	"testing"
)

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestShardFromEnv(t *testing.T) {
	slurm := func(id, lo, hi, step, count string) func(string) (string, bool) {
		return env("SLURM_ARRAY_TASK_ID", id, "SLURM_ARRAY_TASK_MIN", lo, "SLURM_ARRAY_TASK_MAX", hi,
			"SLURM_ARRAY_TASK_STEP", step, "SLURM_ARRAY_TASK_COUNT", count)
	}
	for _, c := range []struct {
		name   string
		lookup func(string) (string, bool)
		count  int
		i, n   int
		sched  string
		errHas string
	}{
		{"slurm 1-3", slurm("2", "1", "3", "1", "3"), 0, 2, 3, "Slurm", ""},
		{"slurm 0-9", slurm("0", "0", "9", "1", "10"), 0, 1, 10, "Slurm", ""},
		{"slurm step 2", slurm("5", "1", "7", "2", "4"), 0, 3, 4, "Slurm", ""},
		{"slurm count agrees", slurm("3", "1", "3", "1", "3"), 3, 3, 3, "Slurm", ""},
		{"slurm count disagrees", slurm("3", "1", "3", "1", "3"), 4, 0, 0, "", "runs 3 tasks, not 4"},
		{"slurm list", slurm("3", "1", "7", "1", "3"), 0, 0, 0, "", "one range"},
		{"slurm off step", slurm("2", "1", "7", "2", "4"), 0, 0, 0, "", "not one of the 4"},
		{"slurm bad id", slurm("x", "1", "3", "1", "3"), 0, 0, 0, "", `SLURM_ARRAY_TASK_ID="x": want an integer`},
		{"slurm no range", env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "5"), 0, 5, 5, "Slurm", ""},
		{"k8s", env("JOB_COMPLETION_INDEX", "0"), 4, 1, 4, "Kubernetes Indexed Job", ""},
		{"k8s no count", env("JOB_COMPLETION_INDEX", "0"), 0, 0, 0, "", "auto/N"},
		{"k8s index too big", env("JOB_COMPLETION_INDEX", "4"), 4, 0, 0, "", "not one of the 4"},
		{"aws", env("AWS_BATCH_JOB_ARRAY_INDEX", "9", "AWS_BATCH_JOB_ARRAY_SIZE", "10"), 0, 10, 10, "AWS Batch", ""},
		{"aws no size", env("AWS_BATCH_JOB_ARRAY_INDEX", "1"), 2, 2, 2, "AWS Batch", ""},
		{"google", env("BATCH_TASK_INDEX", "1", "BATCH_TASK_COUNT", "3"), 0, 2, 3, "Google Batch", ""},
		{"google zero count", env("BATCH_TASK_INDEX", "0", "BATCH_TASK_COUNT", "0"), 0, 0, 0, "", "at least 1"},
		{"negative index", env("BATCH_TASK_INDEX", "-1", "BATCH_TASK_COUNT", "3"), 0, 0, 0, "", "want an integer from 0"},
		{"none", env(), 3, 0, 0, "", "no array-task index"},
		{"two", env("BATCH_TASK_INDEX", "0", "BATCH_TASK_COUNT", "2", "JOB_COMPLETION_INDEX", "0"), 2, 0, 0, "", "both"},
	} {
		t.Run(c.name, func(t *testing.T) {
			i, n, sched, err := ShardFromEnv(c.lookup, c.count)
			if c.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errHas) {
					t.Fatalf("err = %v, want one containing %q", err, c.errHas)
				}
				return
			}
			if err != nil || i != c.i || n != c.n || sched != c.sched {
				t.Fatalf("= %d/%d %q %v, want %d/%d %q", i, n, sched, err, c.i, c.n, c.sched)
			}
		})
	}
}

// FuzzShardFromEnv: whatever the variables hold, ShardFromEnv never
// panics and an accepted shard has 1 ≤ i ≤ n.
func FuzzShardFromEnv(f *testing.F) {
	f.Add("2", "1", "3", "1", "3", 0)
	f.Add("5", "1", "7", "2", "4", 4)
	f.Add("-9223372036854775808", "9223372036854775807", "-1", "0", "", -1)
	f.Fuzz(func(t *testing.T, id, lo, hi, step, count string, n int) {
		kv := []string{"SLURM_ARRAY_TASK_ID", id}
		for k, v := range map[string]string{"SLURM_ARRAY_TASK_MIN": lo, "SLURM_ARRAY_TASK_MAX": hi,
			"SLURM_ARRAY_TASK_STEP": step, "SLURM_ARRAY_TASK_COUNT": count} {
			if v != "" {
				kv = append(kv, k, v)
			}
		}
		i, m, _, err := ShardFromEnv(env(kv...), n)
		if err == nil && !(1 <= i && i <= m) {
			t.Fatalf("%v, %d: shard %d/%d", kv, n, i, m)
		}
	})
}
