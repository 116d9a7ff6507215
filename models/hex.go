package models

import (
	"encoding/hex"
	"fmt"
)

// Hex is a byte string that JSON carries as lowercase hex, the encoding
// every byte field of the adapter protocol uses.
type Hex []byte

// MarshalText encodes h as lowercase hex.
func (h Hex) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(out, h)
	return out, nil
}

// UnmarshalText decodes hex (either case); anything else is an error.
func (h *Hex) UnmarshalText(b []byte) error {
	out := make([]byte, hex.DecodedLen(len(b)))
	if _, err := hex.Decode(out, b); err != nil {
		return fmt.Errorf("not hex: %w", err)
	}
	*h = out
	return nil
}

// HexList converts byte strings to Hex values (sharing the bytes).
func HexList(bs [][]byte) []Hex {
	out := make([]Hex, len(bs))
	for i, b := range bs {
		out[i] = b
	}
	return out
}

// Bytes converts Hex values back to byte strings (sharing the bytes).
func Bytes(hs []Hex) [][]byte {
	out := make([][]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}
