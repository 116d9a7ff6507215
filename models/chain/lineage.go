package chain

import (
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

var _ models.LineageKeeper = (*Instance)(nil)

// Lineage reads a coin's lineage where the chain keeps it: the output's
// transaction, the outputs it spends, theirs, back to the mint
// transactions whose holdings (issued coins with the agent bank's
// hand-over record, carrying serial, version, currency, unit and issuing
// agent) it descends from. It returns those holdings, each once, in the
// order the walk meets them.
func (in *Instance) Lineage(coinID string) ([]*transfer.Holding, error) {
	var op OutPoint
	found := false
	for _, ops := range in.bb.byOwner {
		for _, o := range ops {
			if o.String() == coinID {
				op, found = o, true
			}
		}
	}
	if !found {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "coin %s is no output of any block", coinID)
	}
	var out []*transfer.Holding
	seen := map[OutPoint]bool{}
	var walk func(op OutPoint, depth int) error
	walk = func(op OutPoint, depth int) error {
		if seen[op] {
			return nil
		}
		seen[op] = true
		t := in.txOf(op.Tx)
		if t == nil || depth > 1<<12 {
			return spec.Errorf(spec.CodeUntrustedIssuer, "coin %s: no master node holds transaction %s", coinID, op.Tx)
		}
		c, err := in.bb.check(t)
		if err != nil {
			return err
		}
		if t.Mint != nil {
			i := int(op.Index)
			if i >= len(t.Mint.Holdings) {
				return spec.Errorf(spec.CodeValueMismatch, "coin %s: mint %s has %d holdings", coinID, op.Tx, len(t.Mint.Holdings))
			}
			if h := t.Mint.Holdings[i]; !slices.Contains(out, h) {
				out = append(out, h)
			}
			return nil
		}
		for _, p := range c.inputs() {
			if err := walk(p, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(op, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// txOf returns transaction id as any master node holds it, or nil.
func (in *Instance) txOf(id TxID) *Tx {
	for _, nd := range in.bb.nodes {
		if t := nd.pool[id]; t != nil {
			return t
		}
	}
	return nil
}
