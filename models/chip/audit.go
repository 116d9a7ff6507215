package chip

import (
	"encoding/json"
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
	for _, id := range in.order {
		se := in.wallets[id]
		for _, k := range slices.Sorted(maps.Keys(se.out)) {
			e := se.out[k]
			for i := range e.Records {
				h, err1 := transfer.ParseHolding(e.Holdings[i])
				r, err2 := transfer.Parse(e.Records[i])
				if err1 != nil || err2 != nil {
					continue
				}
				note(h, r)
				for _, o := range r.Outputs {
					logged[bank.Instance{Creator: r.ID(), Serial: o.Serial}] = true
				}
			}
		}
		for _, k := range se.dev.Keys(prefDep) {
			raw, _ := se.dev.Get(k)
			var e depEntry
			if json.Unmarshal(raw, &e) != nil {
				continue
			}
			for i := range e.Records {
				h, err1 := transfer.ParseHolding(e.Holdings[i])
				r, err2 := transfer.Parse(e.Records[i])
				if err1 != nil || err2 != nil {
					continue
				}
				note(h, r)
				for _, o := range r.Outputs {
					logged[bank.Instance{Creator: r.ID(), Serial: o.Serial}] = true
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(se.coins)) {
			h := se.coins[k]
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
