package apdu

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/spec"
)

// h decodes hex with spaces, for readable vectors.
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// seq returns n bytes 0, 1, 2, ... (mod 256).
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

var equateEmpty = cmpopts.EquateEmpty()

// wantMalformed fails t unless err is a *spec.Error with code malformed.
func wantMalformed(t *testing.T, what string, err error) {
	t.Helper()
	var e *spec.Error
	if !errors.As(err, &e) || e.Code != spec.CodeMalformed {
		t.Errorf("%s: error %v (%T), want a *spec.Error with code malformed", what, err, err)
	}
}

func TestCommandCases(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		enc  []byte
	}{
		{"case 1", Command{CLA: 0x00, INS: 0xA4, P1: 0x04, P2: 0x00, Le: LeAbsent}, h("00A40400")},
		{"case 2S", Command{CLA: 0x80, INS: 0xB0, Le: 16}, h("80B00000 10")},
		{"case 2S Le 256", Command{CLA: 0x80, INS: 0xB0, Le: 256}, h("80B00000 00")},
		{"case 3S", Command{CLA: 0x00, INS: 0xA4, P1: 0x04, Data: h("A000000333"), Le: LeAbsent}, h("00A40400 05 A000000333")},
		{"case 4S", Command{CLA: 0x84, INS: 0x20, P2: 0x01, Data: h("0102"), Le: 8}, h("84200001 02 0102 08")},
		{"case 4S Le 256", Command{CLA: 0x80, INS: 0x22, Data: h("AA"), Le: 256}, h("80220000 01 AA 00")},
		{"case 2E", Command{CLA: 0x80, INS: 0xB0, Le: 257}, h("80B00000 00 0101")},
		{"case 2E Le 65535", Command{CLA: 0x80, INS: 0xB0, Le: 65535}, h("80B00000 00 FFFF")},
		{"case 2E Le 65536", Command{CLA: 0x80, INS: 0xB0, Le: 65536}, h("80B00000 00 0000")},
		{"case 3E", Command{CLA: 0x80, INS: 0xD6, Data: seq(256), Le: LeAbsent}, cat(h("80D60000 00 0100"), seq(256))},
		{"case 4E long data", Command{CLA: 0x80, INS: 0x2A, Data: seq(256), Le: 16}, cat(h("802A0000 00 0100"), seq(256), h("0010"))},
		{"case 4E long Le", Command{CLA: 0x80, INS: 0x2A, Data: h("AA"), Le: 257}, h("802A0000 00 0001 AA 0101")},
		{"case 4E Le 65536", Command{CLA: 0x80, INS: 0x2A, Data: seq(300), Le: 65536}, cat(h("802A0000 00 012C"), seq(300), h("0000"))},
		// Boundaries.
		{"data 255 short", Command{CLA: 0x80, INS: 0xD6, Data: seq(255), Le: LeAbsent}, cat(h("80D60000 FF"), seq(255))},
		{"data 255 Le 256 short", Command{CLA: 0x80, INS: 0xD6, Data: seq(255), Le: 256}, cat(h("80D60000 FF"), seq(255), h("00"))},
		{"data 255 Le 257 extended", Command{CLA: 0x80, INS: 0xD6, Data: seq(255), Le: 257}, cat(h("80D60000 00 00FF"), seq(255), h("0101"))},
		{"data 256 Le 1 extended", Command{CLA: 0x80, INS: 0xD6, Data: seq(256), Le: 1}, cat(h("80D60000 00 0100"), seq(256), h("0001"))},
		{"at cap", Command{CLA: 0x80, INS: 0xD6, Data: seq(MaxCommand - 7), Le: LeAbsent}, cat(h("80D60000 00"), be16(MaxCommand-7), seq(MaxCommand-7))},
		{"at cap 4E", Command{CLA: 0x80, INS: 0xD6, Data: seq(MaxCommand - 9), Le: 65536}, cat(h("80D60000 00"), be16(MaxCommand-9), seq(MaxCommand-9), h("0000"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Marshal()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(got, tt.enc) {
				t.Fatalf("Marshal:\n got  %X\n want %X", got, tt.enc)
			}
			back, err := ParseCommand(tt.enc)
			if err != nil {
				t.Fatalf("ParseCommand: %v", err)
			}
			if diff := cmp.Diff(tt.cmd, back, equateEmpty); diff != "" {
				t.Fatalf("ParseCommand (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCommandRefused(t *testing.T) {
	tests := []struct {
		name string
		enc  []byte
	}{
		{"empty", nil},
		{"3 bytes", h("00A404")},
		{"CLA FF case 1", h("FFA40400")},
		{"CLA FF case 2S", h("FFB00000 10")},
		{"body 00 xx", h("00A40400 0010")},
		{"body 00 00", h("00A40400 0000")},
		{"short Lc over body", h("00A40400 03 0102")},
		{"short Lc under body", h("00A40400 01 0102 03")},
		{"short trailing 2 bytes", h("00A40400 01 AA 1020")},
		{"2E Le 256 fits short", h("80B00000 00 0100")},
		{"2E Le 1 fits short", h("80B00000 00 0001")},
		{"extended Lc 0", h("80B00000 00 0000 10")},
		{"extended Lc 0 with Le", h("80B00000 00 0000 1020")},
		{"3E fits short", h("80D60000 00 0003 010203")},
		{"4E fits short", h("80D60000 00 0001 AA 0010")},
		{"4E fits short Le 256", h("80D60000 00 0001 AA 0100")},
		{"extended Lc over body", cat(h("80D60000 00 0100"), seq(255))},
		{"3E trailing byte", cat(h("80D60000 00 0100"), seq(256), h("00"))},
		{"4E trailing byte", cat(h("80D60000 00 0100"), seq(256), h("001000"))},
		{"over cap", cat(h("80D60000 00"), be16(MaxCommand-6), seq(MaxCommand-6))},
		{"over cap 4E", cat(h("80D60000 00"), be16(MaxCommand-8), seq(MaxCommand-8), h("0000"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCommand(tt.enc)
			if err == nil {
				t.Fatalf("ParseCommand(%X) accepted %+v", tt.enc, c)
			}
			wantMalformed(t, "ParseCommand", err)
		})
	}
}

func TestCommandMarshalRefused(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
	}{
		{"CLA FF", Command{CLA: 0xFF, Le: LeAbsent}},
		{"zero Command (Le 0)", Command{}},
		{"Le -2", Command{Le: -2}},
		{"Le 65537", Command{Le: 65537}},
		{"data over cap", Command{Data: seq(MaxCommand - 6), Le: LeAbsent}},
		{"data at cap with Le", Command{Data: seq(MaxCommand - 7), Le: 1}},
		{"data 65535", Command{Data: seq(65535), Le: LeAbsent}},
		{"data 65536", Command{Data: seq(65536), Le: LeAbsent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.cmd.Marshal()
			if err == nil {
				t.Fatalf("Marshal accepted, gave %d bytes", len(b))
			}
			wantMalformed(t, "Marshal", err)
		})
	}
}

// TestCommandCopies checks that parsed data does not alias the input.
func TestCommandCopies(t *testing.T) {
	enc := h("00A40400 02 AABB")
	c, err := ParseCommand(enc)
	if err != nil {
		t.Fatal(err)
	}
	enc[5] = 0
	if diff := cmp.Diff(h("AABB"), c.Data); diff != "" {
		t.Fatalf("Data changed with the input (-want +got):\n%s", diff)
	}
}

// be16 is n as two big-endian bytes, for length fields at the caps.
func be16(n int) []byte { return []byte{byte(n >> 8), byte(n)} }
