package apdu

import (
	"github.com/dualoffline/dualoffline/spec"
)

// Caps of the BER-TLV profile.
const (
	// MaxTLV caps an encoded TLV sequence, every level included.
	MaxTLV = 16384
	// MaxDepth caps nesting: top-level objects are at depth 1, and a
	// constructed object at depth MaxDepth must be empty.
	MaxDepth = 8
	// MaxItems caps the objects of one level: the top-level sequence, or
	// the children of one constructed object.
	MaxItems = 64
)

// TLV is one BER-TLV data object (ISO/IEC 7816-4 §5.2, EMV Book 3 Annex
// B). Tag holds the 1 to 3 tag bytes as a big-endian number (0x5A, 0x9F02,
// 0xDF7F, 0x5F2D, 0xFF8101 ...), from which the class and the constructed
// bit are read. A primitive object carries Value and no Children; a
// constructed one carries Children and no Value.
type TLV struct {
	Tag      uint32
	Value    []byte
	Children []TLV
}

// Class is the class of a tag, bits 8-7 of its first byte.
type Class uint8

// The four tag classes.
const (
	ClassUniversal   Class = 0
	ClassApplication Class = 1
	ClassContext     Class = 2
	ClassPrivate     Class = 3
)

// Class returns the class of t's tag.
func (t TLV) Class() Class { return Class(firstByte(t.Tag) >> 6) }

// Constructed reports whether t's tag is constructed (bit 6 of its first
// byte): its value is a sequence of objects held in Children.
func (t TLV) Constructed() bool { return firstByte(t.Tag)&0x20 != 0 }

// tagLen returns the number of bytes of tag's encoding, by magnitude (4
// only for a tag the profile refuses).
func tagLen(tag uint32) int {
	switch {
	case tag > 0xFFFFFF:
		return 4
	case tag > 0xFFFF:
		return 3
	case tag > 0xFF:
		return 2
	default:
		return 1
	}
}

func firstByte(tag uint32) byte { return byte(tag >> (8 * (tagLen(tag) - 1))) }

// TagName returns the tag in upper-case hex, two digits per tag byte
// ("5A", "9F02", "DF7F"): the name ValueSpans gives a field.
func TagName(tag uint32) string {
	const digits = "0123456789ABCDEF"
	n := 2 * tagLen(tag)
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = digits[tag&0xF]
		tag >>= 4
	}
	return string(b)
}

// checkTag reports why tag is not encodable under the profile, or nil.
func checkTag(tag uint32) error {
	bad := func(why string) error {
		return spec.Errorf(spec.CodeMalformed, "apdu: tag %s: %s", TagName(tag), why)
	}
	if tag > 0xFFFFFF {
		return spec.Errorf(spec.CodeMalformed, "apdu: tag %s is longer than 3 bytes", TagName(tag))
	}
	n := tagLen(tag)
	b := []byte{byte(tag >> 16), byte(tag >> 8), byte(tag)}[3-n:]
	switch {
	case b[0] == 0x00 || b[0] == 0xFF:
		return bad("first byte 00 and FF are invalid (padding)")
	case n == 1 && b[0]&0x1F == 0x1F:
		return bad("first byte announces subsequent tag bytes")
	case n > 1 && b[0]&0x1F != 0x1F:
		return bad("first byte does not announce subsequent tag bytes")
	case n > 1 && b[1] == 0x80:
		return bad("second byte 80 is a non-minimal tag number")
	case n == 2 && b[1]&0x80 != 0:
		return bad("second byte announces a third")
	case n == 3 && b[1]&0x80 == 0:
		return bad("second byte does not announce a third")
	case n == 3 && b[2]&0x80 != 0:
		return bad("third byte announces a fourth")
	}
	return nil
}

// readTag reads the tag at the start of b (non-empty); off is b's offset
// in the whole input, for messages.
func readTag(b []byte, off int) (tag uint32, n int, err error) {
	if b[0] == 0x00 || b[0] == 0xFF {
		return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV padding byte %02X at offset %d (refused in this profile)", b[0], off)
	}
	tag, n = uint32(b[0]), 1
	if b[0]&0x1F != 0x1F {
		return tag, n, nil
	}
	for {
		if n == len(b) {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV tag truncated at offset %d", off)
		}
		if n == 3 {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV tag at offset %d is longer than 3 bytes", off)
		}
		c := b[n]
		if n == 1 && c == 0x80 {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV tag at offset %d has a non-minimal second byte 80", off)
		}
		tag, n = tag<<8|uint32(c), n+1
		if c&0x80 == 0 {
			return tag, n, nil
		}
	}
}

// readLen reads the definite, minimal length field at the start of b
// (non-empty).
func readLen(b []byte, off int) (l, n int, err error) {
	switch c := b[0]; {
	case c < 0x80:
		return int(c), 1, nil
	case c == 0x80:
		return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV indefinite length at offset %d", off)
	case c == 0x81:
		if len(b) < 2 {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV length truncated at offset %d", off)
		}
		if b[1] < 0x80 && spec.Makes("tlv-strict") {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV non-minimal length 81%02X at offset %d", b[1], off)
		}
		return int(b[1]), 2, nil
	case c == 0x82:
		if len(b) < 3 {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV length truncated at offset %d", off)
		}
		l := int(b[1])<<8 | int(b[2])
		if l < 0x100 && spec.Makes("tlv-strict") {
			return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV non-minimal length 82%02X%02X at offset %d", b[1], b[2], off)
		}
		return l, 3, nil
	default:
		return 0, 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV length field %02X at offset %d is longer than 3 bytes", c, off)
	}
}

// Parse decodes b as a sequence of BER-TLV objects, recursing into
// constructed ones. Under the strict profile it refuses with malformed:
// more than MaxTLV bytes; more than MaxItems objects on one level; nesting
// deeper than MaxDepth; padding bytes 00 or FF before, between or after
// objects, which ISO/IEC 7816-4 permits and this profile does not (a tag
// may not start with either); tags over 3 bytes or with second byte 80;
// indefinite, non-minimal or over-3-byte length fields; lengths beyond the
// remaining input; and trailing bytes (a truncated object). An empty b is
// the empty sequence. For every accepted b, Marshal(Parse(b)) == b.
func Parse(b []byte) ([]TLV, error) {
	if len(b) > MaxTLV {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV sequence is %d bytes, cap %d", len(b), MaxTLV)
	}
	return parseSeq(b, 0, 1, nil)
}

// ValueSpans returns the byte range in b of every non-empty primitive
// value, in encoding order, named by its tag (TagName, "DF01"), whatever
// its depth: the fields a fault injector tampers with one at a time. It
// fails like Parse. Empty values have no bytes to tamper with and are left
// out; a tag repeated in b yields one span per occurrence.
func ValueSpans(b []byte) ([]Span, error) {
	if len(b) > MaxTLV {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV sequence is %d bytes, cap %d", len(b), MaxTLV)
	}
	spans := []Span{}
	if _, err := parseSeq(b, 0, 1, &spans); err != nil {
		return nil, err
	}
	return spans, nil
}

// Span locates a field inside an encoding, for field-level tampering: the
// bytes b[Start:End] of the field named Name.
type Span struct {
	Name       string
	Start, End int
}

func parseSeq(b []byte, off, depth int, spans *[]Span) ([]TLV, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if depth > MaxDepth {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV nesting at offset %d deeper than %d", off, MaxDepth)
	}
	var items []TLV
	for i := 0; i < len(b); {
		if len(items) == MaxItems {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV level at offset %d has more than %d objects", off, MaxItems)
		}
		tag, n, err := readTag(b[i:], off+i)
		if err != nil {
			return nil, err
		}
		i += n
		if i == len(b) {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV %s at offset %d has no length", TagName(tag), off+i-n)
		}
		l, m, err := readLen(b[i:], off+i)
		if err != nil {
			return nil, err
		}
		i += m
		if l > len(b)-i {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: TLV %s at offset %d: length %d, %d bytes remain", TagName(tag), off+i-m-n, l, len(b)-i)
		}
		t := TLV{Tag: tag}
		v := b[i : i+l]
		if t.Constructed() {
			if t.Children, err = parseSeq(v, off+i, depth+1, spans); err != nil {
				return nil, err
			}
		} else {
			t.Value = clone(v)
			if spans != nil && l > 0 {
				*spans = append(*spans, Span{Name: TagName(tag), Start: off + i, End: off + i + l})
			}
		}
		items = append(items, t)
		i += l
	}
	return items, nil
}

// Validate reports, as a malformed error, why items cannot be marshaled
// into an encoding Parse accepts, or nil: an invalid tag (not 1 to 3
// bytes of valid BER-TLV, or starting 00 or FF); a primitive object with
// Children or a constructed one with a non-empty Value; a value over 65535
// bytes; more than MaxItems objects on a level; nesting deeper than
// MaxDepth; an encoding over MaxTLV bytes. When Validate(items) is nil,
// Parse(Marshal(items)) equals items (with nil and empty slices alike).
func Validate(items []TLV) error {
	n, err := validateSeq(items, 1)
	if err != nil {
		return err
	}
	if n > MaxTLV {
		return spec.Errorf(spec.CodeMalformed, "apdu: TLV sequence encodes to %d bytes, cap %d", n, MaxTLV)
	}
	return nil
}

// validateSeq returns the encoded size of items. Sizes are bounded well
// below overflow: each level stops at MaxTLV.
func validateSeq(items []TLV, depth int) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	if depth > MaxDepth {
		return 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV nesting deeper than %d", MaxDepth)
	}
	if len(items) > MaxItems {
		return 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV level has %d objects, at most %d", len(items), MaxItems)
	}
	total := 0
	for _, t := range items {
		if err := checkTag(t.Tag); err != nil {
			return 0, err
		}
		l := len(t.Value)
		if t.Constructed() {
			if len(t.Value) != 0 {
				return 0, spec.Errorf(spec.CodeMalformed, "apdu: constructed TLV %s has a Value", TagName(t.Tag))
			}
			var err error
			if l, err = validateSeq(t.Children, depth+1); err != nil {
				return 0, err
			}
		} else if len(t.Children) != 0 {
			return 0, spec.Errorf(spec.CodeMalformed, "apdu: primitive TLV %s has Children", TagName(t.Tag))
		}
		if l > 0xFFFF {
			return 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV %s value is %d bytes, at most 65535", TagName(t.Tag), l)
		}
		total += tagLen(t.Tag) + lenLen(l) + l
		if total > MaxTLV {
			return 0, spec.Errorf(spec.CodeMalformed, "apdu: TLV sequence encodes to more than %d bytes", MaxTLV)
		}
	}
	return total, nil
}

func lenLen(l int) int {
	switch {
	case l < 0x80:
		return 1
	case l <= 0xFF:
		return 2
	default:
		return 3
	}
}

// Marshal encodes items: each object's tag, its minimal definite length,
// then its Value (primitive) or its marshaled Children (constructed). It
// panics if Validate(items) is not nil: marshaling an object this profile
// cannot encode is a programming error, and callers holding structures of
// unknown origin check Validate first.
func Marshal(items []TLV) []byte {
	if err := Validate(items); err != nil {
		panic(err)
	}
	return appendSeq(nil, items)
}

func appendSeq(b []byte, items []TLV) []byte {
	for _, t := range items {
		for i := tagLen(t.Tag) - 1; i >= 0; i-- {
			b = append(b, byte(t.Tag>>(8*i)))
		}
		v := t.Value
		if t.Constructed() {
			v = appendSeq(nil, t.Children)
		}
		switch l := len(v); {
		case l < 0x80:
			b = append(b, byte(l))
		case l <= 0xFF:
			b = append(b, 0x81, byte(l))
		default:
			b = append(b, 0x82, byte(l>>8), byte(l))
		}
		b = append(b, v...)
	}
	return b
}

// Find returns the first top-level object of items with tag; it does not
// look into constructed objects.
func Find(items []TLV, tag uint32) (TLV, bool) {
	for _, t := range items {
		if t.Tag == tag {
			return t, true
		}
	}
	return TLV{}, false
}

// Field describes one object a level of TLVs may hold, for Expect: its tag,
// its name in error messages, the bounds Min <= length <= Max of its value
// in bytes (the encoded Children for a constructed object; Max = 0 means
// the value must be empty), and whether it may be absent.
type Field struct {
	Tag      uint32
	Name     string
	Min, Max int
	Optional bool
}

// Expect checks one level of TLVs against a schema and returns its objects
// by tag. It refuses with malformed, naming the field: a tag not in
// fields, a tag present twice, a required field missing, and a value whose
// length is outside [Min, Max]. Order is not checked: the encoding is kept
// byte for byte anyway. A schema that lists a tag twice or has Min < 0 or
// Max < Min is a programming error, reported as internal.
func Expect(items []TLV, fields ...Field) (map[uint32]TLV, error) {
	schema := make(map[uint32]Field, len(fields))
	for _, f := range fields {
		if _, dup := schema[f.Tag]; dup {
			return nil, spec.Errorf(spec.CodeInternal, "apdu: schema lists tag %s (%s) twice", TagName(f.Tag), f.Name)
		}
		if f.Min < 0 || f.Max < f.Min {
			return nil, spec.Errorf(spec.CodeInternal, "apdu: schema bounds of %s (%s) are [%d, %d]", TagName(f.Tag), f.Name, f.Min, f.Max)
		}
		schema[f.Tag] = f
	}
	got := make(map[uint32]TLV, len(items))
	for _, t := range items {
		f, ok := schema[t.Tag]
		_, dup := got[t.Tag]
		if !spec.Makes("tlv-objects") && (!ok || dup) {
			continue // a reader that takes the first of each object it knows
		}
		if !ok {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: unexpected tag %s", TagName(t.Tag))
		}
		if dup {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: %s (%s) appears twice", f.Name, TagName(t.Tag))
		}
		l := len(t.Value)
		if t.Constructed() {
			l = seqSize(t.Children)
		}
		if (l < f.Min || l > f.Max) && spec.Makes("tlv-objects") {
			return nil, spec.Errorf(spec.CodeMalformed, "apdu: %s (%s) is %d bytes, want %d..%d", f.Name, TagName(t.Tag), l, f.Min, f.Max)
		}
		got[t.Tag] = t
	}
	for _, f := range fields {
		if _, ok := got[f.Tag]; ok || f.Optional {
			continue
		}
		if !spec.Makes("tlv-objects") {
			got[f.Tag] = TLV{Tag: f.Tag} // a reader that finds no object reads it as empty
			continue
		}
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: %s (%s) is missing", f.Name, TagName(f.Tag))
	}
	return got, nil
}

// seqSize returns the encoded size of items without validating them.
func seqSize(items []TLV) int {
	n := 0
	for _, t := range items {
		l := len(t.Value)
		if t.Constructed() {
			l = seqSize(t.Children)
		}
		n += tagLen(t.Tag) + lenLen(l) + l
	}
	return n
}

// CommandValueSpans is ValueSpans over the data field of the C-APDU b,
// with offsets into b: the fields of a command's TLV payload.
func CommandValueSpans(b []byte) ([]Span, error) {
	c, err := ParseCommand(b)
	if err != nil {
		return nil, err
	}
	return shiftedSpans(c.Data, dataOffset(c))
}

// ResponseValueSpans is ValueSpans over the data of the R-APDU b, with
// offsets into b.
func ResponseValueSpans(b []byte) ([]Span, error) {
	r, err := ParseResponse(b)
	if err != nil {
		return nil, err
	}
	return shiftedSpans(r.Data, 0)
}

// dataOffset returns where the data field of c starts in its encoding.
func dataOffset(c Command) int {
	if c.short() {
		return 5
	}
	return 7
}

func shiftedSpans(data []byte, off int) ([]Span, error) {
	spans, err := ValueSpans(data)
	if err != nil {
		return nil, err
	}
	for i := range spans {
		spans[i].Start += off
		spans[i].End += off
	}
	return spans, nil
}
