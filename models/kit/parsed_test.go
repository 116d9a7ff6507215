package kit_test

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestParsedHoldings: a recovery reuses what the last one parsed only for
// bytes that did not change; changed bytes are parsed (and refused if they
// do not parse), and keys no longer stored are forgotten.
func TestParsedHoldings(t *testing.T) {
	dev, keys := fundedCard(t)
	store := map[string][]byte{}
	for _, k := range keys {
		store[k], _ = dev.Get(k)
	}
	get := func(k string) []byte { return bytes.Clone(store[k]) }
	var p kit.Parsed
	first, err := p.Holdings(keys, get)
	if err != nil {
		t.Fatal(err)
	}
	store[keys[0]] = store[keys[1]] // another holding's bytes under the first key
	second, err := p.Holdings(keys, get)
	if err != nil {
		t.Fatal(err)
	}
	if second[keys[1]] != first[keys[1]] {
		t.Error("unchanged bytes were parsed again")
	}
	if second[keys[0]] == first[keys[0]] || !bytes.Equal(second[keys[0]].Marshal(), store[keys[1]]) {
		t.Error("changed bytes were not parsed again")
	}
	store[keys[1]] = []byte{0x30, 0}
	if _, err := p.Holdings(keys, get); err == nil {
		t.Error("bytes that do not parse were accepted")
	}
	third, err := p.Holdings(keys[:1], get)
	if err != nil || len(third) != 1 {
		t.Errorf("one key left: %d holdings, %v", len(third), err)
	}
}

// TestParsedHoldingsOf: reading the device in place, a recovery reuses a
// holding only while the store holds its bytes: a write of other bytes, a
// rollback to a snapshot and a failed parse are each seen.
func TestParsedHoldingsOf(t *testing.T) {
	dev, keys := fundedCard(t)
	snap := dev.Snapshot()
	var p kit.Parsed
	first, err := p.HoldingsOf(dev, keys)
	if err != nil {
		t.Fatal(err)
	}
	raw1, _ := dev.Get(keys[1])
	dev.Put(keys[0], raw1) // another holding's bytes under the first key
	second, err := p.HoldingsOf(dev, keys)
	if err != nil {
		t.Fatal(err)
	}
	if second[keys[1]] != first[keys[1]] {
		t.Error("unchanged bytes were parsed again")
	}
	if second[keys[0]] == first[keys[0]] || !bytes.Equal(second[keys[0]].Marshal(), raw1) {
		t.Error("a write of other bytes was not seen")
	}
	dev.Restore(snap)
	third, err := p.HoldingsOf(dev, keys)
	if err != nil {
		t.Fatal(err)
	}
	raw0, _ := dev.Get(keys[0])
	if !bytes.Equal(third[keys[0]].Marshal(), raw0) || bytes.Equal(raw0, raw1) {
		t.Error("the rollback to the snapshot was not seen")
	}
	dev.Put(keys[1], []byte{0x30, 0})
	if _, err := p.HoldingsOf(dev, keys); err == nil {
		t.Error("bytes that do not parse were accepted")
	}
}

// fundedCard is a chip card funded twice, and the store keys of the
// holdings the funding left on it (at least 2).
func fundedCard(t *testing.T) (*world.Device, []string) {
	t.Helper()
	w := world.New(1)
	in, err := chip.Scheme{}.New(w, models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, amount := range []int64{5000, 700} {
		if err := in.Fund("wallet-A", amount); err != nil {
			t.Fatal(err)
		}
	}
	dev := w.Device("wallet-A")
	keys := dev.Keys("coin/")
	if len(keys) < 2 {
		t.Fatalf("funding stored %d holdings, want at least 2", len(keys))
	}
	return dev, keys
}

// loadedCard is fundedCard's wallet-A as a kit.Core, loaded once, and
// load, which loads it again.
func loadedCard(t *testing.T) (c *kit.Core, dev *world.Device, keys []string, load func()) {
	t.Helper()
	dev, keys = fundedCard(t)
	c = &kit.Core{S: suite.Default(), Dev: dev}
	load = func() { c.Load("test", func() {}, func() {}) }
	load()
	return c, dev, keys, load
}
