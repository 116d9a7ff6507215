package pseudocoin

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Audit accounts for every fen the agent banks issued into the vault,
// from the god's-eye view of every element and the desk: a holding no
// record spent is held (once, however many clones hold it); a record's
// payment is pending until its payee holds it, and its change until the
// desk credits it; what the desk owes is mail; what it paid into
// accounts is redeemed.
func (in *Instance) Audit() models.Audit {
	a := models.Audit{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal}
	d := in.desk
	spent := map[string]bool{}
	for k := range d.spent {
		spent[k] = true
	}
	records := map[[32]byte]*Record{}
	var walk func(r *Record)
	walk = func(r *Record) {
		id := r.ID()
		if _, ok := records[id]; ok {
			return
		}
		records[id] = r
		for _, h := range r.Inputs {
			spent[string(h.Key())] = true
			if h.Record != nil {
				walk(h.Record)
			}
		}
	}
	for _, id := range d.sortedRecords() {
		walk(d.records[id].rec)
	}
	heldKeys := map[string]int64{}
	mints := map[string]bool{}
	// pendingMint counts the bundles the desk minted for a request whose
	// reply its element has not taken yet, once per request (clones).
	pendingMint := func(request string) {
		if mints[request] {
			return
		}
		mints[request] = true
		for _, b := range d.minted[request] {
			if bu, err := ParseBundle(b); err == nil {
				a.Pending += bu.Value()
			}
		}
	}
	for _, p := range in.w.Devices() {
		e, err := in.element(p)
		if err != nil || e.identity() == "" {
			continue
		}
		for _, l := range e.logs() {
			if r, err := ParseRecord(l.R); err == nil {
				walk(r)
			}
		}
		for _, h := range e.holdings() {
			heldKeys[string(h.h.Key())] = h.h.Value()
			if h.h.Record != nil {
				walk(h.h.Record)
			}
		}
		if ms, ok := readJSON[mintState](e, keyMint); ok {
			pendingMint(ms.Request)
		}
	}
	in.remoteAudit(walk, heldKeys, pendingMint)
	for _, k := range sortedKeys(heldKeys) {
		if !spent[k] {
			a.Held += heldKeys[k]
		}
	}
	for id, r := range records {
		c := d.records[id]
		k := string(r.Payee)
		switch {
		case spent[k], c != nil && c.refunded:
		case heldKeys[k] > 0:
		default:
			a.Pending += r.Amount
		}
		if k := string(r.ChangeKey); r.Change() > 0 && !spent[k] && heldKeys[k] == 0 {
			a.Pending += r.Change()
		}
	}
	for _, v := range d.owed {
		a.Mail += v
	}
	if gap := a.Issued - (a.Held + a.Pending + a.Mail + a.Redeemed); gap > 0 {
		a.Lost = gap
	}
	return a
}
