package chain

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"

	"golang.org/x/crypto/cryptobyte/asn1"
)

// The literal payment (chain-literal, version 2) follows the published
// flow: wallet address, amount, agreed nonce and timestamp are encrypted
// under the chain's public key with the inputs (「钱包地址、转账金额、约定随机数、
// 时间错等信息通过区块链公钥生成加密信息以及数字证书」), the certificate travels in the
// clear, and signature and ciphertext are locked together (「同时可以锁定签名信息、
// 转账加密信息、转账签名信息」):
//
//	PaymentTBS ::= [APPLICATION 25] SEQUENCE {      -- version 2
//	    version     INTEGER (2),
//	    certificate Certificate,                  -- the payer's, in the clear
//	    transfer    OCTET STRING (SIZE (1..512)), -- Seal(chain key, Transfer version 2)
//	    commitment  OCTET STRING (SIZE (32)) }    -- suite hash of the Transfer DER
//	Payment ::= [APPLICATION 24] SEQUENCE {
//	    tbs       PaymentTBS,
//	    signature OCTET STRING (SIZE (8..72)),
//	    lock      OCTET STRING (SIZE (32)) }      -- suite hash of "dualoffline/chain/lock/v2\0" ‖ tbs ‖ signature
//
// The payee can check the certificate, the signature and the lock, and
// nothing of what is sealed. The clear fields of PaymentTBS (Payer,
// Payee, Amount, Nonce, Time) of a version-2 payment are not on the wire:
// whoever holds the chain key fills them in from the opened transfer
// (backbone.fillLiteral).

const lockLabel = "dualoffline/chain/lock/v2\x00"

func (p *PaymentTBS) literalTBS() []byte {
	return der.Marshal(der.Application(TagPaymentTBS), func(b *der.Builder) {
		b.AddASN1Int64(int64(p.Version))
		b.AddBytes(p.Cert)
		b.AddASN1OctetString(p.Sealed)
		b.AddASN1OctetString(p.Commitment[:])
	})
}

// LockOf is the lock of a literal payment: it binds the signed statement
// (and so the ciphertext) to its signature.
func LockOf(s suite.Suite, tbs, sig []byte) [IDSize]byte {
	var l [IDSize]byte
	copy(l[:], s.Hash([]byte(lockLabel), tbs, sig))
	return l
}

func parseLiteral(p *Payment, t *der.Reader, sig, lock []byte) (*Payment, error) {
	p.Cert = bytes.Clone(t.Element("certificate", asn1.SEQUENCE, devcert.MaxCertDER))
	p.Sealed = bytes.Clone(t.Bytes("transfer", 1, MaxSealedDER))
	copy(p.Commitment[:], t.Bytes("commitment", IDSize, IDSize))
	if err := t.Err(); err != nil {
		return nil, err
	}
	if lock == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "payment: a version-2 payment without its lock")
	}
	p.Signature = bytes.Clone(sig)
	copy(p.Lock[:], lock)
	return p, nil
}

// fillLiteral opens a literal payment with the chain key and fills in its
// sealed clear fields (Payer, Payee, Amount, Nonce, Time), after checking
// its lock. It changes nothing of a version-1 payment.
func (bb *backbone) fillLiteral(p *Payment) error {
	if p.Version != Version2 {
		return nil
	}
	tbs := p.TBS()
	key := sha256.Sum256(p.marshalWith(tbs))
	tr, ok := bb.opened[key]
	if !ok {
		var err error
		if tr, err = bb.openLiteral(p, tbs); err != nil {
			return err
		}
		if len(bb.opened) > 1<<14 {
			clear(bb.opened)
		}
		bb.opened[key] = tr
	}
	p.Payer, p.Payee, p.Amount, p.Nonce, p.Time = tr.Payer, tr.Payee, tr.Amount, tr.Nonce, tr.Time
	return nil
}

// openLiteral checks a literal payment's lock and opens its transfer.
func (bb *backbone) openLiteral(p *Payment, tbs []byte) (*Transfer, error) {
	if LockOf(bb.s, tbs, p.Signature) != p.Lock {
		return nil, spec.Errorf(spec.CodeBadSeal, "the lock does not bind the payment's signature and ciphertext")
	}
	_, tr, err := bb.openTransfer(p.Sealed)
	if err != nil {
		return nil, err
	}
	if tr.Version != Version2 {
		return nil, spec.Errorf(spec.CodeMalformed, "a version-2 payment seals a version-%d transfer", tr.Version)
	}
	return tr, nil
}

// copyLiteral fills the sealed clear fields of t, a copy of the literal
// payment c checked, from c (the check's cache hands back c for equal
// bytes).
func copyLiteral(t *Tx, c *checked) {
	if p, q := t.Payment, c.tx.Payment; p != nil && q != nil && p != q && p.Version == Version2 {
		p.Payer, p.Payee, p.Amount, p.Nonce, p.Time = q.Payer, q.Payee, q.Amount, q.Nonce, q.Time
	}
}

// literalInfo describes chain-literal: chain's documented violations,
// which the published flow shares (what the payer's certificate reveals,
// what the sealed inputs hide), and the two the literal encryption adds:
// the payee cannot check the nonce or the timestamp, so it takes a
// payment bound to another session, an insider's or an earlier sale's
// code replayed (R1.2); nor the amount or the payee,
// so it takes a payment of less, or for someone else, as its sale's
// (R5.5).
func literalInfo() models.Info {
	info := Scheme{}.Info()
	info.Name = LiteralName
	info.Title = "ICBC blockchain scheme (2019) exactly as published: address, amount, nonce and timestamp encrypted to the chain key, signature and ciphertext locked"
	info.Expected = append(slices.Clone(info.Expected), models.Violation{
		Property: "R1.2-insider-stale-session-refused",
		Witness:  insiderAccepted("replay", "reused-challenge", "stale-time", "future-time"),
		Reason:   "the agreed nonce and the timestamp are encrypted to the chain key with the address and the amount, as the patent describes, so the payee cannot check offline that a payment answers its own request or is fresh: an insider's payment bound to another session is accepted (the payment the master nodes settle is still the one the payer signed)",
	}, models.Violation{
		Property: "R1.2-replayed-message-refused",
		Witness:  models.Witness{Match: `^under replay@\d+:\d+ \(QR \d+ of the first payment replayed to \S+ at step \d+\) the receiver took it, want refused with one of \[[^]]*\]; the refusals at that step are \[replay\]`},
		Reason:   "the agreed nonce is encrypted to the chain key with the address and the amount, as the patent describes (「钱包地址、转账金额、约定随机数、时间错等信息通过区块链公钥生成加密信息」), and the payee only signs what it scanned (「收款方就可以扫码对上述信息生成数字签名。」), so it cannot tell the payment QR code of an earlier sale from this one's: it takes the replayed code as this sale's payment and refuses the genuine one after it as a second payment (the master nodes do not settle the replayed payment twice)",
	}, models.Violation{
		Property: "R5.5-insider-terms-settle-or-name-payer",
		Witness:  models.Witness{Match: `insider (?:wrong-amount|other-payee) paying \d+ fen \([^)]*\)(?: under [^:]+)?: the payee accepted \d+ fen, is credited \d+ at settlement, and no double-spend flag names the insider`},
		Reason:   "the amount and (with the inputs) the payee are encrypted to the chain key, as the patent describes (「钱包地址、转账金额、约定随机数、时间错等信息通过区块链公钥生成加密信息」), and the payee only signs what it scanned (「收款方就可以扫码对上述信息生成数字签名。」): it cannot check offline how much it is paid or that it is the payee, so an insider's payment of less than the till asked, or sealed to another wallet, is accepted as the sale's; the master nodes settle what the payer sealed, which is a valid payment, so nothing names the payer",
	})
	return info
}

// receiveLiteral is the payee's side of the published flow: it scanned
// a literal payment and checked the certificate (receive); it checks the
// lock and the signature and that it has not stored this payment before,
// and signs what it scanned (「收款方就可以扫码对上述信息生成数字签名。」). It cannot
// check the payer's address, the amount, the nonce, the time or that the
// payment is for it: they are sealed to the chain key.
func (wl *wallet) receiveLiteral(qr []byte, p *Payment, cert *devcert.Certificate, now time.Time) error {
	if p.Version != Version2 {
		return spec.Errorf(spec.CodeUnknownVersion, "chain-literal takes version-2 payments, this is version %d (chain's)", p.Version)
	}
	tbs := p.TBS()
	if LockOf(wl.s, tbs, p.Signature) != p.Lock {
		return spec.Errorf(spec.CodeBadSeal, "the lock does not bind the payment's signature and ciphertext")
	}
	if err := wl.store(qr, tbs, p.Signature, cert, now); err != nil {
		return err
	}
	wl.w.Trace().State(wl.dev.ID(), "received a sealed payment from %s, counter-signed; its amount is known once the chain settles it", cert.ID)
	return nil
}

// payerOf is the payer's address a payment states: in the clear, or
// (literal) in its opened transfer tr.
func payerOf(p *Payment, tr *Transfer) Address {
	if p.Version == Version2 {
		return tr.Payer
	}
	return p.Payer
}
