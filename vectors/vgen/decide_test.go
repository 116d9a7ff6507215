package vgen

import (
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
