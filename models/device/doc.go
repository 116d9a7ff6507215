// Package device is the plumbing every model's external-device seam
// shares: what chip, cert, chain and pseudocoin each need so that a
// vendor's wallet can play inside the model through the adapter
// protocol (conformance/adapter/PROTOCOL.md §7), written once.
//
// It has three parts:
//
//   - the wire types every scheme's operations use alike (wire.go):
//     Message, Error, KeygenParams, KeygenResult, Limits, MessageResult,
//     DeliverResult, EndSessionResult, and the Coin and Deposit entries of
//     the schemes whose coins are transfer holdings (chip, cert), the
//     params of the schemes whose devices take the time as Unix seconds
//     (clocked.go, chain and pseudocoin: AmountParams, DeliverAtParams,
//     answered by Kit.DeliverAt), and
//     their deposit operations answered and called once (deposit.go:
//     DepositOps, SignDepositParams, FinishDepositParams). Their
//     JSON member names are the protocol's; a model's own operations
//     (the Op constants, their params and results) stay in the model and
//     use these, so the types here are as normative as the model's;
//   - the harness side (remote.go): Remote, the Link call every model's
//     remote device embeds (with Open, a payment session started on the
//     device, and CloseSession, its end and whether value was stored;
//     RemoteHolder, deposit.go, the deposit half of a coin-holding remote
//     device), the mapping of a device's refusal to a
//     canonical code (Canonicalizer), reaching an external wallet and
//     having it generate its key (DialExternal, External.Attach,
//     external.go) and closing a model's links;
//   - the device side (host.go): Kit, the scaffolding of a model's Host
//     (the store it loads and must persist, the start counter, the
//     randomness drawn from the keygen seed, keygen itself, the trial load
//     before personalisation commits, a message handled inside the power
//     guard), OpenHost, a Host opened on its store with the mutation it
//     plays checked, Setup, the keygen and load operations answered once,
//     Gate, what any device answers before its own operations (setup,
//     a second load, an operation not its own, the refusal before
//     loading, in a Stage's words), Holder, the same for a coin-holding
//     device with its deposits, Decode and
//     Decoded, the strict decoding of params, Credit, the settling of
//     forwarded holdings, and (external.go) NoParams and Bare, the params
//     of an operation that takes none, and Kit.OwnCertificate, the check
//     that a certificate loaded is the device's own.
//
// Package devicetest, below this one, holds the checks the schemes' tests
// make alike of an external device. Two packages beside it serve a
// channel only some schemes have, each behind a capability of package
// models: vcard, a wallet card (models.CardWallet) as a smart card in a
// reader, and qr, the payment QR code (models.QRPayer) drawn and read.
//
// Contract: nothing here knows a scheme. The wire types never change
// shape (a member added, renamed or dropped is a protocol change, §6);
// a model adds what its scheme needs by embedding or wrapping them, never
// by editing them. The harness side turns everything an external device
// gets wrong (an unknown refusal code, a key or coin that does not parse)
// into an error wrapping models.ErrBroken, and a refusal into a
// *spec.Error. The device side refuses with *spec.Error (malformed params
// are spec.CodeMalformed) and a refused operation changes nothing in the
// store; the store keys it writes (StoreSuite, StoreSeed, StoreBoots) are
// part of the persisted state of every reference device and keep their
// names.
package device
