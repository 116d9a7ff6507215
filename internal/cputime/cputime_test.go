package cputime

import (
	"crypto/sha256"
	"runtime"
	"testing"
)

// TestProcessGrows: burning CPU makes the reading grow, where there is one.
func TestProcessGrows(t *testing.T) {
	before, ok := Process()
	if !ok {
		t.Skipf("no process CPU time on %s", runtime.GOOS)
	}
	b := make([]byte, 1<<18)
	for range 100 {
		sum := sha256.Sum256(b)
		b[0] = sum[0]
	}
	after, _ := Process()
	if after <= before {
		t.Fatalf("CPU time went from %v to %v over 25 MB of hashing", before, after)
	}
}

// TestThreadGrows: the calling thread's CPU time grows with its own work.
func TestThreadGrows(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, ok := Thread()
	if !ok {
		t.Skipf("no thread CPU time on %s", runtime.GOOS)
	}
	b := make([]byte, 1<<18)
	for range 100 {
		sum := sha256.Sum256(b)
		b[0] = sum[0]
	}
	after, _ := Thread()
	if after <= before {
		t.Fatalf("thread CPU time went from %v to %v over 25 MB of hashing", before, after)
	}
	if p, _ := Process(); p < after-before {
		t.Fatalf("the process used %v, less than one of its threads (%v)", p, after-before)
	}
}
