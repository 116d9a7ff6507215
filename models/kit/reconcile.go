package kit

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Upload is the upload of wallet id's reconciliation (cert, chip), one
// transaction of cb's registry named "upload of "+name: a power cut there
// stops the reconciliation before the log is cleared, and the retry
// uploads again (a known record changes nothing). It uploads the records
// of every entry of st's log, each with the holding it spent, then the
// coins st holds (UploadHeld, with ids and have). A record the registry
// refuses is traced, not fatal. An entry with more records than holdings,
// or a holding or record that does not parse, is the scheme's call: with
// strict the upload stops with the error (nothing is settled); without,
// it is traced and the record skipped (a short entry's extra records
// with it). keep, if not nil, is asked once an entry for the filter its
// parsed records pass before they go to the registry, and how each goes
// (Send); nil sends every record in the clear. sealHeld sends the held
// coins' last hops sealed to the central bank (bank.Registry.Sealing).
// Upload returns the keys of the log's entries, which the wallet drops
// once it committed.
func Upload[L interface {
	Entry
	Base() LogEntry
}](w *world.World, id world.PartyID, cb *bank.CentralBank, name string, st *State[L], ids *IDs, have map[bank.Instance]bool, strict bool, keep func(e L) func(r *transfer.Signed) Send, sealHeld bool) ([]string, error) {
	reg := cb.Registry()
	var settled []string
	err := cb.Transact("upload of "+name, func() error {
		for _, l := range st.Log {
			e := l.Base()
			settled = append(settled, e.Key)
			short := func() string {
				return fmt.Sprintf("log entry %s has %d records for %d holdings", e.Key, len(e.Records), len(e.Holdings))
			}
			if strict && len(e.Records) > len(e.Holdings) {
				return spec.Errorf(spec.CodeMalformed, "%s", short())
			}
			pass := func(*transfer.Signed) Send { return SendClear }
			if keep != nil {
				pass = keep(l)
			}
			for i := range e.Records {
				if i >= len(e.Holdings) {
					w.Trace().Note(id, "upload refused: %s", short())
					break
				}
				h, err := transfer.ParseHolding(e.Holdings[i])
				var r *transfer.Signed
				if err == nil {
					r, err = transfer.Parse(e.Records[i])
				}
				if err != nil {
					if strict {
						return err
					}
					w.Trace().Note(id, "upload refused: %v", err)
					continue
				}
				add := reg.Add
				switch pass(r) {
				case Skip:
					continue
				case SendSealed:
					add = reg.AddSealed
				}
				if err := add(h, r); err != nil {
					w.Trace().Note(id, "upload refused: %v", err)
				}
			}
		}
		held := func() { UploadHeld(w, id, reg, st, ids, have) }
		if sealHeld {
			reg.Sealing(held)
		} else {
			held()
		}
		return nil
	})
	return settled, err
}

// Send is how Upload sends a log record to the registry.
type Send int

const (
	// Skip: the record is not uploaded.
	Skip Send = iota
	// SendClear: uploaded readable to the agent bank that forwards it
	// (bank.Registry.Add): among Entries.
	SendClear
	// SendSealed: uploaded sealed to the central bank
	// (bank.Registry.AddSealed): the agent bank forwards what it cannot
	// read, and the record stays out of Entries.
	SendSealed
)

// UploadHeld is the part of wallet id's reconciliation upload every
// certificate-and-coin scheme makes alike: the last hop of every coin st
// holds goes to reg (a known record changes nothing; a refusal is traced,
// not fatal), and have gains the instance (of ids; nil: no cache) of
// every coin the wallet still holds, those of a deposit a power cut
// interrupted included, which are not mail to send back; but when st
// keeps its coins (State.KeptBy) and ids is not nil, the coins held are
// not listed in have (Mail asks the element's Core) and only those whose last
// hop reg was not yet seen to hold are looked at (Core.Unconfirmed): a
// reconciliation read every coin held, and merchants hold every coin
// they are paid.
func UploadHeld[S Wallet](w *world.World, id world.PartyID, reg *bank.Registry, st S, ids *IDs, have map[bank.Instance]bool) {
	coins := st.Holdings()
	// Only the coins whose last hop Add would change anything for are
	// uploaded, in key order (the registry's trace follows it): with an
	// id cache, those uploaded before are skipped unsorted.
	var up []string
	if c := keptBy(st); c != nil && ids != nil {
		coins, up = c.Held, c.Unconfirmed(reg, reg.AddChangesNothing)
	} else {
		for k, h := range coins {
			have[ids.InstanceOf(h)] = true
			if n := len(h.Chain); n > 0 && (ids == nil || !reg.AddChangesNothing(ids.ID(h.Chain[n-1]))) {
				up = append(up, k)
			}
		}
		slices.Sort(up)
	}
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

// keptBy returns the Core that keeps st's coins (State.KeptBy), or nil.
func keptBy(st any) *Core {
	if k, ok := st.(interface{ keptBy() *Core }); ok {
		return k.keptBy()
	}
	return nil
}

// Mail is reg's mail for holder after UploadHeld filled have for st:
// Registry.MailKept when st keeps its coins (State.KeptBy; UploadHeld
// then leaves them out of have), else Registry.Mail.
func Mail(reg *bank.Registry, holder string, st any, have map[bank.Instance]bool) []*transfer.Holding {
	if c := keptBy(st); c != nil {
		return reg.MailKept(holder, c, have)
	}
	return reg.Mail(holder, have)
}

// StaleOf is a bank.Refresh's Stale for the element state reads: the
// coins to exchange as Core keeps them aside (Core.LongLineage) when the
// state keeps its coins (State.KeptBy), else bank.LongLineage of coins.
func StaleOf[S any](state func() (S, error)) func(coins map[string]*transfer.Holding) ([]string, error) {
	return func(coins map[string]*transfer.Holding) ([]string, error) {
		st, err := state()
		if err != nil {
			return nil, err
		}
		if c := keptBy(st); c != nil {
			return c.LongLineage(), nil
		}
		return bank.LongLineage(coins, nil), nil
	}
}

// Exchangeable returns Core.Exchangeable for a state that keeps its coins
// (State.KeptBy), and false for any other (its reader scans the coins).
func Exchangeable(st any) ([]string, bool) {
	if c := keptBy(st); c != nil {
		return c.Exchangeable(), true
	}
	return nil, false
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
	if s.kept {
		// The element keeps its coins in key order with their instances
		// (read now, as Coins is: the Core's Held); no coin leaves Coins
		// nil, as the scan does.
		for e := range s.core.keys.all() {
			if v.Coins == nil {
				v.Coins = make([]models.Coin, 0, s.core.keys.len())
			}
			v.Coins = append(v.Coins, models.Coin{ID: e.ID, Value: e.Value})
		}
	} else {
		for _, k := range slices.Sorted(maps.Keys(s.Coins)) {
			v.Coins = append(v.Coins, models.Coin{ID: ids.InstanceOf(s.Coins[k]).String(), Value: s.Coins[k].Value()})
		}
	}
	for _, e := range s.Log {
		if !e.Acknowledged() {
			_, records := e.Spent()
			v.Pending = append(v.Pending, PendingCoins(payee(e), records)...)
		}
	}
	return v
}
