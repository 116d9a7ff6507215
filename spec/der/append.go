package der

import (
	"math/bits"

	"golang.org/x/crypto/cryptobyte/asn1"
)

// Append-style encoders for hot paths. They produce exactly the bytes the
// cryptobyte builder (Marshal) produces for the same element, but into one
// buffer sized in advance, with no allocation per element: a caller
// computes each element's length with the *Len functions, then appends
// headers and contents in order. Tags must be one byte (as every tag of
// the formats is).

// HeaderLen returns the length of the tag and length octets of an element
// with n content bytes.
func HeaderLen(n int) int {
	if n < 0x80 {
		return 2
	}
	return 2 + (bits.Len(uint(n))+7)/8
}

// ElementLen returns the encoded length of an element with n content
// bytes.
func ElementLen(n int) int { return HeaderLen(n) + n }

// AppendHeader appends the tag and the definite length octets of an
// element with n content bytes.
func AppendHeader(dst []byte, tag asn1.Tag, n int) []byte {
	dst = append(dst, byte(tag))
	if n < 0x80 {
		return append(dst, byte(n))
	}
	k := (bits.Len(uint(n)) + 7) / 8
	dst = append(dst, 0x80|byte(k))
	for i := k - 1; i >= 0; i-- {
		dst = append(dst, byte(n>>(8*i)))
	}
	return dst
}

// Int64Len returns the content length of the minimal two's-complement
// INTEGER encoding of v.
func Int64Len(v int64) int {
	n := 1
	for v > 127 || v < -128 {
		n++
		v >>= 8
	}
	return n
}

// AppendInt64 appends v as a DER INTEGER element.
func AppendInt64(dst []byte, v int64) []byte { return appendInt(dst, asn1.INTEGER, v) }

func appendInt(dst []byte, tag asn1.Tag, v int64) []byte {
	n := Int64Len(v)
	dst = append(dst, byte(tag), byte(n))
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// AppendEnum appends v as a DER ENUMERATED element (content as Int64Len).
func AppendEnum(dst []byte, v int64) []byte { return appendInt(dst, asn1.ENUM, v) }

// Uint64Len returns the content length of the DER INTEGER encoding of v
// (a leading zero octet when the top bit of the first octet is set).
func Uint64Len(v uint64) int {
	n := max(1, (bits.Len64(v)+7)/8)
	if v>>(8*n-1)&1 == 1 {
		n++
	}
	return n
}

// AppendUint64 appends v as a DER INTEGER element.
func AppendUint64(dst []byte, v uint64) []byte {
	n := Uint64Len(v)
	dst = append(dst, byte(asn1.INTEGER), byte(n))
	for i := n - 1; i >= 0; i-- {
		if i >= 8 {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// AppendOctetString appends b as an OCTET STRING element.
func AppendOctetString(dst, b []byte) []byte {
	return append(AppendHeader(dst, asn1.OCTET_STRING, len(b)), b...)
}

// AppendUTF8 appends s as a UTF8String element, as AddUTF8 does.
func AppendUTF8(dst []byte, s string) []byte {
	return append(AppendHeader(dst, asn1.UTF8String, len(s)), s...)
}
