// Package vcard serves a scheme's wallet card (models.CardWallet: today
// the chip model's secure element, the code that plays the card
// in-process) as a smart card: behind ISO 7816-4 APDUs, to a PC/SC reader
// through vsmartcard's virtual reader driver vpcd (vpcd.go), its state
// kept in a directory so a power-down of the reader is a real power cut
// of the card. It names no scheme.
//
// The card speaks the adapter's operations (PROTOCOL.md; for chip,
// chip.Ops, §7) in APDUs (this file): the terminal selects the
// application by AID, then sends each operation as one OPERATION command
// (chained when longer than a short APDU) and fetches the answer with GET
// RESPONSE. A payment's own APDUs (chip's INITIATE, CONFIRM, REFUSE and
// the answers TRANSFER, DONE) travel inside as the operation's message,
// byte for byte. The terminal side is package conformance/reader.
package vcard

import (
	"encoding/json"
	"fmt"
)

// AID is the application identifier the terminal selects (a proprietary
// RID F0 and "dualoff").
var AID = []byte{0xF0, 'd', 'u', 'a', 'l', 'o', 'f', 'f'}

// Instruction bytes. Class 00 is interindustry (SELECT, GET RESPONSE);
// class 80 is the proprietary class of the chip profile, 90 the same with
// the chaining bit (ISO 7816-4 §5.1.1: more command data follows).
const (
	CLAISO      = 0x00
	CLAProp     = 0x80
	CLAChain    = 0x10 // chaining bit of the class byte
	INSSelect   = 0xA4
	INSGetResp  = 0xC0
	INSOp       = 0xE0 // OPERATION: data = op name, 0x00, JSON params
	INSErase    = 0xEE // ERASE: wipe the card (a test card's re-install)
	MaxChunk    = 255  // command data per short APDU
	MaxRespData = 256  // response data per short APDU (Le = 00)
)

// Status words the envelope uses (ISO 7816-4 §5.6).
const (
	SWOK             = 0x9000
	SWMoreData       = 0x6100 // | remaining bytes (00: 256 or more)
	SWWrongLength    = 0x6700
	SWNotSatisfied   = 0x6985 // no application selected
	SWWrongData      = 0x6A80
	SWFileNotFound   = 0x6A82 // SELECT of an unknown AID
	SWWrongP1P2      = 0x6B00
	SWINSUnsupported = 0x6D00
	SWCLAUnsupported = 0x6E00
	SWNoPrecise      = 0x6F00 // the card could not persist its state
)

// Reply is an operation's answer, the data GET RESPONSE returns: the
// result, or the card's refusal (a canonical code and its text).
type Reply struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *ReplyError     `json:"error,omitempty"`
}

// ReplyError is a refusal.
type ReplyError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// EncodeOp is the OPERATION data of op with params (JSON).
func EncodeOp(op string, params []byte) []byte {
	b := append([]byte(op), 0)
	return append(b, params...)
}

// DecodeOp splits OPERATION data into the op name and its JSON params.
func DecodeOp(data []byte) (op string, params []byte, err error) {
	for i, c := range data {
		if c == 0 {
			return string(data[:i]), data[i+1:], nil
		}
	}
	return "", nil, fmt.Errorf("operation data has no name terminator")
}

// ATR is the answer to reset the virtual card presents: direct convention,
// T=1, historical bytes "dualoffline", and the check byte.
func ATR() []byte {
	hist := []byte("dualoffline")
	atr := []byte{0x3B, 0x80 | byte(len(hist)), 0x80, 0x01}
	atr = append(atr, hist...)
	var tck byte
	for _, c := range atr[1:] {
		tck ^= c
	}
	return append(atr, tck)
}
