package vectors

import (
	"bytes"

	mcert "github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/spec"
)

func genCertSession(g *gen) *builder {
	b := newBuilder("cert", g.id, "session",
		append([]string{"Recorded payments of the ICBC 2018 certificate scheme (spec/formats-schemes.md, \"The certificate scheme (ICBC 2018)\"): wallet-alice pays wallet-bob 3000 fen of a 5000-fen coin in six signed messages, HELLO-PAYEE, HELLO-PAYER, PROCEED, TX, DEDUCT, DEDUCTED; the payee-bound ones are HELLO-PAYER, TX and DEDUCTED, and input.nonce is the nonce of bob's HELLO-PAYEE.",
			"The cert payee credits the coins only on DEDUCTED (the deduct-success notice): a transcript without it leaves the payee holding nothing."},
			sessionDecision...)...)
	p, crl, issuer := g.sessionPKI()
	if g.err != nil {
		return b
	}
	cs := g.newCertSession(p, issuer, "session/s1")
	other := g.newCertSession(p, issuer, "session/s2")
	if g.err != nil {
		return b
	}
	ctx := &sessionCtx{p: p, crl: crl, issuer: issuer.Public(), payee: certPayee, nonce: cs.nonce, amount: cs.amount}
	record := func(s *certSession) []sessionMsg {
		var out []sessionMsg
		for i, m := range s.msgs {
			from := certMsgSender(m.Tag)
			to := certPayer
			if from == certPayer {
				to = certPayee
			}
			out = append(out, sessionMsg{from: from, to: to, typ: typeName(m.Tag), payload: s.raws[i]})
		}
		return out
	}
	msgs, others := record(cs), record(other)
	at := genAt.Unix()
	grp := b.group("PayeeTranscript", "")
	const (
		iHelloPayer = 1
		iTx         = 3
		iDeducted   = 5
	)
	ak := p.keys[certPayer]
	// after changes a message after it was signed; resign signs the change.
	after := func(i int, mod func(*mcert.Message)) sessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		return withPayload(msgs[i], c.Marshal())
	}
	resign := func(i int, mod func(*mcert.Message)) sessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		raw, _ := g.signMsg(ak, c)
		return withPayload(msgs[i], raw)
	}

	b.valid(grp, "clean-payment", "a clean payment of 3000 fen, all six messages in order", "R6.4", nil, ctx.in(msgs, at), nil)

	// Dropped.
	b.invalid(grp, "hello-payer-dropped", "HELLO-PAYER lost: the TX arrives while the payee awaits HELLO-PAYER", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.in(dropAt(msgs, iHelloPayer), at), nil)
	b.invalid(grp, "tx-dropped", "TX lost: DEDUCTED arrives while the payee awaits the TX", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.in(dropAt(msgs, iTx), at), nil)
	b.invalid(grp, "deducted-dropped", "the deduct-success notice lost: every message accepted, nothing credited", "R5.1", spec.CodeValueMismatch, []string{"Dropped"}, ctx.in(dropAt(msgs, iDeducted), at), nil)

	// Replayed from another session between the same wallets.
	for _, r := range []struct {
		i    int
		name string
	}{{iHelloPayer, "hello-payer"}, {iTx, "tx"}, {iDeducted, "deducted"}} {
		b.invalid(grp, r.name+"-from-other-session", typeName(cs.msgs[r.i].Tag)+" of another payment between the same wallets (another nonce), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "cert-nonce"},
			ctx.in(replaceAt(msgs, r.i, others[r.i]), at), nil)
	}

	// Repeated and reordered within the session.
	// A repeat in the same session may be refused, ignored or answered
	// with its first reply again (R1.2): either verdict is acceptable,
	// and the interactive suite checks that nothing is credited twice.
	b.acceptable(grp, "tx-repeated", "the TX delivered twice: the second arrives while the payee awaits DEDUCTED; refused (replay) or ignored, the session is acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay", "OutOfTurn"}, ctx.in(insertAt(msgs, iTx+1, msgs[iTx]), at), nil)
	b.acceptable(grp, "deducted-repeated", "DEDUCTED delivered again after the payee credited; refused (replay) or ignored, acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay"}, ctx.in(append(append([]sessionMsg{}, msgs...), msgs[iDeducted]), at), nil)
	swapped := append([]sessionMsg{}, msgs...)
	swapped[iHelloPayer], swapped[iTx] = swapped[iTx], swapped[iHelloPayer]
	b.invalid(grp, "tx-before-hello-payer", "TX and HELLO-PAYER swapped", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "cert-turn"}, ctx.in(swapped, at), nil)

	// Tampered.
	b.invalid(grp, "hello-payer-signature-bit-flipped", "one bit of alice's signature on HELLO-PAYER flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.in(replaceAt(msgs, iHelloPayer, after(iHelloPayer, func(c *mcert.Message) { c.Sig = flipSig(c.Sig) })), at), nil)
	b.invalid(grp, "tx-ciphertext-bit-flipped", "one bit of the sealed coins flipped after alice signed the TX", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"},
		ctx.in(replaceAt(msgs, iTx, after(iTx, func(c *mcert.Message) { c.Ciphertext = bytes.Clone(c.Ciphertext); c.Ciphertext[0] ^= 0x01 })), at), nil)
	b.invalid(grp, "tx-amount-resigned", "a TX for 30000 fen in a session for 3000, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "cert-amount"},
		ctx.in(replaceAt(msgs, iTx, resign(iTx, func(c *mcert.Message) { c.Amount = 30000 })), at), nil)
	b.invalid(grp, "deducted-signature-bit-flipped", "one bit of alice's signature on DEDUCTED flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.in(replaceAt(msgs, iDeducted, after(iDeducted, func(c *mcert.Message) { c.Sig = flipSig(c.Sig) })), at), nil)
	b.invalid(grp, "deducted-digest-resigned", "DEDUCTED naming another payment's records, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"ValueMismatch", "cert-digest"},
		ctx.in(replaceAt(msgs, iDeducted, resign(iDeducted, func(c *mcert.Message) { c.Digest = other.digest })), at), nil)

	genCertSessionChecks(g, b, grp, cs, ctx, msgs, iTx)

	// The payee's clock.
	b.invalid(grp, "payer-certificate-expired", "the clean transcript, the payee's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired"},
		ctx.in(msgs, certNotAfter.Unix()+1), nil)
	return b
}
