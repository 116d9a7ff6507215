//go:build unix && !linux

// Package cputime reads the CPU time the process, or one thread, has
// used, for measurements that a shared machine's load must not move: wall
// time grows when other processes take the cores, CPU time does not.
package cputime

import (
	"syscall"
	"time"
)

// Process returns the user plus system CPU time of the whole process so
// far, and false where the platform does not report it.
func Process() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// Thread reports that this platform's per-thread CPU time is not read.
func Thread() (time.Duration, bool) { return 0, false }
