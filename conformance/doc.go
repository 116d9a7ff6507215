// Package conformance turns the requirement catalogue of spec into
// executable properties and runs them against the reference models, their
// mutants and vendor implementations.
//
// # Properties
//
// Every sub-property of the catalogue (R1.1 … R6.7) has at least one
// Property, written once against models.Instance and run for every scheme
// and both crypto suites. Protocol runs are rapid state machines or
// enumerations of every crash and loss point of a payment (including the
// writes a device makes finishing a session, world.FaultCrashEnd) and of
// every power cut of an online operation (online.go: each write of the
// wallet and of a bank's device store, each bank commit before and after,
// then the client's retry) and the loss of one block a scheme's bank
// nodes gossip to one of them, the node staying up (gossip.go,
// world.LossyNetwork); data properties
// use gopter; anonymity (R3) is a distinguishing game with a documented
// library of distinguishers and a confidence bound. Properties that need
// a scheme's own encodings (forged coins, uncertified keys, identity
// substitution, an insider signing with a certified wallet's own key:
// models/adversary.go, models/insider.go) use the optional capabilities
// of models and report skip, naming the capability, where a target lacks
// it.
//
// # Orders of events
//
// Where the order of concurrent events matters to a statement, a property
// draws it instead of fixing it (orders.go): what happens between two
// related payments (a power cycle of either side, the first payee going
// online or depositing, the payer going online), which party reconciles
// first and at which point of that order the payees deposit, and whether
// a holder power-cycles before paying onward. Value checks are exact
// where the catalogue says exact: a payee credited exactly its spend or
// nothing (R2.6), a flag valued at the coin spent twice (R2.3), a trace
// of exactly what the payer paid (R3.4).
//
// # Verdicts
//
// Each property ends pass (it ran Runs cases from Seed and held), fail
// (with the shrunk counterexample, its world trace and a replay command),
// expected-fail (the target's models.Info.Expected documents the
// property's violation and the failure shows the documented cause: its
// witness matches), unexpected-pass (documented but not found: the
// documentation is wrong) or skip (with what is missing). A documented
// property that fails for another cause, and any undocumented property,
// fails: documentation never hides a different bug.
// Fail and unexpected-pass are unexpected and make a run exit non-zero.
// Results serialise to JSON per schema/results.schema.json; their types
// live in conformance/results, which readers import without the suites.
//
// # Running
//
// In go test, Run(t, target) runs every property as subtests named
// Suite/Requirement/Property (the shape of nettest.TestConn); depth and
// seed come from -rapid.checks, -rapid.steps and -rapid.seed, with
// DefaultSeed when no seed is given so CI runs are reproducible. Outside
// go test, Check(ctx, target, opts) returns Results; `dualoffline check`
// is built on it. CheckMutants scores the suites against the mutant
// catalogue: each mutant must be killed by the requirement it names.
// Options.Shard runs one deterministic part of a CheckAll, for a run
// across machines; MergeShards joins the parts into the unsharded run's
// Results (shard.go, shard_merge.go).
//
// Determinism: every random choice comes from rapid's bit stream, gopter's
// seed or a world seeded from them, so the same seed, checks and steps
// give the same verdicts and counterexamples. An instance's setup (banks,
// keys, certificates, personalised devices) is drawn from the run's seed
// whatever seed a case draws, and the world is reseeded with the case's
// seed after it (T.New): the cases of a property share one setup, whose
// keys, certificates and revocation lists are made once per process
// (spec/suite, spec/devcert) and counted as saved, not as done. A target
// whose devices are seeded in setup (a vendor's, a card) is set up from
// each case's seed instead (FreshSetup).
package conformance
