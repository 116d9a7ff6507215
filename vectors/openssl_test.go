package vectors_test

import (
	"encoding/hex"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/internal/opensslcli"
	"github.com/dualoffline/dualoffline/vectors"
)

// Every signature object in the vectors is checked by OpenSSL, an
// independent implementation, and its answer must equal signature.valid.
// Without openssl the test is skipped, except under CI=true.
func TestSignaturesWithOpenSSL(t *testing.T) {
	// One set of tools per worker: a tool keeps its files in its own
	// directory, and openssl processes run in parallel.
	const workers = 4
	type job struct {
		ID   string
		File string
		Sig  *vectors.Signature
	}
	var jobs []job
	for _, f := range load(t) {
		for _, tc := range f.Tests() {
			if tc.Signature != nil {
				jobs = append(jobs, job{tc.TcID, f.Name, tc.Signature})
			}
		}
	}
	if len(jobs) == 0 {
		t.Fatal("no signatures to check")
	}
	if all := len(jobs); testing.Short() {
		// -short checks, in every file with signatures, its first valid
		// and its first invalid one (both suites, so both algorithms,
		// and every kind); each costs two openssl processes. The full
		// run checks them all.
		type key struct {
			file  string
			valid bool
		}
		seen := map[key]bool{}
		var sub []job
		for _, j := range jobs {
			if k := (key{j.File, j.Sig.Valid}); !seen[k] {
				seen[k] = true
				sub = append(sub, j)
			}
		}
		jobs = sub
		t.Logf("-short: %d of %d signatures, the first valid and the first invalid of each file", len(jobs), all)
	}
	var (
		mu      sync.Mutex
		checked int
		valid   int
		version string
	)
	next := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		tools := map[string]*opensslcli.Tool{
			string(opensslcli.SM2):  opensslcli.Require(t, opensslcli.SM2),
			string(opensslcli.P256): opensslcli.Require(t, opensslcli.P256),
		}
		version = tools[string(opensslcli.SM2)].Version()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				s := j.Sig
				tool := tools[s.Alg]
				if tool == nil {
					t.Errorf("%s: unknown signature alg %q", j.ID, s.Alg)
					continue
				}
				if s.Alg == string(opensslcli.SM2) && s.ID != hex.EncodeToString([]byte(opensslcli.DistID)) {
					t.Errorf("%s: SM2 id %q, the openssl helper passes %q", j.ID, s.ID, opensslcli.DistID)
					continue
				}
				pub, msg, sig, err := unhex3(s.PublicKey, s.Message, s.Sig)
				if err != nil {
					t.Errorf("%s: %v", j.ID, err)
					continue
				}
				ok, err := tool.Verify(opensslcli.Alg(s.Alg), pub, msg, sig)
				if err != nil {
					t.Errorf("%s: openssl: %v", j.ID, err)
					continue
				}
				if ok != s.Valid {
					t.Errorf("%s: openssl says %v, signature.valid is %v", j.ID, ok, s.Valid)
				}
				mu.Lock()
				checked++
				if ok {
					valid++
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	if checked != len(jobs) && !t.Failed() {
		t.Fatalf("%d of %d signatures checked", checked, len(jobs))
	}
	t.Logf("%d signatures checked by %s (%d valid, %d invalid)", checked, version, valid, checked-valid)
}

// unhex3 decodes a signature's key, message and signature.
func unhex3(pub, msg, sig string) (p, m, s []byte, err error) {
	if p, err = hex.DecodeString(pub); err != nil {
		return
	}
	if m, err = hex.DecodeString(msg); err != nil {
		return
	}
	s, err = hex.DecodeString(sig)
	return
}

func unhex(t *testing.T, id, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return b
}
