// Package models holds the executable reference models of the three
// published dual-offline schemes and the world they run in, and declares
// the one interface (Scheme, Instance) every model implements, so that the
// requirement suites are written once.
//
// Sub-packages: world (deterministic clock, devices, sessions, fault
// injector, traces), bank (two-tier issuance, accounts, registry,
// reconciliation, double-spend evidence, identity escrow), chip (PBOC 2016
// chip-card scheme), cert (ICBC 2018 certificate scheme and its
// as-published variant cert-literal), chain (ICBC 2019 blockchain scheme)
// and all (the list of schemes). A fourth scheme is a new package added to
// all; no other scheme changes.
//
// Every Instance keeps the contract on Instance: refusals are typed
// spec errors that leave persistent state unchanged, all randomness comes
// from the world's seed, and Audit accounts for every fen issued.
package models
