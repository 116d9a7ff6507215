//go:build unix

// Package adaptertest is a fake implementation behind the adapter protocol
// (conformance/adapter/PROTOCOL.md) for tests of the harness side: a test binary
// doubles as the implementation (the os/exec TestHelperProcess pattern),
// so no build step is needed. A test package makes Main its TestMain
// and starts the fake with Command; the fake behaves as the mode
// says (good, hang, garbage, crash-mid-line, …) and decides each verify
// case as its Input asks. It speaks the protocol from the document, with
// its own literals, so the adapter's own tests can use it.
package adaptertest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvMode, set in the environment of a test binary, makes Main run the
// fake in that mode instead of the tests.
const EnvMode = "DUALOFFLINE_ADAPTER_HELPER"

// The protocol's names the fake needs (conformance/adapter/PROTOCOL.md).
const (
	protocolVersion   = "dualoffline-adapter/1"
	envStateDir       = "DUALOFFLINE_STATE_DIR"
	codeUnimplemented = "unimplemented"
)

// Main is a test package's TestMain: it runs the fake when the process
// was started as one (EnvMode set), else the tests, and exits.
func Main(m *testing.M) {
	if mode := os.Getenv(EnvMode); mode != "" {
		os.Exit(fake(mode))
	}
	os.Exit(m.Run())
}

// The timeouts a test gives the adapter for the fake: ample for a fake
// that answers at once, short enough that the hang modes end quickly.
const (
	CallTimeout  = 2 * time.Second
	HelloTimeout = 5 * time.Second
	ExitWait     = time.Second
)

// Command is how to start the fake in mode: the test binary's command line
// and the environment to add.
func Command(mode string) (argv, env []string) {
	return []string{os.Args[0], "-test.run=^$"}, []string{EnvMode + "=" + mode}
}

// Input is the input of the cases the fake decides: it answers exactly
// what the input asks for.
type Input struct {
	Valid         bool   `json:"valid"`
	Error         string `json:"error,omitempty"`
	Unimplemented bool   `json:"unimplemented,omitempty"`
	Fail          string `json:"fail,omitempty"` // an error answer with this code
	// Raw, when set, is the result member sent verbatim.
	Raw string `json:"raw,omitempty"`
	// Stderr is written to stderr before the answer.
	Stderr string `json:"stderr,omitempty"`
	// Twice sends the answer a second time.
	Twice bool `json:"twice,omitempty"`
}

// fake is the implementation in mode; its result is the exit status.
func fake(mode string) int {
	out := bufio.NewWriter(os.Stdout)
	send := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(b)
		out.WriteByte('\n')
		out.Flush()
	}
	result := func(id uint64, r any) { send(map[string]any{"id": id, "result": r}) }
	errorAnswer := func(id uint64, code, msg string) {
		send(map[string]any{"id": id, "error": map[string]string{"code": code, "message": msg}})
	}
	switch mode {
	case "exit-before-hello":
		fmt.Fprintln(os.Stderr, "licence file missing")
		return 7
	case "flood-stderr":
		chunk := []byte(strings.Repeat("x", 1<<16-1) + "\n")
		for range 16 << 20 / len(chunk) { // 16 MB
			os.Stderr.Write(chunk)
		}
	case "spawn-child":
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), EnvMode+"=sleep")
		if err := child.Start(); err != nil {
			return 1
		}
		os.WriteFile(filepath.Join(os.Getenv(envStateDir), "child.pid"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
	case "banner":
		os.Stdout.WriteString("ACME wallet shim v4 ready\n")
	case "escape":
		// A child in its own session escapes the process group and keeps
		// stdout and stderr open after the adapter is killed.
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), EnvMode+"=sleep")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := child.Start(); err != nil {
			return 1
		}
		os.WriteFile(filepath.Join(os.Getenv(envStateDir), "child.pid"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
	case "sleep":
		time.Sleep(time.Hour)
		return 0
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 16<<20)
	for in.Scan() {
		var req struct {
			ID     uint64          `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "helper: bad request:", err)
			return 2
		}
		switch req.Method {
		case "hello":
			if mode == "hang-hello" {
				select {}
			}
			var hp struct {
				StateDir string `json:"stateDir"`
			}
			json.Unmarshal(req.Params, &hp)
			starts := 1
			if b, err := os.ReadFile(filepath.Join(hp.StateDir, "starts")); err == nil {
				starts, _ = strconv.Atoi(string(b))
				starts++
			}
			os.WriteFile(filepath.Join(hp.StateDir, "starts"), []byte(strconv.Itoa(starts)), 0o644)
			proto := protocolVersion
			if mode == "old-protocol" {
				proto = "dualoffline-adapter/0"
			}
			result(req.ID, map[string]any{"protocol": proto, "name": "helper-" + mode, "version": fmt.Sprintf("starts=%d", starts),
				"schemes": []string{"chip", "cert"}, "suites": []string{"GM", "INTL"}, "kinds": []string{"*"}})
			switch mode {
			case "exit-after-hello":
				return 0
			case "no-read":
				select {}
			}
		case "shutdown":
			result(req.ID, struct{}{})
			return 0
		case "verify":
			var c struct {
				Input Input `json:"input"`
			}
			json.Unmarshal(req.Params, &c)
			switch mode {
			case "hang", "spawn-child", "escape":
				select {}
			case "crash-mid-line":
				os.Stdout.WriteString(fmt.Sprintf(`{"id":%d,"resu`, req.ID))
				return 3
			case "garbage":
				os.Stdout.WriteString("Segmentation fault (core dumped) -- not JSON\n")
				continue
			case "huge":
				chunk := []byte(`{"id":` + strconv.FormatUint(req.ID, 10) + `,"result":{"valid":true,"pad":"` + strings.Repeat("A", 1<<20))
				for range 100 {
					if _, err := os.Stdout.Write(chunk); err != nil {
						return 4
					}
					chunk = chunk[len(chunk)-1<<20:]
				}
				os.Stdout.WriteString("\"}}\n")
				continue
			case "wrong-id":
				result(req.ID+100, map[string]any{"valid": true})
				continue
			case "flood-stderr":
				fmt.Fprintf(os.Stderr, "verifying %d\n", req.ID)
			}
			if c.Input.Stderr != "" {
				fmt.Fprintln(os.Stderr, c.Input.Stderr)
			}
			switch {
			case c.Input.Raw != "":
				out.WriteString(fmt.Sprintf(`{"id":%d,"result":%s}`+"\n", req.ID, c.Input.Raw))
				out.Flush()
			case c.Input.Unimplemented:
				errorAnswer(req.ID, codeUnimplemented, "no such feature")
			case c.Input.Fail != "":
				errorAnswer(req.ID, c.Input.Fail, "vendor failure")
			default:
				result(req.ID, map[string]any{"valid": c.Input.Valid, "error": c.Input.Error})
			}
			if mode == "twice" || c.Input.Twice {
				result(req.ID, map[string]any{"valid": c.Input.Valid, "error": c.Input.Error})
			}
		case "chip.end-session":
			result(req.ID, map[string]any{"received": true})
		case "chip.state": // a wrong type and missing members
			result(req.ID, map[string]any{"id": 5})
		case "chip.finish-deposit": // the params it was sent, as a result
			var m map[string]any
			json.Unmarshal(req.Params, &m)
			result(req.ID, m)
		default:
			errorAnswer(req.ID, codeUnimplemented, "unknown method "+req.Method)
		}
	}
	return 0
}

// Hostile runs one hostile-implementation scenario with leak checks: the
// goroutines of the test return to their count before it, and every
// process f reports it started (its result) is gone. f must take at most
// bound.
func Hostile(t *testing.T, bound time.Duration, f func(t *testing.T) []int) {
	t.Helper()
	before := runtime.NumGoroutine()
	start := time.Now()
	pids := f(t)
	if d := time.Since(start); d > bound {
		t.Errorf("took %v, bound %v", d, bound)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left behind:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
	for _, pid := range pids {
		if pid != 0 && Alive(pid) {
			t.Errorf("process %d left behind", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// Alive reports whether pid runs (a zombie counts as gone).
func Alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
