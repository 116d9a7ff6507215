package chip

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Per-coin pseudonyms and the central bank's issuance desk (SOURCES.md
// C11): what keeps a card's payments unlinkable for merchant and agent
// bank (R3.1, R3.2) while the central bank traces every one (R3.4).
//
//   - The card generates key pairs; the central bank certifies each under
//     a fresh pseudonym (bank.CentralBank.CertifyUnlinkable: random serial,
//     validity from the start of the day, so a certificate says nothing
//     of its batch) and keeps pseudonym and holder in its register.
//   - The desk, an agent-role key of the central bank, issues every coin
//     a card withdraws or exchanges and hands each coin to its own unused
//     pseudonym (bank.Agent.HolderFor); its hand-overs stay off the
//     registry the agent banks forward (bank.Agent.Unlisted) until a
//     record spends the coin. The agent bank sees the account and the
//     amount, never a serial, a record or a pseudonym.
//   - Every sync exchanges at the desk each coin that is not desk-fresh
//     (change, coins received, the agent bank's own hand-overs), so a
//     payment after a sync spends only coins no merchant or agent bank
//     has seen, each signed by its own pseudonym with a counter of its
//     own.

// DeskID is the central bank's issuance desk.
const DeskID = "PBOC-DESK"

// Store layout of the pseudonyms on a card.
const (
	prefPKey  = "pkey/"  // pkey/<pseudonym>: private key of a pseudonym
	prefPCert = "pcert/" // pcert/<pseudonym>: its certificate, DER
)

// holderOf is the holder a holding names: the last output it holds, or
// the issuing agent of a bare root.
func holderOf(h *transfer.Holding) string {
	if n := len(h.Chain); n > 0 {
		for _, o := range h.Chain[n-1].Outputs {
			if o.Serial == h.Serial {
				return o.Holder
			}
		}
		return ""
	}
	return h.Root.Agent
}

// own reports whether id is this card: its base pseudonym or one of its
// per-coin pseudonyms.
func (se *SE) own(id string) bool { return id == se.id || se.pkeys[id] != nil }

// signer returns the key and certificate of the card's pseudonym holder:
// the base ones for the base pseudonym (and for any holder the card does
// not know, whose signature then fails where it is checked).
func (se *SE) signer(holder string) (suite.PrivateKey, *devcert.Certificate) {
	if k := se.pkeys[holder]; k != nil && se.pcerts[holder] != nil {
		return k, se.pcerts[holder]
	}
	return se.key, se.cert
}

// certOf returns the certificate of id as the card knows it: its own
// (base or pseudonym), or one of an earlier holder; nil if none.
func (se *SE) certOf(id string) *devcert.Certificate {
	switch {
	case id == se.id:
		return se.cert
	case se.pcerts[id] != nil:
		return se.pcerts[id]
	}
	return se.certs[id]
}

// recordCounter advances and returns the counter a record signed by
// holder carries: the card's own for the base pseudonym, the pseudonym's
// own otherwise, so a record's counter says nothing of the card's other
// payments.
func (se *SE) recordCounter(st *seState, holder string) uint64 {
	if holder == se.id || se.pkeys[holder] == nil {
		return st.Counter
	}
	if st.PCounters == nil {
		st.PCounters = map[string]uint64{}
	}
	st.PCounters[holder]++
	return st.PCounters[holder]
}

// addPseudonyms generates n key pairs on the card, has certify certify
// each, and stores keys and certificates in one write; it returns the
// pseudonyms. Nothing is stored if a certification fails.
func (se *SE) addPseudonyms(n int, certify func(pub suite.PublicKey) (*devcert.Certificate, error)) ([]string, error) {
	puts := map[string][]byte{}
	var out []string
	r := se.w.Rand("chip/pseudonym-key/" + string(se.dev.ID()))
	for range n {
		k, err := se.s.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		c, err := certify(k.Public())
		if err != nil {
			return nil, err
		}
		puts[prefPKey+c.ID] = k.Bytes()
		puts[prefPCert+c.ID] = c.Raw
		out = append(out, c.ID)
	}
	se.dev.Commit(puts, nil)
	se.recover()
	return out, nil
}

// deskFresh reports whether h is a coin as the desk handed it over: one
// hop, signed by the desk, to a pseudonym.
func deskFresh(h *transfer.Holding) bool {
	return len(h.Chain) == 1 && h.Chain[0].Payer == DeskID
}

// openDesk adds the central bank's issuance desk: an agent-role key of the
// central bank whose hand-overs go one coin to one fresh pseudonym of the
// withdrawing card and stay off the registry.
func (in *Instance) openDesk(reserve int64) error {
	d, err := in.cb.AddAgent(DeskID, reserve)
	if err != nil {
		return err
	}
	d.Unlisted = true
	d.HolderFor = func(holder string, i int) string {
		if p, ok := in.reusedPseudonym(holder); ok {
			return p
		}
		q := in.fresh[holder]
		if len(q) == 0 {
			in.w.Trace().Note(world.PartyID(DeskID), "no fresh pseudonym of %s: coin handed to the card itself", holder)
			return holder
		}
		in.fresh[holder] = q[1:]
		return q[0]
	}
	d.Handover = func(_ string, hs []*transfer.Holding) error {
		in.deskOut = append(in.deskOut, hs...)
		return nil
	}
	in.desk = d
	return nil
}

// consolidate hands every coin a per-coin pseudonym of the card holds to
// the card's base pseudonym, each by a record the pseudonym signs: what
// a card turned insider or corrupted does first (insider.go,
// corrupt.go), so that its forged records, signed with the base key,
// spend coins the base key holds.
func (se *SE) consolidate() error {
	st := se.st
	st.PCounters = maps.Clone(st.PCounters)
	puts := map[string][]byte{}
	var deletes []string
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		h := se.coins[k]
		holder := holderOf(h)
		if holder == se.id || se.pkeys[holder] == nil {
			continue
		}
		key, cert := se.signer(holder)
		outs, err := transfer.Split(h.Serial, h.Value(), h.Value(), cert.ID, se.id)
		if err != nil {
			return err
		}
		st.Counter++
		rec, err := transfer.Sign(key, transfer.Record{Version: transfer.Version1, Parent: h.Serial, ParentValue: h.Value(),
			Outputs: outs, Payer: cert.ID, Payee: se.id, Counter: se.recordCounter(&st, cert.ID)})
		if err != nil {
			return err
		}
		nh := h.Extend(rec, outs[0].Serial)
		deletes = append(deletes, prefCoin+k)
		puts[prefCoin+instKey(nh)] = nh.Marshal()
	}
	if len(puts) == 0 {
		return nil
	}
	puts[keyState] = mustJSON(st)
	se.dev.Commit(puts, deletes)
	se.recover()
	return nil
}

// ensurePseudonyms gives card id at least n unused pseudonyms, certified
// by the central bank for its holder and bound at the desk to the card's
// desk account.
func (in *Instance) ensurePseudonyms(id world.PartyID, se *SE, n int) error {
	cardID := in.ids[id]
	need := n - len(in.fresh[cardID])
	if need <= 0 {
		return nil
	}
	holder := in.cb.HolderOf(cardID)
	names := in.w.Rand("chip/pseudonyms/" + string(id))
	var certs []*devcert.Certificate
	ps, err := se.addPseudonyms(need, func(pub suite.PublicKey) (*devcert.Certificate, error) {
		name := fmt.Sprintf("card-%x", names.Bytes(8))
		if in.mutated("card-cert-names-holder") {
			name = holder + "-" + name
		}
		c, err := in.cb.CertifyUnlinkable(holder, name, devcert.RoleWallet, pub)
		certs = append(certs, c)
		return c, err
	})
	if err != nil {
		return err
	}
	in.logPseudonyms(id, in.agent.AccountOf(cardID), certs)
	for _, p := range ps {
		in.desk.Bind(p, cardID)
	}
	in.fresh[cardID] = append(in.fresh[cardID], ps...)
	return nil
}

// coinsFor is how many coins the desk issues for value fen.
func coinsFor(value int64) int {
	if value <= 0 {
		return 0
	}
	d, err := coin.MakeChange(value)
	if err != nil {
		return 0
	}
	return len(d)
}

// deskClient is the card's client at the desk: exchanges journalled on the
// card like withdrawals (bank.Client).
func (in *Instance) deskClient(id world.PartyID, d Device) bank.Client {
	c := in.client(id, d)
	c.Agent = in.desk
	return c
}

// anonymise exchanges at the desk every coin of a model card that is not
// desk-fresh, each new coin handed to a fresh pseudonym of the card
// (bank.Client.Refresh: pending deposits settled and a cut exchange
// finished first). An external card is left as it is: it keeps the coins
// the agent bank handed it.
func (in *Instance) anonymise(id world.PartyID, d Device) error {
	se, ok := in.wallets[id]
	if !ok {
		return in.client(id, d).Refresh(in.refresh(id, d, nil))
	}
	st, err := d.State()
	if err != nil {
		return err
	}
	c := in.deskClient(id, d)
	n := 0
	if e, ok := c.PendingExchange(); ok {
		n += coinsFor(e.Amount)
	}
	var v int64
	for _, k := range in.stale(st.Coins) {
		v += st.Coins[k].Value()
	}
	if err := in.ensurePseudonyms(id, se, n+coinsFor(v)); err != nil {
		return err
	}
	err = c.Refresh(in.refresh(id, d, func(coins map[string]*transfer.Holding) ([]string, error) { return in.stale(coins), nil }))
	if err == nil || bank.NoReply(err) || spec.CodeOf(err) == spec.CodeInternal {
		return err
	}
	// The desk refused a coin (a branch of a double spend the registry
	// now flags): it stays on the card, and what the desk credited for the
	// others goes to the holder's account. The sync goes on.
	in.w.Trace().Note(id, "exchange at the desk refused: %v", err)
	in.sweep(id)
	return nil
}

// stale returns, in key order, the coins a sync exchanges at the desk:
// every one that is not desk-fresh.
func (in *Instance) stale(coins map[string]*transfer.Holding) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(coins)) {
		if !deskFresh(coins[k]) {
			out = append(out, k)
		}
	}
	return out
}

// refresh is the bank.Refresh of a reconciliation; stale nil is the
// default (coins with long lineages). The deposits of an exchange go to
// the agent whose client runs it: the desk when stale is set.
func (in *Instance) refresh(id world.PartyID, d Device, stale func(map[string]*transfer.Holding) ([]string, error)) bank.Refresh {
	to := in.agent.ID
	if stale != nil {
		to = DeskID
	}
	return bank.Refresh{
		Settle: func() error { _, err := in.settleDeposits(id, d); return err },
		Coins: func() (map[string]*transfer.Holding, error) {
			st, err := d.State()
			if err != nil {
				return nil, err
			}
			return st.Coins, nil
		},
		Stale:   stale,
		Deposit: func(keys []string) error { _, err := in.depositTo(id, d, to, keys); return err },
	}
}

// agentFor returns the agent a deposit record pays: the agent bank or the
// desk.
func (in *Instance) agentFor(id string) (*bank.Agent, error) {
	switch id {
	case in.agent.ID:
		return in.agent, nil
	case DeskID:
		return in.desk, nil
	}
	return nil, spec.Errorf(spec.CodeWrongRecipient, "deposit to %q, which is neither %s nor %s", id, in.agent.ID, DeskID)
}

// sweep moves what the card's desk account holds to the holder's account
// at the agent bank (after a deposit at the desk): the agent bank learns
// the amount, not the coins.
func (in *Instance) sweep(id world.PartyID) {
	cardID := in.ids[id]
	if v := in.desk.Balance(cardID); v > 0 {
		in.desk.Open(cardID, -v)
		in.agent.Open(in.agent.AccountOf(cardID), v)
		in.w.Trace().State(id, "desk credited %d fen to the account", v)
	}
}
