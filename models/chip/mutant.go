package chip

import (
	"maps"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Mutants returns the chip scheme's mutant catalogue: each switches one
// realistic implementation bug into one place of the model (look for
// mutated("name")). The reference (the zero Scheme) never sets one. The
// catalogue is this one list, grouped by the work that added each mutant;
// the hooks of a group live in the mutant_*.go file of its kind.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{}, func(name string) Scheme { return Scheme{mutation: name} })
	return []models.Mutant{
		m("skip-revocation-check", "R1", "the card checks a counterpart's certificate against the root and its validity but never against the revocation list it holds"),
		m("payer-skips-initiate-signature", "R1", "the payer card checks the payee's certificate in INITIATE but not the payee's signature over the amount and challenge"),
		m("forget-spend-on-crash", "R2", "the payer card removes the spent coins from its store only when the payee acknowledges, so a power cut or a lost CONFIRM brings them back"),
		m("evidence-names-payee", "R2", "the registry's double-spend evidence names the payee of the first conflicting record instead of its signer"),
		m("payee-ignores-record-payer", "R3", "the payee does not check that the payer a record names is the card whose certificate signed it, so the trace can be pointed at someone else"),
		m("skip-issuer-signature", "R4", "the payee checks every record of a coin's lineage but not the issuer's signature on the coin itself"),
		m("deposit-skips-lineage", "R4", "the agent bank checks the depositor's signature on a deposit but not the lineage of the coin deposited"),
		m("no-write-ahead-log", "R5", "the payer card persists the removal of the spent coins but keeps the payment's log entry in RAM only, so a power cut loses the record of where the value went"),
		m("limit-off-by-one", "R6", "the card's offline payment count check is off by one: it allows an eleventh payment before going online"),
		m("withdraw-debits-less", "R6", "the agent bank debits a withdrawal rounded down to whole yuan while issuing coins for the full amount"),
		m("omit-lineage-certs", "R6", "the payer card does not send the certificates of earlier holders, so a coin received offline cannot be verified by the next payee"),

		// Issue 14: a mutant for each sub-property no mutant reached
		// (R1.2, R1.5, R5.5, R6.3 here; see also cert and chain).
		m("payer-forgets-answered-challenges", "R1", "the payer card does not look up the challenges it already paid, so a replayed INITIATE makes it pay again"),
		m("payer-keeps-split-coin", "R6", "when a payment splits a coin, the payer card stores the change but does not remove the coin it split, so it spends that coin again and the outputs of the two spends share serials"),
		m("mail-ignores-collector", "R1", "the registry's mail forwards a payment output a lost message kept from its payee to whichever wallet reconciles, checking that the output is a payee's but not that it is the collector's"),
		m("evidence-omits-lineage-certs", "R5", "the double-spend evidence carries the culprit's certificate but not those of the coin's earlier holders, so a payee left unpaid by a cloned or rolled-back payer holds no claim anyone can verify from public data"),

		// The mutants that the exact checks of issue 14 (R2.3, R4.5, R6.1, R6.7)
		// kill and the properties before them did not; the one exception is
		// redeem-at-root-value, which the earlier R6.7 also killed and which the
		// earlier R6.1 did not.
		m("flag-names-parent", "R2", "the registry's double-spend flag names the coin the doubly spent coin was made from (its parent instance) instead of the coin itself"),
		m("deposit-honours-double-spend", "R4", "the agent bank flags a deposited coin that descends from a coin spent twice whose other branch was already redeemed, and credits it anyway, counting on recovering the excess from the culprit"),
		m("redeem-at-root-value", "R6", "the central bank redeems a deposited coin, in its redemption total and the agent's reserve, at the face value of the issued coin it was split from, while the customer is credited the coin's own value"),
		m("deposit-credits-root-value", "R6", "the agent bank credits a deposited coin at the face value of the issued coin it was split from, while the central bank redeems the coin's own value"),

		// The mutants of issue 13 that only an acting fault reaches: the bug
		// sits where a redirected or relayed message arrives.
		m("card-answers-stray-initiate", "R1", "a card hands a payment message that reaches it outside any payment its holder started or joined to its payment application, so an INITIATE redirected to a bystander's card makes that card pay"),

		// Issue 13's mutants for the fault kinds that act: each bug sits where
		// one kind's message, or power cut, arrives, and only that kind reaches
		// it (conformance's TestFaultKindsKill checks this).
		// duplicate: a repeated INITIATE before the acknowledgement.
		m("payer-marks-challenge-on-ack", "R1", "the payer card records a challenge as answered when the payee acknowledges the payment instead of when it pays, so an INITIATE the channel repeats before the acknowledgement is paid again"),
		// bit-flip: a bit of a command's framing, outside every field.
		m("card-ignores-class-byte", "R1", "the payer card dispatches a command on its instruction byte alone and does not check the class byte, so a command whose class was altered on the way is executed"),
		// truncate: a message cut short on the way.
		m("payee-closes-on-short-frame", "R1", "the payee terminal, once it has the coins, takes a response shorter than a status word as the card leaving the field and closes the session quietly instead of refusing the mangled frame"),
		// clone: two cards with one identity upload their logs.
		m("bank-skips-repeated-counter", "R2", "reconciliation takes a log record whose card and counter it already took from an earlier upload as that card uploading the same payment again and skips it, so the second copy of a cloned card, whose counters run in step with the first's, uploads its spends unchecked"),
		// crash-at: a power cut between two writes of one handling.
		m("payer-logs-before-spending", "R2", "the payer card writes a payment's log entry and counters in one write and removes the coins it spends (storing the change) in a second, so a power cut between the two leaves it holding coins its log says it spent, and it spends them again"),

		// The mutants of issue 13 that only an insider reaches: a receiving
		// card's check that no honest payer's validly signed record ever trips,
		// so no tampering (which breaks the signature first) reaches it either.
		m("payee-skips-output-sum", "R4", "the payee card checks each record's serials, denominations and holders but not that its outputs sum to the value of the coin it spends, so a payer's own signature can create value"),
		m("payee-checks-stored-serials-only", "R2", "the payee card looks each spent serial up in the serials it stored from earlier payments but not among the other spends of the same TRANSFER, so one coin spent twice in one payment is accepted twice"),
		m("payee-skips-record-challenge", "R1", "the payee card checks that each record names it as payee but not that the record answers the challenge of this payment, so records bound to an earlier session are accepted"),

		// The mutants of issue 13 that only a power cut in an online operation
		// reaches (a wallet's write, or a bank's commit, in a withdrawal, a
		// deposit or a reconciliation), each followed by the client's retry.
		// (withdraw-journals-after-credit, a mutant of chain, is none here: a
		// withdrawal that never reached the card returns to it as mail at the
		// next reconciliation, so a journal written late loses nothing for a
		// client that reconciles before it retries.)
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("refresh-without-journal", "R5", "the card's host exchanges long-lineage coins at reconciliation by handing them in and then withdrawing their value, without journalling the exchange first, so a power cut between the two leaves the value in the account instead of on the card"),
		m("deposit-retry-credits-again", "R5", "the agent bank credits a deposit presented again after a lost reply or a power cut a second time (the central bank redeems it once)"),
		m("withdraw-retry-new-request", "R5", "the card's client journals a withdrawal but presents it again after a lost reply or a power cut under a new request id, so the agent bank serves the retry as a second withdrawal"),
		m("deposit-restores-without-reply", "R5", "the card's client takes a deposit the bank did not answer for a refusal and puts the coins back on the card, although the bank may have credited them"),
		m("reconcile-clears-log-before-upload", "R5", "the card clears its payment log before the upload of its records has committed, so a power cut of the registry loses the record of where a payee's value went"),

		// The mutants of issue 13 that a fixed order of events or a one-sided
		// value check let pass: only a generated order (a power cycle between
		// two payments, a deposit before the other branch of a double spend is
		// uploaded) or an exact comparison kills them.
		m("payee-seen-cache-volatile", "R2", "the card keeps the serials of the coins it was paid in a cache that a power cycle clears, so after a restart it accepts a coin it was already paid"),
		m("payee-forgets-deposited-serials", "R2", "the card deletes the record that it was paid a coin together with the coin when it deposits it, so after a deposit it accepts the same coin again offline"),
		m("registry-ignores-settled-upload", "R2", "the registry takes an uploaded record that spends a coin on a branch already deposited for a stale copy and drops it, so a double spend whose other branch was deposited first is not flagged when it is uploaded"),
		m("trace-values-spent-coin", "R3", "the central bank's trace of a payment reports the value of the coin the record spent instead of what the record paid the payee, so a payment that made change is traced at more than was paid"),
		m("received-coins-need-sync", "R6", "after a power cycle the card offers the coins it received offline for payment only once it has synchronised online again, so value received offline cannot be paid onward after a restart"),
		m("flag-values-payment", "R2", "the registry values a double spend at what the first conflicting record paid its payee instead of the value of the coin spent twice, leaving the change out of the excess claimed from the culprit"),

		// Issue 13's mutants for fault kinds that had none: each bug sits where
		// one kind's altered message arrives, and only that kind reaches it
		// (conformance's TestFaultKindsKill checks this).
		// field-bit: one bit late in a field; a field replaced whole
		// differs in its first bytes too.
		m("confirm-matches-challenge-short", "R1", "the payer card finds the log entry a CONFIRM acknowledges by comparing the challenge without its last byte (an off-by-one length) and checks the payee's signature over the entry's challenge, so a CONFIRM whose challenge was altered in its last byte is accepted"),

		// Issue 13's mutants that tell a rolled-back card from a cloned one: one
		// device going back against two devices going forward. The bank sees
		// which physical card uploads (a chip's hardware id, the device; a clone
		// is another chip with the same identity).
		// rollback: the same chip uploads a second record for a counter.
		m("bank-skips-chip-repeated-counter", "R2", "reconciliation takes a log record whose card and counter the same physical card (the uploading chip) already uploaded as that card uploading the same payment again and skips it, so a card rolled back to before a spend it had uploaded uploads the spend that reuses the counter unchecked; a clone, another chip, is checked"),

		// Issue 13's timer mutants: a payee terminal that times the exchange
		// from its INITIATE and refuses a TRANSFER past a bound, but reads its
		// timer after the card committed the coins, so its refusal leaves them
		// on both cards. Only an exchange a fault slowed down reaches the bug: a
		// relay's hop (seconds) the distance bound, and only a delay (minutes)
		// the session timeout.
		m("payee-bounds-latency-after-commit", "R1", "the payee terminal's relay defence refuses a TRANSFER that arrives more than 2 s after its INITIATE (a distance bound by timer), but it reads the timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: a relayed exchange leaves the coins on both cards"),
		m("payee-times-out-after-commit", "R1", "the payee terminal gives up on a session whose TRANSFER arrives more than 5 minutes after its INITIATE (a session timeout), but it reads the timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: a late TRANSFER leaves the coins on both cards"),

		// The mutants of the agent bank's log (issue 15, Build 3): each puts
		// the holder's identity back where the agent bank reads it, or takes
		// it from where R3.6 wants it. Two more of that build,
		// account-keyed-by-card and card-cert-names-holder, put it in the
		// card's own certificate, which since the issuance desk (desk.go) no
		// payment presents: equivalent for R3, they are out of the catalogue
		// and stay as mutations the card's own tests play
		// (TestAccountUnderHolderLogOnlyLarge's observation).
		m("agent-logs-small-payments", "R3", "the agent bank logs against the holder's account the records of every payment the card uploads, small ones included, so a payment of at most T names its payer"),
		m("agent-logs-no-payment", "R3", "the agent bank forwards every record without noting the account that uploaded it, so a payment above T is not bound to its payer without the trace key"),

		// Issue 13's mutants for the insider's terms (R5.5): a payee check no
		// honest payer's records ever trip, reached only by an insider that
		// signs records for other terms than the payee asked.
		m("payee-skips-amount-check", "R5", "the payee card checks every record of a TRANSFER (coin, holder, payee, challenge, arithmetic, signature) and stores the outputs paid to it, but not that together they pay the amount its INITIATE asked for, so a payment of less closes the sale"),

		// Issue 13's mutant for the relay: a terminal with two timers, a session
		// timeout read before the card is touched and a relay defence (a
		// distance bound by timer) read after the card committed the coins. A
		// delay of minutes trips the timeout first, which refuses cleanly; only
		// an exchange slowed by seconds, what a relay's hop adds, passes the
		// timeout and trips the misplaced bound.
		// The mutants of the issuance desk, the per-coin pseudonyms and the
		// sealed uploads (issue 15, SOURCES.md D2): each reopens one of the
		// channels that linked a card's payments. Three more reopen a channel
		// the games do not resolve (sync-skips-exchange: change spent after
		// a sync, in the few payments the largest-first choice takes change
		// in; desk-counts-handovers and records-count-card-wide: counters
		// the counter-linkage distinguisher has no reference for, the
		// uploads being sealed): they survive R3 at the default depth, so
		// they are out of the catalogue and TestLinkingChannelsClosed kills
		// each (SOURCES.md D2, the fifth attempt).
		m("desk-reuses-pseudonym", "R3", "the desk hands every coin of an exchange to the card's last pseudonym instead of a fresh one, so two payments spend coins of one pseudonym and show its certificate twice"),
		m("pseudonyms-sent-unsealed", "R3", "the central bank sends a card's new pseudonym certificates through the agent bank in the clear, which logs them against the holder's account, so each payment's certificates name the account that withdrew"),
		m("sync-uploads-in-clear", "R3", "reconciliation uploads the card's records and the last hop of every coin it holds in the clear, the desk's hand-overs of its fresh coins included, so the agent bank reads which coins the account holds before they are spent"),

		m("payee-relay-check-after-commit", "R1", "the payee terminal ends a session whose TRANSFER comes more than 5 minutes after its INITIATE before it hands the TRANSFER to the card (a session timeout), and as a relay defence refuses a TRANSFER more than 2 s after its INITIATE, but reads that timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: an exchange a relay slows by seconds leaves the coins on both cards"),

		// An outside tester's faults (an implementer's slips the catalogue
		// lacked): a check made on the first coin only, a note kept under
		// the wrong key, a rollback or a count done at the wrong place.
		m("payee-verifies-first-coin-only", "R4", "the payee card verifies the issuer's signature and lineage of the first coin of a TRANSFER only and takes the lineage the others claim, so a forged coin paid after a genuine one is accepted"),
		m("payee-seen-keyed-by-record", "R2", "the payee card notes the coins it was paid under the id of the record that paid them, not the serial of the coin, so a cloned card's new record spending the same coin is not recognised"),
		m("rollback-keeps-change", "R1", "on a signed REFUSE the payer card puts back the coin it split but does not remove the change the split gave it, so a refused payment that made change leaves the card richer by the change"),
		m("rollback-keeps-log-entry", "R1", "on a signed REFUSE the payer card rolls the coins back but keeps the payment's log entry, so the record of a payment that never happened is uploaded and the coin's next, honest spend is flagged as a double spend"),
		// chip as it was before D3 was mended (SOURCES.md): the refusal
		// was the payee's word alone.
		m("payer-forgets-acked-payment", "R5", "the payer card, once the payee acknowledges a payment, keeps only the acknowledged mark of its log entry and frees the coins and records it spent (the payee holds the coins, and its upload registers the records), so a debited payer holds no receipt of the payment that reconciliation could accept"),
		m("rollback-forgets-refusal", "R5", "on a signed REFUSE the payer card rolls the payment back and deletes its log entry, refusal and all, so reconciliation has nothing to hold against a payee that stored the coins before it refused: the payee deposits them and the payer's restored coin is refused"),
		// chip as it was before D4 was mended (SOURCES.md).
		m("deposit-takes-held-coins", "R5", "a deposit takes every coin the card holds, the coins a REFUSE put back (held until reconciliation rules) among them, so a payer whose payee stored the coins, refused and deposited them first, and which then deposits before it reconciles, is named the double spender and the value is counted twice"),
		m("refuse-restores-at-once", "R5", "on a signed REFUSE the payer card rolls the payment back and may spend the coins that return at once, before reconciliation rules on the refusal (and takes the payment out of the offline limits' usage), so a payer whose payee stored the coins, refused and deposited them first, and which then pays the restored coin onward before it reconciles, is named the double spender and its payee's deposit is refused"),
		m("payer-counts-payment-on-ack", "R6", "the payer card counts a payment towards its offline count limit when the payee acknowledges it, not when it pays, so payments whose CONFIRM is lost are not counted and the card pays more than ten times offline"),
		m("upload-skips-acked-entries", "R2", "reconciliation uploads the records of the payments the payee never acknowledged but skips the acknowledged ones, counting on their payees to upload the coins they received, so a double spend whose coins moved on before their payees reconciled is never flagged"),
		m("reconcile-keeps-unacked-entries", "R5", "reconciliation uploads every log entry but clears only the acknowledged ones, keeping the unacknowledged ones on the card to retry, so the value of a payment whose CONFIRM was lost stays pending on the payer after the payee was paid by mail"),
		m("record-counter-volatile", "R5", "the card keeps its record counter in RAM and restarts it from zero after a power cycle, so a payment after a restart reuses the counter, and the log key, of an earlier payment not yet uploaded and overwrites its log entry"),
		m("payee-keeps-lineage-certs-in-ram", "R6", "the payee card stores the coins a TRANSFER pays it but keeps the certificates of the coins' earlier holders in RAM only, so after a power cycle it cannot present them and the coins cannot be paid onward offline"),
		m("payee-checks-challenge-first-record-only", "R1", "the payee card checks that the first record of a TRANSFER answers the challenge of this payment but takes the others' challenges on trust, so a payment of several records whose later records were signed for an earlier session is accepted"),
		m("payee-trusts-moved-coins", "R4", "the payee card verifies the issuer's signature and the lineage of a coin straight from its agent, but takes a coin that has changed hands since on the lineage it claims, counting on its earlier payees to have checked it, so a forged coin its forger first paid to itself is accepted"),
		m("mail-credit-forgets-seen", "R2", "when reconciliation credits the card with mail (a payment's value a lost message kept from it), the card stores the coins but does not note the serials they were split from as paid to it, so a clone's repeat of that payment is accepted offline"),
		m("payee-commits-on-done", "R5", "the payee card keeps the coins a TRANSFER pays it in RAM, sends CONFIRM, and writes them only when the payer card's DONE arrives, so a lost DONE or a power cut before it loses a payment the payer saw acknowledged"),
	}
}

// hostMutations are the mutants that live in the wallet host around the
// card (which messages it hands the card), not in the card itself.
var hostMutations = map[string]bool{
	"card-answers-stray-initiate": true,
}

// CardMutants names the mutants whose bug is in the card (not in the
// banks): the ones a Host can play.
func CardMutants() []string {
	return models.MutantNames(Mutants(), func(name string) bool {
		return !bankMutations[name] && !hostMutations[name] && !offCardMutations[name]
	})
}

// bankMutations are the mutants that live in the banks (models/bank).
var bankMutations = map[string]bool{
	"evidence-names-payee":         true,
	"deposit-skips-lineage":        true,
	"withdraw-debits-less":         true,
	"evidence-omits-lineage-certs": true,
	"mail-ignores-collector":       true,
	"flag-names-parent":            true,
	"deposit-honours-double-spend": true,
	"redeem-at-root-value":         true,
	"deposit-credits-root-value":   true,
}

func (se *SE) mutated(name string) bool { return se.mutation != "" && se.mutation == name }

func (in *Instance) mutated(name string) bool { return in.mutation != "" && in.mutation == name }

// offByOne is what limit-off-by-one subtracts from the payment count.
func (se *SE) offByOne() int {
	if se.mutated("limit-off-by-one") {
		return 1
	}
	return 0
}

// verifyHolding is Holding.Verify, or under skip-issuer-signature the
// lineage check without the coin's own signature.
func (se *SE) verifyHolding(h *transfer.Holding, lookup transfer.Certs) (transfer.Owner, error) {
	if se.mutated("skip-issuer-signature") {
		return models.VerifyHoldingWithout(h, se.CoinKey, lookup, models.OmitIssuerSignature)
	}
	return h.Verify(se.CoinKey, lookup)
}

// mutateCommit is the payer's write-ahead commit as a mutant makes it:
// no-write-ahead-log leaves the log entry out of the store (the caller
// still keeps it in RAM); forget-spend-on-crash leaves the spent coins in
// the store until the acknowledgement (confirm removes them).
func (se *SE) mutateCommit(puts map[string][]byte, deletes []string, logKey string) (map[string][]byte, []string) {
	switch {
	case se.mutated("no-write-ahead-log"):
		p := maps.Clone(puts)
		delete(p, logKey)
		return p, deletes
	case se.mutated("forget-spend-on-crash"):
		return puts, nil
	}
	return puts, deletes
}

// spentKeys returns the store keys of the coins a logged payment spent.
func spentKeys(e *outEntry) []string {
	var out []string
	for _, raw := range e.Holdings {
		if h, err := transfer.ParseHolding(raw); err == nil {
			out = append(out, kit.PrefCoin+kit.CoinKey(h))
		}
	}
	return out
}
