// Package chip is the executable model of the PBOC dual-offline scheme of
// 2016 (patent CN107230079B, "使用数字货币芯片卡进行离线支付的方法及系统",
// and siblings). What the source says (SOURCES.md quotes it sentence by
// sentence, with where the model implements each): value lives in chip
// cards that qualified makers produce and that reach holders through
// commercial banks; cards pay each other over a near-field link; each card
// checks that the currency is genuine and the transaction legitimate.
//
// The source describes the card's duties, not a message flow. Everything
// below the duties is our completion (SOURCES.md, "Our completion", says
// what each part is for):
//
//   - the APDU flow (protocol.go, messages.go): the payee's card acts as
//     the terminal and sends INITIATE (amount, challenge, its certificate,
//     signed); the payer's card answers TRANSFER (its certificate, per coin
//     a holding and a record binding payee and challenge); the payee
//     answers CONFIRM, the payer DONE; a payee that refuses sends REFUSE
//     so the payer rolls back, holding what returns until it reconciles.
//     INITIATE lets the payer check whom it pays;
//     the records let a card verify a coin offline and the bank find
//     double spends;
//   - the write-ahead log (se.go): the payer commits the spent coins, its
//     change and a log entry in one write before TRANSFER leaves, so a
//     power cut neither spends twice nor loses value;
//   - CONFIRM: tells the payer the payee holds the coins, which marks the
//     log entry acknowledged;
//   - forwarding: going online uploads the records, forwards to a payee
//     what a lost message kept from it (bank.Registry.Mail), clears the
//     log and resets the limits, so an interrupted payment ends both
//     pre-state or both post-state.
//
// Each wallet is an SE (se.go) holding its key, its central-bank
// certificate, the root, the issuer key, the agent certificates, the
// revocation list, its limits, a monotonic counter and its coins
// (holdings with lineage, spec/transfer). Cards have no clock: they judge
// certificates at their last trusted time. The maker attests each card
// key and the central bank certifies only attested keys (maker.go). The
// certificate names a pseudonym, not the holder; the central bank's
// register links the two, so its trace and its double-spend verdicts
// name the holder while merchants and agent banks read no identity.
//
// What still departs from the requirements, listed in SOURCES.md under
// "Known departures" (D2): four channels of our completion link a card's
// payments for merchant and agent bank, although the patent states
// controllable anonymity as a requirement: the card's one certificate,
// the withdrawal hand-over the agent bank signs (the first hop of every
// coin's lineage), the change a payment's record creates and the uploads
// that run through the holder's account. This model therefore documents
// R3.1, R3.2 and R3.6 as violations. D2 also gives the completion that
// removes them (per-coin pseudonyms, issuance by the central bank sealed
// to the card, exchange at every sync, sealed uploads), not built yet.
package chip
