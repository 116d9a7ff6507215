//go:build unix

package chip

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process used so far (user and system,
// every thread: the garbage collector's included), so that a benchmark
// on a machine shared with other runs reports what it cost, not how long
// it waited.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
