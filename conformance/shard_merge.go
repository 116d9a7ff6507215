package conformance

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
)

// MergeError is why MergeShards refused its parts: Field names what
// differs or is wrong ("version", "seed", "checks", "shard", …), Part the
// 0-based index of the offending part (-1 when the fault is the set of
// parts, a missing shard). It unwraps to a *spec.Error: unknown-version
// for parts of different harness versions or schemas, malformed otherwise.
type MergeError struct {
	Field  string
	Part   int
	Detail string
}

func (e *MergeError) Error() string {
	if e.Part < 0 {
		return fmt.Sprintf("merge shards: %s: %s", e.Field, e.Detail)
	}
	return fmt.Sprintf("merge shards: part %d: %s: %s", e.Part+1, e.Field, e.Detail)
}

// Unwrap classes the error for errors.Is(err, spec.ErrMalformed) and
// spec.ErrUnknownVersion.
func (e *MergeError) Unwrap() error {
	code := spec.CodeMalformed
	if e.Field == "version" || e.Field == "schema" || e.Field == "go" {
		code = spec.CodeUnknownVersion
	}
	return &spec.Error{Code: code, Detail: e.Error()}
}

// runFields are the fields every part of one run must share, by name.
func runFields(rs *Results) [][2]string {
	e := rs.Env
	f := [][2]string{
		{"schema", rs.Schema},
		{"version", e.Version},
		{"go", e.GoVersion},
		{"seed", strconv.FormatUint(e.Seed, 10)},
		{"seeds", e.Params["seeds"]},
		{"threshold", e.Params["threshold"]},
		{"checks", strconv.Itoa(e.Checks)},
		{"steps", strconv.Itoa(e.Steps)},
		{"suites", strings.Join(e.Suites, ",")},
	}
	if s := e.Shard; s != nil {
		f = append(f, [][2]string{
			{"shards", strconv.Itoa(s.Count)},
			{"targets", strings.Join(s.Targets, ",")},
			{"only", strings.Join(s.Only, ",")},
			{"timeout", s.Timeout},
			{"shrink_time", s.ShrinkTime},
			{"total", strconv.Itoa(s.Total)},
			{"plan", s.Plan},
		}...)
	}
	return f
}

// MergeShards merges the results of the shards of one run into the
// results the unsharded run gives: the same results in the same order,
// Env without Shard (Started is the earliest part's). One part without
// Shard is returned as it is. It refuses, with a *MergeError, parts of
// different schemas, harness versions, seeds or options, a part that is
// not a shard, a missing or duplicated shard, a result in two parts, a
// part whose results do not add up to its declared units, and a part
// carrying a mutant score (mutant runs are not sharded).
func MergeShards(parts []*Results) (*Results, error) {
	if len(parts) == 0 {
		return nil, &MergeError{Field: "shard", Part: -1, Detail: "no results to merge"}
	}
	for i, p := range parts {
		if p == nil {
			return nil, &MergeError{Field: "results", Part: i, Detail: "empty"}
		}
	}
	if len(parts) == 1 && parts[0].Env.Shard == nil {
		return parts[0], nil
	}
	first := runFields(parts[0])
	have := map[int]int{} // shard index -> part
	for i, p := range parts {
		s := p.Env.Shard
		if s == nil {
			return nil, &MergeError{Field: "shard", Part: i, Detail: "not a shard's results (no env.shard): a whole run merges with nothing"}
		}
		if p.Mutants != nil {
			return nil, &MergeError{Field: "mutants", Part: i, Detail: "a shard carries a mutant score; mutant runs are not sharded"}
		}
		if s.Count < 1 || s.Count > MaxShards || s.Index < 1 || s.Index > s.Count {
			return nil, &MergeError{Field: "shard", Part: i, Detail: fmt.Sprintf("shard %d/%d: want 1 ≤ i ≤ n ≤ %d", s.Index, s.Count, MaxShards)}
		}
		f := runFields(p)
		for k := range first {
			if k >= len(f) || f[k] != first[k] {
				got := ""
				if k < len(f) {
					got = f[k][1]
				}
				return nil, &MergeError{Field: first[k][0], Part: i, Detail: fmt.Sprintf("part %d has %q, but part 1 has %q: parts of different runs (either may be the odd one)", i+1, got, first[k][1])}
			}
		}
		if j, dup := have[s.Index]; dup {
			return nil, &MergeError{Field: "shard", Part: i, Detail: fmt.Sprintf("shard %s given twice (parts %d and %d)", shardOf(s).String(), j+1, i+1)}
		}
		have[s.Index] = i
		if len(p.Results) != s.Units {
			return nil, &MergeError{Field: "units", Part: i, Detail: fmt.Sprintf("shard %s declares %d units but holds %d results", shardOf(s).String(), s.Units, len(p.Results))}
		}
	}
	n := parts[0].Env.Shard.Count
	var missing []string
	for i := 1; i <= n; i++ {
		if _, ok := have[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return nil, &MergeError{Field: "shard", Part: -1, Detail: "missing shard " + strings.Join(missing, ", ")}
	}
	targets := parts[0].Env.Shard.Targets
	rank := map[string]int{}
	for i, t := range targets {
		if _, ok := rank[t]; !ok {
			rank[t] = i
		}
	}
	out := &Results{Schema: parts[0].Schema, Env: parts[0].Env}
	out.Env.Shard = nil
	out.Env.Params = maps.Clone(parts[0].Env.Params)
	seen := map[string]int{}
	for i, p := range parts {
		if p.Env.Started.Before(out.Env.Started) {
			out.Env.Started = p.Env.Started
		}
		for _, r := range p.Results {
			if j, dup := seen[r.Key()]; dup {
				return nil, &MergeError{Field: "results", Part: i, Detail: fmt.Sprintf("%s is in parts %d and %d", r.Key(), j+1, i+1)}
			}
			if _, ok := rank[r.Target]; !ok {
				return nil, &MergeError{Field: "results", Part: i, Detail: fmt.Sprintf("%s: target %q is not one of the run's targets", r.Key(), r.Target)}
			}
			seen[r.Key()] = i
			out.Results = append(out.Results, r)
		}
	}
	if len(out.Results) != parts[0].Env.Shard.Total {
		return nil, &MergeError{Field: "total", Part: -1, Detail: fmt.Sprintf("the shards hold %d results, the run has %d units", len(out.Results), parts[0].Env.Shard.Total)}
	}
	// The unsharded run orders targets as given, then Sort keeps that.
	sort.SliceStable(out.Results, func(i, j int) bool { return rank[out.Results[i].Target] < rank[out.Results[j].Target] })
	out.Sort()
	return out, nil
}

// shard is the part's Shard, "i/n" as a string.
func shardOf(s *ShardInfo) Shard { return Shard{Index: s.Index, Count: s.Count} }

// ShardBalance describes one part of a sharded run: its estimated and
// measured cost, for checking that shards finish together.
type ShardBalance struct {
	Shard      string  // "i/n"
	Units      int     // units it ran
	EstimateMS int     // the cost table's estimate
	MeasuredMS float64 // the sum of its results' DurationMS
}

// Balance returns each part's estimated and measured cost, in shard
// order; parts without Shard are left out.
func Balance(parts []*Results) []ShardBalance {
	var out []ShardBalance
	var idx []int
	for _, p := range parts {
		s := p.Env.Shard
		if s == nil {
			continue
		}
		b := ShardBalance{Shard: shardOf(s).String(), Units: len(p.Results), EstimateMS: s.Cost}
		for _, r := range p.Results {
			b.MeasuredMS += r.DurationMS
		}
		out = append(out, b)
		idx = append(idx, s.Index)
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return idx[order[a]] < idx[order[b]] })
	sorted := make([]ShardBalance, len(out))
	for i, o := range order {
		sorted[i] = out[o]
	}
	return slices.Clip(sorted)
}
