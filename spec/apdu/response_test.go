package apdu

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec"
)

// The documented SWFor table, locked.
var swTable = map[spec.Code]uint16{
	spec.CodeMalformed:       0x6A80,
	spec.CodeUnknownVersion:  0x6A81,
	spec.CodeBadSignature:    0x6982,
	spec.CodeBadSeal:         0x6982,
	spec.CodeCertExpired:     0x6982,
	spec.CodeCertNotYetValid: 0x6982,
	spec.CodeCertRevoked:     0x6983,
	spec.CodeUntrustedIssuer: 0x6982,
	spec.CodeWrongRecipient:  0x6A80,
	spec.CodeReplay:          0x6984,
	spec.CodeDoubleSpend:     0x6984,
	spec.CodeLimitExceeded:   0x6A84,
	spec.CodeValueMismatch:   0x6A80,
	spec.CodeBadDenomination: 0x6A80,
	spec.CodeBadCurrency:     0x6A80,
	spec.CodeWrongSuite:      0x6A80,
	spec.CodeInsufficient:    0x6985,
	spec.CodeUnimplemented:   0x6D00,
	spec.CodeInternal:        0x6F00,
}

func TestSWForCoversEveryCode(t *testing.T) {
	got := map[spec.Code]uint16{}
	for _, c := range spec.Codes {
		got[c] = SWFor(c)
	}
	if diff := cmp.Diff(swTable, got); diff != "" {
		t.Fatalf("SWFor table (-want +got):\n%s", diff)
	}
	for _, c := range spec.Codes {
		sw := SWFor(c)
		if sw == SWOK || !validSW(sw) {
			t.Errorf("SWFor(%s) = %04X, not an ISO error status", c, sw)
		}
		if _, ok := swNames[sw]; !ok {
			t.Errorf("SWFor(%s) = %04X has no name", c, sw)
		}
		// The representative code of the SW shares the SW.
		rep := CodeFor(sw, "none")
		if !rep.Known() || SWFor(rep) != sw {
			t.Errorf("CodeFor(%04X) = %q, which maps to %04X", sw, rep, SWFor(rep))
		}
		// The exact code survives the wire.
		t.Run(string(c), func(t *testing.T) {
			r := ErrorResponse(spec.Errorf(c, "detail stays home"))
			b, err := r.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseResponse(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, back, equateEmpty); diff != "" {
				t.Fatalf("ParseResponse (-want +got):\n%s", diff)
			}
			if got := spec.CodeOf(back.Err()); got != c {
				t.Fatalf("Err() code %q, want %q (%v)", got, c, back.Err())
			}
			if !bytes.Equal(back.Data, Marshal([]TLV{{Tag: 0xDF7F, Value: []byte(c)}})) {
				t.Fatalf("data %X", back.Data)
			}
		})
	}
	if SWFor("") != SWOK || SWFor("no-such-code") != SWUnknown {
		t.Errorf("SWFor(\"\") = %04X, SWFor(unknown) = %04X", SWFor(""), SWFor("no-such-code"))
	}
}

func TestCodeFor(t *testing.T) {
	tests := []struct {
		sw   uint16
		want spec.Code
	}{
		{SWOK, ""},
		{SWWrongData, spec.CodeMalformed},
		{SWWrongLength, spec.CodeMalformed},
		{SWWrongP1P2, spec.CodeMalformed},
		{SWFuncNotSupported, spec.CodeUnknownVersion},
		{SWSecurityNotSatisfied, spec.CodeBadSignature},
		{SWAuthMethodBlocked, spec.CodeCertRevoked},
		{SWReferencedDataInvalidated, spec.CodeReplay},
		{SWFileFull, spec.CodeLimitExceeded},
		{SWConditionsNotSatisfied, spec.CodeInsufficient},
		{SWINSNotSupported, spec.CodeUnimplemented},
		{SWCLANotSupported, spec.CodeUnimplemented},
		{SWUnknown, spec.CodeInternal},
		{SWRecordNotFound, "fallback"},
		{0x6283, "fallback"},
		{0x6100, "fallback"},
	}
	for _, tt := range tests {
		if got := CodeFor(tt.sw, "fallback"); got != tt.want {
			t.Errorf("CodeFor(%04X) = %q, want %q", tt.sw, got, tt.want)
		}
	}
}

func TestResponseErr(t *testing.T) {
	df7f := func(s string) []byte { return Marshal([]TLV{{Tag: TagErrorCode, Value: []byte(s)}}) }
	tests := []struct {
		name string
		r    Response
		want spec.Code
	}{
		{"ok", Response{SW: SWOK}, ""},
		{"ok with data", Response{Data: df7f("replay"), SW: SWOK}, ""},
		{"bare 6984", Response{SW: 0x6984}, spec.CodeReplay},
		{"6984 double-spend", Response{Data: df7f("double-spend"), SW: 0x6984}, spec.CodeDoubleSpend},
		{"6982 cert-expired", Response{Data: df7f("cert-expired"), SW: 0x6982}, spec.CodeCertExpired},
		{"contradicting code ignored", Response{Data: df7f("replay"), SW: 0x6982}, spec.CodeBadSignature},
		{"unknown code ignored", Response{Data: df7f("bogus"), SW: 0x6A80}, spec.CodeMalformed},
		{"malformed data ignored", Response{Data: h("DF7F 05 7265706C"), SW: 0x6984}, spec.CodeReplay},
		{"other objects kept apart", Response{Data: cat(h("5A 01 00"), df7f("double-spend")), SW: 0x6984}, spec.CodeDoubleSpend},
		{"nested code not looked at", Response{Data: Marshal([]TLV{{Tag: 0x70, Children: []TLV{{Tag: TagErrorCode, Value: []byte("double-spend")}}}}), SW: 0x6984}, spec.CodeReplay},
		{"unmapped 6A83", Response{SW: SWRecordNotFound}, spec.CodeMalformed},
		{"warning 6283", Response{SW: 0x6283}, spec.CodeMalformed},
		{"card internal error 6F00", Response{SW: 0x6F00}, spec.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Err()
			if got := spec.CodeOf(err); got != tt.want {
				t.Fatalf("Err() = %v, code %q, want %q", err, got, tt.want)
			}
			var e *spec.Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("Err() is %T", err)
			}
		})
	}
}

func TestErrorResponse(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Response
	}{
		{"nil", nil, Response{SW: SWOK}},
		{"untyped", errors.New("boom"), Response{Data: h("DF7F 08 696E7465726E616C"), SW: 0x6F00}},
		{"unknown code", &spec.Error{Code: "bogus"}, Response{Data: h("DF7F 08 696E7465726E616C"), SW: 0x6F00}},
		{"wrapped", fmt.Errorf("ctx: %w", spec.Errorf(spec.CodeReplay, "seen")), Response{Data: h("DF7F 06 7265706C6179"), SW: 0x6984}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ErrorResponse(tt.err), equateEmpty); diff != "" {
				t.Fatalf("ErrorResponse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResponseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		r    Response
		enc  []byte
	}{
		{"bare", Response{SW: SWOK}, h("9000")},
		{"data", Response{Data: h("5A0101"), SW: SWOK}, h("5A0101 9000")},
		{"61xx", Response{SW: 0x6110}, h("6110")},
		{"9Fxx", Response{SW: 0x9F20}, h("9F20")},
		{"at cap", Response{Data: seq(MaxResponse - 2), SW: 0x6A80}, cat(seq(MaxResponse-2), h("6A80"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.enc) {
				t.Fatalf("Marshal:\n got  %X\n want %X", got, tt.enc)
			}
			back, err := ParseResponse(tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.r, back, equateEmpty); diff != "" {
				t.Fatalf("ParseResponse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResponseRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		enc  []byte
	}{
		{"empty", nil},
		{"1 byte", h("90")},
		{"SW 0000", h("0000")},
		{"SW1 60", h("6000")},
		{"SW1 70", h("7000")},
		{"SW1 A0", h("A000")},
		{"SW1 FF", h("01 FFFF")},
		{"over cap", cat(seq(MaxResponse-1), h("9000"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResponse(tt.enc)
			if err == nil {
				t.Fatalf("ParseResponse accepted %+v", r)
			}
			wantMalformed(t, "ParseResponse", err)
		})
	}
	for _, tt := range []struct {
		name string
		r    Response
	}{
		{"zero", Response{}},
		{"SW 1234", Response{SW: 0x1234}},
		{"over cap", Response{Data: seq(MaxResponse - 1), SW: SWOK}},
	} {
		t.Run("marshal "+tt.name, func(t *testing.T) {
			if _, err := tt.r.Marshal(); err == nil {
				t.Fatal("Marshal accepted")
			} else {
				wantMalformed(t, "Marshal", err)
			}
		})
	}
}
