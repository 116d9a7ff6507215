package memo

import "testing"

// TestKey: the length of each field is part of the key, so fields split
// differently, or a field moved into the next, never share a key; the
// same fields always do.
func TestKey(t *testing.T) {
	if Key([]byte("ab"), []byte("c")) == Key([]byte("a"), []byte("bc")) {
		t.Error("two splits of one byte string share a key")
	}
	if Key([]byte("a"), nil) == Key([]byte("a")) {
		t.Error("an empty field adds nothing to the key")
	}
	if Key([]byte("a"), []byte("b")) != Key([]byte("a"), []byte("b")) {
		t.Error("the same fields gave two keys")
	}
}
