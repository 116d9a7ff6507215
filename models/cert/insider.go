package cert

import (
	"encoding/hex"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

var _ models.Insider = (*Instance)(nil)

// Insider hands the SIM to an insider (models.Insider): its next payments
// as payer are built by forge.InsiderSpends, sealed and signed as the SIM
// seals and signs every TX (whose clear amount, for wrong-amount, is the
// lesser amount the records pay, or with StatesAsked the amount asked),
// and the insider signs the
// deduct-success notice its payee asks for without deducting anything.
// The TX has no timestamp, so the kinds that alter one are unimplemented.
func (in *Instance) Insider(id world.PartyID, p models.InsiderPlan) error {
	return kit.Insider(&in.Table, Name, id, p)
}

// insiderTx answers PROCEED as the staged insider. Nothing is committed.
func (se *SIM) insiderTx(sess *payerSession, nk string) ([]byte, error) {
	built, err := se.InsiderSpends(se.recordPayer(), sess.payee.ID, sess.amount, se.st.Counter, sess.nonce)
	if err != nil {
		return nil, err
	}
	spends := make([]spend, len(built))
	recs := make([]*transfer.Signed, len(built))
	for i, b := range built {
		spends[i] = spend{holding: b.Holding, record: b.Record, holdingDER: b.Holding.Marshal(), recordDER: b.Record.Marshal()}
		recs[i] = b.Record
	}
	stated := *sess // the TX states the amount the records pay, or with StatesAsked the amount asked
	if !se.FW.Insider.Plan.StatesAsked {
		stated.amount = forge.Stated(se.FW.Insider, sess.amount)
	}
	b, err := se.sealTx(&stated, spends)
	if err != nil {
		return nil, err
	}
	se.FW.Insider.Promised[nk] = se.digestOf(recs)
	se.FW.Answered = append([]byte(nil), sess.nonce...)
	delete(se.payers, nk)
	se.w.Trace().State(se.Dev.ID(), "insider: %s payment of %d fen to %s, %d records signed, nothing deducted", se.FW.Insider.Plan.Kind, sess.amount, sess.payee.ID, len(spends))
	return b, nil
}

// insiderDeduct answers a DEDUCT for an insider payment with a signed
// deduct-success notice and deducts nothing; ok is false for any other
// DEDUCT.
func (se *SIM) insiderDeduct(msg *message) (b []byte, ok bool, err error) {
	if se.FW.Insider == nil {
		return nil, false, nil
	}
	digest, ok := se.FW.Insider.Promised[hex.EncodeToString(msg.Nonce)]
	if !ok {
		return nil, false, nil
	}
	notice := &message{Tag: TagDeducted, Nonce: msg.Nonce, Payer: se.Name, Payee: msg.Payee, Digest: digest}
	b, err = notice.sign(se.Priv)
	return b, true, err
}

// validateRecord is Record.Validate, or under the insider's mutants the
// check without the part they forget.
func (se *SIM) validateRecord(r *transfer.Signed) error {
	switch {
	case se.mutated("payee-accepts-off-table"):
		return models.ValidateRecordWithout(&r.Record, models.OmitDenominations)
	case se.mutated("payee-bounds-own-share-only"):
		if paid := r.PaidTo(se.Name); paid > r.ParentValue {
			return spec.Errorf(spec.CodeValueMismatch, "the record pays this wallet %d fen out of a %d fen coin", paid, r.ParentValue)
		}
		return models.ValidateRecordWithout(&r.Record, models.OmitOutputSum)
	}
	return r.Validate()
}
