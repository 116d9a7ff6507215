package cert

import (
	"bytes"
	"encoding/base64"
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// genSealedPins adds sealed coins at the boundaries of the string form
// (bits beyond the last byte), ParseSealed (field sizes) and HSM.Open (a
// plaintext that is not a coin), each sealed by the agent's HSM.
func genSealedPins(g *vgen.Gen, b *vgen.Builder, grp *vgen.Group, in func(string) SealedCoinInput, hsmRaw []byte, sealed *coin.Sealed, good *coin.Signed, small *coin.Sealed) {
	var keyID [coin.KeyIDSize]byte
	copy(keyID[:], hsmRaw[:coin.KeyIDSize])
	// The string of a DER length not a multiple of 3 has unused bits:
	// valid's, or valid-1-fen's one byte shorter.
	withBits := sealed
	if len(sealed.Marshal())%3 == 0 {
		withBits = small
	}
	str := withBits.String()
	if len(withBits.Marshal())%3 == 0 {
		g.Fail(fmt.Errorf("vectors: no sealed coin string with unused bits"))
		return
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := bytes.IndexByte([]byte(alphabet), str[len(str)-1])
	bits := str[:len(str)-1] + string(alphabet[last|1])
	b.Invalid(grp, "unused-bits-set", "the string of valid (or valid-1-fen, whichever has unused bits) with a bit set in the unused low bits of its last character: a second string for the same bytes", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical", "sealed-string"}, in(bits), nil)

	enc := func(keyID, nonce, ct []byte) string {
		return base64.RawURLEncoding.EncodeToString(vgen.TLV(0x60|coin.TagSealed, bytes.Join([][]byte{{0x02, 0x01, 0x01}, vgen.TLV(0x04, keyID), vgen.TLV(0x04, nonce), vgen.TLV(0x04, ct)}, nil)))
	}
	b.Invalid(grp, "key-id-7-bytes", "the valid sealed coin with its 8-byte key id cut to 7 bytes", "R1.1", spec.CodeMalformed, []string{"FieldSize", "sealed-parse"},
		in(enc(sealed.KeyID[:7], sealed.Nonce[:], sealed.Ciphertext)), nil)
	b.Invalid(grp, "nonce-11-bytes", "the valid sealed coin with its 12-byte nonce cut to 11 bytes", "R1.1", spec.CodeMalformed, []string{"FieldSize", "sealed-parse"},
		in(enc(sealed.KeyID[:], sealed.Nonce[:11], sealed.Ciphertext)), nil)

	a, err := g.S.NewAEAD(hsmRaw[coin.KeyIDSize:])
	g.Fail(err)
	if g.Err != nil {
		return
	}
	nonce := g.Src("sealed/nonce/not-a-coin").Bytes(len(sealed.Nonce))
	pt := append(good.Marshal(), 0x00)
	ct := a.Seal(nil, nonce, pt, append([]byte("dualoffline sealed coin v1"), keyID[:]...))
	b.Invalid(grp, "plaintext-not-a-coin", "sealed by the agent's HSM: the valid coin with a 0x00 byte appended, which does not parse as a coin", "R1.1", spec.CodeMalformed,
		[]string{"TrailingData"}, in(enc(keyID[:], nonce, ct)), nil)
}
