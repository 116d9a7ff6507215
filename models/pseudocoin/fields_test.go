package pseudocoin

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The PAY of a payment spending two holdings has one field per input and
// per signature, each span exactly that element's content, so a field
// fault reaches the second input's signature.
func TestFieldsSplitInputsAndSignatures(t *testing.T) {
	in := modeltest.New(t, Scheme{}, 3, suite.Default()).(*Instance)
	modeltest.MustFund(t, in, "wallet-A", 1000)
	modeltest.MustFund(t, in, "wallet-C", 1000)
	payRecord(t, in, "wallet-C", "wallet-A", 600)
	r := payRecord(t, in, "wallet-A", "wallet-B", 1300)
	if len(r.Inputs) != 2 {
		t.Fatalf("the payment spends %d holdings, the test needs 2", len(r.Inputs))
	}
	m := world.Message{Type: msgPay, Payload: r.Marshal()}
	var names []string
	got := map[string][]byte{}
	for _, f := range fields(m) {
		names = append(names, f.Name)
		got[f.Name] = m.Payload[f.Start:f.End]
	}
	want := []string{"PAY 0", "PAY input 0", "PAY input 1", "PAY 2", "PAY 3", "PAY 4", "PAY 5", "PAY 6", "PAY 7", "PAY 8", "PAY signature 0", "PAY signature 1"}
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("fields (-want +got):\n%s", d)
	}
	for i, sig := range r.Sigs {
		if name := want[10+i]; !bytes.Equal(got[name], sig) {
			t.Errorf("%s spans %x, the signature is %x", name, got[name], sig)
		}
	}
	for i, h := range r.Inputs {
		if name := want[1+i]; !bytes.Contains(h.Marshal(), got[name]) || len(got[name]) == 0 {
			t.Errorf("%s spans %d bytes not in input %d", name, len(got[name]), i)
		}
	}
	if fields(world.Message{Type: msgPay, Payload: []byte("not DER")}) != nil {
		t.Error("bytes that are not a message have fields")
	}
}
