package pseudocoin

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// desk is the central bank's issuance desk: it mints bundles to one-time
// keys, clears the records wallets upload, detects and attributes double
// spends, and keeps what it owes each holder until its next
// reconciliation. Its state changes only inside a bank transaction
// (CentralBank.Transact), so a power cut of the banks hits it before or
// after a whole operation.
type desk struct {
	in *Instance
	// ownRecords is set while an upload's own records (those its holder
	// signed as payer) are cleared: large-logged-from-payer-only logs
	// only then.
	ownRecords bool
	key        suite.PrivateKey // signs bundles
	sealKey    suite.PrivateKey // opens uploads
	agent      suite.PrivateKey // the agent bank's own key (it opens nothing of a payment)

	records   map[[32]byte]*cleared
	paying    map[string][][32]byte // receiving key → the cleared records paying it
	spent     map[string][32]byte   // one-time key → the record that spent it (zero: surrendered to the desk)
	claimed   map[string]string     // receiving key → holder that exchanged it
	claimedBy map[string][32]byte   // receiving key → the record whose payment was exchanged
	void      map[string]string     // receiving key → holder that renounced it
	owed      map[string]int64      // holder → value to mint at its next reconciliation
	minted    map[string][][]byte   // mint request → the bundles it got
	book      map[string]mintEntry  // one-time key → the bundle minted to it and for whom
	vaulted   map[string]bool       // withdrawal requests served: their value is in the vault
	doubles   []bank.DoubleSpend
	// surrendered holds, by one-time key, the signed surrender of a
	// bundle given back at reconciliation: evidence should the key also
	// sign a record.
	surrendered map[string][]byte
	flagged     map[string]bool                     // one-time keys flagged
	paid        []paid                              // records credited to a payee, in order
	logs        map[world.PartyID][]models.Observed // what each holder's agent bank received
}

// mintEntry is the desk's book of one bundle it minted.
type mintEntry struct {
	holder string
	id     [32]byte // SHA-256 of the bundle's DER
}

// paid is a record whose payment a payee exchanged.
type paid struct {
	payee string
	models.Traced
}

// cleared is a record the desk accepted.
type cleared struct {
	rec      *Record
	payer    string // the identity its escrow names
	refunded bool   // the amount went back to the payer (the payee renounced the key)
	logged   bool   // a large payment logged at the payer's agent bank
}

func newDesk(in *Instance) (*desk, error) {
	r := in.w.Rand("pseudocoin/desk")
	k, err := in.s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	sk, err := in.s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	ak, err := in.s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	return &desk{in: in, key: k, sealKey: sk, agent: ak,
		records: map[[32]byte]*cleared{}, paying: map[string][][32]byte{}, spent: map[string][32]byte{}, claimed: map[string]string{}, claimedBy: map[string][32]byte{},
		void: map[string]string{}, owed: map[string]int64{}, minted: map[string][][]byte{}, book: map[string]mintEntry{},
		vaulted: map[string]bool{}, flagged: map[string]bool{}, surrendered: map[string][]byte{},
		logs: map[world.PartyID][]models.Observed{},
	}, nil
}

func (d *desk) agentKey() suite.PublicKey { return d.agent.Public() }

func (d *desk) verifier() verifier {
	return verifier{s: d.in.s, desk: d.key.Public(), book: d.book}
}

// identityOf opens a record's escrow and checks it: the central bank's
// trace key opens it, it names a device the central bank certified, and
// that device signed the record's core. The certificate counts whatever
// its standing now: a device revoked or expired after it paid still
// signed what it paid before, and its payee is owed the value.
func (d *desk) identityOf(r *Record) (string, escrowBody, error) {
	return d.identityBy(r, d.in.cb.Trace)
}

// identityBy is identityOf with the escrow opened by open: the central
// bank's Trace, or OpenEscrow where the check must leave no trace line.
func (d *desk) identityBy(r *Record, open func([]byte) (string, error)) (string, escrowBody, error) {
	plain, err := open(r.Escrow)
	if err != nil {
		return "", escrowBody{}, spec.Errorf(spec.CodeBadSeal, "the record's escrow does not open under the trace key: %v", err)
	}
	body, err := parseEscrow([]byte(plain))
	if err != nil {
		return "", escrowBody{}, err
	}
	cert, ok := d.in.cb.Certificate(body.Identity)
	if !ok {
		return "", escrowBody{}, spec.Errorf(spec.CodeUntrustedIssuer, "the escrow names %q, no certified device", body.Identity)
	}
	if err := cert.PublicKey.Verify(r.Core(), body.DevSig); err != nil && !d.in.mutated(mutantTrustEscrow) {
		return "", escrowBody{}, spec.Errorf(spec.CodeBadSignature, "the escrow names %s, whose device did not sign the record: %v", body.Identity, err)
	}
	return body.Identity, body, nil
}

// minterOf is whom the desk minted the bundle at the root of r's first
// input for: the trace a mutant (trace-names-minter) gives instead of the
// escrow's payer.
func (d *desk) minterOf(r *Record) string {
	for len(r.Inputs) > 0 {
		h := r.Inputs[0]
		if h.Bundle != nil {
			return d.book[string(h.Bundle.Key)].holder
		}
		if h.Record == nil {
			break
		}
		r = h.Record
	}
	return ""
}

// clear accepts a record (and, first, every record of its inputs'
// lineage): it must verify, its escrow must name its payer, and none of
// its input keys may have been spent by another record. A conflict is a
// double spend: flagged with evidence, the later record refused. It
// returns the cleared record, or why it was refused.
func (d *desk) clear(r *Record) (*cleared, error) {
	id := r.ID()
	if c, ok := d.records[id]; ok {
		return c, nil
	}
	if err := d.verifier().record(r); err != nil {
		return nil, err
	}
	payer, body, err := d.identityOf(r)
	if err != nil {
		return nil, err
	}
	for _, in := range r.Inputs {
		if in.Record != nil {
			if _, err := d.clear(in.Record); err != nil {
				return nil, fmt.Errorf("an input's lineage: %w", err)
			}
		}
	}
	for i, in := range r.Inputs {
		k := string(in.Key())
		prev, spent := d.spent[k]
		if !spent || d.in.mutated(mutantNoDoubleCheck) || (i > 0 && d.in.mutated(mutantDoubleFirstInput)) || (prev == [32]byte{} && d.in.mutated(mutantSurrenderNotSpend)) {
			continue
		}
		d.flag(in, prev, r, payer, body)
		return nil, spec.Errorf(spec.CodeDoubleSpend, "one-time key %s was spent before by record %x: a double spend by %s", keyName(in.Key()), prev[:4], payer)
	}
	for _, in := range r.Inputs {
		k := string(in.Key())
		d.spent[k] = id
		if in.Record != nil && !in.Change {
			if _, ok := d.claimedBy[k]; !ok {
				d.claimedBy[k] = in.Record.ID()
				defer d.settleAll(k)
			}
		}
	}
	c := &cleared{rec: r, payer: payer}
	d.records[id] = c
	d.logLarge(c)
	d.paying[string(r.Payee)] = append(d.paying[string(r.Payee)], id)
	d.settle(c)
	return c, nil
}

// logLarge logs a payment above T at its payer's agent bank, against
// the account of the payer its escrow names, once: when the desk first
// clears it, from whichever upload carries it.
func (d *desk) logLarge(c *cleared) {
	large := c.rec.Amount > d.in.cfg.Threshold
	if d.in.mutated(mutantLargeAtT) {
		large = c.rec.Amount >= d.in.cfg.Threshold
	}
	if c.logged || large == d.in.mutated(mutantLargeNotLogged) {
		return
	}
	if !d.ownRecords && d.in.mutated(mutantLargeOwnUpload) {
		return // logged only while clearing the payer's own upload
	}
	c.logged = true
	l := Large{Account: d.in.agent.AccountOf(c.payer), Amount: c.rec.Amount, Record: c.rec.ID()}
	p := world.PartyID(c.payer)
	d.logs[p] = append(d.logs[p], models.Observed{Label: fmt.Sprintf("large payment %d", len(d.logs[p])), Bytes: l.Marshal()})
}

// flag records a double spend of in's key: by record prev (or a
// surrender to the desk) and by r.
func (d *desk) flag(in *Holding, prev [32]byte, r *Record, payer string, body escrowBody) {
	k := string(in.Key())
	if d.flagged[k] {
		return
	}
	d.flagged[k] = true
	cert, _ := d.in.cb.Certificate(payer) // revoked or not: the evidence names who signed
	bodies := [][]byte{nil, body.marshal()}
	var recA []byte
	if c, ok := d.records[prev]; ok {
		recA = c.rec.Marshal()
		if _, b, err := d.identityOf(c.rec); err == nil {
			bodies[0] = b.marshal()
		}
	} else {
		recA = d.surrendered[k] // the key's signed surrender of its bundle
	}
	// One flag per coin of the holding spent twice, as the registry
	// flags coin instances.
	for i, v := range in.Coins() {
		ev := bank.DoubleSpend{
			Culprit: payer, Coin: instanceOf(in.Key(), i), Value: v,
			HoldingA: in.Marshal(), HoldingB: in.Marshal(), RecordA: recA, RecordB: r.Marshal(), Certs: bodies,
		}
		if cert != nil {
			ev.CulpritCert = cert.Raw
		}
		d.doubles = append(d.doubles, ev)
	}
	d.in.w.Trace().Note(bank.CentralBankID, "double spend of one-time key %s by %s", keyName(in.Key()), payer)
}

// instanceOf names coin i of the holding of a one-time key as the
// registry names coin instances: the key's SHA-256 and the coin's index.
func instanceOf(key []byte, i int) bank.Instance {
	in := bank.Instance{Creator: sha256.Sum256(key)}
	in.Serial[len(in.Serial)-1] = byte(i)
	return in
}

// Sync is one reconciliation upload, opened and checked. It returns what
// the desk now owes the holder.
func (d *desk) sync(party world.PartyID, sealed []byte) (int64, map[string]error, error) {
	plain, err := openUpload(d.in.s, d.sealKey, sealed)
	if d.in.mutated(mutantUploadClear) {
		plain, err = sealed, nil
	}
	if err != nil {
		return 0, nil, spec.Errorf(spec.CodeBadSeal, "upload: %v", err)
	}
	u, body, err := parseUpload(plain)
	if err != nil {
		return 0, nil, err
	}
	cert, err := d.in.cb.Cert(u.Identity)
	if err != nil {
		return 0, nil, spec.Errorf(spec.CodeUntrustedIssuer, "upload from %q: %v", u.Identity, err)
	}
	if err := cert.PublicKey.Verify(body, u.Sig); err != nil {
		return 0, nil, spec.Errorf(spec.CodeBadSignature, "upload from %s: %v", u.Identity, err)
	}
	holder := u.Identity
	// A record or holding that does not check is refused on its own
	// (the trace shows the refusal, naming the uploader) and the rest of
	// the upload goes on: a compromised element's bad record does not
	// lock its holder out of reconciliation.
	refused := map[string]error{} // holdings refused, by key name: the element keeps them
	refuse := func(what string, b []byte, err error) {
		d.in.w.Trace().Online(party, bank.CentralBankID, what, b, fmt.Errorf("%s uploaded by %s: %w", what, holder, err))
	}
	var spent []*Record
	for _, b := range u.Spent {
		r, err := d.in.parseRecord(b)
		if err != nil {
			refuse("RECORD", b, err)
			continue
		}
		if c, ok := d.records[r.ID()]; ok {
			if c.payer != holder && !d.in.mutated(mutantTrustEscrow) {
				refuse("RECORD", b, spec.Errorf(spec.CodeWrongRecipient, "a record whose escrow names %s", c.payer))
				continue
			}
		} else {
			if err := d.verifier().record(r); err != nil {
				refuse("RECORD", b, err)
				continue
			}
			who, _, err := d.identityOf(r)
			if err != nil {
				refuse("RECORD", b, err)
				continue
			}
			if who != holder && !d.in.mutated(mutantTrustEscrow) {
				refuse("RECORD", b, spec.Errorf(spec.CodeWrongRecipient, "a record it signed as payer names %s in its escrow", who))
				continue
			}
		}
		spent = append(spent, r)
	}
	byID := map[[32]byte]*Record{}
	for _, r := range spent {
		byID[r.ID()] = r
	}
	var received []*Holding
	surrenders := map[string][]byte{} // one-time key → the signed surrender of its bundle
	for i, b := range u.Received {
		var h *Holding
		if len(b) > 0 && casn1.Tag(b[0]) == tagRef {
			id, err := parseChangeRef(b)
			if err == nil && byID[id] == nil {
				err = spec.Errorf(spec.CodeMalformed, "the change of a record the upload does not carry")
			}
			if err != nil {
				refuse("HOLDING", b, err)
				continue
			}
			h = &Holding{Record: byID[id], Change: true}
		} else {
			var err error
			if h, err = d.in.parse(b); err != nil {
				refuse("HOLDING", b, err)
				continue
			}
		}
		refuseH := func(err error) {
			refuse("HOLDING", b, err)
			refused[keyName(h.Key())] = err
		}
		// Every holding's key signs its surrender: the proof that the
		// uploader holds it and, should the key also sign a record,
		// evidence of the double spend anyone can check.
		sur := func(h *Holding) error {
			s := &Surrender{Key: h.Key(), Request: u.Request, Sig: u.Proofs[i]}
			pub, err := d.in.s.ParsePublicKey(s.Key)
			if err == nil && len(s.Sig) == 0 {
				err = spec.Errorf(spec.CodeBadSignature, "no proof of the holding's key")
			}
			if err == nil {
				err = pub.Verify(s.TBS(), s.Sig)
			}
			if err != nil {
				return spec.Errorf(spec.CodeBadSignature, "the holding's surrender is not signed by its key: %v", err)
			}
			surrenders[string(s.Key)] = s.Marshal()
			return nil
		}
		if h.Bundle != nil {
			// A bundle of the desk's own: its book says whose it is.
			if e, ok := d.book[string(h.Bundle.Key)]; !ok || e.id != idOf(b) || e.holder != holder {
				refuseH(spec.Errorf(spec.CodeBadSignature, "a bundle the desk did not mint to it"))
				continue
			}
			if err := sur(h); err != nil {
				refuseH(err)
				continue
			}
			received = append(received, h)
			continue
		}
		// A record's outputs or change: its key proves the holder's.
		if err := sur(h); err != nil {
			refuseH(err)
			continue
		}
		var err error
		if d.records[h.Record.ID()] == nil {
			err = d.verifier().holding(h)
		}
		if err != nil {
			refuseH(err)
			continue
		}
		received = append(received, h)
	}
	// Apply. Records the holder signed as payer: cleared (a double spend
	// is flagged and the later record refused: the holder gets no change
	// for it), change credited once, large ones logged.
	d.ownRecords = true
	defer func() { d.ownRecords = false }()
	for _, r := range spent {
		c, err := d.clear(r)
		if err != nil {
			refuse("RECORD", r.Marshal(), err)
			continue
		}
		if _, claimed := d.claimedBy[string(r.Payee)]; !claimed && !c.refunded && d.in.mutated(mutantRefundEarly) {
			c.refunded = true
			d.credit(c.payer, r.Amount)
		}
		d.settle(c)
	}
	// Holdings received (or bundles surrendered): a bundle is exchanged
	// once; a record's outputs are the payee's once the record clears.
	d.ownRecords = false
	for _, h := range received {
		k := string(h.Key())
		if prev, done := d.spent[k]; done {
			if c := d.records[prev]; c != nil {
				// A holding surrendered after a record spent its key:
				// the same double spend as the other way round.
				if _, ok := d.surrendered[k]; !ok {
					d.surrendered[k] = surrenders[k]
				}
				if _, body, err := d.identityOf(c.rec); err == nil {
					d.flag(h, [32]byte{}, c.rec, c.payer, body)
				}
			}
			continue
		}
		d.surrendered[k] = surrenders[k]
		if owner, ok := d.claimed[k]; ok && owner != holder {
			continue
		}
		if h.Record != nil {
			c, err := d.clear(h.Record)
			if err != nil || (!h.Change && d.void[k] != "") {
				continue
			}
			if _, done := d.claimed[k]; !done && !h.Change {
				d.claimed[k] = holder
				d.claimedBy[k] = h.Record.ID()
				defer d.settleAll(k)
				payer := c.payer
				if m := d.minterOf(h.Record); m != "" && d.in.mutated(mutantTraceMinter) {
					payer = m
				}
				d.paid = append(d.paid, paid{holder, models.Traced{Ref: fmt.Sprintf("%x", h.Record.ID()), Value: h.Record.Amount, Payer: payer}})
			}
		}
		d.spent[k] = [32]byte{}
		d.owed[holder] += h.Value()
	}
	// Receiving keys the holder renounces: a record paying one is
	// refunded to its payer's account.
	for _, k := range u.Void {
		if _, ok := d.claimed[string(k)]; ok {
			continue
		}
		d.void[string(k)] = holder
		for _, id := range d.paying[string(k)] {
			d.settle(d.records[id])
		}
	}
	d.logs[party] = append(d.logs[party], models.Observed{Label: fmt.Sprintf("upload %d", len(d.logs[party])), Bytes: sealed})
	return d.owed[holder], refused, nil
}

func (d *desk) sortedRecords() [][32]byte {
	var ids [][32]byte
	for id := range d.records {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
	return ids
}

func (d *desk) settleAll(k string) {
	for _, id := range d.paying[k] {
		d.settle(d.records[id])
	}
}

// settle refunds a record whose payee renounced the receiving key, or
// whose receiving key another record's payment was exchanged for (an
// invoice the payee gave once, paid twice: the payee holds one).
func (d *desk) settle(c *cleared) {
	if c.refunded || d.in.mutated(mutantNoRefund) {
		return
	}
	k := string(c.rec.Payee)
	if by, ok := d.claimedBy[k]; ok {
		if by != c.rec.ID() {
			c.refunded = !d.in.mutated(mutantRefundTwice)
			d.credit(c.payer, d.refundOf(c.rec))
		}
		return
	}
	if _, spent := d.spent[k]; spent || d.void[k] == "" {
		return
	}
	c.refunded = !d.in.mutated(mutantRefundTwice)
	d.credit(c.payer, d.refundOf(c.rec))
}

// credit pays v into holder's account: the desk redeems the value.
func (d *desk) credit(holder string, v int64) {
	d.in.agent.Open(d.in.agent.AccountOf(holder), v)
	d.in.agent.Reserve += v
	d.in.cb.RedeemedTotal += v
}

// mint signs bundles for what the desk owes holder, one per key; the
// value the keys cannot carry stays owed. A request presented again gets
// the same bundles.
func (d *desk) mint(holder, request string, keys [][]byte) ([][]byte, error) {
	if out, ok := d.minted[request]; ok && !d.in.mutated(mutantMintRetryNew) {
		return out, nil // minted before: the reply was lost
	}
	if _, err := d.in.cb.Cert(holder); err != nil {
		return nil, err // a revoked (or expired) element gets no fresh bundles
	}
	plan := bundlePlan(d.owed[holder])
	var out [][]byte
	for i, v := range plan {
		if i == len(keys) {
			break
		}
		coins, err := coin.MakeChange(v)
		if err != nil {
			return nil, err
		}
		b := &Bundle{Key: keys[i], Coins: coins}
		if b.Sig, err = d.key.Sign(b.TBS()); err != nil {
			return nil, err
		}
		d.owed[holder] -= v
		der := b.Marshal()
		d.book[string(b.Key)] = mintEntry{holder: holder, id: idOf(der)}
		out = append(out, der)
	}
	d.minted[request] = out
	return out, nil
}

// bundlePlan splits v into bundles: as many of bundleSize as fit, and
// the rest in one.
func bundlePlan(v int64) []int64 {
	var out []int64
	for ; v >= bundleSize; v -= bundleSize {
		out = append(out, bundleSize)
	}
	if v > 0 {
		out = append(out, v)
	}
	return out
}

// refundOf is what the desk refunds for a record whose payment its payee
// did not keep: the record's amount, or under desk-refunds-input-value
// the value of its inputs (the change the payer kept counted again).
func (d *desk) refundOf(r *Record) int64 {
	if d.in.mutated(mutantRefundInputs) {
		return r.InputValue()
	}
	return r.Amount
}
