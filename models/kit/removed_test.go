package kit_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestRemovedSinceForgetsOnlyWhatItSays: past the removals it remembers,
// RemovedSince says it cannot tell about the oldest (its reader then
// reads whole) and still lists the recent ones, each instance Held
// stopped holding, in order.
func TestRemovedSinceForgetsOnlyWhatItSays(t *testing.T) {
	c, dev, keys, _ := loadedCard(t)
	raw, _ := dev.Get(keys[0])
	h, err := transfer.ParseHolding(raw)
	if err != nil {
		t.Fatal(err)
	}
	start := c.Removals()
	var gone []bank.Instance
	for i := range kit.RemovedKept + 10 {
		// A coin of a new instance (another serial) held, then dropped.
		x := *h
		x.Serial[0], x.Serial[1] = byte(i), byte(i>>8)
		k := fmt.Sprintf("x%05d", i)
		c.SetHeld(k, &x)
		c.DropHeld(k)
		gone = append(gone, bank.InstanceOf(&x))
	}
	if _, ok := c.RemovedSince(start); ok {
		t.Errorf("RemovedSince tells about %d removals ago, past the %d it keeps", kit.RemovedKept+10, kit.RemovedKept)
	}
	recent := c.Removals() - 100
	got, ok := c.RemovedSince(recent)
	if !ok || !slices.Equal(got, gone[len(gone)-100:]) {
		t.Errorf("RemovedSince of the last 100 removals: %d instances, told %v; want the 100 dropped last", len(got), ok)
	}
}
