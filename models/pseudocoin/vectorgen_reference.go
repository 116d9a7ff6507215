package pseudocoin

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The reference decisions of pseudocoin's vector kinds: each parses the
// message and makes the receiver's checks with the functions the model's
// own sessions make them with (checks.go), so that removing a check
// (spec.Without) removes it from both.

func member(l [][]byte) func([]byte) bool {
	return func(k []byte) bool {
		for _, x := range l {
			if bytes.Equal(x, k) {
				return true
			}
		}
		return false
	}
}

func refPay(s suite.Suite, in PayInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	pay, key, challenge, desk := u.B("pay", in.Pay), u.B("key", in.Key), u.B("challenge", in.Challenge), u.B("desk", in.Desk)
	seen := u.List("seen", in.Seen)
	if u.Err != nil {
		return nil, u.Err
	}
	dk, err := s.ParsePublicKey(desk)
	if err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	r, err := ParseRecord(pay)
	if err != nil {
		return err, nil
	}
	return checkPay(verifier{s: s, desk: dk}, r, openInvoice{Key: key, Amount: in.Amount, Challenge: challenge}, in.Open, member(seen)), nil
}

func refInvoice(s suite.Suite, in InvoiceInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, rootRaw, crlRaw, payee := u.B("invoice", in.Invoice), u.B("root", in.Root), u.B("crl", in.CRL), u.B("payee", in.Payee)
	paid := u.List("paid", in.Paid)
	if u.Err != nil {
		return nil, u.Err
	}
	root, err := vgen.ParseRoot(s, rootRaw)
	if err != nil {
		return nil, fmt.Errorf("root: %w", err)
	}
	var crl *devcert.RevocationList
	if len(crlRaw) > 0 {
		if crl, err = devcert.ParseRevocationList(crlRaw, root); err != nil {
			return nil, fmt.Errorf("crl: %w", err)
		}
	}
	if err := checkInvoiceOnce(in.Committed); err != nil {
		return err, nil
	}
	v, err := ParseInvoice(raw)
	if err != nil {
		return err, nil
	}
	return checkInvoice(invoiceContext{Suite: s, Amount: in.Amount, Payee: string(payee), Root: root, CRL: crl,
		At: time.Unix(in.At, 0).UTC(), Paid: member(paid)}, v), nil
}

func refHello(_ suite.Suite, in HelloInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw := u.B("hello", in.Hello)
	if u.Err != nil {
		return nil, u.Err
	}
	h, err := ParseHello(raw)
	if err != nil {
		return err, nil
	}
	return checkHello(h, in.Amount, in.Invoiced), nil
}

func refAck(_ suite.Suite, in AckInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, committed := u.B("ack", in.Ack), u.B("committed", in.Committed)
	if u.Err != nil {
		return nil, u.Err
	}
	if len(committed) != 0 && len(committed) != 32 {
		return nil, fmt.Errorf("committed is %d bytes", len(committed))
	}
	a, err := ParseAck(raw)
	if err != nil {
		return err, nil
	}
	return checkAck(a, len(committed) == 32, [32]byte(append(committed, make([]byte, 32-len(committed))...)), in.Acked), nil
}

func refMint(s suite.Suite, in MintInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	reply, key, request := u.B("reply", in.Reply), u.Sized("key", in.Key, suite.AEADKeySize), u.B("request", in.Request)
	keys := u.List("keys", in.Keys)
	if u.Err != nil {
		return nil, u.Err
	}
	plain, err := openMintReply(s, key, reply)
	if err != nil {
		return err, nil
	}
	_, _, err = checkMintReply(request, keys, plain)
	return err, nil
}
