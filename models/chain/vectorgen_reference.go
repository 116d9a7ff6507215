package chain

import (
	"time"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// refQR decides a scanned payment with the chain model's own payee
// endpoint (Scan: a fresh wallet with address input.payee and the
// request open, its clock at input.at, no revocation list, nothing
// received yet), once the root parses.
func refQR(s suite.Suite, in QRInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, rootRaw, payee, nonce := u.B("payment", in.Payment), u.B("root", in.Root), u.Sized("payee", in.Payee, AddrSize), u.Sized("nonce", in.Nonce, NonceSize)
	if u.Err != nil {
		return nil, u.Err
	}
	if _, err := vgen.ParseRoot(s, rootRaw); err != nil {
		return err, nil
	}
	return Scan(ScanRequest{Suite: s, Payee: Address(payee), Root: rootRaw, Amount: in.Amount,
		Nonce: [NonceSize]byte(nonce), At: time.Unix(in.At, 0).UTC()}, raw), nil
}

// refChainSession: provision a fresh chain payee wallet, open its session
// under the agreement's nonce, hand it the payee-bound QR codes in order
// (ReplayPayee runs the model's payee endpoint behind a Host), then
// compare what it holds (payments received offline) with the amount.
func refChainSession(s suite.Suite, in ChainSessionInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	payee := u.B("payee", in.Payee)
	key, cert, root, crl := u.B("payeeKey", in.PayeeKey), u.B("payeeCertificate", in.PayeeCertificate), u.B("root", in.Root), u.B("crl", in.CRL)
	chainKey, nonce := u.B("chainKey", in.ChainKey), u.B("nonce", in.Nonce)
	msgs := u.PayeeBound(in.Messages, payee)
	if u.Err != nil {
		return nil, u.Err
	}
	held, err := ReplayPayee(PayeeProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, ChainKey: chainKey, At: time.Unix(in.At, 0).UTC()},
		nonce, in.Amount, msgs)
	return vgen.HeldVerdict(held, in.Amount, err), nil
}
