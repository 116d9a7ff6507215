package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSeeds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []uint64
	}{
		{"1..3", []uint64{1, 2, 3}},
		{"7", []uint64{7}},
		{"5..5", []uint64{5}},
		{" 2 .. 4 ", []uint64{2, 3, 4}},
	} {
		got, err := ParseSeeds(c.in)
		if err != nil {
			t.Fatalf("ParseSeeds(%q): %v", c.in, err)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseSeeds(%q) (-want +got):\n%s", c.in, d)
		}
	}
	for _, bad := range []string{"", "a..b", "3..1", "0..4", "1..", "..2", "-1..2", "1..5000", "18446744073709551615..18446744073709551614"} {
		if _, err := ParseSeeds(bad); !errors.Is(err, ErrBadOption) {
			t.Errorf("ParseSeeds(%q) = %v, want ErrBadOption", bad, err)
		}
	}
	// The top of the range terminates (no wrap-around).
	if got, err := ParseSeeds("18446744073709551614..18446744073709551615"); err != nil || len(got) != 2 {
		t.Errorf("top of range: %v %v", got, err)
	}
}

// seedRun fakes one seed's run: verdicts by property name.
func seedRun(seed uint64, verdicts map[string]Verdict) *Results {
	rs := &Results{Schema: SchemaVersion, Env: Env{Seed: seed}}
	for _, name := range []string{"a", "b", "c"} {
		r := Result{Target: "chip", Suite: "GM", Requirement: "R2", Sub: "R2.1", Property: name, Seed: seed, Verdict: verdicts[name], Runs: 10,
			Replay: "dualoffline check --only R2.1-" + name + " --seed " + string(rune('0'+seed))}
		if r.Verdict == Fail || r.Verdict == ExpectedFail {
			r.Reason = "lost 2 fen"
			r.Counterexample = &Counterexample{Message: "lost 2 fen"}
		}
		rs.Results = append(rs.Results, r)
	}
	return rs
}

func TestMergeSeeds(t *testing.T) {
	runs := []*Results{
		seedRun(1, map[string]Verdict{"a": Pass, "b": Pass, "c": ExpectedFail}),
		seedRun(2, map[string]Verdict{"a": Pass, "b": Pass, "c": Pass}),
		seedRun(3, map[string]Verdict{"a": Pass, "b": Fail, "c": ExpectedFail}),
		seedRun(4, map[string]Verdict{"a": Pass, "b": Pass, "c": ExpectedFail}),
	}
	m := MergeSeeds(runs)
	got := map[string]Verdict{}
	for _, r := range m.Results {
		got[r.Property] = r.Verdict
	}
	want := map[string]Verdict{"a": Pass, "b": SeedDependent, "c": SeedDependent}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("merged verdicts (-want +got):\n%s", d)
	}
	for _, r := range m.Results {
		switch r.Property {
		case "a":
			if r.Seed != 1 || !strings.Contains(strings.Join(r.Notes, "\n"), "pass at each of 4 seeds (1–4)") {
				t.Errorf("stable property: seed %d, notes %q", r.Seed, r.Notes)
			}
		case "b":
			// The failing seed is the representative: its replay and
			// counterexample reproduce the failure.
			if r.Seed != 3 || r.Counterexample == nil || !strings.Contains(r.Replay, "--seed 3") {
				t.Errorf("seed-dependent failure: seed %d, replay %q, cx %v", r.Seed, r.Replay, r.Counterexample)
			}
			if !strings.Contains(r.Reason, "pass at seed 1–2,4; fail at seed 3") || !strings.Contains(r.Reason, "lost 2 fen") {
				t.Errorf("reason %q does not list the verdicts by seed and the failure", r.Reason)
			}
			if r.Runs != 40 {
				t.Errorf("runs %d, want the sum over seeds, 40", r.Runs)
			}
		case "c":
			// No seed failed: the first seed that differs (2) stands.
			if r.Seed != 2 || !strings.Contains(r.Reason, "expected-fail at seed 1,3–4; pass at seed 2") {
				t.Errorf("seed-dependent documented violation: seed %d, reason %q", r.Seed, r.Reason)
			}
		}
	}
	if !SeedDependent.Unexpected() {
		t.Error("seed-dependent must be an unexpected verdict")
	}
	if v := Summarise(m.Results); v != SeedDependent {
		t.Errorf("cell verdict %s, want seed-dependent", v)
	}
	if got := m.Env.Params["seeds"]; got != "1,2,3,4" {
		t.Errorf("env seeds %q", got)
	}
	// A single run merges to itself.
	one := MergeSeeds(runs[:1])
	if d := cmp.Diff(runs[0].Results, one.Results); d != "" {
		t.Errorf("one run (-want +got):\n%s", d)
	}
}
