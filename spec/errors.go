package spec

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error class. Codes are part of the
// published interface: models return them, vectors record them as the
// expected outcome of invalid cases, and the external adapter protocol maps
// vendor errors onto them. A code is never renamed or reused.
type Code string

// The canonical error codes. Each is documented in spec/formats.md.
const (
	CodeMalformed       Code = "malformed"       // bytes do not parse under the strict profile
	CodeUnknownVersion  Code = "unknown-version" // a version field names no version this spec defines
	CodeBadSignature    Code = "bad-signature"   // a signature does not verify under the expected key
	CodeBadSeal         Code = "bad-seal"        // an encrypted envelope does not open (wrong key, tampered)
	CodeCertExpired     Code = "cert-expired"    // a certificate is used after NotAfter
	CodeCertNotYetValid Code = "cert-not-yet-valid"
	CodeCertRevoked     Code = "cert-revoked"     // a certificate's serial is on the revocation list
	CodeUntrustedIssuer Code = "untrusted-issuer" // a certificate or coin is not signed by a trusted root
	CodeWrongRecipient  Code = "wrong-recipient"  // a transfer or sealed coin is bound to another party
	CodeReplay          Code = "replay"           // a message or challenge was already consumed
	CodeDoubleSpend     Code = "double-spend"     // a coin serial was already spent or redeemed
	CodeLimitExceeded   Code = "limit-exceeded"   // an offline risk limit (amount, count) would be exceeded
	CodeValueMismatch   Code = "value-mismatch"   // amounts do not add up (split, payment, lineage)
	CodeBadDenomination Code = "bad-denomination" // a denomination outside the published table
	CodeBadCurrency     Code = "bad-currency"     // a currency other than the one the system issues
	CodeWrongSuite      Code = "wrong-suite"      // a key or object belongs to another crypto suite
	CodeInsufficient    Code = "insufficient-funds"
	CodeUnimplemented   Code = "unimplemented" // the target declares it does not implement the case
	CodeInternal        Code = "internal"      // an implementation fault, never an expected outcome
)

// Codes lists every canonical code in a stable order.
var Codes = []Code{
	CodeMalformed, CodeUnknownVersion, CodeBadSignature, CodeBadSeal,
	CodeCertExpired, CodeCertNotYetValid, CodeCertRevoked, CodeUntrustedIssuer,
	CodeWrongRecipient, CodeReplay, CodeDoubleSpend, CodeLimitExceeded,
	CodeValueMismatch, CodeBadDenomination, CodeBadCurrency, CodeWrongSuite,
	CodeInsufficient, CodeUnimplemented, CodeInternal,
}

// Known reports whether c is one of the canonical codes.
func (c Code) Known() bool {
	for _, k := range Codes {
		if k == c {
			return true
		}
	}
	return false
}

// Error is the typed error every package of this module returns for a
// rejected input or a refused operation. Two Errors match under errors.Is
// when their codes are equal, so callers test the class with
//
//	errors.Is(err, spec.ErrMalformed)
//
// and read the detail with errors.As.
type Error struct {
	Code   Code   // the stable class
	Detail string // what exactly was wrong, for people; not stable
	Err    error  // an underlying cause, if any; printed only when Detail is empty
}

func (e *Error) Error() string {
	s := string(e.Code)
	switch {
	case e.Detail != "":
		s += ": " + e.Detail // Errorf's detail already includes any cause
	case e.Err != nil:
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches any *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Errorf returns an *Error with the given code and a formatted detail. A %w
// verb in format wraps its operand as the cause.
func Errorf(code Code, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Detail: err.Error(), Err: errors.Unwrap(err)}
}

// CodeOf returns the code of the first *Error in err's chain, "" for a nil
// error and CodeInternal for an error that carries no code.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinels for errors.Is.
var (
	ErrMalformed       = &Error{Code: CodeMalformed}
	ErrUnknownVersion  = &Error{Code: CodeUnknownVersion}
	ErrBadSignature    = &Error{Code: CodeBadSignature}
	ErrBadSeal         = &Error{Code: CodeBadSeal}
	ErrCertExpired     = &Error{Code: CodeCertExpired}
	ErrCertNotYetValid = &Error{Code: CodeCertNotYetValid}
	ErrCertRevoked     = &Error{Code: CodeCertRevoked}
	ErrUntrustedIssuer = &Error{Code: CodeUntrustedIssuer}
	ErrWrongRecipient  = &Error{Code: CodeWrongRecipient}
	ErrReplay          = &Error{Code: CodeReplay}
	ErrDoubleSpend     = &Error{Code: CodeDoubleSpend}
	ErrLimitExceeded   = &Error{Code: CodeLimitExceeded}
	ErrValueMismatch   = &Error{Code: CodeValueMismatch}
	ErrBadDenomination = &Error{Code: CodeBadDenomination}
	ErrBadCurrency     = &Error{Code: CodeBadCurrency}
	ErrWrongSuite      = &Error{Code: CodeWrongSuite}
	ErrInsufficient    = &Error{Code: CodeInsufficient}
	ErrUnimplemented   = &Error{Code: CodeUnimplemented}
	ErrInternal        = &Error{Code: CodeInternal}
)
