package vgen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnhexerList(t *testing.T) {
	var u Unhexer
	if diff := cmp.Diff([][]byte{{0x01}, {}, {0xab, 0xcd}}, u.List("keys", []string{"01", "", "abcd"})); diff != "" || u.Err != nil {
		t.Errorf("List (-want +got):\n%s\nerr %v", diff, u.Err)
	}
	got := u.List("keys", []string{"01", "zz", "AB"})
	if u.Err == nil || !strings.HasPrefix(u.Err.Error(), "keys[1]: ") {
		t.Errorf("List of a bad second member: err %v, want one naming keys[1]", u.Err)
	}
	if len(got) != 3 || got[2] != nil {
		t.Errorf("List after a bad member = %x, want three members, the later ones nil", got)
	}
}

func TestUnhexerSized(t *testing.T) {
	var u Unhexer
	if got := u.Sized("nonce", "0102", 2); !bytes.Equal(got, []byte{1, 2}) || u.Err != nil {
		t.Errorf("Sized of 2 bytes at 2 = %x, err %v", got, u.Err)
	}
	for _, c := range []struct{ hex, want string }{
		{"010203", "nonce: 3 bytes, want 2"},
		{"", "nonce: 0 bytes, want 2"},
		{"01zz", "nonce: "},
	} {
		u = Unhexer{}
		got := u.Sized("nonce", c.hex, 2)
		if got != nil || u.Err == nil || !strings.HasPrefix(u.Err.Error(), c.want) {
			t.Errorf("Sized(%q, 2) = %x, err %v, want nil and an error starting %q", c.hex, got, u.Err, c.want)
		}
	}
	// After a bad field every later call returns nil and keeps the first error.
	if got := u.Sized("later", "0102", 2); got != nil || !strings.HasPrefix(u.Err.Error(), "nonce: ") {
		t.Errorf("Sized after an error = %x, err %v, want nil and the first error", got, u.Err)
	}
}
