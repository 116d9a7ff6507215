package pseudocoin

import (
	"bytes"
	"encoding/binary"
	"io"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The pseudocoin formats (FORMATS.md): strict DER, each structure tagged
// [PRIVATE n], constructed. [APPLICATION 1..30] are all allocated (1..6
// and 16..30 in use, 7..15 reserved to the shared vocabulary), so
// pseudocoin takes [PRIVATE 1..12], recorded in spec/formats.md's
// "[PRIVATE n] tag allocation" table.
var (
	tagBundle    = private(1)  // a coin bundle the desk minted to a one-time key
	tagRecord    = private(2)  // a payment record (signed by every input key)
	tagCore      = private(3)  // what the payer's device signs inside the escrow
	tagEscrow    = private(4)  // the escrow plaintext, sealed to the trace key
	tagHello     = private(5)  // payer → payee: the amount
	tagInvoice   = private(6)  // payee → payer: receiving key, challenge, signed
	tagAck       = private(7)  // payee → payer: the record id it stored
	tagLarge     = private(8)  // the agent bank's log of a payment above T
	tagUpload    = private(9)  // a reconciliation upload, sealed to the desk
	tagChange    = private(10) // a record's change, as its payer holds it
	tagRef       = private(11) // in an upload: the change of a record the upload carries, by id
	tagSurrender = private(12) // a one-time key's surrender of its bundle to the desk
)

// private returns the constructed [PRIVATE n] tag (one byte, 0xE0|n).
func private(n uint8) casn1.Tag {
	if n >= 31 {
		panic("pseudocoin: PRIVATE tag numbers above 30 need the long tag form")
	}
	return casn1.Tag(n).Constructed() | casn1.Tag(0xC0)
}

// changeRef names, in an upload, the change of a record the same upload
// carries among its spent records.
func changeRef(id [32]byte) []byte {
	return der.Marshal(tagRef, func(x *der.Builder) { x.AddASN1OctetString(id[:]) })
}

func parseChangeRef(b []byte) ([32]byte, error) {
	var id [32]byte
	r := der.Open(b, tagRef, 64, "change reference")
	copy(id[:], r.Bytes("record", 32, 32))
	return id, r.Err()
}

// Limits every parser enforces.
const (
	version      = 1
	MaxHops      = 16 // records in a holding's lineage
	MaxInputs    = 8  // holdings one record spends
	MaxCoins     = 32 // coins in one bundle or output list
	MaxHolding   = 1 << 16
	MaxMessage   = 1 << 16
	ChallengeLen = 16
	maxIDLen     = 64
)

// uploadInfo is the upload's seal context. The escrow is sealed with
// bank.Escrow's (escrowInfoBank).
var uploadInfo = []byte("dualoffline/pseudocoin/upload/v1")

// Bundle is a bundle of table-denomination coins the central bank's desk
// minted to one one-time key of a wallet's secure element. It states no
// date: nothing in it links a payment to when its payer withdrew.
type Bundle struct {
	Key   []byte  // SubjectPublicKeyInfo of the one-time key
	Coins []int64 // table denominations
	Sig   []byte  // the desk's signature over TBS

	// enc, for a bundle ParseBundle made, holds its encodings, each made
	// once: a parsed bundle is not changed in place (a bundle in a
	// holding, a lineage and the desk's checks is encoded many times).
	// A copy of the struct, which may be edited, does not use them.
	enc *bundleEnc
}

type bundleEnc struct {
	of       *Bundle // the bundle they are the encodings of
	tbs, der []byte
	id       *[32]byte // SHA-256 of der
}

// encoded returns the bundle's cached encodings, or nil for a bundle
// built in Go or a copy.
func (b *Bundle) encoded() *bundleEnc {
	if b.enc != nil && b.enc.of == b {
		return b.enc
	}
	return nil
}

// TBS is what the desk signs.
func (b *Bundle) TBS() []byte {
	if c := b.encoded(); c != nil {
		if c.tbs == nil {
			c.tbs = b.marshal(false)
		}
		return c.tbs
	}
	return b.marshal(false)
}

// Marshal returns the DER.
func (b *Bundle) Marshal() []byte {
	if c := b.encoded(); c != nil {
		if c.der == nil {
			c.der = b.marshal(true)
		}
		return c.der
	}
	return b.marshal(true)
}

// id is SHA-256 of the bundle's DER, as the desk's mint book keeps it.
func (b *Bundle) id() [32]byte {
	c := b.encoded()
	if c == nil {
		return idOf(b.Marshal())
	}
	if c.id == nil {
		id := idOf(b.Marshal())
		c.id = &id
	}
	return *c.id
}

// Value is the bundle's worth.
func (b *Bundle) Value() int64 { return sum(b.Coins) }

func sum(vs []int64) int64 {
	var s int64
	for _, v := range vs {
		s += v
	}
	return s
}

// ParseBundle decodes a bundle (structure and table values only).
func ParseBundle(b []byte) (*Bundle, error) {
	r := der.Open(b, tagBundle, MaxHolding, "bundle")
	r.Version(version)
	out := &Bundle{}
	out.Key = bytes.Clone(r.Bytes("key", 1, suite.MaxPublicKeyDER))
	out.Coins = readValues(r, "coins")
	out.Sig = bytes.Clone(r.Bytes("signature", 1, suite.MaxSignatureDER))
	if err := r.Err(); err != nil {
		return nil, err
	}
	out.enc = &bundleEnc{of: out}
	return out, nil
}

// readValues reads a non-empty SEQUENCE OF INTEGER.
func readValues(r *der.Reader, field string) []int64 { return readValuesMin(r, field, 1) }

// readValuesOrNone reads a SEQUENCE OF INTEGER that may be empty.
func readValuesOrNone(r *der.Reader, field string) []int64 { return readValuesMin(r, field, 0) }

func readValuesMin(r *der.Reader, field string, least int) []int64 {
	el := r.Element(field, casn1.Tag(casn1.SEQUENCE), 16*MaxCoins)
	if el == nil {
		return nil
	}
	s := cryptobyte.String(el)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, casn1.SEQUENCE) {
		r.Uint(field, 1, 0) // fail with the reader's message
		return nil
	}
	var out []int64
	for !inner.Empty() {
		var v int64
		if !inner.ReadASN1Integer(&v) || len(out) == MaxCoins {
			r.Uint(field, 1, 0)
			return nil
		}
		out = append(out, v)
	}
	if len(out) < least {
		r.Uint(field, 1, 0)
		return nil
	}
	return out
}

// checkTable refuses values outside the denomination table.
func checkTable(vs []int64, what string) error {
	for _, v := range vs {
		if !coin.ValidDenomination(v) {
			return spec.Errorf(spec.CodeBadDenomination, "%s holds %d fen, not in the table", what, v)
		}
	}
	return nil
}

// Holding is what a wallet holds and spends: a minted bundle, or the
// outputs of a record paying one of its receiving keys (whose lineage is
// the record's inputs).
type Holding struct {
	Bundle *Bundle
	Record *Record
	Change bool // the record's change (held by its payer), not its payment
}

// Marshal returns the DER: the bundle's or the record's.
func (h *Holding) Marshal() []byte {
	if h.Bundle != nil {
		return h.Bundle.Marshal()
	}
	if h.Change {
		return changeHolding(h.Record.Marshal())
	}
	return h.Record.Marshal()
}

// changeHolding returns the DER of the change holding of the record whose
// DER is rec.
func changeHolding(rec []byte) []byte {
	return der.Marshal(tagChange, func(x *der.Builder) { x.AddBytes(rec) })
}

// Key is the one-time key (SPKI) that spends the holding.
func (h *Holding) Key() []byte {
	if h.Bundle != nil {
		return h.Bundle.Key
	}
	if h.Change {
		return h.Record.ChangeKey
	}
	return h.Record.Payee
}

// Coins are the holding's coins.
func (h *Holding) Coins() []int64 {
	if h.Bundle != nil {
		return h.Bundle.Coins
	}
	if h.Change {
		return h.Record.ChangeCoins
	}
	return h.Record.Outputs
}

// Value is the holding's worth.
func (h *Holding) Value() int64 { return sum(h.Coins()) }

// Hops is the number of records in the holding's longest lineage.
func (h *Holding) Hops() int {
	if h.Bundle != nil {
		return 0
	}
	n := 0
	for _, in := range h.Record.Inputs {
		n = max(n, in.Hops())
	}
	return n + 1
}

// ParseHolding decodes a bundle or a record by its tag.
func ParseHolding(b []byte) (*Holding, error) { return parseHolding(b, 0) }

func parseHolding(b []byte, depth int) (*Holding, error) {
	if len(b) == 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "empty holding")
	}
	switch casn1.Tag(b[0]) {
	case casn1.Tag(tagBundle):
		bu, err := ParseBundle(b)
		if err != nil {
			return nil, err
		}
		return &Holding{Bundle: bu}, nil
	case casn1.Tag(tagRecord), casn1.Tag(tagChange):
		if depth >= MaxHops && spec.Makes("pc-hops") {
			return nil, spec.Errorf(spec.CodeMalformed, "lineage deeper than %d records", MaxHops)
		}
		change := casn1.Tag(b[0]) == casn1.Tag(tagChange)
		inner := b
		if change {
			var s, el cryptobyte.String = b, nil
			if !s.ReadASN1(&el, tagChange) || !s.Empty() {
				return nil, spec.Errorf(spec.CodeMalformed, "change holding")
			}
			inner = el
		}
		r, err := parseRecord(inner, depth+1)
		if err != nil {
			return nil, err
		}
		h := &Holding{Record: r, Change: change}
		if change && len(r.ChangeCoins) == 0 && spec.Makes("pc-record-shape") {
			return nil, spec.Errorf(spec.CodeMalformed, "a change holding of a record without change")
		}
		return h, nil
	}
	return nil, spec.Errorf(spec.CodeMalformed, "holding tag %#x", b[0])
}

// Record is one payment: it spends its inputs whole, pays the payee's
// receiving key Amount in table coins (Outputs), and the rest of the
// inputs' worth is the payer's change, which the desk mints back at the
// payer's next reconciliation. Every input key signs TBS once, in input
// order.
type Record struct {
	Inputs  []*Holding
	Payee   []byte // the payee's one-time receiving key (SPKI)
	Amount  int64
	Outputs []int64
	// ChangeKey is the payer's fresh one-time key its change is paid to,
	// ChangeCoins the change (inputs − amount) in table values, empty
	// when the inputs are worth the amount exactly.
	ChangeKey   []byte
	ChangeCoins []int64
	Challenge   []byte
	Escrow      []byte // the payer's identity and device signature, sealed to the trace key
	Sigs        [][]byte

	// enc, for a record ParseRecord made, holds the bytes parsed (so
	// that a re-encoding never differs) and the encodings derived from
	// them, each made once: a parsed record is not changed in place (its
	// id, core and signed bytes are asked for at every check of a
	// lineage). A copy of the struct, which may be edited, does not use
	// them.
	enc *recordEnc
}

type recordEnc struct {
	of             *Record // the record they are the encodings of
	raw, tbs, core []byte
	id             *[32]byte
}

// encoded returns the record's cached encodings, or nil for a record
// built in Go or a copy.
func (r *Record) encoded() *recordEnc {
	if r.enc != nil && r.enc.of == r {
		return r.enc
	}
	return nil
}

// Core is what the payer's device signs and the escrow binds: the record
// without escrow and signatures.
func (r *Record) Core() []byte {
	if c := r.encoded(); c != nil {
		if c.core == nil {
			c.core = r.encode(tagCore, false, false)
		}
		return c.core
	}
	return r.encode(tagCore, false, false)
}

// TBS is what every input key signs: the core and the escrow.
func (r *Record) TBS() []byte {
	if c := r.encoded(); c != nil {
		if c.tbs == nil {
			c.tbs = r.tbs()
		}
		return c.tbs
	}
	return r.tbs()
}

func (r *Record) tbs() []byte { return r.encode(tagRecord, true, false) }

// Marshal returns the DER.
func (r *Record) Marshal() []byte {
	if c := r.encoded(); c != nil && c.raw != nil {
		return c.raw
	}
	return r.encode(tagRecord, true, true)
}

// ID is SHA-256 of the TBS bytes (suite-independent, as transfer's).
func (r *Record) ID() [32]byte {
	c := r.encoded()
	if c == nil {
		return idOf(r.TBS())
	}
	if c.id == nil {
		id := idOf(r.TBS())
		c.id = &id
	}
	return *c.id
}

// ParseRecord decodes a record and its lineage (structure only).
func ParseRecord(b []byte) (*Record, error) { return parseRecord(b, 1) }

func parseRecord(b []byte, depth int) (*Record, error) {
	if len(b) > MaxHolding && spec.Makes("der-size-cap") {
		return nil, spec.Errorf(spec.CodeMalformed, "record of %d bytes, cap %d", len(b), MaxHolding)
	}
	rd := der.Open(b, tagRecord, MaxHolding, "record")
	rd.Version(version)
	out := &Record{}
	ins := rd.Element("inputs", casn1.Tag(casn1.SEQUENCE), MaxHolding)
	out.Payee = bytes.Clone(rd.Bytes("payee", 1, suite.MaxPublicKeyDER))
	out.Amount = int64(rd.Uint("amount", 1, coin.MaxChangeAmount))
	out.Outputs = readValues(rd, "outputs")
	out.ChangeKey = bytes.Clone(rd.Bytes("change key", 1, suite.MaxPublicKeyDER))
	out.ChangeCoins = readValuesOrNone(rd, "change")
	out.Challenge = bytes.Clone(rd.Bytes("challenge", ChallengeLen, ChallengeLen))
	out.Escrow = bytes.Clone(rd.Bytes("escrow", 1, suite.MaxSealed))
	sigs := rd.Element("signatures", casn1.Tag(casn1.SEQUENCE), MaxInputs*(suite.MaxSignatureDER+2)+4)
	if err := rd.Err(); err != nil {
		return nil, err
	}
	maxIns := MaxInputs
	if !spec.Makes("pc-record-shape") {
		maxIns = -1
	}
	for el, err := range der.Members(ins, maxIns, "record inputs") {
		if err != nil {
			return nil, err
		}
		h, err := parseHolding(el, depth)
		if err != nil {
			return nil, err
		}
		out.Inputs = append(out.Inputs, h)
	}
	if len(out.Inputs) == 0 && spec.Makes("pc-record-shape") {
		return nil, spec.Errorf(spec.CodeMalformed, "record spends nothing")
	}
	s := cryptobyte.String(sigs)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, casn1.SEQUENCE) {
		return nil, spec.Errorf(spec.CodeMalformed, "record signatures")
	}
	for !inner.Empty() {
		var sig cryptobyte.String
		if !inner.ReadASN1(&sig, casn1.OCTET_STRING) || len(sig) == 0 || len(sig) > suite.MaxSignatureDER || len(out.Sigs) == MaxInputs && spec.Makes("pc-record-shape") {
			return nil, spec.Errorf(spec.CodeMalformed, "record signature")
		}
		out.Sigs = append(out.Sigs, bytes.Clone(sig))
	}
	if len(out.Sigs) != len(out.Inputs) && spec.Makes("pc-record-shape") {
		return nil, spec.Errorf(spec.CodeMalformed, "record has %d signatures for %d inputs", len(out.Sigs), len(out.Inputs))
	}
	if !bytes.Equal(out.Marshal(), b) {
		return nil, spec.Errorf(spec.CodeMalformed, "record is not in canonical DER")
	}
	out.enc = &recordEnc{of: out, raw: bytes.Clone(b)}
	return out, nil
}

// Validate checks a record's arithmetic: table outputs that sum to the
// amount, inputs worth at least the amount, one signature per input, and
// no input key twice.
func (r *Record) Validate() error {
	if err := checkTable(r.Outputs, "an output"); err != nil && spec.Makes("pc-record-table") {
		return err
	}
	if sum(r.Outputs) != r.Amount && spec.Makes("pc-record-sum") {
		return spec.Errorf(spec.CodeValueMismatch, "outputs sum to %d fen, the amount is %d", sum(r.Outputs), r.Amount)
	}
	var in int64
	keys := map[string]bool{}
	for _, h := range r.Inputs {
		if err := checkTable(h.Coins(), "an input"); err != nil && spec.Makes("pc-record-table") {
			return err
		}
		in += h.Value()
		k := string(h.Key())
		if keys[k] && spec.Makes("pc-record-keys") {
			return spec.Errorf(spec.CodeDoubleSpend, "the record spends one key twice")
		}
		keys[k] = true
	}
	if in < r.Amount && spec.Makes("pc-record-sum") {
		return spec.Errorf(spec.CodeValueMismatch, "inputs worth %d fen pay %d", in, r.Amount)
	}
	if err := checkTable(r.ChangeCoins, "the change"); err != nil && spec.Makes("pc-record-table") {
		return err
	}
	if sum(r.ChangeCoins) != in-r.Amount && spec.Makes("pc-record-sum") {
		return spec.Errorf(spec.CodeValueMismatch, "inputs worth %d fen pay %d and give back %d in change", in, r.Amount, sum(r.ChangeCoins))
	}
	if bytes.Equal(r.ChangeKey, r.Payee) && spec.Makes("pc-record-change-key") {
		return spec.Errorf(spec.CodeWrongRecipient, "the change goes to the payee's key")
	}
	if len(r.Sigs) != len(r.Inputs) {
		// ParseRecord refuses it (pc-record-shape): only a Record built
		// in Go, or parsed with that check dropped, gets here.
		return spec.Errorf(spec.CodeInternal, "a record with %d signatures for %d inputs past the parser", len(r.Sigs), len(r.Inputs))
	}
	return nil
}

// InputValue is the inputs' worth.
func (r *Record) InputValue() int64 {
	var v int64
	for _, h := range r.Inputs {
		v += h.Value()
	}
	return v
}

// Change is what the record gives back to its payer.
func (r *Record) Change() int64 { return sum(r.ChangeCoins) }

// Escrow plaintext: who paid, and that device's signature over the
// record's core, so that the central bank's attribution of a double spend
// can be checked by anyone it shows the opened escrow to.
type escrowBody struct {
	Identity string
	DevSig   []byte
}

func (e escrowBody) marshal() []byte {
	return der.Marshal(tagEscrow, func(x *der.Builder) {
		der.AddUTF8(x, e.Identity)
		x.AddASN1OctetString(e.DevSig)
	})
}

func parseEscrow(b []byte) (escrowBody, error) {
	r := der.Open(b, tagEscrow, 512, "escrow")
	e := escrowBody{Identity: r.Printable("identity", 1, maxIDLen)}
	e.DevSig = bytes.Clone(r.Bytes("device signature", 1, suite.MaxSignatureDER))
	return e, r.Err()
}

// Hello opens a payment: the amount the payer will pay.
type Hello struct{ Amount int64 }

func (h Hello) Marshal() []byte {
	return der.Marshal(tagHello, func(x *der.Builder) { x.AddASN1Int64(version); x.AddASN1Int64(h.Amount) })
}

// ParseHello decodes a HELLO.
func ParseHello(b []byte) (Hello, error) {
	r := der.Open(b, tagHello, 64, "hello")
	r.Version(version)
	h := Hello{Amount: int64(r.Uint("amount", 1, coin.MaxChangeAmount))}
	return h, r.Err()
}

// Invoice is the payee's answer: a fresh receiving key, a challenge, and
// its device certificate and signature over both and the amount, so the
// payer knows the key is the payee's.
type Invoice struct {
	Amount    int64
	Key       []byte
	Challenge []byte
	Cert      []byte
	Sig       []byte
}

func (v *Invoice) tbs() []byte {
	return der.Marshal(tagInvoice, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1Int64(v.Amount)
		x.AddASN1OctetString(v.Key)
		x.AddASN1OctetString(v.Challenge)
	})
}

func (v *Invoice) Marshal() []byte {
	return der.Marshal(tagInvoice, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1Int64(v.Amount)
		x.AddASN1OctetString(v.Key)
		x.AddASN1OctetString(v.Challenge)
		x.AddASN1OctetString(v.Cert)
		x.AddASN1OctetString(v.Sig)
	})
}

// ParseInvoice decodes an INVOICE.
func ParseInvoice(b []byte) (*Invoice, error) {
	r := der.Open(b, tagInvoice, 4096, "invoice")
	r.Version(version)
	v := &Invoice{Amount: int64(r.Uint("amount", 1, coin.MaxChangeAmount))}
	v.Key = bytes.Clone(r.Bytes("key", 1, suite.MaxPublicKeyDER))
	v.Challenge = bytes.Clone(r.Bytes("challenge", ChallengeLen, ChallengeLen))
	v.Cert = bytes.Clone(r.Bytes("certificate", 1, 2048))
	v.Sig = bytes.Clone(r.Bytes("signature", 1, suite.MaxSignatureDER))
	return v, r.Err()
}

// Ack is the payee's acknowledgement: the id of the record it stored.
type Ack struct{ Record [32]byte }

func (a Ack) Marshal() []byte {
	return der.Marshal(tagAck, func(x *der.Builder) { x.AddASN1Int64(version); x.AddASN1OctetString(a.Record[:]) })
}

// ParseAck decodes an ACK.
func ParseAck(b []byte) (Ack, error) {
	r := der.Open(b, tagAck, 64, "ack")
	r.Version(version)
	var a Ack
	copy(a.Record[:], r.Bytes("record", 32, 32))
	return a, r.Err()
}

// Large is the agent bank's log entry of a payment above T: the holder's
// account, the amount and the record's id.
type Large struct {
	Account string
	Amount  int64
	Record  [32]byte
}

func (l Large) Marshal() []byte {
	return der.Marshal(tagLarge, func(x *der.Builder) {
		x.AddASN1Int64(version)
		der.AddUTF8(x, l.Account)
		x.AddASN1Int64(l.Amount)
		x.AddASN1OctetString(l.Record[:])
	})
}

// ParseLarge decodes a large-payment log entry.
func ParseLarge(b []byte) (Large, error) {
	r := der.Open(b, tagLarge, 256, "large payment")
	r.Version(version)
	l := Large{Account: r.Printable("account", 1, maxIDLen), Amount: int64(r.Uint("amount", 1, coin.MaxChangeAmount))}
	copy(l.Record[:], r.Bytes("record", 32, 32))
	return l, r.Err()
}

// Surrender is a one-time key's statement that its holder gives the
// bundle minted to it back to the desk, in the reconciliation upload of
// request Request. The upload carries only Sig (as the bundle's proof);
// the desk keeps the whole as evidence should the key also sign a record.
type Surrender struct {
	Key     []byte // SubjectPublicKeyInfo of the one-time key
	Request []byte
	Sig     []byte // the one-time key over TBS
}

// TBS is what the one-time key signs.
func (s *Surrender) TBS() []byte { return s.marshal(false) }

// Marshal returns the DER.
func (s *Surrender) Marshal() []byte { return s.marshal(true) }

// ParseSurrender decodes a surrender.
func ParseSurrender(b []byte) (*Surrender, error) {
	r := der.Open(b, tagSurrender, 512, "surrender")
	r.Version(version)
	s := &Surrender{
		Key:     bytes.Clone(r.Bytes("key", 1, suite.MaxPublicKeyDER)),
		Request: bytes.Clone(r.Bytes("request", 1, maxIDLen)),
		Sig:     bytes.Clone(r.Bytes("signature", 1, suite.MaxSignatureDER)),
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// Upload is what a wallet hands the desk at reconciliation, sealed to the
// desk so the agent bank that carries it reads nothing but its length:
// who uploads (the device's identity and signature over the rest), the
// records it signed as payer, the holdings it received and gives up for
// fresh bundles, the receiving keys it gave out and was never paid on
// (void from now), and the request id that makes a retry idempotent.
type Upload struct {
	Identity string
	Request  []byte
	Spent    [][]byte // records (DER) the wallet signed as payer
	Received [][]byte // holdings (DER) it received and exchanges
	Proofs   [][]byte // for each of Received: a record's receiving key signs Request; a bundle's one-time key signs its Surrender
	Void     [][]byte // receiving keys (SPKI) it renounces
	Sig      []byte   // the device key over body()
}

func (u *Upload) Marshal() []byte { return u.marshalWith(u.body()) }

// ParseUpload decodes an opened upload.
func ParseUpload(b []byte) (*Upload, error) {
	u, _, err := parseUpload(b)
	return u, err
}

// parseUpload is ParseUpload that also returns the upload's body (the
// bytes its signature is over, as parsed: canonical, so its body()).
func parseUpload(b []byte) (*Upload, []byte, error) {
	r := der.Open(b, tagUpload, 1<<22, "upload")
	body := r.Element("body", casn1.Tag(tagUpload), 1<<22)
	u := &Upload{Sig: bytes.Clone(r.Bytes("signature", 1, suite.MaxSignatureDER))}
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	br := der.Open(body, tagUpload, 1<<22, "upload body")
	br.Version(version)
	u.Identity = br.Printable("identity", 1, maxIDLen)
	u.Request = bytes.Clone(br.Bytes("request", 1, 64))
	var lists [4][]byte
	for i := range lists {
		lists[i] = br.Element("list", casn1.Tag(casn1.SEQUENCE), 1<<22)
	}
	if err := br.Err(); err != nil {
		return nil, nil, err
	}
	out := [4]*[][]byte{&u.Spent, &u.Received, &u.Proofs, &u.Void}
	for i, l := range lists {
		s := cryptobyte.String(l)
		var inner cryptobyte.String
		if !s.ReadASN1(&inner, casn1.SEQUENCE) {
			return nil, nil, spec.Errorf(spec.CodeMalformed, "upload list")
		}
		for !inner.Empty() {
			var e cryptobyte.String
			if !inner.ReadASN1(&e, casn1.OCTET_STRING) || len(*out[i]) == 4096 {
				return nil, nil, spec.Errorf(spec.CodeMalformed, "upload entry")
			}
			*out[i] = append(*out[i], bytes.Clone(e))
		}
	}
	if !bytes.Equal(u.body(), body) {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "upload is not in canonical DER")
	}
	if len(u.Proofs) != len(u.Received) {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "upload: %d proofs for %d holdings", len(u.Proofs), len(u.Received))
	}
	return u, body, nil
}

// sealUpload seals an upload to the desk's key (sealTo, the upload's
// context).
func sealUpload(s suite.Suite, to suite.PublicKey, r io.Reader, plain []byte) ([]byte, error) {
	_, out, err := sealTo(s, to, r, plain, uploadInfo)
	return out, err
}

// openUpload opens what sealUpload sealed; anything else is bad-seal.
func openUpload(s suite.Suite, k suite.PrivateKey, b []byte) ([]byte, error) {
	_, plain, err := openFrom(s, k, b, uploadInfo)
	return plain, err
}

// sealTo seals plain of any length to a public key: a fresh 16-byte key
// sealed with the suite's public-key encryption (whose envelope is
// capped), then plain under the suite's AEAD with it. Framing: the
// envelope's length (2 bytes, big-endian), the envelope, a 12-byte
// nonce, the AEAD ciphertext; info binds both layers. It returns the
// AEAD key too (a mint reply comes back under it).
func sealTo(s suite.Suite, to suite.PublicKey, r io.Reader, plain, info []byte) (key, out []byte, err error) {
	key = make([]byte, suite.AEADKeySize)
	nonce := make([]byte, 12)
	if _, err := io.ReadFull(r, key); err != nil {
		return nil, nil, err
	}
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, nil, err
	}
	env, err := to.Seal(r, key, info)
	if err != nil {
		return nil, nil, err
	}
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, nil, err
	}
	out = binary.BigEndian.AppendUint16(nil, uint16(len(env)))
	out = append(append(out, env...), nonce...)
	return key, aead.Seal(out, nonce, plain, info), nil
}

// openFrom opens what sealTo sealed under info, returning the AEAD key
// and the plaintext; anything else is bad-seal.
func openFrom(s suite.Suite, k suite.PrivateKey, b, info []byte) (key, plain []byte, err error) {
	if len(b) < 2 {
		return nil, nil, spec.Errorf(spec.CodeBadSeal, "envelope of %d bytes", len(b))
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n+12 {
		return nil, nil, spec.Errorf(spec.CodeBadSeal, "envelope of %d bytes", len(b))
	}
	key, err = k.Open(b[2:2+n], info)
	if err != nil {
		return nil, nil, err
	}
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, nil, spec.Errorf(spec.CodeBadSeal, "sealed key: %v", err)
	}
	plain, err = aead.Open(nil, b[2+n:2+n+12], b[2+n+12:], info)
	if err != nil {
		return nil, nil, spec.Errorf(spec.CodeBadSeal, "sealed content: %v", err)
	}
	return key, plain, nil
}
