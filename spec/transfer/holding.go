package transfer

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Holding is a coin as its holder keeps it: the issuer-signed root and the
// records that moved it, hop by hop, to the holder. Serial names the coin
// the holding stands for: the root itself (no records) or an output of the
// last record.
//
//	Holding ::= [APPLICATION 6] SEQUENCE {
//	    root   Coin,
//	    chain  SEQUENCE (SIZE (0..8)) OF Record,
//	    serial OCTET STRING (SIZE (16)) }
type Holding struct {
	Root   *coin.Signed
	Chain  []*Signed
	Serial coin.Serial
}

// Marshal returns the canonical DER.
func (h *Holding) Marshal() []byte {
	root := h.Root.Marshal()
	recs := make([][]byte, len(h.Chain))
	chain := 0
	for i, r := range h.Chain {
		recs[i] = r.Marshal()
		chain += len(recs[i])
	}
	n := len(root) + der.ElementLen(chain) + der.ElementLen(len(h.Serial))
	b := der.AppendHeader(make([]byte, 0, der.ElementLen(n)), der.Application(TagHolding), n)
	b = append(b, root...)
	b = der.AppendHeader(b, asn1.SEQUENCE, chain)
	for _, r := range recs {
		b = append(b, r...)
	}
	return der.AppendOctetString(b, h.Serial[:])
}

// ParseHolding decodes a holding under the strict profile (structure
// only; call Verify).
func ParseHolding(b []byte) (*Holding, error) {
	r := der.OpenChecked(b, der.Application(TagHolding), MaxHoldingDER, "holding", "holding-parse")
	root := r.Element("root", der.Application(coin.TagCoin), coin.MaxCoinDER)
	chain := r.Element("chain", 0x30, MaxHoldingDER)
	serial := r.Bytes("serial", coin.SerialSize, coin.SerialSize)
	if err := r.Err(); err != nil {
		return nil, err
	}
	h := &Holding{}
	copy(h.Serial[:], serial)
	var err error
	if h.Root, err = coin.Parse(root); err != nil {
		return nil, err
	}
	c := der.OpenChecked(chain, 0x30, MaxHoldingDER, "holding.chain", "holding-parse")
	var recs [][]byte
	for i := 0; (i <= MaxHops || !spec.Makes("holding-hop-limit")) && c.More(); i++ {
		recs = append(recs, c.Element("record", der.Application(TagRecord), MaxRecordDER))
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	if len(recs) > MaxHops && spec.Makes("holding-hop-limit") {
		return nil, spec.Errorf(spec.CodeMalformed, "holding.chain: more than %d records", MaxHops)
	}
	for _, rb := range recs {
		rec, err := Parse(rb)
		if err != nil {
			return nil, err
		}
		h.Chain = append(h.Chain, rec)
	}
	return h, nil
}

// Certs resolves a device id to its certificate, already checked against
// the root, the validity period and the revocation list the verifier
// trusts. It returns a typed error for an unknown, expired or revoked id.
type Certs func(id string) (*devcert.Certificate, error)

// Owner is who holds a coin and its value, as a verified holding proves.
type Owner struct {
	Holder string
	Value  int64
}

// Verify checks the whole lineage: the root coin is valid and signed by
// the issuer; the first record is signed by the agent bank the root names,
// each later record by the holder the previous one named; every record is
// valid; and Serial is the last record's output. It returns the holder and
// value of Serial.
func (h *Holding) Verify(issuer suite.PublicKey, certs Certs) (Owner, error) {
	if err := h.Root.Check(issuer); err != nil && spec.Makes("holding-root") {
		return Owner{}, err
	}
	if len(h.Chain) > MaxHops && spec.Makes("holding-hop-limit") {
		return Owner{}, spec.Errorf(spec.CodeMalformed, "chain of %d records, cap %d", len(h.Chain), MaxHops)
	}
	cur := Owner{Holder: h.Root.Agent, Value: h.Root.Denomination}
	serial := h.Root.Serial
	for i, rec := range h.Chain {
		if rec.Parent != serial && spec.Makes("holding-parent") {
			return Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d spends %s, the chain holds %s", i, rec.Parent, serial)
		}
		if rec.ParentValue != cur.Value && spec.Makes("holding-parent") {
			return Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d says the parent is worth %d fen, it is %d", i, rec.ParentValue, cur.Value)
		}
		if rec.Payer != cur.Holder && spec.Makes("holding-payer") {
			return Owner{}, spec.Errorf(spec.CodeWrongRecipient, "record %d is signed for %q, the holder is %q", i, rec.Payer, cur.Holder)
		}
		if err := rec.Validate(); err != nil {
			return Owner{}, err
		}
		cert, err := certs(rec.Payer)
		if err != nil {
			return Owner{}, err
		}
		wantRole := devcert.RoleWallet
		if i == 0 {
			wantRole = devcert.RoleAgent
		}
		switch {
		case cert == nil: // only without holding-signer-cert: no signer known
		case (cert.Role != wantRole || cert.ID != rec.Payer) && spec.Makes("holding-role"):
			return Owner{}, spec.Errorf(spec.CodeUntrustedIssuer, "record %d signer %q has role %q, want %q", i, rec.Payer, cert.Role, wantRole)
		case spec.Makes("holding-signature"):
			if err := rec.Verify(cert.PublicKey); err != nil {
				return Owner{}, err
			}
		}
		next := h.Serial
		if i+1 < len(h.Chain) {
			next = h.Chain[i+1].Parent
		}
		found := false
		for _, o := range rec.Outputs {
			if o.Serial == next {
				cur, serial, found = Owner{Holder: o.Holder, Value: o.Value}, o.Serial, true
				break
			}
		}
		if !found {
			if spec.Makes("holding-next-serial") {
				return Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d creates no coin %s", i, next)
			}
			serial = next
		}
	}
	if serial != h.Serial && spec.Makes("holding-end") {
		return Owner{}, spec.Errorf(spec.CodeValueMismatch, "holding names %s, the chain ends at %s", h.Serial, serial)
	}
	return cur, nil
}

// Extend returns the holding of output serial of rec, which must spend
// h's coin. It does not verify.
func (h *Holding) Extend(rec *Signed, serial coin.Serial) *Holding {
	chain := append(append([]*Signed(nil), h.Chain...), rec)
	return &Holding{Root: h.Root, Chain: chain, Serial: serial}
}

// Value returns the holding's value as its own lineage states it: the last
// record's output for Serial, or the root's denomination. It does not
// verify; Verify returns the value it proved.
func (h *Holding) Value() int64 {
	if n := len(h.Chain); n > 0 {
		for _, o := range h.Chain[n-1].Outputs {
			if o.Serial == h.Serial {
				return o.Value
			}
		}
		return 0
	}
	return h.Root.Denomination
}

// Claimed returns the holder and value the lineage states for Serial
// (the last record's output, or the root coin's agent and denomination),
// without verifying it: what a receiver that does not verify a lineage
// takes it to say.
func (h *Holding) Claimed() Owner {
	if n := len(h.Chain); n > 0 {
		for _, o := range h.Chain[n-1].Outputs {
			if o.Serial == h.Serial {
				return Owner{Holder: o.Holder, Value: o.Value}
			}
		}
		return Owner{}
	}
	return Owner{Holder: h.Root.Agent, Value: h.Root.Denomination}
}

// Equal reports whether two holdings encode identically.
func (h *Holding) Equal(o *Holding) bool { return bytes.Equal(h.Marshal(), o.Marshal()) }

// Tip is a holding read down to its last hop only, for a verifier that
// already holds every earlier record (a bank reconciling uploads, where
// each record of a lineage is an upload of its own): the root coin and
// the earlier records are framed and size-checked but not parsed.
type Tip struct {
	Root    []byte  // the root coin's DER, unparsed
	Last    *Signed // the last record; nil for a bare issued coin
	LastTBS []byte  // the last record's to-be-signed bytes as encoded (Last.TBS())
	Hops    int     // records in the chain
	Serial  coin.Serial
}

// ParseTip decodes a holding's framing, its serial and its last record
// under the strict profile. Whatever ParseHolding accepts, ParseTip
// accepts with the same root bytes, last record, hop count and serial; it
// also accepts holdings whose earlier records are malformed, which the
// caller must then prove by other means.
func ParseTip(b []byte) (*Tip, error) {
	r := der.Open(b, der.Application(TagHolding), MaxHoldingDER, "holding")
	root := r.Element("root", der.Application(coin.TagCoin), coin.MaxCoinDER)
	chain := r.Element("chain", 0x30, MaxHoldingDER)
	serial := r.Bytes("serial", coin.SerialSize, coin.SerialSize)
	if err := r.Err(); err != nil {
		return nil, err
	}
	t := &Tip{Root: root}
	copy(t.Serial[:], serial)
	c := der.Open(chain, 0x30, MaxHoldingDER, "holding.chain")
	var last []byte
	for i := 0; i <= MaxHops && c.More(); i++ {
		last = c.Element("record", der.Application(TagRecord), MaxRecordDER)
		t.Hops++
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	if t.Hops > MaxHops {
		return nil, spec.Errorf(spec.CodeMalformed, "holding.chain: more than %d records", MaxHops)
	}
	if last != nil {
		var err error
		if t.Last, err = Parse(last); err != nil {
			return nil, err
		}
		// Parse accepted last, so it re-encodes to itself: its TBS
		// element is Last.TBS().
		t.LastTBS = der.Open(last, der.Application(TagRecord), MaxRecordDER, "record").
			Element("tbs", der.Application(TagRecordTBS), MaxRecordDER)
	}
	return t, nil
}
