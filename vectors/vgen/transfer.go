package vgen

import (
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// AgentID is the agent bank of the vectors.
const AgentID = "agent-icbc"

// Record builds and signs a record with k over its TBS bytes, without the
// policy check of transfer.Sign, so broken records can be signed too.
func (g *Gen) Record(k suite.PrivateKey, r transfer.Record) *transfer.Signed {
	if r.Version == 0 {
		r.Version = transfer.Version1
	}
	copy(r.Challenge[:], g.Src("challenge/"+r.Payer+"/"+Itoa(int64(r.Counter))).Bytes(transfer.ChallengeSize))
	return &transfer.Signed{Record: r, Signature: g.Sign(k, r.TBS())}
}

// Split is the outputs of a payment of amount from a parent coin of
// parentValue: amount to payee, the change to payer.
func (g *Gen) Split(parent coin.Serial, parentValue, amount int64, payer, payee string) []transfer.Output {
	outs, err := transfer.Split(parent, parentValue, amount, payer, payee)
	g.Fail(err)
	return outs
}

// Lineage is a coin of value fen, labelled label, issued by issuer to the
// agent and passed along hops (the agent first): at each hop the payer
// pays pay(v) of the v fen it holds (Split), and the holding follows the
// payee's first output. It returns the Holding the last holder keeps, nil
// when g failed.
func (g *Gen) Lineage(p *PKI, issuer suite.PrivateKey, label string, value int64, hops []string, pay func(v int64) int64) *transfer.Holding {
	rc, err := coin.Sign(issuer, coin.New(g.Serial(label), value, coin.Serial{}, AgentID))
	g.Fail(err)
	if g.Err != nil {
		return nil
	}
	h := &transfer.Holding{Root: rc, Serial: rc.Serial}
	for i := 0; i+1 < len(hops); i++ {
		v := h.Value()
		r := g.Record(p.Keys[hops[i]], transfer.Record{Parent: h.Serial, ParentValue: v, Outputs: g.Split(h.Serial, v, pay(v), hops[i], hops[i+1]),
			Payer: hops[i], Payee: hops[i+1], Counter: uint64(100 + i)})
		if g.Err != nil {
			return nil
		}
		h = h.Extend(r, r.Outputs[0].Serial)
	}
	return h
}
