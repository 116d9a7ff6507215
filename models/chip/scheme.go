// Package chip is the executable model of the PBOC dual-offline scheme of
// 2016 (patent CN107230079B, "使用数字货币芯片卡进行离线支付的方法及系统",
// and siblings): value lives in secure elements that qualified makers
// produce and commercial banks personalise; cards pay each other over a
// near-field link, and each card checks the authenticity of the coins and
// the legality of the transaction itself.
//
// The model: each wallet is an SE (se.go) holding its key, its central-bank
// certificate, the root, the issuer key, the agent certificates, the
// revocation list, its limits, a monotonic counter, its coins (holdings
// with lineage, spec/transfer) and a write-ahead log of payments sent.
// Payments are ISO 7816-4 APDUs with BER-TLV data (protocol.go,
// messages.go). Going online uploads the records, forwards to a payee what
// a lost message kept from it, clears the log and resets the limits.
package chip

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
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
		Name:     "chip",
		Title:    "PBOC digital-currency chip card (2016): SE-to-SE over near field",
		Source:   "CN107230079B, CN107230052, CN107240010, CN107230050",
		Channel:  world.NearField,
		Exposure: models.Exposure{Steps: 8, Time: 1e9}, // its 4-step flow, then the payer's and the payee's reconciliation; 1 s of simulated time (reconciliation takes none)
		Expected: map[spec.SubID]string{
			"R3.1": "the payer's card authenticates to the payee card by sending its device certificate (subject CN = its registered wallet id, " +
				"which is also its account id at the agent bank) and transfer records whose Payer field is that id, in the clear in the TRANSFER response: the merchant reads who paid",
			"R3.2": "every payment carries the payer's certificate, public key and device id (transfer record Payer), and coins whose lineage " +
				"goes back to the payer's withdrawal, so the merchant and the agent bank link all payments of one card",
			"R3.3": "the TRANSFER response carries the payer's certificate (subject = registered wallet id = account id) and the transfer " +
				"records' Payer field in the clear; the payee card stores them (cert/<id>, coin lineages) and uploads them at reconciliation",
			"R3.6": "small payments are not anonymous (R3.3: the payer's certificate and device id are in every TRANSFER), so there is no " +
				"split between anonymous small value and traceable large value",
		},
	}
}

// Instance is a running chip scheme.
type Instance struct {
	w        *world.World
	cb       *bank.CentralBank
	agent    *bank.Agent
	maker    *devcert.Certificate
	mutation string
	order    []world.PartyID
	wallets  map[world.PartyID]*SE
}

var _ models.Instance = (*Instance)(nil)

// New sets up the central bank, one agent bank, a card maker and
// cfg.Wallets personalised cards with opening account balances.
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, err
	}
	in := &Instance{w: w, cb: cb, mutation: sc.mutation, wallets: map[world.PartyID]*SE{}}
	if bankMutations[sc.mutation] {
		cb.SetMutation(sc.mutation)
	}
	if in.agent, err = cb.AddAgent(AgentID, int64(cfg.Wallets)*cfg.Opening*4); err != nil {
		return nil, err
	}
	makerKey, err := cfg.Suite.GenerateKey(w.Rand("maker"))
	if err != nil {
		return nil, err
	}
	if in.maker, err = cb.Certify(MakerID, devcert.RoleMaker, makerKey.Public()); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Wallets; i++ {
		id := world.PartyID(fmt.Sprintf("wallet-%c", 'A'+i))
		se, err := in.personalize(id, cfg)
		if err != nil {
			return nil, err
		}
		in.agent.Open(se.id, cfg.Opening)
	}
	return in, nil
}

// personalize runs the card issuance flow of the patent: the qualified
// maker produces the SE and generates its key inside it, the central bank
// certifies the SE's key at the maker's request, and the agent bank loads
// the trust anchors, the issuer key, the revocation list and the limits,
// and hands the card to its holder.
func (in *Instance) personalize(id world.PartyID, cfg models.Config) (*SE, error) {
	dev := in.w.AddDevice(id, false) // cards have no clock
	key, err := cfg.Suite.GenerateKey(in.w.Rand("se-key/" + string(id)))
	if err != nil {
		return nil, err
	}
	in.w.Trace().Note(id, "manufactured by %s; key generated on card", MakerID)
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
		keyLimits:  mustJSON(cfg.Limits),
		keyState:   mustJSON(seState{SyncUnix: in.w.Now().Unix()}),
	}
	for _, a := range in.cb.Agents() {
		puts[prefAgent+a.ID] = a.Cert.Raw
	}
	dev.Commit(puts, nil)
	in.w.Trace().Note(id, "personalised by %s for its holder", AgentID)
	se := &SE{s: cfg.Suite, w: in.w, dev: dev, mutation: in.mutation}
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

func (in *Instance) se(id world.PartyID) (*SE, error) {
	se, ok := in.wallets[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return se, nil
}

// online runs f with the wallet online and restarts the card if it lost
// power inside f.
func (in *Instance) online(id world.PartyID, f func(se *SE) error) error {
	se, err := in.se(id)
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

// Fund withdraws amount from the holder's account into the card.
func (in *Instance) Fund(id world.PartyID, amount int64) error {
	return in.online(id, func(se *SE) error {
		hs, err := in.agent.Withdraw(se.id, amount)
		if err != nil {
			return err
		}
		puts := map[string][]byte{}
		for _, h := range hs {
			puts[prefCoin+instKey(h)] = h.Marshal()
		}
		se.dev.Commit(puts, nil)
		se.recoverCoins(puts, nil)
		in.w.Trace().State(id, "withdrew %d fen (offline balance %d)", amount, se.balance())
		return nil
	})
}

// Pay runs one SE-to-SE payment under plan.
func (in *Instance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	p, err := in.se(payer)
	if err != nil {
		return models.Payment{}, err
	}
	q, err := in.se(payee)
	if err != nil {
		return models.Payment{}, err
	}
	if payer == payee {
		return models.Payment{}, spec.Errorf(spec.CodeWrongRecipient, "a wallet cannot pay itself")
	}
	start, err := q.startPayee(payer, amount)
	if err != nil {
		return models.Payment{}, err
	}
	acked := p.ackedCount()
	out := in.w.RunSession(&world.Session{
		Channel:   world.NearField,
		Start:     []world.Message{start},
		Plan:      plan,
		Endpoints: map[world.PartyID]world.Endpoint{payer: p.payerEndpoint, payee: q.payeeEndpoint},
		Restart:   map[world.PartyID]func(){payer: p.recover, payee: q.recover},
		Fields:    fields,
	})
	res := models.Payment{Outcome: out, Received: q.received, Paid: p.ackedCount() > acked}
	q.challenge, q.received = nil, false
	return res, nil
}

func (se *SE) ackedCount() int {
	n := 0
	for _, e := range se.out {
		if e.Acked {
			n++
		}
	}
	return n
}

// fields splits an APDU into its TLV value fields for field tampering.
func fields(m world.Message) []world.Span {
	var spans []apdu.Span
	var err error
	if m.Type == MsgInitiate || m.Type == MsgConfirm {
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
	return in.online(id, func(se *SE) error {
		reg := in.cb.Registry()
		// Upload what the card sent and what it holds.
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
			have[bank.InstanceOf(h)] = true
			if n := len(h.Chain); n > 0 {
				parent := &transfer.Holding{Root: h.Root, Chain: h.Chain[:n-1], Serial: h.Chain[n-1].Parent}
				if err := reg.Add(parent, h.Chain[n-1]); err != nil {
					in.w.Trace().Note(id, "upload refused: %v", err)
				}
			}
		}
		puts := map[string][]byte{}
		var deletes []string
		// Mail: value a lost message kept from this card.
		for _, h := range reg.Mail(se.id, have) {
			puts[prefCoin+instKey(h)] = h.Marshal()
			puts[prefSeen+serialHex(h.Chain[len(h.Chain)-1].Parent)] = []byte{1}
			// The certificates of the lineage's wallets, so the coin can
			// move on offline (a payee gets them in the TRANSFER).
			for _, r := range h.Chain {
				if c, ok := in.cb.Certificate(r.Payer); ok && c.Role == devcert.RoleWallet && r.Payer != se.id {
					puts[prefCert+r.Payer] = c.Raw
				}
			}
			in.w.Trace().State(id, "received %d fen by mail", h.Value())
		}
		// Commit the mail and settle the log before going further, so a
		// later step that fails cannot take them back.
		deletes = append(deletes, slices.Sorted(maps.Keys(se.out))...)
		se.dev.Commit(puts, deletes)
		se.recover()
		puts, deletes = map[string][]byte{}, nil
		// Finish deposits a power cut interrupted.
		if _, err := in.settleDeposits(se); err != nil {
			return err
		}
		// Exchange coins whose lineage is getting long for fresh ones.
		var stale []string
		for _, k := range slices.Sorted(maps.Keys(se.coins)) {
			if len(se.coins[k].Chain) >= transfer.MaxHops/2 {
				stale = append(stale, k)
			}
		}
		if len(stale) > 0 {
			v, err := in.deposit(se, stale)
			if err != nil {
				return err
			}
			fresh, err := in.agent.Withdraw(se.id, v)
			if err != nil {
				return err
			}
			for _, h := range fresh {
				puts[prefCoin+instKey(h)] = h.Marshal()
			}
		}
		// Reset the limits, take the new list.
		st := se.st
		st.Spent, st.Payments, st.SyncUnix = 0, 0, in.w.Now().Unix()
		puts[keyState] = mustJSON(st)
		puts[keyCRL] = in.cb.CRL().Raw
		se.dev.Commit(puts, deletes)
		se.recover()
		in.w.Trace().State(id, "reconciled (offline balance %d, account %d)", se.balance(), in.agent.Balance(se.id))
		return nil
	})
}

func serialHex(s [16]byte) string { return fmt.Sprintf("%x", s[:]) }

// Deposit returns every coin on the card to the holder's account.
func (in *Instance) Deposit(id world.PartyID) (int64, error) {
	var total int64
	err := in.online(id, func(se *SE) error {
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

// deposit returns the coins under keys to the agent. The card signs a
// deposit record for each and commits, in one write, their removal with
// a pending-deposit entry (write-ahead) before presenting them, so a power
// cut can neither lose them nor leave them spendable after the bank
// redeemed them. settleDeposits then presents the entry.
func (in *Instance) deposit(se *SE, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	st := se.st
	var e depEntry
	var deletes []string
	for _, k := range keys {
		h := se.coins[k]
		st.Counter++
		rec, err := bank.DepositRecord(se.key, se.id, in.agent.ID, h, h.Value(), st.Counter)
		if err != nil {
			return 0, err
		}
		e.Holdings = append(e.Holdings, h.Marshal())
		e.Records = append(e.Records, rec.Marshal())
		deletes = append(deletes, prefCoin+k)
	}
	se.dev.Commit(map[string][]byte{keyState: mustJSON(st), depKey(st.Counter): mustJSON(e)}, deletes)
	se.recover()
	return in.settleDeposits(se)
}

// settleDeposits presents every pending deposit. An accepted one is
// credited; a refused one (never the case for an honest card) puts its
// coins back; either way the entry goes.
func (in *Instance) settleDeposits(se *SE) (int64, error) {
	var total int64
	for _, k := range se.dev.Keys(prefDep) {
		raw, _ := se.dev.Get(k)
		var e depEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return total, spec.Errorf(spec.CodeInternal, "pending deposit %s: %v", k, err)
		}
		var items []bank.DepositItem
		puts := map[string][]byte{}
		for i := range e.Records {
			h, err1 := transfer.ParseHolding(e.Holdings[i])
			r, err2 := transfer.Parse(e.Records[i])
			if err1 != nil || err2 != nil {
				return total, spec.Errorf(spec.CodeInternal, "pending deposit %s does not parse", k)
			}
			items = append(items, bank.DepositItem{Holding: h, Record: r})
			puts[prefCoin+instKey(h)] = e.Holdings[i]
		}
		v, err := in.agent.Deposit(se.id, items)
		if err != nil {
			in.w.Trace().Note(se.dev.ID(), "deposit refused, coins restored: %v", err)
			se.dev.Commit(puts, []string{k})
			se.recover()
			return total, err
		}
		se.dev.Delete(k)
		total += v
		in.w.Trace().State(se.dev.ID(), "deposited %d fen (account %d)", v, in.agent.Balance(se.id))
	}
	return total, nil
}

// Restart power-cycles the card.
func (in *Instance) Restart(id world.PartyID) {
	if se, err := in.se(id); err == nil {
		in.w.Trace().Note(id, "power cycle")
		se.recover()
	}
}

// Snapshot copies the card's persistent state.
func (in *Instance) Snapshot(id world.PartyID) world.Snapshot {
	return in.w.Device(id).Snapshot()
}

// Restore rolls the card back to a snapshot (a compromised SE).
func (in *Instance) Restore(id world.PartyID, s world.Snapshot) {
	if se, err := in.se(id); err == nil {
		se.dev.Restore(s)
		se.recover()
	}
}

// Clone copies the card, identity and coins, to a new device.
func (in *Instance) Clone(id world.PartyID) (world.PartyID, error) {
	se, err := in.se(id)
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
	c := &SE{s: se.s, w: in.w, dev: dev, mutation: se.mutation}
	c.recover()
	in.order = append(in.order, cid)
	in.wallets[cid] = c
	return cid, nil
}

// View returns the card's observable state.
func (in *Instance) View(id world.PartyID) models.View {
	se, err := in.se(id)
	if err != nil {
		return models.View{Party: id}
	}
	v := models.View{Party: id, Identity: se.id, Account: in.agent.Balance(se.id), Spent: se.st.Spent, Payments: se.st.Payments}
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		v.Coins = append(v.Coins, models.Coin{ID: bank.InstanceOf(se.coins[k]).String(), Value: se.coins[k].Value()})
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

// Ledger returns the banks' state.
func (in *Instance) Ledger() models.Ledger {
	l := models.Ledger{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal, DoubleSpends: in.cb.Registry().DoubleSpends()}
	l.Accounts = in.cb.AccountsTotal()
	have := map[bank.Instance]bool{}
	ids := map[string]bool{}
	for _, id := range in.order {
		se := in.wallets[id]
		ids[se.id] = true
		for _, h := range se.coins {
			have[bank.InstanceOf(h)] = true
		}
	}
	for _, holder := range slices.Sorted(maps.Keys(ids)) {
		for _, h := range in.cb.Registry().Mail(holder, have) {
			l.Mail = append(l.Mail, models.Coin{ID: bank.InstanceOf(h).String(), Value: h.Value()})
		}
	}
	return l
}
