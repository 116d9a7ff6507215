package device_test

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/pseudocoin"
	"github.com/dualoffline/dualoffline/spec"
)

// host is what every model's Host is.
type host interface {
	loopback.Host
	Dirty() bool
}

// hosts are the models' reference devices, each with the keygen params
// it takes and an operation it answers only once made.
var hosts = []struct {
	name    string
	open    func(map[string][]byte) (host, error)
	keygen  string
	params  string // valid keygen params, for {"extra":…} to be added to
	stateOp string
}{
	{"chip", func(s map[string][]byte) (host, error) { return chip.NewHost(s, "") }, chip.OpKeygen, `"party":"x","suite":"GM","seed":"00"`, chip.OpState},
	{"cert", func(s map[string][]byte) (host, error) { return cert.NewHost(s, "") }, cert.OpKeygen, `"party":"x","suite":"GM","variant":"cert","seed":"00"`, cert.OpState},
	{"chain", func(s map[string][]byte) (host, error) { return chain.NewHost(s, "") }, chain.OpKeygen, `"party":"x","suite":"GM","seed":"00"`, chain.OpState},
	{"pseudocoin", func(s map[string][]byte) (host, error) { return pseudocoin.NewHost(s, "") }, pseudocoin.OpKeygen, `"party":"x","suite":"GM","seed":"00"`, pseudocoin.OpState},
}

// Every host keeps the kit's contract: strict params, a refusal changes
// nothing, one key, the start counter, Dirty after a write only.
func TestHostsKeepTheKitContract(t *testing.T) {
	for _, c := range hosts {
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
		{cert.KeygenParams{KeygenParams: device.KeygenParams{Party: "p", Suite: "GM", Seed: models.Hex{1}}, Variant: "cert"}, `{"party":"p","suite":"GM","seed":"01","variant":"cert"}`},
		{device.KeygenResult{PublicKey: models.Hex{2}}, `{"publicKey":"02"}`},
		{device.Limits{PerPayment: 1, Cumulative: 2, Count: 3}, `{"perPayment":1,"cumulative":2,"count":3}`},
		{device.MessageResult{Message: device.Message{From: "a", To: "b", Type: "T", Payload: models.Hex{3}}}, `{"message":{"from":"a","to":"b","type":"T","payload":"03"}}`},
		{device.DeliverResult{Messages: []device.Message{}}, `{"messages":[]}`},
		{device.DeliverResult{Messages: []device.Message{}, Refused: &device.Error{Code: "malformed", Message: "m"}}, `{"messages":[],"refused":{"code":"malformed","message":"m"}}`},
		{device.Error{Code: "malformed"}, `{"code":"malformed"}`},
		{device.EndSessionResult{Received: true}, `{"received":true}`},
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
	// cert's keygen params decode strictly, variant included.
	var p cert.KeygenParams
	if err := device.Decode("cert.keygen", json.RawMessage(`{"party":"p","suite":"GM","variant":"cert","seed":"01"}`), &p); err != nil || p.Variant != "cert" || p.Party != "p" {
		t.Errorf("cert keygen params: %+v, %v", p, err)
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
