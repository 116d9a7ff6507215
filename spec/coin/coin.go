// Package coin defines the digital coin of dualoffline and its two byte
// forms: the signed coin (canonical DER, signed by the issuer) and the
// HSM-sealed coin string that the ICBC 2018 scheme hands to wallets
// (AEAD under a key only the issuing agent's HSM holds).
//
// A coin carries what the ICBC 2018 patent lists: serial number,
// denomination, currency, unit, version, previous-holder serial (its
// lineage), issuing agent id and the issuer's digital signature. Amounts are
// integers in fen. The layout is in spec/formats.md.
//
// Parse is strict: for every input b it accepts, Parse(b).Marshal() is b.
// Validate checks the policy (version, currency, denomination table, unit);
// Verify checks the issuer's signature. A wallet must do all three.
package coin

import (
	"bytes"
	"encoding/hex"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Format constants.
const (
	Version1   = 1   // the only coin version defined
	CNY        = 156 // ISO 4217 numeric code of the renminbi
	SerialSize = 16
	MaxAgentID = 32  // bytes of printable ASCII
	MaxCoinDER = 256 // a signed coin, whole
	// MaxDenominationField bounds the encoded denomination; values above
	// the table but below this parse and are refused by Validate with
	// bad-denomination, so a re-denominated coin is named as such.
	MaxDenominationField = 1 << 40
	TagCoin              = 1 // [APPLICATION 1]: the signed coin
	TagTBS               = 2 // [APPLICATION 2]: the to-be-signed part
	TagSealed            = 3 // [APPLICATION 3]: the HSM-sealed coin
)

// Denominations is the published table, in fen, ascending: the banknotes
// and coins of the renminbi, 1 fen to 100 yuan.
var Denominations = []int64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}

// Unit is the unit a coin's face value is printed in, like a banknote's
// "元/角/分". It is determined by the denomination (see UnitFor).
type Unit int

// Units.
const (
	Fen  Unit = 0 // 分, 1..9 fen
	Jiao Unit = 1 // 角, 10..99 fen
	Yuan Unit = 2 // 元, 100 fen and up
)

func (u Unit) String() string {
	switch u {
	case Fen:
		return "fen"
	case Jiao:
		return "jiao"
	case Yuan:
		return "yuan"
	}
	return "unit?"
}

// UnitFor returns the unit a denomination of d fen is printed in.
func UnitFor(d int64) Unit {
	switch {
	case d >= 100:
		return Yuan
	case d >= 10:
		return Jiao
	}
	return Fen
}

// ValidDenomination reports whether d is in the table.
func ValidDenomination(d int64) bool {
	_, ok := slices.BinarySearch(Denominations, d)
	return ok
}

// Serial is a coin's 16-byte serial number. The zero serial is reserved:
// as a parent it means "issued fresh, no previous holder".
type Serial [SerialSize]byte

// IsZero reports whether s is the reserved zero serial.
func (s Serial) IsZero() bool { return s == Serial{} }

func (s Serial) String() string { return hex.EncodeToString(s[:]) }

// Coin is the to-be-signed content of a coin.
type Coin struct {
	Version      int
	Serial       Serial
	Denomination int64 // fen
	Currency     int   // ISO 4217 numeric
	Unit         Unit
	Parent       Serial // previous-holder serial; zero for a fresh issue
	Agent        string // issuing agent bank id
}

// Signed is a coin with the issuer's signature over TBS().
type Signed struct {
	Coin
	Signature []byte // DER signature of the issuer's suite
}

// New returns a version-1 CNY coin with the unit its denomination implies.
func New(serial Serial, denomination int64, parent Serial, agent string) Coin {
	return Coin{
		Version: Version1, Serial: serial, Denomination: denomination,
		Currency: CNY, Unit: UnitFor(denomination), Parent: parent, Agent: agent,
	}
}

// TBS returns the canonical DER bytes the issuer signs.
//
//	TBSCoin ::= [APPLICATION 2] SEQUENCE {
//	    version      INTEGER (1),
//	    serial       OCTET STRING (SIZE (16)),
//	    denomination INTEGER (1..2^40),    -- fen; the table is checked by Validate
//	    currency     INTEGER (0..999),     -- ISO 4217 numeric
//	    unit         ENUMERATED { fen(0), jiao(1), yuan(2) },
//	    parent       OCTET STRING (SIZE (0 | 16)),
//	    agent        UTF8String (SIZE (1..32)) }
//
// It is encoded in one pass into a buffer of the exact size, byte for byte
// what the cryptobyte builder gives (see TestTBSMatchesBuilder).
func (c *Coin) TBS() []byte {
	var parent []byte
	if !c.Parent.IsZero() {
		parent = c.Parent[:]
	}
	n := der.ElementLen(der.Int64Len(int64(c.Version))) +
		der.ElementLen(len(c.Serial)) +
		der.ElementLen(der.Int64Len(c.Denomination)) +
		der.ElementLen(der.Int64Len(int64(c.Currency))) +
		der.ElementLen(der.Int64Len(int64(c.Unit))) +
		der.ElementLen(len(parent)) +
		der.ElementLen(len(c.Agent))
	b := der.AppendHeader(make([]byte, 0, der.ElementLen(n)), der.Application(TagTBS), n)
	b = der.AppendInt64(b, int64(c.Version))
	b = der.AppendOctetString(b, c.Serial[:])
	b = der.AppendInt64(b, c.Denomination)
	b = der.AppendInt64(b, int64(c.Currency))
	b = der.AppendEnum(b, int64(c.Unit))
	b = der.AppendOctetString(b, parent)
	return der.AppendUTF8(b, c.Agent)
}

// Marshal returns the canonical DER of the signed coin.
//
//	Coin ::= [APPLICATION 1] SEQUENCE {
//	    tbs       TBSCoin,
//	    signature OCTET STRING (SIZE (8..72)) }
func (s *Signed) Marshal() []byte {
	tbs := s.TBS()
	n := len(tbs) + der.ElementLen(len(s.Signature))
	b := der.AppendHeader(make([]byte, 0, der.ElementLen(n)), der.Application(TagCoin), n)
	b = append(b, tbs...)
	return der.AppendOctetString(b, s.Signature)
}

// Parse decodes a signed coin under the strict profile. It checks
// structure, sizes and version only; call Validate and Verify before
// accepting the coin.
func Parse(b []byte) (*Signed, error) {
	r := der.Open(b, der.Application(TagCoin), MaxCoinDER, "coin")
	tbs := r.Element("tbs", der.Application(TagTBS), MaxCoinDER)
	sig := r.Bytes("signature", 8, suite.MaxSignatureDER)
	if err := r.Err(); err != nil {
		return nil, err
	}
	c, err := parseTBS(tbs)
	if err != nil {
		return nil, err
	}
	return &Signed{Coin: *c, Signature: bytes.Clone(sig)}, nil
}

func parseTBS(b []byte) (*Coin, error) {
	r := der.Open(b, der.Application(TagTBS), MaxCoinDER, "coin.tbs")
	c := &Coin{Version: int(r.Version(Version1))}
	copy(c.Serial[:], r.Bytes("serial", SerialSize, SerialSize))
	c.Denomination = int64(r.Uint("denomination", 1, MaxDenominationField))
	c.Currency = int(r.Uint("currency", 0, 999))
	c.Unit = Unit(r.Enum("unit", int(Yuan)))
	parent := r.Bytes("parent", 0, SerialSize)
	c.Agent = r.Printable("agent", 1, MaxAgentID)
	if err := r.Err(); err != nil {
		return nil, err
	}
	switch len(parent) {
	case 0:
	case SerialSize:
		copy(c.Parent[:], parent)
		if c.Parent.IsZero() && spec.Makes("coin-parse-serials") {
			return nil, spec.Errorf(spec.CodeMalformed, "coin.tbs.parent: the zero serial is encoded as an empty string")
		}
	default:
		return nil, spec.Errorf(spec.CodeMalformed, "coin.tbs.parent: %d bytes, want 0 or %d", len(parent), SerialSize)
	}
	if c.Serial.IsZero() && spec.Makes("coin-parse-serials") {
		return nil, spec.Errorf(spec.CodeMalformed, "coin.tbs.serial: the zero serial is reserved")
	}
	return c, nil
}

// Validate checks a coin against the published policy: version 1, CNY,
// a denomination from the table, the unit the denomination implies, and a
// parent different from the coin itself.
func (c *Coin) Validate() error {
	switch {
	case c.Version != Version1 && spec.Makes("version-unknown"):
		return spec.Errorf(spec.CodeUnknownVersion, "coin version %d", c.Version)
	case c.Currency != CNY && spec.Makes("coin-currency"):
		return spec.Errorf(spec.CodeBadCurrency, "currency %d, want %d (CNY)", c.Currency, CNY)
	case !ValidDenomination(c.Denomination) && spec.Makes("coin-denomination"):
		return spec.Errorf(spec.CodeBadDenomination, "denomination %d fen is not in the table", c.Denomination)
	case c.Unit != UnitFor(c.Denomination) && spec.Makes("coin-unit"):
		return spec.Errorf(spec.CodeValueMismatch, "unit %s does not match denomination %d fen (%s)", c.Unit, c.Denomination, UnitFor(c.Denomination))
	case c.Serial.IsZero() && spec.Makes("coin-parse-serials"):
		return spec.Errorf(spec.CodeMalformed, "zero serial")
	case c.Parent == c.Serial && spec.Makes("coin-parent-self"):
		return spec.Errorf(spec.CodeValueMismatch, "coin %s names itself as its parent", c.Serial)
	case !spec.ValidID(c.Agent, MaxAgentID):
		return spec.Errorf(spec.CodeMalformed, "agent id %q is not 1..%d bytes of printable ASCII", c.Agent, MaxAgentID)
	}
	return nil
}

// Sign validates c and signs it with the issuer's key.
func Sign(issuer suite.PrivateKey, c Coin) (*Signed, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	sig, err := issuer.Sign(c.TBS())
	if err != nil {
		return nil, err
	}
	return &Signed{Coin: c, Signature: sig}, nil
}

// Verify checks the issuer's signature over the coin's TBS bytes.
func (s *Signed) Verify(issuer suite.PublicKey) error {
	if !spec.Makes("coin-signature") {
		return nil
	}
	return issuer.Verify(s.TBS(), s.Signature)
}

// Check is Validate then Verify: what a wallet or a bank does before
// accepting a coin.
func (s *Signed) Check(issuer suite.PublicKey) error {
	if !spec.Makes("coin-policy-first") {
		if err := s.Verify(issuer); err != nil {
			return err
		}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	return s.Verify(issuer)
}

// CheckSplit checks a split or transfer of parent into children: each
// child names parent as its previous holder, has a fresh serial, and their
// denominations sum to the parent's. It does not check signatures.
func CheckSplit(parent *Coin, children []*Coin) error {
	if len(children) == 0 {
		return spec.Errorf(spec.CodeValueMismatch, "a split into no coins")
	}
	var sum int64
	seen := map[Serial]bool{parent.Serial: true}
	for i, c := range children {
		if c.Parent != parent.Serial {
			return spec.Errorf(spec.CodeValueMismatch, "child %d names parent %s, want %s", i, c.Parent, parent.Serial)
		}
		if seen[c.Serial] {
			return spec.Errorf(spec.CodeValueMismatch, "child %d reuses serial %s", i, c.Serial)
		}
		seen[c.Serial] = true
		if !ValidDenomination(c.Denomination) {
			return spec.Errorf(spec.CodeBadDenomination, "child %d denomination %d fen is not in the table", i, c.Denomination)
		}
		if c.Currency != parent.Currency {
			return spec.Errorf(spec.CodeBadCurrency, "child %d currency %d, parent %d", i, c.Currency, parent.Currency)
		}
		sum += c.Denomination
	}
	if sum != parent.Denomination {
		return spec.Errorf(spec.CodeValueMismatch, "children sum to %d fen, parent is %d fen", sum, parent.Denomination)
	}
	return nil
}

// MaxChangeAmount bounds MakeChange: a million yuan, far above any
// offline limit, so the result stays small.
const MaxChangeAmount = 100_000_000

// MakeChange returns denominations from the table, largest first, that sum
// to amount (greedy; the table is canonical, so this is the fewest coins).
func MakeChange(amount int64) ([]int64, error) {
	if amount <= 0 || amount > MaxChangeAmount {
		return nil, spec.Errorf(spec.CodeValueMismatch, "amount %d fen outside [1, %d]", amount, MaxChangeAmount)
	}
	var out []int64
	for i := len(Denominations) - 1; i >= 0 && amount > 0; i-- {
		for amount >= Denominations[i] {
			out = append(out, Denominations[i])
			amount -= Denominations[i]
		}
	}
	return out, nil
}
