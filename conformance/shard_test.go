package conformance_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/schema"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// shardSuite is the narrowed run the shard tests split: five cheap
// properties, the GM suite, on chain (three documented violations:
// expected-fail with counterexamples) and a chip mutant two of them kill
// (fails with counterexamples) — ten units.
func shardSuite(t *testing.T) ([]models.Scheme, conformance.Options) {
	t.Helper()
	chain, ok := all.Lookup("chain")
	if !ok {
		t.Fatal("no chain scheme")
	}
	var mutant models.Scheme
	for _, m := range all.Mutants() {
		if m.Scheme.Info().Name == "chip~skip-revocation-check" {
			mutant = m.Scheme
		}
	}
	if mutant == nil {
		t.Fatal("no mutant chip~skip-revocation-check")
	}
	gm, _ := suite.ByID(suite.GM)
	return []models.Scheme{chain, mutant}, conformance.Options{
		Checks: 5, Suites: []suite.Suite{gm},
		Only: []string{"R1.3-uncertified-payee-refused", "R1.4-revoked-payee-refused", "R1.4-revoked-payer-refused",
			"R2.2-insider-duplicate-input-refused", "R4.3-insider-unbalanced-record-refused"},
	}
}

// shardView is what must not depend on sharding: each result's verdict,
// reason, counterexample and replay, in order.
type shardView struct {
	Key, Verdict, Reason, Replay string
	Runs                         int
	Counterexample               *conformance.Counterexample
}

func viewOf(rs *conformance.Results) []shardView {
	var out []shardView
	for _, r := range rs.Results {
		out = append(out, shardView{r.Key(), string(r.Verdict), r.Reason, r.Replay, r.Runs, r.Counterexample})
	}
	return out
}

// shardRoundTrip writes rs as a results file and reads it back, checking it
// against the schema on the way, as a shard's file travels between CI jobs.
func shardRoundTrip(t *testing.T, rs *conformance.Results) *conformance.Results {
	t.Helper()
	var b bytes.Buffer
	if err := rs.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateResults(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	back, err := conformance.ReadResults(&b)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// checkShards runs the suite as n shards and returns their results files.
func checkShards(t *testing.T, targets []models.Scheme, opts conformance.Options, n int) []*conformance.Results {
	t.Helper()
	var parts []*conformance.Results
	for i := 1; i <= n; i++ {
		o := opts
		o.Shard = conformance.Shard{Index: i, Count: n}
		rs, err := conformance.CheckAll(context.Background(), targets, o)
		if err != nil {
			t.Fatal(err)
		}
		if rs.Env.Shard == nil || rs.Env.Shard.Index != i || len(rs.Results) != rs.Env.Shard.Units {
			t.Fatalf("shard %d/%d: env.shard %+v with %d results", i, n, rs.Env.Shard, len(rs.Results))
		}
		parts = append(parts, shardRoundTrip(t, rs))
	}
	return parts
}

// TestShardsMergeToTheWholeRun: the suite run whole, as 1 shard and as 3
// shards with the same seed gives the same verdicts, counterexamples and
// replay commands once merged; a missing, duplicated or foreign shard is
// refused with a MergeError naming the field.
func TestShardsMergeToTheWholeRun(t *testing.T) {
	targets, opts := shardSuite(t)
	whole, err := conformance.CheckAll(context.Background(), targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := viewOf(whole)
	if len(want) != 10 {
		t.Fatalf("the narrowed suite has %d units, want 10", len(want))
	}
	counts := whole.Count()
	if counts[conformance.Fail] == 0 || counts[conformance.ExpectedFail] == 0 || counts[conformance.Pass] == 0 {
		t.Fatalf("the narrowed suite should have passes, fails and expected-fails: %v", counts)
	}
	three := checkShards(t, targets, opts, 3)
	for _, n := range []int{1, 3} {
		parts := three
		if n == 1 {
			parts = checkShards(t, targets, opts, 1)
		}
		merged, err := conformance.MergeShards(parts)
		if err != nil {
			t.Fatalf("%d shards: %v", n, err)
		}
		if diff := cmp.Diff(want, viewOf(merged)); diff != "" {
			t.Errorf("%d shards merged differ from the whole run (-want +got):\n%s", n, diff)
		}
		if merged.Env.Shard != nil {
			t.Errorf("%d shards: the merge still names a shard: %+v", n, merged.Env.Shard)
		}
		if diff := cmp.Diff(whole.Matrix(), merged.Matrix(), cmp.FilterPath(func(p cmp.Path) bool {
			return p.Last().String() == ".DurationMS"
		}, cmp.Ignore())); diff != "" {
			t.Errorf("%d shards: the matrix differs (-want +got):\n%s", n, diff)
		}
	}
	for i, p := range three {
		if p.Env.Shard.Units == 0 {
			t.Errorf("shard %d/3 ran nothing: the partition should use every shard of a 10-unit run", i+1)
		}
	}

	refused := func(name, field string, parts []*conformance.Results, is error) {
		t.Helper()
		_, err := conformance.MergeShards(parts)
		var me *conformance.MergeError
		if !errors.As(err, &me) || me.Field != field {
			t.Errorf("%s: got %v, want a MergeError naming %q", name, err, field)
			return
		}
		if !errors.Is(err, is) {
			t.Errorf("%s: %v is not %v", name, err, is)
		}
	}
	refused("missing shard", "shard", three[:2], spec.ErrMalformed)
	refused("duplicated shard", "shard", []*conformance.Results{three[0], three[1], three[1], three[2]}, spec.ErrMalformed)
	other := func(edit func(rs *conformance.Results)) []*conformance.Results {
		c := *three[1]
		c.Env.Shard = new(*three[1].Env.Shard)
		edit(&c)
		return []*conformance.Results{three[0], &c, three[2]}
	}
	refused("another seed", "seed", other(func(rs *conformance.Results) { rs.Env.Seed++ }), spec.ErrMalformed)
	refused("another threshold", "threshold", other(func(rs *conformance.Results) { rs.Env.Params = map[string]string{"threshold": "12345 fen"} }), spec.ErrMalformed)
	refused("another depth", "checks", other(func(rs *conformance.Results) { rs.Env.Checks++ }), spec.ErrMalformed)
	refused("another version", "version", other(func(rs *conformance.Results) { rs.Env.Version += "-other" }), spec.ErrUnknownVersion)
	refused("another filter", "only", other(func(rs *conformance.Results) { rs.Env.Shard.Only = nil }), spec.ErrMalformed)
	refused("another partition", "plan", other(func(rs *conformance.Results) { rs.Env.Shard.Plan = "0123456789abcdef" }), spec.ErrMalformed)
	refused("another shard count", "shards", other(func(rs *conformance.Results) { rs.Env.Shard.Count = 4 }), spec.ErrMalformed)
	refused("a truncated shard", "units", other(func(rs *conformance.Results) { rs.Results = rs.Results[:len(rs.Results)-1] }), spec.ErrMalformed)
	refused("a whole run among shards", "shard", []*conformance.Results{three[0], whole}, spec.ErrMalformed)
	refused("a result in two shards", "results", other(func(rs *conformance.Results) {
		rs.Results = append(append([]conformance.Result(nil), rs.Results[1:]...), three[0].Results[0])
	}), spec.ErrMalformed)
	refused("no parts", "shard", nil, spec.ErrMalformed)

	// A shard's failure replays without --shard: its replay line reruns
	// the property alone, giving the same verdict and counterexample.
	replayed := 0
	for _, p := range three {
		for _, r := range p.Results {
			if r.Verdict != conformance.Fail {
				continue
			}
			if strings.Contains(r.Replay, "--shard") {
				t.Errorf("%s: the replay names the shard: %s", r.Key(), r.Replay)
			}
			again := replay(t, targets, r.Replay)
			if len(again.Results) != 1 {
				t.Fatalf("%s: replay ran %d properties", r.Key(), len(again.Results))
			}
			got := again.Results[0]
			if diff := cmp.Diff(shardView{r.Key(), string(r.Verdict), r.Reason, r.Replay, r.Runs, r.Counterexample},
				shardView{got.Key(), string(got.Verdict), got.Reason, got.Replay, got.Runs, got.Counterexample}); diff != "" {
				t.Errorf("%s: replay differs (-want +got):\n%s", r.Key(), diff)
			}
			replayed++
		}
	}
	if replayed == 0 {
		t.Error("no shard failed, so no replay was checked")
	}
}

// replay runs a replay line ("go run ./cmd/dualoffline check --scheme X
// --suite S --only ID --seed N --checks C --steps T") the way the CLI
// would, with targets standing in for the CLI's scheme lookup.
func replay(t *testing.T, targets []models.Scheme, line string) *conformance.Results {
	t.Helper()
	f := strings.Fields(line)
	flags := map[string]string{}
	for i := 0; i+1 < len(f); i++ {
		if strings.HasPrefix(f[i], "--") {
			flags[f[i][2:]] = f[i+1]
		}
	}
	var target models.Scheme
	for _, s := range targets {
		if s.Info().Name == flags["scheme"] {
			target = s
		}
	}
	s, err := suite.ByID(suite.ID(flags["suite"]))
	if target == nil || err != nil {
		t.Fatalf("replay %q: unknown scheme or suite", line)
	}
	num := func(k string) int {
		n, err := strconv.Atoi(flags[k])
		if err != nil {
			t.Fatalf("replay %q: --%s: %v", line, k, err)
		}
		return n
	}
	rs, err := conformance.Check(context.Background(), target, conformance.Options{
		Checks: num("checks"), Steps: num("steps"), Seed: uint64(num("seed")),
		Suites: []suite.Suite{s}, Only: []string{flags["only"]},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestShardPlan: the partition is deterministic, puts every unit of the
// default run in exactly one shard, and balances the estimated cost
// (greedy longest-first: no shard exceeds the mean by more than the
// costliest unit).
func TestShardPlan(t *testing.T) {
	targets := all.Schemes()
	for _, n := range []int{1, 2, 3, 7} {
		plan := conformance.Plan(targets, conformance.Options{}, n)
		if diff := cmp.Diff(plan, conformance.Plan(targets, conformance.Options{}, n)); diff != "" {
			t.Fatalf("%d shards: the plan is not deterministic (-first +second):\n%s", n, diff)
		}
		if want := conformance.Total(conformance.Options{}, targets); len(plan) != want {
			t.Errorf("%d shards: %d units planned, the run has %d", n, len(plan), want)
		}
		load := make([]int, n)
		most, total := 0, 0
		for key, s := range plan {
			if s < 1 || s > n {
				t.Fatalf("%d shards: %s in shard %d", n, key, s)
			}
			parts := strings.Split(key, "/")
			c := conformance.ShardCost(parts[0], parts[len(parts)-1])
			load[s-1] += c
			most, total = max(most, c), total+c
		}
		units := 0
		for i := range n {
			opts := conformance.Options{Shard: conformance.Shard{Index: i + 1, Count: n}}
			units += conformance.Total(opts, targets)
			if load[i] > total/n+most {
				t.Errorf("shard %d/%d: estimated %d ms, mean %d ms, costliest unit %d ms", i+1, n, load[i], total/n, most)
			}
		}
		if units != len(plan) {
			t.Errorf("%d shards: Total over the shards is %d, want %d", n, units, len(plan))
		}
	}
}

// TestShardCosts keeps the cost table honest: an entry for every
// property, none for a property that is gone (regenerate it with
// "dualoffline merge --costs conformance/shard_costs.json" from a default
// run's results).
func TestShardCosts(t *testing.T) {
	ids := map[string]bool{}
	for _, p := range conformance.Properties() {
		ids[p.ID()] = true
	}
	table := conformance.ShardCosts()
	for id := range ids {
		if _, ok := table[id]; !ok {
			t.Errorf("shard_costs.json has no cost for %s", id)
		}
	}
	targets := map[string]bool{}
	for _, s := range all.Schemes() {
		targets[s.Info().Name] = true
	}
	for key := range table {
		target, id, own := strings.Cut(key, "/")
		if !own {
			id = target
		}
		switch {
		case !ids[id]:
			t.Errorf("shard_costs.json names %s, which is no property", key)
		case own && !targets[target]:
			t.Errorf("shard_costs.json names %s, of no reference scheme", key)
		}
	}
}

// TestMeasuredCostsOutliers: a target whose own mean is far above the
// other targets' of a property gets an entry of its own, which ShardCost
// then gives; a target near the others does not.
func TestMeasuredCostsOutliers(t *testing.T) {
	rs := &conformance.Results{Results: []conformance.Result{
		{Target: "a", Sub: "R3.2", Property: "linking-game", DurationMS: 300},
		{Target: "b", Sub: "R3.2", Property: "linking-game", DurationMS: 500},
		{Target: "slow", Sub: "R3.2", Property: "linking-game", DurationMS: 60000},
		{Target: "a", Sub: "R1.1", Property: "tamper-every-message", DurationMS: 4000},
		{Target: "b", Sub: "R1.1", Property: "tamper-every-message", DurationMS: 4500},
	}}
	got := conformance.MeasuredCosts(rs)
	want := map[string]int{
		"R3.2-linking-game":         20267,
		"slow/R3.2-linking-game":    60000,
		"R1.1-tamper-every-message": 4250,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("MeasuredCosts (-want +got):\n%s", d)
	}
}

// TestParseShard: i/n with 1 ≤ i ≤ n ≤ MaxShards, else ErrBadOption.
func TestParseShard(t *testing.T) {
	if s, err := conformance.ParseShard("2/3"); err != nil || s != (conformance.Shard{Index: 2, Count: 3}) {
		t.Errorf("2/3: %v, %v", s, err)
	}
	for _, bad := range []string{"", "3", "0/3", "4/3", "1/0", "a/b", "1/1000", "-1/2", "1/2/3"} {
		if _, err := conformance.ParseShard(bad); !errors.Is(err, conformance.ErrBadOption) {
			t.Errorf("%q: %v, want ErrBadOption", bad, err)
		}
	}
	_, err := conformance.CheckAll(context.Background(), nil, conformance.Options{Shard: conformance.Shard{Index: 4, Count: 3}})
	if !errors.Is(err, conformance.ErrBadOption) {
		t.Errorf("CheckAll with shard 4/3: %v, want ErrBadOption", err)
	}
}

// TestShardsWithSeeds: a seed sweep split into 2 shards merges to the
// unsharded sweep's verdicts, counterexamples and replays, and the merge
// refuses shards of another seed range.
func TestShardsWithSeeds(t *testing.T) {
	targets, opts := shardSuite(t)
	opts.Only = opts.Only[1:3] // the two properties that kill the mutant
	seeds := []uint64{1, 2}
	whole, err := conformance.CheckSeeds(context.Background(), targets, opts, seeds)
	if err != nil {
		t.Fatal(err)
	}
	var parts []*conformance.Results
	for i := 1; i <= 2; i++ {
		o := opts
		o.Shard = conformance.Shard{Index: i, Count: 2}
		rs, err := conformance.CheckSeeds(context.Background(), targets, o, seeds)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, shardRoundTrip(t, rs))
	}
	merged, err := conformance.MergeShards(parts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viewOf(whole), viewOf(merged)); diff != "" {
		t.Errorf("2 shards of seeds 1..2 differ from the unsharded sweep (-want +got):\n%s", diff)
	}
	if got, want := merged.Env.Params["seeds"], "1,2"; got != want {
		t.Errorf("merged seeds %q, want %q", got, want)
	}
	c := *parts[1]
	c.Env.Params = map[string]string{"seeds": "1,2,3"}
	_, err = conformance.MergeShards([]*conformance.Results{parts[0], &c})
	var me *conformance.MergeError
	if !errors.As(err, &me) || me.Field != "seeds" {
		t.Errorf("shards of other seed ranges: %v, want a MergeError naming seeds", err)
	}
}

// TestPlanKeepsStreamsWhole: the three anonymity games of a target and
// suite score one stream, so every plan puts them in one shard (two
// shards would each play the stream).
func TestPlanKeepsStreamsWhole(t *testing.T) {
	targets := all.Schemes()
	for n := 2; n <= 6; n++ {
		plan := conformance.Plan(targets, conformance.Options{}, n)
		byStream := map[string]map[int]bool{}
		for key, s := range plan {
			parts := strings.Split(key, "/")
			switch parts[len(parts)-1] {
			case "R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split":
				k := parts[0] + "/" + parts[1]
				if byStream[k] == nil {
					byStream[k] = map[int]bool{}
				}
				byStream[k][s] = true
			}
		}
		if len(byStream) == 0 {
			t.Fatalf("%d shards: no game in the plan", n)
		}
		for k, shards := range byStream {
			if len(shards) != 1 {
				t.Errorf("%d shards: the games of %s are in shards %v, want one", n, k, shards)
			}
		}
	}
}
