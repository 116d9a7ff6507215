package vgen

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// ErrBadInput is wrapped by the errors of a Verifier for a Case whose
// input object does not decode (a harness error, not an outcome).
var ErrBadInput = errors.New("vectors: bad case input")

// DecodeInput decodes c's input strictly (no unknown members) into v;
// a failure wraps ErrBadInput.
func DecodeInput(c Case, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadInput, c.TcID, err)
	}
	return nil
}

// Unhexer decodes the hex fields of an input; the first bad field is
// kept in Err and every later call returns nil.
type Unhexer struct{ Err error }

// B decodes the hex of the input member field. Byte strings are
// lowercase hex (conformance/adapter/PROTOCOL.md): an uppercase digit is
// bad input, so no two spellings of one byte string reach a decision.
func (u *Unhexer) B(field, s string) []byte {
	if u.Err != nil {
		return nil
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'F' }); i >= 0 {
		u.Err = fmt.Errorf("%s: uppercase hex digit %q at %d, byte strings are lowercase hex", field, s[i], i)
		return nil
	}
	v, err := hex.DecodeString(s)
	if err != nil {
		u.Err = fmt.Errorf("%s: %v", field, err)
	}
	return v
}

// Sized decodes the hex of the input member field as B does, and takes
// it only at n bytes: a byte string of another length is bad input
// (Err names the field and both lengths). It returns nil unless Err is
// nil.
func (u *Unhexer) Sized(field, s string, n int) []byte {
	v := u.B(field, s)
	if u.Err == nil && len(v) != n {
		u.Err = fmt.Errorf("%s: %d bytes, want %d", field, len(v), n)
	}
	if u.Err != nil {
		return nil
	}
	return v
}

// List decodes the hex of each member of the input list field, in
// order; a bad member is named field[i] in Err.
func (u *Unhexer) List(field string, l []string) [][]byte {
	var out [][]byte
	for i, s := range l {
		out = append(out, u.B(fmt.Sprintf("%s[%d]", field, i), s))
	}
	return out
}

// ParseRoot parses the input's root under the suite; whether it is a
// trust anchor is Certificate.Verify's check (cert-anchor), made where a
// certificate is verified under it.
func ParseRoot(s suite.Suite, raw []byte) (*devcert.Certificate, error) {
	root, err := devcert.Parse(s, raw)
	if err != nil {
		return nil, err
	}
	return root, nil
}

// PayeeBound decodes a transcript and returns the payloads addressed to
// payee, in order.
func (u *Unhexer) PayeeBound(ms []SessionMessage, payee []byte) [][]byte {
	var msgs [][]byte
	for i, m := range ms {
		to, payload := u.B(fmt.Sprintf("messages[%d].to", i), m.To), u.B(fmt.Sprintf("messages[%d].payload", i), m.Payload)
		u.B(fmt.Sprintf("messages[%d].from", i), m.From)
		u.B(fmt.Sprintf("messages[%d].type", i), m.Type)
		if u.Err == nil && bytes.Equal(to, payee) {
			msgs = append(msgs, payload)
		}
	}
	return msgs
}
