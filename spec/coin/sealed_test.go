package coin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func hsm(t *testing.T, s suite.Suite, label string) *HSM {
	t.Helper()
	h, err := NewHSM(s, detrand.New(1, "hsm/"+label))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSealedRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		h := hsm(t, s, "agent")
		c := sample(t, s)
		sealed, err := h.Seal(detrand.New(1, "nonce"), c)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := h.Seal(detrand.New(1, "nonce"), c)
		if again.String() != sealed.String() {
			t.Fatal("sealing is not reproducible from the same stream")
		}
		str := sealed.String()
		parsed, err := ParseSealedString(str)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(parsed.Marshal(), sealed.Marshal()) {
			t.Fatal("string round trip changed the bytes")
		}
		got, err := h.Open(parsed)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("Open (-want +got):\n%s", diff)
		}

		_, err = hsm(t, s, "other").Open(parsed)
		wantCode(t, err, spec.CodeUntrustedIssuer)
		other := hsm(t, s, "other")
		other.KeyID = h.KeyID // same id, different key: the AEAD must fail
		_, err = other.Open(parsed)
		wantCode(t, err, spec.CodeBadSeal)

		for i := range sealed.Ciphertext {
			bad := *sealed
			bad.Ciphertext = bytes.Clone(sealed.Ciphertext)
			bad.Ciphertext[i] ^= 0x80
			if _, err := h.Open(&bad); spec.CodeOf(err) != spec.CodeBadSeal {
				t.Fatalf("flipping ciphertext byte %d: %v, want bad-seal", i, err)
			}
		}
		bad := *sealed
		bad.Nonce[0] ^= 1
		_, err = h.Open(&bad)
		wantCode(t, err, spec.CodeBadSeal)
	})
}

func TestSealedStringStrict(t *testing.T) {
	h := hsm(t, suite.Default(), "agent")
	sealed, err := h.Seal(detrand.New(1, "nonce"), sample(t, suite.Default()))
	if err != nil {
		t.Fatal(err)
	}
	str := sealed.String()
	for name, in := range map[string]string{
		"padding":       str + "==",
		"std alphabet":  strings.NewReplacer("-", "+", "_", "/").Replace(str) + "+/",
		"whitespace":    str[:10] + " " + str[10:],
		"line break":    str[:10] + "\n" + str[10:],
		"CRLF":          str[:10] + "\r\n" + str[10:],
		"trailing junk": str + "AA",
		"empty":         "",
		"huge":          strings.Repeat("A", 4096),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSealedString(in)
			wantCode(t, err, spec.CodeMalformed)
		})
	}
	v2 := sealed.Marshal()
	v2[4] = 2 // version INTEGER's value byte: [APPLICATION 3] len, 02 01 01
	_, err = ParseSealed(v2)
	wantCode(t, err, spec.CodeUnknownVersion)
}
