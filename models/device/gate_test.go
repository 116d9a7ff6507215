package device_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
)

// Gate answers the setup operations whether or not the device is loaded
// (a load of a loaded device refused as malformed once its params
// decode), refuses an operation that is not the device's as unimplemented and one
// of a device not loaded as malformed with its own words, and leaves the
// device's own operations on a loaded device to the caller.
func TestGate(t *testing.T) {
	ops := []string{"x.keygen", "x.load", "x.state"}
	var keygens, loads int
	keygen := func(device.KeygenParams) (any, error) { keygens++; return device.KeygenResult{}, nil }
	load := func(struct{}) error { loads++; return nil }
	gate := func(op, params string, loaded bool) (bool, error) {
		_, ok, err := device.Gate(op, json.RawMessage(params), ops, "x.keygen", keygen, "x.load", load, loaded, device.Stage{Noun: "wallet", Loaded: "provisioned"})
		return ok, err
	}
	for _, loaded := range []bool{false, true} {
		if ok, err := gate("x.keygen", `{"party":"p","suite":"GM","seed":"01"}`, loaded); !ok || err != nil {
			t.Errorf("keygen (loaded %v): answered %v, %v", loaded, ok, err)
		}
		if ok, err := gate("x.load", `{}`, loaded); !ok || (err != nil) != loaded {
			t.Errorf("load (loaded %v): answered %v, %v", loaded, ok, err)
		}
		if ok, err := gate("x.load", `{"extra":1}`, loaded); !ok || spec.CodeOf(err) != spec.CodeMalformed {
			t.Errorf("load with unknown params (loaded %v): answered %v, %v; want malformed", loaded, ok, err)
		}
		if ok, err := gate("x.nope", `{}`, loaded); !ok || spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("an operation not the device's (loaded %v): answered %v, %v; want unimplemented", loaded, ok, err)
		}
	}
	if keygens != 2 || loads != 1 {
		t.Errorf("%d keygens and %d loads, want 2 and 1 (a loaded device loads nothing)", keygens, loads)
	}
	if _, err := gate("x.load", `{}`, true); spec.CodeOf(err) != spec.CodeMalformed || err.Error() != "malformed: the wallet is already provisioned" {
		t.Errorf("load of a loaded device: %v, want refused as already provisioned", err)
	}
	// Params are decoded first: a loaded device answers bad params with
	// the decoding's refusal, not with "already provisioned".
	if _, err := gate("x.load", `{"extra":1}`, true); err == nil || strings.Contains(err.Error(), "already") {
		t.Errorf("load of a loaded device with unknown params: %v, want the params refused first", err)
	}
	ok, err := gate("x.state", `{}`, false)
	var se *spec.Error
	if !ok || !errors.As(err, &se) || se.Code != spec.CodeMalformed || se.Detail != "x.state: the wallet is not provisioned" {
		t.Errorf("state of a device not loaded: answered %v, %v; want malformed, in the host's words", ok, err)
	}
	if ok, err := gate("x.state", `{}`, true); ok || err != nil {
		t.Errorf("state of a loaded device: answered %v, %v; want it left to the host", ok, err)
	}
}

// Bare answers an operation that takes no params: {}, nothing or null;
// anything else is malformed and f is not called.
func TestBare(t *testing.T) {
	calls := 0
	f := func() (any, error) { calls++; return struct{}{}, nil }
	for _, p := range []string{`{}`, ``, `null`, ` {} `} {
		if _, err := device.Bare("x.state", json.RawMessage(p), f); err != nil {
			t.Errorf("params %q: %v", p, err)
		}
	}
	for _, p := range []string{`{"a":1}`, `[]`, `{} {}`} {
		if _, err := device.Bare("x.state", json.RawMessage(p), f); spec.CodeOf(err) != spec.CodeMalformed {
			t.Errorf("params %q: %v, want malformed", p, err)
		}
	}
	if calls != 4 {
		t.Errorf("f called %d times, want 4", calls)
	}
}

// OpenHost refuses a mutation that is not one of the known wallet mutants
// before it opens anything, and plays any mutation when none are listed.
func TestOpenHostMutation(t *testing.T) {
	known := map[string]bool{"m": true}
	for _, c := range []struct {
		mutation string
		known    map[string]bool
		ok       bool
	}{{"", known, true}, {"m", known, true}, {"other", known, false}, {"other", nil, true}} {
		k := device.NewKit("wallet", "wallet", false)
		loads := 0
		h, err := device.OpenHost(&struct{}{}, k, "x", c.mutation, c.known, map[string][]byte{"made": {1}}, "made", func() error { loads++; return nil })
		if (err == nil) != c.ok || (h != nil) != c.ok {
			t.Errorf("mutation %q (known %v): %v, %v; want ok %v", c.mutation, c.known, h, err, c.ok)
		}
		if want := map[bool]int{true: 1, false: 0}[c.ok]; loads != want {
			t.Errorf("mutation %q (known %v): loaded %d times, want %d", c.mutation, c.known, loads, want)
		}
	}
}

// Decoded answers f's refusal with no result, whatever f built.
func TestDecodedRefusalHasNoResult(t *testing.T) {
	r, err := device.Decoded("x.op", json.RawMessage(`{}`), func(struct{}) (any, error) {
		return device.KeygenResult{PublicKey: []byte{1}}, spec.Errorf(spec.CodeMalformed, "no")
	})
	if r != nil || spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("refused: %v, %v; want no result and the refusal", r, err)
	}
}
