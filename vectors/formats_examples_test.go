package vectors_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The AGREE example of spec/formats-schemes.md is what the chain model's
// till shows for it, in both suites: a stale example fails here.
func TestFormatsSchemesAgreeExample(t *testing.T) {
	doc, err := os.ReadFile("../spec/formats-schemes.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "Example: 3000 fen to the address of twenty `11` bytes under the nonce of eight `22` bytes:")
	if i < 0 {
		t.Fatal("formats-schemes.md: the AGREE example is gone")
	}
	block := s[i:]
	block = block[strings.Index(block, "```")+3:]
	block = block[:strings.Index(block, "```")]
	var payee chain.Address
	for k := range payee {
		payee[k] = 0x11
	}
	var nonce [chain.NonceSize]byte
	for k := range nonce {
		nonce[k] = 0x22
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		f := strings.Fields(line)
		st, err := suite.ByID(suite.ID(f[0]))
		if err != nil {
			t.Fatalf("formats-schemes.md AGREE example: %q: %v", line, err)
		}
		want, err := hex.DecodeString(strings.Join(f[1:], ""))
		if err != nil {
			t.Fatalf("formats-schemes.md AGREE example: %q: %v", line, err)
		}
		if got := chain.Agreement(st, 3000, payee, nonce); !bytes.Equal(got, want) {
			t.Errorf("%s agreement\n doc %x\ngot %x", f[0], want, got)
		}
		seen++
	}
	if seen != 2 {
		t.Errorf("the AGREE example has %d lines, want GM and INTL", seen)
	}
}

// The address example of spec/formats-schemes.md: the SPKI of the key of
// private scalar 1 and the address the chain model derives from it.
func TestFormatsSchemesAddressExample(t *testing.T) {
	doc, err := os.ReadFile("../spec/formats-schemes.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "Example: the key whose private scalar is 1")
	if i < 0 {
		t.Fatal("formats-schemes.md: the address example is gone")
	}
	block := s[i:]
	block = block[strings.Index(block, "```")+3:]
	block = block[:strings.Index(block, "```")]
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("formats-schemes.md address example: %q", line)
		}
		st, err := suite.ByID(suite.ID(f[0]))
		if err != nil {
			t.Fatal(err)
		}
		one := make([]byte, 32)
		one[31] = 1
		k, err := suite.PrivateKeyFromBytes(st, one)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		switch f[1] {
		case "SPKI":
			got = k.Public().SPKI()
		case "address":
			a := chain.AddressOf(st, k.Public())
			got = a[:]
		default:
			t.Fatalf("formats-schemes.md address example: %q", line)
		}
		if hex.EncodeToString(got) != f[2] {
			t.Errorf("%s %s\n doc %s\ngot %x", f[0], f[1], f[2], got)
		}
		seen++
	}
	if seen != 4 {
		t.Errorf("the address example has %d lines, want 4", seen)
	}
}
