// Package remote runs the published vectors on an implementation behind
// the adapter protocol (conformance/adapter/PROTOCOL.md): Verifier adapts an
// adapter.Process to vectors.Verifier. An "unimplemented" answer becomes
// vectors.ErrUnimplemented (a SkipError), vendor error names are
// translated to canonical codes through the adapter.VendorConfig, cases
// the vendor config disables are skipped with their reason, and an answer
// that gives no verdict is an AnswerError of its case.
package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/vectors"
)

// DefaultMaxFailures is how many consecutive process failures (each
// followed by a restart) a Verifier tolerates before it declares the
// implementation unusable.
const DefaultMaxFailures = 3

// ErrUnusable marks the end of a Verifier: the implementation failed (and
// was restarted) too many times in a row, or could not be restarted.
var ErrUnusable = errors.New("implementation unusable")

// SkipError is a case the Verifier did not decide: disabled by the vendor
// config, outside what the implementation declared in its hello, or
// answered "unimplemented". It wraps vectors.ErrUnimplemented, so a run
// counts it as a skip.
type SkipError struct {
	TcID   string
	Why    SkipWhy
	Reason string
}

// SkipWhy says why a case was skipped.
type SkipWhy string

// Why a case was skipped.
const (
	SkipDisabled      SkipWhy = "disabled"      // the vendor config disables it, with a reason
	SkipUndeclared    SkipWhy = "undeclared"    // its scheme, suite or kind is not in the hello answer
	SkipUnimplemented SkipWhy = "unimplemented" // the implementation answered "unimplemented"
)

func (e *SkipError) Error() string {
	return fmt.Sprintf("%s: %s: %s", vectors.ErrUnimplemented, e.Why, e.Reason)
}

func (e *SkipError) Unwrap() error { return vectors.ErrUnimplemented }

// Verifier implements vectors.Verifier over an adapter.Process.
type Verifier struct {
	P      *adapter.Process
	Config *adapter.VendorConfig // may be nil
	// MaxFailures bounds consecutive process failures; 0 means
	// DefaultMaxFailures.
	MaxFailures int
	// CrashEvery, when positive, is the crash fault of static runs: the
	// process is SIGKILLed and restarted on its state directory before
	// every CrashEvery-th case it is sent, so a decision that depends on
	// state kept in memory across cases shows.
	CrashEvery int

	// mu guards the fields below. VerifyVector holds it for the whole
	// case (call and chargeDuplicate run under it); CaseLog and the
	// counters take it briefly.
	mu       sync.Mutex
	sent     int               // cases sent
	crashes  int               // deliberate kills
	failures int               // consecutive
	restarts int               // total
	unusable error             // set once the implementation is given up
	byID     map[uint64]string // request id -> tcId, for duplicate answers
	late     []vectors.LateFailure
	marks    map[string]int64 // tcId -> stderr mark when it was sent
}

// AnswerError is an answer that is well framed but breaks the protocol
// for its case: a refusal without an error name, an empty or null result,
// valid with an error name, an error name neither canonical nor mapped.
// The case is an error, not a mismatch; the process stays in use.
type AnswerError struct {
	TcID   string
	Kind   AnswerKind
	Detail string
}

// AnswerKind classifies an AnswerError.
type AnswerKind string

// The kinds of AnswerError.
const (
	AnswerNoReason       AnswerKind = "refusal-without-error" // valid false and no error name
	AnswerNull           AnswerKind = "null-result"           // "result": null
	AnswerEmpty          AnswerKind = "no-verdict"            // a result without a boolean valid, such as {}
	AnswerValidWithError AnswerKind = "valid-with-error"      // valid true and an error name
	AnswerUnknownName    AnswerKind = "unknown-error-name"    // neither a canonical code nor mapped by the config
)

func (e *AnswerError) Error() string {
	return fmt.Sprintf("case %s: protocol error %s: %s", e.TcID, e.Kind, e.Detail)
}

// verifyResult is the result of verify as it is checked: valid must be
// present; message is free text shown with an "unimplemented" refusal.
type verifyResult struct {
	Valid   *bool  `json:"valid"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Output  string `json:"output"`
}

// NewVerifier returns a Verifier over p with the vendor config cfg.
func NewVerifier(p *adapter.Process, cfg *adapter.VendorConfig) *Verifier {
	return &Verifier{P: p, Config: cfg}
}

// Unusable returns the error that made the Verifier give up, or nil.
func (v *Verifier) Unusable() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.unusable
}

// Crashes counts the deliberate kills of CrashEvery.
func (v *Verifier) Crashes() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.crashes
}

// Restarts counts the restarts after process failures.
func (v *Verifier) Restarts() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.restarts
}

// VerifyVector sends c to the implementation and returns its decision
// with the error name translated to a canonical code.
func (v *Verifier) VerifyVector(ctx context.Context, c vectors.Case) (vectors.Outcome, error) {
	if reason, ok := v.Config.DisabledReason(c.TcID); ok {
		return vectors.Outcome{}, &SkipError{TcID: c.TcID, Why: SkipDisabled, Reason: reason}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.unusable != nil {
		return vectors.Outcome{}, v.unusable
	}
	if !v.P.Alive() {
		if err := v.P.Restart(ctx); err != nil {
			v.unusable = fmt.Errorf("%w: restart after %v failed: %w", ErrUnusable, v.P.LastFailure(), err)
			return vectors.Outcome{}, v.unusable
		}
		v.restarts++
	}
	h := v.P.Hello()
	if !h.Supports(c.Scheme, c.Suite, c.Kind) {
		return vectors.Outcome{}, &SkipError{TcID: c.TcID, Why: SkipUndeclared,
			Reason: fmt.Sprintf("%s declares no %s/%s/%s", h.Name, c.Scheme, c.Suite, c.Kind)}
	}
	v.sent++
	if v.CrashEvery > 0 && v.sent%v.CrashEvery == 0 {
		if err := v.P.Restart(ctx); err != nil {
			v.unusable = fmt.Errorf("%w: restart after the deliberate crash before case %s failed: %w", ErrUnusable, c.TcID, err)
			return vectors.Outcome{}, v.unusable
		}
		v.crashes++
	}
	var raw json.RawMessage
	err := v.call(ctx, c, &raw)
	var re *adapter.RemoteError
	switch {
	case err == nil:
	case errors.As(err, &re) && re.Code == adapter.CodeUnimplemented:
		v.failures = 0
		reason := re.Message
		if reason == "" {
			reason = "answered unimplemented"
		}
		return vectors.Outcome{}, &SkipError{TcID: c.TcID, Why: SkipUnimplemented, Reason: reason}
	case errors.As(err, &re):
		v.failures = 0
		return vectors.Outcome{}, fmt.Errorf("case %s: implementation failed: %w", c.TcID, err)
	default:
		if ctx.Err() != nil {
			return vectors.Outcome{}, err
		}
		v.failures++
		max := v.MaxFailures
		if max <= 0 {
			max = DefaultMaxFailures
		}
		if v.failures >= max {
			v.unusable = fmt.Errorf("%w: %d consecutive failures, the last: %w", ErrUnusable, v.failures, err)
		}
		return vectors.Outcome{}, fmt.Errorf("case %s: %w", c.TcID, err)
	}
	v.failures = 0
	return v.judgeAnswer(c, raw)
}

// judgeAnswer turns a verify result into an Outcome, a skip or an
// AnswerError.
func (v *Verifier) judgeAnswer(c vectors.Case, raw json.RawMessage) (vectors.Outcome, error) {
	bad := func(k AnswerKind, detail string) (vectors.Outcome, error) {
		return vectors.Outcome{}, &AnswerError{TcID: c.TcID, Kind: k, Detail: detail}
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return bad(AnswerNull, "result is null")
	}
	var r verifyResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return bad(AnswerEmpty, fmt.Sprintf("result does not decode (%v): %s", err, adapter.Quote(raw)))
	}
	switch {
	case r.Valid == nil:
		return bad(AnswerEmpty, "result has no valid member: "+adapter.Quote(raw))
	case *r.Valid && r.Error != "":
		return bad(AnswerValidWithError, fmt.Sprintf("answered valid with error %q", r.Error))
	case *r.Valid:
		return vectors.Outcome{Valid: true, Output: r.Output}, nil
	case r.Error == "":
		return bad(AnswerNoReason, "refused without an error name")
	case r.Error == adapter.CodeUnimplemented:
		reason := r.Message
		if reason == "" {
			reason = `answered {"valid": false, "error": "unimplemented"}`
		}
		return vectors.Outcome{}, &SkipError{TcID: c.TcID, Why: SkipUnimplemented, Reason: reason}
	}
	code, ok := v.Config.Canonical(r.Error)
	if !ok {
		return bad(AnswerUnknownName, fmt.Sprintf("error name %q is neither a canonical code nor mapped in the vendor config", r.Error))
	}
	return vectors.Outcome{Error: string(code)}, nil
}

// call sends the verify request for c. A duplicate answer seen on the way
// is charged to the case it answered twice (a LateFailure), and c is sent
// again to a restarted process, once. The caller holds v.mu (byID and
// marks are written here, and read by CaseLog).
func (v *Verifier) call(ctx context.Context, c vectors.Case, raw *json.RawMessage) error {
	for attempt := 0; ; attempt++ {
		if v.byID == nil {
			v.byID, v.marks = map[uint64]string{}, map[string]int64{}
		}
		v.byID[v.P.NextID()] = c.TcID
		v.P.SettleStderr() // what the previous case logged is not this one's
		v.marks[c.TcID] = v.P.StderrMark()
		err := v.P.Call(ctx, adapter.MethodVerify, c, raw)
		var pe *adapter.ProtocolError
		if !errors.As(err, &pe) || pe.Kind != adapter.KindDuplicate || attempt > 0 {
			return err
		}
		v.chargeDuplicate(pe)
		if err := v.P.Restart(ctx); err != nil {
			return err
		}
		v.restarts++
	}
}

// chargeDuplicate records a duplicate answer against the case it
// duplicates. The caller holds v.mu.
func (v *Verifier) chargeDuplicate(pe *adapter.ProtocolError) {
	tc, ok := v.byID[pe.AnswerTo]
	if !ok {
		tc = fmt.Sprintf("(request %d)", pe.AnswerTo)
	}
	v.late = append(v.late, vectors.LateFailure{TcID: tc,
		Err: fmt.Sprintf("case %s: adapter: duplicate: a second answer to its request (id %d), seen while sending request %d", tc, pe.AnswerTo, pe.ID)})
}

// TakeLateFailures returns the cases charged with a duplicate answer
// since the last call (vectors.LateFailer).
func (v *Verifier) TakeLateFailures() []vectors.LateFailure {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.late
	v.late = nil
	return out
}

// CaseLog returns what the implementation wrote to stderr from the moment
// the case tcID was last sent (vectors.CaseLogger), up to now.
func (v *Verifier) CaseLog(tcID string) string {
	v.mu.Lock()
	mark, ok := v.marks[tcID]
	v.mu.Unlock()
	if !ok {
		return ""
	}
	v.P.SettleStderr()
	return v.P.StderrSince(mark, 4096)
}

// Close shuts the implementation down (adapter.Process.Close); a duplicate of the
// last answer seen then is charged to its case (TakeLateFailures) and is
// not returned.
func (v *Verifier) Close() error {
	err := v.P.Close()
	var pe *adapter.ProtocolError
	if errors.As(err, &pe) && pe.Kind == adapter.KindDuplicate {
		v.mu.Lock()
		v.chargeDuplicate(pe)
		v.mu.Unlock()
		return nil
	}
	return err
}
