package chain

import (
	"encoding/hex"
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

var (
	_ models.Tracer   = (*Instance)(nil)
	_ models.Observer = (*Instance)(nil)
)

// bestChain returns the blocks of node nd's best chain, oldest first.
func (nd *node) bestChain() []*blockInfo {
	var out []*blockInfo
	for id := nd.best; id != (BlockID{}); id = nd.bb.blocks[id].b.Parent {
		out = append(out, nd.bb.blocks[id])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// AgentView is what the agent bank of wallet sees beyond the central
// bank's registry: every block of the best chain of the master node it
// runs, and every transaction in them as uploaded.
func (in *Instance) AgentView(wallet world.PartyID) []models.Observed {
	if _, err := in.Device(wallet); err != nil {
		return nil
	}
	_, ai := in.agentOf(wallet)
	var out []models.Observed
	for _, bi := range in.bb.nodes[ai].bestChain() {
		out = append(out, models.Observed{Label: fmt.Sprintf("%s block %d", in.bb.nodes[ai].id, bi.b.Height), Bytes: bi.raw})
		for i, c := range bi.txs {
			out = append(out, models.Observed{Label: fmt.Sprintf("%s block %d tx %d", in.bb.nodes[ai].id, bi.b.Height, i), Bytes: c.tx.Marshal()})
		}
	}
	return out
}

// TraceReceived is the central bank's trace (R3.4): for every payment to
// payee's address in the best chain of payee's gateway node, it opens the
// identity escrow with TracePayer.
func (in *Instance) TraceReceived(payee world.PartyID) []models.Traced {
	if _, err := in.Device(payee); err != nil {
		return nil
	}
	addr := in.addrs[payee]
	var out []models.Traced
	for _, bi := range in.bb.nodes[in.gateway[payee]].bestChain() {
		for _, c := range bi.txs {
			p := c.tx.Payment
			if p == nil || p.Payee != addr {
				continue
			}
			t := models.Traced{Ref: hex.EncodeToString(c.id[:]), Value: p.Amount}
			t.Payer, t.Err = in.TracePayer(p.Marshal())
			out = append(out, t)
		}
	}
	return out
}

var _ models.Opener = (*Instance)(nil)

// AdversaryOpen is what the agent bank's master node opens (R3.3): the
// sealed transfer of a payment (as a QR payload or a transaction) under
// the chain key every master node holds. The merchant's wallet key opens
// nothing of a payment.
func (in *Instance) AdversaryOpen(merchant world.PartyID, b []byte) []models.Observed {
	p, err := ParsePayment(b)
	if err != nil {
		t, terr := ParseTx(b)
		if terr != nil || t.Payment == nil {
			return nil
		}
		p = t.Payment
	}
	plain, err := in.bb.chainKey.Open(p.Sealed, sealInfo)
	if err != nil {
		return nil
	}
	return []models.Observed{{Label: "sealed transfer opened with the master nodes' chain key", Bytes: plain}}
}
