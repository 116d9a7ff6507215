//go:build unix && !linux

package adapter

import (
	"os"
	"syscall"
)

func setDeathSignal(*syscall.SysProcAttr) {}

// pipePending is unknown here.
func pipePending(*os.File) int { return -1 }
