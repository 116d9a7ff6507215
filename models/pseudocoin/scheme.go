package pseudocoin

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// AgentID is the one agent bank of an instance.
const AgentID = "PSEUDO-AGENT"

// Name is the scheme's id.
const Name = "pseudocoin"

// Scheme is the pseudocoin scheme. The zero Scheme is the reference.
type Scheme struct {
	mutation string
}

// Info describes the scheme.
func (Scheme) Info() models.Info {
	return models.Info{
		Name:     Name,
		Title:    "pseudonymous coins: one-time-key bundles minted by the central bank, identity escrow, managed anonymity (design, DESIGN.md)",
		Source:   "PayOff (ETH Zurich 2024), GNU Taler, e-CNY managed anonymity; this harness's completion of D2 (models/pseudocoin/DESIGN.md)",
		Channel:  world.NearField,
		Exposure: models.Exposure{Steps: 8, Time: time.Second},
		Expected: []models.Violation{
			{Property: "R1.3-uncertified-payer-refused", Witness: models.Witness{Match: `with \S+ presenting an? [a-z-]+: the payee took the payment: paid=true`}, Reason: tradeNoPayerCert},
			{Property: "R1.4-revoked-payer-refused", Witness: models.Witness{Match: `with \S+ revoked: the payee took the payment: paid=true`}, Reason: tradeNoPayerCert},
			{Property: "R2.7-upload-order-independent", Witness: models.Witness{Match: `decides otherwise than in order \[[^\]]*\], with the same flagged coins and culprits \(-want \+got\)`},
				Reason: "DESIGN.md, conscious trade-offs: which of two conflicting records becomes final depends on which reaches the desk first; the first payee to exchange a holding is credited, the later conflicting record refused; the flag, the culprit and the evidence do not depend on the order"},
			{Property: "R6.3-serial-version-lineage", Witness: models.Witness{Match: `holds coin \S+ \(\d+ fen\) after reconciling, but the registry cannot reconstruct its lineage: no registered record created it`},
				Reason: "DESIGN.md, conscious trade-offs: coins carry no serial, since a serial a merchant could see twice is a linking channel; a bundle's one-time key is its only name, and its lineage back to issuance is the desk's mint book and vault, not records in the central bank's registry"},
		},
	}
}

// tradeNoPayerCert is why R1.3 and R1.4 fail for the payer.
const tradeNoPayerCert = "DESIGN.md, conscious trade-offs: an anonymous payer cannot show its device certificate, so a payee cannot refuse offline a payer whose certificate is self-signed, foreign or revoked; the payee checks the coins instead (every bundle is the desk's, minted only to keys of an element the central bank certified); a revoked element is bounded by what it holds: it can no longer withdraw, reconcile or be minted bundles, so it spends only its holdings within what is left of its offline limits, and every record's escrow names it"

// New builds an instance.
func (sc Scheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, err
	}
	agent, err := cb.AddAgent(AgentID, int64(cfg.Wallets)*cfg.Opening+1_000_000_000)
	if err != nil {
		return nil, err
	}
	in := &Instance{w: w, cb: cb, agent: agent, cfg: cfg, s: cfg.Suite, mutation: sc.mutation, gaveOut: map[world.PartyID][]suite.PrivateKey{}, parsed: map[string]*Holding{}, insiders: map[world.PartyID]models.InsiderPlan{}, lastChallenge: map[world.PartyID][]byte{},
		ext: map[world.PartyID]*remoteWallet{}, Links: map[world.PartyID]models.Link{}}
	if in.desk, err = newDesk(in); err != nil {
		return nil, err
	}
	r := w.Rand("pseudocoin/devices")
	for _, id := range cfg.WalletIDs() {
		k, err := in.s.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		if cfg.IsExternal(id) {
			// An external element makes its own key (drawn above all
			// the same, so the other wallets' keys do not move).
			if err := in.attach(id, cfg); err != nil {
				return nil, errors.Join(err, in.Close())
			}
			agent.Open(string(id), cfg.Opening)
			in.wallets = append(in.wallets, id)
			continue
		}
		cert, err := cb.Certify(string(id), devcert.RoleWallet, k.Public())
		if err != nil {
			return nil, err
		}
		d := w.AddDevice(id, false)
		d.Commit(map[string][]byte{keyIdentity: []byte(id), keyDevice: k.Bytes(), keyCert: cert.Raw, keyCounter: []byte("0")}, nil)
		agent.Open(string(id), cfg.Opening)
		in.wallets = append(in.wallets, id)
	}
	return in, nil
}

// Instance is a running pseudocoin world.
type Instance struct {
	w        *world.World
	cb       *bank.CentralBank
	agent    *bank.Agent
	desk     *desk
	cfg      models.Config
	s        suite.Suite
	wallets  []world.PartyID
	clones   int
	mutation string
	// requests numbers each element's requests (newRequest).
	requests map[world.PartyID]uint64
	parsed   map[string]*Holding // parse cache (holdings are immutable)
	// stores holds, by party, what the element's code derived from its
	// device's store (storeIndex), made on first use.
	stores  map[world.PartyID]*storeIndex
	gaveOut map[world.PartyID][]suite.PrivateKey // every receiving key each element gave out (the merchant keeps them)
	// invoicedBy names the wallet whose invoice carried each receiving
	// key a payer was offered (by keyName), external payees' included:
	// the harness's note of whom a record pays (receipts.go).
	invoicedBy map[string]world.PartyID
	// corrupted holds the corruptions staged on elements that act on
	// later payments (escrow, withheld acknowledgement).
	corrupted map[world.PartyID]models.Corruption
	// insiders are the elements handed to an insider (insider.go), and
	// lastChallenge each payer's last challenge answered.
	insiders      map[world.PartyID]models.InsiderPlan
	lastChallenge map[world.PartyID][]byte
	// ext are the external elements (remote.go), reached through Links;
	// anchors, for a served element (Host) only, is what it trusts.
	ext     map[world.PartyID]*remoteWallet
	Links   map[world.PartyID]models.Link
	anchors *anchors
}

func (in *Instance) mutated(name string) bool { return in.mutation != "" && in.mutation == name }

// World returns the world.
func (in *Instance) World() *world.World { return in.w }

// Bank returns the central bank.
func (in *Instance) Bank() *bank.CentralBank { return in.cb }

// Wallets returns the wallets.
func (in *Instance) Wallets() []world.PartyID { return in.wallets }

// online runs f with wallet p online, as one bank transaction.
func (in *Instance) online(p world.PartyID, op string, f func() error) error {
	in.w.SetOnline(p, true)
	defer in.w.SetOnline(p, false)
	return in.cb.Transact(op, f)
}

// newRequest draws a request id for an idempotent online operation.
//
// Each request of an element is numbered (Instance.requests), so that
// two requests never share an id: the number, not the world's trace,
// tells them apart, so a run's ids do not depend on how many events the
// harness recorded before (a crash before a step and a crash at its
// first write leave the same requests).
func (e *element) newRequest(label string) string {
	if e.in.requests == nil {
		e.in.requests = map[world.PartyID]uint64{}
	}
	e.in.requests[e.dev.ID()]++
	var b [16]byte
	e.in.w.Rand(fmt.Sprintf("pseudocoin/request/%s/%s/%d", e.dev.ID(), label, e.in.requests[e.dev.ID()])).Read(b[:])
	return hex.EncodeToString(b[:])
}

// Fund withdraws amount from the holder's account: the agent bank debits
// the account and hands the value to the central bank's vault; the desk
// mints bundles to fresh one-time keys of the element.
func (in *Instance) Fund(p world.PartyID, amount int64) error {
	d, err := in.device(p)
	if err != nil {
		return err
	}
	var crashed bool
	crashed, err = in.w.Guard(p, func() error {
		if err := in.finishWithdraw(p, d); err != nil {
			return err
		}
		if amount <= 0 {
			return spec.Errorf(spec.CodeValueMismatch, "withdrawal of %d fen", amount)
		}
		if amount > coin.MaxChangeAmount {
			return spec.Errorf(spec.CodeValueMismatch, "withdrawal of %d fen", amount)
		}
		if _, err := d.Withdraw(amount); err != nil {
			return err
		}
		if err := in.finishWithdraw(p, d); err != nil {
			return err
		}
		return in.mintOwed(p, d, false)
	})
	if crashed {
		return spec.Errorf(spec.CodeInternal, "%s lost power during the withdrawal", p)
	}
	return err
}

// finishWithdraw presents a pending withdrawal request (again).
func (in *Instance) finishWithdraw(p world.PartyID, d Device) error {
	pd, err := d.Pending()
	if err != nil {
		return err
	}
	ws := pd.Withdrawal
	if ws == nil {
		return nil
	}
	id, err := d.Identity()
	if err != nil {
		return err
	}
	err = in.online(p, "withdrawal", func() error {
		if in.desk.vaulted[ws.Request] {
			return nil // served before: the reply was lost
		}
		if _, err := in.cb.Cert(id); err != nil {
			return err // a revoked (or expired) element withdraws nothing
		}
		acct := in.agent.AccountOf(id)
		if in.agent.Balance(id) < ws.Amount {
			return spec.Errorf(spec.CodeInsufficient, "account %s holds %d fen, withdrawal of %d", acct, in.agent.Balance(id), ws.Amount)
		}
		// The agent bank debits the account and buys the value from the
		// central bank with its reserve; the central bank issues it into
		// its vault, for the desk to mint.
		in.agent.Open(acct, -ws.Amount)
		in.agent.Reserve -= ws.Amount
		in.cb.IssuedTotal += ws.Amount
		in.desk.vaulted[ws.Request] = true
		in.desk.owed[id] += ws.Amount
		return nil
	})
	if err != nil && bank.NoReply(err) {
		return err
	}
	// Served, or refused (nothing happened): forget the request.
	if derr := d.WithdrawDone(); derr != nil {
		return derr
	}
	return err
}

// mintOwed has the desk mint what it owes the holder to fresh one-time
// keys (or, for a deposit, pay it into the account).
func (in *Instance) mintOwed(p world.PartyID, d Device, deposit bool) error {
	id, err := d.Identity()
	if err != nil {
		return err
	}
	pd, err := d.Pending()
	if err != nil {
		return err
	}
	var sealed []byte
	if pd.Mint != nil {
		sealed = pd.Mint.Sealed
	} else {
		owed := in.desk.owed[id]
		if owed <= 0 {
			return nil
		}
		if deposit {
			return in.online(p, "deposit", func() error {
				v := in.desk.owed[id]
				in.desk.owed[id] = 0
				in.desk.credit(id, v)
				return nil
			})
		}
		if sealed, err = d.MintRequest(min(len(bundlePlan(owed)), MaxMintKeys)); err != nil {
			return err
		}
	}
	var reply []byte
	err = in.online(p, "mint", func() (err error) {
		reply, err = in.desk.mintSealed(p, sealed)
		return err
	})
	in.w.Trace().Online(p, bank.CentralBankID, "MINT", sealed, err)
	if err != nil {
		return err
	}
	return d.MintReply(reply)
}

// Reconcile uploads, sealed to the desk, the records the element signed
// as payer, the holdings it received (exchanged for fresh bundles) and
// the receiving keys it was never paid on; then has the desk mint what it
// owes.
func (in *Instance) Reconcile(p world.PartyID) error { return in.reconcile(p, false) }

func (in *Instance) reconcile(p world.PartyID, deposit bool) error {
	d, err := in.device(p)
	if err != nil {
		return err
	}
	crashed, err := in.w.Guard(p, func() error {
		if err := in.finishWithdraw(p, d); err != nil && bank.NoReply(err) {
			return err
		}
		if err := in.mintOwed(p, d, false); err != nil {
			return err
		}
		pd, err := d.Pending()
		if err != nil {
			return err
		}
		var sealed []byte
		if pd.Upload != nil {
			sealed, deposit = pd.Upload.Sealed, pd.Upload.Deposit
		} else if sealed, err = d.Upload(deposit); err != nil {
			return err
		}
		var refused map[string]error
		err = in.online(p, "reconciliation", func() (err error) {
			_, refused, err = in.desk.sync(p, sealed)
			return err
		})
		in.w.Trace().Online(p, bank.CentralBankID, "UPLOAD", sealed, err)
		if err != nil {
			if !bank.NoReply(err) {
				if aerr := d.UploadAnswer(false, nil); aerr != nil {
					return aerr
				}
			}
			return err
		}
		// Refused holdings stay with the element (a deposit says so):
		// the first, in key-name order, is the deposit's error.
		names := sortedKeys(refused)
		if err := d.UploadAnswer(true, names); err != nil {
			return err
		}
		if err := in.mintOwed(p, d, deposit); err != nil {
			return err
		}
		if deposit && len(names) > 0 {
			return fmt.Errorf("the desk refused a holding at deposit: %w", refused[names[0]])
		}
		return nil
	})
	if crashed {
		return spec.Errorf(spec.CodeInternal, "%s lost power during the reconciliation", p)
	}
	return err
}

// prepareSync builds and seals the upload.
func (in *Instance) prepareSync(e *element, deposit bool) (syncState, error) {
	ss := syncState{Request: e.newRequest("sync" + fmt.Sprint(e.counter())), Deposit: deposit}
	u := &Upload{Identity: e.identity(), Request: []byte(ss.Request)}
	logs := e.logs()
	spentIDs := map[[32]byte]bool{}
	for _, k := range sortedKeys(logs) {
		u.Spent = append(u.Spent, logs[k].R)
		ss.Spent = append(ss.Spent, k)
		if r, err := in.parseRecord(logs[k].R); err == nil {
			spentIDs[r.ID()] = true
		}
	}
	// Received holdings are exchanged; so is a minted bundle smaller than
	// the full size (merged with the change into fresh bundles); a
	// deposit surrenders all.
	for _, h := range e.exchanged(deposit) {
		k, err := h.key()
		if err != nil {
			return ss, err
		}
		proof, err := k.Sign((&Surrender{Key: h.h.Key(), Request: u.Request}).TBS())
		if err != nil {
			return ss, err
		}
		if h.h.Change && spentIDs[h.h.Record.ID()] {
			// The change of a record this upload carries: named by the
			// record's id, not sent twice.
			u.Received = append(u.Received, changeRef(h.h.Record.ID()))
		} else {
			u.Received = append(u.Received, h.h.Marshal())
		}
		u.Proofs = append(u.Proofs, proof)
		ss.Recv = append(ss.Recv, prefHold+h.name)
	}
	invs := e.invoices()
	for _, k := range sortedKeys(invs) {
		u.Void = append(u.Void, invs[k].Key)
		ss.Void = append(ss.Void, k)
	}
	dk, err := e.deviceKey()
	if err != nil {
		return ss, err
	}
	body := u.body()
	if u.Sig, err = dk.Sign(body); err != nil {
		return ss, err
	}
	plain := u.marshalWith(body)
	if in.mutated(mutantUploadClear) {
		ss.Sealed = plain
		return ss, nil
	}
	ss.Sealed, err = sealUpload(in.s, in.deskSealKey(), in.w.Rand("pseudocoin/seal/"+ss.Request), plain)
	return ss, err
}

// Deposit returns everything the element holds to the account.
func (in *Instance) Deposit(p world.PartyID) (int64, error) {
	id := string(p)
	if d, err := in.device(p); err == nil {
		if n, err := d.Identity(); err == nil {
			id = n
		}
	}
	before := in.agent.Balance(id)
	err := in.reconcile(p, true)
	return in.agent.Balance(id) - before, err
}

// Restart power-cycles the element: it keeps nothing volatile (but
// under payer-paid-keys-volatile), and no session stays open.
func (in *Instance) Restart(p world.PartyID) {
	in.w.Trace().Note(p, "restart")
	if rw := in.ext[p]; rw != nil {
		in.restartDevice(p, rw)
		return
	}
	if d, err := in.device(p); err == nil {
		in.restartDevice(p, d)
	}
}

// Snapshot copies the element's store.
func (in *Instance) Snapshot(p world.PartyID) world.Snapshot {
	if rw := in.ext[p]; rw != nil {
		return device.SnapshotLink(in.w, p, rw.Link)
	}
	return in.w.Device(p).Snapshot()
}

// Restore rolls the element back.
func (in *Instance) Restore(p world.PartyID, s world.Snapshot) {
	if rw := in.ext[p]; rw != nil {
		in.remoteRestore(p, rw, s)
		return
	}
	in.w.Device(p).Restore(s)
}

// Clone copies the element, identity and keys included.
func (in *Instance) Clone(p world.PartyID) (world.PartyID, error) {
	d := in.w.Device(p)
	if d == nil {
		return "", spec.Errorf(spec.CodeWrongRecipient, "no device %s", p)
	}
	in.clones++
	id := world.PartyID(fmt.Sprintf("%s~clone%d", p, in.clones))
	if rw := in.ext[p]; rw != nil {
		if err := in.remoteClone(p, id, rw); err != nil {
			return "", err
		}
		return id, nil
	}
	d.Clone(id)
	return id, nil
}

// View is the element's state.
func (in *Instance) View(p world.PartyID) models.View {
	if rw := in.ext[p]; rw != nil {
		return in.remoteView(p, rw)
	}
	e, err := in.element(p)
	if err != nil {
		return models.View{Party: p}
	}
	id := e.identity()
	v := models.View{Party: p, Identity: id, Account: in.agent.Balance(id)}
	for _, h := range e.holdings() {
		for i, c := range h.h.Coins() {
			v.Coins = append(v.Coins, models.Coin{ID: fmt.Sprintf("%s/%d", h.name, i), Value: c})
		}
	}
	logs := e.logs()
	for _, k := range sortedKeys(logs) {
		l := logs[k]
		if l.Acked {
			continue
		}
		r, err := in.parseRecord(l.R)
		if err != nil {
			continue
		}
		for i, c := range r.Outputs {
			v.Pending = append(v.Pending, models.Coin{ID: fmt.Sprintf("%s/%d", k, i), Value: c})
		}
	}
	lim := e.limits()
	v.Spent, v.Payments = lim.Spent, lim.Count
	return v
}

// Ledger is the banks' state.
func (in *Instance) Ledger() models.Ledger {
	l := models.Ledger{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal, Accounts: in.cb.AccountsTotal()}
	for _, id := range sortedKeys(in.desk.owed) {
		if v := in.desk.owed[id]; v > 0 {
			l.Mail = append(l.Mail, models.Coin{ID: "owed/" + id, Value: v})
		}
	}
	l.DoubleSpends = append(l.DoubleSpends, in.desk.doubles...)
	return l
}
