//go:build pcsc

package reader

import (
	"errors"

	"github.com/ebfe/scard"
)

// ErrNoPCSC is nil in a build with PC/SC.
var ErrNoPCSC error

// HavePCSC reports whether the build includes PC/SC.
const HavePCSC = true

// ListReaders lists the PC/SC readers pcscd knows.
func ListReaders() ([]string, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	defer ctx.Release()
	rs, err := ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	return rs, err
}

// ConnectPCSC connects to the card in reader name, exclusively, T=0 or
// T=1.
func ConnectPCSC(name string) (Conn, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	card, err := ctx.Connect(name, scard.ShareExclusive, scard.ProtocolAny)
	if err != nil {
		ctx.Release()
		return nil, err
	}
	c := &pcscConn{ctx: ctx, card: card, name: name}
	if err := c.status(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

type pcscConn struct {
	ctx  *scard.Context
	card *scard.Card
	name string
	atr  []byte
}

func (c *pcscConn) status() error {
	st, err := c.card.Status()
	if err != nil {
		return err
	}
	c.atr = st.Atr
	return nil
}

func (c *pcscConn) Reader() string { return c.name }
func (c *pcscConn) ATR() []byte    { return c.atr }

func (c *pcscConn) Transmit(capdu []byte) ([]byte, error) { return c.card.Transmit(capdu) }

// PowerCycle is SCardReconnect with SCARD_UNPOWER_CARD: pcscd powers the
// card down and up again.
func (c *pcscConn) PowerCycle() error {
	if err := c.card.Reconnect(scard.ShareExclusive, scard.ProtocolAny, scard.UnpowerCard); err != nil {
		return err
	}
	return c.status()
}

// Close is SCardDisconnect leaving the card powered, and releases the
// context.
func (c *pcscConn) Close() error {
	err := c.card.Disconnect(scard.LeaveCard)
	if rerr := c.ctx.Release(); err == nil {
		err = rerr
	}
	return err
}
