package cert

import (
	"bytes"
	"encoding/base64"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// hsmMaterial draws an HSM key id and key (the order NewHSM reads them)
// and returns the HSM with its published key bytes.
func hsm(g *vgen.Gen, label string) (*coin.HSM, []byte) {
	raw := g.Src("hsm/" + label).Bytes(coin.KeyIDSize + 16)
	hs, err := coin.NewHSM(g.S, bytes.NewReader(raw))
	g.Fail(err)
	return hs, raw
}

// sealedDER builds a SealedCoin with any version, for the unknown-version case.
func sealedDER(version int64, s *coin.Sealed) []byte {
	return der.Marshal(der.Application(coin.TagSealed), func(b *der.Builder) {
		b.AddASN1Int64(version)
		b.AddASN1OctetString(s.KeyID[:])
		b.AddASN1OctetString(s.Nonce[:])
		b.AddASN1OctetString(s.Ciphertext)
	})
}

// sealedCoinKind is the sealedcoin file, decided with the holder's
// OpenCoin (refSealedCoin).
var sealedCoinKind = vgen.Kind{Gen: genSealedCoin, Decide: map[string]vgen.Decider{"sealedcoin": vgen.Decode(refSealedCoin)}}

func genSealedCoin(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "sealedcoin")
	issuer := g.Key("issuer")
	rogue := g.Key("rogue-issuer")
	hs, hsmRaw := hsm(g, "agent")
	other, _ := hsm(g, "other")
	if g.Err != nil {
		return b
	}
	ipub := issuer.Public()
	grp := b.Group("SealedCoinOpen", vgen.H(ipub.SPKI()))
	in := func(str string) SealedCoinInput {
		return SealedCoinInput{Sealed: vgen.H([]byte(str)), HSMKeyID: vgen.H(hsmRaw[:coin.KeyIDSize]), HSMKey: vgen.H(hsmRaw[coin.KeyIDSize:]), IssuerPublicKey: vgen.H(ipub.SPKI())}
	}
	mkCoin := func(label string, k interface{ Sign([]byte) ([]byte, error) }, value int64) *coin.Signed {
		return g.SignRaw(k, coin.New(g.Serial("sealed/"+label), value, coin.Serial{}, "ICBC-0001"))
	}
	seal := func(hsm *coin.HSM, label string, c *coin.Signed) *coin.Sealed {
		s, err := hsm.Seal(g.Src("sealed/nonce/"+label), c)
		g.Fail(err)
		if s == nil {
			return &coin.Sealed{}
		}
		return s
	}
	good := mkCoin("good", issuer, 10000)
	sealed := seal(hs, "good", good)
	if g.Err != nil {
		return b
	}
	str := sealed.String()
	coinSig := func(c *coin.Signed) *vgen.Signature { return vgen.SigObj(g.S, ipub, c.TBS(), c.Signature) }

	b.Valid(grp, "valid", "a 100-yuan coin sealed by the agent's HSM", "R6.1", nil, in(str), coinSig(good))
	small := mkCoin("small", issuer, 1)
	b.Valid(grp, "valid-1-fen", "a 1-fen coin", "R6.1", []string{"Boundary"}, in(seal(hs, "small", small).String()), coinSig(small))

	// The seal.
	tamper := func(name, comment string, mod func(s *coin.Sealed)) {
		s := *sealed
		s.Ciphertext = bytes.Clone(sealed.Ciphertext)
		mod(&s)
		b.Invalid(grp, name, comment, "R1.1", spec.CodeBadSeal, []string{"TamperedSeal", "sealed-aead"}, in(s.String()), nil)
	}
	tamper("ciphertext-bit-flipped", "one bit of the ciphertext flipped", func(s *coin.Sealed) { s.Ciphertext[0] ^= 0x01 })
	tamper("tag-bit-flipped", "one bit of the AEAD tag (the last 16 bytes) flipped", func(s *coin.Sealed) { s.Ciphertext[len(s.Ciphertext)-1] ^= 0x80 })
	tamper("nonce-changed", "one bit of the AEAD nonce flipped", func(s *coin.Sealed) { s.Nonce[0] ^= 0x01 })
	tamper("key-id-swapped", "sealed under the agent's key id but another key", func(s *coin.Sealed) {
		o := *other
		o.KeyID = hs.KeyID
		*s = *seal(&o, "swapped", good)
	})
	tamper("ciphertext-truncated", "the tag's last byte removed", func(s *coin.Sealed) { s.Ciphertext = s.Ciphertext[:len(s.Ciphertext)-1] })
	b.Invalid(grp, "other-hsm", "sealed by another agent's HSM (another key id)", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongKey", "sealed-key-id"}, in(seal(other, "other", good).String()), nil)

	// The coin inside.
	forged := mkCoin("forged", rogue, 10000)
	b.Invalid(grp, "coin-wrong-issuer", "a coin signed by another issuer key, sealed by the agent's HSM", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "sealed-coin"},
		in(seal(hs, "forged", forged).String()), vgen.SigObj(g.S, ipub, forged.TBS(), forged.Signature))
	flipped := *good
	flipped.Signature = vgen.FlipSig(good.Signature)
	b.Invalid(grp, "coin-signature-bit-flipped", "the coin's issuer signature altered before sealing", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "sealed-coin"},
		in(seal(hs, "flipped", &flipped).String()), coinSig(&flipped))

	// The string and DER encodings.
	enc := func(name, comment string, code spec.Code, flags []string, s string) {
		b.Invalid(grp, name, comment, "R1.1", code, flags, in(s), nil)
	}
	half := len(str) / 2
	enc("crlf-inserted", "CR LF inserted in the middle of the string (a lenient base64 decoder skips it)", spec.CodeMalformed, []string{"NonCanonical", "sealed-string"}, str[:half]+"\r\n"+str[half:])
	enc("lf-appended", "a final LF", spec.CodeMalformed, []string{"NonCanonical", "sealed-string"}, str+"\n")
	enc("padded", "base64 padding added", spec.CodeMalformed, []string{"NonCanonical", "sealed-string"}, base64.URLEncoding.EncodeToString(sealed.Marshal())+"==")
	enc("std-alphabet", "the standard alphabet with padding instead of unpadded base64url", spec.CodeMalformed, []string{"NonCanonical", "sealed-string"}, base64.StdEncoding.EncodeToString(sealed.Marshal()))
	enc("space-inserted", "a space in the middle of the string", spec.CodeMalformed, []string{"NonCanonical", "sealed-string"}, str[:half]+" "+str[half:])
	raw := sealed.Marshal()
	enc("der-truncated", "the DER's last byte removed, re-encoded", spec.CodeMalformed, []string{"Truncated"}, base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]))
	enc("string-truncated", "the last two characters removed", spec.CodeMalformed, []string{"Truncated"}, str[:len(str)-2])
	enc("der-trailing", "a 0x00 byte appended to the DER, re-encoded", spec.CodeMalformed, []string{"TrailingData", "sealed-parse", "der-trailing"}, base64.RawURLEncoding.EncodeToString(append(bytes.Clone(raw), 0)))
	enc("version-2", "version 2", spec.CodeUnknownVersion, []string{"UnknownVersion", "sealed-parse", "version-unknown"}, base64.RawURLEncoding.EncodeToString(sealedDER(2, sealed)))
	enc("empty", "the empty string", spec.CodeMalformed, []string{"Empty"}, "")
	genSealedPins(g, b, grp, in, hsmRaw, sealed, good, seal(hs, "small", small))
	return b
}
