package device_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
)

// servedHost is a scheme's reference device as a process serves it
// (device.Server), with the keygen params it takes and an operation it
// answers only once made.
type servedHost struct {
	name    string
	open    func(map[string][]byte) (device.Host, error)
	keygen  string
	params  string // valid keygen params, for {"extra":…} to be added to
	stateOp string
}

// servedHosts are the reference devices of every scheme that serves one,
// found through the capability (device.Server), not by name. A keygen
// whose params have a variant member is given the scheme's name, as the
// harness gives it (cert.KeygenParams).
func servedHosts(t *testing.T) []servedHost {
	t.Helper()
	var out []servedHost
	for _, sc := range all.Schemes() {
		srv, ok := sc.(device.Server)
		if !ok {
			continue
		}
		d := srv.ServedDevice()
		if (d.Open == nil) != (len(d.Ops) == 0) {
			t.Fatalf("%s: a served device with %d operations and Open set: %v; want both or neither (device.Served)", sc.Info().Name, len(d.Ops), d.Open != nil)
		}
		if d.Open == nil {
			continue // no external device plays this scheme's wallet
		}
		c := servedHost{name: sc.Info().Name, params: `"party":"x","suite":"GM","seed":"00"`}
		open := d.Open
		c.open = func(s map[string][]byte) (device.Host, error) { return open(s, "") }
		for _, op := range d.Ops {
			switch {
			case strings.HasSuffix(op.Name, ".keygen"):
				c.keygen = op.Name
				if f, ok := reflect.TypeOf(op.Params).FieldByName("Variant"); ok && f.Tag.Get("json") == "variant" {
					c.params += fmt.Sprintf(`,"variant":%q`, c.name)
				}
			case strings.HasSuffix(op.Name, ".state"):
				c.stateOp = op.Name
			}
		}
		if c.keygen == "" || c.stateOp == "" {
			t.Fatalf("%s: the served device has no keygen or no state operation (%v)", c.name, device.OpNames(d.Ops))
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatal("no scheme serves a device")
	}
	return out
}

// Every host keeps the kit's contract: strict params, a refusal changes
// nothing, one key, the start counter, Dirty after a write only.
func TestHostsKeepTheKitContract(t *testing.T) {
	for _, c := range servedHosts(t) {
		t.Run(c.name, func(t *testing.T) {
			h, err := c.open(nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{`{` + c.params + `,"extra":1}`, `{` + c.params + `} {}`, `{"party":"x","suite":"nope","seed":"00"}`} {
				if _, err := h.Handle(c.keygen, json.RawMessage(p)); spec.CodeOf(err) != spec.CodeMalformed {
					t.Errorf("keygen %s: %v, want malformed", p, err)
				}
			}
			if len(h.Store()) != 0 || h.Dirty() {
				t.Errorf("a refused keygen changed the store: %v", h.Store())
			}
			if _, err := h.Handle(c.stateOp, json.RawMessage(`{}`)); err == nil {
				t.Error("state of a device not made was answered")
			}
			r, err := h.Handle(c.keygen, json.RawMessage(`{`+c.params+`}`))
			if err != nil {
				t.Fatal(err)
			}
			if kr, ok := r.(device.KeygenResult); !ok || len(kr.PublicKey) == 0 {
				t.Fatalf("keygen answered %#v", r)
			}
			if !h.Dirty() || h.Dirty() {
				t.Error("Dirty does not report the keygen's write exactly once")
			}
			st := h.Store()
			for _, k := range []string{device.StoreSuite, device.StoreSeed} {
				if _, ok := st[k]; !ok {
					t.Errorf("no %s in the store after keygen", k)
				}
			}
			if _, err := h.Handle(c.keygen, json.RawMessage(`{`+c.params+`}`)); spec.CodeOf(err) != spec.CodeMalformed {
				t.Errorf("a second keygen: %v, want malformed", err)
			}
			if !maps.EqualFunc(st, h.Store(), func(a, b []byte) bool { return string(a) == string(b) }) {
				t.Error("a refused second keygen changed the store")
			}
		})
	}
}

// The shared wire types keep the member names of PROTOCOL.md §7.
func TestWireMemberNames(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{device.KeygenParams{Party: "p", Suite: "GM", Seed: models.Hex{1}}, `{"party":"p","suite":"GM","seed":"01"}`},
		{device.KeygenResult{PublicKey: models.Hex{2}}, `{"publicKey":"02"}`},
		{device.Limits{PerPayment: 1, Cumulative: 2, Count: 3}, `{"perPayment":1,"cumulative":2,"count":3}`},
		{device.MessageResult{Message: device.Message{From: "a", To: "b", Type: "T", Payload: models.Hex{3}}}, `{"message":{"from":"a","to":"b","type":"T","payload":"03"}}`},
		{device.DeliverResult{Messages: []device.Message{}}, `{"messages":[]}`},
		{device.DeliverResult{Messages: []device.Message{}, Refused: &device.Error{Code: "malformed", Message: "m"}}, `{"messages":[],"refused":{"code":"malformed","message":"m"}}`},
		{device.Error{Code: "malformed"}, `{"code":"malformed"}`},
		{device.EndSessionResult{Received: true}, `{"received":true}`},
		{device.AmountParams{Amount: 7}, `{"amount":7}`},
		{device.DeliverAtParams{Message: device.Message{Type: "T", Payload: models.Hex{8}}, Now: 9}, `{"message":{"from":"","to":"","type":"T","payload":"08"},"now":9}`},
		{device.Coin{Key: "k", Holding: models.Hex{4}}, `{"key":"k","holding":"04"}`},
		{device.Deposit{Key: "k", Holdings: []models.Hex{{5}}, Records: []models.Hex{{6}}}, `{"key":"k","holdings":["05"],"records":["06"]}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%T: %s, want %s", c.v, b, c.want)
		}
	}
}

// A refusal code the device invents is the device breaking the protocol;
// a vendor name the Link maps is a refusal.
func TestRefused(t *testing.T) {
	r := &device.Remote{Link: canon{}, Party: "wallet-A"}
	if err := r.Refused(nil); err != nil {
		t.Errorf("no refusal: %v", err)
	}
	if err := r.Refused(&device.Error{Code: "bad-signature", Message: "m"}); spec.CodeOf(err) != spec.CodeBadSignature {
		t.Errorf("canonical code: %v", err)
	}
	if err := r.Refused(&device.Error{Code: "EXV_SIG"}); spec.CodeOf(err) != spec.CodeBadSignature {
		t.Errorf("mapped vendor name: %v", err)
	}
	if err := r.Refused(&device.Error{Code: "NO_SUCH"}); !errors.Is(err, models.ErrBroken) {
		t.Errorf("unknown code: %v, want a broken device", err)
	}
}

type canon struct{ models.Link }

func (canon) Canonical(name string) (spec.Code, bool) {
	return spec.CodeBadSignature, name == "EXV_SIG"
}
