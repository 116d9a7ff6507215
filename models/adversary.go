package models

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/detrand"
)

// This file holds the optional capabilities an Instance may offer so the
// requirement suites can stage attacks that need a scheme's own encodings.
// A suite that needs a capability the instance lacks reports skip, naming
// it; the reference models implement all of them.

// CorruptionKind names an attack on a device by its own holder or a forger.
type CorruptionKind string

// Corruptions. Each puts the holder's device in a state a compromised
// device (or a forger with it) could reach without anybody else's keys.
const (
	// R1.3: the device presents a certificate that does not chain to the
	// central bank's root (self-signed, issued by another CA of the same
	// suite, or a genuine-looking one of the other suite).
	CorruptSelfSignedCert  CorruptionKind = "self-signed-cert"
	CorruptForeignRootCert CorruptionKind = "foreign-root-cert"
	CorruptWrongSuiteCert  CorruptionKind = "wrong-suite-cert"
	// R4.1: the device holds a coin of Value fen signed by a key that is
	// not the issuer's.
	CorruptForgedCoin CorruptionKind = "forged-coin"
	// R4.1: one genuine coin the device holds (the smallest it got
	// straight from its agent) keeps every field and its whole lineage,
	// but the issuer's signature on it is replaced by a valid signature
	// over the same coin under a key that is not the issuer's.
	CorruptResignedCoin CorruptionKind = "resigned-coin"
	// R4.1: as CorruptResignedCoin, but the signature put on the coin is
	// the issuer's genuine signature of another coin: one Other holds
	// (public data: a coin's signature travels with it in every payment),
	// or, when Other is empty, another coin the device holds.
	CorruptBorrowedSignature CorruptionKind = "borrowed-signature"
	// R4.2: one genuine coin the device holds has its denomination raised
	// to Value fen (currency, unit and version are other fields a scheme
	// may also alter).
	CorruptRedenominated CorruptionKind = "redenominated"
	// R4.3: the device holds children of a genuine coin whose values sum
	// to more than the parent (Value fen more), or name the wrong parent.
	CorruptForgedLineage CorruptionKind = "forged-lineage"
	// R4.4: the device holds a coin of Value fen naming an issuing agent
	// the central bank never authorised.
	CorruptUnauthorisedAgent CorruptionKind = "unauthorised-agent"
	// R4.6: the device's store is edited to hold Value fen more than it
	// received (a copied coin record or a raised balance).
	CorruptStorage CorruptionKind = "storage"
	// R4.6: the device's spend counter and offline-limit counters are
	// rewound to zero.
	CorruptCounter CorruptionKind = "counter"
	// R3.5: the device names Other's identity (instead of its own) in the
	// identity fields of the payments it makes, signing with its own key.
	CorruptIdentity CorruptionKind = "identity"
	// R3.5: the device presents its own certificate and signs with its
	// own key, but the payment records it signs name Other as payer (and
	// so as the holder of their change): the identity the central bank's
	// trace reads where a scheme names the payer in the clear. Where the payer's identity in the clear is an
	// address the payee checks against the certificate, that address is
	// Other's.
	CorruptClaimIdentity CorruptionKind = "claim-identity"
	// R3.5: the identity escrow of the device's payments (what the central
	// bank opens to name the payer) is garbage (names no device), is
	// another payer's (Other's), or is sealed to a key that is not the
	// central bank's. A scheme without an identity escrow returns
	// unimplemented.
	CorruptEscrowGarbage  CorruptionKind = "escrow-garbage"
	CorruptEscrowOther    CorruptionKind = "escrow-other"
	CorruptEscrowWrongKey CorruptionKind = "escrow-wrong-key"
	// R2.5, R5.4: the device, as payee, keeps what it is paid as soon as
	// it has verified it, and never sends the message that completes the
	// payer's side (acknowledgement, deduct instruction, receipt). A
	// scheme whose payer waits for nothing accepts it and changes nothing.
	CorruptWithholdAck CorruptionKind = "withhold-ack"
	// R5.4: the device, as payee, keeps what it verified (stores the
	// coins as an honest payee would) and then tells the payer that the
	// payment failed, with the message its scheme uses to refuse,
	// authenticated as an honest refusal would be. Only chip has such a
	// message (its REFUSE, signed by the payee card over the session's
	// challenge); in the other schemes a payee refuses by not sending the
	// message that completes the payer's side (cert's deduct instruction,
	// pseudocoin's acknowledgement), so this kind is CorruptWithholdAck
	// there, and a scheme whose payer waits for nothing (chain's one-way
	// QR code) accepts it and changes nothing.
	CorruptRefuseAfterStore CorruptionKind = "refuse-after-store"
)

// Corruption is one attack; Value and Other apply to the kinds that say so.
type Corruption struct {
	Kind  CorruptionKind
	Value int64
	Other world.PartyID
}

// Rand is the random stream c draws from when a scheme's model stages it
// on wallet in w: one label per scheme, wallet and kind, so that what one
// corruption draws moves nothing another draws.
func (c Corruption) Rand(w *world.World, scheme string, wallet world.PartyID) *detrand.Source {
	return w.Rand(scheme + "/corrupt/" + string(wallet) + "/" + string(c.Kind))
}

// Corrupter is implemented by instances that can stage corruptions.
type Corrupter interface {
	// Corrupt applies c to wallet's device as its holder would: the
	// device's own checks are bypassed, everyone else's are not. A kind
	// the scheme cannot express returns a *spec.Error of code
	// unimplemented and changes nothing.
	Corrupt(wallet world.PartyID, c Corruption) error
}

// EvidenceVerifier is implemented by schemes whose double-spend evidence
// is not bank.DoubleSpend records checkable with bank.VerifyEvidence (the
// chain's transactions, for example). It returns the culprit's device id
// when the evidence verifies with public data only.
type EvidenceVerifier interface {
	VerifyEvidence(ev bank.DoubleSpend) (culprit string, err error)
}
