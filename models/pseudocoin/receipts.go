package pseudocoin

import (
	"bytes"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

var _ models.Receipter = (*Instance)(nil)

// Receipts are the records wallet p's element signed as payer and has
// not uploaded, each checked by the desk as the upload would have it
// cleared (desk.accepts). A record pays a one-time receiving key, not a
// wallet: the receipt's payee is the wallet that gave that key out in
// an invoice ("" if none did; receiver). An external element's log is not
// reachable: CodeUnimplemented.
func (in *Instance) Receipts(p world.PartyID) ([]models.Receipt, error) {
	if in.desk == nil {
		return nil, spec.Errorf(spec.CodeUnimplemented, "no desk in this instance")
	}
	e, err := in.element(p)
	if err != nil {
		return nil, err
	}
	logs := e.logs()
	var out []models.Receipt
	for _, k := range sortedKeys(logs) {
		r, err := in.parseRecord(logs[k].R)
		if err != nil {
			out = append(out, models.Receipt{Err: err})
			continue
		}
		out = append(out, models.Receipt{Payee: in.receiver(r.Payee), Amount: r.Amount, Err: in.desk.accepts(r)})
	}
	return out, nil
}

// noteInvoice notes, for receipts, that the invoice m (a message to the
// payer; anything else is ignored) came from payee.
func (in *Instance) noteInvoice(payee world.PartyID, m world.Message) {
	if m.Type != msgInvoice {
		return
	}
	v, err := ParseInvoice(m.Payload)
	if err != nil {
		return
	}
	if in.invoicedBy == nil {
		in.invoicedBy = map[string]world.PartyID{}
	}
	if _, ok := in.invoicedBy[keyName(v.Key)]; !ok {
		in.invoicedBy[keyName(v.Key)] = payee
	}
}

// receiver is the wallet that gave out the receiving key spki: the payee
// whose invoice carried it to a payer, or a model element that made it
// ("" if neither).
func (in *Instance) receiver(spki []byte) world.PartyID {
	if p, ok := in.invoicedBy[keyName(spki)]; ok {
		return p
	}
	for _, p := range slices.Sorted(maps.Keys(in.gaveOut)) {
		for _, k := range in.gaveOut[p] {
			if bytes.Equal(k.Public().SPKI(), spki) {
				return p
			}
		}
	}
	return ""
}

// accepts returns nil when the desk would clear r at an upload: it
// cleared it already, or r verifies, its escrow opens, and none of its
// inputs was spent by another record. It changes nothing.
func (d *desk) accepts(r *Record) error {
	id := r.ID()
	if _, ok := d.records[id]; ok {
		return nil
	}
	if err := d.verifier().record(r); err != nil {
		return err
	}
	if _, _, err := d.identityBy(r, d.in.cb.OpenEscrow); err != nil {
		return err
	}
	for _, h := range r.Inputs {
		if prev, ok := d.spent[string(h.Key())]; ok && prev != id {
			return spec.Errorf(spec.CodeDoubleSpend, "one-time key %s was spent before by record %x", keyName(h.Key()), prev[:4])
		}
	}
	return nil
}
