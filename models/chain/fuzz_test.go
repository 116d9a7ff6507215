package chain

import (
	"bytes"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
)

// Native fuzz targets of the chain formats and of the devices that take
// them from outside (run the seeds with go test; fuzz with
// go test -run XXX -fuzz FuzzInjectQR ./models/chain/). They keep the
// contract of package fuzz: no panic; a refusal is a typed error whose
// code is canonical and not internal; what a parser accepts re-encodes
// byte for byte; a refusal changes no device.

var fixture struct {
	once  sync.Once
	in    *Instance
	qr    []byte // a genuine payment A → B of 230 fen, already received
	block []byte // a block every node holds
	tx    []byte // a mint on the chain
}

func chainFixture(t testing.TB) {
	fixture.once.Do(func() {
		in := newInstance(t, 40)
		in.Fund("wallet-A", 1000)
		in.Pay("wallet-A", "wallet-B", 230, nil)
		in.Reconcile("wallet-A")
		fixture.in = in
		fixture.qr = in.Own["wallet-B"].inEntries()[0].p.Marshal()
		bi := in.bb.blocks[in.bb.nodes[0].best]
		fixture.block = bi.raw
		for _, b := range in.bb.blocks {
			for _, tx := range b.b.Txs {
				if tx.Mint != nil {
					fixture.tx = tx.Marshal()
				}
			}
		}
	})
}

func typed(t *testing.T, err error) {
	t.Helper()
	if c := spec.CodeOf(err); err != nil && (c == spec.CodeInternal || !c.Known()) {
		t.Fatalf("untyped refusal: %v", err)
	}
}

func FuzzFormats(f *testing.F) {
	chainFixture(f)
	f.Add(fixture.qr)
	f.Add(fixture.block)
	f.Add(fixture.tx)
	f.Add([]byte{0x7e, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ParsePayment(b); err == nil {
			if !bytes.Equal(p.Marshal(), b) {
				t.Fatal("payment does not round-trip")
			}
		} else {
			typed(t, err)
		}
		if x, err := ParseTransfer(b); err == nil {
			if !bytes.Equal(x.Marshal(), b) {
				t.Fatal("transfer does not round-trip")
			}
		} else {
			typed(t, err)
		}
		if x, err := ParseReceipt(b); err == nil {
			if !bytes.Equal(x.Marshal(), b) {
				t.Fatal("receipt does not round-trip")
			}
		} else {
			typed(t, err)
		}
		if x, err := ParseTx(b); err == nil {
			if !bytes.Equal((&Tx{Payment: x.Payment, Receipt: x.Receipt, Mint: x.Mint}).Marshal(), b) {
				t.Fatal("transaction does not round-trip")
			}
		} else {
			typed(t, err)
		}
		if x, err := ParseBlock(b); err == nil {
			if !bytes.Equal(x.Marshal(), b) {
				t.Fatal("block does not round-trip")
			}
		} else {
			typed(t, err)
		}
	})
}

// FuzzInjectQR scans arbitrary bytes as wallet-B at the till (asking for
// 230 fen) and hands them to wallet-C's node as an upload and to
// BOC-NODE as a block. The genuine payment was already received and the
// genuine block is already held, so nothing may be accepted as new.
func FuzzInjectQR(f *testing.F) {
	chainFixture(f)
	f.Add(fixture.qr)
	f.Add(fixture.block)
	f.Add(append(bytes.Clone(fixture.qr[:100]), fixture.qr[101:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		in := fixture.in
		before := snapshotAll(in)
		err := in.Inject("wallet-B", true, 230, b)
		if err == nil {
			t.Fatal("a QR payload was accepted twice or forged")
		}
		typed(t, err)
		typed(t, in.Inject("BOC-NODE", false, 0, b))
		if up := in.InjectUpload("BOC-NODE", b); up != nil {
			typed(t, up)
		}
		if after := snapshotAll(in); after != before {
			t.Fatal("fuzz input changed state")
		}
	})
}

// The sub-properties the scheme lists as not met exist in the catalogue.
func TestExpectedAreCatalogued(t *testing.T) {
	info := Scheme{}.Info()
	if info.Name != "chain" || info.Channel != "qr" || len(info.Expected) == 0 {
		t.Fatalf("info: %+v", info)
	}
	if err := info.Validate(); err != nil {
		t.Error(err)
	}
}
