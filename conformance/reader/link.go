// Package reader is the terminal side of a card scheme's suites
// (models.CardWallet; the chip model's) against a card in a reader: a
// models.Link (Link) that performs each card operation as APDUs on a connection to the card (Conn), and a
// models.Dialer (Devices) that gives each external wallet the card in one
// of the named readers. The APDUs are models/device/vcard's: SELECT of the
// application, OPERATION commands (chained), GET RESPONSE.
//
// Connections come from PC/SC (pcsc.go, built with the pcsc tag: cgo and
// libpcsclite) or, without PC/SC, from a vpcd socket this package serves
// itself (Socket: reader names "vpcd:HOST:PORT"), which the virtual card
// dials as it dials vsmartcard's driver.
//
// A physical card is reached only through its APDUs: a power cut is a
// reader power-down between two APDUs (Conn.PowerCycle), and what needs
// the card's memory (a rollback to a saved copy, a clone, a forged store)
// cannot be staged, so Save, Load and Fork refuse with
// spec.CodeUnimplemented, saying why.
package reader

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device/vcard"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
)

// Conn is a connection to the card in one reader.
type Conn interface {
	// Reader is the reader's name.
	Reader() string
	// ATR is the card's answer to reset at the latest power-up.
	ATR() []byte
	// Transmit sends one command APDU and returns the response APDU.
	Transmit(capdu []byte) ([]byte, error)
	// PowerCycle cuts the card's power and powers it up again
	// (SCardReconnect with SCARD_UNPOWER_CARD).
	PowerCycle() error
	// Close ends the connection, leaving the card in the reader.
	Close() error
}

// Link is one card in a reader playing a wallet: a models.Link.
type Link struct {
	conn    Conn
	party   world.PartyID
	release func()
	once    sync.Once
}

var _ models.Link = (*Link)(nil)

// Open readies the card on conn for party: it power-cycles the card,
// selects the application and erases the card (a test card's
// re-install), so every instance starts from a blank card. release, if
// not nil, runs at Close.
func Open(conn Conn, party world.PartyID, release func()) (*Link, error) {
	l := &Link{conn: conn, party: party, release: release}
	if err := l.Restart(); err != nil {
		return nil, err
	}
	if _, sw, err := l.exchange(apdu.Command{CLA: vcard.CLAProp, INS: vcard.INSErase, Le: apdu.LeAbsent}); err != nil {
		return nil, err
	} else if sw != vcard.SWOK {
		return nil, l.broken("ERASE answered %04X", sw)
	}
	return l, nil
}

// Card names the card for reports: reader and ATR.
func (l *Link) Card() string { return Describe(l.conn) }

// Describe names the card on conn: its reader and its ATR.
func Describe(c Conn) string {
	return fmt.Sprintf("the card in reader %q (ATR %X)", c.Reader(), c.ATR())
}

func (l *Link) broken(format string, args ...any) error {
	return fmt.Errorf("%w: %s (%s): %s", models.ErrBroken, l.party, Describe(l.conn), fmt.Sprintf(format, args...))
}

func (l *Link) selectApp() error {
	_, sw, err := l.exchange(apdu.Command{CLA: vcard.CLAISO, INS: vcard.INSSelect, P1: 0x04, P2: 0x00, Data: vcard.AID, Le: 256})
	if err != nil {
		return err
	}
	if sw != vcard.SWOK {
		return l.broken("SELECT of application %X answered %04X (is it a dualoffline card?)", vcard.AID, sw)
	}
	return nil
}

// exchange transmits one command and returns the response data and status
// word; a transport failure is models.ErrBroken.
func (l *Link) exchange(c apdu.Command) ([]byte, uint16, error) {
	b, err := c.Marshal()
	if err != nil {
		return nil, 0, fmt.Errorf("reader: %w", err)
	}
	r, err := l.conn.Transmit(b)
	if err != nil {
		return nil, 0, l.broken("transmit: %v", err)
	}
	if len(r) < 2 {
		return nil, 0, l.broken("response APDU of %d bytes", len(r))
	}
	n := len(r) - 2
	return r[:n], uint16(r[n])<<8 | uint16(r[n+1]), nil
}

// Call implements models.Link: the operation goes out as OPERATION
// commands (chained in short APDUs), the answer comes back through GET
// RESPONSE. A refusal is a *spec.Error with the card's code; anything
// else the card does wrong is models.ErrBroken, after which the card has
// been power-cycled and selected again.
func (l *Link) Call(op string, params, result any) error {
	in, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("reader: %s params: %w", op, err)
	}
	if err := adapter.ValidateDevice(op, "params", in); err != nil {
		return fmt.Errorf("reader: the harness sent %s: %w", l.party, err)
	}
	reply, err := l.operate(vcard.EncodeOp(op, in))
	if err != nil {
		if rerr := l.Restart(); rerr != nil {
			return fmt.Errorf("%w (and the power cycle failed: %v)", err, rerr)
		}
		return err
	}
	var r vcard.Reply
	if err := json.Unmarshal(reply, &r); err != nil {
		return l.broken("%s: the answer does not decode: %v", op, err)
	}
	if r.Error != nil {
		code := spec.Code(r.Error.Code)
		if !code.Known() {
			return l.broken("%s refused with %q, not a canonical code", op, r.Error.Code)
		}
		return spec.Errorf(code, "%s", r.Error.Message)
	}
	if err := adapter.ValidateDevice(op, "result", r.Result); err != nil {
		return l.broken("%s answered %v", op, err)
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, result); err != nil {
		return l.broken("%s result does not decode: %v", op, err)
	}
	return nil
}

// operate sends data as one OPERATION and returns the whole answer.
func (l *Link) operate(data []byte) ([]byte, error) {
	for len(data) > vcard.MaxChunk {
		_, sw, err := l.exchange(apdu.Command{CLA: vcard.CLAProp | vcard.CLAChain, INS: vcard.INSOp, Data: data[:vcard.MaxChunk], Le: apdu.LeAbsent})
		if err != nil {
			return nil, err
		}
		if sw != vcard.SWOK {
			return nil, l.broken("chained OPERATION answered %04X", sw)
		}
		data = data[vcard.MaxChunk:]
	}
	out, sw, err := l.exchange(apdu.Command{CLA: vcard.CLAProp, INS: vcard.INSOp, Data: data, Le: vcard.MaxRespData})
	for err == nil && sw&0xFF00 == vcard.SWMoreData {
		var more []byte
		le := int(sw & 0xFF)
		if le == 0 {
			le = vcard.MaxRespData
		}
		more, sw, err = l.exchange(apdu.Command{CLA: vcard.CLAISO, INS: vcard.INSGetResp, Le: le})
		out = append(out, more...)
	}
	if err != nil {
		return nil, err
	}
	if sw != vcard.SWOK {
		return nil, l.broken("OPERATION answered %04X", sw)
	}
	return out, nil
}

// Restart implements models.Link: the reader powers the card down and up
// (between two APDUs: the finest cut a reader gives), and the terminal
// selects the application again.
func (l *Link) Restart() error {
	if err := l.conn.PowerCycle(); err != nil {
		return l.broken("power cycle: %v", err)
	}
	return l.selectApp()
}

// ErrNoMemoryAccess is why Save, Load and Fork refuse.
var ErrNoMemoryAccess = errors.New("a card in a reader is reached only through its APDUs: the terminal can neither copy its memory (a rollback) nor write it into a second card (a clone)")

// Save implements models.Link: it refuses (spec.CodeUnimplemented).
func (l *Link) Save() ([]byte, error) {
	return nil, spec.Errorf(spec.CodeUnimplemented, "%s: %v", l.party, ErrNoMemoryAccess)
}

// Load implements models.Link: it refuses (spec.CodeUnimplemented).
func (l *Link) Load([]byte) error {
	return spec.Errorf(spec.CodeUnimplemented, "%s: %v", l.party, ErrNoMemoryAccess)
}

// Fork implements models.Link: it refuses (spec.CodeUnimplemented).
func (l *Link) Fork(world.PartyID) (models.Link, error) {
	return nil, spec.Errorf(spec.CodeUnimplemented, "%s: %v", l.party, ErrNoMemoryAccess)
}

// Close implements models.Link: the connection ends, the card stays in
// the reader, and the reader is free for the next wallet.
func (l *Link) Close() error {
	var err error
	l.once.Do(func() {
		err = l.conn.Close()
		if l.release != nil {
			l.release()
		}
	})
	return err
}
