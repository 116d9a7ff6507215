package kit

import "github.com/dualoffline/dualoffline/models/device"

// ReadState reads out the external element behind r: it performs op,
// which takes no params, decoding the answer into w (a pointer), and
// converts s, the device.State inside the answer (w itself when the
// answer is one), back to a State (StateFromWire): its coins parsed by
// r (Remote.Coins: a coin that does not parse, or a key reported twice,
// is the element breaking the protocol), each log entry through log.
func ReadState[L Entry, W any](r *device.Remote, op string, w any, s *device.State[W], log func(W) L) (State[L], error) {
	if err := r.Call(op, struct{}{}, w); err != nil {
		return State[L]{}, err
	}
	coins, err := r.Coins(s.Coins)
	if err != nil {
		return State[L]{}, err
	}
	return StateFromWire(*s, coins, log), nil
}
