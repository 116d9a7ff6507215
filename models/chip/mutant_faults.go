package chip

import (
	"fmt"
	"maps"
	"strings"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// closesOnShortFrame reports whether the payee terminal takes payload, a
// response it could not parse, quietly as the end of a payment it has
// received (payee-closes-on-short-frame).
func (se *SE) closesOnShortFrame(payload []byte) bool {
	return se.mutated("payee-closes-on-short-frame") && len(payload) < 2 && se.challenge == nil && se.received
}

// offCardMutations are the mutants a Host does not play: bugs of the
// reconciliation the agent bank's side runs over the card's log (which
// entries it uploads, which it clears: Instance.Reconcile, not the card),
// and a card bug only a power cut between two writes of one operation
// reaches, where the adapter protocol cannot cut an external device
// (PROTOCOL.md §7.3).
var offCardMutations = map[string]bool{
	"bank-skips-repeated-counter":     true,
	"payer-logs-before-spending":      true,
	"upload-skips-acked-entries":      true,
	"reconcile-keeps-unacked-entries": true,
	"deposit-takes-held-coins":        true, // the bank side's choice of coins to deposit (Instance.heldByRefusal)
}

// commitApart is the payer's write-ahead commit as payer-logs-before-spending
// makes it: the log entry, counters and answered challenge in one write,
// the coins out and the change in in a second. It reports whether it
// committed (false: the caller commits as the reference does).
func (se *SE) commitApart(puts map[string][]byte, deletes []string) bool {
	if !se.mutated("payer-logs-before-spending") {
		return false
	}
	coins := map[string][]byte{}
	for k, v := range puts {
		if strings.HasPrefix(k, kit.PrefCoin) {
			coins[k] = v
		}
	}
	rest := maps.Clone(puts)
	maps.DeleteFunc(rest, func(k string, _ []byte) bool { return strings.HasPrefix(k, kit.PrefCoin) })
	se.Dev.Commit(rest, nil)
	se.Dev.Commit(coins, deletes)
	return true
}

// reuploaded reports whether reconciliation skips log record r under
// bank-skips-repeated-counter: its card and counter came in an earlier
// upload (which an honest card only does for the same record again).
func (in *Instance) reuploaded(r *transfer.Signed) bool {
	return in.skipsRepeated("bank-skips-repeated-counter", &in.counters, "", r)
}

// skipsRepeated is the check of the repeated-counter mutants: under
// mutant name, it reports whether seen holds scope with r's card and
// counter from an earlier upload, and records them in seen otherwise.
func (in *Instance) skipsRepeated(name string, seen *map[string]bool, scope string, r *transfer.Signed) bool {
	if !in.mutated(name) {
		return false
	}
	k := fmt.Sprintf("%s/%s/%d", scope, r.Payer, r.Counter)
	if (*seen)[k] {
		return true
	}
	if *seen == nil {
		*seen = map[string]bool{}
	}
	(*seen)[k] = true
	return false
}
