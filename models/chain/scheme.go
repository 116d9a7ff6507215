package chain

import (
	"strings"

	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Defaults of the backbone.
const (
	DefaultNodes         = 4
	DefaultConfirmations = 3
)

// bankNames are the agent banks that run the master nodes, in node order.
var bankNames = []string{"ICBC", "ABC", "BOC", "CCB", "BOCOM", "PSBC", "CMB", "CITIC"}

func bankName(i int) string {
	if i < len(bankNames) {
		return bankNames[i]
	}
	return fmt.Sprintf("BANK-%d", i+1)
}

// Scheme is the chain scheme. The zero value is the reference: four master
// nodes and three confirmations.
type Scheme struct {
	// Nodes is the number of bank master nodes (at least 4); 0 means
	// DefaultNodes.
	Nodes int
	// Confirmations is k, the blocks that must follow a payment's block
	// before it is final; 0 means DefaultConfirmations. It must be at
	// least Nodes/2 (rounded down): below that a minority of nodes could
	// finalise on a fork of its own (see the package doc).
	Confirmations int
	// Literal is chain-literal: the payment exactly as published
	// (literal.go), beside the repaired chain.
	Literal bool

	mutation string // the mutant's name (mutant.go); "" is the reference
}

// Schemes returns the repaired chain and chain-literal.
func Schemes() []models.Scheme { return []models.Scheme{Scheme{}, Scheme{Literal: true}} }

// Info describes the scheme and what it does not meet as published.
func (sc Scheme) Info() models.Info {
	if sc.Literal {
		return literalInfo()
	}
	return models.Info{
		Name:     Name,
		Title:    "ICBC blockchain scheme (2019): payer-displayed QR code, bank master nodes, final after k blocks",
		Source:   "ICBC 2019 patent application 基于区块链的离线支付系统及方法",
		Channel:  world.QR,
		Exposure: models.Exposure{Steps: 8, Time: 300e9}, // its 2-step QR flow, then reconciliations until k = 3 blocks of 2 s follow; 5 min of simulated time
		Expected: []models.Violation{
			{Property: "R2.2-clone-repays-same-payee", Witness: repaid, Reason: sealedCoins},
			{Property: "R2.2-rollback-repays-same-payee", Witness: repaid, Reason: sealedCoins},
			{Property: "R2.2-mail-repays-same-payee", Witness: repaid, Reason: sealedCoins},
			// The decisions differ, the flags do not: the Flags line of the
			// diff is unchanged and complete on one line.
			{Property: "R2.7-upload-order-independent", Witness: models.Witness{Match: `decides otherwise than in order \[[^\]]*\], with the same flagged coins and culprits \(-want \+got\)`},
				Reason: "which of two conflicting transfers becomes final is decided by which reaches a block first (and, across a fork, by the fork rule), so the accept or reject decision of each upload depends on the upload order; the flagged coin and culprit do not"},
			{Property: "R3.1-which-payer-game", Witness: models.LeakWitness("which-payer game", false, leakIn...),
				Reason: "the QR code carries the payer's certificate in the clear, as the patent describes: the merchant reads the payer's identity"},
			{Property: "R3.2-linking-game", Witness: models.LeakWitness("linking game", false, leakIn...),
				Reason: "the payer's certificate and wallet address appear in every payment, so the merchant and the bank nodes link a payer's payments"},
			{Property: "R3.3-no-identity-in-view", Witness: models.IdentityWitness(`payment \d+ of \d+ fen by \S+: `, leakIn...),
				Reason: "the payer's certificate subject (its registered wallet id) and address are in the QR payload and in every block"},
			{Property: "R3.6-threshold-split", Witness: models.IdentityWitness(`a payment of T = \d+ fen by \S+ is not anonymous: `, leakIn...),
				Reason: "small payments are not anonymous (R3.1), so the split between anonymous small value and traceable large value does not exist"},
			{Property: "R1.3-uncertified-payee-refused", Witness: models.Witness{Match: `with \S+ presenting an? [a-z-]+: the payee took the payment: paid=true`},
				Reason: "the payee of a chain payment shows no certificate offline, only the address in the agreement keyed in at the till: the payer cannot check it, so a wallet presenting a certificate that does not chain to the root is paid like any other (the payer's own certificate, in the QR code, is checked)"},
			// Issue 13: an insider's validly signed payment whose sealed
			// inputs are wrong is accepted offline and never settles.
			{Property: "R1.5-insider-unowned-coin-refused", Witness: insiderAccepted("wrong-recipient", "not-owned"), Reason: sealedInputs},
			{Property: "R2.2-insider-duplicate-input-refused", Witness: insiderAccepted("double-spend", "duplicate-input"), Reason: sealedInputs},
			{Property: "R4.3-insider-unbalanced-record-refused", Witness: insiderAccepted("value-mismatch", "wrong-sum", "inflated-change"), Reason: sealedInputs},
			{Property: "R6.4-spend-onward-offline", Witness: models.Witness{Match: `pays the \d+ fen it received offline onward to \S+: paid=false received=false rejections=\[insufficient-funds\]`},
				Reason: "value received offline is spendable only after upload and k confirmations: the payee cannot tell offline that the coins were not spent elsewhere, so the wallet refuses to pay it onward before then"},
		},
	}
}

// leakIn are where the chain scheme's documented leak shows: the QR code
// and what the bank nodes receive.
var leakIn = []string{"message QR", "agent bank"}

// The R2.2 violation: the payee accepts coins it was paid before, which
// it cannot see (sealedCoins).
const sealedCoins = "the coins are sealed to the chain key, so the payee cannot see which coins it is paid with, let alone that it was paid them before; a repeat spend is found only on the chain"

// The insider violations of issue 13: the payee accepts a payment whose
// sealed inputs it cannot see (sealedInputs).
const sealedInputs = "the inputs of a payment are sealed to the chain key, so the payee cannot see that they are worth less than the amount, spend one coin twice or belong to another wallet: an insider signing such a payment with its own key is accepted offline, and only the master nodes refuse it (naming the insider with refusal evidence)"

// insiderAccepted witnesses a payee that stored an insider's payment of
// one of kinds (sealed inputs it cannot see) that it had to refuse with
// code, refusing nothing: each property's own kinds and code, so that one
// property's witness does not recognise another's failure.
func insiderAccepted(code string, kinds ...string) models.Witness {
	return models.Witness{Match: `insider (?:` + strings.Join(kinds, "|") + `) paying \d+ fen \([^)]*\): the payee must refuse the payment with one of \[` + code + `\] and store nothing; it stored it: true, gained 0 fen at once, and its refusals in the session were \[\]`}
}

var repaid = models.Witness{Match: `accepted the same coins from \S+ twice offline: paid=true received=true`}

// Instance is a running chain scheme.
type Instance struct {
	w          *world.World
	cb         *bank.CentralBank
	bb         *backbone
	agents     []*bank.Agent
	redeemAddr []Address
	limits     bank.Limits
	addrs      map[world.PartyID]Address // each wallet's address
	gateway    map[world.PartyID]int
	bankOf     map[string]int // wallet identity → agent (and node) index
	credited   map[TxID]bool
	mutation   string
	scanned    []map[BlockID]bool // per agent: final blocks of its node already settled

	// Every wallet in creation order, its device, the certificate id it
	// presents (Names), the model's own wallets (Own) and the links to
	// external ones.
	kit.Table[Device, *wallet]
}

var (
	_ models.Instance = (*Instance)(nil)
	_ models.Network  = (*Instance)(nil)
)

// New sets up the central bank, Nodes agent banks each running a master
// node, the chain key, and cfg.Wallets wallets, wallet i a customer of
// bank i mod Nodes and connected to its node. The wallets cfg.External
// names are external wallets reached through cfg.Dial (remote.go).
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	n, k := sc.Nodes, sc.Confirmations
	if n == 0 {
		n = DefaultNodes
	}
	if k == 0 {
		k = DefaultConfirmations
	}
	if n < 4 || n > 64 {
		return nil, spec.Errorf(spec.CodeMalformed, "%d master nodes, want 4..64", n)
	}
	if k < 1 || k < n/2 || k > 64 {
		return nil, spec.Errorf(spec.CodeMalformed, "%d confirmations with %d nodes, want %d..64", k, n, max(1, n/2))
	}
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, err
	}
	chainKey, err := cfg.Suite.GenerateKey(w.Rand("chain/key"))
	if err != nil {
		return nil, err
	}
	bb := &backbone{
		w: w, s: cfg.Suite, root: cb.Root(), coinKey: cb.CoinKey(), chainKey: chainKey, k: k,
		byID: map[string]*node{}, agentCerts: map[string]*devcert.Certificate{}, redeem: map[Address]bool{},
		dir:    &directory{byID: map[string]*devcert.Certificate{}, byAddr: map[Address]*devcert.Certificate{}, bySerial: map[uint64]*devcert.Certificate{}},
		blocks: map[BlockID]*blockInfo{}, states: map[BlockID]*state{}, byOwner: map[Address][]OutPoint{}, static: map[[32]byte]staticResult{}, flags: map[OutPoint]*conflict{}, invalid: map[TxID]*invalidSpend{},
		mutation: sc.mutation, crl: cb.CRL, revokedAt: map[uint64]int64{}, literal: sc.Literal, opened: map[[32]byte]*Transfer{},
	}
	in := &Instance{w: w, cb: cb, bb: bb, limits: cfg.Limits, Table: kit.NewTable[Device, *wallet](w, "wallet"), addrs: map[world.PartyID]Address{},
		gateway: map[world.PartyID]int{}, bankOf: map[string]int{}, credited: map[TxID]bool{}, mutation: sc.mutation}
	if onlineBankMutations[sc.mutation] {
		cb.SetMutation(sc.mutation)
	}
	for i := 0; i < n; i++ {
		a, err := cb.AddAgent(bankName(i), int64(cfg.Wallets)*cfg.Opening*4)
		if err != nil {
			return nil, err
		}
		in.agents = append(in.agents, a)
		a.Handover = in.mintAt(i)
		in.scanned = append(in.scanned, map[BlockID]bool{})
		in.redeemAddr = append(in.redeemAddr, AddressOf(cfg.Suite, a.Cert.PublicKey))
		bb.redeem[in.redeemAddr[i]] = true
		bb.agentCerts[a.ID] = a.Cert
		id := a.ID + "-NODE"
		key, err := cfg.Suite.GenerateKey(w.Rand("chain/node-key/" + id))
		if err != nil {
			return nil, err
		}
		cert, err := cb.Certify(id, devcert.RoleNode, key.Public())
		if err != nil {
			return nil, err
		}
		nd := &node{bb: bb, idx: i, id: id, bank: a.ID, dev: w.AddDevice(world.PartyID(id), true), key: key, cert: cert}
		nd.recover()
		bb.nodes = append(bb.nodes, nd)
		bb.byID[id] = nd
	}
	bb.group = make([]int, n)
	w.SetNetwork(in)
	w.Trace().Note(bank.CentralBankID, "chain of %d master nodes, final after %d confirmations; chain key provisioned to the nodes", n, k)
	err = in.AddWallets(cfg,
		func(i int, id world.PartyID) error {
			if sc.Literal {
				return spec.Errorf(spec.CodeUnimplemented, "chain-literal has no external-wallet protocol: its payment format is the model's only")
			}
			return in.attach(id, i%n, cfg)
		},
		func(i int, id world.PartyID) error { return in.addWallet(id, i%n, cfg) },
		func(i int, id world.PartyID) { in.agents[i%n].Open(string(id), cfg.Opening) })
	if err != nil {
		return nil, err
	}
	return in, nil
}

// addWallet provisions one of the model's own wallets: its key is
// generated on the phone, the central bank certifies it, and the wallet
// stores the trust anchors, the chain key, the revocation list and its
// limits.
func (in *Instance) addWallet(id world.PartyID, bankIdx int, cfg models.Config) error {
	dev, key, cert, err := kit.NewPhone(in.w, in.cb, cfg.Suite, id, "chain/wallet-key/"+string(id))
	if err != nil {
		return err
	}
	in.bb.dir.add(cfg.Suite, cert)
	dev.Commit(map[string][]byte{
		keyID:        []byte(id),
		keyPriv:      key.Bytes(),
		keyCert:      cert.Raw,
		keyRoot:      in.cb.Root().Raw,
		keyChainKey:  in.bb.chainKey.Public().SPKI(),
		keyCRL:       in.cb.CRL().Raw,
		keyBlacklist: mustJSON([]Address{}),
		keyLimits:    mustJSON(cfg.Limits),
		keyState:     mustJSON(walletState{SyncUnix: in.w.Now().Unix()}),
	}, nil)
	wl := in.ownWallet(cfg.Suite, dev)
	wl.recover()
	in.AddOwn(id, wl)
	in.addrs[id] = wl.addr
	in.gateway[id] = bankIdx
	in.bankOf[wl.id] = bankIdx
	return nil
}

// ownWallet is the model's own wallet on dev.
func (in *Instance) ownWallet(s suite.Suite, dev *world.Device) *wallet {
	return &wallet{s: s, w: in.w, dev: dev, mutation: in.mutation, k: in.bb.k, literal: in.bb.literal}
}

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

// Nodes returns the master nodes' party ids in node order.
func (in *Instance) Nodes() []world.PartyID {
	var out []world.PartyID
	for _, nd := range in.bb.nodes {
		out = append(out, nd.party())
	}
	return out
}

// Confirmations returns k.
func (in *Instance) Confirmations() int { return in.bb.k }

// Partition splits the master nodes (by index) into groups that gossip
// only among themselves; nodes in no group are isolated. Heal joins them.
// An index out of range or named twice is refused with malformed and
// changes nothing.
func (in *Instance) Partition(groups ...[]int) error {
	seen := map[int]bool{}
	for _, g := range groups {
		for _, i := range g {
			if i < 0 || i >= len(in.bb.nodes) || seen[i] {
				return spec.Errorf(spec.CodeMalformed, "partition %v: node %d is not one of nodes 0..%d once", groups, i, len(in.bb.nodes)-1)
			}
			seen[i] = true
		}
	}
	in.bb.partition(groups)
	return nil
}

// Heal reconnects every master node.
func (in *Instance) Heal() { in.bb.heal() }

// Rounds runs n slots of the backbone, whether or not it has work.
func (in *Instance) Rounds(n int) {
	for range n {
		in.bb.round()
	}
	in.creditRedemptions()
}

// SetGateway connects a wallet to master node idx for its uploads and
// syncs.
func (in *Instance) SetGateway(id world.PartyID, idx int) error {
	if _, err := in.Device(id); err != nil {
		return err
	}
	if idx < 0 || idx >= len(in.bb.nodes) {
		return spec.Errorf(spec.CodeMalformed, "no master node %d", idx)
	}
	in.gateway[id] = idx
	return nil
}

// agentOf returns the agent bank (and its index) that keeps the account
// of wallet id.
func (in *Instance) agentOf(id world.PartyID) (*bank.Agent, int) {
	i := in.bankOf[in.Names[id]]
	return in.agents[i], i
}

// Fund withdraws amount from the wallet's account: the agent bank buys the
// coins from the central bank, hands them to the wallet by its signed
// records and mints them onto the chain at its node; the wallet syncs once
// the mint is final (if a partition stalls the backbone, the value
// arrives at a later sync).
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.Online(id, func(d Device) error {
		// The request id is journalled first (online.go), so a retry
		// after a power cut is the same request.
		if err := in.client(id, d).Withdraw(amount); err != nil {
			return err
		}
		if v, err := in.read(id, d); err == nil {
			in.w.Trace().State(id, "withdrew %d fen (spendable %d)", amount, v.st.Balance())
		}
		return nil
	})
}

// Pay runs one offline payment under plan: the till shows the agreement
// (amount, payee address, nonce) that the payer keys in, the payer's
// wallet commits the spend and displays the payment QR code, the payee
// scans, checks and counter-signs it. Nothing goes back to the payer, so
// Payment.Paid reports that the payer committed the payment and showed
// the code (it can never see an acknowledgement); Received that the payee
// stored it. A payer's refusal (limits, funds, a blacklisted payee) is a
// rejection of the AGREE step in the Outcome, with its typed error.
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	in.bb.readRevocations() // the nodes learn of a revocation before any later payment
	p, q, err := in.Parties(payer, payee)
	if err != nil {
		return models.Payment{}, err
	}
	if amount <= 0 || amount > 100_000_000 {
		return models.Payment{}, spec.Errorf(spec.CodeValueMismatch, "amount %d fen", amount)
	}
	agree, err := q.StartPayee(amount)
	if err != nil {
		return models.Payment{}, err
	}
	before, err := p.State()
	if err != nil {
		return models.Payment{}, err
	}
	out := in.w.RunSession(&world.Session{
		Channel:   world.QR,
		Start:     []world.Message{{From: world.PartyID(string(payee) + "/till"), To: payer, Type: MsgAgree, Payload: agree}},
		Plan:      plan,
		Endpoints: map[world.PartyID]world.Endpoint{payer: payerEndpoint(p, payer, payee), payee: payeeEndpoint(in.w, q, payee)},
		Restart:   map[world.PartyID]func(){payer: restarter(p), payee: restarter(q)},
		Fields:    fields,
		Refield:   refield,
	})
	res := models.Payment{Outcome: out}
	after, err := p.State()
	if err != nil {
		return res, err
	}
	res.Paid = after.Counter > before.Counter
	// A crash-end fault cuts the writes the payee defers to the end of
	// the session.
	crashed, err := in.w.Finish(plan, payee, func() (err error) {
		res.Received, err = q.EndSession()
		return err
	})
	if crashed {
		res.Received = false
		err = q.Restart()
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// payerEndpoint is the payer's handler in a session: what the wallet
// displays, the scanner receives.
func payerEndpoint(d Device, payer, scanner world.PartyID) world.Endpoint {
	return func(m world.Message) ([]world.Message, error) {
		out, err := d.Payer(m)
		for i := range out {
			out[i].From, out[i].To = payer, scanner
		}
		return out, err
	}
}

// payeeEndpoint is the payee's handler in a session. The QR channel is one
// way: whatever a wallet would send back goes nowhere.
func payeeEndpoint(w *world.World, d Device, payee world.PartyID) world.Endpoint {
	return func(m world.Message) ([]world.Message, error) {
		out, err := d.Payee(m)
		if len(out) > 0 {
			w.Trace().Note(payee, "the QR channel is one way: %d replies go nowhere", len(out))
		}
		return nil, err
	}
}

func restarter(d Device) func() { return func() { _ = d.Restart() } }

// fields splits the session's messages into named fields for tampering.
func fields(m world.Message) []world.Span {
	if m.Type == MsgAgree {
		return []world.Span{{Name: "amount", Start: 0, End: 8}, {Name: "payee", Start: 8, End: 28}, {Name: "nonce", Start: 28, End: 36}, {Name: "check", Start: 36, End: 40}}
	}
	var out []world.Span
	for _, s := range paymentSpans(m.Payload) {
		out = append(out, world.Span{Name: s.name, Start: s.start, End: s.end})
	}
	return out
}

// refield is the session's world.Session.Refield: m with the value of
// field f (one of fields(m)) replaced by value, so that a field
// substituted from another message keeps m well-formed. An amount is a
// number in two encodings (AGREE's 8 bytes big-endian, the payment's DER
// INTEGER), so it is re-encoded as m writes it; in a payment the DER
// lengths around the field are rebuilt; AGREE's fields are fixed-width.
func refield(m world.Message, f world.Span, value []byte) (world.Message, bool) {
	if f.Name == "amount" {
		var ok bool
		if value, ok = amountAs(m.Type, value); !ok {
			return m, false
		}
	}
	var out []byte
	if m.Type == MsgAgree {
		if f.Start < 0 || f.End > len(m.Payload) || len(value) != f.End-f.Start {
			return m, false
		}
		out = bytes.Clone(m.Payload)
		copy(out[f.Start:f.End], value)
	} else {
		var ok bool
		if out, ok = der.ReplaceContent(m.Payload, f.Start, f.End, value); !ok {
			return m, false
		}
	}
	m.Payload = out
	return m, true
}

// amountAs re-encodes v, an amount in either message's encoding, as a
// message of type typ writes it: 8 bytes big-endian in AGREE, the minimal
// content of a non-negative DER INTEGER in a payment.
func amountAs(typ string, v []byte) ([]byte, bool) {
	v = bytes.TrimLeft(v, "\x00")
	if len(v) > 8 {
		return nil, false
	}
	if typ == MsgAgree {
		out := make([]byte, 8)
		copy(out[8-len(v):], v)
		return out, true
	}
	if len(v) == 0 || v[0]&0x80 != 0 {
		v = append([]byte{0}, v...)
	}
	return v, true
}

// walletView is a wallet read out and parsed.
type walletView struct {
	party world.PartyID
	addr  Address
	st    *WalletState
	out   []loggedPayment   // the log, in the wallet's order
	inbox []receivedPayment // the inbox, in transaction id order
}

// read reads wallet id out and parses its log and inbox. What an external
// wallet reports that does not parse breaks it.
func (in *Instance) read(id world.PartyID, d Device) (*walletView, error) {
	st, err := d.State()
	if err != nil {
		return nil, err
	}
	s := in.bb.s
	v := &walletView{party: id, addr: in.addrs[id], st: st}
	for i, e := range st.Log {
		p, err := ParsePayment(e.Payment)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports log entry %d that does not parse: %v", models.ErrBroken, id, i, err)
		}
		var sum int64
		for _, c := range e.Inputs {
			sum += c.Value
		}
		if in.bb.fillLiteral(p) != nil {
			// A literal payment the chain key does not open creates
			// nothing the bank side can name.
			v.out = append(v.out, loggedPayment{p: p, id: p.ID(s), inputs: e.Inputs})
			continue
		}
		outs, err := splitOutputs(sum, p.Amount, p.Payer, p.Payee)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports log entry %d that spends %d fen for a payment of %d: %v", models.ErrBroken, id, i, sum, p.Amount, err)
		}
		v.out = append(v.out, loggedPayment{p: p, id: p.ID(s), inputs: e.Inputs, outs: outs})
	}
	for i, e := range st.Inbox {
		p, err := ParsePayment(e.Payment)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports inbox entry %d that does not parse: %v", models.ErrBroken, id, i, err)
		}
		r, err := ParseReceipt(e.Receipt)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports inbox entry %d whose receipt does not parse: %v", models.ErrBroken, id, i, err)
		}
		in.bb.fillLiteral(p) // the bank side opens what the payee could not
		v.inbox = append(v.inbox, receivedPayment{p: p, r: r, id: p.ID(s)})
	}
	slices.SortStableFunc(v.inbox, func(a, b receivedPayment) int { return bytes.Compare(a.id[:], b.id[:]) })
	return v, nil
}

// readAll reads every wallet out, in creation order; an unreadable
// external wallet is left out (its value shows as lost).
func (in *Instance) readAll() []*walletView {
	var out []*walletView
	for _, id := range in.Order {
		if v, err := in.read(id, in.Devices[id]); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// awaiting is the value of payments received and not yet final.
func (v *walletView) awaiting() int64 {
	var s int64
	for _, rp := range v.inbox {
		s += rp.p.Amount
	}
	return s
}

// upload sends the wallet's log and inbox to its gateway node and returns
// the payments the node refused for good.
//
// A power cut of the node stops the upload with an error (no reply): the
// wallet must not take the payment the node did not answer for refused.
func (in *Instance) upload(v *walletView, gw *node) (map[TxID]bool, error) {
	refused := map[TxID]bool{}
	var cut error
	var waiting []*Tx
	send := func(t *Tx, id TxID) {
		if cut != nil {
			return
		}
		err := gw.powered("an upload", func() error { return gw.submit(t) })
		in.w.Trace().Online(v.party, gw.party(), "upload", t.Marshal(), err)
		switch {
		case errors.Is(err, errNodeCut) && !in.mutated("upload-no-reply-is-refusal"):
			cut = err
		case isWaiting(err):
			waiting = append(waiting, t)
		case err != nil:
			refused[id] = true
		}
	}
	for _, lp := range v.out {
		send(&Tx{Payment: lp.p}, lp.id)
	}
	if cut == nil {
		// The payer's whole log is uploaded, every payment after the ones
		// whose change it spends: an input that still no node knows was
		// never created (refusal.go).
		logged := map[TxID]bool{}
		for _, lp := range v.out {
			logged[lp.id] = true
		}
		for _, t := range waiting {
			if id, ok := in.bb.judgeUnknown(t, logged); ok {
				refused[id] = true
			}
		}
	}
	for _, rp := range v.inbox {
		send(&Tx{Payment: rp.p, Receipt: rp.r}, rp.id)
	}
	return refused, cut
}

// sync brings the wallet up to date with its gateway node's best chain:
// settled and dead payments leave the log and the inbox, the spendable
// coins become the final coins the chain holds for the wallet plus its own
// change from payments still pending, minus what those spend; optionally
// the offline limits reset. The node computes it from what the wallet
// reports; the wallet applies it in one write (Device.Sync).
func (in *Instance) sync(id world.PartyID, d Device, gw *node, refused map[TxID]bool, reset bool) error {
	v, err := in.read(id, d)
	if err != nil {
		return err
	}
	st := gw.state()
	u := &SyncUpdate{}
	dropped := map[TxID]bool{}
	var kept []loggedPayment
	for _, lp := range v.out {
		s := gw.status(lp.id)
		dead := refused[lp.id] || s == statusDead || s != statusFinal && in.mutated("sync-voids-unconfirmed-log")
		for _, c := range lp.inputs {
			dead = dead || dropped[c.Point.Tx] && !st.unspent(c.Point)
		}
		if s == statusFinal || dead {
			u.Drop = append(u.Drop, lp.id)
			if dead {
				dropped[lp.id] = true
				in.w.Trace().State(id, "payment %s of %d fen to %s is void: %v", shortID(lp.id[:]), lp.p.Amount, lp.p.Payee, s)
			}
			continue
		}
		kept = append(kept, lp)
	}
	mine := map[TxID]bool{}
	for _, lp := range v.out {
		mine[lp.id] = true
	}
	for _, rp := range v.inbox {
		mine[rp.id] = true
		s := gw.status(rp.id)
		switch {
		case s == statusFinal:
			u.Drop = append(u.Drop, rp.id)
			in.w.Trace().State(id, "payment %s of %d fen is final", shortID(rp.id[:]), rp.p.Amount)
		case s == statusDead || refused[rp.id]:
			u.Drop = append(u.Drop, rp.id)
			in.w.Trace().State(id, "payment %s of %d fen will never settle: its coins were spent elsewhere", shortID(rp.id[:]), rp.p.Amount)
		}
	}
	coins := map[OutPoint]Coin{}
	for _, op := range gw.bb.owned(st, v.addr) {
		if gw.final(st, op.Tx) {
			o, _ := st.out(op)
			coins[op] = Coin{Point: op, Value: o.Value, Final: true}
		}
	}
	for _, lp := range kept {
		for i, o := range lp.outs {
			if o.Owner == v.addr {
				op := OutPoint{Tx: lp.id, Index: uint16(i)}
				coins[op] = Coin{Point: op, Value: o.Value}
			}
		}
	}
	for _, lp := range kept {
		for _, c := range lp.inputs {
			delete(coins, c.Point)
		}
	}
	held := map[OutPoint]Coin{}
	for _, c := range v.st.Coins {
		held[c.Point] = c
	}
	var mail int64
	for op, c := range coins {
		if _, has := held[op]; !has && !mine[op.Tx] {
			if t := gw.pool[op.Tx]; t != nil && t.Payment != nil {
				mail += c.Value // a payment's output, not a withdrawal's
			}
		}
	}
	if mail > 0 {
		in.w.Trace().State(id, "received %d fen by mail: on the chain, never shown to this wallet", mail)
	}
	for op, c := range coins {
		if old, has := held[op]; !has || old.Final != c.Final || old.Value != c.Value {
			u.Put = append(u.Put, c)
		}
	}
	slices.SortFunc(u.Put, func(a, b Coin) int { return comparePoints(a.Point, b.Point) })
	for _, c := range v.st.Coins {
		if _, want := coins[c.Point]; !want {
			u.Remove = append(u.Remove, c.Point)
		}
	}
	slices.SortFunc(u.Remove, comparePoints)
	u.Reset, u.Time = reset, in.w.Now().Unix()
	u.CRL = in.cb.CRL().Raw
	u.Blacklist = in.blacklist()
	return d.Sync(u)
}

// Reconcile takes the wallet online: it uploads what it paid and what it
// received, waits for the backbone to settle (k confirmations), syncs its
// coins from its gateway node and resets its offline limits.
func (in *Instance) Reconcile(id world.PartyID) error {
	return in.Online(id, func(d Device) error {
		// Finish a withdrawal a power cut interrupted.
		if _, _, err := in.client(id, d).Finish(); err != nil {
			return err
		}
		gw := in.bb.nodes[in.gateway[id]]
		if err := in.resetOnConnect(d); err != nil {
			return err
		}
		v, err := in.read(id, d)
		if err != nil {
			return err
		}
		refused, err := in.upload(v, gw)
		if err != nil {
			return err
		}
		in.bb.settle()
		in.creditRedemptions()
		if err := in.sync(id, d, gw, refused, true); err != nil {
			return err
		}
		a, _ := in.agentOf(id)
		if v, err = in.read(id, d); err == nil {
			in.w.Trace().State(id, "reconciled (spendable %d, awaiting %d, account %d)", v.st.Balance(), v.awaiting(), a.Balance(in.Names[id]))
		}
		return nil
	})
}

// Deposit returns every final coin to the wallet's account: after a
// reconciliation the wallet pays its coins to its agent bank's redemption
// address, and the bank credits the account once those payments are final.
func (in *Instance) Deposit(id world.PartyID) (int64, error) {
	var total int64
	err := in.Online(id, func(d Device) error {
		a, ai := in.agentOf(id)
		before := a.Balance(in.Names[id])
		gw := in.bb.nodes[in.gateway[id]]
		uploadSync := func() error {
			v, err := in.read(id, d)
			if err != nil {
				return err
			}
			refused, err := in.upload(v, gw)
			if err != nil {
				return err
			}
			in.bb.settle()
			in.creditRedemptions()
			return in.sync(id, d, gw, refused, false)
		}
		if err := uploadSync(); err != nil {
			return err
		}
		st, err := d.State()
		if err != nil {
			return err
		}
		var final []OutPoint
		for _, c := range st.Coins {
			if c.Final {
				final = append(final, c.Point)
			}
		}
		slices.SortFunc(final, comparePoints)
		if len(final) > 0 {
			r := in.w.Rand("chain/redeem/" + in.Names[id])
			var rs []Redemption
			for chunk := range slices.Chunk(final, MaxInputs) {
				red := Redemption{Payee: in.redeemAddr[ai], Coins: chunk}
				copy(red.Nonce[:], r.Bytes(NonceSize))
				rs = append(rs, red)
			}
			if err := d.Redeem(rs); err != nil {
				return err
			}
			if err := uploadSync(); err != nil {
				return err
			}
		}
		total = a.Balance(in.Names[id]) - before
		return nil
	})
	return total, err
}

// creditRedemptions is the agent banks' settlement: every payment to a
// bank's redemption address that is final on the bank's node is credited,
// once, to the payer's account and redeemed at the central bank.
func (in *Instance) creditRedemptions() {
	for i, a := range in.agents {
		for _, bi := range in.bb.nodes[i].newlyFinal(in.scanned[i]) {
			for _, c := range bi.txs {
				p := c.tx.Payment
				if p == nil || p.Payee != in.redeemAddr[i] || in.credited[c.id] {
					continue
				}
				in.credited[c.id] = true
				in.cb.RedeemedTotal += p.Amount
				a.Reserve += p.Amount
				a.Open(c.cert.ID, p.Amount)
			}
		}
	}
}

// blacklist is the addresses of revoked wallets, as a bank hands them to a
// wallet at sync.
func (in *Instance) blacklist() []Address {
	var out []Address
	for _, id := range slices.Sorted(maps.Keys(in.bb.dir.byID)) {
		c := in.bb.dir.byID[id]
		if in.cb.CRL().Revoked(c.Serial) {
			out = append(out, AddressOf(in.bb.s, c.PublicKey))
		}
	}
	return out
}

// Clone copies the wallet, identity and coins, to a new device; the clone
// connects to the node of its own position (creation order mod Nodes).
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	remote := func(cid world.PartyID, fork models.Link) Device {
		return &remoteWallet{Remote: device.Remote{Link: fork, Party: cid}, dev: in.w.Device(cid)}
	}
	cid, err := in.CloneWith(id, true, remote, func(wl *wallet, dev *world.Device) *wallet {
		c := in.ownWallet(wl.s, dev)
		c.mutation = wl.mutation
		return c
	})
	if err != nil {
		return "", err
	}
	in.addrs[cid] = in.addrs[id]
	in.gateway[cid] = (len(in.Order) - 1) % len(in.bb.nodes)
	return cid, nil
}

// View returns the wallet's observable state: Coins are what it can spend
// offline (final coins and its own change), Pending what it paid that is
// not final yet. Payments it received and that are not final are in
// neither (see Awaiting).
func (in *Instance) View(id world.PartyID) models.View {
	d, err := in.Device(id)
	if err != nil {
		return models.View{Party: id}
	}
	v, err := in.read(id, d)
	if err != nil {
		return models.View{Party: id}
	}
	a, _ := in.agentOf(id)
	out := models.View{Party: id, Identity: v.st.ID, Account: a.Balance(in.Names[id]), Spent: v.st.Spent, Payments: v.st.Payments}
	for _, c := range v.st.Coins {
		out.Coins = append(out.Coins, models.Coin{ID: c.Point.String(), Value: c.Value})
	}
	for _, lp := range v.out {
		for i, o := range lp.outs {
			if o.Owner != v.addr {
				out.Pending = append(out.Pending, models.Coin{ID: OutPoint{Tx: lp.id, Index: uint16(i)}.String(), Value: o.Value})
			}
		}
	}
	return out
}

// Awaiting returns the value of payments the wallet received offline that
// are not final yet.
func (in *Instance) Awaiting(id world.PartyID) int64 {
	if d, err := in.Device(id); err == nil {
		if v, err := in.read(id, d); err == nil {
			return v.awaiting()
		}
	}
	return 0
}
