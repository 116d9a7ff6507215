// Package models holds the executable reference models of the three
// published dual-offline schemes and the world they run in.
//
// Sub-packages (each added by its own work item): world (deterministic
// clock, channels, fault injector, traces), bank (two-tier issuance,
// accounts, registry, reconciliation), chip (PBOC 2016 chip-card scheme),
// cert (ICBC 2018 certificate scheme, and its as-published variant
// cert-literal) and chain (ICBC 2019 blockchain scheme). Every scheme
// implements the one Scheme interface declared here, so the requirement
// suites in conformance are written once.
//
// Not built yet: this package holds only its documentation until the
// models land.
package models
