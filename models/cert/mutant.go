package cert

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Mutants returns the cert scheme's mutant catalogue, all of the
// recovering variant ("cert"): each switches one realistic implementation
// bug into one place of the model (look for mutated("name")). A Scheme
// literal never sets one. The catalogue is this one list, grouped by the
// work that added each mutant; the hooks of a group live in the
// mutant_*.go file of its kind.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{Variant: Recovering}, func(name string) Scheme { return Scheme{Variant: Recovering, mutation: name} })
	return []models.Mutant{
		m("accept-expired-cert", "R1", "the SIM judges a certificate's validity period at the certificate's own start date instead of its clock, so expired certificates pass"),
		m("accept-not-yet-valid-cert", "R1", "the SIM checks that a certificate has not expired by its clock but not that its validity has begun, so a wallet whose clock is behind accepts certificates before their start"),
		m("payee-skips-tx-signature", "R1", "the payee opens and checks the sealed coins but does not verify the payer's signature over the TX message"),
		m("payee-forgets-seen-serials", "R2", "the payee does not record the coin serials it accepted, so a cloned payer can pay it the same coin twice offline"),
		m("registry-drops-lower-conflict", "R2", "the registry keeps a second record spending a coin only if its id sorts after the first, so whether a double spend is flagged depends on upload order"),
		m("payee-ignores-record-payer", "R3", "the payee does not check that the payer a record names is the wallet whose certificate signed the TX"),
		m("skip-record-rules", "R4", "the payee verifies every signature of a coin's lineage but not each record's arithmetic (outputs summing to the parent, table denominations)"),
		m("skip-issuer-signature", "R4", "the payee checks the lineage of a coin but not the issuer's signature on the coin itself"),
		m("no-write-ahead-log", "R5", "the payer commits the deduction ahead of the TX but leaves out the log entry, so an interrupted payment leaves no record of where the value went"),
		m("no-mail-forwarding", "R5", "reconciliation does not forward to a payee the payment a lost deduct-success notice kept from it"),
		m("limits-not-reset", "R6", "reconciliation takes the new revocation list but does not reset the offline amount and count"),
		m("deposit-rounds-down", "R6", "the agent bank credits a deposit rounded down to whole yuan"),

		// Issue 14: a mutant for each sub-property no mutant reached
		// (R2.6, R4.6 here; see also chip and chain).
		m("deposit-ignores-settled-branch", "R2", "the agent bank refuses a deposited coin already spent or redeemed, but not one whose lineage forks at a coin spent twice whose other branch was redeemed first"),
		m("registry-drops-second-spend", "R4", "the registry takes a second record spending a coin it already registered for a repeated upload and drops it, so a coin copied in a device's store and spent twice is never flagged against the device"),

		// The mutants that the checks made exact in issue 14 kill and the
		// properties before them did not.
		m("mail-expires", "R5", "the bank discards the mail an interrupted payment left for a payee an hour after the upload that brought it in, so a payee offline longer never receives the payment"),

		// Issue 13's mutants for the fault kinds that act: each bug sits where
		// one kind's message arrives, and only that kind reaches it
		// (conformance's TestFaultKindsKill checks this).
		// replay: a request from an earlier session.
		m("payer-checks-open-requests-only", "R1", "the payer SIM refuses a payment request it has a session open for but does not look up the requests it already paid, so a request it paid opens a new payer session when it comes again"),
		// extend: bytes appended to a message.
		m("sim-ignores-trailing-bytes", "R1", "the SIM decodes the first DER element of a message it receives and ignores whatever follows it, so bytes appended on the way are accepted"),

		// The mutants of issue 13 that only an insider reaches: a receiving
		// SIM's check that no honest payer's validly signed record ever trips,
		// so no tampering (which breaks the signature first) reaches it either.
		m("payee-accepts-off-table", "R6", "the payee checks that each record's outputs sum to the coin it spends but not that each output is a table denomination, so a payer's own split creates coins of any value"),
		m("payee-bounds-own-share-only", "R4", "the payee checks that a record pays it no more than the coin it spends is worth but leaves the payer's change unchecked, so a payer's own split can hand itself change created from nothing"),
		m("payee-skips-coin-holder", "R1", "the payee verifies each coin's lineage and the payer's signature on the new record but not that the lineage ends at the payer, so a wallet can pay with a coin another wallet holds"),

		// The mutants of issue 13 that only a power cut in an online operation
		// reaches (a wallet's write, or a bank's commit, in a withdrawal or a
		// deposit), each followed by the client's retry.
		// (withdraw-journals-after-credit, a mutant of chain, is none here: a
		// withdrawal that never reached the SIM returns to it as mail at the
		// next reconciliation, so a journal written late loses nothing for a
		// client that reconciles before it retries.)
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("refresh-without-journal", "R5", "the phone's client exchanges long-lineage coins at reconciliation by handing them in and then withdrawing their value, without journalling the exchange first, so a power cut between the two leaves the value in the account instead of on the SIM"),
		m("deposit-retry-credits-again", "R5", "the agent bank credits a deposit presented again after a lost reply or a power cut a second time (the central bank redeems it once)"),
		m("withdraw-retry-new-request", "R5", "the phone's client journals a withdrawal but presents it again after a lost reply or a power cut under a new request id, so the agent bank serves the retry as a second withdrawal"),

		// The mutants of issue 13 that a fixed order of events let pass: only a
		// generated order (a power cycle between two payments) kills them. The
		// bank mutants of the same work are in the chip catalogue; the banks are
		// the same code under both schemes.
		m("payee-seen-cache-volatile", "R2", "the SIM keeps the serials of the coins it was paid in a cache that a power cycle clears, so after a restart it accepts a coin it was already paid"),

		// Issue 13's mutants for reorder, field and clone. A lock-step exchange
		// shows a receiver a late copy of a message only when a sender
		// retransmitted, and where the late original lands in the receiver's
		// session tells reorder from delay: a reorder's original arrives behind
		// the sender's next message (a HELLO-PAYER behind the TX, while the
		// payee awaits DEDUCTED), a delay's after the exchange.
		// payee-rearms-hello-after-tx goes wrong in the first state only;
		// conformance's TestFaultKindsKill checks that only its kind finds it.
		m("payee-rearms-hello-after-tx", "R1", "once the payee verified a TX its handshake goes back to waiting for HELLO-PAYER (the wait for DEDUCTED is a flag of its own), so a HELLO-PAYER of the same request arriving while it awaits DEDUCTED restarts the request: it answers PROCEED again and waits for a TX, the verified one dropped, so the DEDUCTED that follows is refused: the payer saw its payment acknowledged and the payee stored nothing (until reconciliation settles the payer's upload)"),
		// A repeat answered with the first reply again is allowed (R1.2);
		// the bug is the write the copy makes.
		m("payee-counts-repeated-hello", "R1", "the payee answers a repeated HELLO-PAYER of its open request with the PROCEED it sent the first time, as a retransmitting link needs, but counts every HELLO-PAYER it answers in a persistent handshake counter, so a copy of the message moves the payee's state a second time"),
		// field: a whole field from another valid message. A cut-and-paste
		// of a signature the same wallet made over another message is
		// what a cache keyed by the signature alone lets through; a
		// flipped bit or random bytes miss the cache and fail.
		m("sim-caches-signatures", "R1", "the SIM keeps the signatures it verified in a cache keyed by the signer's key and the signature bytes, not the message, so a message carrying a signature its sender made over an earlier message is accepted"),
		// clone: another device with the same identity pays a coin again.
		m("payee-seen-per-peer-device", "R2", "the payee keeps the serials it was paid per device it was paid over (the link address of the peer phone), not per serial, so a cloned wallet on another phone pays it the same coin again; the same phone rolled back is refused"),

		// Issue 13's mutants for the insider's terms (R5.5): a payee check no
		// honest payer's TX ever trips, reached only by an insider that signs a
		// TX for other terms than the payee requested.
		m("payee-takes-tx-amount", "R5", "the payee takes a TX's amount from the TX itself: it checks the sealed coins against the amount the payer states, not against the amount its request asked for, so a TX for less closes the sale"),
		m("payee-skips-coin-total", "R5", "the payee trusts the signed TX's amount and never adds up the coins it opens: a TX stating the amount asked, whose records pay this wallet less, closes the sale"),

		// Issue 13's mutant for the power cut while a wallet finishes a session
		// (crash-end), written from R2.1 (a coin is spent once): a payer SIM
		// that defers removing the coins it spent to the session's end. Its TX
		// commit journals their keys instead of deleting them (the wallet no
		// longer counts them), power-on completes a journal it finds in one
		// write, and the session's end sweeps the journal in two writes, the
		// journal first: a cut between them leaves the spent coins in the store
		// with no journal, and the wallet spends them again. Every cut inside
		// the session finds the journal and completes it; only a cut while the
		// session finishes reaches the gap.
		m("payer-sweeps-spent-at-close", "R2", "the payer SIM journals the coins a TX spends and removes them from its store only when the session ends, deleting the journal before the coins: a power cut between the two writes brings the spent coins back"),

		// An outside tester's faults (an implementer's slips the catalogue
		// lacked): a check made on the first coin only or on the store
		// only, a limit compared with >= and a count made at the wrong place.
		m("payee-verifies-first-coin-only", "R4", "the payee SIM verifies the issuer's signature and lineage of the first coin a TX carries only and takes the lineage the others claim, so a forged coin sealed after a genuine one is accepted"),
		m("payee-seen-in-store-only", "R2", "the payee SIM looks each spent serial up in the serials it stored from earlier payments but not among the other spends of the same TX, so one coin spent twice in one TX is accepted twice"),
		m("limit-refuses-at-limit", "R6", "the payer SIM compares its offline amount with the limit by >= instead of >, so a payment that takes the offline amount exactly to the limit is refused"),
		m("payer-counts-payment-on-deducted", "R6", "the payer SIM counts a payment towards its offline count limit when the payee's DEDUCT arrives, not when the TX leaves, so payments whose DEDUCT is lost are not counted and the SIM pays more than ten times offline"),
		m("record-counter-volatile", "R5", "the SIM keeps its record counter in RAM and restarts it from zero after a power cycle, so a payment after a restart reuses the counter, and the log key, of an earlier payment not yet uploaded and overwrites its log entry"),
		m("limits-volatile", "R6", "the SIM keeps its offline amount and payment count in RAM, so a power cycle resets the offline limits without the wallet going online"),
		m("payee-checks-nonce-first-record-only", "R1", "the payee SIM checks that the first record a TX carries answers the nonce of this request but takes the others' nonces on trust, so a TX of several records whose later records were signed for an earlier request is accepted"),
		m("mail-credit-forgets-seen", "R2", "when reconciliation credits the SIM with mail (a payment's value a lost message kept from it), the SIM stores the coins but does not note the serials they were split from as paid to it, so a clone's repeat of that payment is accepted offline"),
		m("payee-trusts-moved-coins", "R4", "the payee SIM verifies the issuer's signature and the lineage of a coin straight from its agent, but takes a coin that has changed hands since on the lineage it claims, counting on its earlier payees to have checked it, so a forged coin its forger first paid to itself is accepted"),
		m("settle-forgets-seen", "R2", "reconciliation clears the serials the SIM was paid together with its received-payment entries, counting on the bank to catch repeats from then on, so after the payee reconciles a clone's payment of a coin it already received is accepted offline"),

		// A second outside tester's faults: a check made on one side of
		// the payment only, a clock taken from the wrong place, a count
		// compared by > where >= is meant, a reset written too early.
		m("payer-skips-payee-revocation", "R1", "the payer SIM checks the payee's certificate against the root and its clock but not against its revocation list (the payee SIM checks the payer's), so a revoked wallet is paid"),
		m("payee-skips-payer-revocation", "R1", "the payee SIM checks the payer's certificate against the root and its clock but not against its revocation list (the payer SIM checks the payee's), so a revoked wallet pays"),
		m("validity-at-last-sync", "R1", "the SIM judges a certificate's validity at the time of its last reconciliation, not by the phone's clock, so a certificate that expired since is accepted"),
		m("count-limit-off-by-one", "R6", "the payer SIM compares its offline payment count with the limit by > instead of >=, so it makes an eleventh payment offline"),
		m("payer-answered-volatile", "R1", "the payer SIM keeps the requests it paid in a cache that a power cycle clears, so after a restart a payment request it paid, replayed with the payee's PROCEED, opens a payer session again and is paid twice"),
		m("payee-notes-seen-after-coins", "R2", "the payee SIM stores the coins of a payment in one write and notes the serials they were split from in a second, so a power cut between the two leaves the coins received and the serials unnoted, and a clone's repeat of the payment is accepted offline"),
		m("limits-reset-at-settle", "R6", "the SIM resets its offline amount and count when reconciliation hands it its mail (the first write of a reconciliation), not when the reconciliation ends, so a reconciliation cut after that write has reset the limits"),
	}
}

// bankMutations are the mutants that live in the banks (models/bank).
var bankMutations = map[string]bool{
	"registry-drops-lower-conflict":  true,
	"deposit-rounds-down":            true,
	"deposit-ignores-settled-branch": true,
	"registry-drops-second-spend":    true,
	"withdraw-retry-debits-again":    true,
	"deposit-retry-credits-again":    true,
}

// instanceMutations are the mutants that live in the bank side of
// Instance (reconciliation).
var instanceMutations = map[string]bool{
	"no-mail-forwarding":         true,
	"mail-expires":               true,
	"withdraw-retry-new-request": true,
	"refresh-without-journal":    true,
}

// stamps maps a record id to when mail-expires first saw it registered.
type stamps map[[32]byte]time.Time

// mailTTL is how long mail-expires keeps mail.
const mailTTL = time.Hour

// stampRecords notes, under mail-expires, when each registered record was
// first seen (at the end of the reconciliation that uploaded it).
func (in *Instance) stampRecords() {
	if !in.mutated("mail-expires") {
		return
	}
	if in.stamped == nil {
		in.stamped = stamps{}
	}
	for _, r := range in.cb.Registry().Records() {
		if _, ok := in.stamped[r.ID()]; !ok {
			in.stamped[r.ID()] = in.w.Now()
		}
	}
}

// mailExpired reports whether mail-expires drops the mail rec created.
func (in *Instance) mailExpired(rec *transfer.Signed) bool {
	if !in.mutated("mail-expires") {
		return false
	}
	at, ok := in.stamped[rec.ID()]
	return ok && in.w.Now().Sub(at) > mailTTL
}

// WalletMutants names the mutants whose bug is in the wallet (the SIM),
// not in the banks, and that a Host can play where a served wallet's
// faults reach it (not writeCutMutations).
func WalletMutants() []string {
	return models.MutantNames(Mutants(), func(name string) bool {
		return !bankMutations[name] && !instanceMutations[name] && !storeOnlyMutations[name] && !writeCutMutations[name]
	})
}

func (se *SIM) mutated(name string) bool { return se.mutation != "" && se.mutation == name }

func (in *Instance) mutated(name string) bool { return in.mutation != "" && in.mutation == name }

// verifyHolding is Holding.Verify, or under a lineage mutant the check
// with one part left out.
func (se *SIM) verifyHolding(h *transfer.Holding, lookup transfer.Certs) (transfer.Owner, error) {
	switch {
	case se.mutated("skip-issuer-signature"):
		return models.VerifyHoldingWithout(h, se.CoinKey, lookup, models.OmitIssuerSignature)
	case se.mutated("skip-record-rules"):
		return models.VerifyHoldingWithout(h, se.CoinKey, lookup, models.OmitRecordRules)
	}
	return h.Verify(se.CoinKey, lookup)
}
