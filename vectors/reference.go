package vectors

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Reference returns the reference Verifier: every kind decided with the
// decoders and verifiers of spec/ and models/.
func Reference() Verifier { return reference{} }

type reference struct{}

// ErrBadInput is wrapped by the errors of a Verifier for a Case whose
// input object does not decode (a harness error, not an outcome).
var ErrBadInput = errors.New("vectors: bad case input")

func (reference) VerifyVector(ctx context.Context, c Case) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, err
	}
	s, err := suite.ByID(suite.ID(c.Suite))
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %s: suite %q", ErrUnimplemented, c.TcID, c.Suite)
	}
	var verr error
	switch c.Scheme + "/" + c.Kind {
	case "spec/coin":
		var in CoinInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refCoin(s, in)
	case "spec/certificate":
		var in CertificateInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refCertificate(s, in)
	case "spec/transfer":
		var in TransferInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refTransfer(s, in)
	case "chip/apdu":
		var in APDUInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refAPDU(s, in)
	case "chain/qr":
		var in QRInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refQR(s, in)
	default:
		return Outcome{}, fmt.Errorf("%w: %s: kind %s/%s", ErrUnimplemented, c.TcID, c.Scheme, c.Kind)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %s: %v", ErrBadInput, c.TcID, err)
	}
	if verr != nil {
		return Outcome{Valid: false, Error: string(spec.CodeOf(verr))}, nil
	}
	return Outcome{Valid: true}, nil
}

func decodeInput(c Case, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadInput, c.TcID, err)
	}
	return nil
}

// unhex decodes the hex fields of an input; a bad field is an input error.
type unhexer struct{ err error }

func (u *unhexer) b(field, s string) []byte {
	if u.err != nil {
		return nil
	}
	v, err := hex.DecodeString(s)
	if err != nil {
		u.err = fmt.Errorf("%s: %v", field, err)
	}
	return v
}

// refCoin: strict parse, then Check (policy, then issuer signature).
func refCoin(s suite.Suite, in CoinInput) (verdict, inputErr error) {
	var u unhexer
	raw, key := u.b("coin", in.Coin), u.b("issuerPublicKey", in.IssuerPublicKey)
	if u.err != nil {
		return nil, u.err
	}
	pub, err := s.ParsePublicKey(key)
	if err != nil {
		return err, nil
	}
	c, err := coin.Parse(raw)
	if err != nil {
		return err, nil
	}
	return c.Check(pub), nil
}

func parseRoot(s suite.Suite, raw []byte) (*devcert.Certificate, error) {
	root, err := devcert.Parse(s, raw)
	if err != nil {
		return nil, err
	}
	if !root.IsCA || root.Role != devcert.RoleRoot {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "the trust anchor is not a central-bank CA")
	}
	return root, nil
}

// refCertificate: parse root and certificate under the suite, verify the
// list under the root if given, then Certificate.Verify.
func refCertificate(s suite.Suite, in CertificateInput) (verdict, inputErr error) {
	var u unhexer
	rootRaw, certRaw := u.b("root", in.Root), u.b("certificate", in.Certificate)
	var crlRaw []byte
	if in.CRL != "" {
		crlRaw = u.b("crl", in.CRL)
	}
	if u.err != nil {
		return nil, u.err
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	c, err := devcert.Parse(s, certRaw)
	if err != nil {
		return err, nil
	}
	var crl *devcert.RevocationList
	if crlRaw != nil {
		if crl, err = devcert.ParseRevocationList(crlRaw, root); err != nil {
			return err, nil
		}
	}
	return c.Verify(root, time.Unix(in.At, 0), crl), nil
}

// refTransfer: parse the holding and verify its lineage; a signer's
// certificate is looked up among the given ones by id and verified against
// the root at input.at.
func refTransfer(s suite.Suite, in TransferInput) (verdict, inputErr error) {
	_, verdict, inputErr = refTransferOwner(s, in)
	return verdict, inputErr
}

func refTransferOwner(s suite.Suite, in TransferInput) (owner transfer.Owner, verdict, inputErr error) {
	var u unhexer
	rootRaw, holdRaw, key := u.b("root", in.Root), u.b("holding", in.Holding), u.b("issuerPublicKey", in.IssuerPublicKey)
	certRaws := make([][]byte, len(in.Certificates))
	for i, c := range in.Certificates {
		certRaws[i] = u.b(fmt.Sprintf("certificates[%d]", i), c)
	}
	if u.err != nil {
		return owner, nil, u.err
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return owner, err, nil
	}
	pub, err := s.ParsePublicKey(key)
	if err != nil {
		return owner, err, nil
	}
	byID := map[string]*devcert.Certificate{}
	for _, raw := range certRaws {
		c, err := devcert.Parse(s, raw)
		if err != nil {
			return owner, err, nil
		}
		byID[c.ID] = c
	}
	at := time.Unix(in.At, 0)
	certs := func(id string) (*devcert.Certificate, error) {
		c := byID[id]
		if c == nil {
			return nil, spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for %q", id)
		}
		if err := c.Verify(root, at, nil); err != nil {
			return nil, err
		}
		return c, nil
	}
	hold, err := transfer.ParseHolding(holdRaw)
	if err != nil {
		return owner, err, nil
	}
	owner, err = hold.Verify(pub, certs)
	return owner, err, nil
}

// refQR is what a chain-scheme payee wallet checks when it scans a
// payment (models/chain wallet.receive), without its store of payments
// already received.
func refQR(s suite.Suite, in QRInput) (verdict, inputErr error) {
	var u unhexer
	raw, rootRaw, payee, nonce := u.b("payment", in.Payment), u.b("root", in.Root), u.b("payee", in.Payee), u.b("nonce", in.Nonce)
	if u.err != nil {
		return nil, u.err
	}
	if len(payee) != chain.AddrSize || len(nonce) != chain.NonceSize {
		return nil, fmt.Errorf("payee is %d bytes, nonce %d", len(payee), len(nonce))
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	p, err := chain.ParsePayment(raw)
	if err != nil {
		return err, nil
	}
	cert, err := devcert.Parse(s, p.Cert)
	if err != nil {
		return err, nil
	}
	if cert.Role != devcert.RoleWallet {
		return spec.Errorf(spec.CodeUntrustedIssuer, "payer certificate has role %q", cert.Role), nil
	}
	now := time.Unix(in.At, 0)
	if err := cert.Verify(root, now, nil); err != nil {
		return err, nil
	}
	if chain.AddressOf(s, cert.PublicKey) != p.Payer {
		return spec.Errorf(spec.CodeWrongRecipient, "payer address is not the certificate's"), nil
	}
	switch {
	case !bytes.Equal(p.Payee[:], payee):
		return spec.Errorf(spec.CodeWrongRecipient, "payment to another wallet"), nil
	case bytes.Equal(p.Payer[:], payee):
		return spec.Errorf(spec.CodeWrongRecipient, "payment from this wallet"), nil
	case p.Amount != in.Amount:
		return spec.Errorf(spec.CodeValueMismatch, "payment of %d fen, the till asked for %d", p.Amount, in.Amount), nil
	case !bytes.Equal(p.Nonce[:], nonce):
		return spec.Errorf(spec.CodeReplay, "payment answers another nonce"), nil
	}
	if d := time.Unix(p.Time, 0).Sub(now); d > chain.Window || d < -chain.Window {
		return spec.Errorf(spec.CodeReplay, "payment time %v from the wallet's clock", d), nil
	}
	return cert.PublicKey.Verify(p.TBS(), p.Signature), nil
}

// refAPDU is what a payer card checks on INITIATE (models/chip
// payerEndpoint and pay) up to the payee's signature: the stateless part.
// The data parse mirrors the model's unexported parseInitiate.
func refAPDU(s suite.Suite, in APDUInput) (verdict, inputErr error) {
	var u unhexer
	raw, rootRaw, card := u.b("command", in.Command), u.b("root", in.Root), u.b("card", in.Card)
	if u.err != nil {
		return nil, u.err
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err, nil
	}
	if cmd.CLA != chip.CLA || cmd.INS != chip.INSInitiate || cmd.P1 != 0 || cmd.P2 != 0 || cmd.Le != 65536 {
		return spec.Errorf(spec.CodeMalformed, "header %02x %02x %02x %02x, Le %d", cmd.CLA, cmd.INS, cmd.P1, cmd.P2, cmd.Le), nil
	}
	items, err := apdu.Parse(cmd.Data)
	if err != nil {
		return err, nil
	}
	got, err := apdu.Expect(items,
		apdu.Field{Tag: chip.TagAmount, Name: "amount", Min: 8, Max: 8},
		apdu.Field{Tag: chip.TagChallenge, Name: "challenge", Min: transfer.ChallengeSize, Max: transfer.ChallengeSize},
		apdu.Field{Tag: chip.TagCert, Name: "certificate", Min: 1, Max: devcert.MaxCertDER},
		apdu.Field{Tag: chip.TagSig, Name: "signature", Min: 8, Max: suite.MaxSignatureDER},
	)
	if err != nil {
		return err, nil
	}
	a := binary.BigEndian.Uint64(got[chip.TagAmount].Value)
	if a == 0 || a > 1<<40 {
		return spec.Errorf(spec.CodeMalformed, "amount %d fen", a), nil
	}
	cert, err := devcert.Parse(s, got[chip.TagCert].Value)
	if err != nil {
		return err, nil
	}
	if cert.Role != devcert.RoleWallet {
		return spec.Errorf(spec.CodeUntrustedIssuer, "payee certificate has role %q", cert.Role), nil
	}
	if err := cert.Verify(root, time.Unix(in.At, 0), nil); err != nil {
		return err, nil
	}
	if cert.ID == string(card) {
		return spec.Errorf(spec.CodeWrongRecipient, "payee is this card"), nil
	}
	challenge := got[chip.TagChallenge].Value
	return cert.PublicKey.Verify(chipInitTBS(int64(a), challenge, cert.ID), got[chip.TagSig].Value), nil
}
