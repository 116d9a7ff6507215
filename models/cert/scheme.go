package cert

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/kit"
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
			Name:     LiteralName,
			Title:    "ICBC certificate scheme (2018) exactly as published: no recovery of an interrupted payment",
			Source:   source,
			Channel:  world.NearField,
			Exposure: models.Exposure{Steps: 10, Time: 1e9}, // its 6-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
			Expected: append([]models.Violation{
				{Property: "R5.1-atomic-every-fault-point", Witness: models.Witness{Match: `^after (?:drop|crash-[a-z]+)@[56](?::\d+)?, then reconciling [^:]*: the payer's worth moved -[1-9]\d* fen and the payee's \+0: neither both in the pre-state nor both in the post-state`},
					Reason: why + "if that notice is lost, or the payee loses power before registering it, after the payer deducted, " +
						"nothing recovers the payment: the payer ends debited and the payee never credited (drop DEDUCTED, step 6)"},
				{Property: "R5.2-balanced-every-fault-point", Witness: models.Witness{Match: `^value not conserved after the payment under (?:drop|crash-[a-z]+)@[56](?::\d+)?: \{Issued:\d+ Held:\d+ Pending:0 Mail:0 Redeemed:\d+ Lost:[1-9]\d*\}`},
					Reason: why + "the value of a payment whose deduct-success notice is lost is in no wallet, log or account: " +
						"held + pending + mail + redeemed falls short of issued by the amount"},
				{Property: "R5.2-conserved-every-step", Witness: models.Witness{Match: `^value not conserved after (?:pay|reconcile) \S+ (?:after a payment )?under (?:drop|crash-[a-z]+)@[56](?::\d+)?: \{Issued:\d+ Held:\d+ Pending:0 Mail:0 Redeemed:\d+ Lost:[1-9]\d*\}`},
					Reason: why + "the value of a payment whose deduct-success notice is lost is in no wallet, log or account: " +
						"held + pending + mail + redeemed falls short of issued by the amount (found by the property's boundary cases, at every seed)"},
				{Property: "R5.3-exposure-window-bounded", Witness: models.Witness{Match: `^under (?:drop|crash-[a-z]+)@[56](?::\d+)?, after \d+ reconciliations [^:]* apart, the payer lost [1-9]\d* fen and the payee gained 0 \(audit \{[^}]*Pending:0 Mail:0 [^}]*Lost:[1-9]\d*\}\): value lost for good`},
					Reason: why + "a payment whose deduct-success notice is lost leaves the payer debited and the payee never credited, whatever " +
						"the parties do online: the value is lost for good, an exposure window that never closes"},
				{Property: "R6.7-liability-equals-circulation", Witness: models.Witness{Match: `^after (?:pay|reconcile|deposit) \S+ (?:after a payment )?under (?:drop|crash-[a-z]+)@[56](?::\d+)? the liability is not the value in circulation \([1-9]\d* fen lost for good\)`},
					Reason: why + "the value of a payment whose deduct-success notice is lost is in no wallet, log or account, " +
						"yet the central bank still owes it: its liability exceeds the value in circulation by the amount"},
				{Property: "R5.6-nothing-pending-every-fault-point", Witness: models.Witness{Match: `^after (?:drop|crash-[a-z]+)@[56](?::\d+)?, then reconciling [^:]* value is unresolved: pending 0, mail 0, lost [1-9]\d* fen`},
					Reason: "reconciliation as published does not forward a deducted payment the payee never registered, " +
						"so the value stays unresolved after both parties reconciled"},
				{Property: "R5.4-malicious-payee-random", Witness: models.Witness{Match: `payee deviating with [^:]*, withholding its acknowledgement: the payee gained [1-9]\d* fen, the payer lost only 0(?:\D|$)`},
					Reason: "the payer signs and sends the coins before it deducts them; a payee that keeps the TX and never sends DEDUCT " +
						"holds valid coins while the payer, never debited, still holds them too"},
				{Property: "R5.4-malicious-payee-every-point", Witness: models.Witness{Match: `payee deviating with \S*@6\b[^:]*: the honest payer was debited [1-9]\d* fen, yet the payee ends credited with 0 `},
					Reason: why + "a payee that ignores the deduct-success notice (step 6) after the payer deducted leaves the payer debited " +
						"and itself never credited, and nothing recovers the payment: the payer loses the value (the loss of R5.1, staged by the payee)"},
				{Property: "R2.5-payee-withholds-ack", Witness: models.Witness{Match: `the honest payer \S+ is accused of double spending coin \S+ after its payee withheld the acknowledgement`},
					Reason: "after a payee kept a TX without sending DEDUCT, the honest payer still holds the coins; its next, honest " +
						"spend of them is flagged at reconciliation as a double spend by the payer"},
				{Property: "R1.1-tamper-every-message", Witness: tamperDeducted, Reason: tamperWhy},
				{Property: "R1.1-tamper-random-plans", Witness: tamperDeducted, Reason: tamperWhy},
			}, anonymity...),
		}
	}
	return models.Info{
		Name:     Name,
		Title:    "ICBC certificate scheme (2018): SIM wallets exchange certificates, coins sealed to the payee, deduction written ahead",
		Source:   source,
		Channel:  world.NearField,
		Exposure: models.Exposure{Steps: 10, Time: 1e9}, // its 6-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
		Expected: slices.Clone(anonymity),
	}
}

// leakIn are where the cert scheme's documented leak shows: HELLO-PAYER
// (identifier, certificate, key), TX (transfer records naming the
// payer), what the payee stores and what it uploads.
var leakIn = []string{"message HELLO-PAYER", "message TX", "merchant store", "registry record"}

// anonymity is what both variants document of R3.
var anonymity = []models.Violation{
	{Property: "R3.1-which-payer-game", Witness: models.LeakWitness("which-payer game", true, leakIn...),
		Reason: "as published, the payer's HELLO-PAYER carries its user identifier (registered wallet id, also its account id at the agent bank), " +
			"public key and certificate in the clear, and the coins' transfer records name it as Payer: the merchant reads who paid"},
	{Property: "R3.2-linking-game", Witness: models.LeakWitness("linking game", true, leakIn...),
		Reason: "every payment carries the payer's user identifier, certificate and public key, and coins whose lineage goes back to " +
			"the payer's withdrawal, so the merchant and the agent bank link all payments of one SIM"},
	{Property: "R3.3-no-identity-in-view", Witness: models.IdentityWitness(`payment \d+ of \d+ fen by \S+: `, leakIn...),
		Reason: "the payer's user identifier (wallet id = account id) and certificate are in the clear in HELLO-PAYER and in the transfer " +
			"records' Payer field, which the payee stores and uploads at reconciliation"},
	{Property: "R3.6-threshold-split", Witness: models.IdentityWitness(`a payment of T = \d+ fen by \S+ is not anonymous: `, leakIn...),
		Reason: "small payments are not anonymous (R3.3: the payer's identifier and certificate are in every HELLO-PAYER), so there is no " +
			"split between anonymous small value and traceable large value"},
}

// The literal variant's R1.1 violation: a tampered deduct-success notice
// (step 6) is refused, leaving the payer debited and the payee uncredited.
const tamperWhy = "as published, the payer deducts on the payee's DEDUCT and the payee credits only on the deduct-success notice; " +
	"an altered deduct-success notice is refused like any altered message, which leaves the payee " +
	"uncredited after the payer deducted, as its loss does (bit-flip DEDUCTED, step 6): the payment is neither " +
	"undone nor completed"

var tamperDeducted = models.Witness{Match: `under [a-z-]+@6(?::\d+)?: value appeared or vanished: payer \S+ moved -[1-9]\d*, payee \S+ moved 0,`}

// Instance is a running cert scheme.
type Instance struct {
	w        *world.World
	cb       *bank.CentralBank
	agent    *bank.Agent
	hsm      *coin.HSM
	hsmKey   []byte // the HSM key the agent provisions into its customers' SIMs
	variant  Variant
	mutation string
	kit.Table[Device, *SIM]
	ids     kit.IDs // record ids, cached (kit.IDs)
	stamped stamps  // mail-expires: when each registered record was first seen (mutant.go)
}

var _ models.Instance = (*Instance)(nil)

// New sets up the central bank, one agent bank with its issuance HSM and
// cfg.Wallets phones whose SIMs the agent bank provisioned, with opening
// account balances. The wallets cfg.External names are external wallets
// reached through cfg.Dial.
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cb, agent, err := kit.Banks(w, cfg, AgentID, sc.mutation, bankMutations[sc.mutation])
	if err != nil {
		return nil, err
	}
	in := &Instance{w: w, cb: cb, agent: agent, variant: sc.Variant, mutation: sc.mutation, Table: kit.NewTable[Device, *SIM](w, "wallet")}
	// The agent's HSM (加密机): its key id and key, drawn once. The agent
	// provisions the same key into its customers' SIMs so they can open
	// the coin strings it hands them.
	in.hsmKey = w.Rand("agent-hsm/" + AgentID).Bytes(coin.KeyIDSize + 16)
	if in.hsm, err = coin.NewHSM(cfg.Suite, bytes.NewReader(in.hsmKey)); err != nil {
		return nil, err
	}
	err = in.AddWallets(cfg,
		func(_ int, id world.PartyID) error { return in.attach(id, sc, cfg) },
		func(_ int, id world.PartyID) error { return in.provision(id, cfg) },
		func(_ int, id world.PartyID) { in.agent.Open(in.Names[id], cfg.Opening) })
	if err != nil {
		return nil, err
	}
	return in, nil
}

// provision makes a phone whose SIM generated its key pair on chip, has
// the central bank certify it, and loads the trust anchors, the issuer
// key, the revocation list, the HSM key and the limits.
func (in *Instance) provision(id world.PartyID, cfg models.Config) error {
	dev, key, cert, err := kit.NewPhone(in.w, in.cb, cfg.Suite, id, "sim-key/"+string(id))
	if err != nil {
		return err
	}
	m := in.materials(string(id), cert, cfg)
	kit.Provision(dev, in.cb, key, m.Material, map[string][]byte{keyHSM: m.HSMKey, keyState: kit.MustJSON(simState{SyncUnix: m.Sync})})
	in.w.Trace().Note(id, "SIM provisioned by %s; key generated on the SIM", AgentID)
	se := &SIM{Core: kit.Core{S: cfg.Suite, Dev: dev}, w: in.w, variant: in.variant, mutation: in.mutation}
	se.Recover()
	in.AddOwn(id, se)
	return nil
}

// materials is what provisioning loads into a SIM besides its key.
func (in *Instance) materials(id string, cert *devcert.Certificate, cfg models.Config) Provisioning {
	return Provisioning{Material: kit.Materials(in.cb, id, cert, cfg.Limits, in.w.Now()), HSMKey: in.hsmKey}
}

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the SIM as its compromised holder would
// (models/forge): the SIM's own checks are bypassed (its store is
// written directly, or its firmware presents other identity data),
// nobody else's are.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	if c.Kind == models.CorruptRefuseAfterStore {
		// The SIM payee has no refusal message: it refuses by never
		// sending DEDUCT, which is withholding.
		c.Kind = models.CorruptWithholdAck
	}
	return kit.Corrupt(&in.Table, Name, AgentID, forge.RogueAgentID, id, c)
}

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

func (in *Instance) traceBalance(id world.PartyID, d Device, format string, args ...any) {
	kit.TraceBalance(in.w, id, "wallet", d.State, format, args...)
}

// Fund withdraws amount from the holder's account: the agent bank's
// issuance device hands the coins over as HSM-sealed coin strings.
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.Online(id, func(d Device) error {
		// A SIM takes coins only from an agent it accepts now: refuse
		// before the account moves.
		if err := d.CheckAgent(in.agent.Cert.Raw); err != nil {
			return err
		}
		// The request id is journalled first (online.go), so a retry
		// after a power cut is the same request.
		if err := in.client(id, d).Withdraw(amount); err != nil {
			return err
		}
		in.traceBalance(id, d, "withdrew %d fen", amount)
		return nil
	})
}

// Pay runs one phone-to-phone payment under plan.
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	p, q, err := in.Parties(payer, payee)
	if err != nil {
		return models.Payment{}, err
	}
	if amount <= 0 || amount > coin.MaxChangeAmount {
		return models.Payment{}, spec.Errorf(spec.CodeValueMismatch, "payment of %d fen", amount)
	}
	start, err := q.StartPayee(payer, amount)
	if err != nil {
		return models.Payment{}, err
	}
	pb, err := p.State()
	if err != nil {
		return models.Payment{}, err
	}
	qb, err := q.State()
	if err != nil {
		return models.Payment{}, err
	}
	acked, received := pb.Acked(), qb.Received
	session := kit.Payment(world.NearField, start, plan, payer, p, payee, q)
	session.Fields, session.Refield = Fields, Refield
	out := in.w.RunSession(session)
	res := models.Payment{Outcome: out}
	// The session is over: whatever it left open is abandoned. A
	// crash-end fault cuts the writes a wallet defers to here (none in
	// the reference).
	for _, w := range []struct {
		id world.PartyID
		d  Device
	}{{payee, q}, {payer, p}} {
		crashed, err := in.w.Finish(plan, w.id, w.d.EndSession)
		if crashed {
			err = w.d.Restart()
		}
		if err != nil {
			return res, err
		}
	}
	pa, err := p.State()
	if err != nil {
		return res, err
	}
	qa, err := q.State()
	if err != nil {
		return res, err
	}
	res.Paid, res.Received = pa.Acked() > acked, qa.Received > received
	return res, nil
}

// Reconcile takes the phone online: upload the records it sent and the
// last hop of every coin it holds, receive mail (every payment a lost
// message kept from it in the recovering variant; only an interrupted
// withdrawal in the literal one), settle its logs and pending deposits,
// exchange coins with long lineages, reset the limits and take the new
// revocation list.
func (in *Instance) Reconcile(id world.PartyID) error {
	defer in.stampRecords()
	return in.Online(id, func(d Device) error {
		// Finish a withdrawal a power cut interrupted.
		if _, _, err := in.client(id, d).Finish(); err != nil {
			return err
		}
		st, err := d.State()
		if err != nil {
			return err
		}
		reg := in.cb.Registry()
		// Upload what the wallet sent and what it holds; a malformed log
		// entry stops the reconciliation.
		have := map[bank.Instance]bool{}
		settled, err := kit.Upload(in.w, id, in.cb, st.ID, &st.State, &in.ids, have, true, nil, false)
		if err != nil {
			return err
		}
		// Mail: value a lost message or a power cut kept from this
		// wallet, with the certificates of its lineage's earlier holders
		// (the wallet keeps those it lacks). The literal variant forwards
		// no payment; like the recovering one it receives a withdrawal
		// whose delivery a power cut interrupted, which is the agent
		// bank's online business.
		var mail []*transfer.Holding
		var certs [][]byte
		sent := map[string]bool{}
		for _, h := range kit.Mail(reg, st.ID, &st.State, have) {
			if !in.forwardable(h.Chain[len(h.Chain)-1], h.Serial) {
				continue
			}
			mail = append(mail, h)
			for _, r := range h.Chain {
				if r.Payer == st.ID || sent[r.Payer] {
					continue
				}
				sent[r.Payer] = true
				if _, agent := in.cb.Agent(r.Payer); agent {
					continue // every SIM is provisioned with the agents' certificates
				}
				if c, err := in.cb.Cert(r.Payer); err == nil {
					certs = append(certs, c.Raw)
				}
			}
			in.w.Trace().State(id, "received %d fen by mail", h.Value())
		}
		// Commit the mail and settle the logs before going further, so a
		// later step that fails cannot take them back.
		if err := d.Settle(mail, certs, settled); err != nil {
			return err
		}
		// Finish deposits a power cut interrupted, then an exchange;
		// exchange coins whose lineage is getting long, or that a payee
		// would refuse, for fresh ones.
		if err := in.client(id, d).Refresh(bank.Refresh{
			Settle: func() error { _, err := in.depositor().Settle(id, d); return err },
			Coins:  kit.HoldingsOf(d.State),
			Stale: func(coins map[string]*transfer.Holding) ([]string, error) {
				unspendable, err := d.Unspendable()
				if err != nil {
					return nil, err
				}
				stale := bank.LongLineage(coins, func(k string) bool { return slices.Contains(unspendable, k) })
				if len(stale) == 0 {
					return nil, nil
				}
				if err := d.CheckAgent(in.agent.Cert.Raw); err != nil {
					if errors.Is(err, models.ErrBroken) {
						return nil, err
					}
					// The SIM would refuse coins the agent hands over now.
					in.w.Trace().Note(id, "no exchange of %d coins: %v", len(stale), err)
					return nil, nil
				}
				return stale, nil
			},
			Deposit: func(keys []string) error { _, err := in.depositor().Deposit(id, d, keys); return err },
		}); err != nil {
			return err
		}
		// Reset the limits, take the new list.
		if err := d.Reset(in.w.Now().Unix(), in.cb.CRL().Raw, nil); err != nil {
			return err
		}
		in.traceBalance(id, d, "reconciled, account %d", in.agent.Balance(st.ID))
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
	if in.mailExpired(rec) {
		return false
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
func (in *Instance) Deposit(id world.PartyID) (total int64, err error) {
	err = in.Online(id, func(d Device) (err error) { total, err = in.depositor().All(id, d); return err })
	return total, err
}

// Clone copies the SIM, identity and coins, to a new device.
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	remote := func(cid world.PartyID, fork models.Link) Device { return in.remote(cid, fork) }
	return in.CloneWith(id, true, remote, func(se *SIM, dev *world.Device) *SIM {
		return &SIM{Core: kit.Core{S: se.S, Dev: dev}, w: in.w, variant: se.variant, mutation: se.mutation}
	})
}

// state reads the wallet's state (View and Ledger read it).
func (in *Instance) state(id world.PartyID) (*WalletState, error) {
	return kit.StateOf(&in.Table, id, Device.State)
}

// View returns the wallet's observable state. Pending lists the payee's
// share of payments written ahead and not yet acknowledged (recovering
// variant; the literal variant deducts only when acknowledged).
func (in *Instance) View(id world.PartyID) models.View {
	return kit.ViewOf(&in.Table, id, Device.State, func(st *WalletState) models.View {
		return st.View(models.View{Party: id, Identity: st.ID, Account: in.agent.Balance(st.ID)}, &in.ids, LogEntry.PaidTo)
	})
}

// Ledger returns the banks' state. Mail is what reconciliation would
// forward: in the literal variant only interrupted withdrawals.
func (in *Instance) Ledger() models.Ledger {
	lg := kit.Ledger{CB: in.cb, IDs: &in.ids, Forwardable: in.forwardable}
	return kit.LedgerOf(lg, in.Order, in.Names, true, in.state)
}
