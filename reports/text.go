package reports

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxString caps one string from the results; captured stderr can be long.
const maxString = 64 << 10

// clean neutralises a string that may have come from an implementation
// under test before it reaches the template: bidirectional controls
// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and other
// invisible or control characters are replaced by a visible ⟪U+XXXX⟫,
// invalid UTF-8 by U+FFFD, and the string is cut at maxString bytes. Tabs
// and newlines stay (pre blocks keep them). Escaping for HTML is left to
// html/template.
func clean(s string) string {
	if isPlain(s) {
		if len(s) > maxString {
			return cut(s, maxString)
		}
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if b.Len() >= maxString {
			fmt.Fprintf(&b, "… [%d more bytes cut]", len(s)-i)
			break
		}
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case hidden(r):
			fmt.Fprintf(&b, "⟪U+%04X⟫", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII plus tab and newline, the
// common case, which needs no rewriting.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func validAt(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return !(r == utf8.RuneError && n <= 1)
}

// hidden reports whether r is a control, format or bidi character that
// must not reach the page as itself.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // embeddings, overrides, isolates
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true // LRM, RLM, ALM
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff, r == 0x00ad:
		return true // zero-width characters, word joiner, BOM, soft hyphen
	case r == 0x2028, r == 0x2029:
		return true // line and paragraph separators
	case r >= 0xfff9 && r <= 0xfffb:
		return true // interlinear annotation
	case r >= 0xe0000 && r <= 0xe007f:
		return true // tag characters
	}
	return false
}

// cut shortens s to at most n bytes on a rune boundary and says so.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + fmt.Sprintf("… [%d more bytes cut]", len(s)-i)
}

// short cleans s and cuts it to n runes for a label, with an ellipsis.
func short(s string, n int) string {
	s = clean(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

// oneLine replaces line breaks with spaces for a label.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func cleanAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}
