package kit

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Spends is a log entry of a wallet: the holdings it spent and the
// records spending them, DER, one record per holding.
type Spends interface {
	Spent() (holdings, records [][]byte)
}

// Books is a wallet read out as the audit needs it.
type Books struct {
	Coins    map[string]*transfer.Holding // what it holds
	Log      [][2][][]byte                // payments sent: holdings, records
	Deposits [][2][][]byte                // deposits signed and not yet credited
}

// Logged is a wallet read out with its payer's log.
type Logged[L Spends] interface {
	Wallet
	PayerLog() []L
}

// ReadBooks turns a reader of wallet states into the audit's reader.
func ReadBooks[S Logged[L], L Spends](state func(world.PartyID) (S, error)) func(world.PartyID) (*Books, error) {
	return func(id world.PartyID) (*Books, error) {
		st, err := state(id)
		if err != nil {
			return nil, err
		}
		b := &Books{Coins: st.Holdings()}
		for _, e := range st.PayerLog() {
			h, r := e.Spent()
			b.Log = append(b.Log, [2][][]byte{h, r})
		}
		for _, e := range st.PendingDeposits() {
			h, r := e.Spent()
			b.Deposits = append(b.Deposits, [2][][]byte{h, r})
		}
		return b, nil
	}
}

// Auditor classifies every live coin instance of a certificate-and-coin
// scheme (models.Audit): it gathers every record any party knows (the
// registry, every payer's log and pending deposit, every held coin's
// lineage), derives which instances are live, and puts each where it is:
// held by a wallet, pending (in a pending deposit, or in a payer's log
// when LogPending), waiting at the bank as mail (registered and
// Forwardable), or lost.
type Auditor struct {
	CB          *bank.CentralBank
	IDs         *IDs                                                // record ids; nil: computed each time
	LogPending  bool                                                // a payer's log is a write-ahead log: its value is pending
	Forwardable func(rec *transfer.Signed, serial coin.Serial) bool // nil: every registered coin is mail
}

// Audit reads the wallets of order through read (an error: the wallet is
// unreadable and its value shows as lost). Call it between operations.
func (au Auditor) Audit(order []world.PartyID, read func(world.PartyID) (*Books, error)) models.Audit {
	a := models.Audit{Issued: au.CB.IssuedTotal, Redeemed: au.CB.RedeemedTotal}
	reg := au.CB.Registry()
	spent := map[bank.Instance]bool{}
	created := map[bank.Instance]int64{}
	creator := map[bank.Instance]*transfer.Signed{}
	logged := map[bank.Instance]bool{}  // in a payer's log
	deposit := map[bank.Instance]bool{} // in a pending deposit
	idOf, instOf := au.IDs.ID, au.IDs.InstanceOf
	note := func(parent *transfer.Holding, rec *transfer.Signed) {
		spent[instOf(parent)] = true
		id := idOf(rec)
		for _, o := range rec.Outputs {
			inst := bank.Instance{Creator: id, Serial: o.Serial}
			created[inst] = o.Value
			creator[inst] = rec
		}
	}
	for _, r := range reg.AllEntries() { // sealed records included: the central bank's books
		note(r.Parent, r.Record)
	}
	held := map[bank.Instance]bool{}
	logs := func(e [2][][]byte, mark map[bank.Instance]bool) {
		holdings, records := e[0], e[1]
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
	for _, id := range order {
		b, err := read(id)
		if err != nil {
			continue // an unreadable external wallet: its value shows as lost
		}
		for _, e := range b.Log {
			logs(e, logged)
		}
		for _, e := range b.Deposits {
			logs(e, deposit)
		}
		for _, k := range slices.Sorted(maps.Keys(b.Coins)) {
			h := b.Coins[k]
			for i, r := range h.Chain {
				parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:i], Serial: r.Parent}
				note(parent, r)
			}
			held[instOf(h)] = true
		}
	}
	for inst, v := range created {
		switch {
		case spent[inst] || reg.Redeemed(inst):
		case held[inst]:
			a.Held += v
		case deposit[inst] || au.LogPending && logged[inst]:
			a.Pending += v
		case reg.Created(inst) && (au.Forwardable == nil || au.Forwardable(creator[inst], inst.Serial)):
			a.Mail += v
		default:
			a.Lost += v
		}
	}
	return a
}

// IDs caches record ids by record object. A record id is the hash of the
// re-encoded record, and the audit meets the same record objects
// (registry entries, lineages of held coins) after every operation.
// Records are never modified once built or parsed, so the cache is a pure
// function's; it holds no state of the model. A nil *IDs computes.
type IDs struct {
	m *memo.Map[*transfer.Signed, [32]byte]
}

// ID returns rec.ID().
func (c *IDs) ID(rec *transfer.Signed) [32]byte {
	if c == nil {
		return rec.ID()
	}
	if c.m == nil {
		c.m = memo.New[*transfer.Signed, [32]byte]("models/kit record ids", 1<<16)
	}
	id, _, _ := c.m.Do(rec, func() ([32]byte, error) { return rec.ID(), nil })
	return id
}

// InstanceOf is bank.InstanceOf with the record id from the cache.
func (c *IDs) InstanceOf(h *transfer.Holding) bank.Instance {
	if n := len(h.Chain); n > 0 {
		return bank.Instance{Creator: c.ID(h.Chain[n-1]), Serial: h.Serial}
	}
	return bank.Instance{Serial: h.Serial}
}
