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
	mcert "github.com/dualoffline/dualoffline/models/cert"
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
	case "cert/session", "chip/session":
		var in SessionInput
		if err := decodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refSession(s, c.Scheme, in)
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

// refQR decides a scanned payment with the chain model's own payee
// endpoint (chain.Scan: a fresh wallet with address input.payee and the
// request open, its clock at input.at, no revocation list, nothing
// received yet), once the root parses.
func refQR(s suite.Suite, in QRInput) (verdict, inputErr error) {
	var u unhexer
	raw, rootRaw, payee, nonce := u.b("payment", in.Payment), u.b("root", in.Root), u.b("payee", in.Payee), u.b("nonce", in.Nonce)
	if u.err != nil {
		return nil, u.err
	}
	if len(payee) != chain.AddrSize || len(nonce) != chain.NonceSize {
		return nil, fmt.Errorf("payee is %d bytes, nonce %d", len(payee), len(nonce))
	}
	if _, err := parseRoot(s, rootRaw); err != nil {
		return err, nil
	}
	return chain.Scan(chain.ScanRequest{Suite: s, Payee: chain.Address(payee), Root: rootRaw, Amount: in.Amount,
		Nonce: [chain.NonceSize]byte(nonce), At: time.Unix(in.At, 0).UTC()}, raw), nil
}

// refAPDU is what a payer card checks on INITIATE up to the payee's
// signature, the stateless part, with the model's own checks
// (chip.CheckHeader, ParseInitiate, CheckPayee, VerifySignature) in the
// order models/chip payerEndpoint and pay make them.
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
	if err := chip.CheckHeader(cmd, chip.INSInitiate); err != nil {
		return err, nil
	}
	m, err := chip.ParseInitiate(s, cmd.Data)
	if err != nil {
		return err, nil
	}
	at := time.Unix(in.At, 0)
	if err := m.CheckPayee(string(card), func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }); err != nil {
		return err, nil
	}
	return m.VerifySignature(), nil
}

// refSealedCoin: ParseSealedString, then the holder's OpenCoin (HSM.Open
// with the given key, the coin's Check under the issuer key) as the cert
// SIM opens the coins of an ISSUE.
func refSealedCoin(s suite.Suite, in SealedCoinInput) (verdict, inputErr error) {
	var u unhexer
	str, id, key, pubRaw := u.b("sealed", in.Sealed), u.b("hsmKeyId", in.HSMKeyID), u.b("hsmKey", in.HSMKey), u.b("issuerPublicKey", in.IssuerPublicKey)
	if u.err != nil {
		return nil, u.err
	}
	if len(id) != coin.KeyIDSize || len(key) != suite.AEADKeySize {
		return nil, fmt.Errorf("hsm key id of %d bytes, key of %d", len(id), len(key))
	}
	hsm, err := coin.NewHSM(s, bytes.NewReader(append(id, key...)))
	if err != nil {
		return nil, err
	}
	pub, err := s.ParsePublicKey(pubRaw)
	if err != nil {
		return err, nil
	}
	sealed, err := coin.ParseSealedString(string(str))
	if err != nil {
		return err, nil
	}
	_, err = mcert.OpenCoin(hsm, sealed, pub)
	return err, nil
}

// refMessage decides a cert-scheme message as the receiving endpoint of
// models/cert (payerEndpoint, payeeEndpoint) does, with its checks
// (CheckPeer, CheckPayeeBound, CheckTx, CheckDeducted, CheckProceed,
// CheckDeduct, Message.Verify) in the same order and the session state
// given in the input. The coins inside a TX are not opened. A payer finds
// its session by the message's nonce: a message for another request, or
// for a step it does not await, finds none (replay); that lookup is the
// SIM's state, so those two outcomes are gated here (cert-nonce,
// cert-turn), the only checks this file still makes itself.
func refMessage(s suite.Suite, in MessageInput) (verdict, inputErr error) {
	var u unhexer
	raw, rootRaw, recv := u.b("message", in.Message), u.b("root", in.Root), string(u.b("receiver", in.Receiver))
	var nonce, peerRaw, digest []byte
	if in.Nonce != "" {
		nonce = u.b("nonce", in.Nonce)
	}
	if in.Peer != "" {
		peerRaw = u.b("peer", in.Peer)
	}
	if in.Digest != "" {
		digest = u.b("digest", in.Digest)
	}
	if u.err != nil {
		return nil, u.err
	}
	payerTags := []uint8{mcert.TagPayeeHello, mcert.TagProceed, mcert.TagDeduct}
	payeeTags := []uint8{mcert.TagPayerHello, mcert.TagTx, mcert.TagDeducted}
	expect := uint8(in.Expect)
	var role []uint8
	switch expect {
	case mcert.TagPayeeHello, mcert.TagProceed, mcert.TagDeduct:
		role = payerTags
	case mcert.TagPayerHello, mcert.TagTx, mcert.TagDeducted:
		role = payeeTags
	default:
		return nil, fmt.Errorf("expect %d is not a message of the scheme", in.Expect)
	}
	needPeer := expect != mcert.TagPayeeHello && expect != mcert.TagPayerHello
	if (expect != mcert.TagPayeeHello && nonce == nil) || (needPeer && peerRaw == nil) {
		return nil, fmt.Errorf("the session context lacks the nonce or the peer's certificate")
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	at := time.Unix(in.At, 0)
	checkCert := func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }
	var peer *devcert.Certificate
	if needPeer {
		if peer, err = devcert.Parse(s, peerRaw); err != nil {
			return nil, fmt.Errorf("peer: %v", err)
		}
	}
	m, err := mcert.ParseMessage(raw, role...)
	if err != nil {
		return err, nil
	}
	if role[0] == mcert.TagPayerHello {
		if err := mcert.CheckPayeeBound(m.Tag, m.Nonce, nonce, m.Payee, recv, m.Tag == expect); err != nil {
			return err, nil
		}
	} else if spec.Makes("cert-turn") && m.Tag != expect {
		return spec.Errorf(spec.CodeReplay, "out of turn"), nil
	}
	if peer == nil && m.Tag != mcert.TagPayeeHello && m.Tag != mcert.TagPayerHello {
		// Only without the turn check: a message for a later step, and no
		// counterpart known yet.
		return spec.Errorf(spec.CodeMalformed, "a %d message with no counterpart known", m.Tag), nil
	}
	switch m.Tag {
	case mcert.TagPayeeHello, mcert.TagPayerHello:
		id := m.Payee
		if m.Tag == mcert.TagPayerHello {
			id = m.Payer
		}
		c, err := mcert.CheckPeer(s, m.Cert, m.Key, id, recv, checkCert)
		if err != nil {
			return err, nil
		}
		return m.Verify(c.PublicKey), nil
	case mcert.TagProceed:
		if spec.Makes("cert-nonce") && !bytes.Equal(m.Nonce, nonce) {
			return spec.Errorf(spec.CodeReplay, "no request awaits a transaction"), nil
		}
		if err := m.Verify(peer.PublicKey); err != nil {
			return err, nil
		}
		return mcert.CheckProceed(m.Payer, m.Payee, m.Amount, recv, peer.ID, in.Amount), nil
	case mcert.TagTx:
		if err := mcert.CheckTx(m.Payer, m.Amount, peer.ID, in.Amount); err != nil {
			return err, nil
		}
		return m.Verify(peer.PublicKey), nil
	case mcert.TagDeduct:
		if err := mcert.CheckDeductAddressed(m.Payer, recv); err != nil {
			return err, nil
		}
		if spec.Makes("cert-nonce") && !bytes.Equal(m.Nonce, nonce) {
			return spec.Errorf(spec.CodeReplay, "no payment awaits a deduction"), nil
		}
		if err := m.Verify(peer.PublicKey); err != nil {
			return err, nil
		}
		return mcert.CheckDeduct(m.Payee, m.Digest, peer.ID, digest), nil
	default: // DEDUCTED
		if err := mcert.CheckDeducted(m.Payer, m.Digest, peer.ID, digest); err != nil {
			return err, nil
		}
		return m.Verify(peer.PublicKey), nil
	}
}

// refAPDUTransfer decides a TRANSFER as models/chip payeeEndpoint and
// receive do (chip.ParseTransfer, CheckTransfer), with the terminal's
// state given in the input and no store of coins already received.
func refAPDUTransfer(s suite.Suite, in APDUTransferInput) (verdict, inputErr error) {
	var u unhexer
	raw, rootRaw, key, card, challenge := u.b("response", in.Response), u.b("root", in.Root), u.b("issuerPublicKey", in.IssuerPublicKey), string(u.b("card", in.Card)), u.b("challenge", in.Challenge)
	agentRaws := make([][]byte, len(in.Certificates))
	for i, c := range in.Certificates {
		agentRaws[i] = u.b(fmt.Sprintf("certificates[%d]", i), c)
	}
	if u.err != nil {
		return nil, u.err
	}
	root, err := parseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	coinKey, err := s.ParsePublicKey(key)
	if err != nil {
		return err, nil
	}
	at := time.Unix(in.At, 0)
	agents := map[string]*devcert.Certificate{}
	for _, r := range agentRaws {
		c, err := devcert.Parse(s, r)
		if err != nil {
			return nil, fmt.Errorf("agent certificate: %v", err)
		}
		agents[c.ID] = c
	}
	resp, err := apdu.ParseResponse(raw)
	if err != nil {
		return err, nil
	}
	if err := resp.Err(); err != nil {
		if spec.CodeOf(err) == spec.CodeInternal {
			// formats-schemes.md: the card's 6F00 is an answer the
			// terminal cannot use, malformed.
			return spec.Errorf(spec.CodeMalformed, "the payer card reported an internal failure: %v", err), nil
		}
		return err, nil
	}
	msg, err := chip.ParseTransfer(s, resp.Data)
	if err != nil {
		return err, nil
	}
	checkCert := func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }
	_, err = chip.CheckTransfer(msg, chip.Terminal{
		ID: card, Challenge: challenge, Amount: in.Amount, CoinKey: coinKey, CheckCert: checkCert,
		Lookup: func(extra map[string]*devcert.Certificate) transfer.Certs {
			return models.Lookup(checkCert, agents, extra)
		},
	})
	return err, nil
}

// refAPDUConfirm decides a CONFIRM as models/chip payerEndpoint and
// confirm do (chip.CheckHeader, ParseConfirm, AckAwaited, VerifyAck) with
// one unacknowledged payment in the card's log.
func refAPDUConfirm(s suite.Suite, in APDUConfirmInput) (verdict, inputErr error) {
	var u unhexer
	raw, card, logged, certRaw := u.b("command", in.Command), string(u.b("card", in.Card)), u.b("challenge", in.Challenge), u.b("payeeCertificate", in.PayeeCertificate)
	var recs []*transfer.Signed
	for i, r := range in.Records {
		rb := u.b(fmt.Sprintf("records[%d]", i), r)
		if u.err != nil {
			break
		}
		rec, err := transfer.Parse(rb)
		if err != nil {
			return nil, fmt.Errorf("records[%d]: %v", i, err)
		}
		recs = append(recs, rec)
	}
	if u.err != nil {
		return nil, u.err
	}
	payee, err := devcert.Parse(s, certRaw)
	if err != nil {
		return nil, fmt.Errorf("payeeCertificate: %v", err)
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err, nil
	}
	if err := chip.CheckHeader(cmd, chip.INSConfirm); err != nil {
		return err, nil
	}
	challenge, sig, err := chip.ParseConfirm(cmd.Data)
	if err != nil {
		return err, nil
	}
	if !chip.AckAwaited(logged, challenge, bytes.Equal) {
		return spec.Errorf(spec.CodeReplay, "no payment awaits this acknowledgement"), nil
	}
	return chip.VerifyAck(payee, logged, card, recs, sig), nil
}

// refSession: provision a fresh payee of the scheme's model, open the
// request, feed it the payee-bound messages in order (ReplayPayee runs the
// model's payee endpoint), then compare what it holds with the amount.
func refSession(s suite.Suite, scheme string, in SessionInput) (verdict, inputErr error) {
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
	var held int64
	var err error
	switch scheme {
	case "cert":
		held, err = mcert.ReplayPayee(mcert.PayeeProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: at},
			nonce, in.Amount, msgs)
	case "chip":
		held, err = chip.ReplayPayee(chip.PayeeProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: at},
			nonce, in.Amount, msgs)
	default:
		return nil, fmt.Errorf("no session model for scheme %q", scheme)
	}
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

// refChainSession: provision a fresh chain payee wallet, open its session
// under the agreement's nonce, hand it the payee-bound QR codes in order
// (chain.ReplayPayee runs the model's payee endpoint behind a Host), then
// compare what it holds (payments received offline) with the amount.
func refChainSession(s suite.Suite, in ChainSessionInput) (verdict, inputErr error) {
	var u unhexer
	payee := u.b("payee", in.Payee)
	key, cert, root, crl := u.b("payeeKey", in.PayeeKey), u.b("payeeCertificate", in.PayeeCertificate), u.b("root", in.Root), u.b("crl", in.CRL)
	chainKey, nonce := u.b("chainKey", in.ChainKey), u.b("nonce", in.Nonce)
	msgs := u.payeeBound(in.Messages, payee)
	if u.err != nil {
		return nil, u.err
	}
	held, err := chain.ReplayPayee(chain.PayeeProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, ChainKey: chainKey, At: time.Unix(in.At, 0).UTC()},
		nonce, in.Amount, msgs)
	if err != nil {
		return err, nil
	}
	if held != in.Amount {
		return spec.Errorf(spec.CodeValueMismatch, "the payee ends holding %d fen, the payment is %d", held, in.Amount), nil
	}
	return nil, nil
}
