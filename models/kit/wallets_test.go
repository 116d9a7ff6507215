package kit

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

type nopDevice struct{}

func (nopDevice) Restart() error { return nil }

type nopElement struct{ nopDevice }

func (nopElement) ID() string             { return "" }
func (nopElement) Backing() *world.Device { return nil }
func (nopElement) Recover()               {}

// AddWallets attaches the wallets cfg names external, makes the others,
// opens each account after it is added, in wallet order, and stops at
// the first error without opening that wallet's account.
func TestAddWallets(t *testing.T) {
	cfg := models.Config{Wallets: 4, External: []world.PartyID{"wallet-B"}}
	var log []string
	tb := NewTable[nopDevice, nopElement](world.New(0), "wallet")
	add := func(how string, fail world.PartyID) func(int, world.PartyID) error {
		return func(i int, id world.PartyID) error {
			log = append(log, fmt.Sprintf("%s %d %s", how, i, id))
			if id == fail {
				return errors.New("refused")
			}
			return nil
		}
	}
	open := func(i int, id world.PartyID) { log = append(log, fmt.Sprintf("open %d %s", i, id)) }
	if err := tb.AddWallets(cfg, add("attach", ""), add("own", ""), open); err != nil {
		t.Fatal(err)
	}
	want := []string{"own 0 wallet-A", "open 0 wallet-A", "attach 1 wallet-B", "open 1 wallet-B", "own 2 wallet-C", "open 2 wallet-C", "own 3 wallet-D", "open 3 wallet-D"}
	if d := cmp.Diff(want, log); d != "" {
		t.Errorf("adding four wallets, wallet-B external (-want +got):\n%s", d)
	}
	log = nil
	if err := tb.AddWallets(cfg, add("attach", ""), add("own", "wallet-C"), open); err == nil || err.Error() != "refused" {
		t.Errorf("wallet-C refused: AddWallets returned %v, want its error", err)
	}
	if d := cmp.Diff(want[:5], log); d != "" {
		t.Errorf("wallet-C refused: not stopped there (-want +got):\n%s", d)
	}
}

// closeLink is a Link that only records its Close.
type closeLink struct {
	models.Link
	closed *[]world.PartyID
	id     world.PartyID
}

func (l closeLink) Close() error { *l.closed = append(*l.closed, l.id); return nil }

// On an error, AddWallets closes the external devices attached so far.
func TestAddWalletsClosesOnError(t *testing.T) {
	cfg := models.Config{Wallets: 3, External: []world.PartyID{"wallet-A", "wallet-B"}}
	tb := NewTable[nopDevice, nopElement](world.New(0), "wallet")
	var closed []world.PartyID
	attach := func(i int, id world.PartyID) error {
		tb.Links[id] = closeLink{closed: &closed, id: id}
		return nil
	}
	own := func(int, world.PartyID) error { return errors.New("refused") }
	if err := tb.AddWallets(cfg, attach, own, func(int, world.PartyID) {}); err == nil {
		t.Fatal("wallet-C refused, AddWallets returned nil")
	}
	if d := cmp.Diff([]world.PartyID{"wallet-A", "wallet-B"}, closed); d != "" {
		t.Errorf("links closed after the error (-want +got):\n%s", d)
	}
}
