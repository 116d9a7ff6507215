package reader

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// VPCDPrefix marks a reader name served by this package's own vpcd
// socket (Socket) instead of PC/SC: "vpcd:127.0.0.1:35964".
const VPCDPrefix = "vpcd:"

// Connect opens the reader name: a vpcd socket for a name with
// VPCDPrefix, PC/SC otherwise (an error naming what is missing when the
// binary was built without the pcsc tag).
func Connect(name string) (Conn, error) {
	if addr, ok := strings.CutPrefix(name, VPCDPrefix); ok {
		s, err := SocketAt(addr)
		if err != nil {
			return nil, err
		}
		return s.Connect()
	}
	return ConnectPCSC(name)
}

// DefaultWait bounds how long Dial waits for a busy reader.
const DefaultWait = 2 * time.Minute

// Devices gives external wallets the cards in Readers, one reader per
// wallet at a time: a models.Dialer (Dial). A wallet's reader is busy
// until its Link closes; Dial waits up to Wait for a free one.
type Devices struct {
	Readers []string
	// Connect opens a reader (nil: Connect).
	Connect func(name string) (Conn, error)
	// Wait bounds the wait for a free reader (0: DefaultWait).
	Wait time.Duration

	mu      sync.Mutex
	busy    map[string]bool
	free    chan struct{} // closed and replaced when a reader frees
	started int
}

// Started counts the cards readied so far.
func (d *Devices) Started() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.started
}

// Dial implements models.Dialer: the card in the first free reader,
// selected and erased.
func (d *Devices) Dial(party world.PartyID) (models.Link, error) {
	name, err := d.acquire()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", models.ErrBroken, party, err)
	}
	connect := d.Connect
	if connect == nil {
		connect = Connect
	}
	conn, err := connect(name)
	if err != nil {
		d.releaseReader(name)
		return nil, fmt.Errorf("%w: %s: reader %q: %v", models.ErrBroken, party, name, err)
	}
	l, err := Open(conn, party, func() { d.releaseReader(name) })
	if err != nil {
		conn.Close()
		d.releaseReader(name)
		return nil, err
	}
	d.mu.Lock()
	d.started++
	d.mu.Unlock()
	return l, nil
}

func (d *Devices) acquire() (string, error) {
	wait := d.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	deadline := time.After(wait)
	for {
		d.mu.Lock()
		if d.busy == nil {
			d.busy = map[string]bool{}
		}
		if d.free == nil {
			d.free = make(chan struct{})
		}
		for _, r := range d.Readers {
			if !d.busy[r] {
				d.busy[r] = true
				d.mu.Unlock()
				return r, nil
			}
		}
		free := d.free
		d.mu.Unlock()
		select {
		case <-free:
		case <-deadline:
			return "", fmt.Errorf("no free reader among %q after %v: every external wallet needs its own card, and the others hold them", d.Readers, wait)
		}
	}
}

func (d *Devices) releaseReader(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.busy, name)
	if d.free != nil {
		close(d.free)
		d.free = nil
	}
}
