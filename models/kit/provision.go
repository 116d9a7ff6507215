package kit

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Banks sets up the banks of a scheme whose wallets draw on one agent
// bank (cert, chip): the central bank under cfg's suite, with mutation
// switched into it when bankSide (the mutant is the banks'), and the
// agent bank agent, whose reserve is four opening balances a wallet.
func Banks(w *world.World, cfg models.Config, agent, mutation string, bankSide bool) (*bank.CentralBank, *bank.Agent, error) {
	cb, err := bank.NewCentralBank(w, cfg.Suite)
	if err != nil {
		return nil, nil, err
	}
	if bankSide {
		cb.SetMutation(mutation)
	}
	a, err := cb.AddAgent(agent, int64(cfg.Wallets)*cfg.Opening*4)
	if err != nil {
		return nil, nil, err
	}
	return cb, a, nil
}

// NewPhone makes the device of wallet id, a phone (it has a clock), in w,
// generates the wallet's key on it from w's randomness under label, and
// has cb certify the key as a wallet's, under id.
func NewPhone(w *world.World, cb *bank.CentralBank, s suite.Suite, id world.PartyID, label string) (*world.Device, suite.PrivateKey, *devcert.Certificate, error) {
	dev := w.AddDevice(id, true)
	key, err := s.GenerateKey(w.Rand(label))
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := cb.Certify(string(id), devcert.RoleWallet, key.Public())
	if err != nil {
		return nil, nil, nil, err
	}
	return dev, key, cert, nil
}

// Materials is what cb's agent bank loads into the new element named id
// (certified by cert) besides its key: the central bank's trust anchors,
// coin key and revocation list, every agent's certificate, limits, and
// now as the time of this sync. An external element receives it on the
// wire; the model's own is loaded with it by Provision.
func Materials(cb *bank.CentralBank, id string, cert *devcert.Certificate, limits bank.Limits, now time.Time) device.Material {
	m := device.Material{ID: id, Certificate: cert.Raw, Root: cb.Root().Raw, IssuerKey: cb.CoinKey().SPKI(),
		CRL: cb.CRL().Raw, Limits: device.LimitsOf(limits), Sync: now.Unix()}
	for _, a := range cb.Agents() {
		m.Agents = append(m.Agents, a.Cert.Raw)
	}
	return m
}

// MaterialOf is m in the shared store layout (Material.Puts).
func MaterialOf(m device.Material) Material {
	return Material{ID: m.ID, Cert: m.Certificate, Root: m.Root, CoinKey: m.IssuerKey, CRL: m.CRL,
		Agents: models.Bytes(m.Agents), Limits: m.Limits.Bank()}
}

// Provision loads the model's own new element on dev in one write: key,
// m (Materials of cb) in the shared layout with every agent's certificate
// under the agent's id, and extra, the scheme's own keys.
func Provision(dev *world.Device, cb *bank.CentralBank, key suite.PrivateKey, m device.Material, extra map[string][]byte) {
	puts := map[string][]byte{
		KeyID:      []byte(m.ID),
		KeyPriv:    key.Bytes(),
		KeyCert:    m.Certificate,
		KeyRoot:    m.Root,
		KeyCoinKey: m.IssuerKey,
		KeyCRL:     m.CRL,
		KeyLimits:  MustJSON(m.Limits.Bank()),
	}
	for _, a := range cb.Agents() {
		puts[PrefAgent+a.ID] = a.Cert.Raw
	}
	for k, v := range extra {
		puts[k] = v
	}
	dev.Commit(puts, nil)
}
