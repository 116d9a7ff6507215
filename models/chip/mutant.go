package chip

import (
	"slices"

	"maps"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Mutants returns the chip scheme's mutant catalogue: each switches one
// realistic implementation bug into one place of the model (look for
// mutated("name")). The reference (the zero Scheme) never sets one.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{}, func(name string) Scheme { return Scheme{mutation: name} })
	return append([]models.Mutant{
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
	}, slices.Concat(vacuousMutants(m), faultMutants(m), insiderMutants(m), onlineMutants(m), orderMutants(m), kindsMutants(m), kinds2Mutants(m), relayMutants(m), anonMutants(m), kinds3Mutants(m), kinds4Mutants(m))...)
}

// faultMutants are the mutants of issue 13 that only an acting fault
// reaches: the bug sits where a redirected or relayed message arrives.
func faultMutants(m models.MutantOf) []models.Mutant {
	return append([]models.Mutant{
		m("card-answers-stray-initiate", "R1", "a card hands a payment message that reaches it outside any payment its holder started or joined to its payment application, so an INITIATE redirected to a bystander's card makes that card pay"),
	}, faultKindMutants(m)...)
}

// hostMutations are the mutants that live in the wallet host around the
// card (which messages it hands the card), not in the card itself.
var hostMutations = map[string]bool{
	"card-answers-stray-initiate": true,
}

// CardMutants names the mutants whose bug is in the card (not in the
// banks): the ones a Host can play.
func CardMutants() []string {
	var out []string
	for _, m := range Mutants() {
		if !bankMutations[m.Name] && !hostMutations[m.Name] && !offCardMutations[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
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

// vacuousMutants are the mutants that the exact checks of issue 14 (R2.3,
// R4.5, R6.1, R6.7) kill and the properties before them did not; the one
// exception is redeem-at-root-value, which the earlier R6.7 also killed
// and which the earlier R6.1 did not.
func vacuousMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("flag-names-parent", "R2", "the registry's double-spend flag names the coin the doubly spent coin was made from (its parent instance) instead of the coin itself"),
		m("deposit-honours-double-spend", "R4", "the agent bank flags a deposited coin that descends from a coin spent twice whose other branch was already redeemed, and credits it anyway, counting on recovering the excess from the culprit"),
		m("redeem-at-root-value", "R6", "the central bank redeems a deposited coin, in its redemption total and the agent's reserve, at the face value of the issued coin it was split from, while the customer is credited the coin's own value"),
		m("deposit-credits-root-value", "R6", "the agent bank credits a deposited coin at the face value of the issued coin it was split from, while the central bank redeems the coin's own value"),
	}
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
