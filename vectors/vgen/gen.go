package vgen

import (
	"bytes"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Seed is the fixed seed every vector is derived from.
const Seed uint64 = 20260101

// GeneratorVersion is written into every file. Bump it when the generator
// changes what it writes; tcIds stay stable across versions.
const GeneratorVersion = "7"

// SchemaName is the schema file (under vectors/schema) every file names.
const SchemaName = "vectors.schema.json"

// allNotes describes every flag any file may use; a file's notes are the
// subset it uses.
var allNotes = map[string]string{
	"Valid":              "A well-formed object that every check accepts.",
	"Boundary":           "A value exactly at a limit the specification makes inclusive.",
	"ModifiedSignature":  "The signature bytes were altered after signing.",
	"WrongKey":           "Signed by a key other than the one the verifier trusts for it.",
	"SignatureSwap":      "A valid signature over another object of the same kind.",
	"Redenominated":      "A value-bearing field was changed after signing.",
	"ModifiedField":      "A signed field other than the value was changed after signing.",
	"PolicySigned":       "Signed by the trusted key but outside the published policy; the policy code wins over the valid signature.",
	"BadDenomination":    "A value outside the published denomination table.",
	"BadCurrency":        "A currency other than CNY (156).",
	"UnknownVersion":     "A well-formed version number the specification does not define.",
	"Truncated":          "Bytes were removed from the end of a well-formed encoding.",
	"TrailingData":       "Bytes were appended after a well-formed encoding.",
	"Empty":              "The empty byte string.",
	"WrongSuite":         "A key or object of the other crypto suite.",
	"HighS":              "An ECDSA signature in its high-s form (r, n-s): Verify accepts it, dualoffline never emits it.",
	"Expired":            "Used after the certificate's NotAfter.",
	"NotYetValid":        "Used before the certificate's NotBefore.",
	"Revoked":            "The certificate's serial is on the accompanying revocation list.",
	"ForeignRoot":        "Issued or signed by a rogue authority with the trusted root's name.",
	"WrongRole":          "A certificate whose role may not perform the step.",
	"Uncertified":        "A signer with no certificate among those supplied.",
	"BrokenLineage":      "A lineage that does not connect: wrong parent, overstated value, or a held serial that no output creates.",
	"ValueNotConserved":  "Outputs that do not sum to what is spent.",
	"NonHolderSignature": "A record signed by, or naming as payer, a party that does not hold the coin it spends.",
	"SelfPayment":        "Payer and payee are the same party.",
	"OverSize":           "An encoding over the format's size cap.",
	"WrongRecipient":     "Addressed to a party other than the one deciding.",
	"Replay":             "A stale or mismatched freshness value (nonce, timestamp).",
	"AmountMismatch":     "An amount other than the one requested.",
	"AddressMismatch":    "A payer address that is not the address of the payer's certificate key.",
	"MissingObject":      "A required data object is absent.",
	"DuplicateObject":    "A data object appears twice.",
	"FieldSize":          "A field whose length is outside its declared size.",
	"Lineage":            "A coin held after one or more offline transfers.",
	"TamperedSeal":       "Ciphertext, tag or nonce of a sealed envelope altered, or sealed under another key with the trusted key id.",
	"NonCanonical":       "A non-canonical text encoding of a well-formed object: whitespace, line breaks, padding or another alphabet.",
	"OutOfTurn":          "A well-formed message of the scheme other than the one the receiver awaits.",
	"ValueMismatch":      "Amounts or digests that do not match what the session or the records commit to.",
	"Dropped":            "A message of a recorded transcript removed, as a lossy channel or an interrupted party would.",
	"LimitExceeded":      "A payment past a limit of what one message carries.",
	"InsufficientFunds":  "A payment the payer's coins do not cover.",
	"Blacklisted":        "A payee on the payer's blacklist.",
	"DoubleSpend":        "A one-time key spent twice in one record, or one the receiver was paid with before.",
	"CheckOrder":         "Two faults in one case: the expected error is the code of the check the documents make first, so an implementation checking in another order fails.",
}

// GenEpoch is the start of the vectors' validity periods, GenAt the
// reference date cases are decided at.
var (
	GenEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	GenAt    = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// Builder accumulates one file.
type Builder struct {
	F      *File // the file built so far
	groups map[string]*Group
	Err    error // the first failure; later additions are dropped
}

// NewBuilder starts the file of scheme, suite and kind with its header
// (what an implementation decides, in words).
func NewBuilder(scheme, suiteID, kind string, header ...string) *Builder {
	return &Builder{
		F: &File{
			Algorithm:        "dualoffline/" + scheme,
			Scheme:           scheme,
			Suite:            suiteID,
			Kind:             kind,
			Schema:           SchemaName,
			GeneratorVersion: GeneratorVersion,
			Header:           header,
			Notes:            map[string]string{},
		},
		groups: map[string]*Group{},
	}
}

// Group returns the file's group of inputs of shape typ, made on first use.
func (b *Builder) Group(typ, publicKey string) *Group {
	g := b.groups[typ]
	if g == nil {
		g = &Group{Type: typ, PublicKey: publicKey, Tests: []*Test{}}
		b.groups[typ] = g
		b.F.TestGroups = append(b.F.TestGroups, g)
	}
	return g
}

// TC describes one test.
type TC struct {
	Name    string // stable: the tcId is <scheme>-<suite>-<kind>-<name>
	Comment string
	Req     string
	Flags   []string
	Result  string
	Code    spec.Code
	Input   any
	Sig     *Signature
}

// WithExpected is an input with the expected member of its test: what a
// valid case must reach, kept out of the input.
type WithExpected struct {
	Input, Expected any
}

// Add appends test t to group g, recording its flags' notes; a flag with
// no description, or an input that does not encode, sets b.Err.
func (b *Builder) Add(g *Group, t TC) {
	if b.Err != nil {
		return
	}
	var exp json.RawMessage
	if we, ok := t.Input.(WithExpected); ok {
		t.Input = we.Input
		var err error
		if exp, err = json.Marshal(we.Expected); err != nil {
			b.Err = err
			return
		}
	}
	in, err := json.Marshal(t.Input)
	if err != nil {
		b.Err = err
		return
	}
	flags := append([]string{}, t.Flags...)
	for _, fl := range flags {
		d, ok := allNotes[fl]
		if !ok {
			d, ok = checkNote(fl)
		}
		if !ok {
			b.Err = fmt.Errorf("flag %q has no description", fl)
			return
		}
		b.F.Notes[fl] = d
	}
	test := &Test{
		TcID:        fmt.Sprintf("%s-%s-%s-%s", b.F.Scheme, b.F.Suite, b.F.Kind, t.Name),
		Comment:     t.Comment,
		Flags:       flags,
		Requirement: t.Req,
		Result:      t.Result,
		Error:       string(t.Code),
		Input:       in,
		Expected:    exp,
		Signature:   t.Sig,
	}
	g.Tests = append(g.Tests, test)
	b.F.NumberOfTests++
}

// Valid adds a case every implementation must accept.
func (b *Builder) Valid(g *Group, name, comment, req string, flags []string, input any, sig *Signature) {
	b.Add(g, TC{Name: name, Comment: comment, Req: req, Flags: append([]string{"Valid"}, flags...), Result: ResultValid, Input: input, Sig: sig})
}

// Invalid adds a case every implementation must refuse with code.
func (b *Builder) Invalid(g *Group, name, comment, req string, code spec.Code, flags []string, input any, sig *Signature) {
	b.Add(g, TC{Name: name, Comment: comment, Req: req, Flags: flags, Result: ResultInvalid, Code: code, Input: input, Sig: sig})
}

// Acceptable adds a case an implementation may accept or refuse (with a
// known code): the requirement leaves the choice to it.
func (b *Builder) Acceptable(g *Group, name, comment, req string, flags []string, input any, sig *Signature) {
	b.Add(g, TC{Name: name, Comment: comment, Req: req, Flags: flags, Result: ResultAcceptable, Input: input, Sig: sig})
}

// Gen is the per-suite generation context.
type Gen struct {
	S       suite.Suite
	ID      string  // the suite's id, which every derivation label starts with
	Err     error   // the first failure
	Headers Headers // the file headers of the scheme generating (NewSource sets them)
}

// Src is the deterministic randomness of label in g's suite.
func (g *Gen) Src(label string) *detrand.Source {
	return detrand.New(Seed, "vectors/"+g.ID+"/"+label)
}

// Key is the key of label in g's suite, derived from Seed.
func (g *Gen) Key(label string) suite.PrivateKey {
	k, err := g.S.GenerateKey(g.Src("key/" + label))
	if err != nil && g.Err == nil {
		g.Err = err
	}
	return k
}

// Fail records err as g's failure unless one is recorded.
func (g *Gen) Fail(err error) {
	if err != nil && g.Err == nil {
		g.Err = err
	}
}

// Sign signs msg with k, recording a failure.
func (g *Gen) Sign(k suite.PrivateKey, msg []byte) []byte {
	sig, err := k.Sign(msg)
	g.Fail(err)
	return sig
}

// SigObj exposes a signature for independent checking; valid is what the
// suite's verifier says.
func SigObj(s suite.Suite, pub suite.PublicKey, msg, sig []byte) *Signature {
	o := &Signature{
		Alg:       s.SignatureAlgorithm(),
		PublicKey: hex.EncodeToString(pub.SPKI()),
		Message:   hex.EncodeToString(msg),
		Sig:       hex.EncodeToString(sig),
		Valid:     pub.Verify(msg, sig) == nil,
	}
	if s.ID() == suite.GM {
		o.ID = hex.EncodeToString([]byte(suite.DefaultSM2ID))
	}
	return o
}

// FlipSig changes one bit inside the first INTEGER of a DER signature, so
// the result is still a DER signature.
func FlipSig(sig []byte) []byte {
	out := bytes.Clone(sig)
	out[len(out)/3] ^= 0x01
	return out
}

// HighS returns the (r, n-s) twin of a P-256 DER signature.
func HighS(sig []byte) []byte {
	var v struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &v); err != nil {
		return nil
	}
	v.S = new(big.Int).Sub(elliptic.P256().Params().N, v.S)
	out, err := asn1.Marshal(v)
	if err != nil {
		return nil
	}
	return out
}

// X509Parts splits an X.509 certificate or CRL into its TBS bytes and its
// signature.
func X509Parts(der []byte) (tbs, sig []byte, ok bool) {
	in := cryptobyte.String(der)
	var outer, tbsRaw, alg cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) ||
		!outer.ReadASN1(&alg, cbasn1.SEQUENCE) || !outer.ReadASN1BitString(&bits) {
		return nil, nil, false
	}
	return []byte(tbsRaw), bits.Bytes, true
}

// AsV1 returns the certificate der re-encoded as X.509 v1, its TBS
// without the version field and the extensions, and signed again with k
// under the same algorithm; nil if der is not a certificate.
func (g *Gen) AsV1(der []byte, k suite.PrivateKey) []byte {
	in := cryptobyte.String(der)
	var outer, tbs, alg cryptobyte.String
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.ReadASN1(&tbs, cbasn1.SEQUENCE) || !outer.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		return nil
	}
	var kept [][]byte
	for !tbs.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !tbs.ReadAnyASN1Element(&el, &tag) {
			return nil
		}
		if tag != cbasn1.Tag(0).ContextSpecific().Constructed() && tag != cbasn1.Tag(3).ContextSpecific().Constructed() {
			kept = append(kept, el)
		}
	}
	v1 := TLV(0x30, bytes.Join(kept, nil))
	return TLV(0x30, bytes.Join([][]byte{v1, alg, TLV(0x03, append([]byte{0x00}, g.Sign(k, v1)...))}, nil))
}

// H is the lower-case hex of b.
func H(b []byte) string { return hex.EncodeToString(b) }

// Other returns the other suite.
func (g *Gen) Other() suite.Suite {
	if g.S.ID() == suite.GM {
		return MustSuite(suite.INTL)
	}
	return MustSuite(suite.GM)
}

// OtherKey returns the key of the same label in the other suite.
func (g *Gen) OtherKey(label string) suite.PrivateKey {
	o := g.Other()
	k, err := o.GenerateKey(detrand.New(Seed, "vectors/"+string(o.ID())+"/key/"+label))
	g.Fail(err)
	return k
}

// SuiteID converts a suite name.
func SuiteID(s string) suite.ID { return suite.ID(s) }

// MustSuite returns the compiled-in suite id.
func MustSuite(id suite.ID) suite.Suite {
	s, err := suite.ByID(id)
	if err != nil {
		panic(err) // both suites are compiled in
	}
	return s
}
