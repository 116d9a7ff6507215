package vcard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/dualoffline/dualoffline/models"
	"io"
	"net"
	"time"
)

// DefaultPort is the TCP port vsmartcard's vpcd driver listens on for its
// first virtual reader ("Virtual PCD 00 00"); the card dials it.
const DefaultPort = 35963

// vpcd control messages (a 1-byte payload; vsmartcard's vpcd.h).
const (
	CtrlPowerOff = 0
	CtrlPowerOn  = 1
	CtrlReset    = 2
	CtrlATR      = 4
)

// Serve answers vpcd's messages on conn until it closes or ctx ends. A
// message is a 2-byte big-endian length and a payload: one byte is a
// control (power off, power on and reset get no answer, get ATR is
// answered with the ATR), more is a command APDU answered with the
// response APDU. A command while the card is unpowered is answered 6F00.
// It returns nil when the driver closed the connection.
func Serve(ctx context.Context, conn net.Conn, c *Card) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	r := ackReader{conn}
	for {
		msg, err := ReadMsg(r)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var out []byte
		switch {
		case len(msg) == 1:
			switch msg[0] {
			case CtrlPowerOff:
				c.PowerOff()
			case CtrlPowerOn:
				err = c.PowerOn()
			case CtrlReset:
				err = c.Reset()
			case CtrlATR:
				out = ATR()
			default:
				err = fmt.Errorf("vpcd control %d", msg[0])
			}
			if err != nil {
				return err
			}
			if out == nil {
				continue
			}
		default:
			if out = c.Transmit(msg); out == nil {
				out = []byte{SWNoPrecise >> 8, SWNoPrecise & 0xFF}
			}
		}
		if err := WriteMsg(conn, out); err != nil {
			return err
		}
	}
}

// ReadMsg reads one length-prefixed vpcd message.
func ReadMsg(r io.Reader) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// WriteMsg writes one length-prefixed vpcd message.
func WriteMsg(w io.Writer, msg []byte) error {
	if len(msg) > 0xFFFF {
		return fmt.Errorf("vpcd message of %d bytes", len(msg))
	}
	// One write: a header sent apart from its payload waits out the
	// peer's delayed ACK under Nagle's algorithm.
	_, err := w.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...))
	return err
}

// Run dials the vpcd driver at addr and serves c, dialling again while
// the driver is not there or after it closed the connection (pcscd
// restarted), until ctx ends. Each connection starts with the card
// unpowered: losing the reader is a power cut. logf, if not nil, reports
// connections.
func Run(ctx context.Context, addr string, c *Card, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	var d net.Dialer
	waiting := false
	for ctx.Err() == nil {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			if !waiting {
				logf("waiting for the vpcd driver at %s (is pcscd running with vsmartcard-vpcd?): %v", addr, err)
				waiting = true
			}
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		waiting = false
		logf("card inserted in the virtual reader at %s", addr)
		c.PowerOff()
		err = Serve(ctx, conn, c)
		conn.Close()
		c.PowerOff()
		if err != nil {
			logf("connection to the virtual reader broke: %v", err)
		} else if ctx.Err() == nil {
			logf("the virtual reader closed the connection; dialling again")
		}
		select { // a card whose state fails at every power-on must not spin
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}

// ackReader reads conn with quick acknowledgements (quickAck).
type ackReader struct{ conn net.Conn }

func (a ackReader) Read(p []byte) (int, error) {
	quickAck(a.conn)
	return a.conn.Read(p)
}

// Start opens wallet's card (state in dir, "" for memory; mutant, "" for
// the reference) and runs it against the driver at addr in the
// background, as Run does, until stop is called; stop returns once Run has.
func Start(addr string, wallet models.CardWallet, dir, mutant string, logf func(format string, args ...any)) (stop func(), err error) {
	c, err := Open(wallet, dir, mutant)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Run(ctx, addr, c, logf)
	}()
	return func() { cancel(); <-done }, nil
}
