package cert

import (
	"bytes"
	"encoding/hex"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Payee session stages.
const (
	awaitPayerHello = iota + 1
	awaitTx
	awaitDeducted
	payeeDone
)

// payeeSession is the payee's volatile state of one payment request.
type payeeSession struct {
	nonce  []byte
	amount int64
	stage  int
	payer  *devcert.Certificate
	// set once the TX verified
	digest  []byte
	records [][]byte
	puts    map[string][]byte
	coins   map[string]*transfer.Holding
	extra   map[string]*devcert.Certificate
}

// payerSession is the payer's volatile state of one request it answers.
type payerSession struct {
	nonce  []byte
	amount int64
	payee  *devcert.Certificate
	sent   bool   // the TX left
	offer  *offer // literal variant: what the deduction will commit
}

// offer is a literal-variant payment built and sent but not yet deducted.
type offer struct {
	key     string
	entry   outEntry
	puts    map[string][]byte
	deletes []string
	coins   map[string]*transfer.Holding
	st      simState
}

// sealInfo is the context bound into the seal of a TX's coins: the
// scheme, the payee's nonce and the payee's id.
func sealInfo(nonce []byte, payee string) []byte {
	b := append([]byte("dualoffline/cert/v1/coins\x00"), nonce...)
	return append(b, payee...)
}

// digestOf names the records of a payment in DEDUCT and DEDUCTED.
func (se *SIM) digestOf(recs []*transfer.Signed) []byte {
	parts := [][]byte{[]byte("dualoffline/cert/v1/records\x00")}
	for _, r := range recs {
		id := r.ID()
		parts = append(parts, id[:])
	}
	return se.S.Hash(parts...)
}

// zeroNonce is the AEAD nonce of the content key, which is fresh for each
// TX and used once.
var zeroNonce = make([]byte, 12)

// The payment, phone to phone (each phone's SIM runs its role):
//
//  1. HELLO-PAYEE (payee → payer): the payee's id, public key and
//     certificate, the amount and a fresh nonce, signed.
//  2. HELLO-PAYER (payer → payee): having checked the payee's certificate
//     (root, validity at its clock, revocation list), the payer's id,
//     public key and certificate, signed over the nonce.
//  3. PROCEED (payee → payer): the payee checked the payer's certificate
//     the same way; signed.
//  4. TX (payer → payee): the transaction information signed with the
//     payer's private key, carrying the offline coins (holdings and the
//     records moving them to the payee, bound to the nonce) sealed to the
//     payee's public key. The recovering variant commits the deduction
//     ahead, in one write with a log entry, before the TX leaves.
//  5. DEDUCT (payee → payer): the payee verified the signature, opened
//     the coins with its private key and validated them; it tells the
//     payer to deduct, signing the records' digest.
//  6. DEDUCTED (payer → payee): the deduct-success notice, signed. The
//     literal variant deducts only now. The payee, on receiving it,
//     registers the offline record and increments its offline coin count.

// StartPayee opens a payment request and returns HELLO-PAYEE (Device).
func (se *SIM) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	nonce := se.w.Rand("cert/nonce/" + se.Name).Bytes(NonceSize)
	m := &message{Tag: TagPayeeHello, Nonce: nonce, Amount: amount, Payee: se.Name, Key: se.presentedKey(false), Cert: se.Presented(false).Raw}
	b, err := m.sign(se.Priv)
	if err != nil {
		return world.Message{}, err
	}
	se.payee = &payeeSession{nonce: nonce, amount: amount, stage: awaitPayerHello}
	return world.Message{From: se.Dev.ID(), To: payer, Type: MsgPayeeHello, Payload: b}, nil
}

// checkPeer checks the identity a counterpart presents: a wallet
// certificate valid under the root at this phone's clock and not revoked,
// naming the presented id and key, and not this wallet.
func (se *SIM) checkPeer(raw, spki []byte, id string) (*devcert.Certificate, error) {
	return CheckPeer(se.S, raw, spki, id, se.Name, se.checkCert)
}

func reply(se *SIM, to world.PartyID, typ string, b []byte) []world.Message {
	return []world.Message{{From: se.Dev.ID(), To: to, Type: typ, Payload: b}}
}

// payerEndpoint handles the messages a payer receives.
func (se *SIM) payerEndpoint(m world.Message) ([]world.Message, error) {
	msg, err := parseMessage(se.framed(m.Payload), TagPayeeHello, TagProceed, TagDeduct)
	if err != nil {
		return nil, err
	}
	var typ string
	var out []byte
	switch msg.Tag {
	case TagPayeeHello:
		typ = MsgPayerHello
		if err = se.hello(msg); err == nil {
			out, err = se.payerHello(msg)
		}
	case TagProceed:
		typ = MsgTx
		out, err = se.proceed(msg)
	case TagDeduct:
		typ = MsgDeducted
		out, err = se.deduct(msg)
	}
	if err != nil {
		return nil, err
	}
	return reply(se, m.From, typ, out), nil
}

// hello checks a payee's request and opens a payer session for it.
func (se *SIM) hello(msg *message) error {
	payee, err := se.checkPeerAs(msg.Cert, msg.Key, msg.Payee, true)
	if err != nil {
		return err
	}
	if err := se.verifyMsg(msg, payee.PublicKey); err != nil {
		return err
	}
	// Then, in the order of formats-schemes.md ("What the payer
	// checks"): a request already paid or being answered
	// (cert-payer-replay), the offline limits (cert-payer-limits), the
	// coins (cert-payer-funds).
	nk := hex.EncodeToString(msg.Nonce)
	replays := spec.Makes("cert-payer-replay")
	if _, dup := se.Dev.Get(prefAnswer + nk); dup && !se.mutated("payer-checks-open-requests-only") && replays {
		return spec.Errorf(spec.CodeReplay, "this wallet already paid request %s", nk)
	}
	if se.payers[nk] != nil && replays {
		return spec.Errorf(spec.CodeReplay, "request %s is already being answered", nk)
	}
	if err := se.Limits.Check(se.limitSpent(), se.limitCount(), msg.Amount); err != nil && spec.Makes("cert-payer-limits") {
		return err
	}
	if _, err := se.pick(msg.Amount); err != nil && se.FW.Insider == nil && spec.Makes("cert-payer-funds") {
		return err
	}
	se.payers[nk] = &payerSession{nonce: msg.Nonce, amount: msg.Amount, payee: payee}
	return nil
}

func (se *SIM) payerHello(req *message) ([]byte, error) {
	m := &message{Tag: TagPayerHello, Nonce: req.Nonce, Payer: se.payerID(), Payee: req.Payee, Key: se.presentedKey(true), Cert: se.Presented(true).Raw}
	return m.sign(se.Priv)
}

// proceed answers PROCEED: it builds the records and the TX; the
// recovering variant commits the deduction ahead of sending it.
func (se *SIM) proceed(msg *message) ([]byte, error) {
	nk := hex.EncodeToString(msg.Nonce)
	sess := se.payers[nk]
	if sess == nil || sess.sent {
		return nil, spec.Errorf(spec.CodeReplay, "no request %s awaits a transaction", nk)
	}
	if err := se.verifyMsg(msg, sess.payee.PublicKey); err != nil {
		return nil, err
	}
	if err := CheckProceed(msg.Payer, msg.Payee, msg.Amount, se.Name, sess.payee.ID, sess.amount); err != nil {
		return nil, err
	}
	answered := prefAnswer + nk
	if _, dup := se.Dev.Get(answered); dup {
		return nil, spec.Errorf(spec.CodeReplay, "this wallet already paid request %s", nk)
	}
	if err := se.Limits.Check(se.limitSpent(), se.limitCount(), sess.amount); err != nil {
		return nil, err
	}
	if se.FW.Insider != nil {
		return se.insiderTx(sess, nk)
	}
	// One record per coin: whole coins first, the last one split.
	st := se.st
	spent, err := se.Spend(se.pick, sess.amount, se.recordPayer(), sess.payee.ID, sess.nonce, &st.Counter)
	if err != nil {
		return nil, err
	}
	var spends []spend
	var recs []*transfer.Signed
	puts := map[string][]byte{}
	coins := map[string]*transfer.Holding{}
	var deletes []string
	entry := outEntry{Payee: sess.payee.ID, PayeeCert: sess.payee.Raw, Nonce: sess.nonce, Amount: sess.amount}
	for _, s := range spent {
		sp := spend{holding: s.Holding, record: s.Record, holdingDER: s.Holding.Marshal(), recordDER: s.Record.Marshal()}
		spends, recs = append(spends, sp), append(recs, s.Record)
		entry.Holdings = append(entry.Holdings, sp.holdingDER)
		entry.Records = append(entry.Records, sp.recordDER)
		deletes = append(deletes, kit.PrefCoin+s.Key)
		for _, change := range s.Change {
			ck := kit.CoinKey(change)
			puts[kit.PrefCoin+ck] = change.Marshal()
			coins[ck] = change
		}
	}
	entry.Digest = se.digestOf(recs)
	b, err := se.sealTx(sess, spends)
	if err != nil {
		return nil, err // nothing committed: the wallet is as before
	}
	st.Spent += sess.amount
	if !se.mutated("payer-counts-payment-on-deducted") {
		st.Payments++
	}
	puts[keyState] = kit.MustJSON(st)
	puts[answered] = []byte{1}
	key := kit.OutKey(st.Counter)
	sess.sent = true
	se.FW.Answered = sess.nonce
	if se.variant == Literal {
		// As published: nothing is deducted until the payee says so.
		sess.offer = &offer{key: key, entry: entry, puts: puts, deletes: deletes, coins: coins, st: st}
		return b, nil
	}
	// The write-ahead commit: coins out, change in, log entry, counters.
	if !se.mutated("no-write-ahead-log") {
		puts[key] = kit.MustJSON(entry)
	}
	deletes = se.deferSweep(puts, deletes) // deletes in the reference
	se.commit(puts, deletes, coins, &st, nil)
	se.setOut(key, &entry)
	delete(se.payers, nk)
	se.w.Trace().State(se.Dev.ID(), "deducted %d fen for %s ahead of the TX (offline balance %d)", sess.amount, sess.payee.ID, se.Balance())
	return b, nil
}

// deduct answers DEDUCT: the payee validated the coins. The recovering
// variant marks its log entry acknowledged; the literal variant deducts
// now. Either way it returns the deduct-success notice.
func (se *SIM) deduct(msg *message) ([]byte, error) {
	if b, ok, err := se.insiderDeduct(msg); ok {
		return b, err
	}
	if err := CheckDeductAddressed(msg.Payer, se.Name); err != nil {
		return nil, err
	}
	var entry outEntry
	var key string
	var of *offer
	nk := hex.EncodeToString(msg.Nonce)
	if se.variant == Literal {
		sess := se.payers[nk]
		if sess == nil || sess.offer == nil {
			return nil, spec.Errorf(spec.CodeReplay, "no payment awaits a deduction for request %s", nk)
		}
		of = sess.offer
		entry, key = of.entry, of.key
	} else {
		for _, k := range slices.Sorted(maps.Keys(se.out)) {
			if bytes.Equal(se.out[k].Nonce, msg.Nonce) {
				entry, key = *se.out[k], k
				break
			}
		}
		if key == "" {
			return nil, spec.Errorf(spec.CodeReplay, "no payment awaits a deduction for request %s", nk)
		}
		if entry.Acked {
			return nil, spec.Errorf(spec.CodeReplay, "the payment for request %s was already deducted", nk)
		}
	}
	payee, err := devcert.Parse(se.S, entry.PayeeCert)
	if err != nil {
		return nil, err
	}
	if err := se.verifyMsg(msg, payee.PublicKey); err != nil {
		return nil, err
	}
	if err := CheckDeduct(msg.Payee, msg.Digest, entry.Payee, entry.Digest); err != nil {
		return nil, err
	}
	notice := &message{Tag: TagDeducted, Nonce: msg.Nonce, Payer: se.Name, Payee: entry.Payee, Digest: entry.Digest}
	b, err := notice.sign(se.Priv)
	if err != nil {
		return nil, err
	}
	entry.Acked, entry.Receipt = true, msg.marshal()
	if se.variant == Literal {
		for _, k := range of.deletes {
			if se.Held[k[len(kit.PrefCoin):]] == nil {
				return nil, spec.Errorf(spec.CodeDoubleSpend, "coin %s left the wallet since the TX", k)
			}
		}
		of.puts[key] = kit.MustJSON(entry)
		se.commit(of.puts, of.deletes, of.coins, &of.st, nil)
		se.setOut(key, &entry)
		delete(se.payers, nk)
		se.w.Trace().State(se.Dev.ID(), "deducted %d fen for %s (offline balance %d)", entry.Amount, entry.Payee, se.Balance())
		return b, nil
	}
	puts := map[string][]byte{key: kit.MustJSON(entry)}
	se.commit(puts, nil, nil, se.countOnDeducted(puts), nil)
	se.setOut(key, &entry)
	se.w.Trace().State(se.Dev.ID(), "payment to %s acknowledged", entry.Payee)
	return b, nil
}

// pick chooses coins covering amount: largest first, skipping coins this
// wallet cannot hand on offline (a full lineage, or an earlier payer
// whose certificate it lacks or no longer accepts, an agent's included,
// cert-payer-holder-certs: the TX's certs could not carry it, or the
// payee, checking the same certificate at its clock against its list,
// would refuse the coin; reconciliation exchanges them).
func (se *SIM) pick(amount int64) ([]string, error) {
	return se.Pick(amount, MaxSpends, se.spendable, "wallet")
}

func (se *SIM) spendable(h *transfer.Holding) bool {
	if len(h.Chain) >= transfer.MaxHops {
		return false
	}
	if !spec.Makes("cert-payer-holder-certs") || se.FW.Unchecked {
		return true
	}
	return se.HoldersCertified(h, se.checkCert)
}

// lineageCerts lists the certificates of every wallet that signed in the
// spent coins' lineages, except this one (its certificate went in
// HELLO-PAYER) and the agents (every SIM is provisioned with them).
func (se *SIM) lineageCerts(spends []spend) [][]byte {
	return kit.LineageCerts(&se.Core, spends, func(sp spend) *transfer.Holding { return sp.holding }, false)
}

// payeeEndpoint handles the messages a payee receives.
func (se *SIM) payeeEndpoint(m world.Message) ([]world.Message, error) {
	msg, err := parseMessage(se.framed(m.Payload), TagPayerHello, TagTx, TagDeducted)
	if err != nil {
		return nil, err
	}
	se.peer = m.From
	sess := se.payee
	again := sess != nil && msg.Tag == TagPayerHello && (se.helloAgain(sess.stage) || se.helloRepeat(sess.stage))
	if sess == nil || sess.stage == payeeDone {
		return nil, spec.Errorf(spec.CodeReplay, "no payment request is open")
	}
	want := map[uint8]int{TagPayerHello: awaitPayerHello, TagTx: awaitTx, TagDeducted: awaitDeducted}[msg.Tag]
	if err := CheckPayeeBound(msg.Tag, msg.Nonce, sess.nonce, msg.Payee, se.Name, sess.stage == want || again); err != nil {
		return nil, err
	}
	if msg.Tag != TagPayerHello && sess.payer == nil {
		// Only without cert-turn: a later message, no counterpart known.
		return nil, spec.Errorf(spec.CodeMalformed, "%s with no counterpart known", typeNames[msg.Tag])
	}
	switch msg.Tag {
	case TagPayerHello:
		payer, err := se.checkPeerAs(msg.Cert, msg.Key, msg.Payer, false)
		if err != nil {
			return nil, err
		}
		if err := se.verifyMsg(msg, payer.PublicKey); err != nil {
			return nil, err
		}
		p := &message{Tag: TagProceed, Nonce: sess.nonce, Amount: sess.amount, Payer: payer.ID, Payee: se.Name}
		b, err := p.sign(se.Priv)
		if err != nil {
			return nil, err
		}
		se.countHello()
		sess.payer, sess.stage = payer, awaitTx
		return reply(se, m.From, MsgProceed, b), nil
	case TagTx:
		if err := se.receive(sess, msg); err != nil {
			return nil, err
		}
		if se.FW.Withhold {
			// A malicious payee: registers the coins at once and never
			// tells the payer to deduct.
			se.credit(sess, nil)
			return nil, nil
		}
		d := &message{Tag: TagDeduct, Nonce: sess.nonce, Payer: sess.payer.ID, Payee: se.Name, Digest: sess.digest}
		b, err := d.sign(se.Priv)
		if err != nil {
			return nil, err
		}
		sess.stage = awaitDeducted
		return reply(se, m.From, MsgDeduct, b), nil
	default: // TagDeducted
		if err := CheckDeducted(msg.Payer, msg.Digest, sess.payer.ID, sess.digest); err != nil {
			return nil, err
		}
		if err := se.verifyMsg(msg, sess.payer.PublicKey); err != nil {
			return nil, err
		}
		se.credit(sess, msg.marshal())
		return nil, nil
	}
}

// receive verifies a TX: the payer's signature, then the coins it opens
// with this wallet's private key, and keeps them in the session.
func (se *SIM) receive(sess *payeeSession, msg *message) error {
	payer := sess.payer
	if se.mutated("payee-takes-tx-amount") {
		sess.amount = msg.Amount
	}
	if err := CheckTx(msg.Payer, msg.Amount, payer.ID, sess.amount); err != nil {
		return err
	}
	if err := se.verifyMsg(msg, payer.PublicKey); err != nil && !se.mutated("payee-skips-tx-signature") {
		return err
	}
	plain, err := se.openCoins(msg, sess.nonce)
	if err != nil {
		return err
	}
	spends, chainCerts, err := parseCoins(se.S, plain)
	if err != nil {
		return err
	}
	extra := map[string]*devcert.Certificate{payer.ID: payer}
	for _, c := range chainCerts {
		if c.Role != devcert.RoleWallet && spec.Makes("spend-lineage") {
			return spec.Errorf(spec.CodeUntrustedIssuer, "lineage certificate %q has role %q", c.ID, c.Role)
		}
		extra[c.ID] = c
	}
	lookup := se.lookup(extra)
	var total int64
	puts := map[string][]byte{}
	coins := map[string]*transfer.Holding{}
	var records [][]byte
	var recs []*transfer.Signed
	for i, sp := range spends {
		if len(sp.holding.Chain) >= transfer.MaxHops && spec.Makes("spend-hop-limit") {
			return spec.Errorf(spec.CodeLimitExceeded, "spend %d: the coin has made %d hops and must be exchanged online", i, len(sp.holding.Chain))
		}
		owner, err := se.verifyHolding(sp.holding, lookup)
		if i > 0 && se.mutated("payee-verifies-first-coin-only") || len(sp.holding.Chain) > 1 && se.mutated("payee-trusts-moved-coins") {
			owner, err = sp.holding.Claimed(), nil
		}
		if err != nil {
			if spec.Makes("spend-lineage") {
				return err
			}
			owner = sp.holding.Claimed()
		}
		rec := sp.record
		switch {
		case owner.Holder != payer.ID && !se.mutated("payee-skips-coin-holder") && spec.Makes("spend-coin-holder"):
			return spec.Errorf(spec.CodeWrongRecipient, "spend %d: coin held by %q, payer is %q", i, owner.Holder, payer.ID)
		case !spec.Makes("spend-record-binding"):
		case rec.Parent != sp.holding.Serial || rec.ParentValue != owner.Value:
			return spec.Errorf(spec.CodeValueMismatch, "spend %d: record does not spend its holding", i)
		case rec.Payer != payer.ID && !se.mutated("payee-ignores-record-payer"):
			return spec.Errorf(spec.CodeWrongRecipient, "spend %d: record signed for %q", i, rec.Payer)
		case rec.Payee != se.Name:
			return spec.Errorf(spec.CodeWrongRecipient, "spend %d: record pays %q, not this wallet", i, rec.Payee)
		case !bytes.Equal(rec.Challenge[:], sess.nonce) && (i == 0 || !se.mutated("payee-checks-nonce-first-record-only")):
			return spec.Errorf(spec.CodeReplay, "spend %d: record answers another request", i)
		}
		if err := se.validateRecord(rec); err != nil && spec.Makes("spend-record") {
			return err
		}
		if err := rec.Verify(payer.PublicKey); err != nil && spec.Makes("spend-record") {
			return err
		}
		seenKey := se.seenKey(rec.Parent[:])
		if _, dup := se.Dev.Get(seenKey); (dup || se.seenByMail(rec.Parent[:]) || puts[seenKey] != nil && !se.mutated("payee-seen-in-store-only")) && spec.Makes("spend-seen") {
			return spec.Errorf(spec.CodeDoubleSpend, "spend %d: coin %s was already paid to this wallet", i, rec.Parent)
		}
		if !se.mutated("payee-forgets-seen-serials") {
			puts[seenKey] = []byte{1}
		}
		for _, o := range rec.Outputs {
			if o.Holder == se.Name {
				h := sp.holding.Extend(rec, o.Serial)
				k := kit.CoinKey(h)
				puts[kit.PrefCoin+k] = h.Marshal()
				coins[k] = h
				total += o.Value
			}
		}
		records, recs = append(records, rec.Marshal()), append(recs, rec)
	}
	if total != sess.amount && !se.mutated("payee-skips-coin-total") && spec.Makes("spend-total") {
		return spec.Errorf(spec.CodeValueMismatch, "received %d fen, asked for %d", total, sess.amount)
	}
	sess.digest = se.digestOf(recs)
	sess.records, sess.puts, sess.coins, sess.extra = records, puts, coins, extra
	return nil
}

// credit registers the offline record and stores the coins: what the
// payee does on the deduct-success notice.
func (se *SIM) credit(sess *payeeSession, notice []byte) {
	puts := sess.puts
	certs := map[string]*devcert.Certificate{}
	for id, c := range sess.extra {
		if id != se.Name {
			puts[kit.PrefCert+id] = c.Raw
			certs[id] = c
		}
	}
	puts[prefRecv+hex.EncodeToString(sess.nonce)] = kit.MustJSON(recvEntry{Payer: sess.payer.ID, Amount: sess.amount, Records: sess.records, Notice: notice})
	st := se.st
	st.Received += len(sess.coins)
	puts[keyState] = kit.MustJSON(st)
	seen := se.splitSeen(puts)
	se.commit(puts, nil, sess.coins, &st, certs)
	if len(seen) > 0 {
		se.Dev.Commit(seen, nil)
	}
	sess.stage = payeeDone
	se.w.Trace().State(se.Dev.ID(), "received %d fen from %s (offline balance %d, %d coins received offline)", sess.amount, sess.payer.ID, se.Balance(), st.Received)
}

// openCoins opens the coins of a TX sealed to this SIM for the session of
// nonce: the content key sealed to the SIM's key, then the AEAD.
func (se *SIM) openCoins(msg *message, nonce []byte) ([]byte, error) {
	info := sealInfo(nonce, se.Name)
	contentKey, err := se.Priv.Open(msg.SealedKey, info)
	if err != nil {
		return nil, err
	}
	if len(contentKey) != 16 {
		return nil, spec.Errorf(spec.CodeBadSeal, "sealed content key of %d bytes", len(contentKey))
	}
	aead, err := se.S.NewAEAD(contentKey)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "content key: %v", err)
	}
	plain, err := aead.Open(nil, zeroNonce, msg.Ciphertext, info)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "the coins do not open under the sealed key")
	}
	return plain, nil
}

// sealTx builds the signed TX of a payment: the spends and the
// certificates of their lineage, sealed to the payee under a fresh
// content key (formats.md, the cert TX).
func (se *SIM) sealTx(sess *payerSession, spends []spend) ([]byte, error) {
	plain, err := encodeCoins(spends, se.lineageCerts(spends))
	if err != nil {
		return nil, err
	}
	info := sealInfo(sess.nonce, sess.payee.ID)
	r := se.w.Rand("cert/seal/" + se.Name)
	contentKey := r.Bytes(16)
	sealedKey, err := sess.payee.PublicKey.Seal(r, contentKey, info)
	if err != nil {
		return nil, err
	}
	aead, err := se.S.NewAEAD(contentKey)
	if err != nil {
		return nil, err
	}
	tx := &message{Tag: TagTx, Nonce: sess.nonce, Amount: sess.amount, Payer: se.payerID(), Payee: sess.payee.ID,
		SealedKey: sealedKey, Ciphertext: aead.Seal(nil, zeroNonce, plain, info)}
	return tx.sign(se.Priv)
}
