package vcard

import "testing"

// TestMoreStatusWord: 61xx counts the bytes that remain, 6100 when 256 or
// more do (APDU.md), and 9000 ends the answer.
func TestMoreStatusWord(t *testing.T) {
	c := &Card{resp: make([]byte, 700)}
	for _, want := range []struct {
		n  int
		sw uint16
	}{{256, SWMoreData}, {256, SWMoreData | 188}, {188, SWOK}} {
		out, sw := c.more(0)
		if len(out) != want.n || sw != want.sw {
			t.Fatalf("more: %d bytes, SW %04X; want %d, %04X", len(out), sw, want.n, want.sw)
		}
	}
}
