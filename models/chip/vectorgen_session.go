package chip

import (
	"bytes"
	"encoding/binary"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// chipSession is a clean recorded payment of the chip scheme: alice's
// card pays bob's terminal 2500 fen of a 10000-fen coin.
type chipSession struct {
	challenge []byte
	msgs      []vgen.SessionMsg
	transfer  func(mod func(*transfer.Signed) *transfer.Signed) []byte // re-encodes the TRANSFER with the record changed
}

func newChipSession(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string, amount int64) *chipSession {
	const payer, payee = vgen.CertPayer, vgen.CertPayee
	cs := &chipSession{challenge: g.Src("chip/" + label + "/challenge").Bytes(transfer.ChallengeSize)}
	ak, bk := p.Keys[payer], p.Keys[payee]
	alice, bob := p.Certs[payer], p.Certs[payee]
	rc, err := coin.Sign(issuer, coin.New(g.Serial("chip/"+label+"/coin"), 10000, coin.Serial{}, vgen.AgentID))
	g.Fail(err)
	if g.Err != nil {
		return cs
	}
	r1 := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: g.Split(rc.Serial, 10000, 10000, vgen.AgentID, payer),
		Payer: vgen.AgentID, Payee: payer, Counter: 1})
	if g.Err != nil {
		return cs
	}
	h1 := (&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], cs.challenge)
	rec, err := transfer.Sign(ak, transfer.Record{Version: transfer.Version1, Parent: h1.Serial, ParentValue: 10000,
		Outputs: g.Split(h1.Serial, 10000, amount, payer, payee), Payer: payer, Payee: payee, Challenge: ch, Counter: 2})
	g.Fail(err)
	if g.Err != nil {
		return cs
	}
	cs.transfer = func(mod func(*transfer.Signed) *transfer.Signed) []byte {
		r, err := EncodeTransfer(alice, []Spend{{Holding: h1, Record: mod(rec)}}, nil)
		g.Fail(err)
		return r
	}
	sig := g.Sign(bk, chipInitTBS(amount, cs.challenge, payee))
	initiate := command(g, apdu.Command{CLA: CLA, INS: INSInitiate, Data: apdu.Marshal(initItems(uint64(amount), cs.challenge, bob.Raw, sig)), Le: 65536})
	ack := g.Sign(bk, AckTBS(cs.challenge, payer, []*transfer.Signed{rec}))
	cs.msgs = []vgen.SessionMsg{
		{From: payee, To: payer, Typ: MsgInitiate, Payload: initiate},
		{From: payer, To: payee, Typ: MsgTransfer, Payload: cs.transfer(func(r *transfer.Signed) *transfer.Signed { return r })},
		{From: payee, To: payer, Typ: MsgConfirm, Payload: EncodeConfirm(cs.challenge, ack)},
		{From: payer, To: payee, Typ: MsgDone, Payload: binary.BigEndian.AppendUint16(nil, uint16(apdu.SWOK))},
	}
	return cs
}

// chipSessionKind is the session file, decided with the model's payee
// terminal (refChipSession).
var chipSessionKind = vgen.Kind{Gen: genChipSession, Decide: map[string]vgen.Decider{"session": vgen.Decode(refChipSession)}}

func genChipSession(g *vgen.Gen) *vgen.Builder {
	b := g.SessionBuilder(Name, g.Header("session")...)
	const amount = 2500
	p, crl, issuer, cs, other := vgen.SessionPayments(g, func(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string) *chipSession {
		return newChipSession(g, p, issuer, label, amount)
	})
	if g.Err != nil {
		return b
	}
	ctx := &vgen.SessionCtx{P: p, CRL: crl, Issuer: issuer.Public(), Payee: vgen.CertPayee, Nonce: cs.challenge, Amount: amount}
	msgs := cs.msgs
	at := vgen.GenAt.Unix()
	grp := b.Group("PayeeTranscript", "")
	const (
		iTransfer = 1
		iDone     = 3
	)
	ak := p.Keys[vgen.CertPayer]

	b.Valid(grp, "clean-payment", "a clean payment of 2500 fen, all four messages in order", "R6.4", []string{"Lineage"}, ctx.In(msgs, at), nil)
	b.Valid(grp, "done-dropped", "DONE lost: the terminal already holds the coins it accepted with the TRANSFER", "R5.1", []string{"Dropped"}, ctx.In(vgen.DropAt(msgs, iDone), at), nil)

	b.Invalid(grp, "transfer-dropped", "TRANSFER lost: the DONE (9000, no data) arrives as the answer to INITIATE", "R5.1", spec.CodeMalformed, []string{"Dropped", "OutOfTurn"}, ctx.In(vgen.DropAt(msgs, iTransfer), at), nil)
	b.Invalid(grp, "transfer-from-other-session", "the TRANSFER of another payment between the same wallets (another challenge), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "spend-record-binding"},
		ctx.In(vgen.ReplaceAt(msgs, iTransfer, other.msgs[iTransfer]), at), nil)
	b.Invalid(grp, "transfer-repeated", "the TRANSFER delivered twice: the second arrives with no session open", "R1.2", spec.CodeReplay, []string{"Replay", "chip-replay"},
		ctx.In(vgen.InsertAt(msgs, iTransfer+1, msgs[iTransfer]), at), nil)
	b.Invalid(grp, "transfer-record-signature-bit-flipped", "one bit of alice's signature on the record flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "spend-record"},
		ctx.In(vgen.ReplaceAt(msgs, iTransfer, vgen.WithPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			return &transfer.Signed{Record: r.Record, Signature: vgen.FlipSig(r.Signature)}
		}))), at), nil)
	b.Invalid(grp, "transfer-record-counter-changed", "the record's counter changed after alice signed it", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "spend-record"},
		ctx.In(vgen.ReplaceAt(msgs, iTransfer, vgen.WithPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			c := &transfer.Signed{Record: r.Record, Signature: r.Signature}
			c.Record.Counter = 7
			return c
		}))), at), nil)
	b.Invalid(grp, "transfer-short-resigned", "a record paying 2000 fen for a request of 2500, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch"},
		ctx.In(vgen.ReplaceAt(msgs, iTransfer, vgen.WithPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			rec := r.Record
			rec.Outputs = g.Split(rec.Parent, rec.ParentValue, 2000, vgen.CertPayer, vgen.CertPayee)
			return &transfer.Signed{Record: rec, Signature: g.Sign(ak, rec.TBS())}
		}))), at), nil)
	raw := msgs[iTransfer].Payload
	b.Invalid(grp, "transfer-truncated", "the last data byte of the TRANSFER removed (SW kept)", "R1.1", spec.CodeMalformed, []string{"Truncated"},
		ctx.In(vgen.ReplaceAt(msgs, iTransfer, vgen.WithPayload(msgs[iTransfer], append(bytes.Clone(raw[:len(raw)-3]), 0x90, 0x00))), at), nil)
	b.Invalid(grp, "payer-certificate-expired", "the clean transcript, the terminal's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired"},
		ctx.In(msgs, vgen.CertNotAfter.Unix()+1), nil)
	return b
}
