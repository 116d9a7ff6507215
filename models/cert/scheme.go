package cert

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// AgentID is the one agent bank of a cert instance: the patent's agent
// distribution institution (代理投放机构).
const AgentID = "ICBC-AGENT"

// Variant selects the payment flow.
type Variant int

const (
	// Recovering is "cert": the payer writes its deduction ahead and
	// reconciliation forwards whatever a lost message kept from the payee.
	Recovering Variant = iota
	// Literal is "cert-literal": the flow exactly as published.
	Literal
)

// String returns the variant's scheme name.
func (v Variant) String() string { return Scheme{Variant: v}.Info().Name }

// Scheme is the cert scheme in one of its variants. Mutants (mutant.go)
// returns the deliberately faulty models; a Scheme literal is a reference.
type Scheme struct {
	Variant  Variant
	mutation string // the mutant's name; "" is the reference
}

// Schemes returns the two variants, recovering first.
func Schemes() []models.Scheme {
	return []models.Scheme{Scheme{Variant: Recovering}, Scheme{Variant: Literal}}
}

const source = "ICBC 2018, \"基于数字货币的离线支付方法、终端及代理投放设备\""

// Info describes the variant.
func (sc Scheme) Info() models.Info {
	if sc.Variant == Literal {
		const why = "as published, the payer deducts on the payee's DEDUCT and the payee credits only on the deduct-success notice; "
		return models.Info{
			Name:     "cert-literal",
			Title:    "ICBC certificate scheme (2018) exactly as published: no recovery of an interrupted payment",
			Source:   source,
			Channel:  world.NearField,
			Exposure: models.Exposure{Steps: 10, Time: 1e9}, // its 6-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
			Expected: map[spec.SubID]string{
				"R5.1": why + "if that notice is lost, or the payee loses power before registering it, after the payer deducted, " +
					"nothing recovers the payment: the payer ends debited and the payee never credited (drop DEDUCTED, step 6)",
				"R5.2": why + "the value of a payment whose deduct-success notice is lost is in no wallet, log or account: " +
					"held + pending + mail + redeemed falls short of issued by the amount",
				"R5.6": "reconciliation as published does not forward a deducted payment the payee never registered, " +
					"so the value stays unresolved after both parties reconciled",
				"R5.4": "the payer signs and sends the coins before it deducts them; a payee that keeps the TX and never sends DEDUCT " +
					"holds valid coins while the payer, never debited, still holds them too",
				"R2.5": "after a payee kept a TX without sending DEDUCT, the honest payer still holds the coins; its next, honest " +
					"spend of them is flagged at reconciliation as a double spend by the payer",
				"R1.1": why + "an altered deduct-success notice is refused like any altered message, which leaves the payee " +
					"uncredited after the payer deducted, as its loss does (bit-flip DEDUCTED, step 6): the payment is neither " +
					"undone nor completed",
				"R3.1": "as published, the payer's HELLO-PAYER carries its user identifier (registered wallet id, also its account id at the agent bank), " +
					"public key and certificate in the clear, and the coins' transfer records name it as Payer: the merchant reads who paid",
				"R3.2": "every payment carries the payer's user identifier, certificate and public key, and coins whose lineage goes back to " +
					"the payer's withdrawal, so the merchant and the agent bank link all payments of one SIM",
				"R3.3": "the payer's user identifier (wallet id = account id) and certificate are in the clear in HELLO-PAYER and in the transfer " +
					"records' Payer field, which the payee stores and uploads at reconciliation",
				"R3.6": "small payments are not anonymous (R3.3: the payer's identifier and certificate are in every HELLO-PAYER), so there is no " +
					"split between anonymous small value and traceable large value",
			},
		}
	}
	return models.Info{
		Name:     "cert",
		Title:    "ICBC certificate scheme (2018): SIM wallets exchange certificates, coins sealed to the payee, deduction written ahead",
		Source:   source,
		Channel:  world.NearField,
		Exposure: models.Exposure{Steps: 10, Time: 1e9}, // its 6-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
		Expected: map[spec.SubID]string{
			"R3.1": "as published, the payer's HELLO-PAYER carries its user identifier (registered wallet id, also its account id at the agent bank), " +
				"public key and certificate in the clear, and the coins' transfer records name it as Payer: the merchant reads who paid",
			"R3.2": "every payment carries the payer's user identifier, certificate and public key, and coins whose lineage goes back to " +
				"the payer's withdrawal, so the merchant and the agent bank link all payments of one SIM",
			"R3.3": "the payer's user identifier (wallet id = account id) and certificate are in the clear in HELLO-PAYER and in the transfer " +
				"records' Payer field, which the payee stores and uploads at reconciliation",
			"R3.6": "small payments are not anonymous (R3.3: the payer's identifier and certificate are in every HELLO-PAYER), so there is no " +
				"split between anonymous small value and traceable large value",
		},
	}
}

// Instance is a running cert scheme.
type Instance struct {
	w        *world.World
	cb       *bank.CentralBank
	agent    *bank.Agent
	hsm      *coin.HSM
	variant  Variant
	mutation string
	order    []world.PartyID
	wallets  map[world.PartyID]*SIM
	ids      map[*transfer.Signed][32]byte // recordID's cache
}

var _ models.Instance = (*Instance)(nil)

// New sets up the central bank, one agent bank with its issuance HSM and
// cfg.Wallets phones whose SIMs the agent bank provisioned, with opening
// account balances.
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, err
	}
	in := &Instance{w: w, cb: cb, variant: sc.Variant, mutation: sc.mutation, wallets: map[world.PartyID]*SIM{}}
	if bankMutations[sc.mutation] {
		cb.SetMutation(sc.mutation)
	}
	if in.agent, err = cb.AddAgent(AgentID, int64(cfg.Wallets)*cfg.Opening*4); err != nil {
		return nil, err
	}
	// The agent's HSM (加密机): its key id and key, drawn once. The agent
	// provisions the same key into its customers' SIMs so they can open
	// the coin strings it hands them.
	hsmKey := w.Rand("agent-hsm/" + AgentID).Bytes(coin.KeyIDSize + 16)
	if in.hsm, err = coin.NewHSM(cfg.Suite, bytes.NewReader(hsmKey)); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Wallets; i++ {
		id := world.PartyID(fmt.Sprintf("wallet-%c", 'A'+i))
		se, err := in.provision(id, cfg, hsmKey)
		if err != nil {
			return nil, err
		}
		in.agent.Open(se.id, cfg.Opening)
	}
	return in, nil
}

// provision makes a phone whose SIM generated its key pair on chip, has
// the central bank certify it, and loads the trust anchors, the issuer
// key, the revocation list, the HSM key and the limits.
func (in *Instance) provision(id world.PartyID, cfg models.Config, hsmKey []byte) (*SIM, error) {
	dev := in.w.AddDevice(id, true) // phones have clocks
	key, err := cfg.Suite.GenerateKey(in.w.Rand("sim-key/" + string(id)))
	if err != nil {
		return nil, err
	}
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, key.Public())
	if err != nil {
		return nil, err
	}
	puts := map[string][]byte{
		keyID:      []byte(id),
		keyPriv:    key.Bytes(),
		keyCert:    cert.Raw,
		keyRoot:    in.cb.Root().Raw,
		keyCoinKey: in.cb.CoinKey().SPKI(),
		keyCRL:     in.cb.CRL().Raw,
		keyHSM:     hsmKey,
		keyLimits:  mustJSON(cfg.Limits),
		keyState:   mustJSON(simState{SyncUnix: in.w.Now().Unix()}),
	}
	for _, a := range in.cb.Agents() {
		puts[prefAgent+a.ID] = a.Cert.Raw
	}
	dev.Commit(puts, nil)
	in.w.Trace().Note(id, "SIM provisioned by %s; key generated on the SIM", AgentID)
	se := &SIM{s: cfg.Suite, w: in.w, dev: dev, variant: in.variant, mutation: in.mutation}
	se.recover()
	in.order = append(in.order, id)
	in.wallets[id] = se
	return se, nil
}

// World returns the world.
func (in *Instance) World() *world.World { return in.w }

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

// Wallets returns the wallet party ids (clones included) in creation order.
func (in *Instance) Wallets() []world.PartyID { return append([]world.PartyID(nil), in.order...) }

func (in *Instance) sim(id world.PartyID) (*SIM, error) {
	se, ok := in.wallets[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return se, nil
}

// online runs f with the wallet online and restarts the SIM if it lost
// power inside f.
func (in *Instance) online(id world.PartyID, f func(se *SIM) error) error {
	se, err := in.sim(id)
	if err != nil {
		return err
	}
	in.w.SetOnline(id, true)
	defer in.w.SetOnline(id, false)
	crashed, err := in.w.Guard(id, func() error { return f(se) })
	if crashed {
		se.recover()
		return spec.Errorf(spec.CodeInternal, "wallet %s lost power while online", id)
	}
	return err
}

// Fund withdraws amount from the holder's account: the agent bank's
// issuance device hands the coins over as HSM-sealed coin strings.
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.online(id, func(se *SIM) error {
		// A SIM takes coins only from an agent it accepts now: refuse
		// before the account moves.
		if err := se.checkCert(in.agent.Cert); err != nil {
			return err
		}
		hs, err := in.agent.Withdraw(se.id, amount)
		if err != nil {
			return err
		}
		payload, err := in.issue(se.id, hs)
		if err != nil {
			return err
		}
		coins, puts, err := se.openIssue(payload)
		in.w.Trace().Online(AgentID, id, MsgIssue, payload, err)
		if err != nil {
			return err
		}
		se.commit(puts, nil, coins, nil, nil)
		in.w.Trace().State(id, "withdrew %d fen (offline balance %d)", amount, se.balance())
		return nil
	})
}

// Pay runs one phone-to-phone payment under plan.
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	p, err := in.sim(payer)
	if err != nil {
		return models.Payment{}, err
	}
	q, err := in.sim(payee)
	if err != nil {
		return models.Payment{}, err
	}
	if payer == payee {
		return models.Payment{}, spec.Errorf(spec.CodeWrongRecipient, "a wallet cannot pay itself")
	}
	if amount <= 0 || amount > coin.MaxChangeAmount {
		return models.Payment{}, spec.Errorf(spec.CodeValueMismatch, "payment of %d fen", amount)
	}
	start, err := q.startPayee(payer, amount)
	if err != nil {
		return models.Payment{}, err
	}
	acked, received := p.ackedCount(), q.st.Received
	out := in.w.RunSession(&world.Session{
		Channel:   world.NearField,
		Start:     []world.Message{start},
		Plan:      plan,
		Endpoints: map[world.PartyID]world.Endpoint{payer: p.payerEndpoint, payee: q.payeeEndpoint},
		Restart:   map[world.PartyID]func(){payer: p.recover, payee: q.recover},
		Fields:    Fields,
	})
	res := models.Payment{Outcome: out, Paid: p.ackedCount() > acked, Received: q.st.Received > received}
	// The session is over: whatever it left open is abandoned.
	q.payee, p.payers = nil, map[string]*payerSession{}
	return res, nil
}

func (se *SIM) ackedCount() int {
	n := 0
	for _, e := range se.out {
		if e.Acked {
			n++
		}
	}
	return n
}

// Reconcile takes the phone online: upload the records it sent and the
// last hop of every coin it holds, receive mail (every payment a lost
// message kept from it in the recovering variant; only an interrupted
// withdrawal in the literal one), settle its logs and pending deposits,
// exchange coins with long lineages, reset the limits and take the new
// revocation list.
func (in *Instance) Reconcile(id world.PartyID) error {
	return in.online(id, func(se *SIM) error {
		reg := in.cb.Registry()
		// Upload what the wallet sent and what it holds.
		for _, k := range slices.Sorted(maps.Keys(se.out)) {
			e := se.out[k]
			for i := range e.Records {
				h, err := transfer.ParseHolding(e.Holdings[i])
				if err != nil {
					return err
				}
				r, err := transfer.Parse(e.Records[i])
				if err != nil {
					return err
				}
				if err := reg.Add(h, r); err != nil {
					in.w.Trace().Note(id, "upload refused: %v", err)
				}
			}
		}
		have := map[bank.Instance]bool{}
		for _, k := range slices.Sorted(maps.Keys(se.coins)) {
			h := se.coins[k]
			have[in.instanceOf(h)] = true
			if n := len(h.Chain); n > 0 {
				parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:n-1], Serial: h.Chain[n-1].Parent}
				if err := reg.Add(parent, h.Chain[n-1]); err != nil {
					in.w.Trace().Note(id, "upload refused: %v", err)
				}
			}
		}
		puts := map[string][]byte{}
		// Mail: value a lost message or a power cut kept from this
		// wallet. The literal variant forwards no payment; like the
		// recovering one it receives a withdrawal whose delivery a power
		// cut interrupted, which is the agent bank's online business.
		for _, h := range reg.Mail(se.id, have) {
			if !in.forwardable(h.Chain[len(h.Chain)-1], h.Serial) {
				continue
			}
			puts[prefCoin+instKey(h)] = h.Marshal()
			puts[prefSeen+serialHex(h.Chain[len(h.Chain)-1].Parent)] = []byte{1}
			for _, r := range h.Chain {
				if r.Payer == se.id || se.agents[r.Payer] != nil || se.certs[r.Payer] != nil {
					continue
				}
				if c, err := in.cb.Cert(r.Payer); err == nil {
					puts[prefCert+r.Payer] = c.Raw
				}
			}
			in.w.Trace().State(id, "received %d fen by mail", h.Value())
		}
		// Commit the mail and settle the logs before going further, so a
		// later step that fails cannot take them back.
		deletes := slices.Sorted(maps.Keys(se.out))
		deletes = append(deletes, se.dev.Keys(prefRecv)...)
		se.dev.Commit(puts, deletes)
		se.recover()
		// Finish deposits a power cut interrupted.
		if _, err := in.settleDeposits(se); err != nil {
			return err
		}
		puts = map[string][]byte{}
		// Exchange coins whose lineage is getting long, or that a payee
		// would refuse, for fresh ones.
		var stale []string
		for _, k := range slices.Sorted(maps.Keys(se.coins)) {
			if h := se.coins[k]; len(h.Chain) >= transfer.MaxHops/2 || !se.spendable(h) {
				stale = append(stale, k)
			}
		}
		if err := se.checkCert(in.agent.Cert); err != nil && len(stale) > 0 {
			// The SIM would refuse coins the agent hands over now.
			in.w.Trace().Note(id, "no exchange of %d coins: %v", len(stale), err)
			stale = nil
		}
		if len(stale) > 0 {
			v, err := in.deposit(se, stale)
			if err != nil {
				return err
			}
			hs, err := in.agent.Withdraw(se.id, v)
			if err != nil {
				return err
			}
			payload, err := in.issue(se.id, hs)
			if err != nil {
				return err
			}
			_, fputs, err := se.openIssue(payload)
			in.w.Trace().Online(AgentID, id, MsgIssue, payload, err)
			if err != nil {
				return err
			}
			for k, v := range fputs {
				puts[k] = v
			}
		}
		// Reset the limits, take the new list.
		st := se.st
		st.Spent, st.Payments, st.Received, st.SyncUnix = 0, 0, 0, in.w.Now().Unix()
		if in.mutated("limits-not-reset") {
			st.Spent, st.Payments = se.st.Spent, se.st.Payments
		}
		puts[keyState] = mustJSON(st)
		puts[keyCRL] = in.cb.CRL().Raw
		se.dev.Commit(puts, nil)
		se.recover()
		in.w.Trace().State(id, "reconciled (offline balance %d, account %d)", se.balance(), in.agent.Balance(se.id))
		return nil
	})
}

// forwardable reports whether reconciliation forwards output serial of
// rec to a holder that lacks it. Only a payee's output is ever forwarded:
// an honest SIM commits its change in the same write that spends the
// coin, so only a rolled-back or cloned SIM lacks its own change, and
// forwarding it would hand the culprit the change of the branch it erased
// (bank.Registry.Mail does not make that distinction). In the recovering
// variant every payee output is forwarded; in the literal variant only an
// agent bank's own hand-over (an interrupted withdrawal), never an offline
// payment.
func (in *Instance) forwardable(rec *transfer.Signed, serial coin.Serial) bool {
	for _, o := range rec.Outputs {
		if o.Serial == serial && o.Holder == rec.Payer {
			return false
		}
	}
	if in.variant == Recovering && !in.mutated("no-mail-forwarding") {
		return true
	}
	_, agent := in.cb.Agent(rec.Payer)
	return agent
}

func serialHex(s [16]byte) string { return fmt.Sprintf("%x", s[:]) }

// Deposit returns every coin in the wallet to the holder's account, each
// with a signed deposit record, written ahead like a payment.
func (in *Instance) Deposit(id world.PartyID) (int64, error) {
	var total int64
	err := in.online(id, func(se *SIM) error {
		v, err := in.settleDeposits(se)
		if err != nil {
			return err
		}
		w, err := in.deposit(se, slices.Sorted(maps.Keys(se.coins)))
		total = v + w
		return err
	})
	return total, err
}

// Restart power-cycles the phone.
func (in *Instance) Restart(id world.PartyID) {
	if se, err := in.sim(id); err == nil {
		in.w.Trace().Note(id, "power cycle")
		se.recover()
	}
}

// Snapshot copies the SIM's persistent state.
func (in *Instance) Snapshot(id world.PartyID) world.Snapshot {
	return in.w.Device(id).Snapshot()
}

// Restore rolls the SIM back to a snapshot (a compromised SIM or a
// software wallet restored from backup).
func (in *Instance) Restore(id world.PartyID, s world.Snapshot) {
	if se, err := in.sim(id); err == nil {
		se.dev.Restore(s)
		se.recover()
	}
}

// Clone copies the SIM, identity and coins, to a new device.
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	se, err := in.sim(id)
	if err != nil {
		return "", err
	}
	n := 1
	cid := world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	for in.wallets[cid] != nil {
		n++
		cid = world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	}
	dev := se.dev.Clone(cid)
	c := &SIM{s: se.s, w: in.w, dev: dev, variant: se.variant, mutation: se.mutation}
	c.recover()
	in.order = append(in.order, cid)
	in.wallets[cid] = c
	return cid, nil
}

// View returns the wallet's observable state. Pending lists the payee's
// share of payments written ahead and not yet acknowledged (recovering
// variant; the literal variant deducts only when acknowledged).
func (in *Instance) View(id world.PartyID) models.View {
	se, err := in.sim(id)
	if err != nil {
		return models.View{Party: id}
	}
	v := models.View{Party: id, Identity: se.id, Account: in.agent.Balance(se.id), Spent: se.st.Spent, Payments: se.st.Payments}
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		v.Coins = append(v.Coins, models.Coin{ID: in.instanceOf(se.coins[k]).String(), Value: se.coins[k].Value()})
	}
	for _, k := range slices.Sorted(maps.Keys(se.out)) {
		e := se.out[k]
		if e.Acked {
			continue
		}
		for _, rb := range e.Records {
			r, err := transfer.Parse(rb)
			if err != nil {
				continue
			}
			for _, o := range r.Outputs {
				if o.Holder == e.Payee {
					v.Pending = append(v.Pending, models.Coin{ID: bank.Instance{Creator: r.ID(), Serial: o.Serial}.String(), Value: o.Value})
				}
			}
		}
	}
	return v
}

// Ledger returns the banks' state. Mail is what reconciliation would
// forward: in the literal variant only interrupted withdrawals.
func (in *Instance) Ledger() models.Ledger {
	l := models.Ledger{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal, DoubleSpends: in.cb.Registry().DoubleSpends()}
	l.Accounts = in.cb.AccountsTotal()
	have := map[bank.Instance]bool{}
	ids := map[string]bool{}
	for _, id := range in.order {
		se := in.wallets[id]
		ids[se.id] = true
		for _, h := range se.coins {
			have[in.instanceOf(h)] = true
		}
	}
	for _, holder := range slices.Sorted(maps.Keys(ids)) {
		for _, h := range in.cb.Registry().Mail(holder, have) {
			if !in.forwardable(h.Chain[len(h.Chain)-1], h.Serial) {
				continue
			}
			l.Mail = append(l.Mail, models.Coin{ID: in.instanceOf(h).String(), Value: h.Value()})
		}
	}
	return l
}
