// Package transfer defines the signed transfer record that moves a coin
// from one holder to the next offline, and the holding: a coin as a wallet
// keeps it, the issuer-signed root plus the chain of records that brought
// it to its current holder (its lineage).
//
// A record spends exactly one parent serial, signed by that parent's
// holder, and creates children whose serials derive from the parent
// (ChildSerial) and whose values, each from the denomination table, sum to
// the parent's: the payee's share and the payer's change. The holder of an
// issued (root) coin is the agent bank its Agent field names; the agent's
// record hands it to the withdrawing wallet. So every hop is signed by the
// device the previous hop named, and a double spend is two valid records
// with one parent and one signer: evidence anyone can check.
package transfer

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"

	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Format constants.
const (
	Version1      = 1
	TagRecord     = 4 // [APPLICATION 4] signed record
	TagRecordTBS  = 5 // [APPLICATION 5] to-be-signed record
	TagHolding    = 6 // [APPLICATION 6] holding
	ChallengeSize = 16
	MaxOutputs    = 16
	MaxIDLen      = 64
	MaxRecordDER  = 2048
	// MaxHops bounds a coin's chain: after MaxHops offline transfers the
	// holder must go online and exchange it for a fresh coin.
	MaxHops       = 8
	MaxHoldingDER = coin.MaxCoinDER + MaxHops*MaxRecordDER + 64
)

// Output is one child coin a record creates.
type Output struct {
	Serial coin.Serial
	Value  int64  // fen, from the denomination table
	Holder string // device certificate id of the new holder
}

// Record is a transfer's signed content.
type Record struct {
	Version     int
	Parent      coin.Serial // the coin spent
	ParentValue int64
	Outputs     []Output
	Payer       string // device id of the parent's holder, the signer
	Payee       string // device id of the counterparty
	Challenge   [ChallengeSize]byte
	Counter     uint64 // the payer device's monotonic transaction counter
}

// Signed is a record with the payer's signature over TBS().
type Signed struct {
	Record
	Signature []byte
}

// ChildSerial derives the serial of output i of a record spending parent.
// It depends on the parent only, so two records spending one parent create
// colliding children: a double spend cannot hide behind fresh serials.
func ChildSerial(parent coin.Serial, i int) coin.Serial {
	// SHA-256 of the label, the parent and i (2 bytes, big-endian), in
	// one buffer on the stack: Validate derives every output's serial.
	var buf [len(childSerialLabel) + coin.SerialSize + 2]byte
	n := copy(buf[:], childSerialLabel)
	n += copy(buf[n:], parent[:])
	binary.BigEndian.PutUint16(buf[n:], uint16(i))
	sum := sha256.Sum256(buf[:])
	var s coin.Serial
	copy(s[:], sum[:])
	return s
}

const childSerialLabel = "dualoffline child serial v1\x00"

// TBS returns the canonical DER the payer signs.
//
//	TBSRecord ::= [APPLICATION 5] SEQUENCE {
//	    version     INTEGER (1),
//	    parent      OCTET STRING (SIZE (16)),
//	    parentValue INTEGER,
//	    outputs     SEQUENCE (SIZE (1..16)) OF SEQUENCE {
//	        serial OCTET STRING (SIZE (16)), value INTEGER, holder UTF8String },
//	    payer       UTF8String (SIZE (1..64)),
//	    payee       UTF8String (SIZE (1..64)),
//	    challenge   OCTET STRING (SIZE (16)),
//	    counter     INTEGER }
//
// The encoding is computed in one pass into a buffer of the exact size
// (reconciliation encodes every record several times); it is byte for
// byte what the cryptobyte builder gives (see TestTBSMatchesBuilder).
func (r *Record) TBS() []byte {
	outs := 0
	for i := range r.Outputs {
		outs += der.ElementLen(outputLen(&r.Outputs[i]))
	}
	n := der.ElementLen(der.Int64Len(int64(r.Version))) +
		der.ElementLen(len(r.Parent)) +
		der.ElementLen(der.Int64Len(r.ParentValue)) +
		der.ElementLen(outs) +
		der.ElementLen(len(r.Payer)) +
		der.ElementLen(len(r.Payee)) +
		der.ElementLen(len(r.Challenge)) +
		der.ElementLen(der.Uint64Len(r.Counter))
	b := make([]byte, 0, der.ElementLen(n))
	b = der.AppendHeader(b, der.Application(TagRecordTBS), n)
	b = der.AppendInt64(b, int64(r.Version))
	b = der.AppendOctetString(b, r.Parent[:])
	b = der.AppendInt64(b, r.ParentValue)
	b = der.AppendHeader(b, asn1.SEQUENCE, outs)
	for i := range r.Outputs {
		o := &r.Outputs[i]
		b = der.AppendHeader(b, asn1.SEQUENCE, outputLen(o))
		b = der.AppendOctetString(b, o.Serial[:])
		b = der.AppendInt64(b, o.Value)
		b = der.AppendUTF8(b, o.Holder)
	}
	b = der.AppendUTF8(b, r.Payer)
	b = der.AppendUTF8(b, r.Payee)
	b = der.AppendOctetString(b, r.Challenge[:])
	return der.AppendUint64(b, r.Counter)
}

// outputLen is the content length of an output's SEQUENCE.
func outputLen(o *Output) int {
	return der.ElementLen(len(o.Serial)) + der.ElementLen(der.Int64Len(o.Value)) + der.ElementLen(len(o.Holder))
}

// Marshal returns the canonical DER of the signed record.
func (s *Signed) Marshal() []byte {
	tbs := s.TBS()
	n := len(tbs) + der.ElementLen(len(s.Signature))
	b := der.AppendHeader(make([]byte, 0, der.ElementLen(n)), der.Application(TagRecord), n)
	b = append(b, tbs...)
	return der.AppendOctetString(b, s.Signature)
}

// ID returns SHA-256 of the record's TBS bytes: its identity. The
// signature is left out because an ECDSA signature has two valid
// encodings; two records with one ID are the same statement.
func (r *Record) ID() [32]byte { return sha256.Sum256(r.TBS()) }

// Parse decodes a signed record under the strict profile (structure only;
// call Validate and Verify).
func Parse(b []byte) (*Signed, error) {
	r := der.OpenChecked(b, der.Application(TagRecord), MaxRecordDER, "record", "record-parse")
	tbs := r.Element("tbs", der.Application(TagRecordTBS), MaxRecordDER)
	sig := r.Bytes("signature", 8, suite.MaxSignatureDER)
	if err := r.Err(); err != nil {
		return nil, err
	}
	rec, err := parseTBS(tbs)
	if err != nil {
		return nil, err
	}
	return &Signed{Record: *rec, Signature: bytes.Clone(sig)}, nil
}

func parseTBS(b []byte) (*Record, error) {
	r := der.OpenChecked(b, der.Application(TagRecordTBS), MaxRecordDER, "record.tbs", "record-parse")
	rec := &Record{Version: int(r.Version(Version1))}
	copy(rec.Parent[:], r.Bytes("parent", coin.SerialSize, coin.SerialSize))
	rec.ParentValue = int64(r.Uint("parentValue", 1, coin.MaxDenominationField))
	outs := r.Element("outputs", 0x30, MaxRecordDER)
	rec.Payer = r.Printable("payer", 1, MaxIDLen)
	rec.Payee = r.Printable("payee", 1, MaxIDLen)
	copy(rec.Challenge[:], r.Bytes("challenge", ChallengeSize, ChallengeSize))
	rec.Counter = r.Uint("counter", 0, 1<<63-1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var err error
	if rec.Outputs, err = parseOutputs(outs, rec.Payer, rec.Payee); err != nil {
		return nil, err
	}
	return rec, nil
}

// parseOutputs parses the outputs; a holder that is the payer or the
// payee (as every valid one is) shares their string.
func parseOutputs(b []byte, payer, payee string) ([]Output, error) {
	r := der.OpenChecked(b, 0x30, MaxRecordDER, "record.outputs", "record-parse")
	items := make([][]byte, 0, MaxOutputs+1)
	for i := 0; (i <= MaxOutputs || !spec.Makes("record-parse")) && r.More(); i++ {
		items = append(items, r.Element("output", 0x30, 128))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if (len(items) == 0 || len(items) > MaxOutputs) && spec.Makes("record-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "record.outputs: %d outputs, want 1..%d", len(items), MaxOutputs)
	}
	outs := make([]Output, len(items))
	for i, it := range items {
		o := der.OpenChecked(it, 0x30, 128, "record.output", "record-parse")
		copy(outs[i].Serial[:], o.Bytes("serial", coin.SerialSize, coin.SerialSize))
		outs[i].Value = int64(o.Uint("value", 1, coin.MaxDenominationField))
		switch h := o.PrintableBytes("holder", 1, MaxIDLen); string(h) {
		case payer:
			outs[i].Holder = payer
		case payee:
			outs[i].Holder = payee
		default:
			outs[i].Holder = string(h)
		}
		if err := o.Err(); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// Validate checks a record's arithmetic and lineage rules: every child
// serial derives from the parent, every value is a table denomination, the
// values sum to the parent's, and payer and payee differ.
func (r *Record) Validate() error {
	if r.Version != Version1 {
		return spec.Errorf(spec.CodeUnknownVersion, "record version %d", r.Version)
	}
	if (len(r.Outputs) == 0 || len(r.Outputs) > MaxOutputs) && spec.Makes("record-parse") {
		return spec.Errorf(spec.CodeMalformed, "%d outputs", len(r.Outputs))
	}
	if (!spec.ValidID(r.Payer, MaxIDLen) || !spec.ValidID(r.Payee, MaxIDLen)) && spec.Makes("record-parse") {
		return spec.Errorf(spec.CodeMalformed, "payer %q or payee %q is not 1..%d bytes of printable ASCII", r.Payer, r.Payee, MaxIDLen)
	}
	if r.Counter >= 1<<63 && spec.Makes("record-parse") {
		return spec.Errorf(spec.CodeMalformed, "counter %d at or above 2^63", r.Counter)
	}
	if r.Payer == r.Payee && spec.Makes("record-self-payment") {
		return spec.Errorf(spec.CodeWrongRecipient, "payer and payee are both %q", r.Payer)
	}
	var sum int64
	for i, o := range r.Outputs {
		if o.Serial != ChildSerial(r.Parent, i) && spec.Makes("record-child-serial") {
			return spec.Errorf(spec.CodeValueMismatch, "output %d serial %s does not derive from parent %s", i, o.Serial, r.Parent)
		}
		if !coin.ValidDenomination(o.Value) && spec.Makes("record-output-denomination") {
			return spec.Errorf(spec.CodeBadDenomination, "output %d value %d fen is not in the table", i, o.Value)
		}
		if o.Holder != r.Payer && o.Holder != r.Payee && spec.Makes("record-output-holder") {
			return spec.Errorf(spec.CodeWrongRecipient, "output %d goes to %q, neither payer nor payee", i, o.Holder)
		}
		sum += o.Value
	}
	if sum != r.ParentValue && spec.Makes("record-sum") {
		return spec.Errorf(spec.CodeValueMismatch, "outputs sum to %d fen, parent is %d fen", sum, r.ParentValue)
	}
	if r.PaidTo(r.Payee) == 0 && spec.Makes("record-pays-payee") {
		return spec.Errorf(spec.CodeValueMismatch, "a record that pays the payee nothing")
	}
	return nil
}

// PaidTo returns the total value of outputs held by id.
func (r *Record) PaidTo(id string) int64 {
	var v int64
	for _, o := range r.Outputs {
		if o.Holder == id {
			v += o.Value
		}
	}
	return v
}

// Sign validates r and signs it.
func Sign(k suite.PrivateKey, r Record) (*Signed, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sig, err := k.Sign(r.TBS())
	if err != nil {
		return nil, err
	}
	return &Signed{Record: r, Signature: sig}, nil
}

// Verify checks the signature under the payer's public key.
func (s *Signed) Verify(payer suite.PublicKey) error {
	if !spec.Makes("record-signature") {
		return nil
	}
	return payer.Verify(s.TBS(), s.Signature)
}

// Split builds the outputs of a payment of amount from a parent of value
// parentValue: table denominations to payee first (largest first), then the
// change to payer.
func Split(parent coin.Serial, parentValue, amount int64, payer, payee string) ([]Output, error) {
	if amount <= 0 || amount > parentValue {
		return nil, spec.Errorf(spec.CodeValueMismatch, "cannot pay %d fen from a %d fen coin", amount, parentValue)
	}
	pay, err := coin.MakeChange(amount)
	if err != nil {
		return nil, err
	}
	var change []int64
	if parentValue > amount {
		if change, err = coin.MakeChange(parentValue - amount); err != nil {
			return nil, err
		}
	}
	if len(pay)+len(change) > MaxOutputs {
		return nil, spec.Errorf(spec.CodeValueMismatch, "split needs %d outputs, cap %d", len(pay)+len(change), MaxOutputs)
	}
	var outs []Output
	for _, v := range pay {
		outs = append(outs, Output{Serial: ChildSerial(parent, len(outs)), Value: v, Holder: payee})
	}
	for _, v := range change {
		outs = append(outs, Output{Serial: ChildSerial(parent, len(outs)), Value: v, Holder: payer})
	}
	return outs, nil
}
