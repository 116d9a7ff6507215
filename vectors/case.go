package vectors

import (
	"context"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// Outcome is an implementation's decision on a Case: whether it accepts
// the input, and when it refuses it, the canonical error code
// (spec/errors.go) it refuses with. For the shapes whose valid answer is
// something the implementation sends (vgen.Sender), Output is its hex;
// the harness verifies it (CheckOutput).
type Outcome struct {
	Valid  bool   `json:"valid"`
	Error  string `json:"error,omitempty"`
	Output string `json:"output,omitempty"`
}

// Verifier decides cases. The reference verifier (built on spec and
// models) and the external-process adapter both implement it. An
// implementation that does not support a case returns an error wrapping
// ErrUnimplemented; any other error means the implementation failed on
// that case (a timeout, a crash, a garbled answer).
type Verifier interface {
	VerifyVector(ctx context.Context, c Case) (Outcome, error)
}

// ErrUnimplemented marks a case the implementation declares it does not
// support; a run counts it as a skip.
var ErrUnimplemented = vgen.ErrUnimplemented
