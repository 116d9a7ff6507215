package pseudocoin

import (
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec/der"
)

// Append-style encoders of the structures a payment and a reconciliation
// encode most (records, bundles, surrenders, uploads): one buffer sized
// in advance, no allocation per element (spec/der's Append functions).
// They produce exactly the bytes the cryptobyte builder produced for the
// same structure (encode_test.go holds the builder's encodings and
// compares).

// valuesLen is the content length of the SEQUENCE OF INTEGER of vs.
func valuesLen(vs []int64) int {
	n := 0
	for _, v := range vs {
		n += der.ElementLen(der.Int64Len(v))
	}
	return n
}

func appendValues(dst []byte, vs []int64) []byte {
	dst = der.AppendHeader(dst, casn1.SEQUENCE, valuesLen(vs))
	for _, v := range vs {
		dst = der.AppendInt64(dst, v)
	}
	return dst
}

// octetsLen is the content length of a SEQUENCE OF OCTET STRING of bs.
func octetsLen(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		n += der.ElementLen(len(b))
	}
	return n
}

func appendOctets(dst []byte, bs [][]byte) []byte {
	dst = der.AppendHeader(dst, casn1.SEQUENCE, octetsLen(bs))
	for _, b := range bs {
		dst = der.AppendOctetString(dst, b)
	}
	return dst
}

var versionLen = der.ElementLen(der.Int64Len(version))

// encode returns the record's core fields under tag, followed by the
// escrow (withEscrow) and the signatures (withSigs): Core, TBS and
// Marshal.
func (r *Record) encode(tag casn1.Tag, withEscrow, withSigs bool) []byte {
	ins := make([][]byte, len(r.Inputs))
	insLen := 0
	for i, h := range r.Inputs {
		ins[i] = h.Marshal()
		insLen += len(ins[i])
	}
	n := versionLen + der.ElementLen(insLen) + der.ElementLen(len(r.Payee)) + der.ElementLen(der.Int64Len(r.Amount)) +
		der.ElementLen(valuesLen(r.Outputs)) + der.ElementLen(len(r.ChangeKey)) + der.ElementLen(valuesLen(r.ChangeCoins)) +
		der.ElementLen(len(r.Challenge))
	if withEscrow {
		n += der.ElementLen(len(r.Escrow))
	}
	if withSigs {
		n += der.ElementLen(octetsLen(r.Sigs))
	}
	dst := make([]byte, 0, der.ElementLen(n))
	dst = der.AppendHeader(dst, tag, n)
	dst = der.AppendInt64(dst, version)
	dst = der.AppendHeader(dst, casn1.SEQUENCE, insLen)
	for _, b := range ins {
		dst = append(dst, b...)
	}
	dst = der.AppendOctetString(dst, r.Payee)
	dst = der.AppendInt64(dst, r.Amount)
	dst = appendValues(dst, r.Outputs)
	dst = der.AppendOctetString(dst, r.ChangeKey)
	dst = appendValues(dst, r.ChangeCoins)
	dst = der.AppendOctetString(dst, r.Challenge)
	if withEscrow {
		dst = der.AppendOctetString(dst, r.Escrow)
	}
	if withSigs {
		dst = appendOctets(dst, r.Sigs)
	}
	return dst
}

func (b *Bundle) marshal(sig bool) []byte {
	n := versionLen + der.ElementLen(len(b.Key)) + der.ElementLen(valuesLen(b.Coins))
	if sig {
		n += der.ElementLen(len(b.Sig))
	}
	dst := make([]byte, 0, der.ElementLen(n))
	dst = der.AppendHeader(dst, tagBundle, n)
	dst = der.AppendInt64(dst, version)
	dst = der.AppendOctetString(dst, b.Key)
	dst = appendValues(dst, b.Coins)
	if sig {
		dst = der.AppendOctetString(dst, b.Sig)
	}
	return dst
}

func (s *Surrender) marshal(sig bool) []byte {
	n := versionLen + der.ElementLen(len(s.Key)) + der.ElementLen(len(s.Request))
	if sig {
		n += der.ElementLen(len(s.Sig))
	}
	dst := make([]byte, 0, der.ElementLen(n))
	dst = der.AppendHeader(dst, tagSurrender, n)
	dst = der.AppendInt64(dst, version)
	dst = der.AppendOctetString(dst, s.Key)
	dst = der.AppendOctetString(dst, s.Request)
	if sig {
		dst = der.AppendOctetString(dst, s.Sig)
	}
	return dst
}

func (u *Upload) body() []byte {
	lists := [...][][]byte{u.Spent, u.Received, u.Proofs, u.Void}
	n := versionLen + der.ElementLen(len(u.Identity)) + der.ElementLen(len(u.Request))
	for _, l := range lists {
		n += der.ElementLen(octetsLen(l))
	}
	dst := make([]byte, 0, der.ElementLen(n))
	dst = der.AppendHeader(dst, tagUpload, n)
	dst = der.AppendInt64(dst, version)
	dst = der.AppendUTF8(dst, u.Identity)
	dst = der.AppendOctetString(dst, u.Request)
	for _, l := range lists {
		dst = appendOctets(dst, l)
	}
	return dst
}

// marshalWith is Marshal of an upload whose body() is body (made once to
// be signed).
func (u *Upload) marshalWith(body []byte) []byte {
	n := len(body) + der.ElementLen(len(u.Sig))
	dst := make([]byte, 0, der.ElementLen(n))
	dst = der.AppendHeader(dst, tagUpload, n)
	dst = append(dst, body...)
	return der.AppendOctetString(dst, u.Sig)
}
