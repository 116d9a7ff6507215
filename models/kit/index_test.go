package kit_test

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// pickByScan is Pick as a full scan: every spendable coin, sorted by
// value descending then key, taken until they cover amount (the oracle of
// Pick's index).
func pickByScan(held map[string]*transfer.Holding, amount int64, spendable func(*transfer.Holding) bool) ([]string, int64) {
	type cand struct {
		key   string
		value int64
	}
	var cands []cand
	for k, h := range held {
		if spendable(h) {
			cands = append(cands, cand{k, h.Value()})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].value != cands[j].value {
			return cands[i].value > cands[j].value
		}
		return cands[i].key < cands[j].key
	})
	var picked []string
	var sum int64
	for _, c := range cands {
		if sum >= amount {
			break
		}
		picked = append(picked, c.key)
		sum += c.value
	}
	return picked, sum
}

// heldCoinsByScan is the key order as a scan of held (its oracle).
func heldCoinsByScan(held map[string]*transfer.Holding) []*kit.HeldCoin {
	var out []*kit.HeldCoin
	for _, k := range slices.Sorted(maps.Keys(held)) {
		inst := bank.InstanceOf(held[k])
		h := held[k]
		n := len(h.Chain)
		own := n == 1 || n > 1 && h.Chain[n-1].Payer == h.Claimed().Holder
		out = append(out, &kit.HeldCoin{Key: k, Instance: inst, ID: inst.String(), Value: h.Value(), Hops: n, Own: own, Holder: h.Claimed().Holder})
	}
	return out
}

// TestHeldIndexesFollowHeld: what Core keeps up to date as its coins
// change (Balance, a running total, the order Pick walks and the key
// order, the coins with their instances, which View reads) is what a
// scan of Held gives, after every step of random sequences of the ways
// Held changes: store writes of a coin under a held or a new key and
// deletes, each followed or not by a Load (which follows the store's
// change log), SetHeld and DropHeld (an element mirroring a commit),
// snapshots restored (read whole) and the element moved to another
// device (a clone: read whole); after each Load, Held is what a fresh
// Load of the store holds; and Pick, for a random amount and a
// random spendable filter, chooses what the full scan chooses; Holds
// answers for every instance as Held does, and Removals grows at a step
// where Held stopped holding one, which RemovedSince lists when it can
// tell; LongLineage is bank.LongLineage of Held and Exchangeable the long and own-hop coins; Unconfirmed, asked by one of
// two registries that gain some held coins' last hops, lists the coins
// whose last hop that registry lacks. It fails when an index misses a
// change.
func TestHeldIndexesFollowHeld(t *testing.T) {
	devA, keysA := fundedCard(t)
	devB, keysB := fundedCard(t)
	var pool [][]byte // coin bytes to store
	// A coin of another holder too (HoldsAny counts by holder).
	if len(keysB) > 0 {
		raw, _ := devB.Get(keysB[0])
		pool = append(pool, raw)
	}
	long := 0
	for _, k := range keysA {
		raw, _ := devA.Get(k)
		pool = append(pool, raw)
		// The same coin with its last hop repeated to a lineage long
		// enough to exchange (only its shape counts here).
		h, err := transfer.ParseHolding(raw)
		if err != nil || len(h.Chain) == 0 {
			continue
		}
		for len(h.Chain) < bank.ExchangeHops {
			h.Chain = append(h.Chain, h.Chain[len(h.Chain)-1])
		}
		if back, err := transfer.ParseHolding(h.Marshal()); err == nil && len(back.Chain) >= bank.ExchangeHops {
			pool, long = append(pool, h.Marshal()), long+1
		}
	}
	if long == 0 {
		t.Fatal("no coin of the pool has a long lineage")
	}
	startA, startB := devA.Snapshot(), devB.Snapshot()
	rapid.Check(t, func(rt *rapid.T) {
		devA.Restore(startA)
		devB.Restore(startB)
		c := &kit.Core{S: suite.Default(), Dev: devA}
		// load loads c and checks that it holds what a Core loading the
		// store afresh holds.
		load := func() {
			c.Load("test", func() {}, func() {})
			fresh := &kit.Core{S: suite.Default(), Dev: c.Dev}
			fresh.Load("oracle", func() {}, func() {})
			if diff := cmp.Diff(coinBytes(fresh.Held), coinBytes(c.Held)); diff != "" {
				rt.Fatalf("after a Load, holdings (-want +got):\n%s", diff)
			}
		}
		load()
		var snaps []world.Snapshot
		// Two registries, each with the record ids it holds (only
		// growing, as a registry's do).
		regs := []*bank.Registry{{}, {}}
		registered := []map[[32]byte]bool{{}, {}}
		coinKey := func(label string) string {
			keys := c.Dev.Keys(kit.PrefCoin)
			if len(keys) == 0 || rapid.Bool().Draw(rt, label+"-new") {
				return kit.PrefCoin + fmt.Sprintf("new%d", rapid.IntRange(0, 5).Draw(rt, label+"-n"))
			}
			return rapid.SampledFrom(keys).Draw(rt, label)
		}
		heldKey := func(label string) string {
			keys := slices.Sorted(maps.Keys(c.Held))
			if len(keys) == 0 || rapid.Bool().Draw(rt, label+"-new") {
				return fmt.Sprintf("held%d", rapid.IntRange(0, 5).Draw(rt, label+"-n"))
			}
			return rapid.SampledFrom(keys).Draw(rt, label)
		}
		holding := func(label string) *transfer.Holding {
			h, err := transfer.ParseHolding(rapid.SampledFrom(pool).Draw(rt, label))
			if err != nil {
				rt.Fatal(err)
			}
			return h
		}
		// The instances held at the last step and Removals then: while
		// Removals stays, none of them may go.
		var lastInsts map[bank.Instance]bool
		lastRemovals := c.Removals()
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for i := range steps {
			step := ""
			switch op := rapid.IntRange(0, 7).Draw(rt, "op"); op {
			case 0:
				k := coinKey("put")
				c.Dev.Put(k, rapid.SampledFrom(pool).Draw(rt, "coin"))
				step = "store put " + k
				if rapid.Bool().Draw(rt, "load-after-put") {
					load()
					step += ", Load"
				}
			case 1:
				k := coinKey("delete")
				c.Dev.Delete(k)
				step = "store delete " + k
				if rapid.Bool().Draw(rt, "load-after-delete") {
					load()
					step += ", Load"
				}
			case 2:
				load()
				step = "Load"
			case 3:
				k := heldKey("set")
				c.SetHeld(k, holding("set-coin"))
				step = "SetHeld " + k
			case 4:
				k := heldKey("drop")
				c.DropHeld(k)
				step = "DropHeld " + k
			case 5:
				snaps = append(snaps, c.Dev.Snapshot())
				step = "snapshot"
			case 6:
				if len(snaps) == 0 {
					continue
				}
				c.Dev.Restore(snaps[rapid.IntRange(0, len(snaps)-1).Draw(rt, "snap")])
				load()
				step = "restore, Load"
			case 7:
				c.Dev = map[bool]*world.Device{true: devA, false: devB}[c.Dev == devB]
				load()
				step = "clone to the other device, Load"
			}
			if diff := cmp.Diff(heldCoinsByScan(c.Held), kit.KeyOrder(c), cmpopts.EquateEmpty()); diff != "" {
				rt.Fatalf("step %d (%s): the key order (-want +got):\n%s", i, step, diff)
			}
			var want int64
			for _, h := range c.Held {
				want += h.Value()
			}
			if got := c.Balance(); got != want {
				rt.Fatalf("step %d (%s): Balance %d, Held worth %d", i, step, got, want)
			}
			order, _ := pickByScan(c.Held, 1<<62, func(*transfer.Holding) bool { return true })
			if diff := cmp.Diff(order, kit.PickOrder(c), cmpopts.EquateEmpty()); diff != "" {
				rt.Fatalf("step %d (%s): Pick's order (-want +got):\n%s", i, step, diff)
			}
			// Holds: for the instance of every coin of the pool and of
			// Held, whether a coin of Held stands for it.
			insts := map[bank.Instance]bool{}
			for _, raw := range pool {
				h, _ := transfer.ParseHolding(raw)
				insts[bank.InstanceOf(h)] = false
			}
			for _, h := range c.Held {
				insts[bank.InstanceOf(h)] = true
			}
			for inst, want := range insts {
				if got := c.Holds(inst); got != want {
					rt.Fatalf("step %d (%s): Holds(%v) = %v, Held says %v", i, step, inst, got, want)
				}
			}
			lost, told := c.RemovedSince(lastRemovals)
			for inst := range lastInsts {
				if insts[inst] {
					continue
				}
				if c.Removals() == lastRemovals {
					rt.Fatalf("step %d (%s): Held lost instance %v, yet Removals stayed %d", i, step, inst, lastRemovals)
				}
				if told && !slices.Contains(lost, inst) {
					rt.Fatalf("step %d (%s): Held lost instance %v, RemovedSince tells %v", i, step, inst, lost)
				}
			}
			lastInsts, lastRemovals = map[bank.Instance]bool{}, c.Removals()
			for inst, held := range insts {
				if held {
					lastInsts[inst] = true
				}
			}
			// Unconfirmed: a registry gains the last hops of some held
			// coins; the coins whose last hop it lacks, in key order.
			r := rapid.IntRange(0, 1).Draw(rt, "registry")
			for _, k := range slices.Sorted(maps.Keys(c.Held)) {
				if h := c.Held[k]; len(h.Chain) > 0 && rapid.Bool().Draw(rt, "register") {
					registered[r][h.Chain[len(h.Chain)-1].ID()] = true
				}
			}
			var wantUp []string
			for _, k := range slices.Sorted(maps.Keys(c.Held)) {
				if h := c.Held[k]; len(h.Chain) > 0 && !registered[r][h.Chain[len(h.Chain)-1].ID()] {
					wantUp = append(wantUp, k)
				}
			}
			if diff := cmp.Diff(wantUp, c.Unconfirmed(regs[r], func(id [32]byte) bool { return registered[r][id] }), cmpopts.EquateEmpty()); diff != "" {
				rt.Fatalf("step %d (%s): Unconfirmed by registry %d (-want +got):\n%s", i, step, r, diff)
			}
			if diff := cmp.Diff(bank.LongLineage(c.Held, nil), c.LongLineage(), cmpopts.EquateEmpty()); diff != "" {
				rt.Fatalf("step %d (%s): LongLineage (-want +got):\n%s", i, step, diff)
			}
			var wantEx []string
			for _, k := range slices.Sorted(maps.Keys(c.Held)) {
				h := c.Held[k]
				n := len(h.Chain)
				if n >= bank.ExchangeHops || n == 1 || n > 1 && h.Chain[n-1].Payer == h.Claimed().Holder {
					wantEx = append(wantEx, k)
				}
			}
			if diff := cmp.Diff(wantEx, c.Exchangeable(), cmpopts.EquateEmpty()); diff != "" {
				rt.Fatalf("step %d (%s): Exchangeable (-want +got):\n%s", i, step, diff)
			}
			holders := map[string]bool{c.Name: true, "nobody": true}
			for _, raw := range pool {
				if h, err := transfer.ParseHolding(raw); err == nil {
					holders[h.Claimed().Holder] = true
				}
			}
			for p := range holders {
				want := slices.ContainsFunc(slices.Collect(maps.Values(c.Held)), func(h *transfer.Holding) bool { return h.Claimed().Holder == p })
				if got := c.HoldsAny(p); got != want {
					rt.Fatalf("step %d (%s): HoldsAny(%q) = %v, want %v", i, step, p, got, want)
				}
			}
			amount := rapid.Int64Range(1, want+1000).Draw(rt, "amount")
			salt := rapid.Uint32().Draw(rt, "salt")
			spendable := func(h *transfer.Holding) bool {
				f := fnv.New32a()
				f.Write(h.Marshal())
				return (f.Sum32()^salt)%4 != 0
			}
			wantKeys, sum := pickByScan(c.Held, amount, spendable)
			got, err := c.Pick(amount, 1<<30, spendable, "card")
			if sum < amount {
				if err == nil || err.Error() != spec.Errorf(spec.CodeInsufficient, "card holds %d fen spendable offline, payment of %d", sum, amount).Error() {
					rt.Fatalf("step %d (%s): Pick of %d from %d spendable: %v %v", i, step, amount, sum, got, err)
				}
				continue
			}
			if err != nil {
				rt.Fatalf("step %d (%s): Pick of %d: %v", i, step, amount, err)
			}
			if diff := cmp.Diff(wantKeys, got); diff != "" {
				rt.Fatalf("step %d (%s): Pick of %d (-want +got):\n%s", i, step, amount, diff)
			}
		}
	})
}

// TestViewOfKeptStateIsTheScan: a state that keeps its coins (KeptBy)
// views them as a state read by a scan of Coins does, byte for byte,
// for a card holding coins and for one holding none (Coins nil, not
// empty: a remote card's view, which scans, must compare equal).
func TestViewOfKeptStateIsTheScan(t *testing.T) {
	c, _, _, _ := loadedCard(t)
	for _, empty := range []bool{false, true} {
		if empty {
			for _, k := range slices.Sorted(maps.Keys(c.Held)) {
				c.DropHeld(k)
			}
		}
		kept := &kit.State[kit.LogEntry]{ID: c.Name, Coins: c.Held}
		kept.KeptBy(c)
		scan := &kit.State[kit.LogEntry]{ID: c.Name, Coins: c.Held}
		want := scan.View(models.View{}, nil, kit.LogEntry.PaidTo)
		got := kept.View(models.View{}, nil, kit.LogEntry.PaidTo)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("holding no coin %v: View (-scan +kept):\n%s", empty, diff)
		}
		if want.Coins == nil && got.Coins != nil {
			t.Errorf("holding no coin: the kept view's coins are %#v, the scan's nil", got.Coins)
		}
		if kept.Balance() != scan.Balance() {
			t.Errorf("holding no coin %v: Balance %d kept, %d summed", empty, kept.Balance(), scan.Balance())
		}
	}
}
