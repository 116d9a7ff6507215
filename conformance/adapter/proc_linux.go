//go:build linux

package adapter

import "syscall"

// setDeathSignal asks the kernel to kill the child if the harness dies.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
