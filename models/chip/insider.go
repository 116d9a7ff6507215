package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

var _ models.Insider = (*Instance)(nil)

// Insider hands the card to an insider (models.Insider): its next
// payments as payer are built by forge.InsiderSpends and signed with the
// card's own key. A TRANSFER states no amount of its own: wrong-amount
// is records paying less than INITIATE asked. The card has no timestamp,
// so the kinds that alter one are unimplemented.
func (in *Instance) Insider(id world.PartyID, p models.InsiderPlan) error {
	return kit.Insider(&in.Table, Name, id, p)
}

// insiderPay answers INITIATE as the staged insider: a TRANSFER of the
// insider's records, encoded as the card encodes every TRANSFER. Nothing
// is committed.
func (se *SE) insiderPay(in *Initiate) ([]byte, error) {
	built, err := se.InsiderSpends(se.payerID(), in.Cert.ID, in.Amount, se.st.Counter, in.Challenge)
	if err != nil {
		return nil, err
	}
	spends := make([]spend, len(built))
	for i, b := range built {
		spends[i] = spend{holding: b.Holding, record: b.Record}
	}
	se.FW.Answered = append([]byte(nil), in.Challenge...)
	se.w.Trace().State(se.Dev.ID(), "insider: %s payment of %d fen to %s, %d records signed, nothing committed", se.FW.Insider.Plan.Kind, in.Amount, in.Cert.ID, len(spends))
	presented := se.Presented(true)
	if len(spends) > 0 && presented == se.OwnCert {
		presented = se.holderCert(spends[0].holding) // as pay presents it
	}
	return encodeTransfer(presented, spends, se.lineageCerts(presented.ID, spends))
}

// validateRecord is Record.Validate, or under the mutants of the insider
// the check without the part they forget.
func (se *SE) validateRecord(r *transfer.Signed) error {
	if se.mutated("payee-skips-output-sum") {
		return models.ValidateRecordWithout(&r.Record, models.OmitOutputSum)
	}
	return r.Validate()
}
