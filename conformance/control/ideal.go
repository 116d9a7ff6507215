package control

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Name is the control's scheme name.
const Name = "ideal-anonymity"

// escrowInfo is the context bound into every escrow envelope.
var escrowInfo = []byte("dualoffline/control/identity-escrow/v1")

// Mutations of Ideal (mutants.go); "" is the control itself.
const (
	mutIDInMessage     = "payer-id-in-message"
	mutStableTag       = "stable-payer-tag"
	mutKeyInMessage    = "payer-key-in-message"
	mutPayerLength     = "payer-dependent-length"
	mutLengthAtT       = "payer-dependent-length-at-threshold"
	mutLargeAnonymous  = "large-payment-anonymous"
	mutEscrowToPayee   = "escrow-to-payee-key"
	mutPayeeSkipsProof = "payee-skips-escrow-proof"
	mutIDInRefused     = "payer-id-in-refused-attempt"
	mutSequence        = "payer-sequence-number"
)

type scheme struct{ mutation string }

// Ideal returns the ideal-anonymity control target (see the package doc).
func Ideal() models.Scheme { return scheme{} }

func (s scheme) Info() models.Info {
	return models.Info{
		Name:    Name,
		Title:   "Ideal-anonymity control: payment views independent of the payer by construction, escrow traced by the central bank",
		Source:  "control target of the conformance suites (conformance/control), for R3 only",
		Channel: world.NearField,
	}
}

func (s scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	if len(cfg.External) > 0 {
		return nil, spec.Errorf(spec.CodeUnimplemented, "the %s control hosts no external wallets", Name)
	}
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, err
	}
	r := w.Rand("control/keys")
	in := &instance{w: w, cfg: cfg, cb: cb, mut: s.mutation, dev: map[world.PartyID]*world.Device{},
		keys: map[world.PartyID]suite.PrivateKey{}, account: map[world.PartyID]int64{}, rng: w.Rand("control/payments"),
		tags: map[world.PartyID][]byte{}, corrupt: map[world.PartyID]models.Corruption{}}
	if in.traceKey, err = cfg.Suite.GenerateKey(r); err != nil {
		return nil, err
	}
	if in.agentKey, err = cfg.Suite.GenerateKey(r); err != nil {
		return nil, err
	}
	in.proofKey = r.Bytes(32)
	for _, id := range cfg.WalletIDs() {
		k, err := cfg.Suite.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		if _, err := cb.Certify(string(id), devcert.RoleWallet, k.Public()); err != nil {
			return nil, err
		}
		in.wallets = append(in.wallets, id)
		in.keys[id] = k
		in.dev[id] = w.AddDevice(id, true)
		in.account[id] = cfg.Opening
		in.tags[id] = r.Bytes(16)
	}
	if s.mutation == mutSequence {
		// Each wallet's record counter starts where its previous life
		// left it (a card personalised earlier, a desk's book carried
		// over): a seeded start in [2^16, 2^22), so that its DER
		// INTEGER is 3 content bytes for every wallet all game long (the
		// length says nothing; only the value counts), from a stream of
		// its own so the control's other draws are unchanged.
		sr := w.Rand("control/sequence")
		for _, id := range in.wallets {
			in.dev[id].Put("seq", putInt(1<<16+sr.Int64N(1<<22-1<<16)))
		}
	}
	return in, nil
}

// deposit is a payment the banks accepted from its payee.
type deposit struct {
	ref    string
	payee  world.PartyID
	value  int64
	escrow []byte
}

type instance struct {
	w        *world.World
	cfg      models.Config
	cb       *bank.CentralBank
	mut      string
	wallets  []world.PartyID
	dev      map[world.PartyID]*world.Device
	keys     map[world.PartyID]suite.PrivateKey
	traceKey suite.PrivateKey // the central bank's
	agentKey suite.PrivateKey // the agent bank's
	proofKey []byte           // the ideal proof's
	rng      interface{ Read([]byte) (int, error) }
	account  map[world.PartyID]int64
	tags     map[world.PartyID][]byte // a mutant's per-payer tag
	corrupt  map[world.PartyID]models.Corruption
	// agentLog is what the agent bank received, in order.
	agentLog []models.Observed
	deposits []deposit
	issued   int64
	redeemed int64
}

var (
	_ models.Instance  = (*instance)(nil)
	_ models.Observer  = (*instance)(nil)
	_ models.Tracer    = (*instance)(nil)
	_ models.Corrupter = (*instance)(nil)
	_ models.Opener    = (*instance)(nil)
)

func (in *instance) World() *world.World      { return in.w }
func (in *instance) Bank() *bank.CentralBank  { return in.cb }
func (in *instance) Wallets() []world.PartyID { return in.wallets }

func (in *instance) device(p world.PartyID) (*world.Device, error) {
	d, ok := in.dev[p]
	if !ok {
		return nil, spec.Errorf(spec.CodeMalformed, "no wallet %q", p)
	}
	return d, nil
}

func getInt(d *world.Device, key string) int64 {
	b, ok := d.Get(key)
	if !ok || len(b) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

func putInt(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

func (in *instance) Fund(wallet world.PartyID, amount int64) error {
	d, err := in.device(wallet)
	if err != nil {
		return err
	}
	if amount <= 0 || amount > in.account[wallet] {
		return spec.Errorf(spec.CodeInsufficient, "%s's account holds %d fen, withdrawal of %d", wallet, in.account[wallet], amount)
	}
	in.account[wallet] -= amount
	in.issued += amount
	if in.mut == mutIDInRefused {
		d.Commit(map[string][]byte{"balance": putInt(getInt(d, "balance") + amount), "withdrawals": putInt(getInt(d, "withdrawals") + 1)}, nil)
	} else {
		d.Put("balance", putInt(getInt(d, "balance")+amount))
	}
	rec := fmt.Appendf(nil, "withdrawal account=%s amount=%d seq=%d", wallet, amount, len(in.agentLog))
	if in.mut == mutSequence {
		rec = append(rec, in.nextSeq(d)...)
	}
	in.agentLog = append(in.agentLog, models.Observed{Label: "withdrawal by " + string(wallet), Bytes: rec})
	return nil
}

// nextSeq is the payer-sequence-number mutant's record counter: the
// wallet's current value as a DER INTEGER (what an ASN.1 record format
// would carry), advanced by one. Every record the wallet makes takes the
// next value: its withdrawal requests, its PAY messages and its
// reconciliation reports.
func (in *instance) nextSeq(d *world.Device) []byte {
	n := getInt(d, "seq")
	d.Put("seq", putInt(n+1))
	b, _ := asn1.Marshal(n)
	return b
}

// PAY payload: nonce[32] | amount u64 | escrow length u16 | escrow |
// proof[32] | extra (a mutant's leak).
const nonceSize, proofSize = 32, 32

type pay struct {
	nonce  []byte
	amount int64
	escrow []byte
	proof  []byte
}

func (p pay) signed() []byte {
	b := append([]byte(nil), p.nonce...)
	b = binary.BigEndian.AppendUint64(b, uint64(p.amount))
	return append(b, p.escrow...)
}

func parsePay(b []byte) (pay, error) {
	if len(b) < nonceSize+8+2 {
		return pay{}, spec.Errorf(spec.CodeMalformed, "PAY of %d bytes", len(b))
	}
	p := pay{nonce: b[:nonceSize], amount: int64(binary.BigEndian.Uint64(b[nonceSize:]))}
	n := int(binary.BigEndian.Uint16(b[nonceSize+8:]))
	rest := b[nonceSize+10:]
	if len(rest) < n+proofSize || p.amount <= 0 {
		return pay{}, spec.Errorf(spec.CodeMalformed, "PAY escrow of %d bytes in %d, amount %d", n, len(rest), p.amount)
	}
	p.escrow, p.proof = rest[:n], rest[n:n+proofSize]
	return p, nil
}

// prove is the ideal proof: a MAC over the payment, issued only when the
// witness is honest (the sender's own identity sealed to the trace key).
func (in *instance) prove(p pay, honest bool) []byte {
	if !honest {
		b := make([]byte, proofSize)
		_, _ = in.rng.Read(b)
		return b
	}
	m := hmac.New(sha256.New, in.proofKey)
	m.Write(p.signed())
	return m.Sum(nil)
}

func (in *instance) proofOK(p pay) bool {
	m := hmac.New(sha256.New, in.proofKey)
	m.Write(p.signed())
	return hmac.Equal(m.Sum(nil), p.proof)
}

// escrowKey is the key escrows are sealed to: the central bank's trace
// key (a mutant's: the payee's).
func (in *instance) escrowKey(payee world.PartyID) suite.PublicKey {
	if in.mut == mutEscrowToPayee {
		return in.keys[payee].Public()
	}
	return in.traceKey.Public()
}

func (in *instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	dp, err := in.device(payer)
	if err != nil {
		return models.Payment{}, err
	}
	de, err := in.device(payee)
	if err != nil {
		return models.Payment{}, err
	}
	if payer == payee || amount <= 0 {
		return models.Payment{}, spec.Errorf(spec.CodeValueMismatch, "payment of %d fen from %s to %s", amount, payer, payee)
	}
	if err := in.cfg.Limits.Check(getInt(dp, "spent"), int(getInt(dp, "count")), amount); err != nil {
		return models.Payment{}, err
	}
	if bal := getInt(dp, "balance"); bal < amount {
		return models.Payment{}, spec.Errorf(spec.CodeInsufficient, "%s holds %d fen, payment of %d", payer, bal, amount)
	}
	if in.mut == mutIDInRefused && getInt(dp, "payments") == 2 && getInt(dp, "withdrawals") < 2 {
		return in.probe(payer, payee, plan), nil
	}
	msg, err := in.payMessage(payer, payee, amount)
	if err == nil && in.mut == mutSequence {
		msg = append(msg, in.nextSeq(dp)...)
	}
	if err != nil {
		return models.Payment{}, err
	}
	p, _ := parsePay(msg)
	ref := hex.EncodeToString(p.nonce)
	// Write-ahead: the payer debits and remembers the payment first.
	puts := map[string][]byte{"balance": putInt(getInt(dp, "balance") - amount), "out/" + ref: putInt(amount),
		"spent": putInt(getInt(dp, "spent") + amount), "count": putInt(getInt(dp, "count") + 1)}
	if in.mut == mutIDInRefused {
		puts["payments"] = putInt(getInt(dp, "payments") + 1)
	}
	if amount > in.cfg.Threshold && in.mut != mutLargeAnonymous {
		rec, err := in.largeRecord(payer, payee, p)
		if err != nil {
			return models.Payment{}, err
		}
		puts["large/"+ref] = rec
	}
	dp.Commit(puts, nil)
	var pm models.Payment
	s := &world.Session{
		Channel: world.NearField,
		Plan:    plan,
		Start:   []world.Message{{From: payer, To: payee, Type: "PAY", Payload: msg}},
		Endpoints: map[world.PartyID]world.Endpoint{
			payee: func(m world.Message) ([]world.Message, error) {
				if m.Type != "PAY" {
					return nil, spec.Errorf(spec.CodeMalformed, "payee got %s", m.Type)
				}
				q, err := parsePay(m.Payload)
				if err != nil {
					return nil, err
				}
				if in.mut != mutPayeeSkipsProof && !in.proofOK(q) {
					return nil, spec.Errorf(spec.CodeBadSeal, "the escrow's proof does not verify")
				}
				key := "in/" + hex.EncodeToString(q.nonce)
				if _, dup := de.Get(key); !dup {
					de.Put(key, m.Payload)
				}
				return []world.Message{{From: payee, To: m.From, Type: "ACK", Payload: append([]byte(nil), q.nonce...)}}, nil
			},
			payer: func(m world.Message) ([]world.Message, error) {
				if m.Type != "ACK" || hex.EncodeToString(m.Payload) != ref {
					return nil, spec.Errorf(spec.CodeWrongRecipient, "payer got %s for another payment", m.Type)
				}
				if _, ok := dp.Get("out/" + ref); ok {
					dp.Delete("out/" + ref)
				}
				pm.Paid = true
				return nil, nil
			},
		},
	}
	pm.Outcome = in.w.RunSession(s)
	_, pm.Received = de.Get("in/" + ref)
	return pm, nil
}

// probe is the payer-id-in-refused-attempt mutant's third payment while
// it has withdrawn only once: the payer greets the payee with a PROBE
// carrying its device id, and refuses the PROBE-OK that answers it for a
// limit of its own (a third payment wants a second withdrawal). The
// payment is refused; a withdrawal cures it, and every payment after it
// is the reference's.
func (in *instance) probe(payer, payee world.PartyID, plan world.Plan) models.Payment {
	s := &world.Session{
		Channel: world.NearField,
		Plan:    plan,
		Start:   []world.Message{{From: payer, To: payee, Type: "PROBE", Payload: []byte(payer)}},
		Endpoints: map[world.PartyID]world.Endpoint{
			payee: func(m world.Message) ([]world.Message, error) {
				return []world.Message{{From: payee, To: m.From, Type: "PROBE-OK"}}, nil
			},
			payer: func(m world.Message) ([]world.Message, error) {
				return nil, spec.Errorf(spec.CodeLimitExceeded, "%s pays a third time only after a second withdrawal", payer)
			},
		},
	}
	return models.Payment{Outcome: in.w.RunSession(s)}
}

// payMessage builds the PAY payload of a payment.
func (in *instance) payMessage(payer, payee world.PartyID, amount int64) ([]byte, error) {
	p := pay{nonce: make([]byte, nonceSize), amount: amount}
	_, _ = in.rng.Read(p.nonce)
	identity, key, honest := string(payer), in.escrowKey(payee), true
	switch c, ok := in.corrupt[payer]; {
	case !ok:
	case c.Kind == models.CorruptEscrowOther:
		identity, honest = string(c.Other), false
	case c.Kind == models.CorruptEscrowWrongKey:
		key, honest = in.keys[payer].Public(), false
	}
	var err error
	if p.escrow, err = key.Seal(in.rng, []byte(identity), escrowInfo); err != nil {
		return nil, err
	}
	if c, ok := in.corrupt[payer]; ok && c.Kind == models.CorruptEscrowGarbage {
		_, _ = in.rng.Read(p.escrow)
		honest = false
	}
	p.proof = in.prove(p, honest)
	b := p.signed()
	b = binary.BigEndian.AppendUint16(b[:nonceSize+8], uint16(len(p.escrow)))
	b = append(b, p.escrow...)
	b = append(b, p.proof...)
	switch in.mut {
	case mutIDInMessage:
		b = append(b, payer...)
	case mutStableTag:
		b = append(b, in.tags[payer]...)
	case mutKeyInMessage:
		b = append(b, in.keys[payer].Public().SPKI()...)
	case mutPayerLength:
		pad := make([]byte, 8+16*in.index(payer))
		_, _ = in.rng.Read(pad)
		b = append(b, pad...)
	case mutLengthAtT:
		if amount == in.cfg.Threshold {
			pad := make([]byte, 8+16*in.index(payer))
			_, _ = in.rng.Read(pad)
			b = append(b, pad...)
		}
	}
	return b, nil
}

func (in *instance) index(p world.PartyID) int {
	for i, w := range in.wallets {
		if w == p {
			return i
		}
	}
	return 0
}

// largeRecord is what a payment above T leaves for the payer's agent
// bank: the payer's certificate and its signature over the payment.
func (in *instance) largeRecord(payer, payee world.PartyID, p pay) ([]byte, error) {
	cert, _ := in.cb.Certificate(string(payer))
	body := fmt.Appendf(nil, "large payment payer=%s payee=%s amount=%d nonce=%x", payer, payee, p.amount, p.nonce)
	sig, err := in.keys[payer].Sign(body)
	if err != nil {
		return nil, err
	}
	out := binary.BigEndian.AppendUint16(nil, uint16(len(body)))
	out = append(out, body...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(cert.Raw)))
	out = append(out, cert.Raw...)
	return append(out, sig...), nil
}

// Reconcile deposits what the wallet received (the banks check each
// payment's proof; one that fails is refused and dropped), uploads its
// large-payment records and resets its offline limits.
func (in *instance) Reconcile(wallet world.PartyID) error {
	d, err := in.device(wallet)
	if err != nil {
		return err
	}
	in.w.SetOnline(wallet, true)
	defer in.w.SetOnline(wallet, false)
	var refused []string
	var dels []string
	var credit int64
	for _, k := range d.Keys("in/") {
		b, _ := d.Get(k)
		dels = append(dels, k)
		p, err := parsePay(b)
		if err == nil && !in.proofOK(p) {
			err = spec.Errorf(spec.CodeBadSeal, "proof does not verify")
		}
		in.agentLog = append(in.agentLog, models.Observed{Label: "deposit by " + string(wallet) + " " + k[3:11], Bytes: b})
		if err != nil {
			refused = append(refused, k[3:]+": "+err.Error())
			continue
		}
		credit += p.amount
		in.deposits = append(in.deposits, deposit{ref: k[3:], payee: wallet, value: p.amount, escrow: p.escrow})
	}
	for _, k := range d.Keys("large/") {
		b, _ := d.Get(k)
		dels = append(dels, k)
		in.agentLog = append(in.agentLog, models.Observed{Label: "large-payment record uploaded by " + string(wallet) + " " + k[6:14], Bytes: b})
	}
	if in.mut == mutSequence {
		// The wallet reports its record counter at every reconciliation
		// (as a card reports its transaction counter online).
		in.agentLog = append(in.agentLog, models.Observed{Label: "sequence report by " + string(wallet), Bytes: append([]byte("SYNC "), in.nextSeq(d)...)})
	}
	in.account[wallet] += credit
	d.Commit(map[string][]byte{"spent": putInt(0), "count": putInt(0)}, dels)
	if len(refused) > 0 {
		return spec.Errorf(spec.CodeBadSeal, "the banks refused %d deposit(s) of %s: %v", len(refused), wallet, refused)
	}
	return nil
}

func (in *instance) Deposit(wallet world.PartyID) (int64, error) {
	return 0, spec.Errorf(spec.CodeUnimplemented, "the %s control has no deposit of coins (R3 only)", Name)
}

func (in *instance) Restart(wallet world.PartyID) {}

func (in *instance) Snapshot(wallet world.PartyID) world.Snapshot {
	if d, err := in.device(wallet); err == nil {
		return d.Snapshot()
	}
	return world.StoreSnapshot(wallet, nil)
}

func (in *instance) Restore(wallet world.PartyID, s world.Snapshot) {
	if d, err := in.device(wallet); err == nil {
		d.Restore(s)
	}
}

func (in *instance) Clone(wallet world.PartyID) (world.PartyID, error) {
	return "", spec.Errorf(spec.CodeUnimplemented, "the %s control does not clone devices (R3 only)", Name)
}

func (in *instance) View(wallet world.PartyID) models.View {
	v := models.View{Party: wallet, Identity: string(wallet), Account: in.account[wallet]}
	d, err := in.device(wallet)
	if err != nil {
		return v
	}
	if b := getInt(d, "balance"); b > 0 {
		v.Coins = append(v.Coins, models.Coin{ID: "balance", Value: b})
	}
	for _, k := range d.Keys("in/") {
		b, _ := d.Get(k)
		if p, err := parsePay(b); err == nil {
			v.Coins = append(v.Coins, models.Coin{ID: k, Value: p.amount})
		}
	}
	for _, k := range d.Keys("out/") {
		v.Pending = append(v.Pending, models.Coin{ID: k, Value: getInt(d, k)})
	}
	v.Spent, v.Payments = getInt(d, "spent"), int(getInt(d, "count"))
	return v
}

func (in *instance) Ledger() models.Ledger {
	var acc int64
	for _, a := range in.account {
		acc += a
	}
	return models.Ledger{Issued: in.issued, Redeemed: in.redeemed, Accounts: acc}
}

// Audit is what the control can account for: value held and pending on
// devices against value withdrawn and deposited.
func (in *instance) Audit() models.Audit {
	a := models.Audit{Issued: in.issued}
	for _, w := range in.wallets {
		v := in.View(w)
		a.Held += v.Offline()
		for _, c := range v.Pending {
			a.Pending += c.Value
		}
	}
	for _, d := range in.deposits {
		a.Redeemed += d.value
	}
	return a
}

// AgentView is everything the (single) agent bank received: withdrawals,
// deposits and large-payment records.
func (in *instance) AgentView(wallet world.PartyID) []models.Observed {
	return in.agentLog[:len(in.agentLog):len(in.agentLog)]
}

// TraceReceived opens the escrow of every deposit paying payee with the
// central bank's trace key.
func (in *instance) TraceReceived(payee world.PartyID) []models.Traced {
	var out []models.Traced
	for _, d := range in.deposits {
		if d.payee != payee {
			continue
		}
		t := models.Traced{Ref: d.ref, Value: d.value}
		id, err := in.traceKey.Open(d.escrow, escrowInfo)
		if err == nil {
			if _, ok := in.cb.Certificate(string(id)); !ok {
				err = spec.Errorf(spec.CodeUntrustedIssuer, "escrow names %q, no registered device", id)
			}
		}
		if err != nil {
			t.Err = err
		} else {
			t.Payer = string(id)
		}
		out = append(out, t)
	}
	return out
}

// Corrupt stages the escrow corruptions of R3.5.
func (in *instance) Corrupt(wallet world.PartyID, c models.Corruption) error {
	if _, err := in.device(wallet); err != nil {
		return err
	}
	switch c.Kind {
	case models.CorruptEscrowGarbage, models.CorruptEscrowWrongKey:
	case models.CorruptEscrowOther:
		if _, err := in.device(c.Other); err != nil || c.Other == wallet {
			return spec.Errorf(spec.CodeWrongRecipient, "escrow-other needs another wallet, got %q", c.Other)
		}
	default:
		return spec.Errorf(spec.CodeUnimplemented, "the %s control stages only the escrow corruptions; its payments of at most T carry no identity field to substitute (%s)", Name, c.Kind)
	}
	in.corrupt[wallet] = c
	return nil
}

// AdversaryOpen tries every key the merchant's device and the agent bank
// hold on the escrow of b, if b is a PAY payload (as delivered, stored or
// deposited).
func (in *instance) AdversaryOpen(merchant world.PartyID, b []byte) []models.Observed {
	p, err := parsePay(b)
	if err != nil {
		return nil
	}
	var out []models.Observed
	for _, k := range []struct {
		name string
		key  suite.PrivateKey
	}{{"device key of " + string(merchant), in.keys[merchant]}, {"agent bank key", in.agentKey}} {
		if k.key == nil {
			continue
		}
		if pt, err := k.key.Open(p.escrow, escrowInfo); err == nil {
			out = append(out, models.Observed{Label: "escrow opened with the " + k.name, Bytes: pt})
		}
	}
	return out
}
