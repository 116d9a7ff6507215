package vectors

import (
	"context"
	"encoding/json"
)

// Case is one test case as an implementation sees it: which scheme, suite
// and kind of object it is about, the shape of its input (its group's
// type, such as "InitiateCommand"), its stable id, and its input fields
// exactly as the vector file holds them (hex strings and numbers; see the
// file's schema). Neither the expected result nor a test's expected
// member is part of it.
type Case struct {
	Scheme string          `json:"scheme"`
	Suite  string          `json:"suite"`
	Kind   string          `json:"kind"`
	Shape  string          `json:"shape"`
	TcID   string          `json:"tcId"`
	Input  json.RawMessage `json:"input"`
}

// Outcome is an implementation's decision on a Case: whether it accepts
// the input, and when it refuses it, the canonical error code
// (spec/errors.go) it refuses with.
type Outcome struct {
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
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
var ErrUnimplemented = errUnimplemented{}

type errUnimplemented struct{}

func (errUnimplemented) Error() string { return "unimplemented" }
