// Package der is the strict DER profile shared by every signed structure of
// dualoffline. It wraps golang.org/x/crypto/cryptobyte, which already
// refuses non-minimal lengths and integers, and adds what the formats need:
// every read has a size cap, and every failure is a *spec.Error with code
// malformed (or unknown-version) naming the field.
//
// Structures are tagged [APPLICATION n] so that the bytes of one kind can
// never be taken for another (domain separation for signatures). The tag
// numbers are allocated in spec/formats.md.
package der

import (
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
)

// Application returns the constructed [APPLICATION n] tag. n must be
// below 31 (a one-byte tag); a larger n is a programming error and panics.
func Application(n uint8) asn1.Tag {
	if n >= 31 {
		panic("der: APPLICATION tag numbers above 30 need the long tag form")
	}
	return asn1.Tag(n).Constructed() | asn1.Tag(0x40)
}

// Reader reads one structure's fields in order; the first failure sticks,
// so a parser reads every field and checks Err once at the end.
type Reader struct {
	what  string // the structure, for error messages
	check string // the check of spec/checks.json parsing the structure is, if any
	s     cryptobyte.String
	err   error
}

// Open checks that b is exactly one element with tag and at most max bytes
// long, and returns a Reader over its contents.
func Open(b []byte, tag asn1.Tag, max int, what string) *Reader {
	// Small enough to inline, so a Reader that does not outlive its
	// caller stays on the caller's stack.
	r := &Reader{what: what}
	r.open(b, tag, max)
	return r
}

// OpenChecked is Open for a structure whose parse is itself a check of
// spec/checks.json (check): each rule of the profile the Reader applies
// is made only while both its own check and this one are.
func OpenChecked(b []byte, tag asn1.Tag, max int, what, check string) *Reader {
	r := &Reader{what: what, check: check}
	r.open(b, tag, max)
	return r
}

// makes reports whether the profile rule id is made for this structure.
func (r *Reader) makes(id string) bool {
	return spec.Makes(id) && (r.check == "" || spec.Makes(r.check))
}

func (r *Reader) open(b []byte, tag asn1.Tag, max int) {
	if len(b) > max && r.makes("der-size-cap") {
		r.err = spec.Errorf(spec.CodeMalformed, "%s is %d bytes, cap %d", r.what, len(b), max)
		return
	}
	if !r.makes("der-length-minimal") {
		if nb := minimalLengths(b); nb != nil {
			b = nb
		}
	}
	in := cryptobyte.String(b)
	if !r.readTagged(&in, &r.s, tag) {
		r.err = spec.Errorf(spec.CodeMalformed, "%s: not a DER element with tag %#x", r.what, uint8(tag))
		return
	}
	if !in.Empty() && r.makes("der-trailing") {
		r.err = spec.Errorf(spec.CodeMalformed, "%s: %d bytes of trailing data", r.what, len(in))
	}
}

func (r *Reader) fail(field, format string, args ...any) {
	if r.err == nil {
		r.err = spec.Errorf(spec.CodeMalformed, "%s.%s: "+format, append([]any{r.what, field}, args...)...)
	}
}

// Err returns the first failure, or a malformed error if fields remain
// unread.
func (r *Reader) Err() error {
	if r.err == nil && !r.s.Empty() && r.makes("der-trailing") {
		r.fail("end", "%d bytes of unexpected fields", len(r.s))
	}
	return r.err
}

// More reports whether unread fields remain (and no failure occurred).
func (r *Reader) More() bool { return r.err == nil && !r.s.Empty() }

// Version reads the leading version INTEGER and fails with unknown-version
// unless it is one of known.
func (r *Reader) Version(known ...uint64) uint64 {
	v := r.Uint("version", 0, 1<<16)
	if r.err != nil {
		return 0
	}
	for _, k := range known {
		if v == k {
			return v
		}
	}
	if !r.makes("version-unknown") {
		return v
	}
	r.err = spec.Errorf(spec.CodeUnknownVersion, "%s version %d, known %v", r.what, v, known)
	return 0
}

// Uint reads a non-negative INTEGER in [min, max].
func (r *Reader) Uint(field string, min, max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	if !r.readUint(&v) {
		r.fail(field, "not a minimal non-negative INTEGER below 2^64")
		return 0
	}
	if (v < min || v > max) && r.makes("der-range") {
		r.fail(field, "%d outside [%d, %d]", v, min, max)
		return 0
	}
	return v
}

// readTagged reads one element's contents from in into out: with tag
// (der-tag), or, without that check, whatever its tag.
func (r *Reader) readTagged(in, out *cryptobyte.String, tag asn1.Tag) bool {
	if r.makes("der-tag") {
		return in.ReadASN1(out, tag)
	}
	var any asn1.Tag
	return in.ReadAnyASN1(out, &any)
}

// MinimalLengths is minimalLengths for the parsers of other packages:
// b with every length in minimal form, or b unchanged when it is not a run
// of elements.
func MinimalLengths(b []byte) []byte {
	if nb := minimalLengths(b); nb != nil {
		return nb
	}
	return b
}

// minimalLengths re-encodes the lengths of the elements of b, nested ones
// included, in minimal form: what a parser without der-length-minimal
// reads. Bytes it cannot split into elements are returned unchanged.
func minimalLengths(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		if len(b) < 2 || b[0]&0x1f == 0x1f {
			return nil
		}
		tag, n, hdr := b[0], int(b[1]), 2
		if n&0x80 != 0 {
			k := n & 0x7f
			if k == 0 || k > 3 || len(b) < 2+k {
				return nil
			}
			n = 0
			for _, c := range b[2 : 2+k] {
				n = n<<8 | int(c)
			}
			hdr += k
		}
		if len(b) < hdr+n {
			return nil
		}
		body := b[hdr : hdr+n]
		if tag&0x20 != 0 {
			if nb := minimalLengths(body); nb != nil || len(body) == 0 {
				body = nb
			}
		}
		var lb cryptobyte.Builder
		lb.AddASN1(asn1.Tag(tag), func(c *cryptobyte.Builder) { c.AddBytes(body) })
		enc, err := lb.Bytes()
		if err != nil {
			return nil
		}
		out = append(out, enc...)
		b = b[hdr+n:]
	}
	return out
}

// readUint reads a minimal non-negative INTEGER below 2^64
// (der-integer-minimal); without that check, leading zero octets are
// skipped.
func (r *Reader) readUint(v *uint64) bool {
	if r.makes("der-integer-minimal") {
		return r.s.ReadASN1Integer(v)
	}
	var b cryptobyte.String
	if !r.s.ReadASN1(&b, asn1.INTEGER) || len(b) == 0 || b[0]&0x80 != 0 {
		return false
	}
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) > 8 {
		return false
	}
	*v = 0
	for _, c := range b {
		*v = *v<<8 | uint64(c)
	}
	return true
}

// Enum reads an ENUMERATED in [0, max].
func (r *Reader) Enum(field string, max int) int {
	if r.err != nil {
		return 0
	}
	var v int
	if !r.s.ReadASN1Enum(&v) {
		r.fail(field, "not a minimal ENUMERATED")
		return 0
	}
	if (v < 0 || v > max) && r.makes("der-unsigned") {
		r.fail(field, "%d outside [0, %d]", v, max)
		return 0
	}
	return v
}

// Bytes reads an OCTET STRING of length in [min, max]. The result aliases
// the input.
func (r *Reader) Bytes(field string, min, max int) []byte {
	return r.string(field, asn1.OCTET_STRING, min, max)
}

// Element reads one whole element with tag (header included) of at most
// max bytes, for nested structures parsed by their own Open.
func (r *Reader) Element(field string, tag asn1.Tag, max int) []byte {
	if r.err != nil {
		return nil
	}
	var el cryptobyte.String
	if !r.s.ReadASN1Element(&el, tag) {
		r.fail(field, "missing or not tag %#x", uint8(tag))
		return nil
	}
	if len(el) > max && r.makes("der-size-cap") {
		r.fail(field, "%d bytes, cap %d", len(el), max)
		return nil
	}
	return el
}

// Printable reads a UTF8String of printable ASCII (0x21..0x7e) of length in
// [min, max]: identifiers, never free text.
func (r *Reader) Printable(field string, min, max int) string {
	return string(r.PrintableBytes(field, min, max))
}

// PrintableBytes is Printable without the copy: the result aliases the
// input (nil on failure). Parsers that often meet the same identifier
// compare it with ones they hold instead of allocating a string each time.
func (r *Reader) PrintableBytes(field string, min, max int) []byte {
	b := r.string(field, asn1.UTF8String, min, max)
	if r.err != nil {
		return nil
	}
	if !utf8.Valid(b) {
		r.fail(field, "not UTF-8")
		return nil
	}
	for _, c := range b {
		if (c < 0x21 || c > 0x7e) && r.makes("der-printable") {
			r.fail(field, "byte %#x is not printable ASCII", c)
			return nil
		}
	}
	return b
}

func (r *Reader) string(field string, tag asn1.Tag, min, max int) []byte {
	if r.err != nil {
		return nil
	}
	var b cryptobyte.String
	if !r.readTagged(&r.s, &b, tag) {
		r.fail(field, "missing or not tag %#x", uint8(tag))
		return nil
	}
	if (len(b) < min || len(b) > max) && r.makes("der-size-field") {
		r.fail(field, "%d bytes, want %d..%d", len(b), min, max)
		return nil
	}
	return b
}

// Builder is cryptobyte.Builder; structures are written with its
// AddASN1* methods and these helpers.
type Builder = cryptobyte.Builder

// Marshal builds one [APPLICATION tag] structure. It panics only on a
// programming error in f (a structure this module itself produced).
func Marshal(tag asn1.Tag, f func(b *Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(tag, f)
	return b.BytesOrPanic()
}

// AddUTF8 appends a UTF8String.
func AddUTF8(b *Builder, s string) {
	b.AddASN1(asn1.UTF8String, func(b *Builder) { b.AddBytes([]byte(s)) })
}
