package pseudocoin

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Message types.
const (
	msgHello   = "HELLO"
	msgInvoice = "INVOICE"
	msgPay     = "PAY"
	msgAck     = "ACK"
)

// Pay runs one payment: HELLO (payer → payee: the amount), INVOICE (a
// fresh receiving key and a challenge, signed by the payee's device),
// PAY (the record; the payer commits before sending), ACK (the record's
// id; the payee committed).
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	pd, err := in.device(payer)
	if err != nil {
		return models.Payment{}, err
	}
	qd, err := in.device(payee)
	if err != nil {
		return models.Payment{}, err
	}
	if payer == payee {
		return models.Payment{}, spec.Errorf(spec.CodeWrongRecipient, "%s pays itself", payer)
	}
	qid, err := qd.Identity()
	if err != nil {
		return models.Payment{}, err
	}
	hello, err := pd.StartPayer(qid, amount)
	if err != nil {
		return models.Payment{}, err
	}
	if err := qd.StartPayee(amount); err != nil {
		return models.Payment{}, errors.Join(err, pd.EndSession())
	}
	var p models.Payment
	s := &world.Session{
		Channel: world.NearField,
		Endpoints: map[world.PartyID]world.Endpoint{
			payer: func(m world.Message) ([]world.Message, error) {
				in.noteInvoice(payee, m)
				out, err := pd.Payer(m)
				if err == nil && m.Type == msgAck {
					p.Paid = true
				}
				return route(payer, payee, out), err
			},
			payee: func(m world.Message) ([]world.Message, error) {
				out, err := qd.Payee(m)
				if err == nil && m.Type == msgPay {
					p.Received = true
				}
				return route(payee, payer, out), err
			},
		},
		Start:  route(payer, payee, hello),
		Plan:   plan,
		Fields: fields,
	}
	if in.ext[payer] != nil || in.ext[payee] != nil {
		s.Restart = map[world.PartyID]func(){}
		for id, d := range map[world.PartyID]Device{payer: pd, payee: qd} {
			if in.ext[id] != nil {
				s.Restart[id] = func() { in.restartDevice(id, d) }
			}
		}
	}
	p.Outcome = in.w.RunSession(s)
	if err := errors.Join(pd.EndSession(), qd.EndSession()); err != nil {
		return p, err
	}
	return p, nil
}

func route(from, to world.PartyID, out []world.Message) []world.Message {
	for i := range out {
		out[i].From, out[i].To = from, to
	}
	return out
}

// payerSession is the payer element's side of one session.
type payerSession struct {
	e         *element
	amount    int64
	payee     string
	committed string // the log key of the record this session committed
	record    [32]byte
	acked     bool
}

func (s *payerSession) handle(m world.Message) ([]world.Message, error) {
	switch m.Type {
	case msgInvoice:
		return s.invoice(m.Payload)
	case msgAck:
		return nil, s.ack(m.Payload)
	}
	return nil, spec.Errorf(spec.CodeMalformed, "the payer expects no %s", m.Type)
}

func (s *payerSession) invoice(b []byte) ([]world.Message, error) {
	e, in := s.e, s.e.in
	if err := checkInvoiceOnce(s.committed != ""); err != nil {
		return nil, err
	}
	v, err := ParseInvoice(b)
	if err != nil {
		return nil, err
	}
	err = checkInvoice(invoiceContext{Suite: in.s, Amount: s.amount, Payee: s.payee, Root: in.root(), CRL: in.crl(), At: in.now(),
		Paid:     func(k []byte) bool { _, paid := e.dev.Get(prefPaid + keyName(k)); return paid },
		SkipCert: in.mutated(mutantNoInvoiceCert), SkipPaid: in.mutated(mutantSkipInvoicePaid)}, v)
	if err != nil {
		return nil, err
	}
	paidKey := prefPaid + keyName(v.Key)
	lim := e.limits()
	spentBefore := lim.Spent
	if in.mutated(mutantCumulativeBefore) {
		spentBefore -= s.amount // Check adds the amount back: it judges what was spent before the payment
	}
	count := lim.Count
	if in.mutated(mutantCountOffByOne) {
		count-- // a count compared by > where >= is meant
	}
	if err := in.cfg.Limits.Check(spentBefore, count, s.amount); err != nil && !in.mutated(mutantNoLimits) {
		return nil, err
	}
	plan := in.insiders[e.dev.ID()]
	var inputs []held
	var r *Record
	var ck suite.PrivateKey
	if plan.Kind != "" {
		if r, inputs, ck, err = in.insiderRecord(e, s, v, plan); err != nil {
			return nil, err
		}
		in.lastChallenge[e.dev.ID()] = v.Challenge
		if !insiderCommits(plan.Kind) {
			return []world.Message{{Type: msgPay, Payload: r.Marshal()}}, nil
		}
	} else {
		if inputs, err = pick(spendable(e), s.amount, in.mutated(mutantPayRemainder)); err != nil {
			return nil, err
		}
		if r, ck, err = in.buildRecord(e, inputs, v, s.amount, nil); err != nil {
			return nil, err
		}
		in.lastChallenge[e.dev.ID()] = v.Challenge
	}
	ctr := e.counter() + 1
	s.committed = fmt.Sprintf("%s%016d", prefLog, ctr)
	s.record = r.ID()
	dels := []string{}
	for _, h := range inputs {
		dels = append(dels, prefHold+h.name)
	}
	rb := r.Marshal()
	puts := map[string][]byte{
		s.committed: mustJSON(logEntry{R: rb}),
		keyCounter:  []byte(fmt.Sprint(ctr)),
		keyLimits:   mustJSON(limitsState{Spent: lim.Spent + s.amount, Count: lim.Count + 1}),
	}
	puts[paidKey] = []byte(fmt.Sprintf("%016d", ctr))
	dels = append(dels, oldestPaid(e)...)
	if r.Change() > 0 {
		puts[prefHold+keyName(r.ChangeKey)] = storeHolding(ck.Bytes(), changeHolding(rb))
	}
	e.dev.Commit(puts, dels)
	in.w.Trace().State(e.dev.ID(), "paid %d fen from %d fen of holdings", s.amount, r.InputValue())
	return []world.Message{{Type: msgPay, Payload: rb}}, nil
}

// spendable is what the element may spend: its holdings but those a
// pending reconciliation's upload surrenders (the desk may have taken
// them already; the upload's retry settles it). Spending one would sign
// a record with a key that signed its surrender: a double spend.
func spendable(e *element) []held {
	hs := e.holdings()
	ss, pending := readJSON[syncState](e, keySync)
	if !pending {
		return hs
	}
	gone := map[string]bool{}
	for _, k := range ss.Recv {
		gone[strings.TrimPrefix(k, prefHold)] = true
	}
	return slices.DeleteFunc(hs, func(h held) bool { return gone[h.name] })
}

// oldestPaid returns the store keys of the receiving keys the element
// paid longest ago, as many as must go for one more to fit in maxSeen:
// each holds the payment counter it was paid at, so age, not the key's
// hash, decides.
func oldestPaid(e *element) []string {
	ix := e.index()
	over := len(ix.paidAge) - maxSeen + 1
	if over <= 0 {
		return nil
	}
	out := make([]string, over)
	for i := range out {
		out[i] = ix.paidAge[i].key
	}
	return out
}

// buildRecord builds and signs a record spending inputs to pay amount
// to the invoice's key; edit, if set, changes the record before the
// escrow and signatures (an insider's payment).
func (in *Instance) buildRecord(e *element, inputs []held, v *Invoice, amount int64, edit func(r *Record)) (*Record, suite.PrivateKey, error) {
	outs, err := coin.MakeChange(amount)
	if err != nil {
		return nil, nil, err
	}
	r := &Record{Payee: v.Key, Amount: amount, Outputs: outs, Challenge: v.Challenge}
	var in0 int64
	for _, h := range inputs {
		r.Inputs = append(r.Inputs, h.h)
		in0 += h.h.Value()
	}
	rnd := io.Reader(in.w.Rand(fmt.Sprintf("pseudocoin/change/%s/%d", e.dev.ID(), e.counter())))
	if in.mutated(mutantChangeStable) {
		rnd = detrand.New(in.w.Seed(), "pseudocoin/change/"+string(e.dev.ID()))
	}
	ck, err := in.s.GenerateKey(rnd)
	if err != nil {
		return nil, nil, err
	}
	r.ChangeKey = ck.Public().SPKI()
	if in0 > amount {
		if r.ChangeCoins, err = coin.MakeChange(in0 - amount); err != nil {
			return nil, nil, err
		}
	}
	if edit != nil {
		edit(r)
	}
	if r.Escrow, err = in.escrow(e, r, v); err != nil {
		return nil, nil, err
	}
	tbs := r.TBS()
	for _, h := range inputs {
		k, err := h.key()
		if err != nil {
			return nil, nil, err
		}
		sig, err := k.Sign(tbs)
		if err != nil {
			return nil, nil, err
		}
		r.Sigs = append(r.Sigs, sig)
	}
	return r, ck, nil
}

// escrow seals the payer's identity and its device's signature over the
// record's core to the central bank's trace key.
func (in *Instance) escrow(e *element, r *Record, v *Invoice) ([]byte, error) {
	dk, err := e.deviceKey()
	if err != nil {
		return nil, err
	}
	sig, err := dk.Sign(r.Core())
	if err != nil {
		return nil, err
	}
	body := escrowBody{Identity: e.identity(), DevSig: sig}.marshal()
	key := in.traceKey()
	switch c := in.corrupted[e.dev.ID()]; c.Kind {
	case models.CorruptEscrowGarbage:
		body = []byte("no identity at all")
	case models.CorruptEscrowOther:
		body = escrowBody{Identity: string(c.Other), DevSig: sig}.marshal()
	case models.CorruptEscrowWrongKey:
		k, err := in.s.GenerateKey(in.w.Rand("pseudocoin/wrong-key/" + string(e.dev.ID())))
		if err != nil {
			return nil, err
		}
		key = k.Public()
	}
	switch {
	case in.mutated(mutantEscrowToPayee):
		if key, err = in.s.ParsePublicKey(v.Key); err != nil {
			return nil, err
		}
	case in.mutated(mutantEscrowToAgent):
		key = in.desk.agentKey()
	case in.mutated(mutantEscrowToDesk):
		key = in.deskSealKey()
	}
	rnd := io.Reader(in.w.Rand("pseudocoin/escrow/" + string(e.dev.ID()) + fmt.Sprint(e.counter())))
	if in.mutated(mutantEscrowFixed) {
		rnd = detrand.New(in.w.Seed(), "pseudocoin/escrow/"+string(e.dev.ID()))
	}
	return bank.Escrow(key, rnd, string(body))
}

func (s *payerSession) ack(b []byte) error {
	a, err := ParseAck(b)
	if err != nil {
		return err
	}
	if err := checkAck(a, s.committed != "", s.record, s.acked); err != nil {
		return err
	}
	l, ok := readJSON[logEntry](s.e, s.committed)
	s.acked = true
	if !ok {
		return nil // reconciled since
	}
	l.Acked = true
	if s.e.in.mutated(mutantDropOnAck) {
		s.e.dev.Commit(nil, []string{s.committed})
		return nil
	}
	s.e.dev.Commit(map[string][]byte{s.committed: mustJSON(l)}, nil)
	return nil
}

// payeeSession is the payee element's side of one session.
type payeeSession struct {
	e       *element
	amount  int64
	invoice string // the store key of the invoice this session gave out
	stored  bool
}

func (s *payeeSession) handle(m world.Message) ([]world.Message, error) {
	switch m.Type {
	case msgHello:
		return s.hello(m.Payload)
	case msgPay:
		return s.pay(m.Payload)
	}
	return nil, spec.Errorf(spec.CodeMalformed, "the payee expects no %s", m.Type)
}

func (s *payeeSession) hello(b []byte) ([]world.Message, error) {
	e, in := s.e, s.e.in
	h, err := ParseHello(b)
	if err != nil {
		return nil, err
	}
	if err := checkHello(h, s.amount, s.invoice != ""); err != nil {
		return nil, err
	}
	ctr := e.counter() + 1
	r := in.w.Rand(fmt.Sprintf("pseudocoin/invoice/%s/%d", e.dev.ID(), ctr))
	k, err := in.s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	v := &Invoice{Amount: s.amount, Key: k.Public().SPKI(), Challenge: make([]byte, ChallengeLen), Cert: e.get(keyCert)}
	r.Read(v.Challenge)
	dk, err := e.deviceKey()
	if err != nil {
		return nil, err
	}
	if v.Sig, err = dk.Sign(v.tbs()); err != nil {
		return nil, err
	}
	in.gaveOut[e.dev.ID()] = append(in.gaveOut[e.dev.ID()], k)
	s.invoice = fmt.Sprintf("%s%016d", prefInv, ctr)
	e.dev.Commit(map[string][]byte{
		s.invoice:  mustJSON(invoiceEntry{K: k.Bytes(), Key: v.Key, Challenge: v.Challenge, Amount: s.amount}),
		keyCounter: []byte(fmt.Sprint(ctr)),
	}, nil)
	return []world.Message{{Type: msgInvoice, Payload: v.Marshal()}}, nil
}

func (s *payeeSession) pay(b []byte) ([]world.Message, error) {
	e, in := s.e, s.e.in
	r, err := in.parseRecord(b)
	if err != nil {
		return nil, err
	}
	var inv invoiceEntry
	open := false
	if s.invoice != "" {
		inv, open = readJSON[invoiceEntry](e, s.invoice)
	}
	ix := e.index()
	nth := 0 // mutantSeenFirstInput looks up the first input key only, mutantSeenLastInput the last
	err = checkPay(in.payeeVerifier(), r, openInvoice{Key: inv.Key, Amount: inv.Amount, Challenge: inv.Challenge}, open, func(k []byte) bool {
		nth++
		look := (nth == 1 || !in.mutated(mutantSeenFirstInput)) && (nth == len(r.Inputs) || !in.mutated(mutantSeenLastInput))
		return look && ix.seenN[string(seenName(k))] > 0 && !in.mutated(mutantNoSeen)
	})
	if err != nil {
		return nil, err
	}
	puts := map[string][]byte{}
	var dels []string
	ctr := e.counter()
	for i, h := range r.Inputs {
		puts[fmt.Sprintf("%s%016d-%d", prefSeen, ctr, i)] = seenName(h.Key())
	}
	if over := len(ix.seen) + len(r.Inputs) - maxSeen; over > 0 {
		dels = append(dels, ix.seenKeys[:over]...)
	}
	name := keyName(r.Payee)
	puts[prefHold+name] = storeHolding(inv.K, r.Marshal())
	e.dev.Commit(puts, append(dels, s.invoice))
	s.stored = true
	in.w.Trace().State(e.dev.ID(), "received %d fen", r.Amount)
	// A payee refuses by not acknowledging: refusing after storing is
	// withholding (models.CorruptRefuseAfterStore).
	if k := in.corrupted[e.dev.ID()].Kind; k == models.CorruptWithholdAck || k == models.CorruptRefuseAfterStore {
		return nil, nil
	}
	return []world.Message{{Type: msgAck, Payload: Ack{Record: r.ID()}.Marshal()}}, nil
}

func (in *Instance) payeeVerifier() verifier {
	v := in.elementVerifier()
	v.skipInputSig = in.mutated(mutantNoInputSig)
	v.skipDeskSig = in.mutated(mutantNoDeskSig)
	v.skipRules = in.mutated(mutantNoRecordRules)
	v.topDeskSigOnly = in.mutated(mutantLineageDeskSig)
	v.firstInputSigOnly = in.mutated(mutantFirstInputSig)
	v.skipAmount = in.mutated(mutantSkipPayAmount)
	v.skipChallenge = in.mutated(mutantSkipChallenge)
	return v
}
