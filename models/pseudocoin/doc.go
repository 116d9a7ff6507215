// Package pseudocoin is a fourth scheme, designed here to meet all six
// requirements, controllable anonymity (R3) included: coins are bundles
// the central bank's desk mints to one-time keys a wallet's secure element
// generates, so nothing a merchant or agent bank sees in a payment
// reappears in another; every payment carries the payer's identity sealed
// to the central bank's trace key; payments above T are logged against
// the payer's account at its agent bank.
//
// Flows: withdrawal (the agent bank debits the account into the central
// bank's vault; the desk mints bundles to fresh one-time keys), payment
// (HELLO, INVOICE, PAY, ACK: dual offline; one signature per one-time key
// spent), reconciliation (an upload sealed to the desk: records signed as
// payer, holdings received, receiving keys never paid on; the desk clears,
// flags double spends with evidence anyone can check, and mints change
// and exchanged value to fresh keys), deposit. DESIGN.md gives the
// anchors, the trust assumptions and how each requirement is met;
// FORMATS.md the messages.
package pseudocoin
