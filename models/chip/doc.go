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
//     pre-state or both post-state;
//   - the issuance desk, per-coin pseudonyms and sealed uploads (desk.go),
//     below.
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
// Controllable anonymity (desk.go; SOURCES.md C11 to C13 and D2, which
// says what stays linkable): every coin a card pays with after a
// withdrawal or a sync is held by a per-coin pseudonym the central bank
// certified and issued by the central bank's issuance desk, whose
// records the agent bank never sees; a withdrawal exchanges the agent
// bank's coins there, every sync the change of the card's payments, and
// what a sync uploads of small payments is sealed to the central bank.
// So merchant and agent bank cannot tell a card's payments apart from
// another card's (R3.1, R3.2, R3.6), while the issuer traces every one.
package chip
