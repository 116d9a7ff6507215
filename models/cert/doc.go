// Package cert is the executable model of the ICBC dual-offline scheme of
// 2018, "基于数字货币的离线支付方法、终端及代理投放设备" (offline payment
// method based on digital currency, terminal and agent distribution
// device), in two variants.
//
// SOURCES.md quotes every step, field and check of the published flow and
// coin from the seed article, with where the model implements it, then
// every step the model adds, with the reason, and the known departures.
// Two of them are our choices where the source is silent: the coin's
// previous coin serial (前手币编号) is always zero, because a coin moves by
// signed transfer records that each name their parent serial, so the coin
// never changes after issue; and the HSM (加密机) key that opens coin
// strings is provisioned into every SIM, so it protects coin strings in
// transit, not the coins, whose authenticity rests on the issuer's
// signature. The coin is signed by the central bank's issuer key, where
// the source has the agent assemble it.
//
// Coins. The agent bank's issuance device (代理投放设备) buys coins from
// the central bank and hands them to a withdrawing wallet (two-tier
// issuance, models/bank). A coin carries the patent's elements — serial,
// denomination, currency, unit, version, previous-holder serial (前手币编号)
// and issuing-agent id, signed by the issuer (spec/coin) — and the agent's
// HSM (加密机) seals it into the coin string (数字货币加密字符串) that travels
// to the wallet in an ISSUE envelope (issue.go). The wallet keeps each coin
// as a holding: the issuer-signed root and the signed transfer records
// that moved it to its holder, each naming its parent serial
// (spec/transfer).
//
// Wallets. Each wallet is a phone whose trusted hardware, a SIM (sim.go),
// holds its key pair, its central-bank certificate, the root, the issuer
// key, the agent certificates, the revocation list, the HSM key its agent
// provisioned, its limits and counters, its coins and its logs. It
// persists only through its world.Device; a power cut loses everything
// else, and recover rebuilds the SIM from the store. Phones have clocks:
// certificates are checked at the phone's own time.
//
// The payment (protocol.go), six messages over a near-field link:
//
//	payee                                            payer
//	  │ HELLO-PAYEE: id, public key, certificate,       │
//	  │   amount, nonce; signed                          │
//	  │ ───────────────────────────────────────────────▶ │ checks certificate (root,
//	  │ HELLO-PAYER: id, public key, certificate; signed  │   validity, revocation), limits
//	  │ ◀─────────────────────────────────────────────── │
//	checks certificate                                   │
//	  │ PROCEED; signed                                   │
//	  │ ───────────────────────────────────────────────▶ │ records bound to payee and nonce
//	  │ TX: amount, coins sealed to the payee's key;      │ [cert: deduction written ahead]
//	  │   signed with the payer's private key             │
//	  │ ◀─────────────────────────────────────────────── │
//	verifies signature, opens with own key,              │
//	validates lineage, issuer signature, amounts         │
//	  │ DEDUCT: digest of the records; signed             │
//	  │ ───────────────────────────────────────────────▶ │ [cert-literal: deducts now]
//	  │ DEDUCTED: deduct-success notice; signed           │
//	  │ ◀─────────────────────────────────────────────── │
//	registers the offline record, counts the coins       │
//
// The TX seals its coins (holdings, records and the certificates of
// earlier holders) to the payee: a fresh content key is sealed with the
// payee's public key (suite PublicKey.Seal, SM2 or HPKE) under a context
// naming the scheme, the payee's nonce and the payee; the coins are
// encrypted under that key with the suite's AEAD and the same context:
// one envelope however many coins the payment spends, one public-key
// operation each way. The payer's signature covers the envelope and is
// checked before it is opened, in the patent's order.
//
// Variants (two Scheme values, see Schemes):
//
//   - cert (Recovering): before the TX leaves, the payer commits, in one
//     atomic write, the removal of the spent coins, its change and a
//     write-ahead log entry holding the records. DEDUCT marks the entry
//     acknowledged. At reconciliation the payer uploads its records and
//     the bank forwards to the payee, by Registry.Mail, every output the
//     payee does not hold; the payee receives its mail when it
//     reconciles. Any crash or lost message ends, once both reconcile,
//     with both in the pre-state or both in the post-state.
//   - cert-literal (Literal): the flow exactly as published. The payer
//     deducts on DEDUCT and the payee credits only on DEDUCTED. If that
//     notice is lost after the payer deducted, nothing recovers it:
//     reconciliation uploads records (so double spends are still found)
//     but forwards no payment, and the payer is debited while the payee
//     is never credited. Info().Expected names the properties this
//     breaks, each with a witness of the cause (R5.1, R5.2, R5.6, R1.1,
//     and R5.4 and R2.5: the payer hands over signed coins before it
//     deducts them).
//
// Formats (messages.go): strict DER (spec/der) with [APPLICATION n] tags
// from the range 16..23 that spec/formats.md reserves to this package:
// 16 HELLO-PAYEE, 17 HELLO-PAYER, 18 PROCEED, 19 TX, 20 the sealed coins
// inside a TX, 21 DEDUCT, 22 DEDUCTED, 23 ISSUE. Each signed message ends
// with the sender's signature over the same structure without it, so the
// tag separates the six signatures' domains. Every malformed input is
// refused with a *spec.Error; Fields splits a message for the world's
// field-substitution fault.
//
// Online operations, the same in both variants: a withdrawal (Fund) is an
// ISSUE the SIM verifies before it stores the coins; a deposit signs a
// deposit record per coin and writes the deposit ahead, like a payment,
// so a power cut neither loses coins nor leaves redeemed ones spendable;
// reconciliation also re-delivers a withdrawal a power cut interrupted.
// Offline limits (bank.Limits: per payment, cumulative, count) are
// enforced by the payer's SIM and reset at reconciliation, which also
// refreshes the revocation list and exchanges coins with long lineages
// (or with an earlier holder the SIM no longer accepts) for fresh ones.
//
// External wallets. The bank side (Instance) reaches every wallet through
// Device (device.go): the model's own SIM implements it, and so does an
// external wallet, a vendor's implementation reached through a
// models.Link with the cert.* operations of the adapter protocol
// (remote.go; Host, host.go, serves the reference SIM behind them). A
// models.Config naming wallets in External gets such wallets; what must
// reach inside a SIM (corruptions, injection) is unimplemented for them.
//
// Not modelled: the wallet application outside the SIM (a compromised
// phone OS that drives the SIM is the cloned-device threat only); renewal
// of certificates (bank.Certify will not certify an id twice, so a wallet
// whose certificate expired stays out of offline payments, and once the
// agent's expired its SIMs refuse its coins); staleness of the revocation
// list (a SIM uses the list of its last sync, however old); expiry of a
// payee's request (a request the payer never answered stays answerable);
// identity escrow to the trace key (records name the payer in the clear);
// several agent banks (the HSM key is one agent's, provisioned into every
// SIM, which makes it a secret all SIMs share: it protects coin strings in
// transit to a wallet, not the coins, whose authenticity rests on the
// issuer's signature); and the physical link (proximity is never
// assumed).
package cert
