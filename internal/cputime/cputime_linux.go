//go:build linux

// Package cputime reads the CPU time the process, or one thread, has
// used, for measurements that a shared machine's load must not move: wall
// time grows when other processes take the cores, CPU time does not.
package cputime

import (
	"syscall"
	"time"
	"unsafe"
)

// Clock ids of clock_gettime(2) (linux/time.h).
const (
	clockProcessCPUTime = 2
	clockThreadCPUTime  = 3
)

// clock reads a CPU-time clock. Unlike getrusage, whose figure for a
// running thread can lag by a scheduler tick, clock_gettime counts to the
// nanosecond.
func clock(id uintptr) (time.Duration, bool) {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, id, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

// Process returns the user plus system CPU time of the whole process so
// far, and false where the platform does not report it.
func Process() (time.Duration, bool) { return clock(clockProcessCPUTime) }

// Thread returns the CPU time of the calling OS thread, and false where
// the platform does not report it. Lock the goroutine to its thread
// (runtime.LockOSThread) around the readings it compares.
func Thread() (time.Duration, bool) { return clock(clockThreadCPUTime) }
