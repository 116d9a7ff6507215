package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file is the chip card's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external card
// answers, their parameters and results (the Op* constants and the wire
// types below, with those every scheme shares from models/device), and
// remoteCard, the Device that forwards them over a models.Link. Host
// (host.go) answers them with the reference card.

// Operations of an external chip card.
const (
	OpKeygen        = "chip.keygen"         // device.KeygenParams → device.KeygenResult
	OpPersonalize   = "chip.personalize"    // Personalization → {}
	OpStartPayee    = "chip.start-payee"    // StartPayeeParams → device.MessageResult
	OpPayer         = "chip.payer"          // DeliverParams → device.DeliverResult
	OpPayee         = "chip.payee"          // DeliverParams → device.DeliverResult
	OpEndSession    = "chip.end-session"    // {} → device.EndSessionResult
	OpState         = "chip.state"          // {} → WireState
	OpCredit        = "chip.credit"         // CreditParams → {}
	OpSignDeposit   = "chip.sign-deposit"   // device.SignDepositParams → {}
	OpFinishDeposit = "chip.finish-deposit" // device.FinishDepositParams → {}
	OpReset         = "chip.reset"          // ResetParams → {}
	OpCoinKeygen    = "chip.coin-keygen"    // {} → device.KeygenResult
	OpCoinCert      = "chip.coin-cert"      // CoinCertParams → {}
)

// depositOps are the card's deposit operations (device.DepositOps).
var depositOps = device.DepositOps{Sign: OpSignDeposit, Finish: OpFinishDeposit}

// wire pairs every operation with its wire types (device.Served.Ops).
var wire = []device.Op{
	{Name: OpKeygen, Params: device.KeygenParams{}, Result: device.KeygenResult{}},
	{Name: OpPersonalize, Params: Personalization{}, Result: device.None{}},
	{Name: OpStartPayee, Params: StartPayeeParams{}, Result: device.MessageResult{}},
	{Name: OpPayer, Params: DeliverParams{}, Result: device.DeliverResult{}},
	{Name: OpPayee, Params: DeliverParams{}, Result: device.DeliverResult{}},
	{Name: OpEndSession, Params: device.None{}, Result: device.EndSessionResult{}},
	{Name: OpState, Params: device.None{}, Result: WireState{}},
	{Name: OpCredit, Params: CreditParams{}, Result: device.None{}},
	{Name: OpSignDeposit, Params: device.SignDepositParams{}, Result: device.None{}},
	{Name: OpFinishDeposit, Params: device.FinishDepositParams{}, Result: device.None{}},
	{Name: OpReset, Params: ResetParams{}, Result: device.None{}},
	{Name: OpCoinKeygen, Params: device.None{}, Result: device.KeygenResult{}},
	{Name: OpCoinCert, Params: CoinCertParams{}, Result: device.None{}},
}

// Ops lists the operations, for handshakes and documentation.
var Ops = device.OpNames(wire)

// externalDevice attaches an external card, which has no clock.
var externalDevice = device.External{Keygen: OpKeygen, Seed: "se-key/", Note: "external card: key generated on card"}

// Personalization is what the agent bank loads onto a card besides its
// key: its certificate (subject = ID, the card's pseudonym, which the
// card names itself by in its records; never the holder's identity),
// the trust anchors, the issuer's
// coin key, the revocation list, the agents' certificates, the offline
// limits and the time of this online sync (Unix seconds).
type Personalization = device.Material

// StartPayeeParams open a payee session.
type StartPayeeParams struct {
	Payer  string `json:"payer"`
	Amount int64  `json:"amount"`
}

// DeliverParams hand the card one message, an APDU: its Type names the
// step (INITIATE, TRANSFER, CONFIRM, DONE, REFUSE), its Payload is the
// command or response APDU.
type DeliverParams struct {
	Message device.Message `json:"message"`
}

// WireState is CardState on the wire: holdings are DER, keyed by the
// card's own coin keys.
type WireState = device.State[WireLog]

// WireLog is a LogEntry on the wire.
type WireLog = device.Log

// CreditParams are Device.Credit's arguments.
type CreditParams struct {
	Holdings     []models.Hex `json:"holdings"`
	Certificates []models.Hex `json:"certificates"`
	Settled      []string     `json:"settled"`
}

// ResetParams are Device.Reset's arguments.
type ResetParams struct {
	Sync int64      `json:"sync"`
	CRL  models.Hex `json:"crl"`
}

// CoinCertParams carry the certificate of the per-coin pseudonym whose
// key the last chip.coin-keygen generated (Device.Pseudonym).
type CoinCertParams struct {
	Certificate models.Hex `json:"certificate"`
}

// attach personalises an external card: it generates its key, the central
// bank certifies it, the agent loads the rest.
func (in *Instance) attach(id world.PartyID, cfg models.Config) error {
	r, pub, err := externalDevice.Attach(in.w, id, cfg.Dial, in.Links, cfg.Suite)
	if err != nil {
		return err
	}
	rc := newRemoteCard(r, cfg.Suite)
	made, err := in.manufacture(id, pub)
	if err != nil {
		return err
	}
	cert, err := in.certify(id, pub, made)
	if err != nil {
		return err
	}
	if err := rc.Call(OpPersonalize, kit.Materials(in.cb, cert.ID, cert, cfg.Limits, in.w.Now()), nil); err != nil {
		return err
	}
	in.w.Trace().Note(id, "personalised by %s for its holder", AgentID)
	in.Add(id, rc, cert.ID)
	return nil
}

// remoteCard is an external card: every Device operation is one Link call.
type remoteCard struct {
	device.RemoteHolder
	suite suite.Suite // parses the public keys the card generates
}

// newRemoteCard is the Device of the external card behind r; s parses
// the public keys it generates.
func newRemoteCard(r device.Remote, s suite.Suite) *remoteCard {
	return &remoteCard{device.RemoteHolder{Remote: r, Ops: depositOps}, s}
}

var _ Device = (*remoteCard)(nil)

func (rc *remoteCard) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	return rc.Open(OpStartPayee, StartPayeeParams{Payer: string(payer), Amount: amount}, payer)
}

func (rc *remoteCard) deliver(op string, m world.Message) ([]world.Message, error) {
	return rc.Deliver(op, DeliverParams{Message: device.ToWire(m)}, m.From)
}

func (rc *remoteCard) Payer(m world.Message) ([]world.Message, error) { return rc.deliver(OpPayer, m) }
func (rc *remoteCard) Payee(m world.Message) ([]world.Message, error) { return rc.deliver(OpPayee, m) }

func (rc *remoteCard) EndSession() (bool, error) { return rc.CloseSession(OpEndSession) }

func (rc *remoteCard) State() (*CardState, error) {
	var w WireState
	s, err := kit.ReadState(&rc.Remote, OpState, &w, &w, kit.LogFromWire)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (rc *remoteCard) Credit(hs []*transfer.Holding, certs [][]byte, settled []string) error {
	p := CreditParams{Certificates: models.HexList(certs), Settled: settled}
	for _, h := range hs {
		p.Holdings = append(p.Holdings, h.Marshal())
	}
	return rc.Call(OpCredit, p, nil)
}

func (rc *remoteCard) Reset(sync int64, crl []byte) error {
	return rc.Call(OpReset, ResetParams{Sync: sync, CRL: crl}, nil)
}

func (rc *remoteCard) Pseudonym(certify func(suite.PublicKey) (*devcert.Certificate, error)) (*devcert.Certificate, error) {
	var r device.KeygenResult
	if err := rc.Call(OpCoinKeygen, struct{}{}, &r); err != nil {
		return nil, err
	}
	pub, err := rc.suite.ParsePublicKey(r.PublicKey)
	if err != nil {
		return nil, err
	}
	cert, err := certify(pub)
	if err != nil {
		return nil, err
	}
	return cert, rc.Call(OpCoinCert, CoinCertParams{Certificate: cert.Raw}, nil)
}
