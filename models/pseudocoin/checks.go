package pseudocoin

import (
	"bytes"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The payer's and the payee's decisions on the payment messages, in the
// order spec/formats-schemes.md ("The pseudocoin scheme") states them,
// each check under its id of spec/checks.json (spec.Makes), so that the
// vectors' drop test can remove it. The payment sessions (pay.go) and
// the vectors' reference (vectorgen_reference.go) both decide with these.

// openInvoice is what the payee's invoice of the session fixes: the
// receiving key, the amount and the challenge a PAY must answer.
type openInvoice struct {
	Key       []byte
	Amount    int64
	Challenge []byte
}

// checkPay makes the payee's checks of a parsed PAY: an invoice open in
// the session (open), the record answering it, the record's rules and
// lineage (v), and no input key among those the payee was paid with
// (seen).
func checkPay(v verifier, r *Record, inv openInvoice, open bool, seen func(spki []byte) bool) error {
	if !open && spec.Makes("pc-pay-open") {
		return spec.Errorf(spec.CodeReplay, "a payment without an open invoice in this session")
	}
	if !bytes.Equal(r.Payee, inv.Key) && spec.Makes("pc-pay-key") {
		return spec.Errorf(spec.CodeWrongRecipient, "the record pays another key")
	}
	if r.Amount != inv.Amount && !v.skipAmount && spec.Makes("pc-pay-amount") {
		return spec.Errorf(spec.CodeValueMismatch, "the record pays %d fen, the invoice asks %d", r.Amount, inv.Amount)
	}
	if !bytes.Equal(r.Challenge, inv.Challenge) && !v.skipChallenge && spec.Makes("pc-pay-challenge") {
		return spec.Errorf(spec.CodeReplay, "the record answers another challenge")
	}
	if err := v.record(r); err != nil {
		return err
	}
	for _, h := range r.Inputs {
		if seen(h.Key()) && spec.Makes("pc-pay-seen") {
			return spec.Errorf(spec.CodeDoubleSpend, "one-time key %s already paid this element", keyName(h.Key()))
		}
	}
	return nil
}

// invoiceContext is what the payer decides an INVOICE against: the
// payment's amount, the payee it means to pay (its device id), the root,
// revocation list and clock its certificate is checked with, and the
// receiving keys the payer paid before.
type invoiceContext struct {
	Suite  suite.Suite
	Amount int64
	Payee  string
	Root   *devcert.Certificate
	CRL    *devcert.RevocationList
	At     time.Time
	Paid   func(spki []byte) bool
	// SkipCert, for a mutant, leaves out the certificate's verification,
	// SkipPaid, for another, the look-up in Paid.
	SkipCert, SkipPaid bool
}

// checkInvoiceOnce is the payer's first check of an INVOICE, made before
// its bytes are parsed: no payment committed yet in the session.
func checkInvoiceOnce(committed bool) error {
	if committed && spec.Makes("pc-invoice-once") {
		return spec.Errorf(spec.CodeReplay, "the payer already paid in this session")
	}
	return nil
}

// checkInvoice makes the payer's checks of a parsed INVOICE.
func checkInvoice(c invoiceContext, v *Invoice) error {
	if v.Amount != c.Amount && spec.Makes("pc-invoice-amount") {
		return spec.Errorf(spec.CodeValueMismatch, "the invoice asks %d fen, the payment is %d", v.Amount, c.Amount)
	}
	if c.Paid(v.Key) && !c.SkipPaid && spec.Makes("pc-invoice-paid") {
		return spec.Errorf(spec.CodeReplay, "the payer already paid the invoice's receiving key")
	}
	cert, err := devcert.Parse(c.Suite, v.Cert)
	if err != nil {
		return err
	}
	if err := cert.Verify(c.Root, c.At, c.CRL); err != nil && !c.SkipCert && spec.Makes("pc-invoice-cert") {
		return err
	}
	if cert.ID != c.Payee && spec.Makes("pc-invoice-payee") {
		return spec.Errorf(spec.CodeWrongRecipient, "the invoice is signed by %s, the payee is %s", cert.ID, c.Payee)
	}
	if err := cert.PublicKey.Verify(v.tbs(), v.Sig); err != nil && spec.Makes("pc-invoice-signature") {
		return err
	}
	if _, err := c.Suite.ParsePublicKey(v.Key); err != nil && spec.Makes("pc-invoice-key") {
		return err
	}
	return nil
}

// checkHello makes the payee's checks of a parsed HELLO: the amount it
// asks, and no invoice given yet in the session.
func checkHello(h Hello, amount int64, invoiced bool) error {
	if h.Amount != amount && spec.Makes("pc-hello-amount") {
		return spec.Errorf(spec.CodeValueMismatch, "the payer offers %d fen, the payee asks %d", h.Amount, amount)
	}
	if invoiced && spec.Makes("pc-hello-once") {
		return spec.Errorf(spec.CodeReplay, "the payee already gave an invoice in this session")
	}
	return nil
}

// checkAck makes the payer's checks of a parsed ACK: it names the record
// the session committed (committed: one was), not acknowledged before.
func checkAck(a Ack, committed bool, record [32]byte, acked bool) error {
	if (!committed || a.Record != record) && spec.Makes("pc-ack-record") {
		return spec.Errorf(spec.CodeReplay, "an acknowledgement of no record this session paid")
	}
	if acked && spec.Makes("pc-ack-once") {
		return spec.Errorf(spec.CodeReplay, "the payment was already acknowledged")
	}
	return nil
}
