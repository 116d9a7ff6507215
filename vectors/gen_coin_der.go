package vectors

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// serialBytes returns a copy of s.
func serialBytes(s coin.Serial) []byte { return append([]byte(nil), s[:]...) }

// coinFields are the encoded TBSCoin fields of a coin, in order, so a
// case can replace one field's encoding with one the strict profile
// refuses.
type coinFields struct {
	version, Serial, denomination, currency, unit, parent, agent []byte
}

// baseCoinFields is a valid 500 fen CNY coin of a fresh issue by agent
// ICBC-0001, serial from label.
func baseCoinFields(g *vgen.Gen, label string) coinFields {
	return coinFields{
		version:      []byte{0x02, 0x01, 0x01},
		Serial:       vgen.TLV(0x04, serialBytes(g.Serial(label))),
		denomination: []byte{0x02, 0x02, 0x01, 0xF4},
		currency:     []byte{0x02, 0x02, 0x00, 0x9C},
		unit:         []byte{0x0A, 0x01, 0x02},
		parent:       []byte{0x04, 0x00},
		agent:        vgen.TLV(0x0C, []byte("ICBC-0001")),
	}
}

// signRawFields builds the coin of f, signing its TBS bytes as they are
// with k: the issuer's signature over an encoding only the strict profile
// refuses.
func signRawFields(g *vgen.Gen, k suite.PrivateKey, f coinFields) []byte {
	tbs := vgen.TLV(0x62, bytes.Join([][]byte{f.version, f.Serial, f.denomination, f.currency, f.unit, f.parent, f.agent}, nil))
	return vgen.TLV(0x61, append(tbs, vgen.TLV(0x04, g.Sign(k, tbs))...))
}

// compressSPKI returns the SubjectPublicKeyInfo of spki (an uncompressed
// 91-byte EC key) with its point in compressed form, or nil.
func compressSPKI(spki []byte) []byte {
	if len(spki) != 91 || spki[0] != 0x30 || spki[23] != 0x03 || spki[26] != 0x04 {
		return nil
	}
	alg := spki[2:23]
	x, y := spki[27:59], spki[59:91]
	point := append([]byte{0x02 | y[31]&1}, x...)
	return vgen.TLV(0x30, append(append([]byte{}, alg...), vgen.TLV(0x03, append([]byte{0x00}, point...))...))
}

// genCoinDER adds the coin cases at the boundaries of the strict DER
// profile and of Parse's serial rules: each is signed by the issuer over
// its exact TBS bytes, so only the one check refuses it.
func genCoinDER(g *vgen.Gen, b *vgen.Builder, grp *Group, issuer suite.PrivateKey) {
	pub := issuer.Public()
	pubHex := vgen.H(pub.SPKI())
	in := func(c []byte) CoinInput { return CoinInput{Coin: vgen.H(c), IssuerPublicKey: pubHex} }
	bad := func(name, comment string, c []byte, checks ...string) {
		b.Invalid(grp, name, comment, "R1.1", spec.CodeMalformed, append([]string{"ModifiedField"}, checks...), in(c), nil)
	}
	base := signRawFields(g, issuer, baseCoinFields(g, "der-base"))

	wrongTag := bytes.Clone(base)
	wrongTag[0] = 0x30
	bad("tag-universal-sequence", "the outer [APPLICATION 1] tag replaced by a universal SEQUENCE", wrongTag, "der-tag")

	long := append([]byte{0x61}, nonMinimalLength(base)...)
	bad("length-non-minimal", "the outer length written with one more length octet than it needs", long, "der-length-minimal")

	f := baseCoinFields(g, "der-denomination")
	f.denomination = []byte{0x02, 0x03, 0x00, 0x01, 0xF4}
	bad("denomination-leading-zero", "the denomination 500 as INTEGER 00 01 F4, a redundant leading zero, signed", signRawFields(g, issuer, f), "der-integer-minimal")

	f = baseCoinFields(g, "der-version")
	f.version = []byte{0x02, 0x01, 0xFF}
	bad("version-negative", "the version INTEGER -1 (FF), signed", signRawFields(g, issuer, f))

	f = baseCoinFields(g, "der-currency")
	f.currency = []byte{0x02, 0x02, 0x03, 0xE8}
	bad("currency-1000", "currency 1000, outside the field's range 0..999, signed", signRawFields(g, issuer, f), "der-range")

	f = baseCoinFields(g, "der-serial")
	f.Serial = vgen.TLV(0x04, serialBytes(g.Serial("der-serial"))[:15])
	bad("serial-15-bytes", "a 15-byte serial, signed", signRawFields(g, issuer, f), "der-size-field")

	f = baseCoinFields(g, "der-agent")
	f.agent = vgen.TLV(0x0C, []byte("ICBC 0001"))
	bad("agent-with-space", "agent id \"ICBC 0001\": a space is not printable here, signed", signRawFields(g, issuer, f))

	f = baseCoinFields(g, "der-zero")
	f.Serial = vgen.TLV(0x04, make([]byte, 16))
	bad("zero-serial", "the reserved all-zero serial, signed", signRawFields(g, issuer, f), "coin-parse-serials")

	f = baseCoinFields(g, "der-parent")
	f.parent = vgen.TLV(0x04, make([]byte, 16))
	bad("parent-spelled-zero", "a parent of 16 zero bytes instead of the empty string, signed", signRawFields(g, issuer, f), "coin-parse-serials")

	f = baseCoinFields(g, "der-unit")
	f.unit = []byte{0x0A, 0x01, 0xFF}
	bad("unit-negative", "the unit ENUMERATED -1 (FF), signed", signRawFields(g, issuer, f), "der-unsigned")

	if c := compressSPKI(pub.SPKI()); c != nil {
		ok := signRawFields(g, issuer, baseCoinFields(g, "der-key"))
		b.Invalid(grp, "issuer-key-compressed", "a valid coin, the issuer key given with its point compressed", "R4.1", spec.CodeMalformed, []string{"ModifiedField", "key-parse"},
			CoinInput{Coin: vgen.H(ok), IssuerPublicKey: vgen.H(c)}, nil)
	}
}

// nonMinimalLength returns the length octets and contents of the element
// der with its length written one octet longer than minimal.
func nonMinimalLength(der []byte) []byte {
	var n, off int
	switch l := der[1]; {
	case l < 0x80:
		n, off = int(l), 2
	case l == 0x81:
		n, off = int(der[2]), 3
	default:
		n, off = int(der[2])<<8|int(der[3]), 4
	}
	var hdr []byte
	switch {
	case n < 0x80:
		hdr = []byte{0x81, byte(n)}
	case n < 0x100:
		hdr = []byte{0x82, 0x00, byte(n)}
	default:
		hdr = []byte{0x83, 0x00, byte(n >> 8), byte(n)}
	}
	return append(hdr, der[off:]...)
}
