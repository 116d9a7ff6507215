package vectors_test

import (
	"encoding/hex"
	"testing"

	"github.com/dualoffline/dualoffline/internal/opensslcli"
)

// Every signature object in the vectors is checked by OpenSSL, an
// independent implementation, and its answer must equal signature.valid.
// Without openssl the test is skipped, except under CI=true.
func TestSignaturesWithOpenSSL(t *testing.T) {
	tools := map[string]*opensslcli.Tool{
		string(opensslcli.SM2):  opensslcli.Require(t, opensslcli.SM2),
		string(opensslcli.P256): opensslcli.Require(t, opensslcli.P256),
	}
	checked, valid := 0, 0
	for _, f := range load(t) {
		for _, tc := range f.Tests() {
			s := tc.Signature
			if s == nil {
				continue
			}
			tool := tools[s.Alg]
			if tool == nil {
				t.Errorf("%s: unknown signature alg %q", tc.TcID, s.Alg)
				continue
			}
			if s.Alg == string(opensslcli.SM2) && s.ID != hex.EncodeToString([]byte(opensslcli.DistID)) {
				t.Errorf("%s: SM2 id %q, the openssl helper passes %q", tc.TcID, s.ID, opensslcli.DistID)
				continue
			}
			pub, msg, sig := unhex(t, tc.TcID, s.PublicKey), unhex(t, tc.TcID, s.Message), unhex(t, tc.TcID, s.Sig)
			ok, err := tool.Verify(opensslcli.Alg(s.Alg), pub, msg, sig)
			if err != nil {
				t.Errorf("%s: openssl: %v", tc.TcID, err)
				continue
			}
			if ok != s.Valid {
				t.Errorf("%s: openssl says %v, signature.valid is %v", tc.TcID, ok, s.Valid)
			}
			checked++
			if ok {
				valid++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no signatures checked")
	}
	t.Logf("%d signatures checked by %s (%d valid, %d invalid)", checked, tools[string(opensslcli.SM2)].Version(), valid, checked-valid)
}

func unhex(t *testing.T, id, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return b
}
