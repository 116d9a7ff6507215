// Package kit is the wallet bookkeeping that schemes whose wallet is a
// secure element holding certified coins (cert, chip) would otherwise
// each write again: the device table and its lifecycle (Table: lookup,
// online, restart, snapshot, restore, clone), the element's shared store
// layout, identity and coins (Core, which makes it a forge.Holder; the
// Material it is loaded with; its pending deposits, on the wire too;
// the staged insider's records), and the bank-side helpers built on them
// (Corrupt, Inject, Auditor, Ledger, Depositor, Trace, PayeeProvision,
// PayeeDevice, Feed and PayeeReplay for the vectors' replays, PayerTrust and
// PayerDevice for their payer inputs), the banks and what provisioning
// loads (Banks, NewPhone, Materials, Provision), a payment's session and
// spends (Payment, Core.Spend, Core.DepositWith, LogEntry), the offline
// half of the device seam (Offline), the reconciliation's upload (Upload)
// and the upload and view of held coins (UploadHeld, HoldingsOf,
// State.View, StateOf, ViewOf) and the state on the wire (WireStateOf,
// StateFromWire, and ReadState for an external element's read-out). The
// chain scheme, whose wallet is no such element, shares the device table
// (its wallet is an Element, set up by Table.AddWallets), its phones
// (NewPhone) and injection (InjectWith).
//
// Contract: a scheme embeds Table[D, E] in its Instance and Core in its
// element E, writes E.Recover (Core.Load first, then its own fields) and
// supplies what differs as small interfaces (Device, Element, Roles,
// Wallet, Spends) or plain functions; the kit holds no state of its own
// beyond what the scheme embeds, draws randomness only from the world it
// is given, and returns typed spec errors, never panics, except on a store
// that does not load (a model bug, as before).
package kit
