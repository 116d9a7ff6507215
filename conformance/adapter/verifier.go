package adapter

import (
	"context"
	"errors"
	"fmt"
	"sync"

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

// Verifier implements vectors.Verifier over a Process.
type Verifier struct {
	P      *Process
	Config *VendorConfig // may be nil
	// MaxFailures bounds consecutive process failures; 0 means
	// DefaultMaxFailures.
	MaxFailures int
	// CrashEvery, when positive, is the crash fault of static runs: the
	// process is SIGKILLed and restarted on its state directory before
	// every CrashEvery-th case it is sent, so a decision that depends on
	// state kept in memory across cases shows.
	CrashEvery int

	sent     int // cases sent
	crashes  int // deliberate kills
	mu       sync.Mutex
	failures int   // consecutive
	restarts int   // total
	unusable error // set once the implementation is given up
}

// NewVerifier returns a Verifier over p with the vendor config cfg.
func NewVerifier(p *Process, cfg *VendorConfig) *Verifier {
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
	var out vectors.Outcome
	err := v.P.Call(ctx, MethodVerify, c, &out)
	var re *RemoteError
	switch {
	case err == nil:
	case errors.As(err, &re) && re.Code == CodeUnimplemented:
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
	switch {
	case out.Valid && out.Error != "":
		return vectors.Outcome{}, fmt.Errorf("case %s: implementation answered valid with error %q", c.TcID, out.Error)
	case !out.Valid && out.Error != "":
		code, ok := v.Config.Canonical(out.Error)
		if !ok {
			return vectors.Outcome{}, fmt.Errorf("case %s: error name %q is neither a canonical code nor mapped in the vendor config", c.TcID, out.Error)
		}
		out.Error = string(code)
	}
	return out, nil
}
