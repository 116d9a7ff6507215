// Package spec is the normative vocabulary of dualoffline: the requirement
// catalogue (R1 security … R6 compatibility with cash, each split into
// sub-properties with stable ids), the canonical error codes every model,
// vector and adapter uses, and the limits and constants of the formats.
//
// The byte formats live in sub-packages: spec/coin (the coin and its
// HSM-sealed string), spec/devcert (device certificates and revocation),
// spec/suite (the GM and INTL crypto suites) and spec/der (the strict DER
// profile they share). spec/requirements.md and spec/formats.md are the
// same contract in prose.
//
// Everything here is pure: no clocks, no global randomness, no I/O. Bad
// input is answered with an *Error carrying a Code, never with a panic.
package spec
