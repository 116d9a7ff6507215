//go:build unix && !linux

package adapter

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}
