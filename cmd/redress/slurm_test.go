package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redress-sim/redress/study"
)

// TestSlurmJobArray submits a real Slurm job array of three `bias
// --shard auto` tasks, merges them and checks the merged study equals a
// single run. It is opt-in: set REDRESS_SLURM=1 on a machine with a
// running Slurm cluster (.ci/slurm-single-node starts a one-node one
// from Debian's slurm-wlm).
func TestSlurmJobArray(t *testing.T) {
	if os.Getenv("REDRESS_SLURM") == "" {
		t.Skip("set REDRESS_SLURM=1 to submit a real Slurm job array (needs a running cluster; see .ci/slurm-single-node)")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatalf("REDRESS_SLURM is set but sbatch is not installed: %v", err)
	}
	if out, err := exec.Command("sinfo", "--noheader").CombinedOutput(); err != nil {
		t.Fatalf("REDRESS_SLURM is set but the cluster does not answer: %v\n%s", err, out)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "redress")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sc := smallTextbook(t)
	common := "bias " + sc + " --reps 12 --estimators ols,heckit"
	script := "cd " + dir + " && ./redress " + common + " --shard auto --out shard$SLURM_ARRAY_TASK_ID"
	cmd := exec.Command("sbatch", "--array=1-3", "--wait", "-o", filepath.Join(dir, "task-%a.log"), "--wrap", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		logs, _ := filepath.Glob(filepath.Join(dir, "task-*.log"))
		var b strings.Builder
		for _, l := range logs {
			s, _ := os.ReadFile(l)
			b.Write(s)
		}
		t.Fatalf("sbatch: %v\n%s\n%s", err, out, b.String())
	}
	for _, id := range []string{"1", "2", "3"} {
		log, _ := os.ReadFile(filepath.Join(dir, "task-"+id+".log"))
		if !strings.Contains(string(log), "shard "+id+"/3 (from the Slurm array task)") {
			t.Errorf("task %s did not read its shard from Slurm:\n%s", id, log)
		}
	}
	run := func(args string) {
		if out, err := exec.Command("sh", "-c", "cd "+dir+" && ./redress "+args).CombinedOutput(); err != nil {
			t.Fatalf("redress %s: %v\n%s", args, err, out)
		}
	}
	run("merge shard1 shard2 shard3 --out merged")
	run(common + " --out whole")
	for _, f := range []string{study.ReplicationsFile, study.SummaryCSVFile, study.SummaryJSONFile, study.ReportFile, study.ManifestFile} {
		p, _ := os.ReadFile(filepath.Join(dir, "whole", f))
		q, _ := os.ReadFile(filepath.Join(dir, "merged", f))
		if len(p) == 0 || !bytes.Equal(p, q) {
			t.Errorf("%s differs between the single run and the merged Slurm job array", f)
		}
	}
}
