package der

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ReplaceContent replaces the contents of the one element it names, at
// any depth, re-encoding every enclosing length (the value is long enough
// to move each length to its two-byte form); contents that are no
// element's are refused with b returned; the bytes after the element stay.
func TestReplaceContent(t *testing.T) {
	b := Marshal(Application(24), func(b *Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *Builder) {
			b.AddASN1OctetString([]byte("payer"))
			b.AddASN1Int64(230)
		})
		b.AddASN1OctetString([]byte("signature"))
	})
	b = append(b, 0xEE)
	value := bytes.Repeat([]byte{0x41}, 300)
	for _, c := range []struct {
		field string
		path  []asn1.Tag // the element's place: tags from the outside in
	}{
		{"payer", []asn1.Tag{asn1.SEQUENCE, asn1.OCTET_STRING}},
		{"signature", []asn1.Tag{asn1.OCTET_STRING}},
	} {
		start := bytes.Index(b, []byte(c.field))
		out, ok := ReplaceContent(b, start, start+len(c.field), value)
		if !ok {
			t.Fatalf("%s not replaced", c.field)
		}
		if out[len(out)-1] != 0xEE {
			t.Errorf("%s: the byte after the element is lost", c.field)
		}
		s := cryptobyte.String(out)
		var body cryptobyte.String
		if !s.ReadASN1(&body, Application(24)) {
			t.Fatalf("%s: the outer element does not parse after", c.field)
		}
		got := readPath(t, body, c.path)
		if !bytes.Equal(got, value) {
			t.Errorf("%s reads back as %q", c.field, got)
		}
	}
	i := bytes.Index(b, []byte("payer"))
	if out, ok := ReplaceContent(b, i+1, i+5, value); ok || !bytes.Equal(out, b) {
		t.Error("contents that are no element's were replaced")
	}
	if _, ok := ReplaceContent([]byte{0x30, 0x05}, 2, 3, value); ok {
		t.Error("a truncated element was replaced")
	}
}

func readPath(t *testing.T, s cryptobyte.String, path []asn1.Tag) []byte {
	t.Helper()
	for _, tag := range path {
		var v cryptobyte.String
		for {
			var el cryptobyte.String
			var got asn1.Tag
			if !s.ReadAnyASN1(&el, &got) {
				t.Fatalf("no %v element", tag)
			}
			if got == tag {
				v = el
				break
			}
		}
		s = v
	}
	return s
}

// ReplaceContent's edges: a span that is a constructed element's whole
// contents replaces those contents; a replacement that shortens a length
// to its one-byte form; encodings cryptobyte refuses (indefinite length,
// a non-minimal long-form length, a high tag number) and an element cut
// short after the field are refused with b returned.
func TestReplaceContentEdges(t *testing.T) {
	inner := Marshal(asn1.SEQUENCE, func(b *Builder) { b.AddASN1OctetString([]byte("x")) })
	b := Marshal(Application(24), func(b *Builder) { b.AddBytes(inner) })
	// The SEQUENCE's contents: after its 2-byte header at offset 2.
	out, ok := ReplaceContent(b, 4, len(b), []byte{0x05, 0x00})
	want := []byte{0x78, 0x04, 0x30, 0x02, 0x05, 0x00}
	if !ok || !bytes.Equal(out, want) {
		t.Errorf("constructed contents: got %x %v, want %x", out, ok, want)
	}
	long := Marshal(asn1.SEQUENCE, func(b *Builder) { b.AddASN1OctetString(bytes.Repeat([]byte{1}, 200)) })
	out, ok = ReplaceContent(long, 6, len(long), []byte{2})
	want = []byte{0x30, 0x03, 0x04, 0x01, 0x02}
	if !ok || !bytes.Equal(out, want) {
		t.Errorf("shortened: got %x %v, want %x", out, ok, want)
	}
	for _, c := range []struct {
		name       string
		b          []byte
		start, end int
	}{
		{"indefinite length", []byte{0x30, 0x80, 0x04, 0x01, 0x07, 0x00, 0x00}, 4, 5},
		{"non-minimal long form", []byte{0x30, 0x81, 0x03, 0x04, 0x01, 0x07}, 5, 6},
		{"high tag number", []byte{0x3F, 0x1F, 0x03, 0x04, 0x01, 0x07}, 5, 6},
		{"cut short after the field", []byte{0x30, 0x05, 0x04, 0x01, 0x07, 0x04, 0x05}, 4, 5},
	} {
		if out, ok := ReplaceContent(c.b, c.start, c.end, []byte{9, 9}); ok || !bytes.Equal(out, c.b) {
			t.Errorf("%s: replaced (%x)", c.name, out)
		}
	}
}
