package conformance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/models"
)

// ParseSeeds reads a seed range "A..B" (inclusive, A ≤ B, at most
// MaxSeeds seeds) or a single seed "A".
func ParseSeeds(s string) ([]uint64, error) {
	lo, hi, ok := strings.Cut(s, "..")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
	b, err2 := strconv.ParseUint(strings.TrimSpace(hi), 10, 64)
	switch {
	case err1 != nil || err2 != nil:
		return nil, fmt.Errorf("%w: seeds %q: want A..B with A and B unsigned integers", ErrBadOption, s)
	case a == 0:
		return nil, fmt.Errorf("%w: seeds %q: seed 0 means the default seed, start at 1", ErrBadOption, s)
	case a > b:
		return nil, fmt.Errorf("%w: seeds %q: %d > %d", ErrBadOption, s, a, b)
	case b-a >= MaxSeeds:
		return nil, fmt.Errorf("%w: seeds %q: %d seeds, at most %d in one sweep", ErrBadOption, s, b-a+1, MaxSeeds)
	}
	var out []uint64
	for x := a; ; x++ {
		out = append(out, x)
		if x == b {
			return out, nil
		}
	}
}

// MaxSeeds bounds one sweep of CheckSeeds.
const MaxSeeds = 1000

// CheckSeeds runs CheckAll once per seed and merges the runs into one
// Results: a property with the same verdict at every seed keeps the
// result of the first seed (with a note naming the seeds), a property
// whose verdict differs becomes SeedDependent, its Reason listing the
// verdict at each seed and its Replay, Counterexample and Seed taken
// from the first seed at which it failed (or, failing none, the first
// seed whose verdict differs from the first). Progress, if set, is
// called for every property of every seed. The Env names the first seed
// and lists every seed in Params["seeds"].
func CheckSeeds(ctx context.Context, targets []models.Scheme, opts Options, seeds []uint64) (*Results, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("%w: no seed to sweep", ErrBadOption)
	}
	var runs []*Results
	for _, s := range seeds {
		o := opts
		o.Seed = s
		rs, err := CheckAll(ctx, targets, o)
		if err != nil {
			return nil, err
		}
		runs = append(runs, rs)
	}
	return MergeSeeds(runs), nil
}

// MergeSeeds merges the results of runs that differ only in their seed,
// as CheckSeeds describes. Results present in some runs only (which
// cannot happen for runs of the same options) are kept as they are.
func MergeSeeds(runs []*Results) *Results {
	if len(runs) == 0 {
		return &Results{Schema: SchemaVersion}
	}
	out := &Results{Schema: SchemaVersion, Env: runs[0].Env}
	var seeds []string
	for _, rs := range runs {
		seeds = append(seeds, strconv.FormatUint(rs.Env.Seed, 10))
	}
	if len(runs) > 1 {
		p := map[string]string{}
		for k, v := range out.Env.Params {
			p[k] = v
		}
		p["seeds"] = strings.Join(seeds, ",")
		out.Env.Params = p
	}
	by := make([]map[string]Result, len(runs))
	for i, rs := range runs {
		by[i] = map[string]Result{}
		for _, r := range rs.Results {
			by[i][r.Key()] = r
		}
	}
	for _, first := range runs[0].Results {
		var all []Result
		for i := range runs {
			if r, ok := by[i][first.Key()]; ok {
				all = append(all, r)
			}
		}
		out.Results = append(out.Results, mergeSeedResults(all))
	}
	out.Sort()
	return out
}

// mergeSeedResults merges one property's results across seeds.
func mergeSeedResults(all []Result) Result {
	r := all[0]
	if len(all) == 1 {
		return r
	}
	same := true
	for _, x := range all[1:] {
		if x.Verdict != r.Verdict {
			same = false
		}
	}
	if same {
		r.Notes = append(slices.Clip(r.Notes), fmt.Sprintf("%s at each of %d seeds (%s)", r.Verdict, len(all), seedList(all)))
		return r
	}
	// The representative: the first seed that failed, else the first
	// whose verdict differs from the first seed's.
	rep := -1
	for i, x := range all {
		if x.Verdict == Fail && x.Counterexample != nil {
			rep = i
			break
		}
	}
	if rep < 0 {
		for i, x := range all {
			if x.Verdict != all[0].Verdict {
				rep = i
				break
			}
		}
	}
	m := all[rep]
	by := map[Verdict][]Result{}
	var order []Verdict
	for _, x := range all {
		if _, ok := by[x.Verdict]; !ok {
			order = append(order, x.Verdict)
		}
		by[x.Verdict] = append(by[x.Verdict], x)
	}
	var parts []string
	for _, v := range order {
		parts = append(parts, fmt.Sprintf("%s at seed %s", v, seedList(by[v])))
	}
	why := "the verdict depends on the seed: " + strings.Join(parts, "; ")
	if m.Reason != "" {
		why += fmt.Sprintf(" — at seed %d: %s", m.Seed, m.Reason)
	}
	m.Verdict, m.Reason = SeedDependent, why
	var runs int
	for _, x := range all {
		runs += x.Runs
	}
	m.Runs = runs
	m.Notes = append(slices.Clip(m.Notes), fmt.Sprintf("%d runs over %d seeds; this result's counterexample and replay are seed %d's", runs, len(all), m.Seed))
	return m
}

// seedList renders the seeds of rs compactly: "1–3,5".
func seedList(rs []Result) string {
	var ss []uint64
	for _, r := range rs {
		ss = append(ss, r.Seed)
	}
	slices.Sort(ss)
	var parts []string
	for i := 0; i < len(ss); {
		j := i
		for j+1 < len(ss) && ss[j+1] == ss[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", ss[i], ss[j]))
		} else {
			parts = append(parts, strconv.FormatUint(ss[i], 10))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
