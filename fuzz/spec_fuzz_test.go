package fuzz

import (
	"bytes"
	"crypto/cipher"
	"crypto/elliptic"
	"encoding/base64"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The fixed world every target runs in.
const seed = 1

var (
	t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// at is when certificates are verified: inside every fixture's
	// validity period.
	at = t0.Add(100 * 24 * time.Hour)
)

// Serials of the fixture certificates; revokedSerial is on the fixture list.
const (
	walletSerial  = 7
	revokedSerial = 13
)

// fixture is everything a target needs under one suite, built once.
type fixture struct {
	s      suite.Suite
	issuer suite.PrivateKey

	coin    *coin.Signed
	coinDER []byte // coin.Marshal()
	child   []byte // a coin with a parent and the smallest denomination

	hsm     *coin.HSM
	hsmAEAD cipher.AEAD // the HSM's own cipher, rebuilt from its detrand stream
	sealed  *coin.Sealed

	root    *devcert.Authority
	wallet  *devcert.Certificate
	revoked *devcert.Certificate
	crl     *devcert.RevocationList

	payee     suite.PrivateKey
	plaintext []byte
	info      []byte
	envelope  []byte // payee.Public().Seal(plaintext, info)

	msg     []byte
	sig     []byte // issuer.Sign(msg)
	sigTwin []byte // for ECDSA, the (r, n-s) twin of sig, which verifies too
}

// fixtures returns the GM fixture then the INTL one.
var fixtures = sync.OnceValue(func() []*fixture {
	var fs []*fixture
	for _, s := range suite.All() {
		f, err := newFixture(s)
		if err != nil {
			panic(fmt.Sprintf("fuzz: building the %s fixture: %v", s.ID(), err))
		}
		fs = append(fs, f)
	}
	return fs
})

// pick returns the fixture the selector byte names: even GM, odd INTL.
func pick(sel byte) *fixture { return fixtures()[sel&1] }

func fixtureOf(gm bool) *fixture {
	if gm {
		return fixtures()[0]
	}
	return fixtures()[1]
}

func newFixture(s suite.Suite) (*fixture, error) {
	label := "fuzz/" + string(s.ID()) + "/"
	key := func(name string) (suite.PrivateKey, error) {
		return s.GenerateKey(detrand.New(seed, label+"key/"+name))
	}
	f := &fixture{s: s}
	var err error
	if f.issuer, err = key("issuer"); err != nil {
		return nil, err
	}

	// Coins.
	var serial, parent coin.Serial
	for i := range serial {
		serial[i] = byte(0x10 + i)
		parent[i] = byte(0xa0 + i)
	}
	if f.coin, err = coin.Sign(f.issuer, coin.New(serial, 500, coin.Serial{}, "ICBC-0001")); err != nil {
		return nil, err
	}
	f.coinDER = f.coin.Marshal()
	child, err := coin.Sign(f.issuer, coin.New(parent, 1, serial, "ICBC-0001"))
	if err != nil {
		return nil, err
	}
	f.child = child.Marshal()

	// The HSM. NewHSM reads the key id then the key from its reader, so
	// the same stream gives the target the key to seal raw plaintexts.
	hsmLabel := label + "hsm"
	if f.hsm, err = coin.NewHSM(s, detrand.New(seed, hsmLabel)); err != nil {
		return nil, err
	}
	r := detrand.New(seed, hsmLabel)
	if keyID := r.Bytes(coin.KeyIDSize); !bytes.Equal(keyID, f.hsm.KeyID[:]) {
		return nil, fmt.Errorf("HSM key id %x, rebuilt %x", f.hsm.KeyID, keyID)
	}
	if f.hsmAEAD, err = s.NewAEAD(r.Bytes(suite.AEADKeySize)); err != nil {
		return nil, err
	}
	if f.sealed, err = f.hsm.Seal(detrand.New(seed, label+"hsm-nonce"), f.coin); err != nil {
		return nil, err
	}
	pt, err := f.hsmAEAD.Open(nil, f.sealed.Nonce[:], f.sealed.Ciphertext, hsmAAD(f.hsm.KeyID))
	if err != nil || !bytes.Equal(pt, f.coinDER) {
		return nil, fmt.Errorf("the rebuilt HSM key does not open what the HSM sealed (%v)", err)
	}

	// Certificates and the revocation list.
	rootKey, err := key("root")
	if err != nil {
		return nil, err
	}
	if f.root, err = devcert.NewRoot(s, rootKey, "PBOC-ROOT", 1, t0, t0.AddDate(10, 0, 0)); err != nil {
		return nil, err
	}
	issue := func(serial uint64, id string) (*devcert.Certificate, error) {
		k, err := key(id)
		if err != nil {
			return nil, err
		}
		return f.root.Issue(devcert.Template{
			Serial: serial, ID: id, Role: devcert.RoleWallet, PublicKey: k.Public(),
			NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0),
		})
	}
	if f.wallet, err = issue(walletSerial, "SE-0007"); err != nil {
		return nil, err
	}
	if f.revoked, err = issue(revokedSerial, "SE-0013"); err != nil {
		return nil, err
	}
	if f.crl, err = f.root.Revoke(1, t0, t0.AddDate(0, 6, 0), revokedSerial); err != nil {
		return nil, err
	}

	// Sealing to a payee.
	if f.payee, err = key("payee"); err != nil {
		return nil, err
	}
	f.plaintext = f.coinDER
	f.info = []byte("dualoffline/fuzz/transfer")
	if f.envelope, err = f.payee.Public().Seal(detrand.New(seed, label+"seal"), f.plaintext, f.info); err != nil {
		return nil, err
	}

	// Signatures.
	f.msg = []byte("dualoffline fuzz: pay 500 fen to SE-0007")
	if f.sig, err = f.issuer.Sign(f.msg); err != nil {
		return nil, err
	}
	if s.ID() == suite.INTL {
		f.sigTwin = ecdsaTwin(f.sig, elliptic.P256().Params().N)
	}
	return f, nil
}

// hsmAAD is the associated data the HSM binds (spec/coin, SealedCoin).
func hsmAAD(keyID [coin.KeyIDSize]byte) []byte {
	return append([]byte("dualoffline sealed coin v1"), keyID[:]...)
}

// ecdsaTwin returns the DER of (r, n-s) for a DER ECDSA signature (r, s).
func ecdsaTwin(sig []byte, n *big.Int) []byte {
	r, s, ok := parseSig(sig)
	if !ok {
		panic("fuzz: fixture signature does not parse")
	}
	return marshalSig(r, new(big.Int).Sub(n, s))
}

func parseSig(sig []byte) (r, s *big.Int, ok bool) {
	in, inner := cryptobyte.String(sig), cryptobyte.String(nil)
	r, s = new(big.Int), new(big.Int)
	ok = in.ReadASN1(&inner, asn1.SEQUENCE) && in.Empty() &&
		inner.ReadASN1Integer(r) && inner.ReadASN1Integer(s) && inner.Empty()
	return r, s, ok
}

func marshalSig(r, s *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.BytesOrPanic()
}

// checkRejection fails unless err is a *spec.Error (itself, not wrapped)
// with a canonical code other than internal, and, when codes are given, one
// of them.
func checkRejection(t *testing.T, what string, err error, codes ...spec.Code) {
	t.Helper()
	e, ok := err.(*spec.Error)
	if !ok {
		t.Fatalf("%s: rejection is %T, not *spec.Error: %v", what, err, err)
	}
	if !e.Code.Known() || e.Code == spec.CodeInternal {
		t.Fatalf("%s: rejection has code %q: %v", what, e.Code, err)
	}
	if len(codes) > 0 && !containsCode(codes, e.Code) {
		t.Fatalf("%s: rejection has code %q, want one of %q: %v", what, e.Code, codes, err)
	}
}

func containsCode(codes []spec.Code, c spec.Code) bool {
	for _, k := range codes {
		if k == c {
			return true
		}
	}
	return false
}

// checkOptional is checkRejection for a call that may also succeed.
func checkOptional(t *testing.T, what string, err error, codes ...spec.Code) {
	t.Helper()
	if err != nil {
		checkRejection(t, what, err, codes...)
	}
}

// Seed mutations: each returns a fresh slice.

func truncate(b []byte, n int) []byte {
	if n > len(b) {
		n = len(b)
	}
	return bytes.Clone(b[:len(b)-n])
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	if len(c) > 0 {
		c[(i%len(c)+len(c))%len(c)] ^= 0x01
	}
	return c
}

func trailing(b []byte) []byte { return append(bytes.Clone(b), 0x00) }

// retag replaces the leading identifier octet.
func retag(b []byte, tag byte) []byte {
	c := bytes.Clone(b)
	if len(c) > 0 {
		c[0] = tag
	}
	return c
}

// nonMinimal re-encodes the outer length of a DER element with one more
// length octet than it needs: valid BER, invalid DER.
func nonMinimal(b []byte) []byte {
	if len(b) < 2 {
		return bytes.Clone(b)
	}
	l := b[1]
	var out []byte
	switch {
	case l < 0x80:
		out = append([]byte{b[0], 0x81, l}, b[2:]...)
	case l >= 0x81 && l <= 0x83:
		out = append([]byte{b[0], l + 1, 0x00}, b[2:]...)
	default:
		out = bytes.Clone(b)
	}
	return out
}

// replace substitutes the first occurrence of old in b (which must occur).
func replace(b, old, repl []byte) []byte {
	if !bytes.Contains(b, old) {
		panic(fmt.Sprintf("fuzz: seed mutation: %x not found", old))
	}
	return bytes.Replace(b, old, repl, 1)
}

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
	for _, fx := range fixtures() {
		c := fx.coinDER
		out = append(out, c, fx.child, truncate(c, 1), flip(c, -3), trailing(c), nonMinimal(c),
			retag(c, 0x63)) // [APPLICATION 3], the sealed coin's tag
		good := fieldsOf(fx.coin)
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
			out = append(out, f.marshal(fx.coin.Signature))
		}
	}
	return out
}

// sealedSeeds are valid sealed coins and near misses, both suites.
func sealedSeeds() [][]byte {
	var out [][]byte
	for _, f := range fixtures() {
		s := f.sealed.Marshal()
		out = append(out, s, truncate(s, 1), flip(s, -1), trailing(s), nonMinimal(s),
			retag(s, 0x61),
			replace(s, []byte{0x02, 0x01, 0x01, 0x04, 0x08}, []byte{0x02, 0x01, 0x02, 0x04, 0x08}))
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
			checkRejection(t, "coin.Parse", err)
			return
		}
		if c == nil {
			t.Fatal("coin.Parse: nil coin and nil error")
		}
		if got := c.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("coin.Parse accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		checkOptional(t, "Coin.Validate", c.Validate())
		for _, fx := range fixtures() {
			checkOptional(t, "Signed.Verify", c.Verify(fx.issuer.Public()), spec.CodeBadSignature)
			checkOptional(t, "Signed.Check", c.Check(fx.issuer.Public()))
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
			checkRejection(t, "coin.ParseSealed", err)
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
	for _, fx := range fixtures() {
		str := fx.sealed.String()
		f.Add(base64.URLEncoding.EncodeToString(fx.sealed.Marshal())) // padded
		f.Add(base64.RawStdEncoding.EncodeToString(fx.sealed.Marshal()))
		f.Add(str + "A")
		f.Add(str[:len(str)-1])
		f.Add(" " + str)
	}
	f.Fuzz(func(t *testing.T, str string) {
		s, err := coin.ParseSealedString(str)
		if err != nil {
			checkRejection(t, "coin.ParseSealedString", err)
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
	for i, fx := range fixtures() {
		sel := byte(i)
		s := fx.sealed.Marshal()
		for _, b := range [][]byte{s, flip(s, -1), flip(s, 10)} {
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
		fx, mode, rest := pick(b[0]), b[0]&openRaw, b[1:]
		var sealed *coin.Sealed
		if mode == openParsed {
			var err error
			if sealed, err = coin.ParseSealed(rest); err != nil {
				checkRejection(t, "coin.ParseSealed", err)
				return
			}
		} else {
			if len(rest) > coin.MaxSealedDER {
				return
			}
			sealed = &coin.Sealed{KeyID: fx.hsm.KeyID, Nonce: fx.sealed.Nonce}
			sealed.Ciphertext = fx.hsmAEAD.Seal(nil, sealed.Nonce[:], rest, hsmAAD(fx.hsm.KeyID))
		}
		c, err := fx.hsm.Open(sealed)
		if err != nil {
			checkRejection(t, "HSM.Open", err)
			return
		}
		pt, err := fx.hsmAEAD.Open(nil, sealed.Nonce[:], sealed.Ciphertext, hsmAAD(fx.hsm.KeyID))
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
	for _, fx := range fixtures() {
		w := fx.wallet.Raw
		out = append(out, fx.root.Cert.Raw, w, fx.revoked.Raw,
			truncate(w, 1), trailing(w), nonMinimal(w), retag(w, 0x31),
			flip(w, -5),  // in the signature
			flip(w, 15),  // in the serial or version
			flip(w, 200)) // in a name or the key
	}
	return out
}

func fuzzCertificate(f *testing.F, fx *fixture) {
	for _, b := range certSeeds() {
		f.Add(b)
	}
	other := fixtures()[0]
	if other == fx {
		other = fixtures()[1]
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := devcert.Parse(fx.s, b)
		if err != nil {
			checkRejection(t, "devcert.Parse", err)
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
		checkOptional(t, "Certificate.Verify", c.Verify(fx.root.Cert, at, nil))
		checkOptional(t, "Certificate.Verify with list", c.Verify(fx.root.Cert, at, fx.crl))
		checkRejection(t, "Certificate.Verify under the other suite's root",
			c.Verify(other.root.Cert, at, nil), spec.CodeWrongSuite)
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
func FuzzCertificateGM(f *testing.F) { fuzzCertificate(f, fixtures()[0]) }

// FuzzCertificateINTL: devcert.Parse and Verify under INTL.
func FuzzCertificateINTL(f *testing.F) { fuzzCertificate(f, fixtures()[1]) }

// FuzzRevocationList: devcert.ParseRevocationList against the fixture
// root of the suite the first byte names.
func FuzzRevocationList(f *testing.F) {
	for i, fx := range fixtures() {
		sel := byte(i)
		l := fx.crl.Raw
		for _, b := range [][]byte{l, truncate(l, 1), trailing(l), nonMinimal(l), flip(l, -3), flip(l, 30)} {
			f.Add(append([]byte{sel}, b...))
		}
		f.Add(append([]byte{sel ^ 1}, l...)) // under the other suite's root
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		fx, der := pick(b[0]), b[1:]
		l, err := devcert.ParseRevocationList(der, fx.root.Cert)
		if err != nil {
			checkRejection(t, "devcert.ParseRevocationList", err)
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
		if l.IssuerID != fx.root.Cert.ID {
			t.Fatalf("devcert.ParseRevocationList: IssuerID %q, verified under %q", l.IssuerID, fx.root.Cert.ID)
		}
		if l.Number == 0 || l.Number >= 1<<63 {
			t.Fatalf("devcert.ParseRevocationList: number %d outside the profile", l.Number)
		}
		err = fx.revoked.Verify(fx.root.Cert, at, l)
		checkOptional(t, "Certificate.Verify with a fuzzed list", err, spec.CodeCertRevoked)
	})
}

// FuzzPublicKey: Suite.ParsePublicKey under the suite the first byte names.
func FuzzPublicKey(f *testing.F) {
	for i := range fixtures() {
		for _, fx := range fixtures() {
			for _, k := range []suite.PublicKey{fx.issuer.Public(), fx.payee.Public()} {
				p := k.SPKI()
				f.Add(append([]byte{byte(i)}, p...))
				for _, b := range [][]byte{truncate(p, 1), trailing(p), nonMinimal(p), flip(p, -1), flip(p, 20)} {
					f.Add(append([]byte{byte(i)}, b...))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		fx, der := pick(b[0]), b[1:]
		k, err := fx.s.ParsePublicKey(der)
		if err != nil {
			checkRejection(t, "Suite.ParsePublicKey", err, spec.CodeMalformed, spec.CodeWrongSuite)
			return
		}
		if k == nil {
			t.Fatal("Suite.ParsePublicKey: nil and nil error")
		}
		if got := k.SPKI(); !bytes.Equal(got, der) {
			t.Fatalf("Suite.ParsePublicKey accepted bytes that do not round-trip:\n in  %x\n out %x", der, got)
		}
		if k.Suite() != fx.s.ID() {
			t.Fatalf("Suite.ParsePublicKey under %s returned a %s key", fx.s.ID(), k.Suite())
		}
		checkOptional(t, "PublicKey.Verify", k.Verify(fx.msg, fx.sig), spec.CodeBadSignature)
	})
}

// FuzzSignatureVerify: PublicKey.Verify of arbitrary messages and
// signatures under the fixture issuer keys. Only the seeded signature (and,
// for ECDSA, its (r, n-s) twin, which ECDSA cannot tell apart) over the
// seeded message may verify.
func FuzzSignatureVerify(f *testing.F) {
	for _, fx := range fixtures() {
		gm := fx.s.ID() == suite.GM
		f.Add(gm, fx.msg, fx.sig)
		f.Add(!gm, fx.msg, fx.sig)
		f.Add(gm, fx.msg, trailing(fx.sig))
		f.Add(gm, fx.msg, flip(fx.sig, -1))
		f.Add(gm, fx.msg, nonMinimal(fx.sig))
		f.Add(gm, flip(fx.msg, 0), fx.sig)
		f.Add(gm, []byte{}, []byte{})
	}
	f.Fuzz(func(t *testing.T, gm bool, msg, sig []byte) {
		fx := fixtureOf(gm)
		err := fx.issuer.Public().Verify(msg, sig)
		if err != nil {
			checkRejection(t, "PublicKey.Verify", err, spec.CodeBadSignature)
			return
		}
		if !bytes.Equal(msg, fx.msg) {
			t.Fatalf("%s: a signature verifies over an unsigned message:\n msg %x\n sig %x", fx.s.ID(), msg, sig)
		}
		if !bytes.Equal(sig, fx.sig) && !bytes.Equal(sig, fx.sigTwin) {
			t.Fatalf("%s: a second encoding of the signature verifies:\n sig  %x\n want %x", fx.s.ID(), sig, fx.sig)
		}
	})
}

// FuzzSealOpen: PrivateKey.Open of arbitrary envelopes and context strings
// under the fixture payee keys.
func FuzzSealOpen(f *testing.F) {
	for _, fx := range fixtures() {
		gm := fx.s.ID() == suite.GM
		e := fx.envelope
		f.Add(gm, e, fx.info)
		f.Add(!gm, e, fx.info)
		f.Add(gm, e, []byte{})
		f.Add(gm, e, append(bytes.Clone(fx.info), 'x'))
		f.Add(gm, truncate(e, 1), fx.info)
		f.Add(gm, trailing(e), fx.info)
		f.Add(gm, flip(e, -1), fx.info)
		f.Add(gm, flip(e, 5), fx.info)
	}
	f.Fuzz(func(t *testing.T, gm bool, sealed, info []byte) {
		fx := fixtureOf(gm)
		pt, err := fx.payee.Open(sealed, info)
		if bytes.Equal(sealed, fx.envelope) && bytes.Equal(info, fx.info) {
			if err != nil || !bytes.Equal(pt, fx.plaintext) {
				t.Fatalf("%s: the fixture envelope does not open: %v", fx.s.ID(), err)
			}
			return
		}
		if err == nil {
			// Forging an envelope takes the payee's public key and a
			// real encryption, which mutation does not do; an opening
			// here is a second encoding of the fixture envelope.
			t.Fatalf("%s: an envelope other than the one sealed opens:\n sealed %x\n info   %q\n pt     %x",
				fx.s.ID(), sealed, info, pt)
		}
		checkRejection(t, "PrivateKey.Open", err, spec.CodeBadSeal)
	})
}
