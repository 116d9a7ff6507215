package cert

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
// is: held by a wallet, pending in a payer's write-ahead log or a pending
// deposit, or waiting at the bank as mail. In the literal variant a
// payer's log is history, not a write-ahead log, and reconciliation
// forwards no payment, so a payment's value that no wallet holds is Lost.
// It reads every wallet through Device.State, so call it between
// operations.
func (in *Instance) Audit() models.Audit {
	a := models.Audit{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal}
	reg := in.cb.Registry()
	spent := map[bank.Instance]bool{}
	created := map[bank.Instance]int64{}
	creator := map[bank.Instance]*transfer.Signed{}
	logged := map[bank.Instance]bool{}  // in a payer's log
	deposit := map[bank.Instance]bool{} // in a pending deposit
	idOf, instOf := in.recordID, in.instanceOf
	note := func(parent *transfer.Holding, rec *transfer.Signed) {
		spent[instOf(parent)] = true
		id := idOf(rec)
		for _, o := range rec.Outputs {
			inst := bank.Instance{Creator: id, Serial: o.Serial}
			created[inst] = o.Value
			creator[inst] = rec
		}
	}
	for _, r := range reg.Entries() {
		note(r.Parent, r.Record)
	}
	held := map[bank.Instance]bool{}
	logs := func(holdings, records [][]byte, mark map[bank.Instance]bool) {
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
				mark[bank.Instance{Creator: idOf(r), Serial: o.Serial}] = true
			}
		}
	}
	for _, id := range in.Order {
		st, err := in.state(id)
		if err != nil {
			continue // an unreadable external wallet: its value shows as lost
		}
		for _, e := range st.Log {
			logs(e.Holdings, e.Records, logged)
		}
		for _, e := range st.Deposits {
			logs(e.Holdings, e.Records, deposit)
		}
		for _, k := range slices.Sorted(maps.Keys(st.Coins)) {
			h := st.Coins[k]
			for i, r := range h.Chain {
				parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:i], Serial: r.Parent}
				note(parent, r)
			}
			held[instOf(h)] = true
		}
	}
	recovering := in.variant == Recovering
	for inst, v := range created {
		switch {
		case spent[inst] || reg.Redeemed(inst):
		case held[inst]:
			a.Held += v
		case deposit[inst] || recovering && logged[inst]:
			a.Pending += v
		case reg.Created(inst) && in.forwardable(creator[inst], inst.Serial):
			a.Mail += v
		default:
			a.Lost += v
		}
	}
	return a
}

// maxIDCache bounds the record-id cache; it is emptied when full.
const maxIDCache = 1 << 16

// recordID returns rec.ID(), cached by record object. A record id is the
// hash of the re-encoded record, and the audit meets the same record
// objects (registry entries, lineages of held coins) after every
// operation. Records are never modified once built or parsed, so the
// cache is a pure function's; it holds no state of the model.
func (in *Instance) recordID(rec *transfer.Signed) [32]byte {
	if id, ok := in.ids[rec]; ok {
		return id
	}
	if in.ids == nil || len(in.ids) >= maxIDCache {
		in.ids = map[*transfer.Signed][32]byte{}
	}
	id := rec.ID()
	in.ids[rec] = id
	return id
}

// instanceOf is bank.InstanceOf with the record id from the cache.
func (in *Instance) instanceOf(h *transfer.Holding) bank.Instance {
	if n := len(h.Chain); n > 0 {
		return bank.Instance{Creator: in.recordID(h.Chain[n-1]), Serial: h.Serial}
	}
	return bank.Instance{Serial: h.Serial}
}
