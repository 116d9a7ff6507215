package chain

import (
	"slices"

	"bytes"

	"github.com/dualoffline/dualoffline/models"
)

// Mutants returns the chain scheme's mutant catalogue (four nodes, three
// confirmations): each switches one realistic implementation bug into one
// place of the model (look for mutated("name")). A Scheme literal never
// sets one.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{}, func(name string) Scheme { return Scheme{mutation: name} })
	return append([]models.Mutant{
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
	}, slices.Concat(insiderMutants(m), onlineMutants(m), partitionMutants(m), gossipMutants(m), sourceMutants(m))...)
}

// WalletMutants names the mutants whose bug is in the wallet (not in the
// master nodes or the central bank): the ones a Host can play.
func WalletMutants() []string {
	var out []string
	for _, m := range Mutants() {
		if walletMutations[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
}

// walletMutations are the mutants that live in the wallet (wallet.go,
// device.go).
var walletMutations = map[string]bool{
	"payee-skips-time-window": true,
	"payee-skips-signature":   true,
	"payee-skips-cert-verify": true,
	"no-write-ahead-log":      true,
	"limits-not-reset":        true,
	// wallet-lumps-change lives in the wallet too, but is not offered to
	// a Host: R6.2 first sees it at the 8th case (seed 1), deeper than the
	// hosted hunt of conformance/interactive goes. Nor is
	// payee-skips-amount-check (mutant_insider.go): only R5.5's insider
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
