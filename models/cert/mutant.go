package cert

import (
	"slices"

	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Mutants returns the cert scheme's mutant catalogue, all of the
// recovering variant ("cert"): each switches one realistic implementation
// bug into one place of the model (look for mutated("name")). A Scheme
// literal never sets one.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{Variant: Recovering}, func(name string) Scheme { return Scheme{Variant: Recovering, mutation: name} })
	return append([]models.Mutant{
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
	}, slices.Concat(vacuousMutants(m), faultKindMutants(m), insiderMutants(m), onlineMutants(m), orderMutants(m), kinds2Mutants(m), kinds3Mutants(m), endCrashMutants(m))...)
}

// bankMutations are the mutants that live in the banks (models/bank).
var bankMutations = map[string]bool{
	"registry-drops-lower-conflict":  true,
	"deposit-rounds-down":            true,
	"deposit-ignores-settled-branch": true,
	"registry-drops-second-spend":    true,
}

// instanceMutations are the mutants that live in the bank side of
// Instance (reconciliation).
var instanceMutations = map[string]bool{
	"no-mail-forwarding": true,
	"mail-expires":       true,
}

// vacuousMutants are the mutants that the checks made exact in issue 14
// kill and the properties before them did not.
func vacuousMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("mail-expires", "R5", "the bank discards the mail an interrupted payment left for a payee an hour after the upload that brought it in, so a payee offline longer never receives the payment"),
	}
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
	var out []string
	for _, m := range Mutants() {
		if !bankMutations[m.Name] && !instanceMutations[m.Name] && !storeOnlyMutations[m.Name] && !writeCutMutations[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
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
