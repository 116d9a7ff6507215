package cert

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
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

// deposit returns the coins under keys to the agent. The wallet signs a
// deposit record for each and commits, in one write, their removal with a
// pending-deposit entry before presenting them (Device.SignDeposit), so a
// power cut can neither lose them nor leave them spendable after the bank
// redeemed them. settleDeposits then presents the entry.
func (in *Instance) deposit(id world.PartyID, d Device, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	if err := d.SignDeposit(in.agent.ID, keys); err != nil {
		return 0, err
	}
	return in.settleDeposits(id, d)
}

// settleDeposits presents every pending deposit. An accepted one is
// credited; a refused one (never the case for an honest SIM) puts its
// coins back; either way the entry goes.
func (in *Instance) settleDeposits(id world.PartyID, d Device) (int64, error) {
	st, err := d.State()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, e := range st.Deposits {
		if len(e.Records) > len(e.Holdings) {
			return total, spec.Errorf(spec.CodeMalformed, "pending deposit %s has %d records for %d holdings", e.Key, len(e.Records), len(e.Holdings))
		}
		var items []bank.DepositItem
		for i := range e.Records {
			h, err1 := transfer.ParseHolding(e.Holdings[i])
			r, err2 := transfer.Parse(e.Records[i])
			if err1 != nil || err2 != nil {
				return total, spec.Errorf(spec.CodeInternal, "pending deposit %s does not parse", e.Key)
			}
			items = append(items, bank.DepositItem{Holding: h, Record: r})
		}
		v, err := in.agent.Deposit(st.ID, items)
		if bank.NoReply(err) {
			// The bank may have credited it: present it again later,
			// never take the coins back.
			return total, err
		}
		if err != nil {
			in.w.Trace().Note(id, "deposit refused, coins restored: %v", err)
			if ferr := d.FinishDeposit(e.Key, false); ferr != nil {
				return total, ferr
			}
			return total, err
		}
		if err := d.FinishDeposit(e.Key, true); err != nil {
			return total, err
		}
		total += v
		in.w.Trace().State(id, "deposited %d fen (account %d)", v, in.agent.Balance(st.ID))
	}
	return total, nil
}
