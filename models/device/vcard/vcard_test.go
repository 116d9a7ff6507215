package vcard

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/chip"
)

// driver is the vpcd side of a socket pair: it sends what vpcd sends.
type driver struct {
	t    *testing.T
	conn net.Conn
}

func (d driver) ctl(b byte) {
	d.t.Helper()
	if err := WriteMsg(d.conn, []byte{b}); err != nil {
		d.t.Fatal(err)
	}
}

func (d driver) recv() []byte {
	d.t.Helper()
	r, err := ReadMsg(d.conn)
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

func (d driver) apdu(hexish ...byte) []byte {
	d.t.Helper()
	if err := WriteMsg(d.conn, hexish); err != nil {
		d.t.Fatal(err)
	}
	return d.recv()
}

func sw(r []byte) uint16 { return uint16(r[len(r)-2])<<8 | uint16(r[len(r)-1]) }

// TestServeVPCD drives the card as vpcd does: controls, ATR, SELECT, an
// OPERATION chained over several commands whose answer comes back with
// GET RESPONSE, and a power cut that drops the selection but keeps the
// store.
func TestServeVPCD(t *testing.T) {
	card, err := Open(chip.Scheme{}, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	a, b := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, b, card) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	d := driver{t, a}

	// Unpowered, the card answers no command.
	if got := sw(d.apdu(0x00, INSSelect, 0x04, 0x00, byte(len(AID)))); got != SWNoPrecise {
		t.Errorf("unpowered: SW %04X, want %04X", got, SWNoPrecise)
	}
	d.ctl(CtrlPowerOn)
	d.ctl(CtrlATR)
	if diff := cmp.Diff(ATR(), d.recv()); diff != "" {
		t.Errorf("ATR (-want +got):\n%s", diff)
	}
	op := append([]byte{CLAProp, INSOp, 0, 0, 1}, 0)
	if got := sw(d.apdu(op...)); got != SWNotSatisfied {
		t.Errorf("OPERATION before SELECT: SW %04X, want %04X", got, SWNotSatisfied)
	}
	if got := sw(d.apdu(append([]byte{0x00, INSSelect, 0x04, 0x00, 3}, 1, 2, 3)...)); got != SWFileNotFound {
		t.Errorf("SELECT of another AID: SW %04X, want %04X", got, SWFileNotFound)
	}
	sel := append(append([]byte{0x00, INSSelect, 0x04, 0x00, byte(len(AID))}, AID...), 0x00)
	if got := sw(d.apdu(sel...)); got != SWOK {
		t.Fatalf("SELECT: SW %04X", got)
	}
	if got := sw(d.apdu(0xA0, INSOp, 0, 0)); got != SWCLAUnsupported {
		t.Errorf("class A0: SW %04X, want %04X", got, SWCLAUnsupported)
	}
	if got := sw(d.apdu(CLAProp, 0x42, 0, 0)); got != SWINSUnsupported {
		t.Errorf("instruction 42: SW %04X, want %04X", got, SWINSUnsupported)
	}

	// keygen with params longer than one short APDU (a long party name).
	params, _ := json.Marshal(map[string]any{"party": "wallet-" + strings.Repeat("x", 600), "suite": "GM", "seed": strings.Repeat("07", 32)})
	data := EncodeOp(chip.OpKeygen, params)
	for len(data) > MaxChunk {
		cmd := append([]byte{CLAProp | CLAChain, INSOp, 0, 0, MaxChunk}, data[:MaxChunk]...)
		if got := sw(d.apdu(cmd...)); got != SWOK {
			t.Fatalf("chained OPERATION: SW %04X", got)
		}
		data = data[MaxChunk:]
	}
	r := d.apdu(append(append([]byte{CLAProp, INSOp, 0, 0, byte(len(data))}, data...), 0x10)...)
	answer := r[:len(r)-2]
	for sw(r)&0xFF00 == SWMoreData {
		r = d.apdu(0x00, INSGetResp, 0, 0, 0x10)
		answer = append(answer, r[:len(r)-2]...)
	}
	if sw(r) != SWOK {
		t.Fatalf("OPERATION: SW %04X", sw(r))
	}
	var reply Reply
	if err := json.Unmarshal(answer, &reply); err != nil || reply.Error != nil || len(reply.Result) == 0 {
		t.Fatalf("keygen answer %s: %v", answer, err)
	}

	// A power cut: the selection is gone, the key is not.
	d.ctl(CtrlPowerOff)
	d.ctl(CtrlPowerOn)
	if got := sw(d.apdu(op...)); got != SWNotSatisfied {
		t.Errorf("OPERATION after a power cut without SELECT: SW %04X, want %04X", got, SWNotSatisfied)
	}
	card2, err := Open(chip.Scheme{}, card.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := card2.PowerOn(); err != nil {
		t.Fatal(err)
	}
	if _, ok := card2.host.Store()["key"]; !ok {
		t.Error("the key did not persist in the state directory")
	}
}

// TestOpenRefusesUnknownMutant: a mutant name must be one of the card
// mutants.
func TestOpenRefusesUnknownMutant(t *testing.T) {
	if _, err := Open(chip.Scheme{}, "", "no-such-mutant"); err == nil {
		t.Error("Open accepted an unknown mutant")
	}
	if _, err := Open(chip.Scheme{}, "", chip.CardMutants()[0]); err != nil {
		t.Error(err)
	}
}
