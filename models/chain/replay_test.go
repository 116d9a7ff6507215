package chain

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// A payment made between two of the model's own wallets, replayed into a
// fresh payee provisioned with the live payee's material, and scanned by
// an address-only payee, is decided as the live payee decided it; a
// second scan of the same code is a replay; a tampered code is refused
// with the live payee's code.
func TestReplayPayeeMatchesLivePayee(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newInstanceSuite(t, 7, s)
		modeltest.MustFund(t, in, "wallet-A", 1000)
		payer, payee := in.Own["wallet-A"], in.Own["wallet-B"]
		const amount = 230
		agree, err := payee.StartPayee(amount)
		if err != nil {
			t.Fatal(err)
		}
		nonce := payee.req.nonce
		if got := Agreement(s, amount, payee.addr, nonce); !bytes.Equal(got, agree) {
			t.Fatalf("Agreement %x, StartPayee %x", got, agree)
		}
		out, err := payer.Payer(world.Message{From: "wallet-B", To: "wallet-A", Type: MsgAgree, Payload: agree})
		if err != nil || len(out) != 1 {
			t.Fatalf("payer: %v %v", out, err)
		}
		qr := out[0].Payload
		at := payee.now()
		tampered, err := ParsePayment(qr)
		if err != nil {
			t.Fatal(err)
		}
		tampered.Signature = bytes.Clone(tampered.Signature)
		tampered.Signature[len(tampered.Signature)/3] ^= 1
		bad := tampered.Marshal()
		// The live payee on the tampered code first, then the real one.
		liveBad := payee.receive(bad)
		if err := payee.receive(qr); err != nil {
			t.Fatalf("live payee: %v", err)
		}

		get := func(k string) []byte {
			v, ok := payee.dev.Get(k)
			if !ok {
				t.Fatalf("payee store lacks %s", k)
			}
			return v
		}
		prov := PayeeProvision{Suite: s, ID: string(get(keyID)), Key: get(keyPriv), Cert: get(keyCert), Root: get(keyRoot),
			CRL: get(keyCRL), ChainKey: get(keyChainKey), At: at}
		held, err := ReplayPayee(prov, nonce[:], amount, [][]byte{qr})
		if err != nil || held != amount {
			t.Fatalf("replay: held %d, %v", held, err)
		}
		held, err = ReplayPayee(prov, nonce[:], amount, [][]byte{qr, qr})
		if spec.CodeOf(err) != spec.CodeReplay || held != amount {
			t.Fatalf("scanned twice: held %d, %v", held, err)
		}
		held, err = ReplayPayee(prov, nonce[:], amount, nil)
		if err != nil || held != 0 {
			t.Fatalf("nothing scanned: held %d, %v", held, err)
		}
		held, err = ReplayPayee(prov, nonce[:], amount, [][]byte{bad, qr})
		if spec.CodeOf(err) != spec.CodeOf(liveBad) || liveBad == nil || held != 0 {
			t.Fatalf("tampered: held %d, %v; the live payee said %v", held, err, liveBad)
		}

		req := ScanRequest{Suite: s, Payee: payee.addr, Root: prov.Root, CRL: prov.CRL, Amount: amount, Nonce: nonce, At: at}
		if err := Scan(req, qr); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if err := Scan(req, bad); spec.CodeOf(err) != spec.CodeOf(liveBad) {
			t.Fatalf("scan tampered: %v, the live payee said %v", err, liveBad)
		}
		other := req
		other.Amount++
		if err := Scan(other, qr); spec.CodeOf(err) != spec.CodeValueMismatch {
			t.Fatalf("scan for another amount: %v", err)
		}
		other = req
		other.Nonce[0] ^= 1
		if err := Scan(other, qr); spec.CodeOf(err) != spec.CodeReplay {
			t.Fatalf("scan under another nonce: %v", err)
		}
	})
}
