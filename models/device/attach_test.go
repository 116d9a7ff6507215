package device_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// keygenLink answers a keygen with a key of its own and records the
// operation and its params; nothing else is called by Attach.
type keygenLink struct {
	models.Link
	s     suite.Suite
	ops   *[]string
	seeds *[][]byte
}

func (l keygenLink) Call(op string, params, result any) error {
	*l.ops = append(*l.ops, op)
	b, _ := json.Marshal(params)
	var p struct {
		Wrapped device.KeygenParams `json:"wrapped"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*l.seeds = append(*l.seeds, p.Wrapped.Seed)
	k, err := l.s.GenerateKey(bytes.NewReader(bytes.Repeat(p.Wrapped.Seed, 4)))
	if err != nil {
		return err
	}
	result.(*device.KeygenResult).PublicKey = k.Public().SPKI()
	return nil
}

// Attach dials each wallet once, records its link, sends the keygen
// through Params with a 32-byte seed drawn from the party's own stream
// (two wallets, two seeds; a wallet's seed does not depend on the others
// attached before it), returns the key the device reported and notes it
// in the trace.
func TestExternalAttach(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	w := world.New(7)
	var ops []string
	var seeds [][]byte
	dial := func(id world.PartyID) (models.Link, error) {
		return keygenLink{s: gm, ops: &ops, seeds: &seeds}, nil
	}
	e := device.External{Keygen: "x.keygen", Seed: "x-keygen/", Note: "attached",
		Params: func(p device.KeygenParams) any { return map[string]any{"wrapped": p} }}
	links := map[world.PartyID]models.Link{}
	for _, id := range []world.PartyID{"wallet-A", "wallet-B"} {
		r, pub, err := e.Attach(w, id, dial, links, gm)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if r.Party != id || pub == nil || links[id] == nil {
			t.Errorf("%s: remote %q, key %v, link %v", id, r.Party, pub, links[id])
		}
	}
	if len(ops) != 2 || ops[0] != "x.keygen" || ops[1] != "x.keygen" {
		t.Errorf("operations %v, want one x.keygen a wallet", ops)
	}
	if len(seeds) != 2 || len(seeds[0]) != 32 || bytes.Equal(seeds[0], seeds[1]) {
		t.Errorf("keygen seeds %x: want two distinct seeds of 32 bytes", seeds)
	}
	// The seed is the party's own stream (Seed + the party id): wallet-B
	// attached alone in the same world draws what it drew after wallet-A.
	alone := world.New(7)
	seeds0 := seeds
	if _, _, err := e.Attach(alone, "wallet-B", dial, map[world.PartyID]models.Link{}, gm); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(seeds[2], seeds0[1]) {
		t.Errorf("wallet-B's seed %x alone, %x after wallet-A: it depends on who attached first", seeds[2], seeds0[1])
	}
	notes := 0
	for _, ev := range w.Trace().Events() {
		if ev.Detail == "attached" {
			notes++
		}
	}
	if notes != 2 {
		t.Errorf("%d trace notes, want one a wallet", notes)
	}
}
