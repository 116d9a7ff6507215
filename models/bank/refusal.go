package bank

import (
	"bytes"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Refusals. A payer that rolled a payment back on its payee's signed
// refusal (chip's REFUSE), holding the coins that returned, lodges the
// refused records with the refusal at reconciliation (Registry.Refused);
// the scheme verified the refusal's signature under the payee's
// certificate first. The registry holds the payee to its word that it
// stored nothing:
//
//   - A refused record no one registered yet is void: it never spends its
//     parent (the payer's coin is the payer's again), Add refuses
//     it and every record descending from it, and a deposit of a coin
//     whose lineage holds it is seized: the coin leaves circulation and
//     nobody is credited. Whoever took such a coin offline took it from
//     the payee, who is named (RefusalFrauds).
//   - A refused record already registered (the payee uploaded or
//     deposited what it said it refused) stands: the payment happened.
//     The payer's restored coin (held on the card since) is then spent
//     already; its deposit by the payer is seized (the payer is not
//     credited twice and is not flagged as a double spender), and the
//     scheme returns the payer its change. The payee is named.
//
// Either way the payer ends debited exactly what the payee could keep,
// and the refusal with the record it contradicts is the evidence.

// Refusal is what a payer uploads for a payment its payee refused.
type Refusal struct {
	Payer, Payee string   // Payer: the card, or any pseudonym of its holder (CentralBank.HolderOf), signing Records
	PayeeCert    []byte   // DER: the refusing payee's certificate
	PayerCert    []byte   // DER: the certificate of the payer that signed Records (in a RefusalFraud: that signed its Record)
	Holdings     [][]byte // DER: what the refused payment spent
	Records      [][]byte // DER: the payer's records spending them (they name the payee and the challenge)
	Data         []byte   // the scheme's refusal message, signed by the payee (chip: REFUSE data)
}

// RefusalFraud names a payee that used value it had refused with its
// signature. Spend, when present, is a record the payee signed spending
// an output of the refused Record (its deposit, or an onward payment):
// with the refusal, a third party holding the certificates can check it
// (chip.VerifyRefusalFraud). Without Spend, only the registry's word says
// the payee uploaded the coin.
type RefusalFraud struct {
	Payee   string
	Refusal Refusal
	Record  []byte // DER: the refused record the payee used
	Spend   []byte // DER: the payee's own spend of its output, if known
}

// refusals is the registry's state of refusals (refusal.go): void record
// ids with the refusal that voided them, the refusals lodged against
// registered records, and the frauds named.
type refusals struct {
	void      map[[32]byte]*Refusal
	stands    map[Instance]*Refusal // by the payer's coin a registered, refused record spends
	frauds    []RefusalFraud
	fraudSeen map[[2][32]byte]bool // (record, spend) pairs already named
}

// Refused lodges refusal for recs (the payer's records, each spending the
// holding of the same index). It returns the records that stand (already
// registered: the payee used them) and voids the others. A record not
// signed by its holder or not spending that holding is refused, changing
// nothing.
func (r *Registry) Refused(ref Refusal, parents []*transfer.Holding, recs []*transfer.Signed) (stand []int, err error) {
	if len(parents) != len(recs) {
		return nil, spec.Errorf(spec.CodeMalformed, "%d records for %d holdings", len(recs), len(parents))
	}
	for i, rec := range recs {
		if !r.Known(rec) {
			if _, err := r.check(parents[i], rec); err != nil {
				return nil, err
			}
		}
		if rec.Payee != ref.Payee || r.cb.HolderOf(rec.Payer) != r.cb.HolderOf(ref.Payer) {
			return nil, spec.Errorf(spec.CodeWrongRecipient, "a record from %s to %s lodged with %s's refusal of %s's payment", rec.Payer, rec.Payee, ref.Payee, ref.Payer)
		}
	}
	rf := &r.refusal
	if rf.void == nil {
		rf.void, rf.stands, rf.fraudSeen = map[[32]byte]*Refusal{}, map[Instance]*Refusal{}, map[[2][32]byte]bool{}
	}
	for i, rec := range recs {
		if r.Known(rec) {
			stand = append(stand, i)
			rf.stands[InstanceOf(parents[i])] = &ref
			r.nameRefuser(&ref, rec, r.payeeSpend(rec))
			continue
		}
		rf.void[rec.ID()] = &ref
	}
	return stand, nil
}

// payeeSpend returns a registered record spending the payee's output of
// rec, if any (the payee's own signature on using it).
func (r *Registry) payeeSpend(rec *transfer.Signed) *transfer.Signed {
	id := rec.ID()
	for _, o := range rec.Outputs {
		if o.Holder != rec.Payee {
			continue
		}
		for _, sid := range r.byParent[Instance{Creator: id, Serial: o.Serial}] {
			return r.entries[sid].rec
		}
	}
	return nil
}

// nameRefuser records the fraud of ref's payee, once per record and
// spend.
func (r *Registry) nameRefuser(ref *Refusal, rec, spend *transfer.Signed) {
	key := [2][32]byte{rec.ID()}
	var sb []byte
	if spend != nil {
		key[1], sb = spend.ID(), spend.Marshal()
	}
	if r.refusal.fraudSeen[key] {
		return
	}
	r.refusal.fraudSeen[key] = true
	ev := *ref
	if c, ok := r.cb.certs[rec.Payer]; ok {
		// The certificate that signed this record: a payer card holding
		// its coins under several pseudonyms (chip's desk) signs each
		// record under its coin's.
		ev.PayerCert = c.Raw
	}
	r.refusal.frauds = append(r.refusal.frauds, RefusalFraud{Payee: ref.Payee, Refusal: ev, Record: rec.Marshal(), Spend: sb})
	r.cb.w.Trace().Note(CentralBankID, "payee %s used a payment it refused with its signature", ref.Payee)
}

// RefusalFrauds returns the payees named for using what they refused, in
// the order they were named.
func (r *Registry) RefusalFrauds() []RefusalFraud { return slices.Clone(r.refusal.frauds) }

// voidIn returns the void record on parent's lineage or rec itself, if
// any.
func (r *Registry) voidIn(parent *transfer.Holding, rec *transfer.Signed) (*transfer.Signed, *Refusal) {
	if len(r.refusal.void) == 0 {
		return nil, nil
	}
	for _, c := range append(slices.Clip(parent.Chain), rec) {
		if ref, ok := r.refusal.void[c.ID()]; ok {
			return c, ref
		}
	}
	return nil, nil
}

// refusedAdd is Add's refusal of a record that is void or descends from
// one (nil if none): the payee who refused it is named when a record of
// the lineage is its own spend of the void record's output.
func (r *Registry) refusedAdd(parent *transfer.Holding, rec *transfer.Signed) error {
	void, ref := r.voidIn(parent, rec)
	if void == nil {
		return nil
	}
	if spend := spendOf(append(slices.Clip(parent.Chain), rec), void); spend != nil {
		r.nameRefuser(ref, void, spend)
	}
	return spec.Errorf(spec.CodeReplay, "record %x descends from a payment its payee %s refused with its signature", rec.ID(), ref.Payee)
}

// spendOf returns the record of chain that spends void's output to its
// payee, if any.
func spendOf(chain []*transfer.Signed, void *transfer.Signed) *transfer.Signed {
	for i, c := range chain {
		if c.ID() == void.ID() && i+1 < len(chain) && chain[i+1].Payer == void.Payee {
			return chain[i+1]
		}
	}
	return nil
}

// seizes reports whether the deposit of h by holder with record dep is
// seized (accepted, nobody credited, nothing registered): h descends from
// a void record, or h is a payer's coin that a refused record which
// stands spent already. It names the payee.
func (r *Registry) seizes(h *transfer.Holding, dep *transfer.Signed, holder string) bool {
	if len(r.refusal.void) == 0 && len(r.refusal.stands) == 0 {
		return false
	}
	if void, ref := r.voidIn(h, dep); void != nil {
		if spend := spendOf(append(slices.Clip(h.Chain), dep), void); spend != nil {
			r.nameRefuser(ref, void, spend)
		}
		r.cb.w.Trace().Note(CentralBankID, "deposit of %s by %s seized: it descends from a payment %s refused", h.Serial, holder, ref.Payee)
		return true
	}
	ref, ok := r.refusal.stands[InstanceOf(h)]
	if !ok || r.cb.HolderOf(ref.Payer) != r.cb.HolderOf(holder) {
		return false
	}
	for _, id := range r.byParent[InstanceOf(h)] {
		if rec := r.entries[id].rec; slices.ContainsFunc(ref.Records, func(b []byte) bool { return bytes.Equal(b, rec.Marshal()) }) {
			r.cb.w.Trace().Note(CentralBankID, "deposit of %s by %s seized: its refused payment to %s stands", h.Serial, holder, ref.Payee)
			return true
		}
	}
	return false
}
