package models

// CorruptForgedCoinDeep is R4.1 below the top of a lineage: as
// CorruptForgedCoin, the device holds Value fen of coins signed by a key
// that is not the issuer's, but it moved each of them once more, with a
// record signed by the coin's holder that pays the whole coin to the
// device itself (on the chain: a transfer the chain never saw), and holds
// that record's output. The forged signature lies one hop below the top
// of the coin's lineage: a payee that checks the issuer's signature only
// on what a payment spends directly, and trusts what lies deeper to have
// been checked by the earlier payees, misses it.
const CorruptForgedCoinDeep CorruptionKind = "forged-coin-deep"
