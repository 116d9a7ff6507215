package kit

import (
	"bytes"
	"encoding/json"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// PendingDeposits reads the pending deposits the element stores under
// keys (PrefDep entries), in that order, as a State lists them. An entry
// that does not decode is a CodeInternal error.
//
// An entry decoded before is decoded again only if its bytes in the store
// changed (world.Device.Holds): a state is read after every operation and
// the entries rarely change. The caller gets its own copy.
func (c *Core) PendingDeposits(keys []string) ([]DepositEntry, error) {
	var out []DepositEntry
	next := make(map[string]pendingDecoded, len(keys))
	for _, k := range keys {
		d, ok := c.pending[k]
		if !ok || !c.Dev.Holds(k, d.raw) {
			raw, _ := c.Dev.Get(k)
			var e PendingStore
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, spec.Errorf(spec.CodeInternal, "pending deposit %s: %v", k, err)
			}
			d = pendingDecoded{raw: raw, e: e}
		}
		next[k] = d
		out = append(out, DepositEntry{Key: k, Holdings: cloneAll(d.e.Holdings), Records: cloneAll(d.e.Records)})
	}
	c.pending = next
	return out, nil
}

// pendingDecoded is a pending deposit entry as stored and as decoded.
type pendingDecoded struct {
	raw []byte
	e   PendingStore
}

// cloneAll copies every slice of bs (nil stays nil).
func cloneAll(bs [][]byte) [][]byte {
	if bs == nil {
		return nil
	}
	out := make([][]byte, len(bs))
	for i, b := range bs {
		out[i] = bytes.Clone(b)
	}
	return out
}

// WireDeposits is ds on the wire (a state's deposits), never nil.
func WireDeposits(ds []DepositEntry) []device.Deposit {
	out := []device.Deposit{}
	for _, e := range ds {
		out = append(out, device.Deposit{Key: e.Key, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records)})
	}
	return out
}

// DepositsOf reads a state's deposits off the wire (WireDeposits undone).
func DepositsOf(ws []device.Deposit) []DepositEntry {
	var out []DepositEntry
	for _, e := range ws {
		out = append(out, DepositEntry{Key: e.Key, Holdings: models.Bytes(e.Holdings), Records: models.Bytes(e.Records)})
	}
	return out
}

// WireLog is the log entry e on the wire: holdings, records and the
// refusal DER in hex.
func WireLog(e LogEntry) device.Log {
	return device.Log{Key: e.Key, Payee: e.Payee, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records), Acked: e.Acked, Refusal: e.Refusal}
}

// LogFromWire reads a log entry off the wire (WireLog undone).
func LogFromWire(w device.Log) LogEntry {
	return LogEntry{Key: w.Key, Payee: w.Payee, Holdings: models.Bytes(w.Holdings), Records: models.Bytes(w.Records), Acked: w.Acked, Refusal: w.Refusal}
}

// WireStateOf is st on the wire, each log entry through log; the lists
// are never nil.
func WireStateOf[L Entry, W any](st *State[L], log func(L) W) device.State[W] {
	w := device.State[W]{ID: st.ID, Spent: st.Spent, Payments: st.Payments, Coins: device.Coins(st.Coins), Log: []W{}, Deposits: WireDeposits(st.Deposits)}
	for _, e := range st.Log {
		w.Log = append(w.Log, log(e))
	}
	return w
}

// StateFromWire reads a state off the wire (WireStateOf undone): coins
// are w's coins, already parsed; each log entry comes through log.
func StateFromWire[L Entry, W any](w device.State[W], coins map[string]*transfer.Holding, log func(W) L) State[L] {
	s := State[L]{ID: w.ID, Spent: w.Spent, Payments: w.Payments, Coins: coins, Deposits: DepositsOf(w.Deposits)}
	for _, e := range w.Log {
		s.Log = append(s.Log, log(e))
	}
	return s
}
