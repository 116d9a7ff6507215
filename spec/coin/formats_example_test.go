package coin

import (
	"bytes"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The worked example of spec/formats.md ("### Example" under "The coin")
// is the TBS this package encodes for the coin it describes, and its
// stated sizes hold: a stale example fails here.
func TestFormatsExample(t *testing.T) {
	doc, err := os.ReadFile("../formats.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "A GM coin with serial `0102…10`, 500 fen")
	if i < 0 {
		t.Fatal("formats.md: the coin example is gone")
	}
	block := s[i:]
	block = block[strings.Index(block, "```")+3:]
	block = block[:strings.Index(block, "```")]
	// Each line: hex byte pairs (or one run of hex), then two spaces and
	// the description. The signature line ends the TBS.
	hexRun := regexp.MustCompile(`^\s*((?:[0-9a-f]{2}\s?)+?)\s{2,}`)
	var tbs []byte
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if strings.Contains(line, "signature") {
			break
		}
		m := hexRun.FindStringSubmatch(line + "  ")
		if m == nil {
			t.Fatalf("formats.md example: no hex in %q", line)
		}
		b, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
		if err != nil {
			t.Fatalf("formats.md example: %q: %v", line, err)
		}
		tbs = append(tbs, b...)
	}
	tbs = tbs[2:] // the Coin header 61 78 precedes the TBS
	var serial Serial
	for k := range serial {
		serial[k] = byte(k + 1)
	}
	c := New(serial, 500, Serial{}, "ICBC-0001")
	if got := c.TBS(); !bytes.Equal(got, tbs) {
		t.Errorf("formats.md example TBS\n doc %x\ngot %x", tbs, got)
	}
	if n := 2 + len(tbs) + 2 + 71; n != 122 || !strings.Contains(block, "61 78") || 0x78 != n-2 {
		t.Errorf("formats.md example: a 71-byte signature makes the coin %d bytes, the text says 122 (61 78)", n)
	}
}
