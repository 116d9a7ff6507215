package kit

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Ledger is models.Instance.Ledger of a certificate-and-coin scheme: the
// banks' totals and double spends (Holder, when not nil, maps the
// certificate id evidence names to its holder), the accounts, and the
// mail: coins the registry holds for a wallet that no wallet holds (and
// that Forwardable, when not nil, lets reconciliation forward).
type Ledger struct {
	CB          *bank.CentralBank
	IDs         *IDs
	Holder      func(certID string) string
	Forwardable func(rec *transfer.Signed, serial coin.Serial) bool
}

// LedgerOf reads the wallets of order through state (an error: an
// unreadable wallet, whose coins show as mail); names is the certificate
// id each wallet was given, and with presented the id each presents
// counts too.
func LedgerOf[S Wallet](lg Ledger, order []world.PartyID, names map[world.PartyID]string, presented bool, state func(world.PartyID) (S, error)) models.Ledger {
	l := models.Ledger{Issued: lg.CB.IssuedTotal, Redeemed: lg.CB.RedeemedTotal, DoubleSpends: lg.CB.Registry().DoubleSpends()}
	if lg.Holder != nil {
		for i := range l.DoubleSpends {
			l.DoubleSpends[i].Culprit = lg.Holder(l.DoubleSpends[i].Culprit)
		}
	}
	l.Accounts = lg.CB.AccountsTotal()
	have := map[bank.Instance]bool{}
	ids := map[string]bool{}
	for _, id := range order {
		ids[names[id]] = true
		st, err := state(id)
		if err != nil {
			continue // an unreadable external wallet: its coins show as mail
		}
		if presented {
			ids[st.Presents()] = true
		}
		for _, h := range st.Holdings() {
			have[lg.IDs.InstanceOf(h)] = true
		}
	}
	for _, holder := range slices.Sorted(maps.Keys(ids)) {
		for _, h := range lg.CB.Registry().Mail(holder, have) {
			if lg.Forwardable != nil && !lg.Forwardable(h.Chain[len(h.Chain)-1], h.Serial) {
				continue
			}
			l.Mail = append(l.Mail, models.Coin{ID: lg.IDs.InstanceOf(h).String(), Value: h.Value()})
		}
	}
	return l
}

// PendingCoins is the payee's share of records (DER) a payer's log entry
// holds: what View lists as Pending until the payee acknowledges.
func PendingCoins(payee string, records [][]byte) []models.Coin {
	var out []models.Coin
	for _, rb := range records {
		r, err := transfer.Parse(rb)
		if err != nil {
			continue
		}
		for _, o := range r.Outputs {
			if o.Holder == payee {
				out = append(out, models.Coin{ID: bank.Instance{Creator: r.ID(), Serial: o.Serial}.String(), Value: o.Value})
			}
		}
	}
	return out
}

// Parties returns the devices of a payment's payer and payee, refusing
// an unknown wallet and a wallet paying itself.
func (t *Table[D, E]) Parties(payer, payee world.PartyID) (p, q D, err error) {
	if p, err = t.Device(payer); err != nil {
		return p, q, err
	}
	if q, err = t.Device(payee); err != nil {
		return p, q, err
	}
	if payer == payee {
		return p, q, spec.Errorf(spec.CodeWrongRecipient, "a wallet cannot pay itself")
	}
	return p, q, nil
}
