package apdu

import (
	"github.com/dualoffline/dualoffline/spec"
)

// Size caps of the strict profile.
const (
	// MaxCommand caps an encoded C-APDU at 16 KiB: header, length fields
	// and data. A payment carries its coins' lineages, so the chip model
	// uses extended lengths; 16 KiB is what current secure elements buffer.
	MaxCommand = 16384
	// MaxResponse caps an encoded R-APDU: MaxCommand bytes of data and
	// the two status bytes.
	MaxResponse = 16384 + 2
)

// LeAbsent is the Command.Le of a command with no Le field (cases 1 and 3).
const LeAbsent = -1

// Command is a C-APDU (ISO/IEC 7816-4 §5.1).
//
// Le is Ne, the number of response bytes expected: LeAbsent (-1) when the
// Le field is absent, otherwise 1..65536. The encoded Le field 0x00 (short)
// or 0x0000 (extended) stands for the maximum, 256 or 65536, so Le = 0 has
// no encoding and Marshal refuses it rather than guess between "absent"
// and "maximum" (note that the zero Command therefore does not marshal).
//
// Data of length zero is the same as no data: ParseCommand returns nil.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               int
}

// short reports whether the command takes the short form: Nc <= 255 and
// Ne <= 256 (or absent).
func (c Command) short() bool { return len(c.Data) <= 255 && c.Le <= 256 }

// Marshal encodes the command in the one form this profile accepts: short
// (cases 1, 2S, 3S, 4S) when len(Data) <= 255 and Le <= 256, extended
// (cases 2E, 3E, 4E) otherwise. Le = 256 encodes as 0x00 in the short
// form and 65536 as 0x0000 in the extended form. It fails with malformed
// when CLA is 0xFF, Le is outside {-1} ∪ [1, 65536], Data exceeds 65535
// bytes or the encoding would exceed MaxCommand.
func (c Command) Marshal() ([]byte, error) {
	if c.CLA == 0xFF {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: command CLA 0xFF is invalid")
	}
	if c.Le != LeAbsent && (c.Le < 1 || c.Le > 65536) {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: command Le %d outside {-1} ∪ [1, 65536]", c.Le)
	}
	nc := len(c.Data)
	if nc > 65535 {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: command data is %d bytes, at most 65535", nc)
	}
	n := 4 + nc
	switch {
	case c.short():
		if nc > 0 {
			n++
		}
		if c.Le != LeAbsent {
			n++
		}
	default:
		n++ // the 0x00 marking the extended form
		if nc > 0 {
			n += 2
		}
		if c.Le != LeAbsent {
			n += 2
		}
	}
	if n > MaxCommand {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: command encodes to %d bytes, cap %d", n, MaxCommand)
	}
	b := make([]byte, 0, n)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	if c.short() {
		if nc > 0 {
			b = append(b, byte(nc))
			b = append(b, c.Data...)
		}
		if c.Le != LeAbsent {
			b = append(b, byte(c.Le)) // 256 wraps to 0x00
		}
		return b, nil
	}
	b = append(b, 0x00)
	if nc > 0 {
		b = append(b, byte(nc>>8), byte(nc))
		b = append(b, c.Data...)
	}
	if c.Le != LeAbsent {
		b = append(b, byte(c.Le>>8), byte(c.Le)) // 65536 wraps to 0x0000
	}
	return b, nil
}

// ParseCommand decodes one C-APDU occupying all of b. It accepts exactly
// the encodings Marshal produces, so Marshal(ParseCommand(b)) == b for
// every accepted b, and refuses with malformed: fewer than 4 or more than
// MaxCommand bytes; CLA 0xFF; a body whose length matches no case; an
// extended Lc of 0; an extended encoding of a command that fits the short
// form (case 2E with Ne <= 256, case 3E with Nc <= 255, case 4E with both);
// and a 2-byte body starting 0x00 (neither a short nor an extended case).
//
// A short body starting 0x00 is a short Le of 256 only when it is the
// whole body (case 2S); otherwise 0x00 opens the extended form, so a short
// Lc of 0 cannot occur.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: command is %d bytes, at least 4", len(b))
	}
	if len(b) > MaxCommand {
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: command is %d bytes, cap %d", len(b), MaxCommand)
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3], Le: LeAbsent}
	if c.CLA == 0xFF {
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: command CLA 0xFF is invalid")
	}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2S
		c.Le = shortLe(body[0])
		return c, nil
	case body[0] != 0x00: // case 3S or 4S
		nc := int(body[0])
		switch len(body) {
		case 1 + nc: // case 3S
		case 2 + nc: // case 4S
			c.Le = shortLe(body[1+nc])
		default:
			return Command{}, spec.Errorf(spec.CodeMalformed,
				"apdu: short Lc %d does not match the %d-byte body (want %d or %d)", nc, len(body), 1+nc, 2+nc)
		}
		c.Data = clone(body[1 : 1+nc])
		return c, nil
	case len(body) == 2:
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: 2-byte body %02X%02X is neither short nor extended", body[0], body[1])
	case len(body) == 3: // case 2E
		c.Le = extendedLe(body[1], body[2])
		if c.Le <= 256 && spec.Makes("apdu-length") {
			return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: extended Le %d fits the short form", c.Le)
		}
		return c, nil
	}
	// case 3E or 4E
	nc := int(body[1])<<8 | int(body[2])
	if nc == 0 {
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: extended Lc of 0")
	}
	switch len(body) {
	case 3 + nc: // case 3E
	case 5 + nc: // case 4E
		c.Le = extendedLe(body[3+nc], body[4+nc])
	default:
		return Command{}, spec.Errorf(spec.CodeMalformed,
			"apdu: extended Lc %d does not match the %d-byte body (want %d or %d)", nc, len(body), 3+nc, 5+nc)
	}
	c.Data = clone(body[3 : 3+nc])
	if c.short() && spec.Makes("apdu-length") {
		return Command{}, spec.Errorf(spec.CodeMalformed, "apdu: extended encoding of Lc %d, Le %d fits the short form", nc, c.Le)
	}
	return c, nil
}

func shortLe(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}

func extendedLe(hi, lo byte) int {
	if n := int(hi)<<8 | int(lo); n != 0 {
		return n
	}
	return 65536
}

// clone copies b, returning nil for an empty b.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
