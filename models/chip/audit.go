package chip

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Audit implements models.Instance. It gathers every record any party
// knows (the registry, every payer's log, every held coin's lineage),
// derives which coin instances are live, and classifies each by where it
// is. It reads device stores only through the volatile mirrors recover
// builds, so call it between operations.
func (in *Instance) Audit() models.Audit {
	a := models.Audit{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal}
	reg := in.cb.Registry()
	spent := map[bank.Instance]bool{}
	created := map[bank.Instance]int64{}
	logged := map[bank.Instance]bool{}
	note := func(parent *transfer.Holding, rec *transfer.Signed) {
		spent[bank.InstanceOf(parent)] = true
		id := rec.ID()
		for _, o := range rec.Outputs {
			created[bank.Instance{Creator: id, Serial: o.Serial}] = o.Value
		}
	}
	for _, r := range reg.Entries() {
		note(r.Parent, r.Record)
	}
	held := map[bank.Instance]bool{}
	logs := func(holdings, records [][]byte) {
		for i := range records {
			if i >= len(holdings) {
				break
			}
			h, err1 := transfer.ParseHolding(holdings[i])
			r, err2 := transfer.Parse(records[i])
			if err1 != nil || err2 != nil {
				continue
			}
			note(h, r)
			for _, o := range r.Outputs {
				logged[bank.Instance{Creator: r.ID(), Serial: o.Serial}] = true
			}
		}
	}
	for _, id := range in.Order {
		st, err := in.state(id)
		if err != nil {
			continue // an unreadable external card: its value shows as lost
		}
		for _, e := range st.Log {
			logs(e.Holdings, e.Records)
		}
		for _, e := range st.Deposits {
			logs(e.Holdings, e.Records)
		}
		for _, k := range slices.Sorted(maps.Keys(st.Coins)) {
			h := st.Coins[k]
			for i, r := range h.Chain {
				parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:i], Serial: r.Parent}
				note(parent, r)
			}
			held[bank.InstanceOf(h)] = true
		}
	}
	for inst, v := range created {
		switch {
		case spent[inst] || reg.Redeemed(inst):
		case held[inst]:
			a.Held += v
		case logged[inst]:
			a.Pending += v
		case reg.Created(inst):
			a.Mail += v
		default:
			a.Lost += v
		}
	}
	return a
}
