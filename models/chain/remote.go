package chain

import (
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
)

// This file is the chain wallet's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external wallet
// answers, their parameters and results (the Op* constants and the wire
// types below, with those every scheme shares from models/device), and
// remoteWallet, the Device that forwards them over a models.Link. Host
// (host.go) answers them with the reference wallet.
//
// The wallet is a phone with a clock, but the harness owns simulated
// time: every operation that reads the wallet's clock carries the
// reading (Now, Unix seconds: world time plus the device's skew), and the
// wallet must use it as its clock. The payer is delivered AGREE, the
// agreement keyed in at the till, the payee QR, the payment QR code
// (DER), each with the reading (device.DeliverAtParams).

// Operations of an external chain wallet.
const (
	OpKeygen     = "chain.keygen"      // device.KeygenParams → device.KeygenResult
	OpProvision  = "chain.provision"   // Provisioning → {}
	OpStartPayee = "chain.start-payee" // device.AmountParams → StartPayeeResult
	OpPayer      = "chain.payer"       // device.DeliverAtParams (AGREE) → device.DeliverResult
	OpPayee      = "chain.payee"       // device.DeliverAtParams (QR) → device.DeliverResult
	OpEndSession = "chain.end-session" // {} → device.EndSessionResult
	OpState      = "chain.state"       // {} → WireState
	OpSync       = "chain.sync"        // SyncParams → {}
	OpRedeem     = "chain.redeem"      // RedeemParams → {}
)

// wire pairs every operation with its wire types (device.Served.Ops).
var wire = []device.Op{
	{Name: OpKeygen, Params: device.KeygenParams{}, Result: device.KeygenResult{}},
	{Name: OpProvision, Params: Provisioning{}, Result: device.None{}},
	{Name: OpStartPayee, Params: device.AmountParams{}, Result: StartPayeeResult{}},
	{Name: OpPayer, Params: device.DeliverAtParams{}, Result: device.DeliverResult{}},
	{Name: OpPayee, Params: device.DeliverAtParams{}, Result: device.DeliverResult{}},
	{Name: OpEndSession, Params: device.None{}, Result: device.EndSessionResult{}},
	{Name: OpState, Params: device.None{}, Result: WireState{}},
	{Name: OpSync, Params: SyncParams{}, Result: device.None{}},
	{Name: OpRedeem, Params: RedeemParams{}, Result: device.None{}},
}

// Ops lists the operations, for handshakes and documentation.
var Ops = device.OpNames(wire)

// externalDevice attaches an external wallet, a phone with a clock.
var externalDevice = device.External{Clock: true, Keygen: OpKeygen, Seed: "chain/wallet-key/", Note: "external wallet: key generated on the phone"}

// Provisioning is what the wallet's bank loads onto it besides its key:
// its certificate (subject = ID), the root, the chain's public key (SPKI
// DER) transfers are sealed to, the revocation list, the blacklist of
// revoked wallets' addresses (20 bytes each), the offline limits, the
// time of this online sync (Unix seconds) and the confirmations k after
// which a payment is final.
type Provisioning struct {
	ID            string        `json:"id"`
	Certificate   models.Hex    `json:"certificate"`
	Root          models.Hex    `json:"root"`
	ChainKey      models.Hex    `json:"chainKey"`
	CRL           models.Hex    `json:"crl"`
	Blacklist     []models.Hex  `json:"blacklist"`
	Limits        device.Limits `json:"limits"`
	Sync          int64         `json:"sync"`
	Confirmations int           `json:"confirmations"`
}

// StartPayeeResult is the agreement the till shows (AgreeSize bytes).
type StartPayeeResult struct {
	Agreement models.Hex `json:"agreement"`
}

// WireCoin is a Coin on the wire: Point is the outpoint, transaction id
// (32 bytes) and output index (2 bytes, big-endian).
type WireCoin struct {
	Point models.Hex `json:"point"`
	Value int64      `json:"value"`
	Final bool       `json:"final"`
}

// WireLog is a LogEntry on the wire.
type WireLog struct {
	Payment models.Hex `json:"payment"`
	Inputs  []WireCoin `json:"inputs"`
}

// WireInbox is an InboxEntry on the wire.
type WireInbox struct {
	Payment models.Hex `json:"payment"`
	Receipt models.Hex `json:"receipt"`
}

// WireState is WalletState on the wire.
type WireState struct {
	ID       string      `json:"id"`
	Counter  uint64      `json:"counter"`
	Spent    int64       `json:"spent"`
	Payments int         `json:"payments"`
	Coins    []WireCoin  `json:"coins"`
	Log      []WireLog   `json:"log"`
	Inbox    []WireInbox `json:"inbox"`
}

// SyncParams are Device.Sync's arguments: transaction ids (32 bytes),
// outpoints (34 bytes) and addresses (20 bytes) as hex.
type SyncParams struct {
	Drop      []models.Hex `json:"drop"`
	Put       []WireCoin   `json:"put"`
	Remove    []models.Hex `json:"remove"`
	Reset     bool         `json:"reset"`
	Time      int64        `json:"time"`
	CRL       models.Hex   `json:"crl"`
	Blacklist []models.Hex `json:"blacklist"`
}

// WireRedemption is a Redemption on the wire.
type WireRedemption struct {
	Payee models.Hex   `json:"payee"`
	Nonce models.Hex   `json:"nonce"`
	Coins []models.Hex `json:"coins"`
}

// RedeemParams are Device.Redeem's arguments, with the clock reading the
// payments are stamped with.
type RedeemParams struct {
	Redemptions []WireRedemption `json:"redemptions"`
	Now         int64            `json:"now"`
}

// attach provisions an external wallet: it generates its key, the central
// bank certifies it, the wallet's bank loads the rest.
func (in *Instance) attach(id world.PartyID, bankIdx int, cfg models.Config) error {
	r, pub, err := externalDevice.Attach(in.w, id, cfg.Dial, in.Links, cfg.Suite)
	if err != nil {
		return err
	}
	rw := &remoteWallet{Remote: r, dev: in.w.Device(id)}
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, pub)
	if err != nil {
		return err
	}
	in.bb.dir.add(cfg.Suite, cert)
	if err := rw.Call(OpProvision, in.provisioning(cert, cfg), nil); err != nil {
		return err
	}
	in.Add(id, rw, cert.ID)
	in.addrs[id] = AddressOf(cfg.Suite, pub)
	in.gateway[id] = bankIdx
	in.bankOf[cert.ID] = bankIdx
	return nil
}

// provisioning is what the bank loads onto a wallet besides its key.
func (in *Instance) provisioning(cert *devcert.Certificate, cfg models.Config) Provisioning {
	return Provisioning{
		ID: cert.ID, Certificate: cert.Raw, Root: in.cb.Root().Raw, ChainKey: in.bb.chainKey.Public().SPKI(),
		CRL: in.cb.CRL().Raw, Blacklist: []models.Hex{}, Limits: device.LimitsOf(cfg.Limits), Sync: in.w.Now().Unix(),
		Confirmations: in.bb.k,
	}
}

// remoteWallet is an external wallet: every Device operation is one Link
// call.
type remoteWallet struct {
	device.Remote
	dev *world.Device // the world's handle: the wallet's clock
}

var _ Device = (*remoteWallet)(nil)

// now is the wallet's clock reading: world time plus its skew.
func (rw *remoteWallet) now() int64 {
	t, _ := rw.dev.Now()
	return t.Unix()
}

func (rw *remoteWallet) StartPayee(amount int64) ([]byte, error) {
	var r StartPayeeResult
	if err := rw.Call(OpStartPayee, device.AmountParams{Amount: amount}, &r); err != nil {
		return nil, err
	}
	return r.Agreement, nil
}

func (rw *remoteWallet) deliver(op string, m world.Message) ([]world.Message, error) {
	// The wallet speaks for itself only; the bank side addresses what it
	// displays to whoever scans it.
	return rw.Deliver(op, device.DeliverAtParams{Message: device.ToWire(m), Now: rw.now()}, "")
}

func (rw *remoteWallet) Payer(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayer, m)
}
func (rw *remoteWallet) Payee(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayee, m)
}

func (rw *remoteWallet) EndSession() (bool, error) { return rw.CloseSession(OpEndSession) }

func (rw *remoteWallet) coin(w WireCoin) (Coin, error) {
	if len(w.Point) != IDSize+2 {
		return Coin{}, rw.Broken("reports a coin outpoint of %d bytes, want %d", len(w.Point), IDSize+2)
	}
	if w.Value <= 0 {
		return Coin{}, rw.Broken("reports a coin of %d fen", w.Value)
	}
	return Coin{Point: outPointFrom(w.Point), Value: w.Value, Final: w.Final}, nil
}

func (rw *remoteWallet) State() (*WalletState, error) {
	var w WireState
	if err := rw.Call(OpState, struct{}{}, &w); err != nil {
		return nil, err
	}
	s := &WalletState{ID: w.ID, Counter: w.Counter, Spent: w.Spent, Payments: w.Payments}
	seen := map[OutPoint]bool{}
	for _, wc := range w.Coins {
		c, err := rw.coin(wc)
		if err != nil {
			return nil, err
		}
		if seen[c.Point] {
			return nil, rw.Broken("reports coin %s twice", c.Point)
		}
		seen[c.Point] = true
		s.Coins = append(s.Coins, c)
	}
	sortCoins(s.Coins)
	for _, e := range w.Log {
		le := LogEntry{Payment: e.Payment}
		for _, wc := range e.Inputs {
			c, err := rw.coin(wc)
			if err != nil {
				return nil, err
			}
			le.Inputs = append(le.Inputs, c)
		}
		s.Log = append(s.Log, le)
	}
	for _, e := range w.Inbox {
		s.Inbox = append(s.Inbox, InboxEntry{Payment: e.Payment, Receipt: e.Receipt})
	}
	return s, nil
}

func wireCoin(c Coin) WireCoin {
	return WireCoin{Point: c.Point.bytes(), Value: c.Value, Final: c.Final}
}

func (rw *remoteWallet) Sync(u *SyncUpdate) error {
	p := SyncParams{Drop: []models.Hex{}, Put: []WireCoin{}, Remove: []models.Hex{}, Reset: u.Reset, Time: u.Time, CRL: u.CRL, Blacklist: []models.Hex{}}
	for _, id := range u.Drop {
		p.Drop = append(p.Drop, id[:])
	}
	for _, c := range u.Put {
		p.Put = append(p.Put, wireCoin(c))
	}
	for _, op := range u.Remove {
		p.Remove = append(p.Remove, op.bytes())
	}
	for _, a := range u.Blacklist {
		p.Blacklist = append(p.Blacklist, a[:])
	}
	return rw.Call(OpSync, p, nil)
}

func (rw *remoteWallet) Redeem(rs []Redemption) error {
	p := RedeemParams{Redemptions: []WireRedemption{}, Now: rw.now()}
	for _, r := range rs {
		w := WireRedemption{Payee: r.Payee[:], Nonce: r.Nonce[:], Coins: []models.Hex{}}
		for _, op := range r.Coins {
			w.Coins = append(w.Coins, op.bytes())
		}
		p.Redemptions = append(p.Redemptions, w)
	}
	return rw.Call(OpRedeem, p, nil)
}

func sortCoins(cs []Coin) {
	slices.SortFunc(cs, func(a, b Coin) int { return comparePoints(a.Point, b.Point) })
}
