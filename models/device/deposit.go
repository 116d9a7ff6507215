package device

import "encoding/json"

// SignDepositParams are the arguments of a wallet's SignDeposit (the
// schemes whose coins are transfer holdings: chip, cert).
type SignDepositParams struct {
	Agent string   `json:"agent"`
	Coins []string `json:"coins"`
}

// FinishDepositParams are the arguments of a wallet's FinishDeposit.
type FinishDepositParams struct {
	Key      string `json:"key"`
	Accepted bool   `json:"accepted"`
}

// Depositor is the deposit half of such a wallet.
type Depositor interface {
	// SignDeposit signs a deposit record to agent for each named coin and
	// moves the coins into one pending deposit.
	SignDeposit(agent string, coins []string) error
	// FinishDeposit removes a pending deposit the bank answered: credited
	// (accepted) or refused, in which case its coins come back.
	FinishDeposit(key string, accepted bool) error
}

// DepositOps names a scheme's two deposit operations (SignDepositParams
// → {}, FinishDepositParams → {}).
type DepositOps struct{ Sign, Finish string }

// Handle answers op with d when op is one of the two (ok true): the
// result {} or the refusal. Any other op is not answered (ok false).
func (o DepositOps) Handle(d Depositor, op string, params json.RawMessage) (result any, ok bool, err error) {
	switch op {
	case o.Sign:
		var p SignDepositParams
		if err := Decode(op, params, &p); err != nil {
			return nil, true, err
		}
		return struct{}{}, true, d.SignDeposit(p.Agent, p.Coins)
	case o.Finish:
		var p FinishDepositParams
		if err := Decode(op, params, &p); err != nil {
			return nil, true, err
		}
		return struct{}{}, true, d.FinishDeposit(p.Key, p.Accepted)
	}
	return nil, false, nil
}

// Holder answers what a Host whose device holds transfer coins (cert,
// chip) answers before the device's own operations, alike for every such
// Host: the two setup operations (Setup: keygenOp answered by keygen,
// loadOp by load, which a loaded device refuses), then a refusal of any
// other operation while the device is not loaded (d is the zero D),
// spec.CodeMalformed in st's words, then the deposit operations o on d.
// Any other op on a loaded device is not answered (ok false): it is the
// device's own.
func Holder[K, P any, D interface {
	comparable
	Depositor
}](op string, params json.RawMessage, keygenOp string, keygen func(K) (any, error), loadOp string, load func(P) error, st Stage, o DepositOps, d D) (result any, ok bool, err error) {
	var none D
	if r, ok, err := Setup(op, params, keygenOp, keygen, loadOp, loadOnce(st, d != none, load)); ok {
		return r, ok, err
	}
	if d == none {
		return nil, true, st.unloaded(op)
	}
	return o.Handle(d, op, params)
}

// RemoteHolder is an external wallet whose coins are transfer holdings
// (cert, chip), reached through Remote, whose deposit operations are Ops:
// it is the Depositor half of the scheme's remote device, which embeds it,
// each method one call of Ops.
type RemoteHolder struct {
	Remote
	Ops DepositOps
}

var _ Depositor = (*RemoteHolder)(nil)

// SignDeposit calls Ops.Sign.
func (r *RemoteHolder) SignDeposit(agent string, coins []string) error {
	return r.Call(r.Ops.Sign, SignDepositParams{Agent: agent, Coins: coins}, nil)
}

// FinishDeposit calls Ops.Finish.
func (r *RemoteHolder) FinishDeposit(key string, accepted bool) error {
	return r.Call(r.Ops.Finish, FinishDepositParams{Key: key, Accepted: accepted}, nil)
}
