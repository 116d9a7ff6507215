package chain

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
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

	mutation string // the mutant's name (mutant.go); "" is the reference
}

// Info describes the scheme and what it does not meet as published.
func (Scheme) Info() models.Info {
	return models.Info{
		Name:     "chain",
		Title:    "ICBC blockchain scheme (2019): payer-displayed QR code, bank master nodes, final after k blocks",
		Source:   "ICBC 2019 patent application 基于区块链的离线支付系统及方法",
		Channel:  world.QR,
		Exposure: models.Exposure{Steps: 8, Time: 300e9}, // its 2-step QR flow, then reconciliations until k = 3 blocks of 2 s follow; 5 min of simulated time
		Expected: map[spec.SubID]string{
			"R2.2": "the coins are sealed to the chain key, so the payee cannot see which coins it is paid with, let alone that it was paid them before; a repeat spend is found only on the chain",
			"R2.7": "which of two conflicting transfers becomes final is decided by which reaches a block first (and, across a fork, by the fork rule), so the accept or reject decision of each upload depends on the upload order; the flagged coin and culprit do not",
			"R3.1": "the QR code carries the payer's certificate in the clear, as the patent describes: the merchant reads the payer's identity",
			"R3.2": "the payer's certificate and wallet address appear in every payment, so the merchant and the bank nodes link a payer's payments",
			"R3.3": "the payer's certificate subject (its registered wallet id) and address are in the QR payload and in every block",
			"R3.6": "small payments are not anonymous (R3.1), so the split between anonymous small value and traceable large value does not exist",
			"R1.3": "the payee of a chain payment shows no certificate offline, only the address in the agreement keyed in at the till: the payer cannot check it, so a wallet presenting a certificate that does not chain to the root is paid like any other (the payer's own certificate, in the QR code, is checked)",
			"R1.4": "the chain settles a payment on the payer's upload alone: a payee that refused it offline because the payer's certificate is revoked is credited anyway once the payment is final, so value moves although the payee refused it",
			"R4.6": "a wallet whose storage was edited to hold coins the chain never created pays with them offline (the payee cannot see the coins); the chain never confirms such a payment, so no value is created, but nothing names the device: a payment spending a coin the chain does not know waits, as one spending change not uploaded yet does",
			"R5.5": "a payer can seal garbage or coins it does not own; the payee cannot open the seal offline, the chain refuses the payment at upload, and only the chain key holders can show why: the payee keeps a signed payment that never settles",
			"R6.3": "a coin on the chain is an output (transaction id, index, value, owner); currency, unit, version and issuing agent belong to the minted coin it descends from and are recovered from the chain, not carried by the coin",
			"R6.4": "value received offline is spendable only after upload and k confirmations: the payee cannot tell offline that the coins were not spent elsewhere, so the wallet refuses to pay it onward before then",
		},
	}
}

// Instance is a running chain scheme.
type Instance struct {
	w          *world.World
	cb         *bank.CentralBank
	bb         *backbone
	agents     []*bank.Agent
	redeemAddr []Address
	limits     bank.Limits
	order      []world.PartyID
	wallets    map[world.PartyID]*wallet
	gateway    map[world.PartyID]int
	bankOf     map[string]int // wallet identity → agent (and node) index
	credited   map[TxID]bool
	mutation   string
	scanned    []map[BlockID]bool // per agent: final blocks of its node already settled
}

var _ models.Instance = (*Instance)(nil)

// New sets up the central bank, Nodes agent banks each running a master
// node, the chain key, and cfg.Wallets wallets, wallet i a customer of
// bank i mod Nodes and connected to its node.
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
		blocks: map[BlockID]*blockInfo{}, states: map[BlockID]*state{}, byOwner: map[Address][]OutPoint{}, static: map[[32]byte]staticResult{}, flags: map[OutPoint]*conflict{},
		mutation: sc.mutation,
	}
	in := &Instance{w: w, cb: cb, bb: bb, limits: cfg.Limits, wallets: map[world.PartyID]*wallet{},
		gateway: map[world.PartyID]int{}, bankOf: map[string]int{}, credited: map[TxID]bool{}, mutation: sc.mutation}
	for i := 0; i < n; i++ {
		a, err := cb.AddAgent(bankName(i), int64(cfg.Wallets)*cfg.Opening*4)
		if err != nil {
			return nil, err
		}
		in.agents = append(in.agents, a)
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
	w.Trace().Note(bank.CentralBankID, "chain of %d master nodes, final after %d confirmations; chain key provisioned to the nodes", n, k)
	for i := 0; i < cfg.Wallets; i++ {
		id := world.PartyID(fmt.Sprintf("wallet-%c", 'A'+i))
		if err := in.addWallet(id, i%n, cfg); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func (in *Instance) addWallet(id world.PartyID, bankIdx int, cfg models.Config) error {
	dev := in.w.AddDevice(id, true) // a phone: it has a clock
	key, err := cfg.Suite.GenerateKey(in.w.Rand("chain/wallet-key/" + string(id)))
	if err != nil {
		return err
	}
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, key.Public())
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
	wl := &wallet{in: in, s: cfg.Suite, w: in.w, dev: dev}
	wl.recover()
	in.order = append(in.order, id)
	in.wallets[id] = wl
	in.gateway[id] = bankIdx
	in.bankOf[string(id)] = bankIdx
	in.agents[bankIdx].Open(string(id), cfg.Opening)
	return nil
}

// World returns the world.
func (in *Instance) World() *world.World { return in.w }

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

// Wallets returns the wallet party ids (clones included) in creation order.
func (in *Instance) Wallets() []world.PartyID { return append([]world.PartyID(nil), in.order...) }

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
func (in *Instance) Partition(groups ...[]int) { in.bb.partition(groups) }

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
	if _, err := in.wallet(id); err != nil {
		return err
	}
	if idx < 0 || idx >= len(in.bb.nodes) {
		return spec.Errorf(spec.CodeMalformed, "no master node %d", idx)
	}
	in.gateway[id] = idx
	return nil
}

func (in *Instance) wallet(id world.PartyID) (*wallet, error) {
	wl, ok := in.wallets[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return wl, nil
}

func (in *Instance) agentOf(wl *wallet) (*bank.Agent, int) {
	i := in.bankOf[wl.id]
	return in.agents[i], i
}

// online runs f with the wallet online and restarts it if it lost power
// inside f.
func (in *Instance) online(id world.PartyID, f func(wl *wallet) error) error {
	wl, err := in.wallet(id)
	if err != nil {
		return err
	}
	in.w.SetOnline(id, true)
	defer in.w.SetOnline(id, false)
	crashed, err := in.w.Guard(id, func() error { return f(wl) })
	if crashed {
		wl.recover()
		return spec.Errorf(spec.CodeInternal, "wallet %s lost power while online", id)
	}
	return err
}

// Fund withdraws amount from the wallet's account: the agent bank buys the
// coins from the central bank, hands them to the wallet by its signed
// records and mints them onto the chain at its node; the wallet syncs once
// the mint is final (if a partition stalls the backbone, the value
// arrives at a later sync).
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.online(id, func(wl *wallet) error {
		a, ai := in.agentOf(wl)
		hs, err := a.Withdraw(wl.id, amount)
		if err != nil {
			return err
		}
		nd := in.bb.nodes[ai]
		for chunk := range slices.Chunk(hs, MaxMintHoldings) {
			t := &Tx{Mint: &Mint{Version: Version1, Owner: wl.addr, Holdings: append([]*transfer.Holding(nil), chunk...)}}
			err := nd.submit(t)
			in.w.Trace().Online(world.PartyID(a.ID), nd.party(), "mint", t.Marshal(), err)
			if err != nil {
				return spec.Errorf(spec.CodeInternal, "mint refused: %w", err)
			}
		}
		in.bb.settle()
		in.creditRedemptions()
		wl.sync(in.bb.nodes[in.gateway[id]], nil, false)
		in.w.Trace().State(id, "withdrew %d fen (spendable %d)", amount, wl.balance())
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
	p, err := in.wallet(payer)
	if err != nil {
		return models.Payment{}, err
	}
	q, err := in.wallet(payee)
	if err != nil {
		return models.Payment{}, err
	}
	if payer == payee {
		return models.Payment{}, spec.Errorf(spec.CodeWrongRecipient, "a wallet cannot pay itself")
	}
	if amount <= 0 || amount > 100_000_000 {
		return models.Payment{}, spec.Errorf(spec.CodeValueMismatch, "amount %d fen", amount)
	}
	agree := q.startRequest(amount)
	before := p.st.Counter
	out := in.w.RunSession(&world.Session{
		Channel:   world.QR,
		Start:     []world.Message{{From: world.PartyID(string(payee) + "/till"), To: payer, Type: MsgAgree, Payload: agree}},
		Plan:      plan,
		Endpoints: map[world.PartyID]world.Endpoint{payer: p.payerEndpoint(payee), payee: q.payeeEndpoint},
		Restart:   map[world.PartyID]func(){payer: p.recover, payee: q.recover},
		Fields:    fields,
	})
	res := models.Payment{Outcome: out, Paid: p.st.Counter > before, Received: q.received}
	q.req, q.received = nil, false
	return res, nil
}

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

// upload sends the wallet's log and inbox to its gateway node and returns
// the payments the node refused for good.
func (in *Instance) upload(wl *wallet, gw *node) map[TxID]bool {
	refused := map[TxID]bool{}
	send := func(t *Tx, id TxID) {
		err := gw.submit(t)
		in.w.Trace().Online(wl.dev.ID(), gw.party(), "upload", t.Marshal(), err)
		if err != nil && !isWaiting(err) {
			refused[id] = true
		}
	}
	for _, lp := range wl.outEntries() {
		send(&Tx{Payment: lp.p}, lp.id)
	}
	for _, rp := range wl.inEntries() {
		send(&Tx{Payment: rp.p, Receipt: rp.r}, rp.id)
	}
	return refused
}

// Reconcile takes the wallet online: it uploads what it paid and what it
// received, waits for the backbone to settle (k confirmations), syncs its
// coins from its gateway node and resets its offline limits.
func (in *Instance) Reconcile(id world.PartyID) error {
	return in.online(id, func(wl *wallet) error {
		gw := in.bb.nodes[in.gateway[id]]
		refused := in.upload(wl, gw)
		in.bb.settle()
		in.creditRedemptions()
		wl.sync(gw, refused, true)
		_, ai := in.agentOf(wl)
		in.w.Trace().State(id, "reconciled (spendable %d, awaiting %d, account %d)", wl.balance(), wl.awaiting(), in.agents[ai].Balance(wl.id))
		return nil
	})
}

// Deposit returns every final coin to the wallet's account: after a
// reconciliation the wallet pays its coins to its agent bank's redemption
// address, and the bank credits the account once those payments are final.
func (in *Instance) Deposit(id world.PartyID) (int64, error) {
	var total int64
	err := in.online(id, func(wl *wallet) error {
		a, ai := in.agentOf(wl)
		before := a.Balance(wl.id)
		gw := in.bb.nodes[in.gateway[id]]
		refused := in.upload(wl, gw)
		in.bb.settle()
		in.creditRedemptions()
		wl.sync(gw, refused, false)
		var final []walletCoin
		for _, k := range slices.Sorted(maps.Keys(wl.coins)) {
			if c := wl.coins[k]; c.Final {
				final = append(final, *c)
			}
		}
		if len(final) > 0 {
			puts := map[string][]byte{}
			var deletes []string
			st := wl.st
			r := in.w.Rand("chain/redeem/" + wl.id)
			for chunk := range slices.Chunk(final, MaxInputs) {
				var sum int64
				for _, c := range chunk {
					sum += c.Value
				}
				var nonce [NonceSize]byte
				copy(nonce[:], r.Bytes(NonceSize))
				qr, change, err := wl.build(in.redeemAddr[ai], sum, nonce, chunk)
				if err != nil {
					return err
				}
				if len(change) > 0 {
					return spec.Errorf(spec.CodeInternal, "a redemption of whole coins made change")
				}
				for _, c := range chunk {
					deletes = append(deletes, pointKey(c.op()))
				}
				st.Counter++
				puts[outKey(st.Counter)] = mustJSON(outEntry{Payment: qr, Inputs: chunk})
			}
			puts[keyState] = mustJSON(st)
			wl.dev.Commit(puts, deletes)
			wl.applyCommit(puts, deletes)
			refused = in.upload(wl, gw)
			in.bb.settle()
			in.creditRedemptions()
			wl.sync(gw, refused, false)
		}
		total = a.Balance(wl.id) - before
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

// Restart power-cycles the wallet.
func (in *Instance) Restart(id world.PartyID) {
	if wl, err := in.wallet(id); err == nil {
		in.w.Trace().Note(id, "power cycle")
		wl.recover()
	}
}

// Snapshot copies the wallet's persistent state.
func (in *Instance) Snapshot(id world.PartyID) world.Snapshot {
	return in.w.Device(id).Snapshot()
}

// Restore rolls the wallet back to a snapshot (a software wallet restored
// from backup).
func (in *Instance) Restore(id world.PartyID, s world.Snapshot) {
	if wl, err := in.wallet(id); err == nil {
		wl.dev.Restore(s)
		wl.recover()
	}
}

// Clone copies the wallet, identity and coins, to a new device; the clone
// connects to the node of its own position (creation order mod Nodes).
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	wl, err := in.wallet(id)
	if err != nil {
		return "", err
	}
	n := 1
	cid := world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	for in.wallets[cid] != nil {
		n++
		cid = world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	}
	dev := wl.dev.Clone(cid)
	c := &wallet{in: in, s: wl.s, w: in.w, dev: dev}
	c.recover()
	in.order = append(in.order, cid)
	in.wallets[cid] = c
	in.gateway[cid] = (len(in.order) - 1) % len(in.bb.nodes)
	return cid, nil
}

// View returns the wallet's observable state: Coins are what it can spend
// offline (final coins and its own change), Pending what it paid that is
// not final yet. Payments it received and that are not final are in
// neither (see Awaiting).
func (in *Instance) View(id world.PartyID) models.View {
	wl, err := in.wallet(id)
	if err != nil {
		return models.View{Party: id}
	}
	a, _ := in.agentOf(wl)
	v := models.View{Party: id, Identity: wl.id, Account: a.Balance(wl.id), Spent: wl.st.Spent, Payments: wl.st.Payments}
	for _, k := range slices.Sorted(maps.Keys(wl.coins)) {
		c := wl.coins[k]
		v.Coins = append(v.Coins, models.Coin{ID: c.op().String(), Value: c.Value})
	}
	for _, lp := range wl.outEntries() {
		for i, o := range lp.outputs() {
			if o.Owner != wl.addr {
				v.Pending = append(v.Pending, models.Coin{ID: OutPoint{Tx: lp.id, Index: uint16(i)}.String(), Value: o.Value})
			}
		}
	}
	return v
}

// Awaiting returns the value of payments the wallet received offline that
// are not final yet.
func (in *Instance) Awaiting(id world.PartyID) int64 {
	if wl, err := in.wallet(id); err == nil {
		return wl.awaiting()
	}
	return 0
}
