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
