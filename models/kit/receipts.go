package kit

import (
	"cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Receipts are the receipts (models.Receipt, models.Receipter) of payer
// wallet id, whose state state reads out (an error reading it is
// returned): one per log entry that spends something (a refused entry
// spends nothing), the records it signed paying the entry's payee
// (payee), each checked by reg as reconciliation would
// (bank.Registry.Accepts). party names the wallet of a payee's
// certificate id ("" if none).
func Receipts[S Logged[L], L Entry](id world.PartyID, state func(world.PartyID) (S, error), reg *bank.Registry, payee func(L) string, party func(id string) world.PartyID) ([]models.Receipt, error) {
	st, err := state(id)
	if err != nil {
		return nil, err
	}
	var out []models.Receipt
	for _, e := range st.PayerLog() {
		holdings, records := e.Spent()
		if len(records) == 0 {
			continue
		}
		to := payee(e)
		rc := models.Receipt{Payee: party(to)}
		for i, rb := range records {
			if i >= len(holdings) {
				rc.Err = cmp.Or(rc.Err, error(spec.Errorf(spec.CodeMalformed, "%d records for %d holdings", len(records), len(holdings))))
				break
			}
			h, err := transfer.ParseHolding(holdings[i])
			var r *transfer.Signed
			if err == nil {
				r, err = transfer.Parse(rb)
			}
			if err == nil {
				err = reg.Accepts(h, r)
				rc.Amount += r.PaidTo(to)
			}
			rc.Err = cmp.Or(rc.Err, err)
		}
		out = append(out, rc)
	}
	return out, nil
}

// Party returns the first wallet of t (in Order) that presents
// certificate id, "" if none.
func (t *Table[D, E]) Party(id string) world.PartyID {
	for _, p := range t.Order {
		if t.Names[p] == id {
			return p
		}
	}
	return ""
}
