package cert

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// [APPLICATION n] tags of the scheme's structures: the range 16..23 that
// spec/formats.md reserves to models/cert. A number is never reused.
const (
	TagPayeeHello = 16 // payee → payer: id, key, certificate, amount, nonce
	TagPayerHello = 17 // payer → payee: id, key, certificate
	TagProceed    = 18 // payee → payer: the payer's certificate is valid, send
	TagTx         = 19 // payer → payee: the signed transaction information
	TagCoins      = 20 // the plaintext sealed inside a TX: coins and lineage certificates
	TagDeduct     = 21 // payee → payer: the coins are valid, deduct
	TagDeducted   = 22 // payer → payee: the deduct-success notice
	TagIssue      = 23 // agent bank → wallet, online: HSM-sealed coin strings
)

// Version1 is the only message version.
const Version1 = 1

// Caps. A payment spends at most MaxSpends coins and names at most
// MaxChainCerts earlier holders; its sealed coins are at most MaxCoinsDER
// bytes. A payment that would not fit is refused with limit-exceeded
// before anything is committed.
const (
	NonceSize     = transfer.ChallengeSize
	DigestSize    = 32 // SM3 and SHA-256
	MaxSpends     = 8
	MaxChainCerts = 16
	MaxCoinsDER   = 64 << 10
	MaxMessageDER = MaxCoinsDER + suite.MaxSealed + 1024
	// MaxIssueItems and MaxIssueDER bound one ISSUE envelope: a
	// withdrawal of up to coin.MaxChangeAmount.
	MaxIssueItems = 1 << 14
	MaxIssueDER   = 8 << 20
	maxCoinString = (coin.MaxSealedDER*8 + 5) / 6 // base64url of a sealed coin, unpadded
)

// Message type labels in traces.
const (
	MsgPayeeHello = "HELLO-PAYEE"
	MsgPayerHello = "HELLO-PAYER"
	MsgProceed    = "PROCEED"
	MsgTx         = "TX"
	MsgDeduct     = "DEDUCT"
	MsgDeducted   = "DEDUCTED"
	MsgIssue      = "ISSUE"
)

// field is one element of a message's layout.
type field int

const (
	fVersion field = iota
	fNonce
	fAmount
	fPayer
	fPayee
	fKey
	fCert
	fSealedKey
	fCiphertext
	fDigest
	fSig
)

var fieldNames = [...]string{"version", "nonce", "amount", "payer", "payee", "publicKey", "certificate", "sealedKey", "ciphertext", "digest", "signature"}

// layouts fixes the fields of each signed message, in order. Every message
// ends with the sender's signature over the same structure without it
// (tbs): the tag separates the domains of the six signatures.
//
//	PayeeHello ::= [APPLICATION 16] SEQUENCE { version INTEGER (1), nonce OCTET STRING (16),
//	    amount INTEGER, payee UTF8String, publicKey OCTET STRING (SPKI), certificate OCTET STRING, signature OCTET STRING }
//	PayerHello ::= [APPLICATION 17] SEQUENCE { version, nonce, payer, payee, publicKey, certificate, signature }
//	Proceed    ::= [APPLICATION 18] SEQUENCE { version, nonce, amount, payer, payee, signature }
//	Tx         ::= [APPLICATION 19] SEQUENCE { version, nonce, amount, payer, payee,
//	    sealedKey OCTET STRING, ciphertext OCTET STRING, signature }
//	Deduct     ::= [APPLICATION 21] SEQUENCE { version, nonce, payer, payee, digest OCTET STRING (32), signature }
//	Deducted   ::= [APPLICATION 22] SEQUENCE { version, nonce, payer, payee, digest, signature }
var layouts = map[uint8][]field{
	TagPayeeHello: {fVersion, fNonce, fAmount, fPayee, fKey, fCert, fSig},
	TagPayerHello: {fVersion, fNonce, fPayer, fPayee, fKey, fCert, fSig},
	TagProceed:    {fVersion, fNonce, fAmount, fPayer, fPayee, fSig},
	TagTx:         {fVersion, fNonce, fAmount, fPayer, fPayee, fSealedKey, fCiphertext, fSig},
	TagDeduct:     {fVersion, fNonce, fPayer, fPayee, fDigest, fSig},
	TagDeducted:   {fVersion, fNonce, fPayer, fPayee, fDigest, fSig},
}

var typeNames = map[uint8]string{
	TagPayeeHello: MsgPayeeHello, TagPayerHello: MsgPayerHello, TagProceed: MsgProceed,
	TagTx: MsgTx, TagDeduct: MsgDeduct, TagDeducted: MsgDeducted, TagIssue: MsgIssue, TagCoins: "COINS",
}

// message is any of the six signed payment messages; the fields its
// layout does not name are zero.
type message struct {
	Tag        uint8
	Nonce      []byte
	Amount     int64
	Payer      string
	Payee      string
	Key        []byte // SubjectPublicKeyInfo, DER
	Cert       []byte // device certificate, DER
	SealedKey  []byte // the content key sealed to the payee's public key
	Ciphertext []byte // the sealed coins under the content key
	Digest     []byte
	Sig        []byte
}

func (m *message) add(b *der.Builder, f field) {
	switch f {
	case fVersion:
		b.AddASN1Int64(Version1)
	case fNonce:
		b.AddASN1OctetString(m.Nonce)
	case fAmount:
		b.AddASN1Int64(m.Amount)
	case fPayer:
		der.AddUTF8(b, m.Payer)
	case fPayee:
		der.AddUTF8(b, m.Payee)
	case fKey:
		b.AddASN1OctetString(m.Key)
	case fCert:
		b.AddASN1OctetString(m.Cert)
	case fSealedKey:
		b.AddASN1OctetString(m.SealedKey)
	case fCiphertext:
		b.AddASN1OctetString(m.Ciphertext)
	case fDigest:
		b.AddASN1OctetString(m.Digest)
	case fSig:
		b.AddASN1OctetString(m.Sig)
	}
}

// tbs returns the bytes the sender signs: the message without its
// signature, under the message's own tag.
func (m *message) tbs() []byte {
	return der.Marshal(der.Application(m.Tag), func(b *der.Builder) {
		for _, f := range layouts[m.Tag] {
			if f != fSig {
				m.add(b, f)
			}
		}
	})
}

// marshal returns the canonical DER of the signed message.
func (m *message) marshal() []byte {
	return der.Marshal(der.Application(m.Tag), func(b *der.Builder) {
		for _, f := range layouts[m.Tag] {
			m.add(b, f)
		}
	})
}

// sign fills the signature and returns the wire bytes.
func (m *message) sign(k suite.PrivateKey) ([]byte, error) {
	sig, err := k.Sign(m.tbs())
	if err != nil {
		return nil, err
	}
	m.Sig = sig
	return m.marshal(), nil
}

// verify checks the signature under pub.
func (m *message) verify(pub suite.PublicKey) error {
	if !spec.Makes("cert-signature") {
		return nil
	}
	return pub.Verify(m.tbs(), m.Sig)
}

// tagOf returns the [APPLICATION n] number of the first byte of b, if it
// is a constructed application tag in the low-tag form.
func tagOf(b []byte) (uint8, bool) {
	if len(b) == 0 || b[0]&0xE0 != 0x60 || b[0]&0x1F == 0x1F {
		return 0, false
	}
	return b[0] & 0x1F, true
}

// parseMessage decodes one of the signed messages under the strict
// profile, accepting only the tags in want. It checks structure and field
// ranges only; the endpoints check meaning and signatures.
func parseMessage(b []byte, want ...uint8) (*message, error) {
	tag, ok := tagOf(b)
	if !ok || layouts[tag] == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "not a message of the cert scheme")
	}
	found := false
	for _, w := range want {
		found = found || w == tag
	}
	if !found && spec.Makes("cert-msg-tag") {
		return nil, spec.Errorf(spec.CodeMalformed, "a %s is not expected here", typeNames[tag])
	}
	what := typeNames[tag]
	r := der.Open(b, der.Application(tag), MaxMessageDER, what)
	m := &message{Tag: tag}
	for _, f := range layouts[tag] {
		name := fieldNames[f]
		switch f {
		case fVersion:
			r.Version(Version1)
		case fNonce:
			m.Nonce = bytes.Clone(r.Bytes(name, NonceSize, NonceSize))
		case fAmount:
			m.Amount = int64(r.Uint(name, 1, coin.MaxChangeAmount))
		case fPayer:
			m.Payer = r.Printable(name, 1, transfer.MaxIDLen)
		case fPayee:
			m.Payee = r.Printable(name, 1, transfer.MaxIDLen)
		case fKey:
			m.Key = bytes.Clone(r.Bytes(name, 1, suite.MaxPublicKeyDER))
		case fCert:
			m.Cert = bytes.Clone(r.Bytes(name, 1, devcert.MaxCertDER))
		case fSealedKey:
			m.SealedKey = bytes.Clone(r.Bytes(name, 1, suite.MaxSealed))
		case fCiphertext:
			m.Ciphertext = bytes.Clone(r.Bytes(name, 17, MaxCoinsDER+16))
		case fDigest:
			m.Digest = bytes.Clone(r.Bytes(name, DigestSize, DigestSize))
		case fSig:
			m.Sig = bytes.Clone(r.Bytes(name, 8, suite.MaxSignatureDER))
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// spend is one coin a TX pays: the payer's holding and the record that
// moves it (or part of it) to the payee, with their encodings if known.
type spend struct {
	holding               *transfer.Holding
	record                *transfer.Signed
	holdingDER, recordDER []byte
}

// encodeCoins builds the plaintext a TX seals to the payee.
//
//	SealedCoins ::= [APPLICATION 20] SEQUENCE {
//	    spends SEQUENCE (SIZE (1..8)) OF SEQUENCE { holding Holding, record Record },
//	    certs  SEQUENCE (SIZE (0..16)) OF OCTET STRING }  -- certificates of earlier holders
func encodeCoins(spends []spend, certs [][]byte) ([]byte, error) {
	if len(certs) > MaxChainCerts {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "the coins' lineages name %d devices, a TX carries %d", len(certs), MaxChainCerts)
	}
	b := der.Marshal(der.Application(TagCoins), func(b *der.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
			for _, sp := range spends {
				b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
					if sp.holdingDER == nil {
						sp.holdingDER, sp.recordDER = sp.holding.Marshal(), sp.record.Marshal()
					}
					b.AddBytes(sp.holdingDER)
					b.AddBytes(sp.recordDER)
				})
			}
		})
		b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
			for _, c := range certs {
				b.AddASN1OctetString(c)
			}
		})
	})
	if len(b) > MaxCoinsDER {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "the coins of this payment take %d bytes, a TX carries %d", len(b), MaxCoinsDER)
	}
	return b, nil
}

// parseCoins decodes the sealed plaintext of a TX.
func parseCoins(s suite.Suite, b []byte) ([]spend, []*devcert.Certificate, error) {
	r := der.Open(b, der.Application(TagCoins), MaxCoinsDER, "coins")
	spendsDER := r.Element("spends", asn1.SEQUENCE, MaxCoinsDER)
	certsDER := r.Element("certs", asn1.SEQUENCE, MaxCoinsDER)
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	sr := der.Open(spendsDER, asn1.SEQUENCE, MaxCoinsDER, "coins.spends")
	var items [][]byte
	for i := 0; i <= MaxSpends && sr.More(); i++ {
		items = append(items, sr.Element("spend", asn1.SEQUENCE, MaxCoinsDER))
	}
	if err := sr.Err(); err != nil {
		return nil, nil, err
	}
	if len(items) == 0 || len(items) > MaxSpends {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "coins.spends: %d spends, want 1..%d", len(items), MaxSpends)
	}
	spends := make([]spend, len(items))
	for i, it := range items {
		ir := der.Open(it, asn1.SEQUENCE, MaxCoinsDER, "coins.spend")
		hb := ir.Element("holding", der.Application(transfer.TagHolding), transfer.MaxHoldingDER)
		rb := ir.Element("record", der.Application(transfer.TagRecord), transfer.MaxRecordDER)
		if err := ir.Err(); err != nil {
			return nil, nil, err
		}
		var err error
		if spends[i].holding, err = transfer.ParseHolding(hb); err != nil {
			return nil, nil, err
		}
		if spends[i].record, err = transfer.Parse(rb); err != nil {
			return nil, nil, err
		}
	}
	cr := der.Open(certsDER, asn1.SEQUENCE, MaxCoinsDER, "coins.certs")
	var certs []*devcert.Certificate
	for cr.More() {
		if len(certs) == MaxChainCerts {
			return nil, nil, spec.Errorf(spec.CodeMalformed, "coins.certs: more than %d certificates", MaxChainCerts)
		}
		raw := cr.Bytes("cert", 1, devcert.MaxCertDER)
		if raw == nil { // the read failed; Err reports it
			break
		}
		c, err := devcert.Parse(s, raw)
		if err != nil {
			return nil, nil, err
		}
		certs = append(certs, c)
	}
	if err := cr.Err(); err != nil {
		return nil, nil, err
	}
	return spends, certs, nil
}

// issueItem is one coin of a withdrawal: the HSM-sealed coin string and the
// agent's record handing the coin inside to the holder.
type issueItem struct {
	coinString string
	record     *transfer.Signed
}

// encodeIssue builds the ISSUE envelope the agent bank's issuance device
// sends a wallet over the online link.
//
//	Issue ::= [APPLICATION 23] SEQUENCE {
//	    version INTEGER (1),
//	    agent   UTF8String (SIZE (1..32)),
//	    holder  UTF8String (SIZE (1..64)),
//	    items   SEQUENCE (SIZE (1..16384)) OF SEQUENCE {
//	        coin   UTF8String,   -- the sealed coin string (base64url of a SealedCoin)
//	        record Record } }    -- the agent's transfer of the coin to the holder
func encodeIssue(agent, holder string, items []issueItem) []byte {
	return der.Marshal(der.Application(TagIssue), func(b *der.Builder) {
		b.AddASN1Int64(Version1)
		der.AddUTF8(b, agent)
		der.AddUTF8(b, holder)
		b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
			for _, it := range items {
				b.AddASN1(asn1.SEQUENCE, func(b *der.Builder) {
					der.AddUTF8(b, it.coinString)
					b.AddBytes(it.record.Marshal())
				})
			}
		})
	})
}

func parseIssue(b []byte) (agent, holder string, items []issueItem, err error) {
	r := der.Open(b, der.Application(TagIssue), MaxIssueDER, "issue")
	r.Version(Version1)
	agent = r.Printable("agent", 1, coin.MaxAgentID)
	holder = r.Printable("holder", 1, transfer.MaxIDLen)
	list := r.Element("items", asn1.SEQUENCE, MaxIssueDER)
	if err := r.Err(); err != nil {
		return "", "", nil, err
	}
	lr := der.Open(list, asn1.SEQUENCE, MaxIssueDER, "issue.items")
	var raws [][]byte
	for i := 0; i <= MaxIssueItems && lr.More(); i++ {
		raws = append(raws, lr.Element("item", asn1.SEQUENCE, maxCoinString+transfer.MaxRecordDER+16))
	}
	if err := lr.Err(); err != nil {
		return "", "", nil, err
	}
	if len(raws) == 0 || len(raws) > MaxIssueItems {
		return "", "", nil, spec.Errorf(spec.CodeMalformed, "issue.items: %d items, want 1..%d", len(raws), MaxIssueItems)
	}
	for _, raw := range raws {
		ir := der.Open(raw, asn1.SEQUENCE, len(raw), "issue.item")
		s := ir.Printable("coin", 1, maxCoinString)
		rb := ir.Element("record", der.Application(transfer.TagRecord), transfer.MaxRecordDER)
		if err := ir.Err(); err != nil {
			return "", "", nil, err
		}
		rec, err := transfer.Parse(rb)
		if err != nil {
			return "", "", nil, err
		}
		items = append(items, issueItem{coinString: s, record: rec})
	}
	return agent, holder, items, nil
}

// Fields splits a message of the scheme into its top-level fields (the
// contents of each element, headers excluded), for the world's
// field-substitution fault. Bytes that are not a message give no fields.
func Fields(m world.Message) []world.Span {
	tag, ok := tagOf(m.Payload)
	if !ok {
		return nil
	}
	o, ok := der.Outer(m.Payload)
	if !ok {
		return nil
	}
	var names []string
	for _, f := range layouts[tag] {
		names = append(names, fieldNames[f])
	}
	switch tag {
	case TagIssue:
		names = []string{"version", "agent", "holder", "items"}
	case TagCoins:
		names = []string{"spends", "certs"}
	}
	var out []world.Span
	for i, e := range der.Elements(m.Payload, o.Content, o.End) {
		name := "field"
		if i < len(names) {
			name = names[i]
		}
		if e.Content < e.End {
			out = append(out, world.Span{Name: name, Start: e.Content, End: e.End})
		}
	}
	return out
}
