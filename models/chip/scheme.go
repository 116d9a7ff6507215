package chip

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// AgentID is the one agent bank of a chip instance.
const AgentID = "ICBC-AGENT"

// MakerID is the qualified card maker.
const MakerID = "SE-MAKER"

// Scheme is the chip scheme. The zero Scheme is the reference; Mutants
// (mutant.go) returns the deliberately faulty variants.
type Scheme struct {
	mutation string // the mutant's name; "" is the reference
}

// Info describes the scheme.
func (Scheme) Info() models.Info {
	return models.Info{
		Name:     Name,
		Title:    "PBOC digital-currency chip card (2016): SE-to-SE over near field",
		Source:   "CN107230079B, CN107230052, CN107240010, CN107230050",
		Channel:  world.NearField,
		Exposure: models.Exposure{Steps: 8, Time: 1e9}, // its 4-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
	}
}

// Instance is a running chip scheme.
type Instance struct {
	w         *world.World
	cb        *bank.CentralBank
	agent     *bank.Agent
	maker     *devcert.Certificate
	makerKey  suite.PrivateKey // the qualified maker's key: it attests every card key (maker.go)
	mutation  string
	threshold int64 // T (models.Config.Threshold): the agent bank binds payments above it to the holder's account
	kit.Table[Device, *SE]
	counters      map[string]bool                     // bank-skips-repeated-counter: the (card, counter) pairs of uploaded logs
	chipCounters  map[string]bool                     // bank-skips-chip-repeated-counter: the (uploading device, card, counter) triples
	sessions      map[world.PartyID][]models.Observed // the agent bank's log of each account's reconciliations (observe.go)
	desk          *bank.Agent                         // the central bank's issuance desk (desk.go)
	byName        map[string]world.PartyID            // each card's wallet, by the card's own pseudonym
	lastPseudonym map[string]string                   // desk-reuses-pseudonym: each card's last pseudonym
	fresh         map[string][]string                 // each card's certified pseudonyms the desk has handed no coin yet, by card
	ids           kit.IDs                             // record ids, cached (kit.IDs): a sync skips the held coins' last hops it uploaded before
}

var _ models.Instance = (*Instance)(nil)

// New sets up the central bank, one agent bank, a card maker and
// cfg.Wallets personalised cards with opening account balances. The
// wallets cfg.External names are external cards reached through cfg.Dial.
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cb, agent, err := kit.Banks(w, cfg, AgentID, sc.mutation, bankMutations[sc.mutation])
	if err != nil {
		return nil, err
	}
	in := &Instance{w: w, cb: cb, agent: agent, mutation: sc.mutation, threshold: cfg.Threshold, Table: kit.NewTable[Device, *SE](w, "card"), byName: map[string]world.PartyID{}, lastPseudonym: map[string]string{}, fresh: map[string][]string{}}
	if err := in.openDesk(int64(cfg.Wallets) * cfg.Opening * 4); err != nil {
		return nil, err
	}
	if in.makerKey, err = cfg.Suite.GenerateKey(w.Rand("maker")); err != nil {
		return nil, err
	}
	if in.maker, err = cb.Certify(MakerID, devcert.RoleMaker, in.makerKey.Public()); err != nil {
		return nil, err
	}
	err = in.AddWallets(cfg,
		func(_ int, id world.PartyID) error { return in.attach(id, cfg) },
		func(_ int, id world.PartyID) error { return in.personalize(id, cfg) },
		func(_ int, id world.PartyID) {
			// The account is the holder's, under its registered id; the card
			// draws on it under its pseudonym, which is all a payment names.
			account := string(id)
			if in.mutated("account-keyed-by-card") {
				account = in.Names[id]
			}
			in.agent.Open(account, cfg.Opening)
			in.agent.Bind(in.Names[id], account)
			// The card's account at the desk: what it hands in there pays
			// for what the desk issues to it.
			in.desk.Open(in.Names[id], 0)
			in.byName[in.Names[id]] = id
		})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// personalize issues a card as the source describes it (made by a
// qualified maker, distributed through a commercial bank): the maker
// produces the SE, generates its key inside it and attests the key; the
// central bank checks the attestation and certifies the key under a
// pseudonym; the agent bank loads the trust anchors, the issuer key, the
// revocation list and the limits, and hands the card to its holder.
func (in *Instance) personalize(id world.PartyID, cfg models.Config) error {
	dev := in.w.AddDevice(id, false) // cards have no clock
	key, err := cfg.Suite.GenerateKey(in.w.Rand("se-key/" + string(id)))
	if err != nil {
		return err
	}
	made, err := in.manufacture(id, key.Public())
	if err != nil {
		return err
	}
	cert, err := in.certify(id, key.Public(), made)
	if err != nil {
		return err
	}
	m := kit.Materials(in.cb, cert.ID, cert, cfg.Limits, in.w.Now())
	kit.Provision(dev, in.cb, key, m, map[string][]byte{keyState: kit.MustJSON(seState{SyncUnix: m.Sync})})
	in.w.Trace().Note(id, "personalised by %s for its holder", AgentID)
	se := &SE{Core: kit.Core{S: cfg.Suite, Dev: dev}, w: in.w, mutation: in.mutation}
	se.Recover()
	in.AddOwn(id, se)
	return nil
}

// certify has the central bank certify a card key for the holder of
// wallet id under a pseudonym (SOURCES.md C7): a name drawn at random
// that says nothing of the holder, whom only the central bank's register
// links to it (bank.CentralBank.CertifyPseudonym), so merchants and agent
// banks never read the holder's identity while the issuer traces every
// payment (R3.3, R3.4).
//
// The central bank first checks that a qualified maker attested the key
// (made, maker.go).
func (in *Instance) certify(id world.PartyID, pub suite.PublicKey, made []byte) (*devcert.Certificate, error) {
	if err := checkMade(in.cb.Root(), in.cb.CRL(), in.w.Now(), in.maker, pub, made); err != nil {
		return nil, err
	}
	pseudonym := fmt.Sprintf("card-%x", in.w.Rand("chip/pseudonym/"+string(id)).Bytes(8))
	if in.mutated("card-cert-names-holder") {
		pseudonym = string(id)
	}
	return in.cb.CertifyPseudonym(string(id), pseudonym, devcert.RoleWallet, pub)
}

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the card as its compromised holder would
// (models/forge): the card's own checks are bypassed (its store is
// written directly, or its firmware presents other identity data),
// nobody else's are.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	if c.Kind == models.CorruptRefuseAfterStore {
		return in.corruptRefuse(id, c)
	}
	return kit.Corrupt(&in.Table, Name, AgentID, forge.RogueAgentID, id, c)
}

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

// Fund withdraws amount from the holder's account into the card.
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.Online(id, func(d Device) error {
		// The request id is journalled on the card first (online.go), so
		// a retry after a power cut is the same request. A card that
		// does not store a valid withdrawal leaves it with the registry,
		// which forwards it at the next reconciliation.
		if err := in.client(id, d).Withdraw(amount); err != nil {
			return err
		}
		// The agent bank's coins are exchanged at once at the desk for
		// coins of fresh pseudonyms (desk.go).
		if err := in.exchange(id, d, true); err != nil {
			return err
		}
		in.traceBalance(id, d, "withdrew %d fen", amount)
		return nil
	})
}

func (in *Instance) traceBalance(id world.PartyID, d Device, format string, args ...any) {
	kit.TraceBalance(in.w, id, "card", d.State, format, args...)
}

// Pay runs one card-to-card payment under plan.
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	p, q, err := in.Parties(payer, payee)
	if err != nil {
		return models.Payment{}, err
	}
	before, err := p.State()
	if err != nil {
		return models.Payment{}, err
	}
	acked := before.Acked()
	start, err := q.StartPayee(payer, amount)
	if err != nil {
		return models.Payment{}, err
	}
	session := kit.Payment(world.NearField, start, plan, payer, p, payee, q)
	session.Fields, session.Refield, session.Bystander = fields, refield, in.bystander
	out := in.w.RunSession(session)
	res := models.Payment{Outcome: out}
	// The payee card finishes the session; a crash-end fault cuts the
	// writes it defers to here (none in the reference).
	crashed, err := in.w.Finish(plan, payee, func() (err error) {
		res.Received, err = q.EndSession()
		return err
	})
	if crashed {
		res.Received = false
		if err := q.Restart(); err != nil {
			return res, err
		}
	} else if err != nil {
		return res, err
	}
	after, err := p.State()
	if err != nil {
		return res, err
	}
	res.Paid = after.Acked() > acked
	return res, nil
}

// bystander is how a wallet not in a payment handles a message redirected
// to it: the reference refuses it (nil: the world's refusal), as every
// device must refuse a message outside a session it started or joined.
func (in *Instance) bystander(id world.PartyID) world.Endpoint {
	if !in.mutated("card-answers-stray-initiate") {
		return nil
	}
	c, err := in.Device(id)
	if err != nil {
		return nil
	}
	return func(m world.Message) ([]world.Message, error) {
		if m.Type == MsgInitiate {
			return c.Payer(m)
		}
		return c.Payee(m)
	}
}

// fields splits an APDU into its TLV value fields for field tampering.
func fields(m world.Message) []world.Span {
	var spans []apdu.Span
	var err error
	if isCommand(m) {
		spans, err = apdu.CommandValueSpans(m.Payload)
	} else {
		spans, err = apdu.ResponseValueSpans(m.Payload)
	}
	if err != nil {
		return nil
	}
	out := make([]world.Span, len(spans))
	for i, s := range spans {
		out[i] = world.Span{Name: s.Name, Start: s.Start, End: s.End}
	}
	return out
}

// Reconcile takes the card online: upload, receive mail, settle the log,
// refresh long lineages, reset limits, update the revocation list.
func (in *Instance) Reconcile(id world.PartyID) error {
	return in.Online(id, func(d Device) error {
		cardID := in.Names[id]
		// Finish a withdrawal a power cut interrupted.
		if _, _, err := in.client(id, d).Finish(); err != nil {
			return err
		}
		st, err := d.State()
		if err != nil {
			return err
		}
		reg := in.cb.Registry()
		if err := in.clearLogEarly(d, st); err != nil {
			return err
		}
		// Upload what the card sent and what it holds; a malformed log
		// entry is traced and skipped.
		var bound [][32]byte // records of payments above T: logged against the account (R3.6)
		have := map[bank.Instance]bool{}
		sealedSend := kit.SendSealed // a payment of at most T: sealed to the central bank
		if in.mutated("sync-uploads-in-clear") {
			sealedSend = kit.SendClear
		}
		settled, err := kit.Upload(in.w, id, in.cb, cardID, st, &in.ids, have, false, func(e LogEntry) func(r *transfer.Signed) kit.Send {
			large := in.largePayment(e)
			return func(r *transfer.Signed) kit.Send {
				if len(e.Refusal) > 0 {
					return kit.Skip // refused: lodged below, not a spend
				}
				if e.Acked && in.mutated("upload-skips-acked-entries") {
					return kit.Skip
				}
				if in.reuploaded(r) || in.reuploadedBy(id, r) {
					return kit.Skip
				}
				if large {
					bound = append(bound, r.ID())
					return kit.SendClear
				}
				return sealedSend
			}
		}, !in.mutated("sync-uploads-in-clear"))
		if err != nil {
			return err
		}
		in.logSession(id, cardID, bound)
		refused, err := in.lodgeRefusals(id, cardID, st)
		if err != nil {
			return err
		}
		// Mail: value a lost message kept from this card, with the
		// certificates of the lineage's wallets, so the coin can move on
		// offline (a payee gets them in the TRANSFER). Committed together
		// with the settling of the log, before going further, so a later
		// step that fails cannot take them back.
		mail := kit.Mail(reg, cardID, st, have)
		var certs [][]byte
		seen := map[string]bool{}
		for _, h := range mail {
			for _, r := range h.Chain {
				if c, ok := in.cb.Certificate(r.Payer); ok && c.Role == devcert.RoleWallet && r.Payer != cardID && !seen[r.Payer] {
					seen[r.Payer] = true
					certs = append(certs, c.Raw)
				}
			}
			in.w.Trace().State(id, "received %d fen by mail", h.Value())
		}
		if in.mutated("reconcile-clears-log-before-upload") {
			settled = nil
		}
		settled = in.keepUnacked(st, settled)
		if len(refused.seize) > 0 {
			// The coins a rollback put back (held) for a refused payment
			// that stands: spent already, given up (seized, not credited),
			// before the log entry that says so is settled (a cut in
			// between leaves the entry, and the next reconciliation
			// lodges it again).
			if _, err := in.depositor().Deposit(id, d, refused.seize); err != nil {
				return err
			}
		}
		if err := d.Credit(append(mail, refused.change...), certs, settled); err != nil {
			return err
		}
		// Finish deposits a power cut interrupted, then an exchange;
		// exchange every coin that is not desk-fresh at the desk
		// (desk.go).
		if err := in.exchange(id, d, false); err != nil {
			return err
		}
		// Reset the limits, take the new list; the card retires the
		// pseudonyms that hold nothing, the fresh ones left included.
		if err := d.Reset(in.w.Now().Unix(), in.cb.CRL().Raw); err != nil {
			return err
		}
		in.fresh[cardID] = nil
		in.traceBalance(id, d, "reconciled, account %d", in.agent.Balance(cardID))
		return nil
	})
}

func serialHex(s [16]byte) string { return fmt.Sprintf("%x", s[:]) }

// Deposit returns every coin on the card to the holder's account.
func (in *Instance) Deposit(id world.PartyID) (total int64, err error) {
	err = in.Online(id, func(d Device) (err error) {
		// Coins held by the card's pseudonyms are deposited by them, into
		// the holder's account: the agent bank learns each pseudonym as
		// it retires, with the coin it held.
		st, err := d.State()
		if err != nil {
			return err
		}
		for _, h := range st.Coins {
			if p := h.Claimed().Holder; p != in.Names[id] {
				in.agent.Bind(p, in.agent.AccountOf(in.Names[id]))
			}
		}
		total, err = in.depositor().All(id, d)
		return err
	})
	return total, err
}

// depositor is the bank side of the wallet's deposits (kit.Depositor).
func (in *Instance) depositor() kit.Depositor[Device, *CardState] {
	return kit.Depositor[Device, *CardState]{W: in.w, Agent: in.agent, State: Device.State, ParseCode: spec.CodeMalformed, BySigner: true, AgentOf: in.cb.Agent,
		Account:         func(id world.PartyID, _ *CardState) string { return in.Names[id] },
		NoReplyRestores: in.mutated("deposit-restores-without-reply"),
		Held:            in.heldByRefusal}
}

// Clone copies the card, identity and coins, to a new device.
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	remote := func(cid world.PartyID, fork models.Link) Device {
		return newRemoteCard(device.Remote{Link: fork, Party: cid}, in.cb.Suite)
	}
	return in.CloneWith(id, false, remote, func(se *SE, dev *world.Device) *SE {
		return &SE{Core: kit.Core{S: se.S, Dev: dev}, w: in.w, mutation: se.mutation}
	})
}

// state reads the wallet's state (View and Ledger read it).
func (in *Instance) state(id world.PartyID) (*CardState, error) {
	return kit.StateOf(&in.Table, id, Device.State)
}

// View returns the card's observable state.
func (in *Instance) View(id world.PartyID) models.View {
	return kit.ViewOf(&in.Table, id, Device.State, func(st *CardState) models.View {
		v := models.View{Party: id, Identity: in.cb.HolderOf(st.ID), Presents: st.ID, AccountID: in.agent.AccountOf(in.Names[id]), Account: in.agent.Balance(in.Names[id])}
		return st.View(v, &in.ids, LogEntry.PaidTo)
	})
}

// Ledger returns the banks' state.
func (in *Instance) Ledger() models.Ledger {
	// The evidence names the card's pseudonym; the central bank's
	// register names its holder.
	lg := kit.Ledger{CB: in.cb, Holder: in.cb.HolderOf}
	return kit.LedgerOf(lg, in.Order, in.Names, false, in.state)
}
