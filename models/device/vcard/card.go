package vcard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
)

// StoreFile is the file in the state directory holding the card's
// persistent store (a JSON object key → bytes), replaced atomically.
const StoreFile = "card.json"

// Card is one virtual card: a scheme's reference card (its
// models.CardWallet's host), or a mutant's card, on a state directory. Power off drops everything volatile (the
// selection, a chained command, an answer not yet fetched, the card's
// open payment session); power on reloads the card from the directory,
// as a card's chip starts from its EEPROM. Every operation that changed
// the store is written to the directory before its answer leaves.
//
// A Card is not safe for concurrent use; the reader serialises access.
type Card struct {
	dir    string // "" keeps the store in memory (tests)
	wallet models.CardWallet
	mutant string
	mem    map[string][]byte // the store when dir is ""

	host     models.CardHost // nil while powered off
	selected bool
	cmd      []byte // chained command data so far
	resp     []byte // answer data GET RESPONSE has still to return
}

// Open makes wallet's card on dir (created if missing; "" keeps the store
// in memory). mutant names one of wallet.CardMutants, or "" for the
// reference. The card starts powered off.
func Open(wallet models.CardWallet, dir, mutant string) (*Card, error) {
	if mutant != "" && !slices.Contains(wallet.CardMutants(), mutant) {
		return nil, fmt.Errorf("unknown card mutant %q (have %s)", mutant, strings.Join(wallet.CardMutants(), ", "))
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	c := &Card{dir: dir, wallet: wallet, mutant: mutant}
	if _, err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

// PowerOn starts the card on its stored state. It is a no-op on a
// powered card.
func (c *Card) PowerOn() error {
	if c.host != nil {
		return nil
	}
	store, err := c.load()
	if err != nil {
		return err
	}
	h, err := c.wallet.CardHost(store, c.mutant)
	if err != nil {
		return err
	}
	// A host may count a start in the store (the chip card's randomness
	// depends on it): persist it before the card answers anything.
	if h.Dirty() {
		if err := c.save(h.Store()); err != nil {
			return err
		}
	}
	c.host = h
	return nil
}

// PowerOff cuts the card's power: volatile state is lost.
func (c *Card) PowerOff() {
	c.host, c.selected, c.cmd, c.resp = nil, false, nil, nil
}

// Reset is a warm reset: the chip restarts on its stored state.
func (c *Card) Reset() error {
	c.PowerOff()
	return c.PowerOn()
}

// Transmit answers one command APDU with a response APDU. A card that is
// not powered answers nothing (nil).
func (c *Card) Transmit(capdu []byte) []byte {
	if c.host == nil {
		return nil
	}
	data, sw := c.transmit(capdu)
	return append(slices.Clone(data), byte(sw>>8), byte(sw))
}

func (c *Card) transmit(capdu []byte) ([]byte, uint16) {
	cmd, err := apdu.ParseCommand(capdu)
	if err != nil {
		return nil, SWWrongLength
	}
	if cmd.INS != INSGetResp {
		c.resp = nil // an answer not fetched is gone once another command comes
	}
	switch {
	case cmd.CLA == CLAISO && cmd.INS == INSSelect:
		if cmd.P1 != 0x04 || cmd.P2&^0x0C != 0 {
			return nil, SWWrongP1P2
		}
		c.cmd = nil
		c.selected = bytes.Equal(cmd.Data, AID)
		if !c.selected {
			return nil, SWFileNotFound
		}
		return nil, SWOK
	case cmd.CLA == CLAISO && cmd.INS == INSGetResp:
		return c.more(cmd.Le)
	case cmd.CLA&^CLAChain != CLAProp:
		return nil, SWCLAUnsupported
	case !c.selected:
		return nil, SWNotSatisfied
	}
	switch cmd.INS {
	case INSErase:
		c.cmd = nil
		if err := c.save(nil); err != nil {
			return nil, SWNoPrecise
		}
		c.PowerOff()
		if err := c.PowerOn(); err != nil {
			return nil, SWNoPrecise
		}
		c.selected = true
		return nil, SWOK
	case INSOp:
		c.cmd = append(c.cmd, cmd.Data...)
		if cmd.CLA&CLAChain != 0 {
			if len(c.cmd) > 1<<20 {
				c.cmd = nil
				return nil, SWWrongLength
			}
			return nil, SWOK
		}
		data := c.cmd
		c.cmd = nil
		reply, err := c.operate(data)
		if err != nil {
			return nil, SWNoPrecise
		}
		c.resp = reply
		return c.more(cmd.Le)
	}
	c.cmd = nil
	return nil, SWINSUnsupported
}

// more returns the next part of the pending answer (at most le bytes) and
// 61xx while more remains.
func (c *Card) more(le int) ([]byte, uint16) {
	if le <= 0 || le > MaxRespData {
		le = MaxRespData
	}
	n := min(le, len(c.resp))
	out := c.resp[:n]
	c.resp = c.resp[n:]
	if len(c.resp) == 0 {
		c.resp = nil
		return out, SWOK
	}
	if len(c.resp) > 0xFF {
		return out, SWMoreData // 00: 256 or more remain (APDU.md)
	}
	return out, SWMoreData | uint16(len(c.resp))
}

// operate performs one OPERATION and returns the Reply; an error means
// the state could not be persisted (no answer may leave).
func (c *Card) operate(data []byte) ([]byte, error) {
	var r Reply
	op, params, err := DecodeOp(data)
	if err != nil {
		r.Error = &ReplyError{Code: string(spec.CodeMalformed), Message: err.Error()}
		return json.Marshal(r)
	}
	res, err := c.host.Handle(op, params)
	if c.host.Dirty() {
		if perr := c.save(c.host.Store()); perr != nil {
			return nil, perr
		}
	}
	if err != nil {
		var se *spec.Error
		code := spec.CodeInternal
		if errors.As(err, &se) {
			code = se.Code
		}
		r.Error = &ReplyError{Code: string(code), Message: err.Error()}
		return json.Marshal(r)
	}
	if r.Result, err = json.Marshal(res); err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

func (c *Card) load() (map[string][]byte, error) {
	if c.dir == "" {
		return c.mem, nil
	}
	b, err := os.ReadFile(filepath.Join(c.dir, StoreFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var store map[string][]byte
	if err := json.Unmarshal(b, &store); err != nil {
		return nil, fmt.Errorf("%s: %v", StoreFile, err)
	}
	return store, nil
}

// save replaces the stored state (nil: an empty card) atomically and
// durably.
func (c *Card) save(store map[string][]byte) error {
	if c.dir == "" {
		c.mem = store
		return nil
	}
	b, err := json.Marshal(store)
	if err != nil {
		return err
	}
	tmp := filepath.Join(c.dir, StoreFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.dir, StoreFile))
}
