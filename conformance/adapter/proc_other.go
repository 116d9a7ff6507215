//go:build !unix

package adapter

import (
	"os"
	"os/exec"
)

func setGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// pipePending is unknown here.
func pipePending(*os.File) int { return -1 }
