//go:build !unix

// Package cputime reads the CPU time the process, or one thread, has
// used, for measurements that a shared machine's load must not move.
// This platform reports neither.
package cputime

import "time"

// Process reports that this platform's process CPU time is not read.
func Process() (time.Duration, bool) { return 0, false }

// Thread reports that this platform's per-thread CPU time is not read.
func Thread() (time.Duration, bool) { return 0, false }
