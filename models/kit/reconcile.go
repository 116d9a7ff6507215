package kit

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// UploadHeld is the part of wallet id's reconciliation upload every
// certificate-and-coin scheme makes alike: the last hop of every coin st
// holds goes to reg (a known record changes nothing; a refusal is traced,
// not fatal), and have gains the instance (of ids; nil: no cache) of
// every coin the wallet still holds, those of a deposit a power cut
// interrupted included, which are not mail to send back.
func UploadHeld[S Wallet](w *world.World, id world.PartyID, reg *bank.Registry, st S, ids *IDs, have map[bank.Instance]bool) {
	coins := st.Holdings()
	// Only the coins whose last hop Add would change anything for are
	// uploaded, in key order (the registry's trace follows it): with an
	// id cache, those uploaded before are skipped unsorted.
	var up []string
	for k, h := range coins {
		have[ids.InstanceOf(h)] = true
		if n := len(h.Chain); n > 0 && (ids == nil || !reg.AddChangesNothing(ids.ID(h.Chain[n-1]))) {
			up = append(up, k)
		}
	}
	slices.Sort(up)
	for _, k := range up {
		h := coins[k]
		n := len(h.Chain)
		parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:n-1], Serial: h.Chain[n-1].Parent}
		if err := reg.Add(parent, h.Chain[n-1]); err != nil {
			w.Trace().Note(id, "upload refused: %v", err)
		}
	}
	for _, e := range st.PendingDeposits() {
		bank.MarkHeld(have, e.Holdings, ids.InstanceOf)
	}
}

// HoldingsOf reads the coins out of what state returns: the Coins of a
// bank.Refresh.
func HoldingsOf[S Wallet](state func() (S, error)) func() (map[string]*transfer.Holding, error) {
	return func() (map[string]*transfer.Holding, error) {
		st, err := state()
		if err != nil {
			return nil, err
		}
		return st.Holdings(), nil
	}
}

// View fills v, a wallet's view, with what its state shows: Spent,
// Payments, its coins by instance (of ids; nil: no cache) and, as
// Pending, the payee's share of every payment not yet acknowledged
// (payee names an entry's payee).
func (s *State[L]) View(v models.View, ids *IDs, payee func(L) string) models.View {
	v.Spent, v.Payments = s.Spent, s.Payments
	for _, k := range slices.Sorted(maps.Keys(s.Coins)) {
		v.Coins = append(v.Coins, models.Coin{ID: ids.InstanceOf(s.Coins[k]).String(), Value: s.Coins[k].Value()})
	}
	for _, e := range s.Log {
		if !e.Acknowledged() {
			_, records := e.Spent()
			v.Pending = append(v.Pending, PendingCoins(payee(e), records)...)
		}
	}
	return v
}
