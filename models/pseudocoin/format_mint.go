package pseudocoin

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The mint request and reply (spec/formats-schemes.md, "Online: uploads,
// surrenders, mint requests"): the element asks the desk for bundles to
// fresh one-time keys; the agent bank carries both sealed, so it never
// sees a key or a bundle (seen next to a payment, either would link the
// payment to its payer's withdrawal).
var (
	tagMintRequest = private(13)
	tagMintReply   = private(14)
)

// MaxMintKeys caps the keys of one mint request; what the desk owes
// beyond them stays owed to the next.
const MaxMintKeys = 64

var (
	mintInfo      = []byte("dualoffline/pseudocoin/mint/v1")
	mintReplyInfo = []byte("dualoffline/pseudocoin/mint-reply/v1")
)

// MintRequest asks the desk to mint what it owes the element to Keys,
// one bundle per key; the device key signs the body.
type MintRequest struct {
	Identity string
	Request  []byte
	Keys     [][]byte // SubjectPublicKeyInfo of fresh one-time keys
	Sig      []byte
}

func (m *MintRequest) body() []byte {
	return der.Marshal(tagMintRequest, func(x *der.Builder) {
		x.AddASN1Int64(version)
		der.AddUTF8(x, m.Identity)
		x.AddASN1OctetString(m.Request)
		x.AddASN1(casn1.SEQUENCE, func(x *der.Builder) {
			for _, k := range m.Keys {
				x.AddASN1OctetString(k)
			}
		})
	})
}

// Marshal returns the DER.
func (m *MintRequest) Marshal() []byte { return m.marshalWith(m.body()) }

// marshalWith is Marshal of a request whose body() is body (made once to
// be signed).
func (m *MintRequest) marshalWith(body []byte) []byte {
	return der.Marshal(tagMintRequest, func(x *der.Builder) {
		x.AddBytes(body)
		x.AddASN1OctetString(m.Sig)
	})
}

// ParseMintRequest decodes a mint request (its signature is not checked).
func ParseMintRequest(b []byte) (*MintRequest, error) {
	m, _, err := parseMintRequest(b)
	return m, err
}

// parseMintRequest is ParseMintRequest that also returns the request's
// body (the bytes its signature is over, as parsed: canonical, so its
// body()).
func parseMintRequest(b []byte) (*MintRequest, []byte, error) {
	const cap = 64 + MaxMintKeys*(suite.MaxPublicKeyDER+4) + 256
	r := der.Open(b, tagMintRequest, cap, "mint request")
	body := r.Element("body", casn1.Tag(tagMintRequest), cap)
	m := &MintRequest{Sig: bytes.Clone(r.Bytes("signature", 1, suite.MaxSignatureDER))}
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	br := der.Open(body, tagMintRequest, cap, "mint request body")
	br.Version(version)
	m.Identity = br.Printable("identity", 1, maxIDLen)
	m.Request = bytes.Clone(br.Bytes("request", 1, maxIDLen))
	keys := br.Element("keys", casn1.Tag(casn1.SEQUENCE), cap)
	if err := br.Err(); err != nil {
		return nil, nil, err
	}
	s := cryptobyte.String(keys)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, casn1.SEQUENCE) {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "mint request keys")
	}
	for !inner.Empty() {
		var k cryptobyte.String
		if !inner.ReadASN1(&k, casn1.OCTET_STRING) || len(k) == 0 || len(k) > suite.MaxPublicKeyDER || len(m.Keys) == MaxMintKeys {
			return nil, nil, spec.Errorf(spec.CodeMalformed, "mint request key: empty, over %d bytes, or more than %d", suite.MaxPublicKeyDER, MaxMintKeys)
		}
		m.Keys = append(m.Keys, bytes.Clone(k))
	}
	if len(m.Keys) == 0 {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "mint request of no key")
	}
	if !bytes.Equal(m.body(), body) {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "mint request is not in canonical DER")
	}
	return m, body, nil
}

// MintReply is the desk's answer: the bundles it minted for Request, the
// i-th to the request's i-th key.
type MintReply struct {
	Request []byte
	Bundles [][]byte // Bundle DER
}

// Marshal returns the DER.
func (m *MintReply) Marshal() []byte {
	return der.Marshal(tagMintReply, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1OctetString(m.Request)
		x.AddASN1(casn1.SEQUENCE, func(x *der.Builder) {
			for _, b := range m.Bundles {
				x.AddBytes(b)
			}
		})
	})
}

// ParseMintReply decodes a mint reply, every bundle under ParseBundle.
func ParseMintReply(b []byte) (*MintReply, []*Bundle, error) {
	const cap = 256 + MaxMintKeys*(suite.MaxPublicKeyDER+suite.MaxSignatureDER+16*MaxCoins+16)
	r := der.Open(b, tagMintReply, cap, "mint reply")
	r.Version(version)
	m := &MintReply{Request: bytes.Clone(r.Bytes("request", 1, maxIDLen))}
	list := r.Element("bundles", casn1.Tag(casn1.SEQUENCE), cap)
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	var parsed []*Bundle
	for el, err := range der.Members(list, MaxMintKeys, "mint reply bundles") {
		if err != nil {
			return nil, nil, err
		}
		bu, err := ParseBundle(el)
		if err != nil {
			return nil, nil, err
		}
		if !bytes.Equal(bu.Marshal(), el) {
			return nil, nil, spec.Errorf(spec.CodeMalformed, "mint reply: a bundle not in canonical DER")
		}
		m.Bundles = append(m.Bundles, bytes.Clone(el))
		parsed = append(parsed, bu)
	}
	return m, parsed, nil
}

// sealMintReply encrypts a reply under the request's AEAD key with a
// fresh nonce: the nonce, then the ciphertext.
func sealMintReply(s suite.Suite, key, nonce, plain []byte) ([]byte, error) {
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, err
	}
	return aead.Seal(bytes.Clone(nonce), nonce, plain, mintReplyInfo), nil
}

// openMintReply opens what sealMintReply sealed; anything else is bad-seal.
func openMintReply(s suite.Suite, key, b []byte) ([]byte, error) {
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "mint reply key: %v", err)
	}
	if len(b) < 12 {
		return nil, spec.Errorf(spec.CodeBadSeal, "mint reply of %d bytes", len(b))
	}
	plain, err := aead.Open(nil, b[:12], b[12:], mintReplyInfo)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "mint reply: %v", err)
	}
	return plain, nil
}

// checkMintReply makes the element's checks of its pending request's
// reply, once opened: it parses, answers the request, and mints to the
// keys asked, in order. It returns the bundles.
func checkMintReply(request []byte, keys [][]byte, plain []byte) ([]*Bundle, [][]byte, error) {
	m, bs, err := ParseMintReply(plain)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(m.Request, request) && spec.Makes("pc-mint-request") {
		return nil, nil, spec.Errorf(spec.CodeReplay, "a mint reply to another request")
	}
	if len(bs) > len(keys) && spec.Makes("pc-mint-key") {
		return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "%d bundles for %d keys", len(bs), len(keys))
	}
	for i, b := range bs {
		if (i >= len(keys) || !bytes.Equal(b.Key, keys[i])) && spec.Makes("pc-mint-key") {
			return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "the desk minted bundle %d to another key", i)
		}
	}
	for _, b := range bs {
		if err := checkTable(b.Coins, "a minted bundle"); err != nil && spec.Makes("pc-mint-table") {
			return nil, nil, err
		}
	}
	return bs, m.Bundles, nil
}
