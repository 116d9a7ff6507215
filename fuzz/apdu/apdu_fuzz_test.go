package apdu

// Fuzz targets of the ISO/IEC 7816-4 framing of the chip-card model
// (spec/apdu): FuzzAPDUCommand (ParseCommand), FuzzAPDUResponse
// (ParseResponse and Response.Err) and FuzzTLV (Parse, ValueSpans,
// Validate, Expect). They check the package's three properties: no panic,
// a rejection is a *spec.Error with a canonical code other than internal,
// and an accepted input re-encodes byte for byte.

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
)

// apduReject fails t unless err is a *spec.Error with a canonical code
// other than internal.
func apduReject(t *testing.T, what string, err error) {
	t.Helper()
	e, ok := err.(*spec.Error)
	if !ok {
		t.Fatalf("%s: rejection is %T, not *spec.Error: %v", what, err, err)
	}
	if !e.Code.Known() || e.Code == spec.CodeInternal {
		t.Fatalf("%s: rejection has code %q: %v", what, e.Code, err)
	}
}

// apduCheckSpans fails t unless every span lies in b[lo:] with a non-empty
// range, in increasing non-overlapping order.
func apduCheckSpans(t *testing.T, what string, spans []apdu.Span, b []byte, lo int) {
	t.Helper()
	for i, s := range spans {
		if s.Start < lo || s.End > len(b) || s.Start >= s.End || (i > 0 && s.Start < spans[i-1].End) || s.Name == "" {
			t.Fatalf("%s: span %d %+v out of order or out of [%d, %d)", what, i, s, lo, len(b))
		}
	}
}

// apduTLVSeed is a TLV payload of the shape the chip model sends.
var apduTLVSeed = apdu.Marshal([]apdu.TLV{
	{Tag: 0x70, Children: []apdu.TLV{
		{Tag: 0x9F02, Value: []byte{0, 0, 0, 0, 0x10, 0}},
		{Tag: 0x5F2A, Value: []byte{0x01, 0x56}},
		{Tag: 0xDF01, Value: bytes.Repeat([]byte{0xA5}, 16)},
	}},
	{Tag: 0x9F37, Value: []byte{1, 2, 3, 4}},
	{Tag: 0xDF8101, Value: bytes.Repeat([]byte{0x5A}, 130)},
})

// FuzzAPDUCommand: apdu.ParseCommand and CommandValueSpans.
func FuzzAPDUCommand(f *testing.F) {
	for _, c := range []apdu.Command{
		{CLA: 0x00, INS: 0xA4, P1: 0x04, Le: apdu.LeAbsent},
		{CLA: 0x80, INS: 0xB0, Le: 256},
		{CLA: 0x80, INS: 0x10, Data: apduTLVSeed, Le: apdu.LeAbsent},
		{CLA: 0x80, INS: 0x12, Data: apduTLVSeed[:20], Le: 256},
		{CLA: 0x80, INS: 0xB0, Le: 65536},
		{CLA: 0x80, INS: 0x14, Data: bytes.Repeat(apduTLVSeed[:8], 40), Le: apdu.LeAbsent},
		{CLA: 0x80, INS: 0x16, Data: apduTLVSeed, Le: 300},
	} {
		b, err := c.Marshal()
		if err != nil {
			f.Fatalf("seed %+v: %v", c, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := bytes.Clone(b)
		c, err := apdu.ParseCommand(b)
		spans, serr := apdu.CommandValueSpans(b)
		if err != nil {
			apduReject(t, "apdu.ParseCommand", err)
			if serr == nil {
				t.Fatalf("CommandValueSpans accepted a command ParseCommand refuses: %x", b)
			}
			return
		}
		if !bytes.Equal(b, in) {
			t.Fatal("apdu.ParseCommand modified its input")
		}
		got, err := c.Marshal()
		if err != nil {
			t.Fatalf("apdu.ParseCommand accepted %x, whose command does not marshal: %v", b, err)
		}
		if !bytes.Equal(got, b) {
			t.Fatalf("apdu.ParseCommand accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		if serr != nil {
			apduReject(t, "apdu.CommandValueSpans", serr)
			return
		}
		apduCheckSpans(t, "apdu.CommandValueSpans", spans, b, 5)
	})
}

// FuzzAPDUResponse: apdu.ParseResponse, Response.Err and
// ResponseValueSpans.
func FuzzAPDUResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Add(append(bytes.Clone(apduTLVSeed), 0x90, 0x00))
	for _, c := range spec.Codes {
		b, err := apdu.ErrorResponse(spec.Errorf(c, "seed")).Marshal()
		if err != nil {
			f.Fatalf("seed %s: %v", c, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := apdu.ParseResponse(b)
		spans, serr := apdu.ResponseValueSpans(b)
		if err != nil {
			apduReject(t, "apdu.ParseResponse", err)
			if serr == nil {
				t.Fatalf("ResponseValueSpans accepted a response ParseResponse refuses: %x", b)
			}
			return
		}
		got, err := r.Marshal()
		if err != nil {
			t.Fatalf("apdu.ParseResponse accepted %x, whose response does not marshal: %v", b, err)
		}
		if !bytes.Equal(got, b) {
			t.Fatalf("apdu.ParseResponse accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		// Err: nil exactly for 9000, else a typed error whose code is
		// CodeFor's, or one SWFor maps to this status word (a carried
		// code refines the status word, never contradicts it).
		rerr := r.Err()
		if (rerr == nil) != (r.SW == apdu.SWOK) {
			t.Fatalf("Response{SW: %04X}.Err() = %v", r.SW, rerr)
		}
		if rerr != nil {
			e, ok := rerr.(*spec.Error)
			if !ok || !e.Code.Known() {
				t.Fatalf("Response.Err() = %v (%T), not a *spec.Error with a canonical code", rerr, rerr)
			}
			if e.Code != apdu.CodeFor(r.SW, spec.CodeMalformed) && apdu.SWFor(e.Code) != r.SW {
				t.Fatalf("Response{SW: %04X}.Err() has code %s, which maps to %04X", r.SW, e.Code, apdu.SWFor(e.Code))
			}
		}
		if serr != nil {
			apduReject(t, "apdu.ResponseValueSpans", serr)
			return
		}
		apduCheckSpans(t, "apdu.ResponseValueSpans", spans, b[:len(b)-2], 0)
	})
}

// FuzzTLV: apdu.Parse, ValueSpans, Validate and Expect.
func FuzzTLV(f *testing.F) {
	f.Add(apduTLVSeed)
	f.Add([]byte{})
	f.Add(apdu.Marshal([]apdu.TLV{{Tag: apdu.TagErrorCode, Value: []byte("double-spend")}}))
	f.Add([]byte{0x5A, 0x81, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := apdu.Parse(b)
		spans, serr := apdu.ValueSpans(b)
		if err != nil {
			apduReject(t, "apdu.Parse", err)
			if serr == nil {
				t.Fatalf("ValueSpans accepted bytes Parse refuses: %x", b)
			}
			return
		}
		if serr != nil {
			t.Fatalf("ValueSpans refused bytes Parse accepts: %x: %v", b, serr)
		}
		if err := apdu.Validate(items); err != nil {
			t.Fatalf("apdu.Parse returned objects Validate refuses: %v", err)
		}
		if got := apdu.Marshal(items); !bytes.Equal(got, b) {
			t.Fatalf("apdu.Parse accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		apduCheckSpans(t, "apdu.ValueSpans", spans, b, 0)
		// The spans are the non-empty primitive values, in order.
		var values [][]byte
		var walk func([]apdu.TLV)
		walk = func(items []apdu.TLV) {
			for _, it := range items {
				if it.Constructed() {
					walk(it.Children)
				} else if len(it.Value) > 0 {
					values = append(values, it.Value)
				}
			}
		}
		walk(items)
		if len(values) != len(spans) {
			t.Fatalf("ValueSpans found %d values, Parse %d", len(spans), len(values))
		}
		for i, s := range spans {
			if !bytes.Equal(b[s.Start:s.End], values[i]) {
				t.Fatalf("span %d %+v is not value %x", i, s, values[i])
			}
		}
		_, err = apdu.Expect(items,
			apdu.Field{Tag: 0x70, Name: "record", Min: 1, Max: 255},
			apdu.Field{Tag: 0x9F37, Name: "nonce", Min: 4, Max: 4, Optional: true},
			apdu.Field{Tag: 0xDF8101, Name: "blob", Max: 4096, Optional: true},
		)
		if err != nil {
			apduReject(t, "apdu.Expect", err)
		}
	})
}
