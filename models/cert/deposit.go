package cert

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// prefDep holds deposits the SIM signed and committed (their coins
// removed) that the bank has not yet credited: dep/<counter>: JSON depEntry.
const prefDep = "dep/"

// depEntry is a pending deposit.
type depEntry struct {
	Holdings [][]byte `json:"holdings"`
	Records  [][]byte `json:"records"`
}

func depKey(ctr uint64) string {
	return prefDep + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

// deposit returns the coins under keys to the agent. The SIM signs a
// deposit record for each and commits, in one write, their removal with a
// pending-deposit entry before presenting them, so a power cut can neither
// lose them nor leave them spendable after the bank redeemed them.
// settleDeposits then presents the entry.
func (in *Instance) deposit(se *SIM, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	st := se.st
	var e depEntry
	var deletes []string
	for _, k := range keys {
		h := se.coins[k]
		st.Counter++
		rec, err := bank.DepositRecord(se.key, se.id, in.agent.ID, h, h.Value(), st.Counter)
		if err != nil {
			return 0, err
		}
		e.Holdings = append(e.Holdings, h.Marshal())
		e.Records = append(e.Records, rec.Marshal())
		deletes = append(deletes, prefCoin+k)
	}
	se.commit(map[string][]byte{keyState: mustJSON(st), depKey(st.Counter): mustJSON(e)}, deletes, nil, &st, nil)
	return in.settleDeposits(se)
}

// settleDeposits presents every pending deposit. An accepted one is
// credited; a refused one (never the case for an honest SIM) puts its
// coins back; either way the entry goes.
func (in *Instance) settleDeposits(se *SIM) (int64, error) {
	var total int64
	for _, k := range se.dev.Keys(prefDep) {
		raw, _ := se.dev.Get(k)
		var e depEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return total, spec.Errorf(spec.CodeInternal, "pending deposit %s: %v", k, err)
		}
		var items []bank.DepositItem
		puts := map[string][]byte{}
		coins := map[string]*transfer.Holding{}
		for i := range e.Records {
			h, err1 := transfer.ParseHolding(e.Holdings[i])
			r, err2 := transfer.Parse(e.Records[i])
			if err1 != nil || err2 != nil {
				return total, spec.Errorf(spec.CodeInternal, "pending deposit %s does not parse", k)
			}
			items = append(items, bank.DepositItem{Holding: h, Record: r})
			puts[prefCoin+instKey(h)] = e.Holdings[i]
			coins[instKey(h)] = h
		}
		v, err := in.agent.Deposit(se.id, items)
		if err != nil {
			in.w.Trace().Note(se.dev.ID(), "deposit refused, coins restored: %v", err)
			se.commit(puts, []string{k}, coins, nil, nil)
			return total, err
		}
		se.commit(nil, []string{k}, nil, nil, nil)
		total += v
		in.w.Trace().State(se.dev.ID(), "deposited %d fen (account %d)", v, in.agent.Balance(se.id))
	}
	return total, nil
}

// pendingDeposits returns the records of every pending deposit with the
// holdings they spend, for the audit.
func (se *SIM) pendingDeposits() []depEntry {
	var out []depEntry
	for _, k := range se.dev.Keys(prefDep) {
		raw, _ := se.dev.Get(k)
		var e depEntry
		if json.Unmarshal(raw, &e) == nil {
			out = append(out, e)
		}
	}
	return out
}
