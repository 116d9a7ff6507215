package kit

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Parsed keeps the holdings a device's recovery parsed from its store, by
// store key with the bytes they came from, so that the next recovery
// re-parses only what changed: parsing is a pure function of the bytes,
// and a holding is never modified once parsed. A recovery that finds
// other bytes under a key parses them, so what it rebuilds is what a
// recovery from the store alone would.
type Parsed struct {
	m map[string]parsedHolding
}

type parsedHolding struct {
	raw []byte
	h   *transfer.Holding
}

// Holdings parses the holding stored under each of keys (get reads the
// store), reusing the previous recovery's result where the bytes are the
// same, and forgets keys no longer stored.
func (p *Parsed) Holdings(keys []string, get func(string) []byte) (map[string]*transfer.Holding, error) {
	return p.holdings(keys, get, func(k string, raw []byte) bool { return bytes.Equal(get(k), raw) })
}

// HoldingsOf is Holdings reading dev's store: the bytes of a holding it
// parsed before are compared in place (world.Device.Holds), copied only
// when they changed.
func (p *Parsed) HoldingsOf(dev *world.Device, keys []string) (map[string]*transfer.Holding, error) {
	get := func(k string) []byte {
		v, _ := dev.Get(k)
		return v
	}
	return p.holdings(keys, get, dev.Holds)
}

func (p *Parsed) holdings(keys []string, get func(string) []byte, same func(k string, raw []byte) bool) (map[string]*transfer.Holding, error) {
	next := make(map[string]parsedHolding, len(keys))
	out := make(map[string]*transfer.Holding, len(keys))
	// While a check is switched off (spec.Without) nothing is reused or
	// kept: what parses then may not parse with every check on.
	dropping := spec.Dropping()
	for _, k := range keys {
		if old, ok := p.m[k]; ok && !dropping && same(k, old.raw) {
			next[k], out[k] = old, old.h
			continue
		}
		raw := get(k)
		h, err := transfer.ParseHolding(raw)
		if err != nil {
			return nil, err
		}
		next[k], out[k] = parsedHolding{raw: raw, h: h}, h
	}
	if dropping {
		next = nil
	}
	p.m = next
	return out, nil
}
