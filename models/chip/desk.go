package chip

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The central bank's issuance desk and the card's per-coin pseudonyms
// (SOURCES.md C11–C13, D2): what keeps a card's payments unlinkable for
// merchant and agent bank (R3.1, R3.2, R3.6) while the central bank
// traces every one (R3.4).
//
//   - Every coin a card spends is held by a pseudonym of its own: a key
//     pair the card generates, certified by the central bank under a
//     random name (bank.CentralBank.CertifyUnlinkable) that its register
//     links to the holder, and stored on the card with its certificate
//     (sealed to the card: the agent bank forwards it unread).
//   - The desk, an agent-role key of the central bank (DeskID, a Sealed
//     bank.Agent), issues each coin to one fresh pseudonym
//     (bank.Agent.HolderFor); its hand-overs and the deposits it takes
//     are registered sealed, so the agent bank sees neither serial nor
//     record nor pseudonym of them.
//   - Every withdrawal exchanges the agent bank's coins at the desk, and
//     every sync the change of the card's payments (staleCoins), their
//     value merged into the fewest coins of the table: after a sync the
//     card's own coins are ones no merchant or agent bank has seen.
//     Coins received from other cards are exchanged only once their
//     lineage is long, as before (staleCoins says why).

// DeskID is the central bank's issuance desk.
const DeskID = "PBOC-DESK"

// Store layout of a card's per-coin pseudonyms.
const (
	prefPKey  = "pkey/"  // pkey/<pseudonym>: its private key
	prefPCert = "pcert/" // pcert/<pseudonym>: its certificate, DER
)

// deskFresh reports whether h is a coin as the desk handed it over.
func deskFresh(h *transfer.Holding) bool {
	return len(h.Chain) == 1 && h.Chain[0].Payer == DeskID
}

// staleCoins returns, in key order, the coins an exchange at the desk
// takes: the agent bank's hand-overs (a withdrawal), the change of the
// card's own payments (its holder signed the record that made it), and
// coins whose lineage is long (bank.LongLineage). Coins received from
// another card are not exchanged before their lineage is long: an
// exchange settles the branch a coin descends from, and if that coin was
// spent twice upstream, which of two payees exchanges first would decide
// whose coin the desk refuses (R2.7; SOURCES.md D2).
//
// A withdrawal (merge) also takes the desk-fresh coins below the largest
// denomination, so that the change of many payments, exchanged into small
// coins, does not pile up on the card: their value comes back in the
// fewest coins. Only a withdrawal merges: a sync would exchange coins a
// clone of the card holds too, and the clone's exchange of the same coin
// is a second spend of it, flagged although no payment spent it twice.
//
// A card that keeps its coins (kit.Exchangeable) reads only the coins it
// keeps aside as long or its own hop's, not every coin it holds (a
// merchant holds every coin it is paid); any other reads them all.
func staleCoins(st *CardState, merge bool) []string {
	keys, kept := kit.Exchangeable(st)
	if !kept {
		keys = slices.Sorted(maps.Keys(st.Coins))
	}
	var out []string
	for _, k := range keys {
		if stale(st.Coins[k], merge) {
			out = append(out, k)
		}
	}
	return out
}

// stale is staleCoins' rule for one coin h.
func stale(h *transfer.Holding, merge bool) bool {
	n := len(h.Chain)
	switch {
	case deskFresh(h):
		return merge && h.Value() < coin.Denominations[len(coin.Denominations)-1]
	case n >= bank.ExchangeHops,
		n == 1, // an agent bank's hand-over
		n > 1 && h.Chain[n-1].Payer == h.Claimed().Holder: // change
		return true
	}
	return false
}

// openDesk adds the desk to the central bank: an authorised agent with a
// reserve of its own, sealed, handing each coin to a fresh pseudonym of
// the card that withdraws.
func (in *Instance) openDesk(reserve int64) error {
	desk, err := in.cb.AddAgent(DeskID, reserve)
	if err != nil {
		return err
	}
	desk.Sealed = true
	desk.PerHolderCounters = !in.mutated("desk-counts-handovers")
	desk.HolderFor = func(card string, _ int) string { return in.holderFor(card) }
	in.desk = desk
	return nil
}

// holderFor is the desk's HolderFor: the next of the card's fresh
// pseudonyms (preparePseudonyms made them before the desk's transaction,
// which writes nothing on the card), or the card's own name when none is
// left (the coin is exchanged again at the next sync).
func (in *Instance) holderFor(card string) string {
	if p := in.lastPseudonym[card]; p != "" && in.mutated("desk-reuses-pseudonym") {
		return p
	}
	q := in.fresh[card]
	if len(q) == 0 {
		return card
	}
	in.fresh[card] = q[1:]
	in.lastPseudonym[card] = q[0]
	return q[0]
}

// preparePseudonyms has wallet id's card d make per-coin pseudonyms
// (Device.Pseudonym) until it has one for every coin the desk may issue
// for values: the central bank certifies each key under a fresh random
// name its register links to the card's holder.
func (in *Instance) preparePseudonyms(id world.PartyID, d Device, values ...int64) error {
	card := in.Names[id]
	need := 0
	for _, v := range values {
		if v > 0 {
			denoms, err := coin.MakeChange(v)
			if err != nil {
				return err
			}
			need += len(denoms)
		}
	}
	for len(in.fresh[card]) < need {
		name := fmt.Sprintf("coin-%x", in.w.Rand("chip/coin-pseudonym").Bytes(8))
		cert, err := d.Pseudonym(func(pub suite.PublicKey) (*devcert.Certificate, error) {
			return in.cb.CertifyUnlinkable(in.cb.HolderOf(card), name, devcert.RoleWallet, pub)
		})
		if err != nil {
			return err
		}
		in.desk.Bind(cert.ID, card)
		in.fresh[card] = append(in.fresh[card], cert.ID)
		if in.mutated("pseudonyms-sent-unsealed") {
			in.logPseudonym(id, cert)
		}
	}
	return nil
}

// deskClient is the card's client at the desk: its exchanges are
// journalled on the card as the agent bank's are (bank.Client).
func (in *Instance) deskClient(id world.PartyID, d Device) bank.Client {
	c := in.client(id, d)
	c.Agent = in.desk
	return c
}

// deskDepositor hands coins in at the desk, one pending deposit per
// pseudonym that holds them.
func (in *Instance) deskDepositor() kit.Depositor[Device, *CardState] {
	dp := in.depositor()
	dp.Agent = in.desk
	return dp
}

// exchange is the desk's part of a withdrawal (merge) or a sync: pending
// desk deposits settled and a cut exchange finished first, then every
// stale coin (staleCoins) handed in and its value issued again to fresh
// pseudonyms.
func (in *Instance) exchange(id world.PartyID, d Device, merge bool) error {
	dp := in.deskDepositor()
	c := in.deskClient(id, d)
	// Enough pseudonyms for what the desk may issue: a cut exchange, the
	// stale coins, and what its deposits pending or credited hold.
	st, err := d.State()
	if err != nil {
		return err
	}
	var pending, stale, held int64
	if e, ok := c.PendingExchange(); ok {
		pending = e.Amount
	}
	for _, k := range staleCoins(st, merge) {
		stale += st.Coins[k].Value()
	}
	for _, e := range st.Deposits {
		for _, raw := range e.Holdings {
			if h, err := transfer.ParseHolding(raw); err == nil {
				held += h.Value()
			}
		}
	}
	if err := in.preparePseudonyms(id, d, pending, stale, held+in.desk.Balance(in.Names[id])); err != nil {
		return err
	}
	err = c.Refresh(bank.Refresh{
		Settle: func() error { _, err := dp.Settle(id, d); return err },
		Coins:  kit.HoldingsOf(d.State),
		Stale: func(coins map[string]*transfer.Holding) ([]string, error) {
			if in.mutated("sync-skips-exchange") && !merge {
				// At a sync only: the withdrawal's exchange stays, so the
				// mutant reopens the change's channel alone.
				return bank.LongLineage(coins, nil), nil
			}
			st, err := d.State()
			if err != nil {
				return nil, err
			}
			return staleCoins(st, merge), nil
		},
		Deposit: func(keys []string) error { _, err := dp.Deposit(id, d, keys); return err },
	})
	if err != nil && (bank.NoReply(err) || spec.CodeOf(err) == spec.CodeInternal) {
		return err
	}
	if err != nil {
		// The desk refused a coin (a branch of a double spend whose other
		// branch settled first): it stays on the card, and the sync goes
		// on with the coins of the other pending deposits.
		in.w.Trace().Note(id, "exchange at the desk refused: %v", err)
		if st, err = d.State(); err != nil {
			return err
		}
		for range 1 + len(st.Deposits) {
			_, err := dp.Settle(id, d)
			if err == nil {
				break
			}
			if bank.NoReply(err) || spec.CodeOf(err) == spec.CodeInternal {
				return err
			}
		}
	}
	// What the desk holds for the card (an exchange cut between its
	// hand-ins, or one refused in part) is issued to it again.
	if v := in.desk.Balance(in.Names[id]); v > 0 {
		return c.Exchange(nil, v, func() error { return nil })
	}
	return nil
}

var _ interface {
	Lineage(string) ([]*transfer.Holding, error)
} = (*Instance)(nil)

// Lineage is R6.3's reconstruction (models.LineageKeeper): the coin's
// holding as the central bank's registry knows it, sealed records (the
// desk's hand-overs) included, which the agent banks' view of the
// registry (bank.Registry.Entries) leaves out.
func (in *Instance) Lineage(coinID string) ([]*transfer.Holding, error) {
	for _, e := range in.cb.Registry().AllEntries() {
		if bank.InstanceOf(e.Parent).String() == coinID {
			return []*transfer.Holding{e.Parent}, nil
		}
		for _, o := range e.Record.Outputs {
			if (bank.Instance{Creator: e.Record.ID(), Serial: o.Serial}).String() == coinID {
				return []*transfer.Holding{e.Parent.Extend(e.Record, o.Serial)}, nil
			}
		}
	}
	return nil, fmt.Errorf("the registry knows no coin %s", coinID)
}
