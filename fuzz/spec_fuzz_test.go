package fuzz

import (
	"bytes"
	"encoding/base64"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/fuzz/internal/fixture"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// coinFields are the TBS fields of a coin, each as raw DER, so a seed can
// carry one field encoded wrongly.
type coinFields struct {
	version, serial, denomination, currency, unit, parent, agent []byte
}

func derOf(f func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	f(&b)
	return b.BytesOrPanic()
}

func derInt(v int64) []byte {
	return derOf(func(b *cryptobyte.Builder) { b.AddASN1Int64(v) })
}

func derOctets(v []byte) []byte {
	return derOf(func(b *cryptobyte.Builder) { b.AddASN1OctetString(v) })
}

func fieldsOf(c *coin.Signed) coinFields {
	parent := c.Parent[:]
	if c.Parent.IsZero() {
		parent = nil
	}
	return coinFields{
		version:      derInt(int64(c.Version)),
		serial:       derOctets(c.Serial[:]),
		denomination: derInt(c.Denomination),
		currency:     derInt(int64(c.Currency)),
		unit:         derOf(func(b *cryptobyte.Builder) { b.AddASN1Enum(int64(c.Unit)) }),
		parent:       derOctets(parent),
		agent: derOf(func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(c.Agent)) })
		}),
	}
}

// marshal builds the signed coin around the fields, with sig.
func (f coinFields) marshal(sig []byte) []byte {
	app := func(n uint8) asn1.Tag { return asn1.Tag(n).Constructed() | 0x40 }
	return derOf(func(b *cryptobyte.Builder) {
		b.AddASN1(app(coin.TagCoin), func(b *cryptobyte.Builder) {
			b.AddASN1(app(coin.TagTBS), func(b *cryptobyte.Builder) {
				for _, field := range [][]byte{f.version, f.serial, f.denomination, f.currency, f.unit, f.parent, f.agent} {
					b.AddBytes(field)
				}
			})
			b.AddASN1OctetString(sig)
		})
	})
}

// coinSeeds are valid coins and near misses, both suites.
func coinSeeds() [][]byte {
	var out [][]byte
	for _, fx := range fixture.All() {
		c := fx.CoinDER
		out = append(out, c, fx.Child, fixture.Truncate(c, 1), fixture.Flip(c, -3), fixture.Trailing(c), fixture.NonMinimal(c),
			fixture.Retag(c, 0x63)) // [APPLICATION 3], the sealed coin's tag
		good := fieldsOf(fx.Coin)
		for _, mutate := range []func(f *coinFields){
			func(f *coinFields) { f.version = derInt(2) },                                // unknown version
			func(f *coinFields) { f.version = []byte{0x02, 0x02, 0x00, 0x01} },           // non-minimal INTEGER
			func(f *coinFields) { f.serial = derOctets(make([]byte, coin.SerialSize)) },  // the reserved zero serial
			func(f *coinFields) { f.parent = derOctets(make([]byte, coin.SerialSize)) },  // zero parent spelled out
			func(f *coinFields) { f.parent = derOctets(bytes.Repeat([]byte{7}, 15)) },    // short parent
			func(f *coinFields) { f.denomination = derInt(0) },                           // below the range
			func(f *coinFields) { f.denomination = derInt(700) },                         // off the table: parses, Validate refuses
			func(f *coinFields) { f.unit = derInt(2) },                                   // INTEGER where ENUMERATED
			func(f *coinFields) { f.agent = append([]byte{0x0c, 0x02}, "A "...) },        // not printable
			func(f *coinFields) { f.agent = append([]byte{0x13, 0x04}, "ICBC"...) },      // PrintableString, not UTF8String
			func(f *coinFields) { f.currency = derInt(840) },                             // USD: parses, Validate refuses
			func(f *coinFields) { f.agent = append(bytes.Clone(f.agent), derInt(0)...) }, // an extra field
		} {
			f := good
			mutate(&f)
			out = append(out, f.marshal(fx.Coin.Signature))
		}
	}
	return out
}

// sealedSeeds are valid sealed coins and near misses, both suites.
func sealedSeeds() [][]byte {
	var out [][]byte
	for _, f := range fixture.All() {
		s := f.Sealed.Marshal()
		out = append(out, s, fixture.Truncate(s, 1), fixture.Flip(s, -1), fixture.Trailing(s), fixture.NonMinimal(s),
			fixture.Retag(s, 0x61),
			fixture.Replace(s, []byte{0x02, 0x01, 0x01, 0x04, 0x08}, []byte{0x02, 0x01, 0x02, 0x04, 0x08}))
	}
	return out
}

// FuzzCoin: coin.Parse, then Validate and Verify under both issuers.
func FuzzCoin(f *testing.F) {
	for _, b := range coinSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := coin.Parse(b)
		if err != nil {
			fixture.Reject(t, "coin.Parse", err)
			return
		}
		if c == nil {
			t.Fatal("coin.Parse: nil coin and nil error")
		}
		if got := c.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("coin.Parse accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		fixture.Optional(t, "Coin.Validate", c.Validate())
		for _, fx := range fixture.All() {
			fixture.Optional(t, "Signed.Verify", c.Verify(fx.Issuer.Public()), spec.CodeBadSignature)
			fixture.Optional(t, "Signed.Check", c.Check(fx.Issuer.Public()))
		}
	})
}

// FuzzSealedCoin: coin.ParseSealed.
func FuzzSealedCoin(f *testing.F) {
	for _, b := range sealedSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := coin.ParseSealed(b)
		if err != nil {
			fixture.Reject(t, "coin.ParseSealed", err)
			return
		}
		if s == nil {
			t.Fatal("coin.ParseSealed: nil and nil error")
		}
		if got := s.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("coin.ParseSealed accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
	})
}

// FuzzSealedCoinString: coin.ParseSealedString.
func FuzzSealedCoinString(f *testing.F) {
	for _, b := range sealedSeeds() {
		f.Add(base64.RawURLEncoding.EncodeToString(b))
	}
	for _, fx := range fixture.All() {
		str := fx.Sealed.String()
		f.Add(base64.URLEncoding.EncodeToString(fx.Sealed.Marshal())) // padded
		f.Add(base64.RawStdEncoding.EncodeToString(fx.Sealed.Marshal()))
		f.Add(str + "A")
		f.Add(str[:len(str)-1])
		f.Add(" " + str)
	}
	f.Fuzz(func(t *testing.T, str string) {
		s, err := coin.ParseSealedString(str)
		if err != nil {
			fixture.Reject(t, "coin.ParseSealedString", err)
			return
		}
		if s == nil {
			t.Fatal("coin.ParseSealedString: nil and nil error")
		}
		if got := s.String(); got != str {
			t.Fatalf("coin.ParseSealedString accepted a string that does not round-trip:\n in  %q\n out %q", str, got)
		}
	})
}

// Modes of FuzzSealedCoinOpen, in bit 1 of the first byte (bit 0 is the
// suite).
const (
	openParsed = 0 // the rest is a sealed coin: ParseSealed, then Open
	openRaw    = 2 // the rest is a plaintext: seal it under the HSM key, then Open
)

// FuzzSealedCoinOpen: HSM.Open with the fixture HSM.
func FuzzSealedCoinOpen(f *testing.F) {
	for i, fx := range fixture.All() {
		sel := byte(i)
		s := fx.Sealed.Marshal()
		for _, b := range [][]byte{s, fixture.Flip(s, -1), fixture.Flip(s, 10)} {
			f.Add(append([]byte{sel | openParsed}, b...))
		}
		for _, b := range coinSeeds()[:4] {
			f.Add(append([]byte{sel | openRaw}, b...))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		fx, mode, rest := fixture.Pick(b[0]), b[0]&openRaw, b[1:]
		var sealed *coin.Sealed
		if mode == openParsed {
			var err error
			if sealed, err = coin.ParseSealed(rest); err != nil {
				fixture.Reject(t, "coin.ParseSealed", err)
				return
			}
		} else {
			if len(rest) > coin.MaxSealedDER {
				return
			}
			sealed = &coin.Sealed{KeyID: fx.HSM.KeyID, Nonce: fx.Sealed.Nonce}
			sealed.Ciphertext = fx.HSMAEAD.Seal(nil, sealed.Nonce[:], rest, fixture.HSMAAD(fx.HSM.KeyID))
		}
		c, err := fx.HSM.Open(sealed)
		if err != nil {
			fixture.Reject(t, "HSM.Open", err)
			return
		}
		pt, err := fx.HSMAEAD.Open(nil, sealed.Nonce[:], sealed.Ciphertext, fixture.HSMAAD(fx.HSM.KeyID))
		if err != nil {
			t.Fatalf("HSM.Open accepted a sealed coin its own key does not open: %v", err)
		}
		if got := c.Marshal(); !bytes.Equal(got, pt) {
			t.Fatalf("HSM.Open returned a coin that does not round-trip:\n in  %x\n out %x", pt, got)
		}
	})
}

// certSeeds are certificates of both suites and near misses.
func certSeeds() [][]byte {
	var out [][]byte
	for _, fx := range fixture.All() {
		w := fx.Wallet.Raw
		out = append(out, fx.Root.Cert.Raw, w, fx.Revoked.Raw,
			fixture.Truncate(w, 1), fixture.Trailing(w), fixture.NonMinimal(w), fixture.Retag(w, 0x31),
			fixture.Flip(w, -5),  // in the signature
			fixture.Flip(w, 15),  // in the serial or version
			fixture.Flip(w, 200)) // in a name or the key
	}
	return out
}

func fuzzCertificate(f *testing.F, fx *fixture.Fixture) {
	for _, b := range certSeeds() {
		f.Add(b)
	}
	other := fixture.All()[0]
	if other == fx {
		other = fixture.All()[1]
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := devcert.Parse(fx.Suite, b)
		if err != nil {
			fixture.Reject(t, "devcert.Parse", err)
			return
		}
		if c == nil {
			t.Fatal("devcert.Parse: nil and nil error")
		}
		if !bytes.Equal(c.Raw, b) {
			t.Fatalf("devcert.Parse accepted bytes whose Raw differs:\n in  %x\n raw %x", b, c.Raw)
		}
		if c.PublicKey == nil || !bytes.Equal(c.PublicKey.SPKI(), spkiOf(t, b)) {
			t.Fatal("devcert.Parse: the parsed key is not the certificate's")
		}
		fixture.Optional(t, "Certificate.Verify", c.Verify(fx.Root.Cert, fixture.At, nil))
		fixture.Optional(t, "Certificate.Verify with list", c.Verify(fx.Root.Cert, fixture.At, fx.CRL))
		fixture.Reject(t, "Certificate.Verify under the other suite's root",
			c.Verify(other.Root.Cert, fixture.At, nil), spec.CodeWrongSuite)
	})
}

// spkiOf extracts the SubjectPublicKeyInfo of a certificate by hand.
func spkiOf(t *testing.T, cert []byte) []byte {
	in := cryptobyte.String(cert)
	var c, tbs, spki cryptobyte.String
	ok := in.ReadASN1(&c, asn1.SEQUENCE) && c.ReadASN1(&tbs, asn1.SEQUENCE) &&
		tbs.SkipOptionalASN1(asn1.Tag(0).Constructed().ContextSpecific()) &&
		tbs.SkipASN1(asn1.INTEGER) && // serial
		tbs.SkipASN1(asn1.SEQUENCE) && // signature algorithm
		tbs.SkipASN1(asn1.SEQUENCE) && // issuer
		tbs.SkipASN1(asn1.SEQUENCE) && // validity
		tbs.SkipASN1(asn1.SEQUENCE) && // subject
		tbs.ReadASN1Element(&spki, asn1.SEQUENCE)
	if !ok {
		t.Fatalf("devcert.Parse accepted a certificate with no readable SubjectPublicKeyInfo: %x", cert)
	}
	return spki
}

// FuzzCertificateGM: devcert.Parse and Verify under GM.
func FuzzCertificateGM(f *testing.F) { fuzzCertificate(f, fixture.All()[0]) }

// FuzzCertificateINTL: devcert.Parse and Verify under INTL.
func FuzzCertificateINTL(f *testing.F) { fuzzCertificate(f, fixture.All()[1]) }

// FuzzRevocationList: devcert.ParseRevocationList against the fixture
// root of the suite the first byte names.
func FuzzRevocationList(f *testing.F) {
	for i, fx := range fixture.All() {
		sel := byte(i)
		l := fx.CRL.Raw
		for _, b := range [][]byte{l, fixture.Truncate(l, 1), fixture.Trailing(l), fixture.NonMinimal(l), fixture.Flip(l, -3), fixture.Flip(l, 30)} {
			f.Add(append([]byte{sel}, b...))
		}
		f.Add(append([]byte{sel ^ 1}, l...)) // under the other suite's root
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		fx, der := fixture.Pick(b[0]), b[1:]
		l, err := devcert.ParseRevocationList(der, fx.Root.Cert)
		if err != nil {
			fixture.Reject(t, "devcert.ParseRevocationList", err)
			return
		}
		if l == nil {
			t.Fatal("devcert.ParseRevocationList: nil and nil error")
		}
		// The list is exactly one DER element: nothing may trail it.
		in := cryptobyte.String(der)
		var el cryptobyte.String
		if !in.ReadASN1Element(&el, asn1.SEQUENCE) || !in.Empty() {
			t.Fatalf("devcert.ParseRevocationList accepted %d bytes after the list:\n in %x", len(in), der)
		}
		if !bytes.Equal(l.Raw, der) {
			t.Fatalf("devcert.ParseRevocationList: Raw differs from the input")
		}
		if l.IssuerID != fx.Root.Cert.ID {
			t.Fatalf("devcert.ParseRevocationList: IssuerID %q, verified under %q", l.IssuerID, fx.Root.Cert.ID)
		}
		if l.Number == 0 || l.Number >= 1<<63 {
			t.Fatalf("devcert.ParseRevocationList: number %d outside the profile", l.Number)
		}
		err = fx.Revoked.Verify(fx.Root.Cert, fixture.At, l)
		fixture.Optional(t, "Certificate.Verify with a fuzzed list", err, spec.CodeCertRevoked)
	})
}

// FuzzPublicKey: Suite.ParsePublicKey under the suite the first byte names.
func FuzzPublicKey(f *testing.F) {
	for i := range fixture.All() {
		for _, fx := range fixture.All() {
			for _, k := range []suite.PublicKey{fx.Issuer.Public(), fx.Payee.Public()} {
				p := k.SPKI()
				f.Add(append([]byte{byte(i)}, p...))
				for _, b := range [][]byte{fixture.Truncate(p, 1), fixture.Trailing(p), fixture.NonMinimal(p), fixture.Flip(p, -1), fixture.Flip(p, 20)} {
					f.Add(append([]byte{byte(i)}, b...))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		fx, der := fixture.Pick(b[0]), b[1:]
		k, err := fx.Suite.ParsePublicKey(der)
		if err != nil {
			fixture.Reject(t, "Suite.ParsePublicKey", err, spec.CodeMalformed, spec.CodeWrongSuite)
			return
		}
		if k == nil {
			t.Fatal("Suite.ParsePublicKey: nil and nil error")
		}
		if got := k.SPKI(); !bytes.Equal(got, der) {
			t.Fatalf("Suite.ParsePublicKey accepted bytes that do not round-trip:\n in  %x\n out %x", der, got)
		}
		if k.Suite() != fx.Suite.ID() {
			t.Fatalf("Suite.ParsePublicKey under %s returned a %s key", fx.Suite.ID(), k.Suite())
		}
		fixture.Optional(t, "PublicKey.Verify", k.Verify(fx.Msg, fx.Sig), spec.CodeBadSignature)
	})
}

// FuzzSignatureVerify: PublicKey.Verify of arbitrary messages and
// signatures under the fixture issuer keys. Only the seeded signature (and,
// for ECDSA, its (r, n-s) twin, which ECDSA cannot tell apart) over the
// seeded message may verify.
func FuzzSignatureVerify(f *testing.F) {
	for _, fx := range fixture.All() {
		gm := fx.Suite.ID() == suite.GM
		f.Add(gm, fx.Msg, fx.Sig)
		f.Add(!gm, fx.Msg, fx.Sig)
		f.Add(gm, fx.Msg, fixture.Trailing(fx.Sig))
		f.Add(gm, fx.Msg, fixture.Flip(fx.Sig, -1))
		f.Add(gm, fx.Msg, fixture.NonMinimal(fx.Sig))
		f.Add(gm, fixture.Flip(fx.Msg, 0), fx.Sig)
		f.Add(gm, []byte{}, []byte{})
	}
	f.Fuzz(func(t *testing.T, gm bool, msg, sig []byte) {
		fx := fixture.Of(gm)
		err := fx.Issuer.Public().Verify(msg, sig)
		if err != nil {
			fixture.Reject(t, "PublicKey.Verify", err, spec.CodeBadSignature)
			return
		}
		if !bytes.Equal(msg, fx.Msg) {
			t.Fatalf("%s: a signature verifies over an unsigned message:\n msg %x\n sig %x", fx.Suite.ID(), msg, sig)
		}
		if !bytes.Equal(sig, fx.Sig) && !bytes.Equal(sig, fx.SigTwin) {
			t.Fatalf("%s: a second encoding of the signature verifies:\n sig  %x\n want %x", fx.Suite.ID(), sig, fx.Sig)
		}
	})
}

// FuzzSealOpen: PrivateKey.Open of arbitrary envelopes and context strings
// under the fixture payee keys.
func FuzzSealOpen(f *testing.F) {
	for _, fx := range fixture.All() {
		gm := fx.Suite.ID() == suite.GM
		e := fx.Envelope
		f.Add(gm, e, fx.Info)
		f.Add(!gm, e, fx.Info)
		f.Add(gm, e, []byte{})
		f.Add(gm, e, append(bytes.Clone(fx.Info), 'x'))
		f.Add(gm, fixture.Truncate(e, 1), fx.Info)
		f.Add(gm, fixture.Trailing(e), fx.Info)
		f.Add(gm, fixture.Flip(e, -1), fx.Info)
		f.Add(gm, fixture.Flip(e, 5), fx.Info)
	}
	f.Fuzz(func(t *testing.T, gm bool, sealed, info []byte) {
		fx := fixture.Of(gm)
		pt, err := fx.Payee.Open(sealed, info)
		if bytes.Equal(sealed, fx.Envelope) && bytes.Equal(info, fx.Info) {
			if err != nil || !bytes.Equal(pt, fx.Plaintext) {
				t.Fatalf("%s: the fixture envelope does not open: %v", fx.Suite.ID(), err)
			}
			return
		}
		if err == nil {
			// Forging an envelope takes the payee's public key and a
			// real encryption, which mutation does not do; an opening
			// here is a second encoding of the fixture envelope.
			t.Fatalf("%s: an envelope other than the one sealed opens:\n sealed %x\n info   %q\n pt     %x",
				fx.Suite.ID(), sealed, info, pt)
		}
		fixture.Reject(t, "PrivateKey.Open", err, spec.CodeBadSeal)
	})
}
