// Package vectors publishes Wycheproof-style JSON test vectors for the
// shared formats and the schemes, per crypto suite, with a JSON Schema
// (vectors/schema), a deterministic generator and an embedded fs.FS so Go
// consumers pin them with go.sum.
//
// Files are named <scheme>_<suite>_<kind>_test.json and hold test groups
// of tests; every test has a stable string tcId
// (<scheme>-<suite>-<kind>-<name>, never renumbered), a comment, flags
// described in the file's notes (upper camel case: what was done to the
// object; lower case: the ids of the checks of spec/checks.json the case
// pins, so that every check the byte-format documents state is pinned by
// some case, which vectors lint enforces; for an invalid case the tag is a
// claim that an implementation without that one check fails it, which
// vectors lint confirms with ReferenceWithout), a requirement id of the
// catalogue
// (spec.LookupSub), a result (valid, invalid or acceptable), the canonical
// error code of an invalid case, an input object of hex strings and
// integers, for some valid cases an expected member (what the case must
// reach, such as a transfer's holder and value), and, when the verdict
// involves a signature, the signature itself ({alg, publicKey, message,
// sig, id, valid}) for independent tools. An implementation sees only
// Case: the scheme, suite, kind, shape (the test group's type, naming the
// input object), tcId and input; an input member present only on valid
// cases would give the verdict away, so none is (a test checks).
//
// Kinds covered (both suites, GM and INTL):
//
//   - spec/coin: signed coins (CoinInput)
//   - spec/certificate: device certificates with optional revocation list (CertificateInput)
//   - spec/transfer: holdings, a root coin and its lineage of transfer records (TransferInput)
//   - chain/qr: the chain scheme's QR payment payload as the payee wallet decides on it (chain.QRInput)
//   - chip/apdu: the chip scheme's INITIATE command as the payer card decides on it, stateless part (chip.APDUInput);
//     its TRANSFER response as the payee terminal decides on it (chip.APDUTransferInput); its CONFIRM command as the
//     payer card with one logged payment decides on it (chip.APDUConfirmInput); the payer card's own decisions:
//     whether a card given its key, certificate and coins pays an INITIATE (chip.APDUPayInput: no 8 of its
//     coins cover it, funds) and whether it rolls its logged payment back on a REFUSE, seen in its answer to
//     an INITIATE only the restored coins cover (chip.APDURefuseInput)
//   - chain/agree: the agreement keyed into the payer's wallet, as that wallet decides whether to pay it (chain.AgreeInput)
//   - cert/sealedcoin: the HSM-sealed coin string, opened with the agent HSM's key and checked under the issuer key (cert.SealedCoinInput)
//   - cert/message: the six signed payment messages of a recorded cert-scheme session, each as its receiver
//     decides on it given the session context in the input; a TX's sealed coins are not opened (cert.MessageInput)
//   - cert/session, chip/session: recorded whole-payment transcripts (vgen.SessionInput), one clean payment per
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
//   - chain/session: recorded payments of the chain scheme (chain.ChainSessionInput), the agreement the payee's till
//     showed and the payment QR code, one clean payment per suite and transcripts a one-way QR channel allows
//     (the code not scanned, scanned twice, a bit of one field flipped, cut short, or another recorded
//     payment's code scanned instead; the payee's clock or revocation list against the clean code). The
//     decision is the payee's, as for the other session kinds, with the chain key in place of the issuer key
//     and agent certificates and the agreement's nonce: valid when the QR codes addressed to the payee are
//     accepted and it ends holding the amount received offline (a second scan finds no session open: replay).
//     The reference runs the model's own wallet behind its Host (models/chain ReplayPayee); the chain/qr kind
//     is decided by the same payee endpoint with only the payee's address known (models/chain Scan).
//   - pseudocoin/hello, pseudocoin/invoice, pseudocoin/pay, pseudocoin/ack, pseudocoin/mint: each message a pseudocoin
//     wallet receives, as its receiver decides on it given its own state in the input (HELLO and PAY at the payee,
//     INVOICE and ACK at the payer, the desk's sealed mint reply at the element: pseudocoin.HelloInput, InvoiceInput,
//     PayInput, AckInput, MintInput), decided with the checks the model's own sessions make (models/pseudocoin checks.go)
//
// The spec kinds are generated and decided here. A scheme's kinds are its
// own: the scheme's package offers them as a vgen.Source (its
// vectorgen*.go files: the generators, the input types named above, the
// reference decisions), and Build and Reference find every Source
// through models/all (Sources), so a new scheme's vectors come with its
// package. So does its part of the published schema: go generate writes
// vectors/schema/vectors.schema.json from schema/template.json (the spec
// kinds and what every file shares) and each Source's Schema
// (models/<scheme>/vectorgen.schema.json), and a test keeps the committed
// file equal to Schema(). The published header of each of a scheme's
// files is prose in models/<scheme>/vectorgen_headers.json (vgen.Headers). Package vgen holds the file format (File, Case, aliased here)
// and the generator kit (Builder, Gen, the PKI, session transcripts,
// input decoding) the sources build with; it imports no scheme and not
// this package.
//
// Reference() decides every kind with spec/ and models/ (the models'
// exported checks: models/chip checks.go, models/cert checks.go,
// models.Lookup), and ReferenceWithout the same with checks removed where
// that code makes them (spec.Makes); Run runs the
// cases through any Verifier and reports pass, mismatch, skip and error
// per case, per flag and per kind. Generate (go generate ./vectors, or
// the CLI) rewrites the files from the fixed Seed; a test checks that the
// committed files are reproduced byte for byte.
package vectors
