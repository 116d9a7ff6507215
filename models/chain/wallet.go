package chain

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Persistent store of a wallet (a light node). Everything it knows after a
// power cut is here; the wallet struct's other fields are rebuilt by
// recover. The identity keys are the kit's store layout (models/kit).
const (
	keyID        = kit.KeyID     // certificate id, ASCII
	keyPriv      = kit.KeyPriv   // private scalar
	keyCert      = kit.KeyCert   // own certificate, DER
	keyRoot      = kit.KeyRoot   // central bank root certificate, DER
	keyChainKey  = "chain-key"   // the chain's public key, SPKI DER
	keyCRL       = kit.KeyCRL    // revocation list, DER
	keyBlacklist = "blacklist"   // JSON: addresses of revoked wallets
	keyLimits    = kit.KeyLimits // JSON bank.Limits
	keyState     = "state"       // JSON walletState
	prefCoin     = "coin/"       // coin/<outpoint hex>: JSON walletCoin, a spendable coin
	prefOut      = "out/"        // out/<counter>: JSON outEntry, a payment sent and not final
	prefIn       = "in/"         // in/<txid hex>: JSON inEntry, a payment received and not final
	prefAnswered = "answered/"   // answered/<nonce hex>: an agreement this wallet already paid
)

// Window is how far a payment's timestamp may be from the payee's clock.
const Window = 5 * time.Minute

// Message types in traces.
const (
	MsgAgree = "AGREE" // the agreed amount, payee address and nonce, keyed in at the till
	MsgQR    = "QR"    // the payment QR code, displayed by the payer and scanned by the payee
)

// AgreeSize is the length of an agreement: amount (8), payee address (20),
// nonce (8) and a 4-byte check code over them.
const AgreeSize = 8 + AddrSize + NonceSize + 4

type walletState struct {
	Counter  uint64 `json:"counter"`  // payments signed, ever
	Spent    int64  `json:"spent"`    // fen spent offline since the last reconciliation
	Payments int    `json:"payments"` // offline payments since the last reconciliation
	SyncUnix int64  `json:"sync"`     // world time of the last reconciliation
}

// walletCoin is a spendable coin: final on the chain, or the wallet's own
// change from a payment not yet final.
type walletCoin struct {
	Point []byte `json:"point"` // txid || index
	Value int64  `json:"value"`
	Final bool   `json:"final"`
}

func (c *walletCoin) op() OutPoint { return outPointFrom(c.Point) }

// outEntry is the write-ahead record of a payment sent: written in the
// commit that removes the spent coins, before the QR code is displayed.
type outEntry struct {
	Payment []byte       `json:"payment"`
	Inputs  []walletCoin `json:"inputs"`
}

// inEntry is a payment received, with the receipt the payee signed.
type inEntry struct {
	Payment []byte `json:"payment"`
	Receipt []byte `json:"receipt"`
}

// wallet is one light node: a phone wallet with a clock. It is the
// model's own Device (device.go); Host (host.go) serves it behind the
// external-device operations.
type wallet struct {
	s        suite.Suite
	w        *world.World // randomness and trace
	dev      *world.Device
	mutation string           // a wallet mutant's fault (mutant.go); "" is the reference
	literal  bool             // chain-literal: builds and checks literal payments (literal.go)
	k        int              // the chain's confirmations, for messages
	clock    func() time.Time // the clock, when not the device's (a Host's wallet)

	id        string
	key       suite.PrivateKey
	cert      *devcert.Certificate
	root      *devcert.Certificate
	chainKey  suite.PublicKey
	crl       *devcert.RevocationList
	blacklist map[Address]bool
	limits    bank.Limits
	st        walletState
	addr      Address
	coins     map[string]*walletCoin
	out       map[string]*outEntry
	inbox     map[string]*inEntry

	// payee side, volatile: the open request of the current session
	req      *request
	closed   *request // the request last closed (only read without chain-open-request)
	received bool

	// Corruptions (corrupt.go): software a compromised holder installed.
	// They survive power cycles, like the store.
	present *devcert.Certificate // certificate shown instead of cert
	claim   *devcert.Certificate // identity named as payer instead of its own
	named   *devcert.Certificate // its address named as payer, own certificate kept
	escrow  uint64               // escrow sealed instead of its certificate serial (0: its own)
	sealTo  suite.PublicKey      // key transfers are sealed to instead of the chain key
	insider *insiderPlan         // the insider's payments (insider.go); nil is honest
}

type request struct {
	amount int64
	nonce  [NonceSize]byte
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("chain: " + err.Error())
	}
	return b
}

func pointKey(op OutPoint) string { return prefCoin + hex.EncodeToString(op.bytes()) }

func outKey(ctr uint64) string {
	return prefOut + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

// recover rebuilds the volatile state from the store. A wallet whose store
// does not parse is bricked: a model bug, so it panics.
func (wl *wallet) recover() {
	if err := wl.load(); err != nil {
		panic("chain: " + err.Error())
	}
}

// load rebuilds the volatile state from the store, or says why the store
// does not load (and then leaves the wallet unusable).
func (wl *wallet) load() (err error) {
	corrupt := func(err error) error {
		return spec.Errorf(spec.CodeMalformed, "wallet %s store is corrupt: %v", wl.dev.ID(), err)
	}
	var missing string
	get := func(k string) []byte {
		v, ok := wl.dev.Get(k)
		if !ok && missing == "" {
			missing = k
		}
		return v
	}
	for _, k := range []string{keyID, keyPriv, keyCert, keyRoot, keyChainKey, keyCRL, keyBlacklist, keyLimits, keyState} {
		if get(k); missing != "" {
			return spec.Errorf(spec.CodeMalformed, "wallet %s store lacks %s", wl.dev.ID(), missing)
		}
	}
	wl.id = string(get(keyID))
	if wl.key, err = suite.PrivateKeyFromBytes(wl.s, get(keyPriv)); err != nil {
		return corrupt(err)
	}
	if wl.cert, err = devcert.Parse(wl.s, get(keyCert)); err != nil {
		return corrupt(err)
	}
	if wl.root, err = devcert.Parse(wl.s, get(keyRoot)); err != nil {
		return corrupt(err)
	}
	if wl.chainKey, err = wl.s.ParsePublicKey(get(keyChainKey)); err != nil {
		return corrupt(err)
	}
	if wl.crl, err = devcert.ParseRevocationList(get(keyCRL), wl.root); err != nil {
		return corrupt(err)
	}
	var bl []Address
	if err := json.Unmarshal(get(keyBlacklist), &bl); err != nil {
		return corrupt(err)
	}
	wl.blacklist = map[Address]bool{}
	for _, a := range bl {
		wl.blacklist[a] = true
	}
	if err := json.Unmarshal(get(keyLimits), &wl.limits); err != nil {
		return corrupt(err)
	}
	if err := json.Unmarshal(get(keyState), &wl.st); err != nil {
		return corrupt(err)
	}
	wl.volatileLimits()
	wl.addr = AddressOf(wl.s, wl.cert.PublicKey)
	wl.coins = map[string]*walletCoin{}
	for _, k := range wl.dev.Keys(prefCoin) {
		var c walletCoin
		if err := json.Unmarshal(get(k), &c); err != nil || len(c.Point) != IDSize+2 {
			return corrupt(fmt.Errorf("coin %s", k))
		}
		wl.coins[k] = &c
	}
	wl.out = map[string]*outEntry{}
	for _, k := range wl.dev.Keys(prefOut) {
		var e outEntry
		if err := json.Unmarshal(get(k), &e); err != nil {
			return corrupt(err)
		}
		wl.out[k] = &e
	}
	wl.inbox = map[string]*inEntry{}
	for _, k := range wl.dev.Keys(prefIn) {
		var e inEntry
		if err := json.Unmarshal(get(k), &e); err != nil {
			return corrupt(err)
		}
		wl.inbox[k] = &e
	}
	wl.req, wl.received = nil, false
	return nil
}

func (wl *wallet) mutated(name string) bool { return wl.mutation != "" && wl.mutation == name }

func (wl *wallet) now() time.Time {
	if wl.clock != nil {
		return wl.clock()
	}
	t, _ := wl.dev.Now()
	return t
}

// balance is the value of the spendable coins.
func (wl *wallet) balance() int64 {
	var v int64
	for _, c := range wl.coins {
		v += c.Value
	}
	return v
}

// received is the value of payments received and not yet final.
func (wl *wallet) awaiting() int64 {
	var v int64
	for _, k := range slices.Sorted(maps.Keys(wl.inbox)) {
		if p, err := ParsePayment(wl.inbox[k].Payment); err == nil {
			v += p.Amount
		}
	}
	return v
}

func agreeCheck(s suite.Suite, b []byte) []byte {
	return s.Hash([]byte("dualoffline/chain/agree/v1\x00"), b)[:4]
}

// startRequest opens a payment request on the payee side and returns the
// agreement the payer keys in: the amount, the payee's address and a
// fresh nonce, with a check code.
func (wl *wallet) startRequest(amount int64) []byte {
	r := &request{amount: amount}
	copy(r.nonce[:], wl.w.Rand("chain/nonce/"+wl.id).Bytes(NonceSize))
	wl.req, wl.received = r, false
	b := binary.BigEndian.AppendUint64(nil, uint64(amount))
	b = append(b, wl.addr[:]...)
	b = append(b, r.nonce[:]...)
	return append(b, agreeCheck(wl.s, b)...)
}

// pay answers an agreement: it checks the payee, the limits and the funds,
// builds the payment and commits the spend before the code is shown.
func (wl *wallet) pay(agree []byte) ([]byte, error) {
	paid := func(n [NonceSize]byte) bool {
		_, dup := wl.dev.Get(prefAnswered + hex.EncodeToString(n[:]))
		return dup && !wl.mutated("payer-forgets-answered-agreements")
	}
	amount, payee, nonce, err := checkAgreement(wl.s, agree, wl.addr, paid, func(a Address) bool { return wl.blacklist[a] && !wl.mutated("payer-skips-blacklist") })
	if err != nil {
		return nil, err
	}
	answered := prefAnswered + hex.EncodeToString(nonce[:])
	// Then, in the order of formats-schemes.md ("AGREE"): its own
	// certificate (chain-payer-cert), the limits (chain-payer-limits), the
	// coins (chain-payer-funds, in pick).
	if err := wl.cert.Verify(wl.root, wl.now(), wl.crl); err != nil && spec.Makes("chain-payer-cert") {
		return nil, err
	}
	if err := wl.limits.Check(wl.st.Spent, wl.st.Payments-wl.offByOne(), amount); err != nil && spec.Makes("chain-payer-limits") {
		return nil, err
	}
	if wl.insider != nil {
		return wl.insiderQR(payee, amount, nonce)
	}
	picked, err := wl.pick(amount)
	if err != nil {
		return nil, err
	}
	qr, change, err := wl.build(payee, amount, nonce, picked)
	if err != nil {
		return nil, err
	}
	st := wl.st
	st.Counter++
	st.Spent += amount
	st.Payments++
	entry := &outEntry{Payment: wl.logged(qr), Inputs: picked}
	puts := map[string][]byte{keyState: mustJSON(st), answered: {1}, outKey(st.Counter): mustJSON(entry)}
	if wl.mutated("no-write-ahead-log") {
		delete(puts, outKey(st.Counter)) // the log entry stays in RAM
	}
	var deletes []string
	for _, c := range picked {
		deletes = append(deletes, pointKey(c.op()))
	}
	for _, c := range change {
		puts[pointKey(c.op())] = mustJSON(c)
	}
	// The write-ahead commit: coins out, change in, the log entry, counters.
	wl.logFirst(puts)
	wl.dev.Commit(puts, deletes)
	for _, k := range deletes {
		delete(wl.coins, k)
	}
	for i := range change {
		wl.coins[pointKey(change[i].op())] = &change[i]
	}
	wl.out[outKey(st.Counter)] = entry
	wl.st = st
	wl.w.Trace().State(wl.dev.ID(), "paid %d fen to address %x (spendable %d)", amount, payee[:8], wl.balance())
	return qr, nil
}

// pick chooses coins covering amount: largest first (ties by key), at
// most MaxInputs. One pass keeps the MaxInputs largest, so a large purse
// costs no sort.
func (wl *wallet) pick(amount int64) ([]walletCoin, error) {
	type cand struct {
		key string
		c   *walletCoin
	}
	before := func(a, b cand) bool {
		return a.c.Value > b.c.Value || a.c.Value == b.c.Value && a.key < b.key
	}
	top := make([]cand, 0, MaxInputs+1)
	for k, c := range wl.coins {
		x := cand{k, c}
		if len(top) == MaxInputs && !before(x, top[MaxInputs-1]) {
			continue
		}
		i := len(top)
		for i > 0 && before(x, top[i-1]) {
			i--
		}
		top = slices.Insert(top, i, x)
		if len(top) > MaxInputs {
			top = top[:MaxInputs]
		}
	}
	var picked []walletCoin
	var sum int64
	for _, c := range top {
		if sum >= amount {
			break
		}
		picked = append(picked, *c.c)
		sum += c.c.Value
	}
	if sum < amount && spec.Makes("chain-payer-funds") {
		return nil, spec.Errorf(spec.CodeInsufficient,
			"wallet can spend %d fen in at most %d coins (holds %d spendable; %d fen received offline waits for upload and %d confirmations), payment of %d",
			sum, MaxInputs, wl.balance(), wl.awaiting(), wl.k, amount)
	}
	return picked, nil
}

// signPayment seals inputs to the chain and signs a payment of amount to
// payee at time at; it returns the QR code's bytes and what the signature
// covers (the payment's transaction id is its hash). An insider's
// payments are built by it too, whatever the inputs hold.
func (wl *wallet) signPayment(payee Address, amount int64, nonce [NonceSize]byte, inputs []walletCoin, at time.Time) (qr, tbs []byte, err error) {
	r := wl.w.Rand("chain/seal/" + wl.id)
	tr := &Transfer{Version: Version1, Escrow: wl.escrowSerial(), Payee: wl.sealedPayee(payee)}
	copy(tr.Salt[:], r.Bytes(SaltSize))
	for _, c := range inputs {
		tr.Inputs = append(tr.Inputs, c.op())
	}
	if wl.literal {
		tr.Version, tr.Payer, tr.Amount, tr.Nonce, tr.Time = Version2, wl.payerAddr(), amount, nonce, at.Unix()
	}
	plain := tr.Marshal()
	sealed, err := wl.sealKey().Seal(r, plain, sealInfo)
	if err != nil {
		return nil, nil, err
	}
	p := &Payment{PaymentTBS: PaymentTBS{
		Version: Version1, Payer: wl.payerAddr(), Payee: payee, Amount: amount, Nonce: nonce,
		Time: at.Unix(), Cert: wl.presented().Raw, Sealed: sealed,
	}}
	copy(p.Commitment[:], wl.s.Hash(plain))
	if wl.literal {
		p.Version = Version2
	}
	tbs = p.TBS()
	if p.Signature, err = wl.key.Sign(tbs); err != nil {
		return nil, nil, err
	}
	if wl.literal {
		p.Lock = LockOf(wl.s, tbs, p.Signature)
	}
	return p.marshalWith(tbs), tbs, nil
}

// build signs a payment of amount to payee spending picked, and returns
// it with the change coins it creates for the payer.
func (wl *wallet) build(payee Address, amount int64, nonce [NonceSize]byte, picked []walletCoin) ([]byte, []walletCoin, error) {
	qr, tbs, err := wl.signPayment(payee, amount, nonce, picked, wl.now())
	if err != nil {
		return nil, nil, err
	}
	var sum int64
	for _, c := range picked {
		sum += c.Value
	}
	if len(qr) > MaxPaymentDER {
		return nil, nil, spec.Errorf(spec.CodeLimitExceeded, "a payment of %d bytes does not fit a version-%d QR code", len(qr), QRVersion)
	}
	outs, err := splitOutputs(sum, amount, wl.addr, payee)
	if err != nil {
		return nil, nil, err
	}
	outs = wl.lumpChange(outs)
	var id TxID
	copy(id[:], wl.s.Hash(tbs))
	var change []walletCoin
	for i, o := range outs {
		if o.Owner == wl.addr {
			op := OutPoint{Tx: id, Index: uint16(i)}
			change = append(change, walletCoin{Point: op.bytes(), Value: o.Value})
		}
	}
	return qr, change, nil
}

// payeeEndpoint handles the QR code the payee scans. It never replies: the
// link is one way.
func (wl *wallet) payeeEndpoint(m world.Message) ([]world.Message, error) {
	if wl.req == nil {
		if spec.Makes("chain-open-request") || wl.closed == nil {
			return nil, spec.Errorf(spec.CodeReplay, "no payment request is open")
		}
		wl.req = wl.closed // a wallet without the check takes the code against the request it closed last
	}
	return nil, wl.receive(m.Payload)
}

// receive checks a payment offline as far as a payee can (certificate,
// addresses, amount, nonce, time window, signature), stores it with the
// payee's counter-signed receipt, and closes the request. What it cannot
// check (which coins, whether they are unspent) is sealed to the chain.
func (wl *wallet) receive(qr []byte) error {
	p, err := ParsePayment(qr)
	if err != nil {
		return err
	}
	cert, err := devcert.Parse(wl.s, p.Cert)
	if err != nil {
		return err
	}
	if cert.Role != devcert.RoleWallet && spec.Makes("chain-cert") {
		return spec.Errorf(spec.CodeUntrustedIssuer, "payer certificate has role %q", cert.Role)
	}
	now := wl.now()
	if err := cert.Verify(wl.root, now, wl.crl); err != nil && !wl.mutated("payee-skips-cert-verify") && spec.Makes("chain-cert") {
		return err
	}
	if wl.literal {
		return wl.receiveLiteral(qr, p, cert, now)
	}
	if p.Version != Version1 && spec.Makes("chain-version") {
		return spec.Errorf(spec.CodeUnknownVersion, "chain takes version-1 payments, this is version %d (chain-literal's)", p.Version)
	}
	if addressOfCert(wl.s, cert) != p.Payer && spec.Makes("chain-address") {
		return spec.Errorf(spec.CodeWrongRecipient, "payer address %s is not the certificate's", p.Payer)
	}
	switch {
	case (p.Payee != wl.addr || p.Payer == wl.addr) && spec.Makes("chain-payee"):
		return spec.Errorf(spec.CodeWrongRecipient, "payment to %s from %s, this wallet is %s", p.Payee, p.Payer, wl.addr)
	case p.Amount != wl.req.amount && spec.Makes("chain-amount") && !wl.mutated("payee-skips-amount-check"):
		return spec.Errorf(spec.CodeValueMismatch, "payment of %d fen, the till asked for %d", p.Amount, wl.req.amount)
	case p.Nonce != wl.req.nonce && spec.Makes("chain-nonce") && !wl.mutated("payee-skips-nonce-check"):
		return spec.Errorf(spec.CodeReplay, "payment answers nonce %x, the open request is %x", p.Nonce, wl.req.nonce)
	}
	if d := time.Unix(p.Time, 0).Sub(now); (d > Window && !wl.mutated("payee-window-past-only") || d < -Window) && wl.payeeChecksTime() && spec.Makes("chain-time-window") {
		return spec.Errorf(spec.CodeReplay, "payment time %v is %v from this wallet's clock, window %v", time.Unix(p.Time, 0).UTC(), d, Window)
	}
	if err := wl.store(qr, p.TBS(), p.Signature, cert, now); err != nil {
		return err
	}
	wl.w.Trace().State(wl.dev.ID(), "received %d fen from %s, counter-signed; spendable after upload and %d confirmations", p.Amount, cert.ID, wl.k)
	return nil
}

// store is the end of a payee's checks, both versions: the payer's
// signature over tbs, a payment not stored before, then the payee's
// counter-signed receipt stored with the scanned payment.
func (wl *wallet) store(qr, tbs, sig []byte, cert *devcert.Certificate, now time.Time) error {
	if err := cert.PublicKey.Verify(tbs, sig); err != nil && !wl.mutated("payee-skips-signature") && spec.Makes("chain-signature") {
		return err
	}
	var id TxID
	copy(id[:], wl.s.Hash(tbs))
	key := prefIn + hex.EncodeToString(id[:])
	if _, dup := wl.dev.Get(key); dup {
		return spec.Errorf(spec.CodeReplay, "payment %s already received", id)
	}
	rc := &SignedReceipt{Receipt: Receipt{Tx: id, Payee: wl.addr, Time: now.Unix()}}
	var err error
	if rc.Signature, err = wl.key.Sign(rc.TBS()); err != nil {
		return err
	}
	wl.dev.Put(key, mustJSON(inEntry{Payment: qr, Receipt: rc.Marshal()}))
	wl.inbox[key] = &inEntry{Payment: qr, Receipt: rc.Marshal()}
	wl.closed, wl.req, wl.received = wl.req, nil, true
	return nil
}

// applyCommit mirrors a commit of coins, log entries and counters in the
// volatile state (cheaper than recover, which re-parses the trust anchors).
func (wl *wallet) applyCommit(puts map[string][]byte, deletes []string) {
	for _, k := range deletes {
		delete(wl.coins, k)
		delete(wl.out, k)
		delete(wl.inbox, k)
	}
	for _, k := range slices.Sorted(maps.Keys(puts)) {
		v := puts[k]
		var err error
		switch {
		case k == keyState:
			err = json.Unmarshal(v, &wl.st)
		case strings.HasPrefix(k, prefCoin):
			var c walletCoin
			err = json.Unmarshal(v, &c)
			wl.coins[k] = &c
		case strings.HasPrefix(k, prefOut):
			var e outEntry
			err = json.Unmarshal(v, &e)
			wl.out[k] = &e
		case strings.HasPrefix(k, prefIn):
			var e inEntry
			err = json.Unmarshal(v, &e)
			wl.inbox[k] = &e
		}
		if err != nil {
			panic("chain: " + err.Error())
		}
	}
}

// outEntries returns the log in counter order, parsed.
func (wl *wallet) outEntries() []loggedPayment {
	var out []loggedPayment
	for _, k := range slices.Sorted(maps.Keys(wl.out)) {
		e := wl.out[k]
		p, err := ParsePayment(e.Payment)
		if err != nil {
			panic("chain: wallet log is corrupt: " + err.Error())
		}
		out = append(out, loggedPayment{key: k, p: p, id: p.ID(wl.s), inputs: coinsOf(e.Inputs)})
	}
	return out
}

type loggedPayment struct {
	key    string
	p      *Payment
	id     TxID
	inputs []Coin
	outs   []Output // what it creates (set by Instance.read)
}

func (wl *wallet) inEntries() []receivedPayment {
	var out []receivedPayment
	for _, k := range slices.Sorted(maps.Keys(wl.inbox)) {
		e := wl.inbox[k]
		p, err := ParsePayment(e.Payment)
		if err != nil {
			panic("chain: wallet inbox is corrupt: " + err.Error())
		}
		r, err := ParseReceipt(e.Receipt)
		if err != nil {
			panic("chain: wallet inbox is corrupt: " + err.Error())
		}
		out = append(out, receivedPayment{key: k, p: p, r: r, id: p.ID(wl.s)})
	}
	return out
}

type receivedPayment struct {
	key string
	p   *Payment
	r   *SignedReceipt
	id  TxID
}

// ID, Backing and Recover make the wallet a kit.Element: the device
// table (kit.Table) restores, clones and injects into it.
func (wl *wallet) ID() string             { return wl.id }
func (wl *wallet) Backing() *world.Device { return wl.dev }
func (wl *wallet) Recover()               { wl.recover() }
