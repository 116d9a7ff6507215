package pseudocoin

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// verifiedSigs remembers signatures that verified, by SHA-256 of the
// suite, the public key's DER, the message and the signature: a record's
// input signatures are checked by its payee, then by the desk when the
// payee exchanges the holding and again when it clears the record; the
// escrow's device signature when the record clears and when a double
// spend is flagged. Whether a signature verifies is a pure function of
// those four, so a success is kept (failures are not, and nothing is
// looked up or kept while a check is dropped: spec.Dropping). A reused
// verification is counted as saved (opcount.SavedFor), not as done, so
// the crypto floor counts it once.
var verifiedSigs = memo.New[[32]byte, struct{}]("models/pseudocoin verified signatures", 1<<14)

// verifySig is pub.Verify(msg, sig) of suite s through verifiedSigs.
func verifySig(s suite.Suite, pub suite.PublicKey, msg, sig []byte) error {
	if spec.Dropping() {
		return pub.Verify(msg, sig)
	}
	h := sha256.New()
	for _, b := range [][]byte{[]byte(s.ID()), pub.SPKI(), msg, sig} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	var k [32]byte
	h.Sum(k[:0])
	if _, ok := verifiedSigs.Get(k); ok {
		opcount.SavedFor(s.ID()).Add(opcount.Ops{Verify: 1})
		return nil
	}
	if err := pub.Verify(msg, sig); err != nil {
		return err
	}
	if !spec.Dropping() {
		verifiedSigs.Put(k, struct{}{})
	}
	return nil
}

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
		if e, ok := v.book[string(b.Key)]; ok && e.id == idOf(b.Marshal()) {
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
		if err := v.holding(in); err != nil {
			return err
		}
		if v.skipInputSig || !spec.Makes("pc-input-signature") {
			continue
		}
		pub, err := v.s.ParsePublicKey(in.Key())
		if err != nil {
			return err
		}
		if err := verifySig(v.s, pub, tbs, r.Sigs[i]); err != nil {
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
