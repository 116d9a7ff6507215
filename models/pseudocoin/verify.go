package pseudocoin

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func idOf(b []byte) [32]byte { return sha256.Sum256(b) }

// keyName is the short name of a one-time key: the first 8 bytes of its
// SHA-256, hex. Store keys and coin ids use it.
func keyName(spki []byte) string {
	h := sha256.Sum256(spki)
	return hex.EncodeToString(h[:8])
}

// verifier checks holdings and records against the desk's public key.
type verifier struct {
	s    suite.Suite
	desk suite.PublicKey
	// skipInputSig, for a mutant, leaves out the check of input
	// signatures.
	skipInputSig bool
	skipDeskSig  bool
	skipRules    bool // the records' arithmetic
	// topDeskSigOnly, for a mutant, checks the desk's signature only on
	// bundles a record spends directly, not deeper in its lineage;
	// firstInputSigOnly, for another, only the first input's signature.
	topDeskSigOnly    bool
	firstInputSigOnly bool
	// skipAmount and skipChallenge, for mutants, leave out the payee's
	// checks of the record's amount and challenge against its invoice.
	skipAmount, skipChallenge bool
	// book, at the desk, is its mint book: a bundle it finds there, byte
	// for byte, is its own and needs no signature check.
	book map[string]mintEntry
}

// holding checks a holding's whole lineage: every bundle signed by the
// desk, every record valid and signed by each of its input keys.
func (v verifier) holding(h *Holding) error {
	if h.Bundle != nil {
		b := h.Bundle
		if err := checkTable(b.Coins, "a bundle"); err != nil && spec.Makes("pc-record-table") {
			return err
		}
		if v.skipDeskSig || !spec.Makes("pc-bundle-desk") {
			return nil
		}
		if e, ok := v.book[string(b.Key)]; ok && e.id == b.id() {
			return nil
		}
		if err := v.desk.Verify(b.TBS(), b.Sig); err != nil {
			return spec.Errorf(spec.CodeBadSignature, "a bundle is not signed by the central bank's desk: %v", err)
		}
		return nil
	}
	return v.record(h.Record)
}

// record checks a record: arithmetic, inputs, one signature per input
// key. The escrow is sealed to the central bank and not checked here.
func (v verifier) record(r *Record) error {
	if err := r.Validate(); err != nil && !v.skipRules {
		return err
	}
	if len(r.Sigs) != len(r.Inputs) {
		// ParseRecord refuses it (pc-record-shape): only a Record built
		// in Go, or parsed with that check dropped, gets here; the guard
		// keeps the signatures' indexing below from panicking.
		return spec.Errorf(spec.CodeInternal, "a record with %d signatures for %d inputs past the parser", len(r.Sigs), len(r.Inputs))
	}
	tbs := r.TBS()
	for i, in := range r.Inputs {
		inner := v
		if v.topDeskSigOnly && in.Record != nil {
			inner.skipDeskSig = true
		}
		if err := inner.holding(in); err != nil {
			return err
		}
		if v.skipInputSig || (i > 0 && v.firstInputSigOnly) || !spec.Makes("pc-input-signature") {
			continue
		}
		pub, err := v.s.ParsePublicKey(in.Key())
		if err != nil {
			return err
		}
		if err := pub.Verify(tbs, r.Sigs[i]); err != nil {
			return spec.Errorf(spec.CodeWrongRecipient, "input %d of the record is not signed by the key it is bound to: %v", i, err)
		}
	}
	return nil
}

// bundleSize is the largest bundle the desk mints: the wallet's value is
// minted as bundles of this size and at most one smaller one, so that a
// payment of up to the size spends one bundle whose value tells the payee
// nothing of the payer.
const bundleSize = 50000
