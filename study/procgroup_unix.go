//go:build unix

package study

import (
	"os/exec"
	"syscall"
)

// killGroup makes cmd the leader of a new process group and has a
// cancellation (timeout or interrupt) kill the whole group, so that a
// command's children (a shell's, R's) do not outlive it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
