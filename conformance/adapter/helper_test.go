//go:build unix

package adapter

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the implementations under test: with
// envHelper set, TestMain runs helperMain in the given mode instead of the
// tests (the os/exec TestHelperProcess pattern), so no build step is
// needed.
const envHelper = "DUALOFFLINE_ADAPTER_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(envHelper); mode != "" {
		os.Exit(helperMain(mode))
	}
	os.Exit(m.Run())
}

// helperCommand returns a Config running this test binary in mode.
func helperConfig(t testing.TB, mode string) Config {
	t.Helper()
	return Config{
		Command:      []string{os.Args[0], "-test.run=^$"},
		Env:          []string{envHelper + "=" + mode},
		StateDir:     t.TempDir(),
		CallTimeout:  2 * time.Second,
		HelloTimeout: 5 * time.Second,
		ExitWait:     time.Second,
	}
}

// stubInput is the input of the cases the helper decides: it answers
// exactly what the input asks for.
type stubInput struct {
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

func helperMain(mode string) int {
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
		child.Env = append(os.Environ(), envHelper+"=sleep")
		if err := child.Start(); err != nil {
			return 1
		}
		os.WriteFile(filepath.Join(os.Getenv(EnvStateDir), "child.pid"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
	case "banner":
		os.Stdout.WriteString("ACME wallet shim v4 ready\n")
	case "escape":
		// A child in its own session escapes the process group and keeps
		// stdout and stderr open after the adapter is killed.
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), envHelper+"=sleep")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := child.Start(); err != nil {
			return 1
		}
		os.WriteFile(filepath.Join(os.Getenv(EnvStateDir), "child.pid"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
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
		case MethodHello:
			if mode == "hang-hello" {
				select {}
			}
			var hp HelloParams
			json.Unmarshal(req.Params, &hp)
			starts := 1
			if b, err := os.ReadFile(filepath.Join(hp.StateDir, "starts")); err == nil {
				starts, _ = strconv.Atoi(string(b))
				starts++
			}
			os.WriteFile(filepath.Join(hp.StateDir, "starts"), []byte(strconv.Itoa(starts)), 0o644)
			proto := ProtocolVersion
			if mode == "old-protocol" {
				proto = "dualoffline-adapter/0"
			}
			result(req.ID, Hello{Protocol: proto, Name: "helper-" + mode, Version: fmt.Sprintf("starts=%d", starts),
				Schemes: []string{"chip", "cert"}, Suites: []string{"GM", "INTL"}, Kinds: []string{"*"}})
			switch mode {
			case "exit-after-hello":
				return 0
			case "no-read":
				select {}
			}
		case MethodShutdown:
			result(req.ID, struct{}{})
			return 0
		case MethodVerify:
			var c struct {
				Input stubInput `json:"input"`
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
				errorAnswer(req.ID, CodeUnimplemented, "no such feature")
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
			errorAnswer(req.ID, CodeUnimplemented, "unknown method "+req.Method)
		}
	}
	return 0
}
