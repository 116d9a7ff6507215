// Package vectors publishes Wycheproof-style JSON test vectors for the
// shared formats and the schemes, per crypto suite, with a JSON Schema
// (vectors/schema), a deterministic generator and an embedded fs.FS so Go
// consumers pin them with go.sum.
//
// Files are named <scheme>_<suite>_<kind>_test.json and hold test groups
// of tests; every test has a stable string tcId
// (<scheme>-<suite>-<kind>-<name>, never renumbered), a comment, flags
// described in the file's notes, a requirement id of the catalogue
// (spec.LookupSub), a result (valid, invalid or acceptable), the canonical
// error code of an invalid case, an input object of hex strings and
// integers, and, when the verdict involves a signature, the signature
// itself ({alg, publicKey, message, sig, id, valid}) for independent tools.
//
// Kinds covered (both suites, GM and INTL):
//
//   - spec/coin: signed coins (CoinInput)
//   - spec/certificate: device certificates with optional revocation list (CertificateInput)
//   - spec/transfer: holdings, a root coin and its lineage of transfer records (TransferInput)
//   - chain/qr: the chain scheme's QR payment payload as the payee wallet decides on it (QRInput)
//   - chip/apdu: the chip scheme's INITIATE command as the payer card decides on it, stateless part (APDUInput);
//     its TRANSFER response as the payee terminal decides on it (APDUTransferInput); its CONFIRM command as the
//     payer card with one logged payment decides on it (APDUConfirmInput)
//   - cert/sealedcoin: the HSM-sealed coin string, opened with the agent HSM's key and checked under the issuer key (SealedCoinInput)
//   - cert/message: the six signed payment messages of a recorded cert-scheme session, each as its receiver
//     decides on it given the session context in the input; a TX's sealed coins are not opened (MessageInput)
//   - cert/session, chip/session: recorded whole-payment transcripts (SessionInput), one clean payment per
//     scheme and suite and transcripts derived from it (a message dropped, repeated, reordered, tampered
//     with, or taken from another recorded payment). The decision is the payee's: provision a fresh payee
//     with the input's id, private key, certificate, root, revocation list, issuer key and agent
//     certificates, holding no coins, its clock at input.at; open one request for input.amount fen under
//     input.nonce, as its own first message of the transcript did; hand it the messages addressed to it, in
//     order, stopping at the first it refuses. Valid: all accepted and the payee ends holding exactly
//     input.amount fen; invalid: the code of the first refusal, or value-mismatch when everything was
//     accepted but the payee holds another value (the cert payee credits only on DEDUCTED; the chip
//     terminal commits at TRANSFER, so a lost DONE is still a valid payment). The reference runs the
//     models' own payee endpoints (models/cert and models/chip ReplayPayee).
//
// Not yet covered: chain/session (models/chain has no fresh-payee replay wrapper yet).
//
// Reference() decides every kind with spec/ and models/; Run runs the
// cases through any Verifier and reports pass, mismatch, skip and error
// per case, per flag and per kind. Generate (go generate ./vectors, or
// the CLI) rewrites the files from the fixed Seed; a test checks that the
// committed files are reproduced byte for byte.
package vectors
