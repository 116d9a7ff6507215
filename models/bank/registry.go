package bank

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Instance names one coin in one lineage: its serial and the id of the
// record that created it (zero for an issued coin). Child serials derive
// from the parent alone, so both branches of a double spend create the same
// serials; the instance tells them apart.
type Instance struct {
	Creator [32]byte
	Serial  coin.Serial
}

// String names the instance in views and reports: the first 8 bytes of
// its creator record id and its serial, hex.
func (i Instance) String() string { return fmt.Sprintf("%x/%x", i.Creator[:8], i.Serial[:]) }

// InstanceOf returns the instance a holding stands for.
func InstanceOf(h *transfer.Holding) Instance {
	if n := len(h.Chain); n > 0 {
		return Instance{Creator: h.Chain[n-1].ID(), Serial: h.Serial}
	}
	return Instance{Serial: h.Serial}
}

// entry is one registered record with the holding it spent.
type entry struct {
	parent *transfer.Holding
	rec    *transfer.Signed
	id     [32]byte
}

// DoubleSpend is the evidence that a holder signed two different records
// spending one coin instance. Anyone holding the root certificate and the
// issuer key can check it with VerifyEvidence.
type DoubleSpend struct {
	Culprit     string // device id of the signer
	CulpritCert []byte // its certificate, DER
	Coin        Instance
	Value       int64 // the value spent twice: the excess the central bank claims from the culprit
	// Two holdings of the same instance and the two records spending it.
	HoldingA, HoldingB []byte
	RecordA, RecordB   []byte
	// Certs holds the certificate of every device that signed a record in
	// either holding's lineage, so the evidence is self-contained.
	Certs [][]byte
}

// Registry is the central bank's view of offline activity: every record
// uploaded (with the holding it spends), every redemption, and the
// verdicts derived from them. Verdicts depend only on the set of records,
// not on the order they arrived in.
type Registry struct {
	cb       *CentralBank
	entries  map[[32]byte]*entry            // by record id
	byParent map[Instance][][32]byte        // instance → ids of records spending it
	redeemed map[Instance]bool              //
	children map[Instance]*transfer.Holding // instance → holding of a registered output
	// settled maps every instance on the lineage of a redeemed coin, and
	// the coin itself, to the record that spent it there (the deposit
	// record for the coin itself): the branch that settled. A coin
	// whose lineage takes another branch of the same instance was spent
	// twice upstream and is not redeemed a second time (R2.6).
	settled map[Instance]hop
	// sealed holds the records that reached the central bank only sealed
	// to it (AddSealed, or through a Sealed agent): registered like any
	// other, so conflicts, mail and settlement see them, but not among
	// Entries, what the agent banks forwarded readable. A record
	// registered in the clear later is no longer sealed.
	sealed  map[[32]byte]bool
	sealing bool // inserts are sealed (AddSealed, a Sealed agent's operations)
	// conflicted holds the instances more than one record spends: what
	// DoubleSpends reads (an index, so a deposit's culprit check does not
	// scan every instance the registry knows).
	conflicted map[Instance]bool
	// toPayee indexes the records with an output to their payee, by
	// payee, each list put in id order when Mail reads it after it grew
	// (payeeUnsorted): what Mail reads (so Mail does not sort every
	// entry, nor the payee's unless it was paid since).
	toPayee       map[string][][32]byte
	payeeUnsorted map[string]bool // payees whose toPayee gained ids since it was last sorted
	// paidLog is toPayee in the order the records were registered, and
	// mail what MailKept last found for each holder (its incremental
	// look reads the records the holder was paid by since).
	paidLog map[string][][32]byte
	mail    map[string]*mailMemo
	// cleared lists the record ids in the order they came into the clear
	// (ClearedSince): a record registered in the clear, or revealed.
	cleared [][32]byte
	// refusal holds the payees' signed refusals payers uploaded
	// (refusal.go).
	refusal refusals
}

func newRegistry(cb *CentralBank) *Registry {
	return &Registry{cb: cb, entries: map[[32]byte]*entry{}, byParent: map[Instance][][32]byte{}, redeemed: map[Instance]bool{}, children: map[Instance]*transfer.Holding{}, settled: map[Instance]hop{}, sealed: map[[32]byte]bool{}, conflicted: map[Instance]bool{}, toPayee: map[string][][32]byte{}, payeeUnsorted: map[string]bool{}, paidLog: map[string][][32]byte{}, mail: map[string]*mailMemo{}}
}

// certs resolves signers for lineage checks. Revocation and expiry do not
// undo history: a record a payee accepted stays part of the lineage, so
// certificates are checked for their issuer only. Refusing revoked or
// expired devices is the offline counterparty's job (R1.4).
func (r *Registry) certs(id string) (*devcert.Certificate, error) {
	c, ok := r.cb.certs[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for device %q", id)
	}
	return issuedBy(c, r.cb.Root())
}

func issuedBy(c, root *devcert.Certificate) (*devcert.Certificate, error) {
	if err := c.Verify(root, c.NotBefore, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// VerifyHolding checks a holding's whole lineage against the issuer key
// and the device registry, and that its root was really issued.
func (r *Registry) VerifyHolding(h *transfer.Holding) (transfer.Owner, error) {
	if _, ok := r.cb.issued[h.Root.Serial]; !ok {
		return transfer.Owner{}, spec.Errorf(spec.CodeUntrustedIssuer, "coin %s was never issued", h.Root.Serial)
	}
	return h.Verify(r.cb.CoinKey(), r.certs)
}

// Add registers a record together with the holding it spends. It refuses
// (changing nothing) a holding whose lineage does not verify, a record not
// signed by the holder or not spending that holding, and an invalid
// record. Adding a record already known is a no-op. Conflicts are not
// refused: they are what reconciliation flags.
func (r *Registry) Add(parent *transfer.Holding, rec *transfer.Signed) error {
	if r.Known(rec) {
		r.reveal(parent, rec)
		return nil
	}
	if _, err := r.check(parent, rec); err != nil {
		return err
	}
	if err := r.refusedAdd(parent, rec); err != nil {
		return err
	}
	if r.dropped(parent, rec) {
		return nil
	}
	r.admitLineage(parent)
	r.insert(parent, rec)
	return nil
}

// AddSealed is Add for a record the uploader sealed to the central bank,
// which the agent bank forwarding it cannot read: it is registered (with
// the lineage of its holding) but stays out of Entries, until a record
// of it is registered in the clear.
func (r *Registry) AddSealed(parent *transfer.Holding, rec *transfer.Signed) error {
	defer r.seal(true)()
	return r.Add(parent, rec)
}

// Sealing runs f with every record it registers sealed (AddSealed): an
// upload the uploader sealed to the central bank as a whole.
func (r *Registry) Sealing(f func()) {
	defer r.seal(true)()
	f()
}

// seal makes the registry's inserts sealed (on) until the returned
// function runs; seal(false) changes nothing.
func (r *Registry) seal(on bool) func() {
	if !on || r.sealing {
		return func() {}
	}
	r.sealing = true
	return func() { r.sealing = false }
}

// reveal unseals rec and every record of parent's lineage, now
// registered in the clear (outside a sealed operation).
func (r *Registry) reveal(parent *transfer.Holding, rec *transfer.Signed) {
	if r.sealing || len(r.sealed) == 0 {
		return
	}
	lineage(parent, func(_ Instance, _ *transfer.Holding, l *transfer.Signed) { r.unseal(l.ID()) })
	r.unseal(rec.ID())
}

// check verifies that rec is a valid record spending parent, signed by
// parent's holder, and returns what parent proves. It changes nothing.
func (r *Registry) check(parent *transfer.Holding, rec *transfer.Signed) (transfer.Owner, error) {
	o, err := r.VerifyHolding(parent)
	if err != nil {
		return o, err
	}
	if rec.Parent != parent.Serial || rec.ParentValue != o.Value {
		return o, spec.Errorf(spec.CodeValueMismatch, "record spends %s (%d fen), the holding is %s (%d fen)", rec.Parent, rec.ParentValue, parent.Serial, o.Value)
	}
	if rec.Payer != o.Holder {
		return o, spec.Errorf(spec.CodeWrongRecipient, "record signed for %q, the coin is held by %q", rec.Payer, o.Holder)
	}
	if err := rec.Validate(); err != nil {
		return o, err
	}
	cert, err := r.certs(rec.Payer)
	if err != nil {
		return o, err
	}
	return o, rec.Verify(cert.PublicKey)
}

// insert registers a record check accepted; a known record is a no-op.
func (r *Registry) insert(parent *transfer.Holding, rec *transfer.Signed) {
	id := rec.ID()
	if _, dup := r.entries[id]; dup {
		if !r.sealing {
			r.unseal(id)
		}
		return
	}
	if r.sealing {
		r.sealed[id] = true
	} else {
		r.cleared = append(r.cleared, id)
	}
	inst := InstanceOf(parent)
	r.entries[id] = &entry{parent: parent, rec: rec, id: id}
	r.byParent[inst] = append(r.byParent[inst], id)
	if len(r.byParent[inst]) > 1 {
		r.conflicted[inst] = true
	}
	slices.SortFunc(r.byParent[inst], func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	paid := false
	for _, out := range rec.Outputs {
		r.children[Instance{Creator: id, Serial: out.Serial}] = parent.Extend(rec, out.Serial)
		paid = paid || out.Holder == rec.Payee
	}
	if paid {
		// Sorted into id order, the order Mail forwards in, when Mail
		// reads it (an insert in order moved every id the payee was paid
		// by, at every sale, while MailKept reads paidLog).
		r.toPayee[rec.Payee] = append(r.toPayee[rec.Payee], id)
		r.payeeUnsorted[rec.Payee] = true
		r.paidLog[rec.Payee] = append(r.paidLog[rec.Payee], id)
	}
	r.cb.w.Trace().Online(world.PartyID(rec.Payer), CentralBankID, "record", rec.Marshal(), nil)
}

// unseal brings a sealed record into the clear (a record in the clear
// stays there): it joins Entries, and cleared.
func (r *Registry) unseal(id [32]byte) {
	if r.sealed[id] {
		delete(r.sealed, id)
		r.cleared = append(r.cleared, id)
	}
}

// ClearedSince returns the records that came into the clear (joined
// Entries: registered in the clear, or revealed) at or after mark n, in
// the order they did, and the mark to pass next time: what a reader of
// Entries, such as the anonymity games' adversary, learns since it last
// looked, without reading every entry again.
func (r *Registry) ClearedSince(n int) ([]Entry, int) {
	if n < 0 || n > len(r.cleared) {
		n = 0
	}
	out := make([]Entry, 0, len(r.cleared)-n)
	for _, id := range r.cleared[n:] {
		out = append(out, Entry{Parent: r.entries[id].parent, Record: r.entries[id].rec})
	}
	return out, len(r.cleared)
}

// Entry is a registered record and the holding it spent.
type Entry struct {
	Parent *transfer.Holding
	Record *transfer.Signed
}

// Entries returns every record registered in the clear, in id order:
// what the agent banks forwarded and could read, so what they know of
// the registry. Sealed records (AddSealed) are in AllEntries only.
func (r *Registry) Entries() []Entry {
	var out []Entry
	for _, id := range r.sortedIDs() {
		if !r.sealed[id] {
			out = append(out, Entry{Parent: r.entries[id].parent, Record: r.entries[id].rec})
		}
	}
	return out
}

// AllEntries returns every registered record, sealed or not, in id
// order: what the central bank knows.
func (r *Registry) AllEntries() []Entry {
	ids := r.sortedIDs()
	out := make([]Entry, len(ids))
	for i, id := range ids {
		out[i] = Entry{Parent: r.entries[id].parent, Record: r.entries[id].rec}
	}
	return out
}

// Created reports whether a registered record created the instance.
func (r *Registry) Created(i Instance) bool {
	_, ok := r.children[i]
	return ok
}

// Redeemed reports whether an instance was deposited.
func (r *Registry) Redeemed(i Instance) bool { return r.redeemed[i] }

// Spent reports whether a registered record spends the instance.
func (r *Registry) Spent(i Instance) bool { return len(r.byParent[i]) > 0 }

// redeem marks a deposited coin and the outputs of its deposit record
// (now the agent's, and out of circulation) as redeemed.
func (r *Registry) redeem(h *transfer.Holding, rec *transfer.Signed) {
	r.redeemed[InstanceOf(h)] = true
	id := rec.ID()
	for _, o := range rec.Outputs {
		r.redeemed[Instance{Creator: id, Serial: o.Serial}] = true
	}
}

// Known reports whether a record with rec's id is registered.
func (r *Registry) Known(rec *transfer.Signed) bool {
	_, ok := r.entries[rec.ID()]
	return ok
}

// AddChangesNothing reports whether Add of the record whose id is id would
// change nothing: it is registered, and in the clear or added now in a
// sealed operation (Add of a known record only reveals it, and its
// lineage, when added in the clear; a record in the clear has its
// lineage in the clear). A reconciliation that uploads the last hop of
// every coin a wallet holds skips, by it, the ones it uploaded before
// without hashing them again (kit.UploadHeld with an id cache).
func (r *Registry) AddChangesNothing(id [32]byte) bool {
	_, ok := r.entries[id]
	return ok && (r.sealing || !r.sealed[id])
}

// Records returns every registered record spending an instance, in id
// order (a stable order independent of upload order).
func (r *Registry) Records() []*transfer.Signed {
	ids := make([][32]byte, 0, len(r.entries))
	for id := range r.entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	out := make([]*transfer.Signed, len(ids))
	for i, id := range ids {
		out[i] = r.entries[id].rec
	}
	return out
}

// Mail returns the holdings paid to holder, as payee, by registered records
// that the holder has not spent, redeemed or listed in have: what
// reconciliation forwards to a payee whose payment message was lost.
func (r *Registry) Mail(holder string, have map[Instance]bool) []*transfer.Holding {
	return r.mailExcept(holder, func(i Instance) bool { return have[i] })
}

// HeldSet is the coins a holder holds, as MailKept reads them: whether
// one stands for an instance, and a count that grows whenever the holder
// stops holding a coin (so a set whose count did not move since it was
// last read only gained coins). kit.Core is one.
type HeldSet interface {
	Holds(Instance) bool
	Removals() uint64
	// RemovedSince returns the instances the set stopped holding since
	// Removals was n, in the order it did, and whether it can tell.
	RemovedSince(n uint64) ([]Instance, bool)
}

// mailMemo is what MailKept last found for a holder: read against set
// when set's count of removals was removals, having looked at the first
// seen records of the holder's paidLog, the outputs paid to the holder
// that set did not hold and nobody spent or redeemed, in Mail's order.
type mailMemo struct {
	set      HeldSet
	removals uint64
	seen     int
	pending  []mailCand
}

// mailCand is an output a record paid to its payee: the record's id, the
// output's place among the record's outputs and the instance it makes.
type mailCand struct {
	id   [32]byte
	out  int
	inst Instance
}

// MailKept is Mail for a holder whose coins set keeps, and have the
// instances it holds besides (a deposit a power cut interrupted): the
// same holdings, in the same order. When set is the one the holder's last
// MailKept read and can tell what it stopped holding since, only the
// outputs that were mail then, those of the records registered since and
// those the set stopped holding are looked at (spent and redeemed outputs
// stay so, and a set still holds what it held but what it says it lost):
// Mail reads every record that ever paid the holder, and a merchant is
// paid at every sale (a card at every withdrawal).
func (r *Registry) MailKept(holder string, set HeldSet, have map[Instance]bool) []*transfer.Holding {
	if r.cb.mutated("mail-ignores-collector") {
		return r.mailExcept(holder, func(i Instance) bool { return have[i] || set.Holds(i) })
	}
	log := r.paidLog[holder]
	var cands []mailCand
	from := 0
	if m := r.mail[holder]; m != nil && m.set == set {
		if lost, ok := set.RemovedSince(m.removals); ok {
			cands, from = slices.Clone(m.pending), m.seen
			for _, inst := range lost {
				if c, ok := r.paidTo(holder, inst); ok && !slices.Contains(cands, c) {
					cands = append(cands, c)
				}
			}
		}
	}
	for _, id := range log[from:] {
		e := r.entries[id]
		for j, o := range e.rec.Outputs {
			if o.Holder == holder && o.Holder == e.rec.Payee {
				cands = append(cands, mailCand{id: id, out: j, inst: Instance{Creator: id, Serial: o.Serial}})
			}
		}
	}
	pending := cands[:0]
	for _, c := range cands {
		if !set.Holds(c.inst) && !r.redeemed[c.inst] && !r.Spent(c.inst) {
			pending = append(pending, c)
		}
	}
	slices.SortFunc(pending, func(a, b mailCand) int {
		if c := bytes.Compare(a.id[:], b.id[:]); c != 0 {
			return c
		}
		return a.out - b.out
	})
	r.mail[holder] = &mailMemo{set: set, removals: set.Removals(), seen: len(log), pending: pending}
	var out []*transfer.Holding
	for _, c := range pending {
		if !have[c.inst] {
			out = append(out, r.children[c.inst])
		}
	}
	return out
}

// paidTo returns inst as an output a registered record paid holder, its
// payee, and whether it is one.
func (r *Registry) paidTo(holder string, inst Instance) (mailCand, bool) {
	e := r.entries[inst.Creator]
	if e == nil || e.rec.Payee != holder {
		return mailCand{}, false
	}
	for j, o := range e.rec.Outputs {
		if o.Serial == inst.Serial && o.Holder == holder {
			return mailCand{id: inst.Creator, out: j, inst: inst}, true
		}
	}
	return mailCand{}, false
}

// mailExcept is Mail with the instances the holder has told by held.
func (r *Registry) mailExcept(holder string, held func(Instance) bool) []*transfer.Holding {
	var out []*transfer.Holding
	if r.payeeUnsorted[holder] {
		slices.SortFunc(r.toPayee[holder], func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		delete(r.payeeUnsorted, holder)
	}
	ids := r.toPayee[holder] // in id order
	if r.cb.mutated("mail-ignores-collector") {
		ids = r.sortedIDs()
	}
	for _, id := range ids {
		e := r.entries[id]
		for _, o := range e.rec.Outputs {
			inst := Instance{Creator: id, Serial: o.Serial}
			// Only the payee's outputs are forwarded: an honest payer keeps
			// its change in the same write that spends the coin, so change
			// that is missing from the payer's device was erased by a
			// rollback or a clone, and must not be handed back to it.
			if (o.Holder != holder && !r.cb.mutated("mail-ignores-collector")) || o.Holder != e.rec.Payee || held(inst) || r.redeemed[inst] || r.Spent(inst) {
				continue
			}
			out = append(out, r.children[inst])
		}
	}
	return out
}

func (r *Registry) sortedIDs() [][32]byte {
	ids := make([][32]byte, 0, len(r.entries))
	for id := range r.entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// DoubleSpends returns one piece of evidence per doubly spent instance:
// the two lowest-id records spending it. The result depends only on the
// set of registered records.
func (r *Registry) DoubleSpends() []DoubleSpend {
	insts := slices.Collect(maps.Keys(r.conflicted))
	slices.SortFunc(insts, func(a, b Instance) int {
		if c := bytes.Compare(a.Creator[:], b.Creator[:]); c != 0 {
			return c
		}
		return bytes.Compare(a.Serial[:], b.Serial[:])
	})
	var out []DoubleSpend
	for _, inst := range insts {
		ids := r.byParent[inst]
		a, b := r.entries[ids[0]], r.entries[ids[1]]
		var excess int64
		for range ids[1:] {
			excess += a.rec.ParentValue
		}
		signers := map[string]bool{}
		for _, e := range []*entry{a, b} {
			for _, rec := range e.parent.Chain {
				signers[rec.Payer] = true
			}
		}
		var certs [][]byte
		for _, id := range slices.Sorted(maps.Keys(signers)) {
			if r.cb.mutated("evidence-omits-lineage-certs") {
				break
			}
			certs = append(certs, r.cb.certs[id].Raw)
		}
		culprit := a.rec.Payer
		if r.cb.mutated("evidence-names-payee") {
			culprit = a.rec.Payee
		}
		flagged := inst
		if r.cb.mutated("flag-names-parent") {
			flagged = parentInstance(a.parent)
		}
		out = append(out, DoubleSpend{
			Culprit:     culprit,
			CulpritCert: r.cb.certs[culprit].Raw,
			Coin:        flagged,
			Value:       r.flagValue(a.rec, excess, len(ids)),
			HoldingA:    a.parent.Marshal(), RecordA: a.rec.Marshal(),
			HoldingB: b.parent.Marshal(), RecordB: b.rec.Marshal(),
			Certs: certs,
		})
	}
	return out
}

// VerifyEvidence checks a double-spend claim with public information
// only: the root certificate and the issuer's coin key (the evidence
// carries every other certificate it needs). It returns the
// culprit's device id if the evidence holds: both holdings verify and
// stand for the same coin instance, both records verify under the
// culprit's certificate, spend that instance and differ.
func VerifyEvidence(s suite.Suite, root *devcert.Certificate, coinKey suite.PublicKey, ev DoubleSpend) (string, error) {
	cert, err := devcert.Parse(s, ev.CulpritCert)
	if err != nil {
		return "", err
	}
	if _, err := issuedBy(cert, root); err != nil {
		return "", err
	}
	byID := map[string]*devcert.Certificate{}
	for _, raw := range ev.Certs {
		c, err := devcert.Parse(s, raw)
		if err != nil {
			return "", err
		}
		if byID[c.ID], err = issuedBy(c, root); err != nil {
			return "", err
		}
	}
	certs := func(id string) (*devcert.Certificate, error) {
		if c, ok := byID[id]; ok {
			return c, nil
		}
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "evidence lacks the certificate of %q", id)
	}
	var insts [2]Instance
	var recs [2]*transfer.Signed
	for i, pair := range [2][2][]byte{{ev.HoldingA, ev.RecordA}, {ev.HoldingB, ev.RecordB}} {
		h, err := transfer.ParseHolding(pair[0])
		if err != nil {
			return "", err
		}
		o, err := h.Verify(coinKey, certs)
		if err != nil {
			return "", err
		}
		rec, err := transfer.Parse(pair[1])
		if err != nil {
			return "", err
		}
		if rec.Payer != cert.ID || o.Holder != cert.ID {
			return "", spec.Errorf(spec.CodeWrongRecipient, "evidence %d: signer %q, holder %q, accused %q", i, rec.Payer, o.Holder, cert.ID)
		}
		if rec.Parent != h.Serial {
			return "", spec.Errorf(spec.CodeValueMismatch, "evidence %d: record does not spend the holding", i)
		}
		if err := rec.Verify(cert.PublicKey); err != nil {
			return "", err
		}
		insts[i], recs[i] = InstanceOf(h), rec
	}
	if insts[0] != insts[1] {
		return "", spec.Errorf(spec.CodeValueMismatch, "the two records spend different coins")
	}
	if recs[0].ID() == recs[1].ID() {
		return "", spec.Errorf(spec.CodeValueMismatch, "the two records are the same statement")
	}
	return cert.ID, nil
}

// String renders the evidence for traces and reports.
func (d DoubleSpend) String() string {
	return fmt.Sprintf("double spend of %s (%d fen) by %s", d.Coin.Serial, d.Value, d.Culprit)
}

// lineage calls f for every instance a holding's chain spends, with the
// holding of that instance and the record spending it, oldest first.
func lineage(h *transfer.Holding, f func(inst Instance, parent *transfer.Holding, rec *transfer.Signed)) {
	for k, rec := range h.Chain {
		parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:k], Serial: rec.Parent}
		f(InstanceOf(parent), parent, rec)
	}
}

// hop is one spend on a settled branch: the holding spent and the record
// that spent it.
type hop struct {
	parent *transfer.Holding
	rec    *transfer.Signed
}

// settledElsewhere walks the path a deposit would settle — h's lineage,
// then dep spending h itself — and returns the settled hops it leaves:
// instances that already settled along another record (h descends from a
// coin spent twice whose other branch was redeemed first; or h itself was
// also spent offline, by a clone or a rolled-back copy, and that branch
// was redeemed first, or the other way round). itself says whether h's
// own instance is among them.
func (r *Registry) settledElsewhere(h *transfer.Holding, dep *transfer.Signed) (conflicts []hop, itself bool) {
	lineage(h, func(inst Instance, _ *transfer.Holding, rec *transfer.Signed) {
		if s, ok := r.settled[inst]; ok && s.rec.ID() != rec.ID() {
			conflicts = append(conflicts, s)
		}
	})
	if s, ok := r.settled[InstanceOf(h)]; ok && s.rec.ID() != dep.ID() {
		conflicts, itself = append(conflicts, s), true
	}
	return conflicts, itself
}

// settle records the branch a redeemed holding took at every instance of
// its lineage and, through its deposit record dep, at its own instance,
// where none settled yet.
func (r *Registry) settle(h *transfer.Holding, dep *transfer.Signed) {
	lineage(h, func(inst Instance, parent *transfer.Holding, rec *transfer.Signed) {
		if _, ok := r.settled[inst]; !ok {
			r.settled[inst] = hop{parent, rec}
		}
	})
	if inst := InstanceOf(h); r.settled[inst].rec == nil {
		r.settled[inst] = hop{h, dep}
	}
}

// registerLineage registers every record of h's lineage, so a conflict
// with a branch that settled is flagged with its evidence. Add calls it
// too: a coin received offline and spent onward before its receiver
// reconciled reaches the registry only inside the lineage of the onward
// spend, and if the record that created it is one branch of a double
// spend, only registering it shows the conflict.
func (r *Registry) registerLineage(h *transfer.Holding) {
	lineage(h, func(_ Instance, parent *transfer.Holding, rec *transfer.Signed) {
		r.insert(parent, rec)
	})
}
