package chip

// Fuzz targets of the chip card's payment endpoints (models/chip):
//
//   - FuzzChipPayer: Instance.Inject of a raw C-APDU to a funded payer
//     card.
//   - FuzzChipPayee: Instance.Inject of a raw R-APDU to a payee terminal
//     that has just sent INITIATE.
//
// Beyond the contract of the fuzz targets (no panic; a rejection is a
// typed error whose code is canonical and not internal), a refusal must
// leave the card's persistent state as it was and, since a fuzzer cannot
// forge the signatures a payment needs, no input may be accepted at all.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/fuzz/internal/fixture"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The chip targets' parties and the amount the payee asks for.
const (
	chipPayer  = world.PartyID("wallet-A")
	chipPayee  = world.PartyID("wallet-B")
	chipOther  = world.PartyID("wallet-C")
	chipAmount = 230
)

// chipState is what a refused injection must leave as it was. Compare it
// with cmp.Comparer(bytes.Equal): cmp's element-wise diff of the store's
// byte strings would cost milliseconds an input.
type chipState struct {
	View  models.View
	Audit models.Audit
	Store map[string][]byte // the card's whole persistent store
}

// chipFixture is one chip instance, shared by both chip targets: every
// input runs under mu and the target card is restored after it.
type chipFixture struct {
	mu    sync.Mutex
	in    *chip.Instance
	snap  map[world.PartyID]world.Snapshot
	base  map[world.PartyID]chipState
	payer [][]byte // C-APDU seeds for wallet-A
	payee [][]byte // R-APDU seeds for wallet-B
}

var chipFix = sync.OnceValue(func() *chipFixture {
	cf, err := newChipFixture()
	if err != nil {
		panic(fmt.Sprintf("fuzz: building the chip fixture: %v", err))
	}
	return cf
})

func newChipFixture() (*chipFixture, error) {
	mi, err := chip.Scheme{}.New(world.New(fixture.Seed), models.Config{})
	if err != nil {
		return nil, err
	}
	in := mi.(*chip.Instance)
	if err := in.Fund(chipPayer, 1000); err != nil {
		return nil, err
	}
	// wallet-A pays wallet-C and the acknowledgement is lost (step 3 is
	// CONFIRM), so the payer card holds a logged, unacknowledged payment
	// and a CONFIRM naming its challenge reaches the signature check.
	p, err := in.Pay(chipPayer, chipOther, 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
	if err != nil {
		return nil, err
	}
	if !p.Received || p.Paid {
		return nil, fmt.Errorf("the set-up payment: received %v, paid %v; want true, false", p.Received, p.Paid)
	}
	cf := &chipFixture{in: in, snap: map[world.PartyID]world.Snapshot{}, base: map[world.PartyID]chipState{}}
	for _, id := range []world.PartyID{chipPayer, chipPayee} {
		cf.snap[id] = in.Snapshot(id)
		cf.base[id] = cf.state(id)
	}
	if err := cf.buildSeeds(); err != nil {
		return nil, err
	}
	return cf, nil
}

// chipTraceCap bounds the world's trace. Restore appends an event to it
// for every input (some 230 bytes), which a long campaign would otherwise
// pile up until the worker runs out of memory.
const chipTraceCap = 1 << 19

// renew replaces the instance with a fresh one once its trace passes
// chipTraceCap. The world is deterministic, so the new instance is the old
// one as it was built: the same keys, coins, snapshots and baseline.
func (cf *chipFixture) renew() error {
	if cf.in.World().Trace().Len() < chipTraceCap {
		return nil
	}
	fresh, err := newChipFixture()
	if err != nil {
		return err
	}
	if diff := cmp.Diff(cf.base, fresh.base, cmp.Comparer(bytes.Equal)); diff != "" {
		return fmt.Errorf("the rebuilt chip instance differs from the first (-first +rebuilt):\n%s", diff)
	}
	cf.in, cf.snap, cf.base = fresh.in, fresh.snap, fresh.base
	return nil
}

func (cf *chipFixture) state(id world.PartyID) chipState {
	d := cf.in.World().Device(id)
	st := chipState{View: cf.in.View(id), Audit: cf.in.Audit(), Store: map[string][]byte{}}
	for _, k := range d.Keys("") {
		st.Store[k], _ = d.Get(k)
	}
	return st
}

// holdingsOf returns the holdings in a card's store, in key order, with
// their values.
func (cf *chipFixture) holdingsOf(id world.PartyID) ([]*transfer.Holding, []int64, error) {
	d := cf.in.World().Device(id)
	var hs []*transfer.Holding
	var vs []int64
	for _, k := range d.Keys("coin/") {
		v, _ := d.Get(k)
		h, err := transfer.ParseHolding(v)
		if err != nil {
			return nil, nil, err
		}
		value := h.Root.Denomination
		if n := len(h.Chain); n > 0 {
			for _, o := range h.Chain[n-1].Outputs {
				if o.Serial == h.Serial {
					value = o.Value
				}
			}
		}
		hs, vs = append(hs, h), append(vs, value)
	}
	return hs, vs, nil
}

func (cf *chipFixture) buildSeeds() error {
	cb := cf.in.Bank()
	// A card presents the certificate of its pseudonym, not its holder.
	card := func(id world.PartyID) string { return cf.in.View(id).Presents }
	cert := func(id world.PartyID) ([]byte, error) {
		c, err := cb.Cert(card(id))
		if err != nil {
			return nil, err
		}
		return c.Raw, nil
	}
	certA, err := cert(chipPayer)
	if err != nil {
		return err
	}
	certB, err := cert(chipPayee)
	if err != nil {
		return err
	}
	certC, err := cert(chipOther)
	if err != nil {
		return err
	}
	agent, ok := cb.Agent(chip.AgentID)
	if !ok {
		return fmt.Errorf("no agent %s", chip.AgentID)
	}
	gm := fixture.Of(true) // the chip instance runs the default suite, GM
	if gm.Suite.ID() != suite.Default().ID() {
		return fmt.Errorf("the default suite is %s, the seeds assume GM", suite.Default().ID())
	}
	foreign := gm.Wallet.Raw // a wallet certificate under another root
	sig := gm.Sig            // a well-formed signature that verifies under no card's key

	// The logged payment's challenge, from the payer card's store.
	outs := cf.in.World().Device(chipPayer).Keys("out/")
	if len(outs) != 1 {
		return fmt.Errorf("payer card logs %d payments, want 1", len(outs))
	}
	raw, _ := cf.in.World().Device(chipPayer).Get(outs[0])
	var entry struct {
		Challenge []byte `json:"challenge"`
	}
	if err := json.Unmarshal(raw, &entry); err != nil {
		return err
	}
	if len(entry.Challenge) != transfer.ChallengeSize {
		return fmt.Errorf("logged challenge %x", entry.Challenge)
	}

	// Payer seeds: INITIATE and CONFIRM commands and near misses.
	command := func(cla, ins byte, le int, items ...apdu.TLV) []byte {
		b, err := apdu.Command{CLA: cla, INS: ins, Data: apdu.Marshal(items), Le: le}.Marshal()
		if err != nil {
			panic(fmt.Sprintf("fuzz: a chip seed command does not marshal: %v", err))
		}
		return b
	}
	amount := func(v uint64) apdu.TLV {
		return apdu.TLV{Tag: chip.TagAmount, Value: binary.BigEndian.AppendUint64(nil, v)}
	}
	challenge := apdu.TLV{Tag: chip.TagChallenge, Value: bytes.Repeat([]byte{0x3C}, transfer.ChallengeSize)}
	tlvCert := func(c []byte) apdu.TLV { return apdu.TLV{Tag: chip.TagCert, Value: c} }
	tlvSig := apdu.TLV{Tag: chip.TagSig, Value: sig}
	initiate := func(items ...apdu.TLV) []byte { return command(chip.CLA, chip.INSInitiate, 65536, items...) }
	good := []apdu.TLV{amount(chipAmount), challenge, tlvCert(certB), tlvSig}
	cf.payer = [][]byte{
		initiate(good...), // as the model frames it: reaches the payee's signature
		command(chip.CLA, chip.INSInitiate, 256, good...),
		command(chip.CLA, chip.INSInitiate, apdu.LeAbsent, good...),
		initiate(amount(chipAmount), challenge, tlvCert(certA), tlvSig),                                                     // the payer itself
		initiate(amount(chipAmount), challenge, tlvCert(certC), tlvSig),                                                     // another wallet
		initiate(amount(chipAmount), challenge, tlvCert(agent.Cert.Raw), tlvSig),                                            // an agent bank
		initiate(amount(chipAmount), challenge, tlvCert(cb.Root().Raw), tlvSig),                                             // the root
		initiate(amount(chipAmount), challenge, tlvCert(foreign), tlvSig),                                                   // another root's wallet
		initiate(amount(0), challenge, tlvCert(certB), tlvSig),                                                              // nothing to pay
		initiate(amount(1<<41), challenge, tlvCert(certB), tlvSig),                                                          // out of range
		initiate(amount(60000), challenge, tlvCert(certB), tlvSig),                                                          // above the limits
		initiate(amount(chipAmount), apdu.TLV{Tag: chip.TagChallenge, Value: sig[:15]}, tlvCert(certB), tlvSig),             // short challenge
		initiate(tlvSig, tlvCert(certB), challenge, amount(chipAmount)),                                                     // reordered
		initiate(amount(chipAmount), challenge, tlvCert(certB)),                                                             // no signature
		initiate(append(slices.Clone(good), apdu.TLV{Tag: chip.TagChainCert, Value: certC})...),                             // an extra object
		initiate(amount(chipAmount), amount(chipAmount), challenge, tlvCert(certB), tlvSig),                                 // a repeated object
		command(0x00, chip.INSInitiate, 65536, good...),                                                                     // another class
		command(chip.CLA, chip.INSConfirm, apdu.LeAbsent, apdu.TLV{Tag: chip.TagChallenge, Value: entry.Challenge}, tlvSig), // the logged payment
		command(chip.CLA, chip.INSConfirm, apdu.LeAbsent, challenge, tlvSig),                                                // no such payment
		command(chip.CLA, chip.INSConfirm, apdu.LeAbsent),                                                                   // no data
		command(chip.CLA, 0xA4, 256),                                                                                        // an instruction the card lacks
		{chip.CLA, chip.INSInitiate, 0x00, 0x00},
		{},
	}

	// Payee seeds: TRANSFER responses and near misses.
	hs, vs, err := cf.holdingsOf(chipPayer)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(vs, func(v int64) bool { return v >= chipAmount })
	if i < 0 {
		return fmt.Errorf("payer card holds %v, nothing covers %d", vs, chipAmount)
	}
	hold, value := hs[i], vs[i]
	split, err := transfer.Split(hold.Serial, value, chipAmount, card(chipPayer), card(chipPayee))
	if err != nil {
		return err
	}
	rec := &transfer.Signed{Record: transfer.Record{
		Version: transfer.Version1, Parent: hold.Serial, ParentValue: value, Outputs: split,
		Payer: card(chipPayer), Payee: card(chipPayee), Counter: 2,
	}, Signature: sig}
	copy(rec.Challenge[:], challenge.Value)
	cHs, _, err := cf.holdingsOf(chipOther)
	if err != nil || len(cHs) == 0 {
		return fmt.Errorf("wallet-C holds %d coins (%v)", len(cHs), err)
	}
	response := func(sw uint16, items ...apdu.TLV) []byte {
		b, err := apdu.Response{Data: apdu.Marshal(items), SW: sw}.Marshal()
		if err != nil {
			panic(fmt.Sprintf("fuzz: a chip seed response does not marshal: %v", err))
		}
		return b
	}
	spendOf := func(h []byte, r []byte) apdu.TLV {
		return apdu.TLV{Tag: chip.TagSpend, Children: []apdu.TLV{{Tag: chip.TagHolding, Value: h}, {Tag: chip.TagRecord, Value: r}}}
	}
	spend := spendOf(hold.Marshal(), rec.Marshal())
	transferOK := func(items ...apdu.TLV) []byte { return response(apdu.SWOK, items...) }
	cf.payee = [][]byte{
		transferOK(tlvCert(certA), spend), // as the model frames it: reaches the challenge
		transferOK(tlvCert(certA), spend, apdu.TLV{Tag: chip.TagChainCert, Value: certC}),
		transferOK(tlvCert(certA), spend, spend),                             // one coin twice
		transferOK(tlvCert(certA), spendOf(cHs[0].Marshal(), rec.Marshal())), // a coin wallet-C holds
		transferOK(tlvCert(certA), spendOf(hold.Marshal(), fixture.MutRecord(rec, func(r *transfer.Signed) { r.Payee = card(chipOther) }))),
		transferOK(tlvCert(certA), spendOf(hold.Marshal(), fixture.MutRecord(rec, func(r *transfer.Signed) { r.ParentValue++ }))),
		transferOK(tlvCert(certA), spendOf(fixture.Flip(hold.Marshal(), -3), rec.Marshal())), // a broken lineage signature
		transferOK(tlvCert(certC), spend),          // signed for another payer
		transferOK(tlvCert(certB), spend),          // the payee itself
		transferOK(tlvCert(agent.Cert.Raw), spend), // an agent bank
		transferOK(tlvCert(foreign), spend),        // another root's wallet
		transferOK(spend, tlvCert(certA)),          // reordered
		transferOK(tlvCert(certA)),                 // nothing spent
		transferOK(tlvCert(certA), apdu.TLV{Tag: chip.TagSpend, Children: []apdu.TLV{{Tag: chip.TagHolding, Value: hold.Marshal()}}}),
		transferOK(tlvCert(certA), apdu.TLV{Tag: chip.TagChainCert, Value: certC}, spend), // a certificate before the spend
		{0x90, 0x00}, // DONE
		{0x6A, 0x80},
		{},
	}
	for _, c := range spec.Codes {
		if c == spec.CodeInternal {
			// A peer's 6F00 is kept as the crasher
			// testdata/fuzz/FuzzChipPayee/4d858946b5e7f7e1: the payee
			// relays it as its own refusal, coded internal.
			continue
		}
		b, err := apdu.ErrorResponse(spec.Errorf(c, "seed")).Marshal()
		if err != nil {
			return err
		}
		cf.payee = append(cf.payee, b)
	}
	return nil
}

// fuzzChip injects b into card id and checks: a refusal, typed and not
// internal, that leaves the card's persistent state as it was. The card is
// restored after every input, so inputs are independent, except that the
// payee draws a fresh challenge for each (world.Rand advances): an input
// that must answer the challenge cannot, which a fuzzer cannot anyway.
func fuzzChip(f *testing.F, id world.PartyID, asPayee bool, seeds [][]byte) {
	for _, b := range seeds {
		f.Add(b)
	}
	amount := int64(0)
	if asPayee {
		amount = chipAmount
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cf := chipFix()
		cf.mu.Lock()
		defer cf.mu.Unlock()
		if err := cf.renew(); err != nil {
			t.Fatal(err)
		}
		defer cf.in.Restore(id, cf.snap[id])
		err := cf.in.Inject(id, asPayee, amount, b)
		if err == nil {
			// A payment takes signatures (the payee's over INITIATE, the
			// payer's over its records) that mutation cannot forge.
			t.Fatalf("%s accepted an injected message (payee %v): the reference took a payment from nothing:\n in %x", id, asPayee, b)
		}
		if code := spec.CodeOf(err); !code.Known() || code == spec.CodeInternal {
			t.Fatalf("%s refused with code %q: %v\n in %x", id, code, err, b)
		}
		if diff := cmp.Diff(cf.base[id], cf.state(id), cmp.Comparer(bytes.Equal)); diff != "" {
			t.Fatalf("%s refused (%v) but its state changed (-before +after):\n%s\n in %x", id, err, diff, b)
		}
	})
}

// FuzzChipPayer: Inject of a C-APDU to the payer card wallet-A.
func FuzzChipPayer(f *testing.F) { fuzzChip(f, chipPayer, false, chipFix().payer) }

// FuzzChipPayee: Inject of an R-APDU to wallet-B acting as payee terminal
// for a payment of 230 fen.
func FuzzChipPayee(f *testing.F) { fuzzChip(f, chipPayee, true, chipFix().payee) }
