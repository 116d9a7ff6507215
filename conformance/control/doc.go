// Package control holds control targets for the controllable-anonymity
// suite (R3): a scheme whose verdicts there are known by construction, and
// mutants of it that each break one R3 sub-property in one named way.
//
// Contract of Ideal: the merchant's and the agent bank's views of a
// payment of at most T (models.Config.Threshold) are independent of
// the payer by construction: one PAY message of a fresh 32-byte nonce from
// the world's seeded source, the amount, the payer's identity escrow (its
// device id sealed to the central bank's trace key under fresh randomness)
// and a proof that the escrow is well formed. The proof stands for a
// zero-knowledge proof that the escrow seals the sending device's
// certified identity to the trace key; the control realises it as a MAC
// under a key only the ideal prover and verifiers share, issued only when
// the witness (identity and key sealed to) is honest. Payees and the banks
// check it. Only the central bank opens escrows (models.Tracer). A payment
// above T also leaves the payer with a record signed under its
// certificate, which its agent bank receives at its next reconciliation
// (R3.6). The payer's device and the agent bank hold no key that opens an
// escrow (models.Opener reports what their keys open).
//
// Ideal is not a full scheme: it implements models.Instance honestly
// enough for R3.1 to R3.6 to run, and nothing more. It keeps no coin
// lineage, resolves no interrupted payment (a payment whose PAY was lost
// stays pending on the payer), has no double-spend detection and stages
// only the escrow corruptions; other requirements are not its job, and
// Deposit, Clone and the other corruptions return spec.CodeUnimplemented.
// It must pass every R3 property at the default depth under both suites;
// every mutant of Mutants must fail its R3 property, naming the leak.
package control
