package chain

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Inject hands raw bytes to a device as if a peer had sent them, outside
// any fault plan: for fuzzing and for negative tests of the decoders
// behind the protocol.
//
//   - to a master node: the bytes are a block arriving by gossip;
//   - to a wallet with asPayee true: the wallet first opens a payment
//     request for amount (as the payee at the till) and the bytes are the
//     QR payload it scans;
//   - to a wallet with asPayee false: the bytes are an agreement keyed into
//     the payer's wallet.
//
// It returns the device's refusal, if any. A refusal is a typed error and
// leaves the device's persistent state unchanged.
func (in *Instance) Inject(to world.PartyID, asPayee bool, amount int64, payload []byte) error {
	if nd := in.bb.byID[string(to)]; nd != nil {
		return nd.receive(payload)
	}
	open := func(wl *wallet, amount int64) error { _, err := wl.StartPayee(amount); return err }
	end := func(wl *wallet, asPayee bool) {
		if asPayee {
			_, _ = wl.EndSession()
		}
	}
	return kit.InjectWith(&in.Table, to, asPayee, amount, payload, open, end)
}

// InjectUpload hands raw bytes to a master node as a wallet's upload (a
// transaction). A refusal is a typed error and changes nothing.
func (in *Instance) InjectUpload(to world.PartyID, payload []byte) error {
	nd := in.bb.byID[string(to)]
	if nd == nil {
		return spec.Errorf(spec.CodeMalformed, "no master node %q", to)
	}
	t, err := ParseTx(payload)
	if err != nil {
		return err
	}
	return nd.submit(t)
}
