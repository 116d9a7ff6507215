package chain

import (
	"bytes"
	"testing"
	"time"

	"rsc.io/qr"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// qrVersion encodes payload in byte mode at level M and returns the
// version of the code (a version-v code has 17+4v modules a side).
func qrVersion(t *testing.T, payload []byte) int {
	t.Helper()
	c, err := qr.Encode(string(payload), qr.M)
	if err != nil {
		t.Fatalf("%d bytes do not encode as a QR code: %v", len(payload), err)
	}
	return (c.Size - 17) / 4
}

// The largest payment the model can build fits a version-25 QR code at
// level M: MaxInputs coins, the largest amount, a clock a century ahead
// (a 5-byte time), and 100 draws of the randomised seal and signature
// lengths per suite. MaxPaymentDER is exactly that code's capacity.
func TestQRPayloadFits(t *testing.T) {
	if v := qrVersion(t, bytes.Repeat([]byte{0xA5}, MaxPaymentDER)); v != QRVersion {
		t.Fatalf("MaxPaymentDER bytes need version %d, the bound is %d", v, QRVersion)
	}
	if _, err := qr.Encode(string(bytes.Repeat([]byte{0xA5}, MaxPaymentDER+1)), qr.M); err == nil {
		if v := qrVersion(t, bytes.Repeat([]byte{0xA5}, MaxPaymentDER+1)); v <= QRVersion {
			t.Fatalf("MaxPaymentDER+1 bytes still fit version %d", v)
		}
	}
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newInstanceSuite(t, 1, s)
		wl := in.Own["wallet-A"]
		wl.dev.SetSkew(100 * 365 * 24 * time.Hour)
		var inputs []walletCoin
		for i := range MaxInputs {
			var op OutPoint
			for j := range op.Tx {
				op.Tx[j] = 0xFF
			}
			op.Index = uint16(0xFFFF - i)
			inputs = append(inputs, walletCoin{Point: op.bytes(), Value: coin.MaxChangeAmount / MaxInputs})
		}
		var payee Address
		for j := range payee {
			payee[j] = 0xFF
		}
		var largest []byte
		for i := 0; i < 100; i++ {
			var nonce [NonceSize]byte
			copy(nonce[:], in.w.Rand("test/nonce").Bytes(NonceSize))
			p, _, err := wl.build(payee, coin.MaxChangeAmount, nonce, inputs)
			if err != nil {
				t.Fatal(err)
			}
			if len(p) > len(largest) {
				largest = p
			}
		}
		parsed, err := ParsePayment(largest)
		if err != nil || !bytes.Equal(parsed.Marshal(), largest) {
			t.Fatalf("the largest payment does not round-trip: %v", err)
		}
		v := qrVersion(t, largest)
		t.Logf("largest payment: %d bytes, QR version %d (%d×%d modules) at level M", len(largest), v, 17+4*v, 17+4*v)
		if v > QRVersion || len(largest) > MaxPaymentDER {
			t.Fatalf("a %d-byte payment needs QR version %d, the bound is %d-%s", len(largest), v, QRVersion, QRLevel)
		}
	})
}

// Every format round-trips byte for byte, and each parser refuses the
// other formats, truncations and trailing bytes with a typed error.
func TestFormatsRoundTrip(t *testing.T) {
	in := newInstance(t, 2)
	in.Fund("wallet-A", 20000)
	in.Pay("wallet-A", "wallet-B", 12345, nil)
	in.Reconcile("wallet-B")
	pay := in.Own["wallet-A"].outEntries()[0].p
	var mint, entry []byte
	var block []byte
	for _, bi := range in.bb.blocks {
		for _, tx := range bi.b.Txs {
			if tx.Mint != nil {
				mint = tx.Marshal()
			}
			if tx.Receipt != nil {
				entry = tx.Marshal()
				block = bi.raw
			}
		}
	}
	if mint == nil || entry == nil {
		t.Fatal("no mint or receipt on the chain")
	}
	plain, err := in.bb.chainKey.Open(pay.Sealed, sealInfo)
	if err != nil {
		t.Fatal(err)
	}
	te, _ := ParseTx(entry)
	receipt := te.Receipt.Marshal()
	parsers := map[string]func([]byte) ([]byte, error){
		"payment": func(b []byte) ([]byte, error) {
			x, err := ParsePayment(b)
			if err != nil {
				return nil, err
			}
			return x.Marshal(), nil
		},
		"transfer": func(b []byte) ([]byte, error) {
			x, err := ParseTransfer(b)
			if err != nil {
				return nil, err
			}
			return x.Marshal(), nil
		},
		"receipt": func(b []byte) ([]byte, error) {
			x, err := ParseReceipt(b)
			if err != nil {
				return nil, err
			}
			return x.Marshal(), nil
		},
		"tx": func(b []byte) ([]byte, error) {
			x, err := ParseTx(b)
			if err != nil {
				return nil, err
			}
			return (&Tx{Payment: x.Payment, Receipt: x.Receipt, Mint: x.Mint}).Marshal(), nil
		},
		"block": func(b []byte) ([]byte, error) {
			x, err := ParseBlock(b)
			if err != nil {
				return nil, err
			}
			return x.Marshal(), nil
		},
	}
	samples := map[string][][]byte{
		"payment":  {pay.Marshal()},
		"transfer": {plain},
		"receipt":  {receipt},
		"tx":       {mint, entry},
		"block":    {block},
	}
	for name, parse := range parsers {
		for _, b := range samples[name] {
			got, err := parse(b)
			if err != nil || !bytes.Equal(got, b) {
				t.Fatalf("%s does not round-trip: %v", name, err)
			}
			for _, bad := range [][]byte{nil, b[:len(b)-1], append(bytes.Clone(b), 0), b[1:]} {
				if _, err := parse(bad); spec.CodeOf(err) != spec.CodeMalformed && spec.CodeOf(err) != spec.CodeUnknownVersion {
					t.Fatalf("%s accepted a damaged encoding: %v", name, err)
				}
			}
		}
		for other, bs := range samples {
			if other == name || (name == "tx" && other == "payment") {
				continue
			}
			for _, b := range bs {
				if _, err := parse(b); err == nil {
					t.Fatalf("%s parsed a %s", name, other)
				} else if c := spec.CodeOf(err); c == spec.CodeInternal || !c.Known() {
					t.Fatalf("%s on a %s: untyped %v", name, other, err)
				}
			}
		}
	}
	// Version numbers other than 1 and 2 (chain-literal) are
	// unknown-version.
	tr, _ := ParseTransfer(plain)
	tr.Version = 3
	if _, err := ParseTransfer(tr.Marshal()); spec.CodeOf(err) != spec.CodeUnknownVersion {
		t.Fatalf("transfer version 3: %v", err)
	}
}

// The scenario `dualoffline simulate` runs, as it runs it: A withdraws
// 1000 fen, pays B 230 under the fault plan, B tries to pay C 100 a
// minute later, and A, B and C reconcile an hour apart. B cannot pay C:
// what it received offline is not final before it is uploaded and
// confirmed, so its wallet refuses with insufficient-funds (a typed error,
// before anything moves). After the reconciliations A holds its 770 fen
// change, B the 230 (by the payer's upload when the QR code was lost), C
// nothing; nothing is pending or lost.
func TestSimulateScenario(t *testing.T) {
	for _, faults := range []string{"", "crash-before@2", "drop@2", "crash-at@1:0", "crash-after@1"} {
		t.Run(faults, func(t *testing.T) {
			plan, err := world.ParsePlan(faults)
			if err != nil {
				t.Fatal(err)
			}
			in := modeltest.New(t, Scheme{}, 1, suite.Default()).(*Instance)
			w := in.w
			a, b, c := world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
			modeltest.MustFund(t, in, a, 1000)
			w.Advance(time.Minute)
			ab, err := in.Pay(a, b, 230, plan)
			if err != nil {
				t.Fatal(err)
			}
			w.Advance(time.Minute)
			bc, err := in.Pay(b, c, 100, nil)
			if err != nil {
				t.Fatal(err)
			}
			if bc.Paid || bc.Received || len(bc.Outcome.Rejections) != 1 || spec.CodeOf(bc.Outcome.Rejections[0].Err) != spec.CodeInsufficient {
				t.Fatalf("B → C before finality: %+v", bc)
			}
			for _, p := range []world.PartyID{a, b, c} {
				w.Advance(time.Hour)
				modeltest.MustReconcile(t, in, p)
			}
			want := map[world.PartyID]int64{a: 770, b: 230, c: 0}
			if !ab.Paid { // the payer lost power before it committed: nothing happened
				want = map[world.PartyID]int64{a: 1000, b: 0, c: 0}
			}
			for p, v := range want {
				if got := in.View(p).Offline(); got != v {
					t.Fatalf("%s holds %d, want %d", p, got, v)
				}
			}
			au := in.Audit()
			if !au.Balanced() || au.Pending != 0 || au.Mail != 0 || au.Held != 1000 {
				t.Fatalf("books after the scenario: %+v", au)
			}
			if l := in.Ledger(); l.Issued != 1000 || len(l.DoubleSpends) != 0 {
				t.Fatalf("ledger: %+v", l)
			}
		})
	}
}
