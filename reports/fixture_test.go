package reports

import (
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// trace returns a counterexample trace of n events using every kind.
func trace(n int, parties ...world.PartyID) []world.Event {
	if len(parties) == 0 {
		parties = []world.PartyID{"wallet-A", "wallet-B", "cb"}
	}
	kinds := []world.Kind{world.KindSend, world.KindDeliver, world.KindReject, world.KindFault, world.KindCrash,
		world.KindRestart, world.KindPersist, world.KindState, world.KindNote, world.KindOnline, world.KindFault, world.KindSend}
	var out []world.Event
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		from, to := parties[i%len(parties)], parties[(i+1)%len(parties)]
		e := world.Event{Seq: i + 1, TimeMS: int64(i * 37), Session: 1, Step: i/3 + 1, Kind: k, From: from, To: to}
		switch k {
		case world.KindSend, world.KindDeliver, world.KindOnline:
			e.Type, e.Len, e.Hash = "PayRequest", 120+i, "0011223344556677"
		case world.KindReject:
			e.Type, e.Code, e.Detail = "Coin", "double-spend", "serial already spent"
		case world.KindFault:
			e.Fault, e.Type = "drop", "Ack"
			if i%2 == 0 {
				e.To, e.Type = "", "" // a fault on one lane
			}
		case world.KindCrash, world.KindRestart, world.KindPersist:
			e.To = ""
		case world.KindState:
			e.To, e.Detail = "", "balance 500→300"
		case world.KindNote:
			e.To, e.Detail = "", "store written"
		}
		if i == n-1 && n > 3 {
			e.Kind, e.From, e.To, e.Type = world.KindSend, from, from, "SelfCheck" // a message to oneself
		}
		out = append(out, e)
	}
	return out
}

var started = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)

// sample returns results with every verdict, a counterexample, a game and
// a mutant score, for two targets and two suites.
func sample() *results.Results {
	rs := &results.Results{
		Schema: results.SchemaVersion,
		Env: results.Env{Module: "github.com/dualoffline/dualoffline", Version: "v0.0.0-test", GoVersion: "go1.26",
			Seed: 1, Checks: 100, Steps: 20, Suites: []string{"GM", "INTL"}, Started: started,
			Params: map[string]string{"game.epsilon": "0.1", "timeout": "2m0s", "shrink": "10s", "alpha": "z"}},
	}
	add := func(target, suite string, sub spec.SubID, prop string, v results.Verdict) *results.Result {
		req := spec.ReqID(string(sub)[:2])
		rs.Results = append(rs.Results, results.Result{
			Target: target, Suite: suite, Requirement: req, Sub: sub, Property: prop, Doc: "checks " + prop,
			Verdict: v, Runs: 100, Seed: 42, Replay: fmt.Sprintf("dualoffline check --scheme %s --suite %s --only %s-%s --seed 42", target, suite, sub, prop),
			DurationMS: 12.5,
		})
		return &rs.Results[len(rs.Results)-1]
	}
	for _, target := range []string{"chip", "vendor-x"} {
		for _, suite := range []string{"GM", "INTL"} {
			add(target, suite, "R1.1", "balance-conserved", results.Pass)
			add(target, suite, "R1.2", "no-forged-coin", results.Pass)
			r := add(target, suite, "R2.1", "serial-once", results.ExpectedFail)
			r.Reason = "documented: offline double spend is detected only online"
			r.Counterexample = &results.Counterexample{Message: "coin spent twice", Plan: "drop@3", Log: []string{"draw 1", "draw 2"}, Trace: trace(14)}
			r = add(target, suite, "R3.1", "payer-unlinkable", results.Pass)
			r.Game = &results.Game{Trials: 500, Epsilon: 0.1, Distinguishers: []results.Distinguished{
				{Name: "length", Success: 0.51, Low: 0.45, High: 0.57},
				{Name: "serial", Success: 0.5, Low: 0.44, High: 0.56},
			}}
			r.Notes = []string{"trials 500", "epsilon 0.1"}
			add(target, suite, "R4.1", "needs-chip", results.Skip).Reason = "target has no secure element"
			if target == "vendor-x" {
				r = add(target, suite, "R5.1", "atomic-transfer", results.Fail)
				r.Reason = "payer debited, payee not credited\nafter crash at step 4"
				r.Counterexample = &results.Counterexample{Message: "money lost: 200", Plan: "crash@4", Log: []string{"[rapid] draw 0: 4"}, Trace: trace(30)}
				r = add(target, suite, "R6.1", "offline-pay", results.UnexpectedPass)
				r.Reason = "documented as failing but held"
				r = add(target, suite, "R3.2", "receiver-unlinkable", results.Fail)
				r.Reason = "distinguisher length won"
				r.Game = &results.Game{Trials: 500, Epsilon: 0.1, Traced: 3, Planned: 3963, Confidence: 0.99, Beta: 0.001,
					Rule: "stop on a leak at trials [20 40]", Outcome: results.OutcomeLeak, Distinguishers: []results.Distinguished{
						{Name: "length", Success: 0.9, Low: 0.85, High: 0.94, Leak: "message length"},
					}}
			} else {
				add(target, suite, "R5.1", "atomic-transfer", results.Pass)
				add(target, suite, "R6.1", "offline-pay", results.Pass)
			}
		}
	}
	rs.Sort()
	rs.Mutants = &results.MutantScore{Total: 3, Killed: 2, Score: 2.0 / 3, Suite: "GM", Checks: 50, DurationS: 12.3,
		ByReq: map[string]int{"R2": 1, "R5": 1}, OfReq: map[string]int{"R2": 1, "R5": 1, "R1": 1},
		Runs: []results.MutantRun{
			{Mutant: "no-serial-check", Scheme: "chip~no-serial-check", Breaks: "R2", Doc: "accepts a spent serial", Killed: true, KilledBy: []string{"R2.1-serial-once"}},
			{Mutant: "lose-on-crash", Scheme: "chip~lose-on-crash", Breaks: "R5", Doc: "forgets the credit", Killed: true, KilledBy: []string{"R5.1-atomic-transfer"}, Also: []string{"R1.1-balance-conserved"}},
			{Mutant: "weak-sig", Scheme: "chip~weak-sig", Breaks: "R1", Doc: "signs with a fixed nonce", Killed: false},
		}}
	return rs
}

// large returns n results, a fifth of them failing with a trace of 300
// events, for the benchmark.
func large(n int) *results.Results {
	rs := sample()
	rs.Results = nil
	subs := spec.SubIDs()
	for i := 0; i < n; i++ {
		sub := subs[i%len(subs)]
		r := results.Result{Target: fmt.Sprintf("target-%d", i/len(subs)/2), Suite: []string{"GM", "INTL"}[(i/len(subs))%2],
			Requirement: spec.ReqID(string(sub)[:2]), Sub: sub, Property: fmt.Sprintf("prop-%d", i), Doc: "a property",
			Verdict: results.Pass, Runs: 100, Seed: uint64(i), Replay: "dualoffline check --only " + string(sub), DurationMS: 3}
		if i%5 == 0 {
			r.Verdict = results.Fail
			r.Reason = "violated"
			r.Counterexample = &results.Counterexample{Message: "boom", Log: []string{"a", "b"}, Trace: trace(300, "a", "b", "c", "d")}
		}
		rs.Results = append(rs.Results, r)
	}
	return rs
}
