package chain

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models"
)

// Mutants returns the chain scheme's mutant catalogue (four nodes, three
// confirmations): each switches one realistic implementation bug into one
// place of the model (look for mutated("name")). A Scheme literal never
// sets one. The catalogue is this one list, grouped by the work that added
// each mutant; the hooks of a group live in the mutant_*.go file of its
// kind.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{}, func(name string) Scheme { return Scheme{mutation: name} })
	return []models.Mutant{
		m("payee-skips-signature", "R1", "the payee checks the payer's certificate, addresses, amount, nonce and time of a scanned QR code but not the signature over them"),
		m("payee-skips-cert-verify", "R1", "the payee takes the payer's certificate from the QR code without checking its issuer, validity period or revocation"),
		m("flag-only-later-id", "R2", "a master node flags a conflicting payment only when it sorts after the one already pooled, so detection depends on upload order"),
		m("evidence-repeats-first", "R2", "the double-spend evidence carries the first conflicting payment twice instead of both"),
		m("trace-reads-payee", "R3", "the central bank's trace reads the clear payee address instead of the sealed identity escrow"),
		m("node-skips-escrow-check", "R3", "master nodes do not check that the identity escrow sealed in a transfer names the certificate that signed the payment"),
		m("no-write-ahead-log", "R5", "the payer's wallet commits the spend and its change before showing the QR code but keeps the payment's log entry in RAM only"),
		m("limits-not-reset", "R6", "synchronisation with the node updates the coins and the blacklist but does not reset the offline amount and count"),

		// Issue 14: a mutant for each sub-property no mutant reached
		// (R6.2 here; see also chip and cert).
		m("wallet-lumps-change", "R6", "the payer's wallet books the change of a payment as one coin of whatever value is left, as on an ordinary UTXO chain, instead of the table denominations the chain creates"),

		// The mutants of issue 13 that only an insider reaches: a payee's check
		// that no honest payer's validly signed payment ever trips, so no
		// tampering (which breaks the signature first) reaches it either.
		m("payee-skips-time-window", "R1", "the payee checks a payment's nonce and signature but not that its timestamp is within the window of its own clock, so a payment signed long ago (or dated ahead) is accepted"),
		m("payee-skips-amount-check", "R5", "the payee checks a scanned payment's certificate, addresses, nonce, time and signature but not that its amount is the one the till asked for, so a payment of less closes the sale"),
		m("node-skips-payee-match", "R5", "master nodes pay a payment's amount to the payee its sealed transfer names without checking that it is the clear payee, the one the payee checked and counter-signed, so a payer can pay someone else with a payment its payee accepted"),
		// R5.5-insider-payment-settles-or-names-payer's own mutant.
		m("node-settles-short-payment", "R5", "master nodes pay a payment whose sealed inputs hold less than its amount what the inputs hold, instead of refusing it and naming the payer, so the payee is credited less than it accepted"),

		// The mutants of issue 13 that only a power cut in an online operation
		// reaches (a wallet's write, the agent bank's commit, or a master node's
		// write, in a withdrawal or a reconciliation), each followed by the
		// client's retry.
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("withdraw-journals-after-credit", "R5", "the wallet's client persists the withdrawal's request id only once the coins are synced, so after a power cut its retry is a new withdrawal"),
		m("upload-no-reply-is-refusal", "R5", "the wallet takes a payment its master node did not answer at upload, because the node lost power, for a payment the node refused, and voids it"),
		m("gossip-skips-restarted-node", "R5", "master nodes gossip only when something new arrived, so a node that lost power while receiving a block and restarted without it is never sent it again, and what it holds for its wallets stays short of k confirmations"),

		// Bugs of the master nodes and agent banks that show only when the
		// backbone splits and heals (issue 13): without a partition the nodes
		// never fork and every online operation waits for k blocks, so nothing
		// reaches the faulty code path with consequence.
		m("node-ignores-signer-limit", "R2", "master nodes neither enforce nor respect the signer limit (one block in ⌊n/2⌋+1 per node), so a minority of nodes split from the rest extends its own fork past k blocks and finalises a spend the other side also finalises"),
		m("node-never-reorgs", "R5", "a master node adopts a better block only when it extends the node's own best chain, so after a split heals a node left on the losing fork stays there and its wallets' payments never become final"),
		m("bank-credits-unconfirmed-deposit", "R2", "an agent bank credits a deposit as soon as the redemption payment is in a block of its node's best chain, without waiting for k blocks to follow it, so a redemption on a fork that later loses is credited and the coins it spent are spent again on the winning chain"),
		m("node-flags-uploads-only", "R2", "a master node checks for double spends only in what wallets upload to it, not in the transactions and blocks it learns from other nodes, so two spends uploaded on either side of a split are never flagged"),

		// Bugs of the master nodes that only the loss of one block of their
		// gossip reaches (world.LossyNetwork, a drop fault naming a node): the
		// receiving node stays up, keeps what it holds in memory, and gets the
		// blocks sent after the lost one. A power cut of the node does not reach
		// them: the node restarts, and its peers sync it from scratch.
		m("gossip-sends-each-block-once", "R5", "a master node sends each block to each peer once per connection (until the peer restarts) and no node asks for the parent of a block it refused as an orphan, so a node that lost one block in transit while it stayed up refuses every later block, its chain stops, and its wallets' payments stay short of k confirmations"),

		// The mutants of issue 15: each undoes one repair that brought the model
		// back to its source or made a documented model departure pass.
		m("unknown-coin-waits", "R4", "master nodes keep a payment spending a coin no transaction created waiting for that coin, even after its payer uploaded its whole log, so the wallet whose storage was edited is never named"),
		m("refusal-names-payee", "R5", "when the master nodes refuse a payment for its sealed transfer, their evidence names its payee (the wallet that uploaded it and stands to gain) instead of the payer who signed it"),
		m("mint-lumps-holdings", "R6", "master nodes book a mint transaction as one output of its holdings' total, as for an ordinary deposit, instead of one output per issued coin, so an output's value is no longer that of the issued coin it stands for"),
		m("node-dates-by-payer-clock", "R1", "master nodes date a revoked payer's payment by the time the payer wrote into it, so a payer that sets its clock back has a payment made after its revocation, which its payee refused, settle on its own upload"),
		m("node-ignores-revocation", "R1", "master nodes check the payer's certificate against the root only, not the revocation list, so a payment a revoked payer made after its revocation settles on its own upload although its payee refused it"),

		// An outside tester's faults (an implementer's slips the catalogue
		// lacked): a check made on the first input only or on one side of a
		// window, a lookup or an update forgotten, a limit off by one or kept
		// in RAM, finality a block early, evidence naming the wrong party.
		m("payee-skips-nonce-check", "R1", "the payee checks a scanned payment's certificate, addresses, amount, time and signature but not that it answers the nonce of the open request, so a payment signed for another request of the same amount is accepted"),
		m("payee-window-past-only", "R1", "the payee refuses a payment dated more than the window before its clock but not one dated more than the window after it, so a payment signed ahead of time is accepted"),
		m("payer-forgets-answered-agreements", "R1", "the payer's wallet does not look up the agreements it already paid, so an agreement keyed in (or replayed) again is paid again"),
		m("payer-skips-blacklist", "R1", "the payer's wallet takes the blacklist at sync but does not look the payee's address up in it, so it pays a revoked wallet"),
		m("sync-keeps-old-crl", "R1", "synchronisation with the node updates the coins, the blacklist and the limits but keeps the revocation list the wallet was provisioned with, so a payee goes on accepting payments from a payer revoked since"),
		m("limit-count-off-by-one", "R6", "the wallet's offline payment count check is off by one: it allows an eleventh payment before going online"),
		m("limits-volatile", "R6", "the wallet keeps its offline amount and payment count in RAM, so a power cycle resets the offline limits without the wallet going online"),
		m("node-checks-first-input-owner-only", "R1", "master nodes check that the first coin a payment spends belongs to its payer but take the others on trust, so a payment spending its payer's coin and then another wallet's settles"),
		m("node-flags-first-input-only", "R2", "a master node looks for an earlier spend only of the first coin a payment spends, so a double spend of a coin the payment lists after another is neither flagged nor refused"),
		m("node-checks-revocation-once-per-cert", "R1", "master nodes check a payer's certificate against the revocation list the first time they see it pay and remember that it passed, so a payment the payer makes after its revocation settles on its own upload once an earlier payment of its was settled"),
		m("node-skips-input-sum", "R4", "master nodes check that every coin a payment spends is unspent and its payer's but not that together they hold the amount, and pay the amount whatever they hold, so a payment spending less than it pays creates the difference"),
		m("node-allows-repeated-input", "R2", "master nodes check each coin a payment spends against the chain but not against the payment's other inputs, so a sealed transfer that lists one coin twice spends it twice and is paid out as if it held both"),
		m("payer-logs-before-spending", "R2", "the payer's wallet writes a payment's log entry and counters in one write and removes the spent coins (storing the change) in a second, so a power cut between the two leaves it holding coins its log says it spent, and it spends them again"),
		m("sync-voids-unconfirmed-log", "R2", "synchronisation takes a logged payment its node does not yet hold final for a payment that will never settle: it drops it from the log and gives the payer back the coins it spent, which the chain has not seen spent yet, so the honest payer spends them again and is flagged"),
		m("limits-reset-on-connect", "R6", "the bank side resets a wallet's offline amount and count as soon as the wallet connects, before its log is uploaded, so a reconciliation cut before the upload completes leaves a wallet whose payments the bank never saw free to pay its whole offline limit again"),
		m("payer-logs-unsigned-payment", "R5", "the payer's wallet logs the payment it shows with the signature left as it was before signing (zeros), the signed payment living only in the QR: its balance and the payee's are right, but the payer holds no proof of payment the nodes accept (R5.4's receipt)"),
		m("evidence-names-payee", "R2", "the double-spend evidence names the payee of the first conflicting payment (the address it pays) instead of the payer whose certificate signed it"),
	}
}

// WalletMutants names the mutants whose bug is in the wallet (not in the
// master nodes or the central bank): the ones a Host can play.
func WalletMutants() []string {
	return models.MutantNames(Mutants(), func(name string) bool { return walletMutations[name] })
}

// walletMutations are the mutants that live in the wallet (wallet.go,
// device.go).
var walletMutations = map[string]bool{
	"payee-skips-time-window": true,
	"payee-skips-signature":   true,
	"payee-skips-cert-verify": true,
	"no-write-ahead-log":      true,
	"limits-not-reset":        true,
	// The outside tester's wallet faults.
	"payee-skips-nonce-check":           true,
	"payee-window-past-only":            true,
	"payer-forgets-answered-agreements": true,
	"payer-skips-blacklist":             true,
	"sync-keeps-old-crl":                true,
	"limit-count-off-by-one":            true,
	"limits-volatile":                   true,
	"payer-logs-unsigned-payment":       true,
	// payer-logs-before-spending lives in the wallet too, but only a
	// power cut between two writes of one operation reaches it, and the
	// adapter protocol cannot cut an external device there (PROTOCOL.md
	// §7.3; chip's twin is off-card for the same reason).
	// wallet-lumps-change lives in the wallet too, but is not offered to
	// a Host: R6.2 first sees it at the 8th case (seed 1), deeper than the
	// hosted hunt of conformance/interactive goes. Nor is
	// payee-skips-amount-check (an insider's mutant): only R5.5's insider
	// terms property finds it, and the hosted hunt keeps to the
	// mutants above to stay within the test budget.
}

// lumpChange is what wallet-lumps-change does to a payment's outputs as
// the payer books them: its change outputs become one of their sum.
func (wl *wallet) lumpChange(outs []Output) []Output {
	if !wl.mutated("wallet-lumps-change") {
		return outs
	}
	var kept []Output
	change := -1
	for _, o := range outs {
		switch {
		case o.Owner != wl.addr:
			kept = append(kept, o)
		case change < 0:
			change = len(kept)
			kept = append(kept, o)
		default:
			kept[change].Value += o.Value
		}
	}
	return kept
}

func (in *Instance) mutated(name string) bool { return in.mutation != "" && in.mutation == name }

func (bb *backbone) mutated(name string) bool { return bb.mutation != "" && bb.mutation == name }

// flagsConflict reports whether a node flags the payment incoming that
// spends a coin pooled already spends: always, except under
// flag-only-later-id when incoming sorts first.
func (bb *backbone) flagsConflict(pooled, incoming TxID) bool {
	if bb.mutated("flag-only-later-id") {
		return bytes.Compare(incoming[:], pooled[:]) > 0
	}
	return true
}
