package cert

import (
	"encoding/json"
	"strings"

	"github.com/dualoffline/dualoffline/models/kit"
)

// writeCutMutations are wallet bugs only a cut between two writes of one
// step reaches (crash-at, or crash-end as a session closes): a wallet
// served behind the adapter protocol is cut only before or after a step
// (conformance/interactive's TestExternalWalletCuts), so served, such a
// bug cannot be found and is no wallet mutant (WalletMutants) for the
// broken-wallet hunt.
var writeCutMutations = map[string]bool{"payer-sweeps-spent-at-close": true, "payee-notes-seen-after-coins": true}

// keySweep is payer-sweeps-spent-at-close's journal: the store keys of
// the coins spent in the open session, not yet removed.
const keySweep = "sweep"

// deferSweep is payer-sweeps-spent-at-close at the TX commit: it moves
// the coin deletions of deletes into the journal (a put of puts, merged
// with one already open), takes those coins out of the wallet's count and
// returns the other deletions. In the reference it returns deletes.
func (se *SIM) deferSweep(puts map[string][]byte, deletes []string) []string {
	if !se.mutated("payer-sweeps-spent-at-close") {
		return deletes
	}
	journal := se.sweepJournal()
	var rest []string
	for _, k := range deletes {
		if strings.HasPrefix(k, kit.PrefCoin) {
			journal = append(journal, k)
			se.DropHeld(k[len(kit.PrefCoin):])
		} else {
			rest = append(rest, k)
		}
	}
	puts[keySweep] = kit.MustJSON(journal)
	return rest
}

// sweepJournal reads the journal (nil when none).
func (se *SIM) sweepJournal() []string {
	raw, ok := se.Dev.Get(keySweep)
	if !ok {
		return nil
	}
	var keys []string
	se.Must(json.Unmarshal(raw, &keys))
	return keys
}

// completeSweep is what power-up does with a journal it finds: removes
// the journalled coins and the journal in one write.
func (se *SIM) completeSweep() {
	if !se.mutated("payer-sweeps-spent-at-close") {
		return
	}
	if keys := se.sweepJournal(); keys != nil {
		se.Dev.Commit(nil, append(keys, keySweep))
	}
}

// sweepAtClose is the session's end under the mutant: the journal is
// deleted, then the coins, in two writes.
func (se *SIM) sweepAtClose() {
	if !se.mutated("payer-sweeps-spent-at-close") {
		return
	}
	keys := se.sweepJournal()
	if keys == nil {
		return
	}
	se.Dev.Delete(keySweep)
	se.Dev.Commit(nil, keys)
}
