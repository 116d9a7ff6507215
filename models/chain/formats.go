package chain

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The [APPLICATION n] tags of the chain formats. The range 24..31 is
// allocated to this package; der.Application builds only the one-byte
// form, so 31 (which would need the high-tag-number form) stays unused.
const (
	TagPayment    = 24 // 0x78: the signed payment, the QR payload
	TagPaymentTBS = 25 // 0x79: what the payer signs
	TagTransfer   = 26 // 0x7A: the transfer sealed to the chain key
	TagMint       = 27 // 0x7B: issuance of withdrawn coins onto the chain
	TagBlock      = 28 // 0x7C: a signed block
	TagHeader     = 29 // 0x7D: a block header, what the proposer signs
	TagReceipt    = 30 // 0x7E: the payee's counter-signed receipt
)

// Format constants.
const (
	Version1     = 1
	Version2     = 2  // chain-literal: the payment as published (literal.go)
	AddrSize     = 20 // wallet address
	IDSize       = 32 // transaction and block ids, commitments (suite hash)
	NonceSize    = 8  // the agreed nonce
	SaltSize     = 16 // hides the sealed transfer behind its commitment
	OutPointSize = IDSize + 2
	// MaxInputs is the most coins one payment spends: what keeps the QR
	// payload within QRVersion at QRLevel.
	MaxInputs = 4
	// MaxPaymentDER is the byte capacity of a QR code of QRVersion at
	// QRLevel in byte mode: a payment larger than this would not fit the
	// code, so it is neither built nor parsed.
	MaxPaymentDER   = 997
	MaxTransferDER  = 256
	MaxSealedDER    = 512
	MaxReceiptDER   = 192
	MaxMintHoldings = 16
	MaxMintDER      = 4 + MaxMintHoldings*(transfer.MaxHoldingDER+4) + 64
	MaxTxDER        = MaxMintDER + 8
	MaxBlockTxs     = 128
	MaxBlockDER     = 1 << 20
	MaxHeight       = 1 << 40
	MaxTime         = 1 << 40
	MaxNodeID       = devcert.MaxIDLen
)

// QR code bound of the payment payload (ISO/IEC 18004): version 25
// (117×117 modules) at error-correction level M, byte mode. A phone reads
// it from another phone's screen; TestQRPayloadFits encodes the largest
// payload the model builds and checks the version.
const (
	QRVersion = 25
	QRLevel   = "M"
)

// sealInfo is the context bound into every sealed transfer.
var sealInfo = []byte("dualoffline/chain/transfer/v1")

// Address is a wallet (or agent bank) address on the chain: the first 20
// bytes of the suite hash of the key's SubjectPublicKeyInfo.
type Address [AddrSize]byte

// AddressOf derives the address of a public key.
func AddressOf(s suite.Suite, pub suite.PublicKey) Address {
	return addressOfSPKI(s, pub.SPKI())
}

func addressOfSPKI(s suite.Suite, spki []byte) Address {
	var a Address
	copy(a[:], s.Hash([]byte("dualoffline/chain/address/v1\x00"), spki))
	return a
}

// addressOfCert is AddressOf for a certificate's key, memoised by the
// certificate's bytes (encoding a key is not free, and a wallet sees the
// same payers again).
func addressOfCert(s suite.Suite, c *devcert.Certificate) Address {
	a, _, _ := addrMemo.Do(string(s.ID())+string(c.Raw), func() (Address, error) { return AddressOf(s, c.PublicKey), nil })
	return a
}

// addrMemo caches a pure function (internal/memo).
var addrMemo = memo.New[string, Address]("models/chain addresses", 1<<12)

func (a Address) String() string { return hex.EncodeToString(a[:]) }

// TxID names a transaction: the suite hash of what its author signed (a
// payment's TBS) or of what identifies it (a mint), never of a signature,
// since an ECDSA signature has two valid encodings.
type TxID [IDSize]byte

func (t TxID) String() string { return hex.EncodeToString(t[:]) }

// BlockID names a block: the suite hash of its header.
type BlockID [IDSize]byte

func (b BlockID) String() string { return hex.EncodeToString(b[:]) }

// OutPoint names a coin on the chain: the transaction that created it and
// the output index.
type OutPoint struct {
	Tx    TxID
	Index uint16
}

func (o OutPoint) bytes() []byte {
	return binary.BigEndian.AppendUint16(append([]byte(nil), o.Tx[:]...), o.Index)
}

func (o OutPoint) String() string { return fmt.Sprintf("%x:%d", o.Tx[:8], o.Index) }

func outPointFrom(b []byte) OutPoint {
	var o OutPoint
	copy(o.Tx[:], b[:IDSize])
	o.Index = binary.BigEndian.Uint16(b[IDSize:])
	return o
}

func comparePoints(a, b OutPoint) int {
	if c := bytes.Compare(a.Tx[:], b.Tx[:]); c != 0 {
		return c
	}
	return int(a.Index) - int(b.Index)
}

// Transfer is the part of a payment sealed to the chain key: which coins
// are spent, to whom, and the payer's identity escrow.
//
//	Transfer ::= [APPLICATION 26] SEQUENCE {
//	    version INTEGER (1),
//	    escrow  INTEGER (1..2^63-1),       -- serial of the payer's certificate
//	    payee   OCTET STRING (SIZE (20)),  -- to whom
//	    salt    OCTET STRING (SIZE (16)),
//	    inputs  SEQUENCE (SIZE (1..4)) OF OCTET STRING (SIZE (34)) } -- txid || index
//
// Version 2 (chain-literal, literal.go) seals what the source encrypts to
// the chain key as well, after the inputs:
//
//	payer   OCTET STRING (SIZE (20)),  -- wallet address of the payer
//	amount  INTEGER (1..100000000),    -- fen
//	nonce   OCTET STRING (SIZE (8)),   -- the agreed nonce
//	time    INTEGER (0..2^40)          -- unix seconds, payer's clock
type Transfer struct {
	Version int
	Escrow  uint64
	Payee   Address
	Salt    [SaltSize]byte
	Inputs  []OutPoint
	// Version 2 only.
	Payer  Address
	Amount int64
	Nonce  [NonceSize]byte
	Time   int64
}

// Marshal returns the canonical DER.
func (t *Transfer) Marshal() []byte {
	return der.Marshal(der.Application(TagTransfer), func(b *der.Builder) {
		b.AddASN1Int64(int64(t.Version))
		b.AddASN1Uint64(t.Escrow)
		b.AddASN1OctetString(t.Payee[:])
		b.AddASN1OctetString(t.Salt[:])
		b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
			for _, in := range t.Inputs {
				b.AddASN1OctetString(in.bytes())
			}
		})
		if t.Version == Version2 {
			b.AddASN1OctetString(t.Payer[:])
			b.AddASN1Int64(t.Amount)
			b.AddASN1OctetString(t.Nonce[:])
			b.AddASN1Int64(t.Time)
		}
	})
}

// ParseTransfer decodes a sealed transfer's plaintext.
func ParseTransfer(b []byte) (*Transfer, error) {
	t, err := parseTransferLoose(b)
	if err != nil {
		return nil, err
	}
	seen := map[OutPoint]bool{}
	for _, in := range t.Inputs {
		if seen[in] {
			return nil, spec.Errorf(spec.CodeMalformed, "transfer.inputs: %s twice", in)
		}
		seen[in] = true
	}
	return t, nil
}

// parseTransferLoose is ParseTransfer without the rule that no input is
// listed twice: what refusal evidence needs to show a repeated input.
func parseTransferLoose(b []byte) (*Transfer, error) {
	r := der.Open(b, der.Application(TagTransfer), MaxTransferDER, "transfer")
	t := &Transfer{Version: int(r.Version(Version1, Version2))}
	t.Escrow = r.Uint("escrow", 1, 1<<63-1)
	copy(t.Payee[:], r.Bytes("payee", AddrSize, AddrSize))
	copy(t.Salt[:], r.Bytes("salt", SaltSize, SaltSize))
	ins := r.Element("inputs", asn1.SEQUENCE, MaxTransferDER)
	if t.Version == Version2 {
		copy(t.Payer[:], r.Bytes("payer", AddrSize, AddrSize))
		t.Amount = int64(r.Uint("amount", 1, coin.MaxChangeAmount))
		copy(t.Nonce[:], r.Bytes("nonce", NonceSize, NonceSize))
		t.Time = int64(r.Uint("time", 0, MaxTime))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	l := der.Open(ins, asn1.SEQUENCE, MaxTransferDER, "transfer.inputs")
	for i := 0; i <= MaxInputs && l.More(); i++ {
		if op := l.Bytes("input", OutPointSize, OutPointSize); op != nil {
			t.Inputs = append(t.Inputs, outPointFrom(op))
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if len(t.Inputs) == 0 || len(t.Inputs) > MaxInputs {
		return nil, spec.Errorf(spec.CodeMalformed, "transfer.inputs: %d inputs, want 1..%d", len(t.Inputs), MaxInputs)
	}
	return t, nil
}

// PaymentTBS is what the payer signs. The clear fields are what the payee
// checks offline; the sealed transfer is what only the chain key opens; the
// commitment binds the two, so a double spend is provable to anyone who is
// shown the opened transfer.
//
//	PaymentTBS ::= [APPLICATION 25] SEQUENCE {
//	    version     INTEGER (1),
//	    payer       OCTET STRING (SIZE (20)),  -- wallet address of the payer
//	    payee       OCTET STRING (SIZE (20)),
//	    amount      INTEGER (1..100000000),    -- fen
//	    nonce       OCTET STRING (SIZE (8)),   -- the agreed nonce
//	    time        INTEGER (0..2^40),         -- unix seconds, payer's clock
//	    certificate Certificate,               -- the payer's device certificate (X.509 DER)
//	    transfer    OCTET STRING (SIZE (1..512)), -- Seal(chain key, Transfer)
//	    commitment  OCTET STRING (SIZE (32)) } -- suite hash of the Transfer DER
type PaymentTBS struct {
	Version    int
	Payer      Address
	Payee      Address
	Amount     int64
	Nonce      [NonceSize]byte
	Time       int64
	Cert       []byte
	Sealed     []byte
	Commitment [IDSize]byte
}

// Payment is the signed payment: the QR payload.
//
//	Payment ::= [APPLICATION 24] SEQUENCE {
//	    tbs       PaymentTBS,
//	    signature OCTET STRING (SIZE (8..72)) }
type Payment struct {
	PaymentTBS
	Signature []byte
	Lock      [IDSize]byte // version 2 only (literal.go)
}

// TBS returns the canonical DER the payer signs.
func (p *PaymentTBS) TBS() []byte {
	if p.Version == Version2 {
		return p.literalTBS()
	}
	return der.Marshal(der.Application(TagPaymentTBS), func(b *der.Builder) {
		b.AddASN1Int64(int64(p.Version))
		b.AddASN1OctetString(p.Payer[:])
		b.AddASN1OctetString(p.Payee[:])
		b.AddASN1Int64(p.Amount)
		b.AddASN1OctetString(p.Nonce[:])
		b.AddASN1Int64(p.Time)
		b.AddBytes(p.Cert)
		b.AddASN1OctetString(p.Sealed)
		b.AddASN1OctetString(p.Commitment[:])
	})
}

// Marshal returns the canonical DER of the signed payment.
func (p *Payment) Marshal() []byte { return p.marshalWith(p.TBS()) }

// marshalWith encodes the payment around its already encoded TBS.
func (p *Payment) marshalWith(tbs []byte) []byte {
	return der.Marshal(der.Application(TagPayment), func(b *der.Builder) {
		b.AddBytes(tbs)
		b.AddASN1OctetString(p.Signature)
		if p.Version == Version2 {
			b.AddASN1OctetString(p.Lock[:])
		}
	})
}

// ID returns the payment's transaction id.
func (p *PaymentTBS) ID(s suite.Suite) TxID {
	var id TxID
	copy(id[:], s.Hash(p.TBS()))
	return id
}

// ParsePayment decodes a payment under the strict profile (structure and
// sizes only; the certificate, signature and seal are checked by whoever
// accepts it).
func ParsePayment(b []byte) (*Payment, error) {
	limit := MaxPaymentDER
	if !spec.Makes("chain-qr-size") {
		limit = 1 << 20
	}
	r := der.Open(b, der.Application(TagPayment), limit, "payment")
	tbs := r.Element("tbs", der.Application(TagPaymentTBS), limit)
	sig := r.Bytes("signature", 8, suite.MaxSignatureDER)
	var lock []byte
	if r.More() {
		lock = r.Bytes("lock", IDSize, IDSize)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	t := der.Open(tbs, der.Application(TagPaymentTBS), limit, "payment.tbs")
	p := &Payment{PaymentTBS: PaymentTBS{Version: int(t.Version(Version1, Version2))}}
	if p.Version == Version2 {
		return parseLiteral(p, t, sig, lock)
	}
	if lock != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "payment: a lock in a version-1 payment")
	}
	copy(p.Payer[:], t.Bytes("payer", AddrSize, AddrSize))
	copy(p.Payee[:], t.Bytes("payee", AddrSize, AddrSize))
	p.Amount = int64(t.Uint("amount", 1, coin.MaxChangeAmount))
	copy(p.Nonce[:], t.Bytes("nonce", NonceSize, NonceSize))
	p.Time = int64(t.Uint("time", 0, MaxTime))
	p.Cert = bytes.Clone(t.Element("certificate", asn1.SEQUENCE, devcert.MaxCertDER))
	p.Sealed = bytes.Clone(t.Bytes("transfer", 1, MaxSealedDER))
	copy(p.Commitment[:], t.Bytes("commitment", IDSize, IDSize))
	if err := t.Err(); err != nil {
		return nil, err
	}
	p.Signature = bytes.Clone(sig)
	return p, nil
}

// Receipt is the payee's counter-signature: it accepted payment Tx at
// Time. It never travels back to the payer (the QR link is one way); the
// payee uploads it with the payment.
//
//	Receipt ::= [APPLICATION 30] SEQUENCE {
//	    tx    OCTET STRING (SIZE (32)),
//	    payee OCTET STRING (SIZE (20)),
//	    time  INTEGER (0..2^40) }
//	SignedReceipt ::= SEQUENCE { receipt Receipt, signature OCTET STRING (SIZE (8..72)) }
type Receipt struct {
	Tx    TxID
	Payee Address
	Time  int64
}

// SignedReceipt is a receipt with the payee's signature over its DER.
type SignedReceipt struct {
	Receipt
	Signature []byte
}

// TBS returns the canonical DER the payee signs.
func (r *Receipt) TBS() []byte {
	return der.Marshal(der.Application(TagReceipt), func(b *der.Builder) {
		b.AddASN1OctetString(r.Tx[:])
		b.AddASN1OctetString(r.Payee[:])
		b.AddASN1Int64(r.Time)
	})
}

// Marshal returns the canonical DER of the signed receipt.
func (r *SignedReceipt) Marshal() []byte {
	return der.Marshal(asn1.SEQUENCE, func(b *der.Builder) {
		b.AddBytes(r.TBS())
		b.AddASN1OctetString(r.Signature)
	})
}

// ParseReceipt decodes a signed receipt.
func ParseReceipt(b []byte) (*SignedReceipt, error) {
	r := der.Open(b, asn1.SEQUENCE, MaxReceiptDER, "receipt")
	tbs := r.Element("tbs", der.Application(TagReceipt), MaxReceiptDER)
	sig := r.Bytes("signature", 8, suite.MaxSignatureDER)
	if err := r.Err(); err != nil {
		return nil, err
	}
	t := der.Open(tbs, der.Application(TagReceipt), MaxReceiptDER, "receipt.tbs")
	rc := &SignedReceipt{}
	copy(rc.Tx[:], t.Bytes("tx", IDSize, IDSize))
	copy(rc.Payee[:], t.Bytes("payee", AddrSize, AddrSize))
	rc.Time = int64(t.Uint("time", 0, MaxTime))
	if err := t.Err(); err != nil {
		return nil, err
	}
	rc.Signature = bytes.Clone(sig)
	return rc, nil
}

// Mint puts coins a wallet withdrew onto the chain: each holding is a coin
// the central bank issued to an agent bank, handed by the agent's signed
// record to the wallet. It needs no further signature: the holdings are
// the authority, and each root serial is minted once per chain.
//
//	Mint ::= [APPLICATION 27] SEQUENCE {
//	    version  INTEGER (1),
//	    owner    OCTET STRING (SIZE (20)),       -- the withdrawing wallet's address
//	    holdings SEQUENCE (SIZE (1..16)) OF Holding }
type Mint struct {
	Version  int
	Owner    Address
	Holdings []*transfer.Holding
}

// Marshal returns the canonical DER.
func (m *Mint) Marshal() []byte {
	return der.Marshal(der.Application(TagMint), func(b *der.Builder) {
		b.AddASN1Int64(int64(m.Version))
		b.AddASN1OctetString(m.Owner[:])
		b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
			for _, h := range m.Holdings {
				b.AddBytes(h.Marshal())
			}
		})
	})
}

// ID returns the mint's transaction id: the owner and the ids of the
// agent records, never a signature.
func (m *Mint) ID(s suite.Suite) TxID {
	parts := [][]byte{[]byte("dualoffline/chain/mint/v1\x00"), m.Owner[:]}
	for _, h := range m.Holdings {
		for _, r := range h.Chain {
			id := r.ID()
			parts = append(parts, id[:])
		}
		parts = append(parts, h.Serial[:])
	}
	var id TxID
	copy(id[:], s.Hash(parts...))
	return id
}

// ParseMint decodes a mint (structure only).
func ParseMint(b []byte) (*Mint, error) {
	r := der.Open(b, der.Application(TagMint), MaxMintDER, "mint")
	m := &Mint{Version: int(r.Version(Version1))}
	copy(m.Owner[:], r.Bytes("owner", AddrSize, AddrSize))
	hs := r.Element("holdings", asn1.SEQUENCE, MaxMintDER)
	if err := r.Err(); err != nil {
		return nil, err
	}
	l := der.Open(hs, asn1.SEQUENCE, MaxMintDER, "mint.holdings")
	var raws [][]byte
	for i := 0; i <= MaxMintHoldings && l.More(); i++ {
		raws = append(raws, l.Element("holding", der.Application(transfer.TagHolding), transfer.MaxHoldingDER))
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if len(raws) == 0 || len(raws) > MaxMintHoldings {
		return nil, spec.Errorf(spec.CodeMalformed, "mint.holdings: %d holdings, want 1..%d", len(raws), MaxMintHoldings)
	}
	for _, raw := range raws {
		h, err := transfer.ParseHolding(raw)
		if err != nil {
			return nil, err
		}
		m.Holdings = append(m.Holdings, h)
	}
	return m, nil
}

// Tx is one transaction of a block: a payment (with the payee's receipt
// when the proposer has it) or a mint.
//
//	Tx ::= CHOICE {
//	    payment [0] IMPLICIT SEQUENCE { payment Payment, receipt SignedReceipt OPTIONAL },
//	    mint    Mint }
type Tx struct {
	Payment *Payment
	Receipt *SignedReceipt // optional, payments only
	Mint    *Mint

	enc  []byte    // the encoding, memoised: a Tx is never changed once built
	ok   *checked  // the static check that passed, memoised
	okIn *backbone // ... by this backbone's trust anchors
}

var tagPaymentEntry = asn1.Tag(0).ContextSpecific().Constructed()

// Marshal returns the canonical DER. The result must not be modified.
func (t *Tx) Marshal() []byte {
	if t.enc != nil {
		return t.enc
	}
	if t.Mint != nil {
		t.enc = t.Mint.Marshal()
	} else {
		t.enc = der.Marshal(tagPaymentEntry, func(b *der.Builder) {
			b.AddBytes(t.Payment.Marshal())
			if t.Receipt != nil {
				b.AddBytes(t.Receipt.Marshal())
			}
		})
	}
	return t.enc
}

// ID returns the transaction id.
func (t *Tx) ID(s suite.Suite) TxID {
	if t.Mint != nil {
		return t.Mint.ID(s)
	}
	return t.Payment.ID(s)
}

// ParseTx decodes one transaction.
func ParseTx(b []byte) (*Tx, error) {
	if len(b) > MaxTxDER {
		return nil, spec.Errorf(spec.CodeMalformed, "transaction is %d bytes, cap %d", len(b), MaxTxDER)
	}
	in := cryptobyte.String(b)
	switch {
	case in.PeekASN1Tag(der.Application(TagMint)):
		m, err := ParseMint(b)
		if err != nil {
			return nil, err
		}
		return &Tx{Mint: m, enc: bytes.Clone(b)}, nil
	case in.PeekASN1Tag(tagPaymentEntry):
		r := der.Open(b, tagPaymentEntry, MaxTxDER, "tx.payment")
		pb := r.Element("payment", der.Application(TagPayment), MaxPaymentDER)
		var rb []byte
		if r.More() {
			rb = r.Element("receipt", asn1.SEQUENCE, MaxReceiptDER)
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		p, err := ParsePayment(pb)
		if err != nil {
			return nil, err
		}
		t := &Tx{Payment: p, enc: bytes.Clone(b)}
		if rb != nil {
			if t.Receipt, err = ParseReceipt(rb); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	return nil, spec.Errorf(spec.CodeMalformed, "transaction: neither a payment entry nor a mint")
}

// Header is a block header: what the proposer signs and the block id
// hashes.
//
//	Header ::= [APPLICATION 29] SEQUENCE {
//	    version  INTEGER (1),
//	    height   INTEGER (1..2^40),
//	    slot     INTEGER (1..2^40),
//	    parent   OCTET STRING (SIZE (32)),   -- all zero for the first block
//	    proposer UTF8String (SIZE (1..64)),  -- the master node's certificate id
//	    txRoot   OCTET STRING (SIZE (32)) }  -- suite hash of the txs element
type Header struct {
	Version  int
	Height   uint64
	Slot     uint64
	Parent   BlockID
	Proposer string
	TxRoot   [IDSize]byte
}

// Block is a signed block.
//
//	Block ::= [APPLICATION 28] SEQUENCE {
//	    header    Header,
//	    txs       SEQUENCE (SIZE (0..128)) OF Tx,   -- ascending transaction id
//	    signature OCTET STRING (SIZE (8..72)) }
type Block struct {
	Header
	Txs       []*Tx
	Signature []byte
}

// TBS returns the header's canonical DER.
func (h *Header) TBS() []byte {
	return der.Marshal(der.Application(TagHeader), func(b *der.Builder) {
		b.AddASN1Int64(int64(h.Version))
		b.AddASN1Uint64(h.Height)
		b.AddASN1Uint64(h.Slot)
		b.AddASN1OctetString(h.Parent[:])
		der.AddUTF8(b, h.Proposer)
		b.AddASN1OctetString(h.TxRoot[:])
	})
}

// ID returns the block id.
func (h *Header) ID(s suite.Suite) BlockID {
	var id BlockID
	copy(id[:], s.Hash(h.TBS()))
	return id
}

func marshalTxs(txs []*Tx) []byte {
	return der.Marshal(asn1.SEQUENCE, func(b *der.Builder) {
		for _, t := range txs {
			b.AddBytes(t.Marshal())
		}
	})
}

// TxRootOf returns the transaction root of a list of transactions.
func TxRootOf(s suite.Suite, txs []*Tx) [IDSize]byte {
	var r [IDSize]byte
	copy(r[:], s.Hash(marshalTxs(txs)))
	return r
}

// Marshal returns the canonical DER of the block.
func (bl *Block) Marshal() []byte {
	return der.Marshal(der.Application(TagBlock), func(b *der.Builder) {
		b.AddBytes(bl.TBS())
		b.AddBytes(marshalTxs(bl.Txs))
		b.AddASN1OctetString(bl.Signature)
	})
}

// ParseBlock decodes a block under the strict profile (structure only;
// nodes validate signature, rules and transactions).
func ParseBlock(b []byte) (*Block, error) {
	r := der.Open(b, der.Application(TagBlock), MaxBlockDER, "block")
	hb := r.Element("header", der.Application(TagHeader), 256)
	txs := r.Element("txs", asn1.SEQUENCE, MaxBlockDER)
	sig := r.Bytes("signature", 8, suite.MaxSignatureDER)
	if err := r.Err(); err != nil {
		return nil, err
	}
	h := der.Open(hb, der.Application(TagHeader), 256, "block.header")
	bl := &Block{Header: Header{Version: int(h.Version(Version1))}}
	bl.Height = h.Uint("height", 1, MaxHeight)
	bl.Slot = h.Uint("slot", 1, MaxHeight)
	copy(bl.Parent[:], h.Bytes("parent", IDSize, IDSize))
	bl.Proposer = h.Printable("proposer", 1, MaxNodeID)
	copy(bl.TxRoot[:], h.Bytes("txRoot", IDSize, IDSize))
	if err := h.Err(); err != nil {
		return nil, err
	}
	for el, err := range der.Members(txs, MaxBlockTxs, "block.txs") {
		if err != nil {
			return nil, err
		}
		t, err := ParseTx(el)
		if err != nil {
			return nil, err
		}
		bl.Txs = append(bl.Txs, t)
	}
	bl.Signature = bytes.Clone(sig)
	// Strictness: a block encodes one way.
	if !bytes.Equal(bl.Marshal(), b) {
		return nil, spec.Errorf(spec.CodeMalformed, "block: not in canonical DER")
	}
	return bl, nil
}

// span is one field of an encoded structure, for field tampering.
type span struct {
	name       string
	start, end int
}

// elementSpans returns the value spans of the elements inside the
// constructed element at b[off:], descending into the children whose
// index is in descend; names label the leaves in order.
func elementSpans(b []byte, off int, descend map[int]bool, names []string, out *[]span) {
	s := cryptobyte.String(b[off:])
	var inner cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1(&inner, &tag) {
		return
	}
	start := off + (len(b[off:]) - len(s)) - len(inner)
	pos := start
	for i := 0; !inner.Empty(); i++ {
		before := len(inner)
		var el cryptobyte.String
		var t asn1.Tag
		if !inner.ReadAnyASN1Element(&el, &t) {
			return
		}
		elStart := pos
		pos += before - len(inner)
		if descend[i] {
			elementSpans(b, elStart, nil, names, out)
			continue
		}
		// the value: skip the header
		v := cryptobyte.String(el)
		var val cryptobyte.String
		var vt asn1.Tag
		if !v.ReadAnyASN1(&val, &vt) {
			return
		}
		name := fmt.Sprintf("field%d", len(*out))
		if len(*out) < len(names) {
			name = names[len(*out)]
		}
		*out = append(*out, span{name: name, start: pos - len(val), end: pos})
	}
}

// paymentSpans locates the fields of an encoded payment.
func paymentSpans(b []byte) []span {
	var out []span
	elementSpans(b, 0, map[int]bool{0: true}, []string{
		"version", "payer", "payee", "amount", "nonce", "time", "certificate", "transfer", "commitment", "signature",
	}, &out)
	return out
}
