//go:build unix

package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
)

// verifyParams are a verify request's params (PROTOCOL.md §4).
type verifyParams struct {
	Scheme string          `json:"scheme"`
	Suite  string          `json:"suite"`
	Kind   string          `json:"kind"`
	TcID   string          `json:"tcId"`
	Input  json.RawMessage `json:"input"`
}

// verdict is a verify answer's result.
type verdict struct {
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
}

func stubCase(id string, in stubInput) verifyParams {
	b, _ := json.Marshal(in)
	return verifyParams{Scheme: "chip", Suite: "GM", Kind: "coin", TcID: id, Input: b}
}

func wantKind(t *testing.T, err error, k Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", k)
	}
	if !errors.Is(err, &ProtocolError{Kind: k}) {
		t.Fatalf("error %v (kind %q), want kind %s", err, KindOf(err), k)
	}
}

func start(t testing.TB, cfg Config) *Process {
	t.Helper()
	p, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v\nstderr: %s", err, stderrOf(p))
	}
	return p
}

func stderrOf(p *Process) string {
	if p == nil {
		return ""
	}
	return p.Stderr()
}

func verify(p *Process, in stubInput) (verdict, error) {
	var out verdict
	err := p.Call(context.Background(), MethodVerify, stubCase("t", in), &out)
	return out, err
}

func TestGoodImplementation(t *testing.T) {
	adaptertest.Hostile(t, 15*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		h := p.Hello()
		if h.Name != "helper-good" || h.Protocol != ProtocolVersion || !h.Supports("chip", "GM", "coin") || h.Supports("chain", "GM", "coin") {
			t.Errorf("hello %+v", h)
		}
		out, err := verify(p, stubInput{Valid: false, Error: "bad-signature"})
		if err != nil || out.Valid || out.Error != "bad-signature" {
			t.Errorf("verify: %+v, %v", out, err)
		}
		_, err = verify(p, stubInput{Fail: "VENDOR_OOPS"})
		var re *RemoteError
		if !errors.As(err, &re) || re.Code != "VENDOR_OOPS" {
			t.Errorf("error answer: %v", err)
		}
		if out, err := verify(p, stubInput{Valid: true}); err != nil || !out.Valid {
			t.Errorf("after an error answer: %+v, %v", out, err)
		}
		pid := p.Pid()
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		return []int{pid}
	})
}

func TestHang(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "hang")
		cfg.CallTimeout = 300 * time.Millisecond
		p := start(t, cfg)
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindTimeout)
		if p.Alive() || adaptertest.Alive(pid) {
			t.Error("a timed out process was not killed")
		}
		_, err = verify(p, stubInput{Valid: true})
		wantKind(t, err, KindClosed)
		p.Close()
		return []int{pid}
	})
}

func TestHangInHello(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "hang-hello")
		cfg.HelloTimeout = 300 * time.Millisecond
		_, err := Start(context.Background(), cfg)
		wantKind(t, err, KindHandshake)
		wantKind(t, err, KindTimeout)
		return nil
	})
}

func TestCrashMidLine(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "crash-mid-line"))
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindExited)
		if !strings.Contains(err.Error(), "mid-line") || !strings.Contains(err.Error(), "exit status 3") {
			t.Errorf("error does not say what happened: %v", err)
		}
		p.Close()
		return []int{pid}
	})
}

func TestGarbage(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "garbage"))
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindGarbage)
		if !strings.Contains(err.Error(), "Segmentation fault") {
			t.Errorf("error does not quote the line: %v", err)
		}
		p.Close()
		return []int{pid}
	})
}

func TestHugeLine(t *testing.T) {
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	adaptertest.Hostile(t, 15*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "huge")) // MaxLine: the 1 MiB default
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindLineTooLong)
		p.Close()
		return []int{pid}
	})
	runtime.ReadMemStats(&ms1)
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 32<<20 {
		t.Errorf("reading a 100 MB line allocated %d MB", alloc>>20)
	}
}

func TestWrongID(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "wrong-id"))
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindWrongID)
		if !strings.Contains(err.Error(), "id 102") {
			t.Errorf("error does not name the id: %v", err)
		}
		p.Close()
		return []int{pid}
	})
}

func TestAnswersTwice(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "twice"))
		pid := p.Pid()
		if _, err := verify(p, stubInput{Valid: true}); err != nil {
			t.Fatalf("first call: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // let the second answer arrive
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindDuplicate)
		if !strings.Contains(err.Error(), "id 2") {
			t.Errorf("error does not name the id: %v", err)
		}
		p.Close()
		return []int{pid}
	})
	// The duplicate of the last answer is caught by Close.
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "twice"))
		pid := p.Pid()
		if _, err := verify(p, stubInput{Valid: true}); err != nil {
			t.Fatalf("first call: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
		wantKind(t, p.Close(), KindDuplicate)
		return []int{pid}
	})
}

func TestFloodStderr(t *testing.T) {
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "flood-stderr")
		cfg.StderrCap = 4096
		p := start(t, cfg)
		pid := p.Pid()
		for i := range 3 {
			if out, err := verify(p, stubInput{Valid: true}); err != nil || !out.Valid {
				t.Fatalf("call %d under a stderr flood: %+v, %v", i, out, err)
			}
		}
		p.Close()
		s := p.Stderr()
		if len(s) > 4096+100 || !strings.Contains(s, "earlier bytes dropped") || !strings.Contains(s, "verifying 4") {
			t.Errorf("stderr report: %d bytes, %.200q", len(s), s)
		}
		return []int{pid}
	})
	runtime.ReadMemStats(&ms1)
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 8<<20 {
		t.Errorf("16 MB of stderr allocated %d MB", alloc>>20)
	}
}

func TestExitBeforeHello(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		_, err := Start(context.Background(), helperConfig(t, "exit-before-hello"))
		wantKind(t, err, KindHandshake)
		wantKind(t, err, KindExited)
		if !strings.Contains(err.Error(), "exit status 7") {
			t.Errorf("error lacks the exit status: %v", err)
		}
		return nil
	})
}

func TestExitAfterHello(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "exit-after-hello"))
		pid := p.Pid()
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindExited)
		p.Close()
		return []int{pid}
	})
}

func TestWrongProtocolVersion(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		_, err := Start(context.Background(), helperConfig(t, "old-protocol"))
		wantKind(t, err, KindHandshake)
		if !strings.Contains(err.Error(), "dualoffline-adapter/0") {
			t.Errorf("error does not name the version: %v", err)
		}
		return nil
	})
}

func TestCommandNotFound(t *testing.T) {
	_, err := Start(context.Background(), Config{Command: []string{filepath.Join(t.TempDir(), "no-such-vendor")}})
	wantKind(t, err, KindStart)
	_, err = Start(context.Background(), Config{})
	wantKind(t, err, KindStart)
}

// TestGrandchildKilled: a timeout kills the whole process group, not only
// the process the harness started.
func TestGrandchildKilled(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "spawn-child")
		cfg.CallTimeout = 300 * time.Millisecond
		p := start(t, cfg)
		pid := p.Pid()
		b, err := os.ReadFile(filepath.Join(cfg.StateDir, "child.pid"))
		if err != nil {
			t.Fatal(err)
		}
		child, _ := strconv.Atoi(string(b))
		_, err = verify(p, stubInput{Valid: true})
		wantKind(t, err, KindTimeout)
		p.Close()
		deadline := time.Now().Add(time.Second)
		for adaptertest.Alive(child) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		return []int{pid, child}
	})
}

// TestKillRestart is the crash fault: SIGKILL, then a fresh process on
// the same state directory, which sees what the first one persisted.
func TestKillRestart(t *testing.T) {
	adaptertest.Hostile(t, 15*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		pid1 := p.Pid()
		if v := p.Hello().Version; v != "starts=1" {
			t.Errorf("first hello version %q", v)
		}
		p.Kill()
		if p.Alive() || adaptertest.Alive(pid1) {
			t.Fatal("Kill left the process running")
		}
		_, err := verify(p, stubInput{Valid: true})
		wantKind(t, err, KindClosed)
		if err := p.Restart(context.Background()); err != nil {
			t.Fatal(err)
		}
		if v := p.Hello().Version; v != "starts=2" {
			t.Errorf("hello after restart: version %q, want starts=2 (state directory not kept?)", v)
		}
		if out, err := verify(p, stubInput{Valid: true}); err != nil || !out.Valid {
			t.Errorf("after restart: %+v, %v", out, err)
		}
		if p.Starts() != 2 {
			t.Errorf("Starts() = %d", p.Starts())
		}
		pid2 := p.Pid()
		p.Close()
		if err := p.Restart(context.Background()); err == nil {
			t.Error("Restart after Close succeeded")
		}
		return []int{pid1, pid2}
	})
}

func TestContextCancel(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "hang"))
		pid := p.Pid()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		var out verdict
		err := p.Call(ctx, MethodVerify, stubCase("t", stubInput{}), &out)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		p.Close()
		return []int{pid}
	})
}

func TestTempStateDirRemoved(t *testing.T) {
	cfg := helperConfig(t, "good")
	cfg.StateDir = ""
	p := start(t, cfg)
	dir := p.StateDir()
	if _, err := os.Stat(filepath.Join(dir, "starts")); err != nil {
		t.Fatalf("state directory not passed: %v", err)
	}
	p.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary state directory %s not removed", dir)
	}
}

func TestRing(t *testing.T) {
	r := newRing(8)
	r.Write([]byte("abc"))
	r.Write([]byte("defgh"))
	if s := r.String(); s != "abcdefgh" {
		t.Errorf("%q", s)
	}
	r.Write([]byte("ij"))
	b, dropped := r.bytes()
	if string(b) != "cdefghij" || dropped != 2 {
		t.Errorf("%q %d", b, dropped)
	}
	r.Write([]byte("0123456789"))
	b, dropped = r.bytes()
	if string(b) != "23456789" || dropped != 12 {
		t.Errorf("%q %d", b, dropped)
	}
}

// TestHangWithoutReading: an adapter that stops reading stdin cannot block
// the harness on a request larger than the pipe buffer.
func TestHangWithoutReading(t *testing.T) {
	adaptertest.Hostile(t, 15*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "no-read")
		cfg.CallTimeout = 300 * time.Millisecond
		p := start(t, cfg)
		pid := p.Pid()
		c := stubCase("big", stubInput{Valid: true})
		c.Input = []byte(`{"pad":"` + strings.Repeat("x", 1<<20) + `"}`)
		var out verdict
		err := p.Call(context.Background(), MethodVerify, c, &out)
		wantKind(t, err, KindTimeout)
		p.Close()
		return []int{pid}
	})
}

func TestBannerOnStdout(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		_, err := Start(context.Background(), helperConfig(t, "banner"))
		wantKind(t, err, KindHandshake)
		wantKind(t, err, KindGarbage)
		if !strings.Contains(err.Error(), "ACME wallet shim") {
			t.Errorf("error does not quote the banner: %v", err)
		}
		return nil
	})
}

// TestEscapedChild: a descendant that left the process group keeps the
// pipes open; the harness still returns and releases its goroutines.
func TestEscapedChild(t *testing.T) {
	var child int
	t.Cleanup(func() {
		if child > 0 {
			_ = syscall.Kill(child, syscall.SIGKILL)
		}
	})
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "escape")
		cfg.CallTimeout = 300 * time.Millisecond
		p := start(t, cfg)
		pid := p.Pid()
		b, err := os.ReadFile(filepath.Join(cfg.StateDir, "child.pid"))
		if err != nil {
			t.Fatal(err)
		}
		child, _ = strconv.Atoi(string(b))
		_, err = verify(p, stubInput{Valid: true})
		wantKind(t, err, KindTimeout)
		p.Close()
		return []int{pid}
	})
}
