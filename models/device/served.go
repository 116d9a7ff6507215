package device

import "encoding/json"

// Host is a model's reference device as a process serves it (the wallet
// side of the adapter protocol, PROTOCOL.md §7): it performs one
// operation, refusing with a *spec.Error; Store is a copy of what it
// must keep across a power cut; Dirty reports whether the store changed
// since the last call.
type Host interface {
	Handle(op string, params json.RawMessage) (any, error)
	Store() map[string][]byte
	Dirty() bool
}

// Served says which reference device, if any, plays a scheme's wallet
// outside the harness.
type Served struct {
	// Device is the device's name: the prefix of its operations
	// ("<device>.<op>") and its entry in a hello's devices list. Variants
	// of one scheme may share a device.
	Device string
	// Open opens the device on its stored state (nil: a new device), with
	// the named mutation of the scheme's catalogue switched on ("": none).
	// Nil when no external device plays the scheme's wallet.
	Open func(store map[string][]byte, mutation string) (Host, error)
	// Ops are the device's operations with their wire types (PROTOCOL.md
	// §7.2), from which conformance/adapter generates devices.schema.json.
	// Nil when Open is nil.
	Ops []Op
}

// Op is one operation of a served device: its name ("<device>.<op>")
// and the zero values of the wire types the harness sends as its params
// and reads as its result (None for {}).
type Op struct {
	Name           string
	Params, Result any
}

// None is the params or result {} of an operation.
type None struct{}

// OpNames returns the names of ops, in order.
func OpNames(ops []Op) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = op.Name
	}
	return out
}

// Server is implemented by a scheme (a models.Scheme) whose wallet a
// process can serve: examples/vendor opens its device, and the harness
// asks an implementation for it under Served.Device.
type Server interface {
	ServedDevice() Served
}

// OpenWith adapts a model's NewHost to Served.Open; a failed open is a
// nil Host, not a Host holding a nil pointer.
func OpenWith[H Host](open func(store map[string][]byte, mutation string) (H, error)) func(store map[string][]byte, mutation string) (Host, error) {
	return func(store map[string][]byte, mutation string) (Host, error) {
		h, err := open(store, mutation)
		if err != nil {
			return nil, err
		}
		return h, nil
	}
}

// WalletOf returns the device an external implementation declares (its
// hello's devices list) to play scheme's wallet: Served.Device of a
// Server whose device opens; "" when no external wallet plays it.
func WalletOf(scheme any) string {
	s, ok := scheme.(Server)
	if !ok {
		return ""
	}
	if d := s.ServedDevice(); d.Open != nil {
		return d.Device
	}
	return ""
}
