package vectors

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Reference returns the reference Verifier: every kind decided with the
// decoders and verifiers of spec/ and models/.
func Reference() Verifier { return reference{} }

type reference struct{ drop []string }

// ReferenceWithout returns the reference Verifier with the given checks of
// spec/checks.json removed: each is skipped where spec/ and models/ make
// it (spec.Without), as an implementation that forgot it would. It shows
// that the vectors tagged with a check fail an implementation without it.
// Its cases are decided one at a time, and nothing else may run the
// checks meanwhile (spec.Without).
func ReferenceWithout(checks ...string) Verifier { return reference{drop: checks} }

// ErrBadInput is wrapped by the errors of a Verifier for a Case whose
// input object does not decode (a harness error, not an outcome).
var ErrBadInput = errors.New("vectors: bad case input")

func (r reference) VerifyVector(ctx context.Context, c Case) (out Outcome, err error) {
	if len(r.drop) == 0 {
		return verifyVector(ctx, c)
	}
	spec.Without(r.drop, func() { out, err = verifyVector(ctx, c) })
	return out, err
}

func verifyVector(ctx context.Context, c Case) (Outcome, error) {
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
		switch c.Shape {
		case "TransferResponse":
			var in APDUTransferInput
			if err := decodeInput(c, &in); err != nil {
				return Outcome{}, err
			}
			verr, err = refAPDUTransfer(s, in)
		case "ConfirmCommand":
			var in APDUConfirmInput
			if err := decodeInput(c, &in); err != nil {
				return Outcome{}, err
			}
			verr, err = refAPDUConfirm(s, in)
		case "InitiateCommand":
			var in APDUInput
			if err := decodeInput(c, &in); err != nil {
				return Outcome{}, err
			}
			verr, err = refAPDU(s, in)
		default:
			return Outcome{}, fmt.Errorf("%w: %s: unknown apdu shape %q", ErrBadInput, c.TcID, c.Shape)
		}
	case "chain/qr":
		var in QRInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refQR(s, in)
	case "cert/sealedcoin":
		var in SealedCoinInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refSealedCoin(s, in)
	case "cert/message":
		var in MessageInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refMessage(s, in)
	case "cert/session":
		var in SessionInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refCertSession(s, in)
	case "chip/session":
		var in SessionInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refChipSession(s, in)
	case "chain/session":
		var in ChainSessionInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refChainSession(s, in)
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

// parseRoot parses the input's root under the suite; whether it is a
// trust anchor is Certificate.Verify's check (cert-anchor), made where a
// certificate is verified under it.
func parseRoot(s suite.Suite, raw []byte) (*devcert.Certificate, error) {
	root, err := devcert.Parse(s, raw)
	if err != nil {
		return nil, err
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
// the root at input.at, as the wallet models look signers up
// (models.Lookup).
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
	certs := models.Lookup(func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }, byID)
	hold, err := transfer.ParseHolding(holdRaw)
	if err != nil {
		return owner, err, nil
	}
	owner, err = hold.Verify(pub, certs)
	return owner, err, nil
}

// sessionProvision is what the decider of a session file provisions a
// fresh payee with (the fields of the cert and chip models'
// PayeeProvision).
type sessionProvision struct {
	Suite   suite.Suite
	ID      string
	Key     []byte   // the private key, suite.PrivateKey.Bytes()
	Cert    []byte   // the payee's certificate, DER
	Root    []byte   // the root certificate, DER
	CRL     []byte   // the revocation list, DER, signed by the root
	CoinKey []byte   // the coin issuer's public key, SPKI DER
	Agents  [][]byte // the agent banks' certificates, DER
	At      time.Time
}

// sessionReplay runs a scheme model's payee: provisioned with p, its
// request for amount open under nonce, fed msgs in order; it returns what
// the payee ends holding offline, or the first refusal.
type sessionReplay func(p sessionProvision, nonce []byte, amount int64, msgs [][]byte) (held int64, err error)

// refSession: provision a fresh payee of the scheme's model, open the
// request, feed it the payee-bound messages in order (replay runs the
// model's payee endpoint), then compare what it holds with the amount.
func refSession(s suite.Suite, in SessionInput, replay sessionReplay) (verdict, inputErr error) {
	var u unhexer
	payee := u.b("payee", in.Payee)
	key, cert, root, crl := u.b("payeeKey", in.PayeeKey), u.b("payeeCertificate", in.PayeeCertificate), u.b("root", in.Root), u.b("crl", in.CRL)
	coinKey, nonce := u.b("issuerPublicKey", in.IssuerPublicKey), u.b("nonce", in.Nonce)
	var agents [][]byte
	for i, a := range in.Certificates {
		agents = append(agents, u.b(fmt.Sprintf("certificates[%d]", i), a))
	}
	msgs := u.payeeBound(in.Messages, payee)
	if u.err != nil {
		return nil, u.err
	}
	at := time.Unix(in.At, 0).UTC()
	held, err := replay(sessionProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: at},
		nonce, in.Amount, msgs)
	if err != nil {
		return err, nil
	}
	if held != in.Amount {
		return spec.Errorf(spec.CodeValueMismatch, "the payee ends holding %d fen, the payment is %d", held, in.Amount), nil
	}
	return nil, nil
}

// payeeBound decodes a transcript and returns the payloads addressed to
// payee, in order.
func (u *unhexer) payeeBound(ms []SessionMessage, payee []byte) [][]byte {
	var msgs [][]byte
	for i, m := range ms {
		to, payload := u.b(fmt.Sprintf("messages[%d].to", i), m.To), u.b(fmt.Sprintf("messages[%d].payload", i), m.Payload)
		u.b(fmt.Sprintf("messages[%d].from", i), m.From)
		u.b(fmt.Sprintf("messages[%d].type", i), m.Type)
		if u.err == nil && bytes.Equal(to, payee) {
			msgs = append(msgs, payload)
		}
	}
	return msgs
}
