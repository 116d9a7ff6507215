package chain

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

var _ models.Receipter = (*Instance)(nil)

// Receipts are the payer wallet's log entries, each the payment it signed
// (its QR), checked as its gateway node checks an upload and changing
// nothing: the static checks (certificate, signature, sealed transfer,
// payee), the nodes' refusal of its sealed transfer, and that no final
// transaction of the node's best chain spent one of its coins. A
// revocation is not judged: the nodes date one when they read the list at
// an upload or a payment, and a receipt's check must not read it earlier.
func (in *Instance) Receipts(id world.PartyID) ([]models.Receipt, error) {
	d, err := in.Device(id)
	if err != nil {
		return nil, err
	}
	v, err := in.read(id, d)
	if err != nil {
		return nil, err
	}
	gw := in.bb.nodes[in.gateway[id]]
	var out []models.Receipt
	for _, lp := range v.out {
		rc := models.Receipt{Payee: in.partyAt(lp.p.Payee), Amount: lp.p.Amount}
		rc.Err = gw.accepts(&Tx{Payment: lp.p})
		out = append(out, rc)
	}
	return out, nil
}

// accepts is submit's verdict on t without its effects: nil if the node
// would pool it now or keep it waiting for coins it does not know yet.
func (nd *node) accepts(t *Tx) error {
	c, err := nd.bb.check(t)
	if err != nil {
		return err
	}
	if v := nd.bb.invalid[c.id]; v != nil {
		return spec.Errorf(v.code(), "payment %s refused for its sealed transfer: %s coin %s", c.id, reasonNames[v.reason], v.coin)
	}
	st := nd.state()
	for _, op := range c.inputs() {
		if other, ok := st.spender(op); ok && other != c.id && nd.final(st, other) {
			return spec.Errorf(spec.CodeDoubleSpend, "coin %s was spent by %s, final at %s", op, other, nd.id)
		}
	}
	return nil
}

// partyAt is the wallet at address a ("" if none: a bank's redemption
// address, or an address no wallet of this instance holds).
func (in *Instance) partyAt(a Address) world.PartyID {
	for _, p := range in.Order {
		if in.addrs[p] == a {
			return p
		}
	}
	return ""
}
