package chip

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// refAPDU is what a payer card checks on INITIATE up to the payee's
// signature, the stateless part, with the model's own checks
// (CheckHeader, ParseInitiate, CheckPayee, VerifySignature) in the
// order models/chip payerEndpoint and pay make them.
func refAPDU(s suite.Suite, in APDUInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, rootRaw, card := u.B("command", in.Command), u.B("root", in.Root), u.B("card", in.Card)
	if u.Err != nil {
		return nil, u.Err
	}
	root, err := vgen.ParseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err, nil
	}
	if err := CheckHeader(cmd, INSInitiate); err != nil {
		return err, nil
	}
	m, err := ParseInitiate(s, cmd.Data)
	if err != nil {
		return err, nil
	}
	at := time.Unix(in.At, 0)
	if err := m.CheckPayee(string(card), func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }); err != nil {
		return err, nil
	}
	return m.VerifySignature(), nil
}

// refAPDUTransfer decides a TRANSFER as models/chip payeeEndpoint and
// receive do (ParseTransfer, CheckTransfer), with the terminal's
// state given in the input and no store of coins already received.
func refAPDUTransfer(s suite.Suite, in APDUTransferInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, rootRaw, key, card, challenge := u.B("response", in.Response), u.B("root", in.Root), u.B("issuerPublicKey", in.IssuerPublicKey), string(u.B("card", in.Card)), u.B("challenge", in.Challenge)
	agentRaws := u.List("certificates", in.Certificates)
	if u.Err != nil {
		return nil, u.Err
	}
	root, err := vgen.ParseRoot(s, rootRaw)
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
		if spec.CodeOf(err) == spec.CodeInternal && spec.Makes("apdu-sw") {
			// formats-schemes.md: the card's 6F00 is an answer the
			// terminal cannot use, malformed.
			return spec.Errorf(spec.CodeMalformed, "the payer card reported an internal failure: %v", err), nil
		}
		return err, nil
	}
	msg, err := ParseTransfer(s, resp.Data)
	if err != nil {
		return err, nil
	}
	checkCert := func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }
	_, err = CheckTransfer(msg, Terminal{
		ID: card, Challenge: challenge, Amount: in.Amount, CoinKey: coinKey, CheckCert: checkCert,
		Lookup: func(extra map[string]*devcert.Certificate) transfer.Certs {
			return models.Lookup(checkCert, agents, extra)
		},
	})
	return err, nil
}

// refAPDUConfirm decides a CONFIRM as models/chip payerEndpoint and
// confirm do (CheckHeader, ParseConfirm, AckAwaited, VerifyAck) with
// one unacknowledged payment in the card's log.
func refAPDUConfirm(s suite.Suite, in APDUConfirmInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, card, logged, certRaw := u.B("command", in.Command), string(u.B("card", in.Card)), u.B("challenge", in.Challenge), u.B("payeeCertificate", in.PayeeCertificate)
	var recs []*transfer.Signed
	for i, r := range in.Records {
		rb := u.B(fmt.Sprintf("records[%d]", i), r)
		if u.Err != nil {
			break
		}
		rec, err := transfer.Parse(rb)
		if err != nil {
			return nil, fmt.Errorf("records[%d]: %v", i, err)
		}
		recs = append(recs, rec)
	}
	if u.Err != nil {
		return nil, u.Err
	}
	payee, err := devcert.Parse(s, certRaw)
	if err != nil {
		return nil, fmt.Errorf("payeeCertificate: %v", err)
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err, nil
	}
	if err := CheckHeader(cmd, INSConfirm); err != nil {
		return err, nil
	}
	challenge, sig, err := ParseConfirm(cmd.Data)
	if err != nil {
		return err, nil
	}
	if !AckAwaited(logged, challenge, bytes.Equal) {
		return spec.Errorf(spec.CodeReplay, "no payment awaits this acknowledgement"), nil
	}
	return VerifyAck(payee, logged, card, recs, sig), nil
}

// refChipSession decides a session of the chip scheme with its model's
// payee (ReplayPayee).
func refChipSession(s suite.Suite, in vgen.SessionInput) (verdict, inputErr error) {
	return vgen.RefSession(s, in, ReplayPayee)
}
