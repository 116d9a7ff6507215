package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models/kit"
)

// This file holds the wallet bugs -wallet-bug plays: mistakes in how a
// vendor persists a reference device's state, which no model mutant can
// have (a model device's writes are durable when made). Each is written
// from the rule of PROTOCOL.md §7 it breaks — everything a device must
// keep across a power cut is durable before its answer leaves, and what
// was answered stays — and is caught only by a power cut the harness can
// give an external device, whose writes it cannot count: crash-before or
// crash-after (bugs_test.go checks both halves). They wrap any served
// device: the operations they watch are the session operations every
// scheme's wallet has (<device>.start-payee, .payer, .payee,
// .end-session).

// walletBugs are the persistence bugs -wallet-bug names, each with what
// it does wrong.
var walletBugs = map[string]string{
	// A write-behind payment log. The wallet commits the coins it spends
	// at once but appends the payment's write-ahead record (out/…) to
	// its log only when the session closes, to save a flash write per
	// message. A power cut after it answers, before the close, leaves
	// the coins gone and no record of where they went: when the answer
	// was lost too, nobody holds the payment and reconciliation cannot
	// give the value back. A cut before its next step cannot show it:
	// that step's message went out, so the payee holds the value.
	"log-at-session-end": "appends a payment's record to the log when the session closes, not with the coins it spends",
	// An undo journal applied at power-up. The wallet keeps the store as
	// it was before each operation of an open session and, finding a
	// session open at power-up, restores it: an operation whose session
	// never closed "did not happen". But its answer had left: when the
	// peer acted on it (the cut came before the wallet's next step) the
	// wallet takes back what it paid. A cut after the operation, its
	// answer lost too, is harmless: the peer never saw it.
	"undo-open-session": "at power-up, undoes the last operation of a session the previous process left open, though its answer had left",
}

// wrapOnly is the no-op bug: the device served through buggy, persisting
// what it should. The control of bugs_test.go (TestReferenceWallet) runs
// it, so what it passes went through the same wrapper as the bugs. It is
// not a -wallet-bug.
const wrapOnly = "wrap-only"

// Store keys the undo journal adds beside the device's own.
const (
	keyOpen = "vendor/open" // present while a session is open
	keyUndo = "vendor/undo" // JSON store before the open session's last operation
)

// sessionStep reports whether op is a step of a payment session.
func sessionStep(op string) bool {
	_, name, _ := strings.Cut(op, ".")
	switch name {
	case "start-payee", "payer", "payee":
		return true
	}
	return false
}

// buggy is a served device with a persistence bug: Store is what the
// vendor writes to its state directory.
type buggy struct {
	h   host
	bug string

	open    bool              // a session is open
	flushed map[string][]byte // log-at-session-end: the out/ records as last written
	undo    map[string][]byte // undo-open-session: the store before the last step
	dirty   bool
}

// openBuggy opens a device with open on store, through bug ("": none).
func openBuggy(open func(map[string][]byte, string) (host, error), store map[string][]byte, mutant, bug string) (host, error) {
	if bug == "" {
		return open(store, mutant)
	}
	if _, ok := walletBugs[bug]; !ok && bug != wrapOnly {
		return nil, fmt.Errorf("unknown wallet bug %q (%s)", bug, strings.Join(slices.Sorted(maps.Keys(walletBugs)), ", "))
	}
	b := &buggy{bug: bug}
	inner := maps.Clone(store)
	if bug == "undo-open-session" {
		if _, open := inner[keyOpen]; open && inner[keyUndo] != nil {
			// The bug: the session the previous process left open is
			// rolled back to before its last step.
			var undo map[string][]byte
			if err := json.Unmarshal(inner[keyUndo], &undo); err != nil {
				return nil, fmt.Errorf("%s: %v", keyUndo, err)
			}
			inner = undo
			b.dirty = true
		}
		delete(inner, keyOpen)
		delete(inner, keyUndo)
	}
	h, err := open(inner, mutant)
	if err != nil {
		return nil, err
	}
	b.h = h
	b.flushed = outRecords(h.Store())
	return b, nil
}

// outRecords are the write-ahead payment records of store.
func outRecords(store map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range store {
		if strings.HasPrefix(k, kit.PrefOut) {
			out[k] = v
		}
	}
	return out
}

func (b *buggy) Handle(op string, params json.RawMessage) (any, error) {
	step := sessionStep(op)
	var before map[string][]byte
	if step {
		before = b.h.Store()
	}
	res, err := b.h.Handle(op, params)
	if step {
		b.open = true
		b.undo = before
	} else {
		// The session closes at end-session or at the first operation
		// outside it (a payer card gets no end-session in some schemes;
		// the harness reads its state instead). log-at-session-end: the
		// records reach the log then.
		b.open, b.undo = false, nil
		b.flushed = outRecords(b.h.Store())
	}
	b.dirty = true
	return res, err
}

// Store is what the vendor writes: the device's store, with the bug.
func (b *buggy) Store() map[string][]byte {
	s := b.h.Store()
	switch b.bug {
	case "log-at-session-end":
		maps.DeleteFunc(s, func(k string, _ []byte) bool { return strings.HasPrefix(k, kit.PrefOut) })
		maps.Copy(s, b.flushed)
	case "undo-open-session":
		if b.open {
			s[keyOpen] = []byte{1}
			s[keyUndo] = kit.MustJSON(b.undo)
		}
	}
	return s
}

func (b *buggy) Dirty() bool {
	d := b.h.Dirty() || b.dirty
	b.dirty = false
	return d
}
