package device_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
)

// depositor records the deposit calls it gets.
type depositor struct{ calls []string }

func (d *depositor) SignDeposit(agent string, coins []string) error {
	d.calls = append(d.calls, "sign "+agent+" "+strings.Join(coins, ","))
	return nil
}

func (d *depositor) FinishDeposit(key string, accepted bool) error {
	d.calls = append(d.calls, "finish "+key)
	return nil
}

// Holder answers the setup operations whether or not the device is
// loaded, refuses every other operation of a device not loaded (deposits
// included) as malformed with its own words, hands the deposit operations
// of a loaded device to it, and leaves the device's own operations to the
// caller.
func TestHolder(t *testing.T) {
	ops := device.DepositOps{Sign: "x.sign-deposit", Finish: "x.finish-deposit"}
	var keygens, loads int
	keygen := func(device.KeygenParams) (any, error) { keygens++; return device.KeygenResult{}, nil }
	load := func(struct{}) error { loads++; return nil }
	handle := func(op, params string, d *depositor) (any, bool, error) {
		return device.Holder(op, json.RawMessage(params), "x.keygen", keygen, "x.load", load, device.Stage{Noun: "card", Loaded: "personalised"}, ops, d)
	}
	var unloaded *depositor
	if _, ok, err := handle("x.keygen", `{"party":"x","suite":"GM","seed":"00"}`, unloaded); !ok || err != nil || keygens != 1 {
		t.Errorf("keygen before loading: ok %v, %v, %d keygens", ok, err, keygens)
	}
	if _, ok, err := handle("x.load", `{}`, unloaded); !ok || err != nil || loads != 1 {
		t.Errorf("load: ok %v, %v, %d loads", ok, err, loads)
	}
	for _, op := range []string{"x.state", ops.Sign} {
		_, ok, err := handle(op, `{"agent":"a","coins":["c"]}`, unloaded)
		if !ok || spec.CodeOf(err) != spec.CodeMalformed || !strings.Contains(err.Error(), op+": the card is not personalised") {
			t.Errorf("%s before loading: ok %v, %v, want refused as not personalised", op, ok, err)
		}
	}
	d := &depositor{}
	if r, ok, err := handle(ops.Sign, `{"agent":"a","coins":["c1","c2"]}`, d); !ok || err != nil || r != (struct{}{}) {
		t.Errorf("sign-deposit: %v ok %v, %v", r, ok, err)
	}
	if _, ok, err := handle(ops.Finish, `{"key":"k","accepted":true}`, d); !ok || err != nil {
		t.Errorf("finish-deposit: ok %v, %v", ok, err)
	}
	if _, ok, err := handle(ops.Sign, `{"agent":"a","extra":1}`, d); !ok || spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("sign-deposit with an unknown member: ok %v, %v, want malformed", ok, err)
	}
	if d := cmp.Diff([]string{"sign a c1,c2", "finish k"}, d.calls); d != "" {
		t.Errorf("deposit calls (-want +got):\n%s", d)
	}
	if _, ok, err := handle("x.state", `{}`, d); ok || err != nil {
		t.Errorf("the device's own operation: ok %v, %v, want it left to the caller", ok, err)
	}
	if _, ok, err := handle("x.load", `{}`, d); !ok || spec.CodeOf(err) != spec.CodeMalformed || err.Error() != "malformed: the card is already personalised" || loads != 1 {
		t.Errorf("load of a loaded device: ok %v, %v, %d loads; want refused as already personalised, unloaded", ok, err, loads)
	}
}
