package cert

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// refSealedCoin: ParseSealedString, then the holder's OpenCoin (HSM.Open
// with the given key, the coin's Check under the issuer key) as the cert
// SIM opens the coins of an ISSUE.
func refSealedCoin(s suite.Suite, in SealedCoinInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	str, id, key, pubRaw := u.B("sealed", in.Sealed), u.Sized("hsmKeyId", in.HSMKeyID, coin.KeyIDSize), u.Sized("hsmKey", in.HSMKey, suite.AEADKeySize), u.B("issuerPublicKey", in.IssuerPublicKey)
	if u.Err != nil {
		return nil, u.Err
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
	_, err = OpenCoin(hsm, sealed, pub)
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
	var u vgen.Unhexer
	raw, rootRaw, recv := u.B("message", in.Message), u.B("root", in.Root), string(u.B("receiver", in.Receiver))
	var nonce, peerRaw, digest []byte
	if in.Nonce != "" {
		nonce = u.B("nonce", in.Nonce)
	}
	if in.Peer != "" {
		peerRaw = u.B("peer", in.Peer)
	}
	if in.Digest != "" {
		digest = u.B("digest", in.Digest)
	}
	if u.Err != nil {
		return nil, u.Err
	}
	payerTags := []uint8{TagPayeeHello, TagProceed, TagDeduct}
	payeeTags := []uint8{TagPayerHello, TagTx, TagDeducted}
	expect := uint8(in.Expect)
	var role []uint8
	switch expect {
	case TagPayeeHello, TagProceed, TagDeduct:
		role = payerTags
	case TagPayerHello, TagTx, TagDeducted:
		role = payeeTags
	default:
		return nil, fmt.Errorf("expect %d is not a message of the scheme", in.Expect)
	}
	needPeer := expect != TagPayeeHello && expect != TagPayerHello
	if (expect != TagPayeeHello && nonce == nil) || (needPeer && peerRaw == nil) {
		return nil, fmt.Errorf("the session context lacks the nonce or the peer's certificate")
	}
	root, err := vgen.ParseRoot(s, rootRaw)
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
	m, err := ParseMessage(raw, role...)
	if err != nil {
		return err, nil
	}
	if role[0] == TagPayerHello {
		if err := CheckPayeeBound(m.Tag, m.Nonce, nonce, m.Payee, recv, m.Tag == expect); err != nil {
			return err, nil
		}
	} else if spec.Makes("cert-turn") && m.Tag != expect {
		return spec.Errorf(spec.CodeReplay, "out of turn"), nil
	}
	if peer == nil && m.Tag != TagPayeeHello && m.Tag != TagPayerHello {
		// Only without the turn check: a message for a later step, and no
		// counterpart known yet.
		return spec.Errorf(spec.CodeMalformed, "a %d message with no counterpart known", m.Tag), nil
	}
	switch m.Tag {
	case TagPayeeHello, TagPayerHello:
		id := m.Payee
		if m.Tag == TagPayerHello {
			id = m.Payer
		}
		c, err := CheckPeer(s, m.Cert, m.Key, id, recv, checkCert)
		if err != nil {
			return err, nil
		}
		return m.Verify(c.PublicKey), nil
	case TagProceed:
		if spec.Makes("cert-nonce") && !bytes.Equal(m.Nonce, nonce) {
			return spec.Errorf(spec.CodeReplay, "no request awaits a transaction"), nil
		}
		if err := m.Verify(peer.PublicKey); err != nil {
			return err, nil
		}
		return CheckProceed(m.Payer, m.Payee, m.Amount, recv, peer.ID, in.Amount), nil
	case TagTx:
		if err := CheckTx(m.Payer, m.Amount, peer.ID, in.Amount); err != nil {
			return err, nil
		}
		return m.Verify(peer.PublicKey), nil
	case TagDeduct:
		if err := CheckDeductAddressed(m.Payer, recv); err != nil {
			return err, nil
		}
		if spec.Makes("cert-nonce") && !bytes.Equal(m.Nonce, nonce) {
			return spec.Errorf(spec.CodeReplay, "no payment awaits a deduction"), nil
		}
		if err := m.Verify(peer.PublicKey); err != nil {
			return err, nil
		}
		return CheckDeduct(m.Payee, m.Digest, peer.ID, digest), nil
	default: // DEDUCTED
		if err := CheckDeducted(m.Payer, m.Digest, peer.ID, digest); err != nil {
			return err, nil
		}
		return m.Verify(peer.PublicKey), nil
	}
}

// refCertSession decides a session of the cert scheme with its model's
// payee (cert.ReplayPayee).
func refCertSession(s suite.Suite, in vgen.SessionInput) (verdict, inputErr error) {
	return vgen.RefSession(s, in, ReplayPayee)
}
