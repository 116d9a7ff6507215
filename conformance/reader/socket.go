package reader

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/dualoffline/dualoffline/models/device/vcard"
)

// Socket is a virtual reader without PC/SC: it listens where vpcd would
// and speaks vpcd's side of the protocol to the virtual card that dials
// it (dualoffline card serve --port). One card at a time; a card that
// dials again replaces the old connection.
type Socket struct {
	ln    net.Listener
	addr  string
	mu    sync.Mutex // one exchange at a time
	conn  net.Conn
	cards chan net.Conn
	// Wait bounds how long Connect waits for a card (0: 10s).
	Wait time.Duration
}

var (
	socketsMu sync.Mutex
	sockets   = map[string]*Socket{}
)

// SocketAt returns the process's socket reader listening on addr, starting
// it on first use.
func SocketAt(addr string) (*Socket, error) {
	socketsMu.Lock()
	defer socketsMu.Unlock()
	if s := sockets[addr]; s != nil {
		return s, nil
	}
	return listen(addr)
}

// Listen starts a socket reader on addr ("127.0.0.1:0" picks a port);
// Connect finds it by its Name.
func Listen(addr string) (*Socket, error) {
	socketsMu.Lock()
	defer socketsMu.Unlock()
	return listen(addr)
}

func listen(addr string) (*Socket, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Socket{ln: ln, addr: ln.Addr().String(), cards: make(chan net.Conn)}
	sockets[s.addr] = s
	if addr != s.addr {
		sockets[addr] = s
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.cards <- c
		}
	}()
	return s, nil
}

// Addr is the address the card dials.
func (s *Socket) Addr() string { return s.addr }

// Name is the reader name that Connect resolves to this socket.
func (s *Socket) Name() string { return VPCDPrefix + s.addr }

// Close stops listening and drops the card.
func (s *Socket) Close() error {
	socketsMu.Lock()
	for a, x := range sockets {
		if x == s {
			delete(sockets, a)
		}
	}
	socketsMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	return s.ln.Close()
}

// card returns the card's connection, waiting for one. Called with s.mu.
func (s *Socket) card() (net.Conn, error) {
	select {
	case c := <-s.cards: // a card (re)connected
		if s.conn != nil {
			s.conn.Close()
		}
		s.conn = c
	default:
	}
	if s.conn != nil {
		return s.conn, nil
	}
	wait := s.Wait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	select {
	case c := <-s.cards:
		s.conn = c
		return c, nil
	case <-time.After(wait):
		return nil, fmt.Errorf("no card dialled the virtual reader at %s within %v (start: dualoffline card serve --scheme SCHEME --host HOST --port PORT)", s.addr, wait)
	}
}

// send writes one vpcd message and, if answer, reads the reply.
func (s *Socket) send(msg []byte, answer bool) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.card()
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]byte, error) {
		c.Close()
		s.conn = nil
		return nil, fmt.Errorf("virtual reader %s: %v", s.addr, err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := vcard.WriteMsg(c, msg); err != nil {
		return fail(err)
	}
	if !answer {
		return nil, nil
	}
	r, err := vcard.ReadMsg(c)
	if err != nil {
		return fail(err)
	}
	return r, nil
}

// Connect powers the card up and returns a connection to it.
func (s *Socket) Connect() (Conn, error) {
	c := &socketConn{s: s}
	if err := c.PowerCycle(); err != nil {
		return nil, err
	}
	return c, nil
}

type socketConn struct {
	s   *Socket
	atr []byte
}

func (c *socketConn) Reader() string { return c.s.Name() }
func (c *socketConn) ATR() []byte    { return c.atr }

func (c *socketConn) Transmit(capdu []byte) ([]byte, error) {
	return c.s.send(capdu, true)
}

func (c *socketConn) PowerCycle() error {
	for _, ctl := range []byte{vcard.CtrlPowerOff, vcard.CtrlPowerOn} {
		if _, err := c.s.send([]byte{ctl}, false); err != nil {
			return err
		}
	}
	atr, err := c.s.send([]byte{vcard.CtrlATR}, true)
	if err != nil {
		return err
	}
	c.atr = atr
	return nil
}

func (c *socketConn) Close() error { return nil }
