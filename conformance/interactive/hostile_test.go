package interactive_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/loopback"
)

// hostile wraps the reference card and spoils the answers to one
// operation.
type hostile struct {
	*chip.Host
	op    string
	spoil func(res any) any
}

func (h hostile) Handle(op string, params json.RawMessage) (any, error) {
	res, err := h.Host.Handle(op, params)
	if op == h.op && err == nil {
		return h.spoil(res), nil
	}
	return res, err
}

// A wallet that answers nonsense makes properties fail, naming the
// broken device; it never crashes the run.
func TestHostileWallet(t *testing.T) {
	cases := []struct {
		name, op string
		spoil    func(any) any
	}{
		{"state-garbage-holding", chip.OpState, func(any) any {
			return map[string]any{"id": "wallet-A", "coins": []any{map[string]any{"key": "k", "holding": "00ff"}}}
		}},
		{"state-not-hex", chip.OpState, func(any) any { return map[string]any{"coins": []any{map[string]any{"key": "k", "holding": "zz"}}} }},
		{"state-wrong-shape", chip.OpState, func(any) any { return []int{1, 2, 3} }},
		{"refusal-unknown-code", chip.OpPayer, func(any) any {
			return map[string]any{"messages": []any{}, "refused": map[string]any{"code": "NO_SUCH_CODE"}}
		}},
		{"reply-garbage", chip.OpPayer, func(any) any {
			return map[string]any{"messages": []any{map[string]any{"type": "TRANSFER", "payload": strings.Repeat("ab", 5000)}}}
		}},
		{"keygen-bad-key", chip.OpKeygen, func(any) any { return map[string]any{"publicKey": "3059"} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dial := loopback.Dialer(func(store map[string][]byte) (loopback.Host, error) {
				h, err := chip.NewHost(store, "")
				return hostile{h, c.op, c.spoil}, err
			})
			o := opts(2)
			o.Only = []string{"R2.1", "R5.1"}
			rs, err := conformance.Check(context.Background(), interactive.Target(chip.Scheme{}, interactive.Payer, dial), o)
			if err != nil {
				t.Fatal(err)
			}
			failed := 0
			for _, r := range rs.Results {
				if r.Verdict == conformance.Fail && r.Counterexample != nil {
					failed++ // a generated case failed, not an empty or timed-out run
					if strings.Contains(r.Reason, "panic") {
						t.Errorf("%s: the harness panicked: %.500s", r.Key(), r.Reason)
					}
				}
			}
			if failed == 0 {
				t.Errorf("a wallet answering %s with nonsense failed no generated case", c.op)
			}
		})
	}
}
