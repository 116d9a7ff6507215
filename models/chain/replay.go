package chain

import (
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee wallet fed recorded payment QR codes: the session and qr
// kinds' reference decisions are the model's payee endpoint itself
// (wallet.Payee, payeeEndpoint and receive), not a copy of it.

// PayeeProvision is what a fresh payee wallet is provisioned with: the
// material of the chain.provision operation (remote.go), with the key
// given instead of generated.
type PayeeProvision struct {
	Suite    suite.Suite
	ID       string // the certificate id, ASCII
	Key      []byte // the private key, suite.PrivateKey.Bytes()
	Cert     []byte // the wallet's certificate, DER
	Root     []byte // the root certificate, DER
	CRL      []byte // the revocation list, DER, signed by the root
	ChainKey []byte // the chain's public key, SPKI DER
	At       time.Time
}

// ReplayPayee provisions a fresh payee wallet behind a Host (the store a
// keygen would have written, holding p.Key, then the chain.provision
// operation: no coins, an empty blacklist, the default limits, its clock
// at p.At), opens one payee session for amount fen (chain.start-payee)
// under nonce, the nonce of the agreement its till showed, and hands each
// of qrs (the QR codes addressed to the payee, in order) to the payee
// endpoint (chain.payee), stopping at the first it refuses. It returns
// the value the wallet holds at the end, spendable coins plus the
// payments it stored with a counter-signed receipt (value received
// offline, spendable once final), and that refusal. A provisioning the
// wallet refuses is returned as the error, holding nothing.
func ReplayPayee(p PayeeProvision, nonce []byte, amount int64, qrs [][]byte) (held int64, err error) {
	if len(nonce) != NonceSize {
		return 0, spec.Errorf(spec.CodeMalformed, "nonce of %d bytes", len(nonce))
	}
	if p.Suite == nil {
		return 0, spec.Errorf(spec.CodeMalformed, "no suite")
	}
	if _, err := suite.PrivateKeyFromBytes(p.Suite, p.Key); err != nil {
		return 0, err
	}
	h, err := NewHost(map[string][]byte{
		keyPriv:           p.Key,
		device.StoreSuite: []byte(p.Suite.ID()),
		device.StoreSeed:  []byte("chain/replay-payee/" + p.ID),
	}, "")
	if err != nil {
		return 0, err
	}
	if _, err := h.Handle(OpProvision, mustJSON(Provisioning{
		ID: p.ID, Certificate: p.Cert, Root: p.Root, ChainKey: p.ChainKey, CRL: p.CRL,
		Limits: device.LimitsOf(bank.DefaultLimits),
		Sync:   p.At.Unix(), Confirmations: DefaultConfirmations,
	})); err != nil {
		return 0, err
	}
	if _, err := h.Handle(OpStartPayee, mustJSON(device.AmountParams{Amount: amount})); err != nil {
		return 0, err
	}
	// The nonce is the wallet's own draw; the recorded one replaces it.
	copy(h.wl.req.nonce[:], nonce)
	for _, qr := range qrs {
		res, err := h.Handle(OpPayee, mustJSON(device.DeliverAtParams{
			Message: device.Message{From: "payer", Type: MsgQR, Payload: qr},
			Now:     p.At.Unix(),
		}))
		if err != nil {
			return heldBy(h.wl), err
		}
		if r := res.(device.DeliverResult).Refused; r != nil {
			return heldBy(h.wl), spec.Errorf(spec.Code(r.Code), "%s", r.Message)
		}
	}
	return heldBy(h.wl), nil
}

// Agreement is the agreement a payee wallet's till shows for a request
// of amount fen under nonce (MsgAgree, what StartPayee returns): the
// amount, the payee's address, the nonce and the check code. The vectors
// record it as the transcript's first message.
func Agreement(s suite.Suite, amount int64, payee Address, nonce [NonceSize]byte) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(amount))
	b = append(b, payee[:]...)
	b = append(b, nonce[:]...)
	return append(b, agreeCheck(s, b)...)
}

// heldBy is the value a wallet holds: spendable coins and payments
// received offline.
func heldBy(wl *wallet) int64 {
	st, err := wl.State()
	if err != nil {
		return 0
	}
	v := st.Balance()
	for _, e := range st.Inbox {
		if p, err := ParsePayment(e.Payment); err == nil {
			v += p.Amount
		}
	}
	return v
}

// ScanRequest is a payee wallet's open request as far as deciding one
// scanned payment needs: the wallet's address, its trust anchors and its
// clock, and the amount and nonce of the agreement its till showed.
type ScanRequest struct {
	Suite  suite.Suite
	Payee  Address // the payee wallet's address
	Root   []byte  // the root certificate, DER
	CRL    []byte  // the root's revocation list, DER; nil: none
	Amount int64
	Nonce  [NonceSize]byte
	At     time.Time // the payee's clock
}

// Scan hands qr, scanned, to the payee endpoint of a fresh wallet with
// the request r open and nothing received, and returns its refusal (nil:
// it stored the payment). Only the address of the wallet is known, not
// its key: a stand-in key signs the receipt the wallet stores once it
// has accepted the payment, so the decision is the endpoint's own, every
// check up to the store of payments already received, which is empty.
func Scan(r ScanRequest, qr []byte) error {
	if r.Suite == nil {
		return spec.Errorf(spec.CodeMalformed, "no suite")
	}
	root, err := devcert.Parse(r.Suite, r.Root)
	if err != nil {
		return err
	}
	var crl *devcert.RevocationList
	if r.CRL != nil {
		if crl, err = devcert.ParseRevocationList(r.CRL, root); err != nil {
			return err
		}
	}
	key, err := standInKey(r.Suite)
	if err != nil {
		return err
	}
	w := world.New(0)
	at := r.At
	wl := &wallet{
		s: r.Suite, w: w, dev: w.AddDevice("payee", true), k: DefaultConfirmations, clock: func() time.Time { return at },
		id: "payee", key: key, root: root, crl: crl, addr: r.Payee,
		blacklist: map[Address]bool{}, coins: map[string]*walletCoin{}, out: map[string]*outEntry{}, inbox: map[string]*inEntry{},
		req: &request{amount: r.Amount, nonce: r.Nonce},
	}
	_, err = wl.Payee(world.Message{From: "payer", To: wl.dev.ID(), Type: MsgQR, Payload: qr})
	return err
}

// standIn holds one stand-in receipt key per suite.
var standIn sync.Map // suite.ID → suite.PrivateKey

func standInKey(s suite.Suite) (suite.PrivateKey, error) {
	if k, ok := standIn.Load(s.ID()); ok {
		return k.(suite.PrivateKey), nil
	}
	k, err := s.GenerateKey(detrand.New(0, "chain/scan/receipt-key/"+string(s.ID())))
	if err != nil {
		return nil, fmt.Errorf("chain: stand-in key: %w", err)
	}
	standIn.Store(s.ID(), k)
	return k, nil
}
