// Command vendor is an example implementation speaking the dualoffline
// adapter protocol (conformance/adapter/PROTOCOL.md): a template for
// vendors, and the implementation the end-to-end tests of
// "dualoffline vectors verify" drive.
//
// It decides every case with the reference verifier of package vectors,
// so it passes. Flags make it misbehave on purpose:
//
//	-broken               accept every case whose signature fails (the
//	                      class of bug the static vectors must catch)
//	-vendor-errors        answer with vendor error names (EXV_…) instead
//	                      of canonical codes; vendor.json maps them back
//	-unimplemented KIND   answer "unimplemented" for every case of KIND
//	-crash-on KIND        exit mid-answer on every case of KIND
//	-device-mutant NAME   play the wallet with a catalogue mutant's bug
//	-wallet-bug NAME      persist the wallet's state with a bug of
//	                      bugs.go, which only a power cut shows
//
// Run it through the harness:
//
//	go build -o /tmp/vendor ./examples/vendor
//	dualoffline vectors verify --impl /tmp/vendor
//	dualoffline vectors verify --impl "/tmp/vendor -vendor-errors" --config examples/vendor/vendor.json
//
// The protocol is plain line-delimited JSON; nothing here depends on the
// harness's own adapter package, so the loop in serve ports directly to
// other languages.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/vectors"
)

const protocol = "dualoffline-adapter/1"

type request struct {
	ID     uint64          `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

type errorObject struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

type response struct {
	ID     uint64       `json:"id"`
	Result any          `json:"result,omitempty"`
	Error  *errorObject `json:"error,omitempty"`
}

// vendorNames are the vendor's own error names for some canonical codes
// (vendor.json maps them back).
var vendorNames = map[string]string{
	"malformed":        "EXV_PARSE",
	"bad-signature":    "EXV_SIG_INVALID",
	"untrusted-issuer": "EXV_UNKNOWN_ISSUER",
	"cert-expired":     "EXV_CERT_EXPIRED",
	"cert-revoked":     "EXV_CERT_REVOKED",
}

type vendor struct {
	verify        vectors.Verifier
	broken        bool
	vendorErrors  bool
	unimplemented map[string]bool
	crashOn       string
	dev           device
}

func main() {
	var v vendor
	var unimpl string
	flag.BoolVar(&v.broken, "broken", false, "accept every case whose signature fails (deliberate bug)")
	flag.BoolVar(&v.vendorErrors, "vendor-errors", false, "answer with vendor error names (EXV_…), see vendor.json")
	flag.StringVar(&v.crashOn, "crash-on", "", "exit mid-answer on every case of this kind")
	flag.StringVar(&unimpl, "unimplemented", "", "comma-separated kinds to answer \"unimplemented\" for")
	flag.BoolVar(&v.dev.fsync, "fsync", false, "sync the device state to disk on every write (slower; the harness's power cut is a process kill)")
	flag.StringVar(&v.dev.mutant, "device-mutant", "", "play the wallet with this mutant's bug (see dualoffline catalogue), e.g. forget-spend-on-crash")
	flag.StringVar(&v.dev.bug, "wallet-bug", "", "persist the wallet's state with this bug (bugs.go): log-at-session-end, undo-open-session")
	flag.Parse()
	if _, ok := walletBugs[v.dev.bug]; v.dev.bug != "" && !ok {
		fmt.Fprintf(os.Stderr, "vendor: unknown -wallet-bug %q\n", v.dev.bug)
		os.Exit(2)
	}
	v.verify = vectors.Reference()
	v.unimplemented = map[string]bool{}
	for _, k := range strings.Split(unimpl, ",") {
		if k != "" {
			v.unimplemented[k] = true
		}
	}
	if err := v.serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vendor:", err)
		os.Exit(1)
	}
}

// serve answers requests until shutdown or the end of stdin.
func (v *vendor) serve(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w) // Encode writes one line
	for sc.Scan() {
		var req request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("bad request line: %v", err)
		}
		resp := response{ID: req.ID}
		stop := false
		switch req.Method {
		case "hello":
			r, err := v.hello(req.Params)
			if err != nil {
				resp.Error = &errorObject{Code: "internal", Message: err.Error()}
			} else {
				resp.Result = r
			}
		case "verify":
			resp.Result, resp.Error = v.verifyCase(req.Params)
		case "shutdown":
			resp.Result = struct{}{}
			stop = true
		default:
			resp.Result, resp.Error = v.dev.handle(req.Method, req.Params)
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if stop {
			return nil
		}
	}
	return sc.Err()
}

// hello declares the capabilities and counts starts in the state
// directory, to show where persistent state belongs.
func (v *vendor) hello(params json.RawMessage) (any, error) {
	var p struct {
		Protocol string `json:"protocol"`
		StateDir string `json:"stateDir"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, err
	}
	if p.Protocol != protocol {
		return nil, fmt.Errorf("harness speaks %q, this vendor %q", p.Protocol, protocol)
	}
	starts := 1
	if p.StateDir != "" {
		f := filepath.Join(p.StateDir, "starts")
		if b, err := os.ReadFile(f); err == nil {
			n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			starts = n + 1
		}
		if err := os.WriteFile(f, []byte(strconv.Itoa(starts)), 0o644); err != nil {
			return nil, err
		}
	}
	v.dev.dir = p.StateDir
	fmt.Fprintf(os.Stderr, "vendor: start %d, state in %s\n", starts, p.StateDir)
	schemes, suites, kinds, err := capabilities()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"protocol": protocol,
		"name":     "dualoffline-example-vendor",
		"version":  "1.0.0",
		"schemes":  schemes,
		"roles":    []string{"payer", "payee"},
		"devices":  deviceSchemes(),
		"suites":   suites,
		"kinds":    kinds,
	}, nil
}

// capabilities lists what the reference verifier decides: every scheme,
// suite and kind of the published vectors, read from the file names
// (<scheme>_<suite>_<kind>_test.json) so that a start stays cheap. A real
// implementation lists what it implements, e.g. "schemes": ["spec"],
// "kinds": ["coin"].
func capabilities() (schemes, suites, kinds []string, err error) {
	names, err := fs.Glob(vectors.FS, "*_test.json")
	if err != nil {
		return nil, nil, nil, err
	}
	add := func(list []string, s string) []string {
		if slices.Contains(list, s) {
			return list
		}
		return append(list, s)
	}
	for _, n := range names {
		parts := strings.Split(strings.TrimSuffix(n, "_test.json"), "_")
		if len(parts) != 3 {
			return nil, nil, nil, fmt.Errorf("vector file %s: unexpected name", n)
		}
		schemes, suites, kinds = add(schemes, parts[0]), add(suites, parts[1]), add(kinds, parts[2])
	}
	return schemes, suites, kinds, nil
}

func (v *vendor) verifyCase(params json.RawMessage) (any, *errorObject) {
	var c vectors.Case
	if err := json.Unmarshal(params, &c); err != nil {
		return nil, &errorObject{Code: "internal", Message: "bad case: " + err.Error()}
	}
	if c.Kind == v.crashOn {
		os.Stdout.WriteString(`{"id":`)
		os.Exit(3)
	}
	if v.unimplemented[c.Kind] {
		return nil, &errorObject{Code: "unimplemented", Message: "kind " + c.Kind + " not supported by this build"}
	}
	o, err := v.verify.VerifyVector(context.Background(), c)
	switch {
	case errors.Is(err, vectors.ErrUnimplemented):
		return nil, &errorObject{Code: "unimplemented", Message: err.Error()}
	case err != nil:
		return nil, &errorObject{Code: "internal", Message: err.Error()}
	}
	if v.broken && !o.Valid && o.Error == "bad-signature" {
		fmt.Fprintf(os.Stderr, "vendor: %s: signature check skipped (-broken)\n", c.TcID)
		o = vectors.Outcome{Valid: true} // the deliberate bug: signatures unchecked
	}
	if v.vendorErrors && o.Error != "" {
		if name, ok := vendorNames[o.Error]; ok {
			o.Error = name
		}
	}
	return o, nil
}
