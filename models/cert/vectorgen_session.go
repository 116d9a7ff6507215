package cert

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// certSessionKind is the session file, decided with the model's payee
// (refCertSession).
var certSessionKind = vgen.Kind{Gen: genCertSession, Decide: map[string]vgen.Decider{"session": vgen.Decode(refCertSession)}}

func genCertSession(g *vgen.Gen) *vgen.Builder {
	b := g.SessionBuilder(Name, g.Header("session")...)
	p, crl, issuer, cs, other := vgen.SessionPayments(g, newCertSession)
	if g.Err != nil {
		return b
	}
	ctx := &vgen.SessionCtx{P: p, CRL: crl, Issuer: issuer.Public(), Payee: vgen.CertPayee, Nonce: cs.Nonce, Amount: cs.Amount}
	record := func(s *certSession) []vgen.SessionMsg {
		var out []vgen.SessionMsg
		for i, m := range s.msgs {
			from := certMsgSender(m.Tag)
			to := vgen.CertPayer
			if from == vgen.CertPayer {
				to = vgen.CertPayee
			}
			out = append(out, vgen.SessionMsg{From: from, To: to, Typ: typeName(m.Tag), Payload: s.raws[i]})
		}
		return out
	}
	msgs, others := record(cs), record(other)
	at := vgen.GenAt.Unix()
	grp := b.Group("PayeeTranscript", "")
	const (
		iHelloPayer = 1
		iTx         = 3
		iDeducted   = 5
	)
	ak := p.Keys[vgen.CertPayer]
	// after changes a message after it was signed; resign signs the change.
	after := func(i int, mod func(*Message)) vgen.SessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		return vgen.WithPayload(msgs[i], c.Marshal())
	}
	resign := func(i int, mod func(*Message)) vgen.SessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		raw, _ := signMsg(g, ak, c)
		return vgen.WithPayload(msgs[i], raw)
	}

	b.Valid(grp, "clean-payment", "a clean payment of 3000 fen, all six messages in order", "R6.4", nil, ctx.In(msgs, at), nil)

	// Dropped.
	b.Invalid(grp, "hello-payer-dropped", "HELLO-PAYER lost: the TX arrives while the payee awaits HELLO-PAYER", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.In(vgen.DropAt(msgs, iHelloPayer), at), nil)
	b.Invalid(grp, "tx-dropped", "TX lost: DEDUCTED arrives while the payee awaits the TX", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.In(vgen.DropAt(msgs, iTx), at), nil)
	b.Invalid(grp, "deducted-dropped", "the deduct-success notice lost: every message accepted, nothing credited", "R5.1", spec.CodeValueMismatch, []string{"Dropped"}, ctx.In(vgen.DropAt(msgs, iDeducted), at), nil)

	// Replayed from another session between the same wallets.
	for _, r := range []struct {
		i    int
		Name string
	}{{iHelloPayer, "hello-payer"}, {iTx, "tx"}, {iDeducted, "deducted"}} {
		b.Invalid(grp, r.Name+"-from-other-session", typeName(cs.msgs[r.i].Tag)+" of another payment between the same wallets (another nonce), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "cert-nonce"},
			ctx.In(vgen.ReplaceAt(msgs, r.i, others[r.i]), at), nil)
	}

	// Repeated and reordered within the session.
	// A repeat in the same session may be refused, ignored or answered
	// with its first reply again (R1.2): either verdict is acceptable,
	// and the interactive suite checks that nothing is credited twice.
	b.Acceptable(grp, "tx-repeated", "the TX delivered twice: the second arrives while the payee awaits DEDUCTED; refused (replay) or ignored, the session is acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay", "OutOfTurn"}, ctx.In(vgen.InsertAt(msgs, iTx+1, msgs[iTx]), at), nil)
	b.Acceptable(grp, "deducted-repeated", "DEDUCTED delivered again after the payee credited; refused (replay) or ignored, acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay"}, ctx.In(append(append([]vgen.SessionMsg{}, msgs...), msgs[iDeducted]), at), nil)
	swapped := append([]vgen.SessionMsg{}, msgs...)
	swapped[iHelloPayer], swapped[iTx] = swapped[iTx], swapped[iHelloPayer]
	b.Invalid(grp, "tx-before-hello-payer", "TX and HELLO-PAYER swapped", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "cert-turn"}, ctx.In(swapped, at), nil)

	// Tampered.
	b.Invalid(grp, "hello-payer-signature-bit-flipped", "one bit of alice's signature on HELLO-PAYER flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.In(vgen.ReplaceAt(msgs, iHelloPayer, after(iHelloPayer, func(c *Message) { c.Sig = vgen.FlipSig(c.Sig) })), at), nil)
	b.Invalid(grp, "tx-ciphertext-bit-flipped", "one bit of the sealed coins flipped after alice signed the TX", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"},
		ctx.In(vgen.ReplaceAt(msgs, iTx, after(iTx, func(c *Message) { c.Ciphertext = bytes.Clone(c.Ciphertext); c.Ciphertext[0] ^= 0x01 })), at), nil)
	b.Invalid(grp, "tx-amount-resigned", "a TX for 30000 fen in a session for 3000, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "cert-amount"},
		ctx.In(vgen.ReplaceAt(msgs, iTx, resign(iTx, func(c *Message) { c.Amount = 30000 })), at), nil)
	b.Invalid(grp, "deducted-signature-bit-flipped", "one bit of alice's signature on DEDUCTED flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.In(vgen.ReplaceAt(msgs, iDeducted, after(iDeducted, func(c *Message) { c.Sig = vgen.FlipSig(c.Sig) })), at), nil)
	b.Invalid(grp, "deducted-digest-resigned", "DEDUCTED naming another payment's records, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"ValueMismatch", "cert-digest"},
		ctx.In(vgen.ReplaceAt(msgs, iDeducted, resign(iDeducted, func(c *Message) { c.Digest = other.digest })), at), nil)

	genCertSessionChecks(g, b, grp, cs, ctx, msgs, iTx)

	// The payee's clock.
	b.Invalid(grp, "payer-certificate-expired", "the clean transcript, the payee's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired"},
		ctx.In(msgs, vgen.CertNotAfter.Unix()+1), nil)
	return b
}
