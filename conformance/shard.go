package conformance

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Shard selects one part of a run across machines: Index of Count,
// 1-based ("2/3", as Playwright and Jest write it). The zero value runs
// everything. Every shard of a run computes the same partition (Plan),
// so the shards together run each (target, suite, property) unit once.
type Shard struct {
	Index int // 1..Count
	Count int // 0: not sharded
}

// MaxShards bounds Count.
const MaxShards = 256

// String renders s as "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// active reports whether s selects a part of the run.
func (s Shard) active() bool { return s.Count > 0 }

// ParseShard reads "i/n" with 1 ≤ i ≤ n ≤ MaxShards.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("%w: shard %q: want i/n, e.g. 2/4", ErrBadOption, s)
	case n < 1 || n > MaxShards:
		return Shard{}, fmt.Errorf("%w: shard %q: n must be 1..%d", ErrBadOption, s, MaxShards)
	case i < 1 || i > n:
		return Shard{}, fmt.Errorf("%w: shard %q: i must be 1..%d", ErrBadOption, s, n)
	}
	return Shard{Index: i, Count: n}, nil
}

// shardCostsJSON is the cost table: for each property id, its measured
// mean wall time in milliseconds over the (target, suite) units of a
// default-depth run, and, as "target/property", a target's own mean where
// it is far from the property's (a scheme whose anonymity games pass
// plays all N trials where the others stop at the first look).
// `dualoffline merge --costs` writes it from a merged run; TestShardCosts
// fails when a property lacks an entry or an entry names no property.
//
//go:embed shard_costs.json
var shardCostsJSON []byte

// shardCosts is the decoded table.
var shardCosts = func() map[string]int {
	m := map[string]int{}
	if err := json.Unmarshal(shardCostsJSON, &m); err != nil {
		panic("conformance: shard_costs.json: " + err.Error()) // embedded: a build fault
	}
	return m
}()

// defaultCost is the cost of a property the table does not know.
const defaultCost = 100

// ShardCost is the estimated cost in milliseconds of property id on one
// (target, suite) at the default depth: the table's entry for the target
// and property if it has one, else for the property, at least 1. Sharding
// weighs units by it; it does not scale with depth, which affects every
// unit of a property alike.
func ShardCost(target, id string) int {
	if c, ok := shardCosts[target+"/"+id]; ok {
		return max(1, c)
	}
	if c, ok := shardCosts[id]; ok {
		return max(1, c)
	}
	return defaultCost
}

// outlier is how far (a factor, and at least outlierMS) a target's mean
// must be from its property's for MeasuredCosts to give it an entry.
const (
	outlier   = 4
	outlierMS = 1000
)

// MeasuredCosts derives a cost table from a run's results: each
// property's mean DurationMS over its results, in milliseconds (at least
// 1; the anonymity games of one target and suite share their stream's
// duration equally), and a "target/property" entry for a target whose own mean is more
// than outlier times the mean of the property's other results (and at
// least outlierMS more). Written as JSON, it is the form of
// shard_costs.json.
func MeasuredCosts(rs *Results) map[string]int {
	type acc struct {
		sum float64
		n   int
	}
	byProp, byTarget := map[string]acc{}, map[string]acc{}
	// The games of one target and suite score one stream, whose cost the
	// first of them to run carries: each is given an equal share.
	stream := map[string]float64{}
	games := map[string]int{}
	for _, r := range rs.Results {
		if _, game := gameOf(r.ID()); game {
			k := streamKey(r.Target, suite.ID(r.Suite))
			stream[k] += r.DurationMS
			games[k]++
		}
	}
	for _, r := range rs.Results {
		if _, game := gameOf(r.ID()); game {
			k := streamKey(r.Target, suite.ID(r.Suite))
			r.DurationMS = stream[k] / float64(games[k])
		}
		a := byProp[r.ID()]
		a.sum, a.n = a.sum+r.DurationMS, a.n+1
		byProp[r.ID()] = a
		k := r.Target + "/" + r.ID()
		b := byTarget[k]
		b.sum, b.n = b.sum+r.DurationMS, b.n+1
		byTarget[k] = b
	}
	out := map[string]int{}
	for id, a := range byProp {
		out[id] = max(1, int(a.sum/float64(a.n)+0.5))
	}
	for k, b := range byTarget {
		id := k[strings.LastIndex(k, "/")+1:]
		a := byProp[id]
		if a.n == b.n {
			continue
		}
		mine, others := b.sum/float64(b.n), (a.sum-b.sum)/float64(a.n-b.n)
		if mine > outlier*others && mine-others >= outlierMS {
			out[k] = max(1, int(mine+0.5))
		}
	}
	return out
}

// unit is one (target, suite, property) cell of a run.
type unit struct {
	target string
	suite  suite.ID
	prop   string
	cost   int
}

func (u unit) key() string { return u.target + "/" + string(u.suite) + "/" + u.prop }

// units lists a run's units in the run's order: the jobs schedule lists
// before any shard keeps its part.
func units(targets []models.Scheme, opts Options) []unit {
	opts.keep = nil
	var out []unit
	for _, j := range schedule(targets, opts) {
		out = append(out, unit{j.target.Info().Name, j.suite.ID(), j.prop.ID(), j.cost})
	}
	return out
}

// Plan partitions the units of a run into n shards and returns, for each
// unit key ("target/suite/property-id"), its shard (1..n). It is
// deterministic: the longest units first, each to the shard with the
// least estimated cost so far (the lowest index on a tie), so shards
// finish together as far as the cost table is right.
//
// The anonymity games of one target and suite (R3.1, R3.2, R3.6) score
// one stream (stream.go): they are placed together, as one unit of their
// summed cost, so that no two shards play the same stream.
func Plan(targets []models.Scheme, opts Options, n int) map[string]int {
	opts = opts.withDefaults()
	type group struct {
		keys []string
		cost int
	}
	var gs []*group
	streamGroup := map[string]*group{}
	for _, u := range units(targets, opts) {
		if _, game := gameOf(u.prop); game {
			k := streamKey(u.target, u.suite)
			if g, ok := streamGroup[k]; ok {
				g.keys, g.cost = append(g.keys, u.key()), g.cost+u.cost
				continue
			}
			streamGroup[k] = &group{[]string{u.key()}, u.cost}
			gs = append(gs, streamGroup[k])
			continue
		}
		gs = append(gs, &group{[]string{u.key()}, u.cost})
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].cost > gs[j].cost })
	load := make([]int, n)
	out := map[string]int{}
	for _, g := range gs {
		best := 0
		for i := range load {
			if load[i] < load[best] {
				best = i
			}
		}
		load[best] += g.cost
		for _, k := range g.keys {
			out[k] = best + 1
		}
	}
	return out
}

// shardFilter sets opts.keep to the units of opts.Shard and returns the
// shard's identity for Env.
func shardFilter(targets []models.Scheme, opts *Options) *ShardInfo {
	plan := Plan(targets, *opts, opts.Shard.Count)
	info := &ShardInfo{
		Index: opts.Shard.Index, Count: opts.Shard.Count,
		Only: slices.Clone(opts.Only), Timeout: opts.Timeout.String(), ShrinkTime: opts.ShrinkTime.String(),
	}
	for _, t := range targets {
		info.Targets = append(info.Targets, t.Info().Name)
	}
	for _, u := range units(targets, *opts) {
		info.Total++
		info.TotalCost += u.cost
		if plan[u.key()] == opts.Shard.Index {
			info.Units++
			info.Cost += u.cost
		}
	}
	info.Plan = planDigest(plan)
	idx := opts.Shard.Index
	opts.keep = func(target string, s suite.ID, p Property) bool {
		return plan[target+"/"+string(s)+"/"+p.ID()] == idx
	}
	return info
}

// ShardCosts returns a copy of the cost table (property id to
// milliseconds).
func ShardCosts() map[string]int { return maps.Clone(shardCosts) }

// planDigest hashes a plan: the first 16 hex digits of the SHA-256 of its
// "key=shard" lines in key order.
func planDigest(plan map[string]int) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(plan)) {
		fmt.Fprintf(h, "%s=%d\n", k, plan[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
