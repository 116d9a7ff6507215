//go:build !unix

package chip

import "time"

// processCPU is not measured here: 0 (the cpu-ns metrics read 0).
func processCPU() time.Duration { return 0 }
