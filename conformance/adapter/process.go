package adapter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Defaults for the zero fields of Config.
const (
	DefaultCallTimeout  = 10 * time.Second
	DefaultHelloTimeout = 10 * time.Second
	DefaultMaxLine      = 1 << 20  // bytes per line, newline excluded
	DefaultStderrCap    = 64 << 10 // bytes of stderr kept for the report
	DefaultExitWait     = 2 * time.Second
)

// Config says how to run an implementation.
type Config struct {
	// Command is the program and its arguments. Required.
	Command []string
	// StateDir is the implementation's state directory, kept across
	// Restart. Empty: Start creates a temporary one and Close removes it.
	StateDir string
	// Env is added to the harness's environment for the process.
	Env []string
	// CallTimeout bounds each call; on expiry the process is killed.
	CallTimeout time.Duration
	// HelloTimeout bounds the handshake (start-up included).
	HelloTimeout time.Duration
	// MaxLine caps the length of one answer line; a longer line kills
	// the process with KindLineTooLong.
	MaxLine int
	// StderrCap is how many of the latest stderr bytes are kept.
	StderrCap int
	// ExitWait is how long Close waits for the process to exit after
	// shutdown before it kills it.
	ExitWait time.Duration
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.CallTimeout <= 0 {
		d.CallTimeout = DefaultCallTimeout
	}
	if d.HelloTimeout <= 0 {
		d.HelloTimeout = DefaultHelloTimeout
	}
	if d.MaxLine <= 0 {
		d.MaxLine = DefaultMaxLine
	}
	if d.StderrCap <= 0 {
		d.StderrCap = DefaultStderrCap
	}
	if d.ExitWait <= 0 {
		d.ExitWait = DefaultExitWait
	}
	return d
}

// Process is a running implementation. Its methods are safe for
// concurrent use; calls are serialised (one request in flight).
type Process struct {
	cfg       Config
	stateDir  string
	ownsState bool
	stderr    *ring

	mu       sync.Mutex
	inst     *instance
	hello    *Hello
	nextID   uint64
	starts   int
	closed   bool
	lastFail error // why the current instance died, if it did
}

// instance is one run of the command.
type instance struct {
	cmd     *exec.Cmd
	stdin   *os.File
	stdout  *os.File
	stderrR *os.File
	lines   chan lineMsg
	quit    chan struct{} // closed to stop the reader
	done    chan struct{} // closed when Wait returned
	waitErr error
	readers sync.WaitGroup
	firstID uint64 // first id sent to this instance
	dead    bool
	pump    stderrPump
}

type lineMsg struct {
	data []byte
	err  error
}

var errLineTooLong = errors.New("line too long")

// Start runs cfg.Command and performs the hello handshake. On any failure
// the process is killed and the error is a *ProtocolError (KindStart or
// KindHandshake, wrapping the cause).
func Start(ctx context.Context, cfg Config) (*Process, error) {
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, &ProtocolError{Kind: KindStart, Detail: "empty command"}
	}
	p := &Process{cfg: cfg.withDefaults()}
	p.stderr = newRing(p.cfg.StderrCap)
	p.stateDir = cfg.StateDir
	if p.stateDir == "" {
		d, err := os.MkdirTemp("", "dualoffline-state-")
		if err != nil {
			return nil, &ProtocolError{Kind: KindStart, Detail: "state directory", Err: err}
		}
		p.stateDir, p.ownsState = d, true
	}
	p.mu.Lock()
	err := p.startLocked(ctx)
	p.mu.Unlock()
	if err != nil {
		p.cleanupState()
		return nil, err
	}
	return p, nil
}

// Hello returns the implementation's capabilities from the latest
// handshake.
func (p *Process) Hello() Hello {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hello == nil {
		return Hello{}
	}
	return *p.hello
}

// StateDir returns the state directory the implementation runs on.
func (p *Process) StateDir() string { return p.stateDir }

// Stderr returns the latest stderr output of the process (across
// restarts), at most Config.StderrCap bytes, with a note of how much was
// dropped before it.
func (p *Process) Stderr() string { return p.stderr.String() }

// NextID returns the id the next request will carry.
func (p *Process) NextID() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nextID + 1
}

// StderrMark returns how many bytes the process has written to stderr so
// far (across restarts); StderrSince(mark) returns what came after it.
func (p *Process) StderrMark() int64 { return p.stderr.mark() }

// SettleStderrMax bounds how long SettleStderr waits for the stderr bytes
// in flight when it is called.
const SettleStderrMax = 50 * time.Millisecond

// SettleStderr waits until the stderr bytes the process wrote before the
// call (those still in the pipe or held by the pump that copies them) are
// in the ring, at most SettleStderrMax. It returns at once when none are
// in flight, and bytes written after the call do not prolong it, so a
// process that writes stderr all the time costs no fixed wait per call.
// It lets a caller attribute stderr to the request just answered. Where
// the pipe's fill level is unknown (pipePending < 0) it waits only for
// the bytes the pump holds.
func (p *Process) SettleStderr() {
	p.mu.Lock()
	in := p.inst
	p.mu.Unlock()
	if in == nil {
		return
	}
	target := in.pump.inFlight(func() int64 { return int64(max(pipePending(in.stderrR), 0)) })
	in.pump.waitPut(target, SettleStderrMax)
}

// stderrPump counts the bytes the goroutine copying a process's stderr
// into the ring has read from the pipe and put in the ring.
type stderrPump struct {
	mu    sync.Mutex
	read  int64         // bytes read from the pipe
	put   int64         // bytes of those in the ring
	moved chan struct{} // closed, and replaced, when put grows or the pump ends
	ended bool          // the pump stopped (the pipe closed)
}

// run copies r (the pipe) to ring until r fails, counting the bytes.
func (s *stderrPump) run(r io.Reader, ring io.Writer) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		s.didRead(n)
		if n > 0 {
			_, _ = ring.Write(buf[:n])
		}
		s.didPut(n, err != nil)
		if err != nil {
			return
		}
	}
}

// didRead counts n bytes read from the pipe.
func (s *stderrPump) didRead(n int) {
	s.mu.Lock()
	s.read += int64(n)
	s.mu.Unlock()
}

// didPut counts n bytes put in the ring; end marks the pump's end.
func (s *stderrPump) didPut(n int, end bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put += int64(n)
	s.ended = s.ended || end
	if s.moved != nil {
		close(s.moved)
		s.moved = nil
	}
}

// inFlight returns the count of bytes read (s.read) once every byte now
// in the pipe (as pending reports it) is read. The pipe is sampled
// between two looks at s.read, again if the pump read in between; if it
// keeps reading, the target may include bytes written after the call (a
// longer wait, still bounded). Bytes the pump has taken from the pipe and
// not yet counted (a window of a few instructions) are missed.
func (s *stderrPump) inFlight(pending func() int64) int64 {
	for range 3 {
		s.mu.Lock()
		before := s.read
		s.mu.Unlock()
		n := pending()
		s.mu.Lock()
		after := s.read
		s.mu.Unlock()
		if before == after {
			return after + n
		}
	}
	n := pending()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read + n
}

// waitPut waits until target bytes are in the ring or the pump ended, at
// most limit.
func (s *stderrPump) waitPut(target int64, limit time.Duration) {
	var timeout <-chan time.Time
	for {
		s.mu.Lock()
		if s.put >= target || s.ended {
			s.mu.Unlock()
			return
		}
		if s.moved == nil {
			s.moved = make(chan struct{})
		}
		moved := s.moved
		s.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(limit)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-moved:
		case <-timeout:
			return
		}
	}
}

// StderrSince returns the stderr output written after mark, as far as the
// ring still holds it (with a note of what it lost), cut to its last n
// bytes (n <= 0: all of it).
func (p *Process) StderrSince(mark int64, n int) string {
	s := p.stderr.since(mark)
	if n > 0 {
		s = tailString(s, n)
	}
	return s
}

// Starts counts how many times the command was started (1 + restarts).
func (p *Process) Starts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

// Pid returns the process id of the current process, 0 if none runs.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inst == nil || p.inst.dead || p.inst.cmd.Process == nil {
		return 0
	}
	return p.inst.cmd.Process.Pid
}

// Alive reports whether the current process is usable: started, not
// killed and not broken by a protocol failure.
func (p *Process) Alive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inst != nil && !p.inst.dead && !p.closed
}

// LastFailure returns the failure that killed the current process, if
// any.
func (p *Process) LastFailure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastFail
}

func (p *Process) startLocked(ctx context.Context) error {
	p.starts++
	p.lastFail = nil
	if p.starts > 1 {
		fmt.Fprintf(p.stderr, "\n--- dualoffline: start %d on %s ---\n", p.starts, p.stateDir)
	}
	in, err := p.spawn()
	if err != nil {
		return err
	}
	p.inst = in
	var h Hello
	hctx, cancel := context.WithTimeout(ctx, p.cfg.HelloTimeout)
	defer cancel()
	err = p.callLocked(hctx, MethodHello, HelloParams{Protocol: ProtocolVersion, StateDir: p.stateDir}, &h, p.cfg.HelloTimeout)
	if err == nil {
		err = CheckHello(&h)
	}
	if err != nil {
		p.killLocked()
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Kind != KindHandshake {
			pe = &ProtocolError{Kind: KindHandshake, Method: MethodHello, Detail: "no usable hello answer", Err: err}
		}
		pe.Stderr = tailString(p.stderr.String(), 2048)
		return pe
	}
	p.hello = &h
	return nil
}

// CheckHello reports whether h is a hello answer the harness accepts: the
// harness's protocol version and a name; otherwise a *ProtocolError of
// kind handshake.
func CheckHello(h *Hello) error {
	switch {
	case h.Protocol != ProtocolVersion:
		return &ProtocolError{Kind: KindHandshake, Method: MethodHello, Detail: fmt.Sprintf("implementation speaks %q, harness speaks %q", h.Protocol, ProtocolVersion)}
	case h.Name == "":
		return &ProtocolError{Kind: KindHandshake, Method: MethodHello, Detail: "hello answer has no name"}
	}
	return nil
}

func (p *Process) spawn() (*instance, error) {
	cmd := exec.Command(p.cfg.Command[0], p.cfg.Command[1:]...)
	cmd.Env = append(os.Environ(), p.cfg.Env...)
	cmd.Env = append(cmd.Env, EnvStateDir+"="+p.stateDir, EnvProtocol+"="+ProtocolVersion)
	setGroup(cmd)
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, &ProtocolError{Kind: KindStart, Err: err}
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, &ProtocolError{Kind: KindStart, Err: err}
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, &ProtocolError{Kind: KindStart, Err: err}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll(inR, inW, outR, outW, errR, errW)
		return nil, &ProtocolError{Kind: KindStart, Detail: fmt.Sprintf("%q", p.cfg.Command), Err: err}
	}
	closeAll(inR, outW, errW) // the child's ends
	in := &instance{
		cmd: cmd, stdin: inW, stdout: outR, stderrR: errR,
		lines: make(chan lineMsg, 4), quit: make(chan struct{}), done: make(chan struct{}),
		firstID: p.nextID + 1,
	}
	go func() {
		in.waitErr = cmd.Wait()
		close(in.done)
	}()
	in.readers.Add(2)
	go in.readLines(p.cfg.MaxLine)
	go func() {
		defer in.readers.Done()
		in.pump.run(errR, p.stderr)
	}()
	return in, nil
}

func closeAll(fs ...*os.File) {
	for _, f := range fs {
		_ = f.Close()
	}
}

// readLines splits stdout into lines of at most max bytes and hands them
// over one at a time. It stops at the first error (EOF, a too long line).
func (in *instance) readLines(max int) {
	defer in.readers.Done()
	defer close(in.lines)
	r := bufio.NewReaderSize(in.stdout, 64<<10)
	for {
		line, err := readLine(r, max)
		select {
		case in.lines <- lineMsg{line, err}:
		case <-in.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one line without its terminator. It never holds more
// than max+bufsize bytes: a longer line returns errLineTooLong.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		frag, err := r.ReadSlice('\n')
		if len(buf)+len(frag) > max+1 { // +1: the newline
			return nil, errLineTooLong
		}
		buf = append(buf, frag...)
		switch err {
		case nil:
			buf = buf[:len(buf)-1]
			return bytes.TrimSuffix(buf, []byte{'\r'}), nil
		case bufio.ErrBufferFull:
			continue
		default:
			return buf, err
		}
	}
}

// Call sends method with params and decodes the result into result (which
// may be nil). An error answer is a *RemoteError; a protocol failure is a
// *ProtocolError and leaves the process killed (see Restart); a cancelled
// ctx kills the process too and returns ctx's error.
func (p *Process) Call(ctx context.Context, method string, params, result any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.callLocked(ctx, method, params, result, p.cfg.CallTimeout)
}

func (p *Process) callLocked(ctx context.Context, method string, params, result any, timeout time.Duration) error {
	in := p.inst
	if p.closed || in == nil || in.dead {
		if p.lastFail != nil {
			return &ProtocolError{Kind: KindClosed, Method: method, Detail: "process is dead after an earlier failure", Err: p.lastFail}
		}
		return &ProtocolError{Kind: KindClosed, Method: method, Detail: "process is not running"}
	}
	p.nextID++
	id := p.nextID
	req, err := json.Marshal(Request{ID: id, Method: method, Params: params})
	if err != nil {
		return fmt.Errorf("adapter: encoding %s params: %w", method, err)
	}
	req = append(req, '\n')
	fail := func(pe *ProtocolError) error {
		pe.Method, pe.ID = method, id
		p.lastFail = pe
		p.killLocked()
		return pe
	}
	deadline := time.Now().Add(timeout)
	timer := time.NewTimer(timeout)
	defer timer.Stop()

	// Anything already waiting is an answer nobody asked for.
	select {
	case l, ok := <-in.lines:
		// With want 0 every line is a failure: a duplicate, a
		// wrong id, garbage or the end of stdout.
		if pe := p.answerError(in, l, ok, 0); pe != nil {
			return fail(pe)
		}
	default:
	}

	_ = in.stdin.SetWriteDeadline(deadline)
	if _, err := in.stdin.Write(req); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fail(&ProtocolError{Kind: KindTimeout, Detail: fmt.Sprintf("request not read within %v", timeout)})
		}
		// Most likely the process is gone; prefer what stdout says.
		select {
		case l, ok := <-in.lines:
			if pe := p.answerError(in, l, ok, id); pe != nil {
				return fail(pe)
			}
			return p.decode(in, l.data, method, id, result)
		case <-time.After(100 * time.Millisecond):
		}
		return fail(p.exited(in, fmt.Sprintf("writing the request failed (%v)", err)))
	}
	for {
		select {
		case l, ok := <-in.lines:
			if pe := p.answerError(in, l, ok, id); pe != nil {
				return fail(pe)
			}
			return p.decode(in, l.data, method, id, result)
		case <-timer.C:
			return fail(&ProtocolError{Kind: KindTimeout, Detail: fmt.Sprintf("no answer within %v; process killed", timeout)})
		case <-ctx.Done():
			err := ctx.Err()
			if errors.Is(err, context.DeadlineExceeded) {
				return fail(&ProtocolError{Kind: KindTimeout, Detail: "context deadline exceeded; process killed", Err: err})
			}
			p.lastFail = err
			p.killLocked()
			return err
		}
	}
}

// answerError returns the protocol failure a line represents when the
// harness waits for the answer to id want, or nil if the line answers it.
func (p *Process) answerError(in *instance, l lineMsg, ok bool, want uint64) *ProtocolError {
	if !ok {
		return p.exited(in, "stdout closed")
	}
	if l.err != nil {
		switch {
		case errors.Is(l.err, errLineTooLong):
			return &ProtocolError{Kind: KindLineTooLong, Detail: fmt.Sprintf("answer line longer than %d bytes; process killed", p.cfg.MaxLine)}
		case errors.Is(l.err, io.EOF) && len(l.data) > 0:
			return p.exited(in, fmt.Sprintf("stdout ended mid-line after %d bytes: %s", len(l.data), Quote(l.data)))
		case errors.Is(l.err, io.EOF):
			return p.exited(in, "stdout closed")
		default:
			return p.exited(in, "reading stdout: "+l.err.Error())
		}
	}
	id, err := peekID(l.data)
	if err != nil {
		return &ProtocolError{Kind: KindGarbage, Detail: fmt.Sprintf("%v: %s", err, Quote(l.data))}
	}
	switch {
	case id == want && want != 0:
		return nil
	case id >= in.firstID && id < p.nextID:
		return &ProtocolError{Kind: KindDuplicate, AnswerTo: id, Detail: fmt.Sprintf("second answer to id %d", id)}
	default:
		return &ProtocolError{Kind: KindWrongID, Detail: fmt.Sprintf("answer carries id %d, harness waits for %d", id, want)}
	}
}

// peekID decodes the envelope far enough to read its id.
func peekID(line []byte) (uint64, error) {
	var r Response
	if err := StrictUnmarshal(line, &r); err != nil {
		return 0, fmt.Errorf("not a response object (%v)", err)
	}
	if r.ID == nil {
		return 0, errors.New("response has no id")
	}
	return *r.ID, nil
}

func (p *Process) decode(in *instance, line []byte, method string, id uint64, result any) error {
	var r Response
	_ = StrictUnmarshal(line, &r) // peekID succeeded
	garbage := func(detail string) error {
		pe := &ProtocolError{Kind: KindGarbage, Method: method, ID: id, Detail: detail + ": " + Quote(line)}
		p.lastFail = pe
		p.killLocked()
		return pe
	}
	hasResult := len(r.Result) > 0 && !bytes.Equal(r.Result, []byte("null"))
	switch {
	case r.Error != nil && hasResult:
		return garbage("response has both result and error")
	case r.Error != nil:
		if r.Error.Code == "" {
			return garbage("error answer without a code")
		}
		return &RemoteError{Method: method, ID: id, ErrorObject: *r.Error}
	case len(r.Result) == 0:
		return garbage("response has neither result nor error")
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, result); err != nil {
		return garbage(fmt.Sprintf("result does not decode (%v)", err))
	}
	return nil
}

// StrictUnmarshal decodes b into v as the harness decodes every line a
// device writes: no unknown member, nothing after the value.
func StrictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// exited describes the end of the process, waiting briefly for its exit
// status.
func (p *Process) exited(in *instance, detail string) *ProtocolError {
	select {
	case <-in.done:
		if in.waitErr != nil {
			detail += "; " + in.waitErr.Error()
		} else {
			detail += "; exit status 0"
		}
	case <-time.After(500 * time.Millisecond):
		detail += "; process still running, killed"
	}
	return &ProtocolError{Kind: KindExited, Detail: detail}
}

func tailString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Quote shows b, an implementation's bytes, in a message: Go-quoted and
// cut after 120 bytes, with the length it had.
func Quote(b []byte) string {
	const n = 120
	if len(b) > n {
		return fmt.Sprintf("%q… (%d bytes)", b[:n], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// Kill sends SIGKILL to the process group — the crash fault — and waits
// for it to die. What the implementation persisted in its state directory
// survives; Restart brings it back.
func (p *Process) Kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killLocked()
}

func (p *Process) killLocked() {
	in := p.inst
	if in == nil || in.dead {
		return
	}
	in.dead = true
	killGroup(in.cmd)
	in.stop()
}

// stop waits for the (killed or exiting) process and releases its pipes
// and goroutines.
func (in *instance) stop() {
	select {
	case <-in.done:
	case <-time.After(5 * time.Second): // SIGKILL cannot be ignored; only a stuck kernel gets here
	}
	_ = in.stdin.Close()
	close(in.quit)
	// Give stderr a moment to drain what the process wrote last.
	waited := make(chan struct{})
	go func() { in.readers.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(200 * time.Millisecond):
		_ = in.stdout.Close()
		_ = in.stderrR.Close()
		<-waited
	}
	_ = in.stdout.Close()
	_ = in.stderrR.Close()
}

// Restart kills the current process (if it runs) and starts a fresh one
// on the same state directory, with a new handshake.
func (p *Process) Restart(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return &ProtocolError{Kind: KindClosed, Detail: "restart after Close"}
	}
	p.killLocked()
	return p.startLocked(ctx)
}

// Close asks the implementation to shut down, waits up to Config.ExitWait
// for it to exit, then kills whatever is left of its process group and
// removes a state directory Start created. It returns a protocol failure
// seen during shutdown (such as a duplicate answer still in the pipe).
func (p *Process) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	var err error
	in := p.inst
	if in != nil && !in.dead {
		err = p.callLocked(context.Background(), MethodShutdown, nil, nil, p.cfg.ExitWait)
		var re *RemoteError
		if errors.As(err, &re) {
			err = nil // an error answer to shutdown is no protocol failure
		}
		if !in.dead {
			_ = in.stdin.Close()
			select {
			case <-in.done:
			case <-time.After(p.cfg.ExitWait):
			}
			in.dead = true
			killGroup(in.cmd)
			in.stop()
		}
	}
	p.closed = true
	p.cleanupState()
	return err
}

func (p *Process) cleanupState() {
	if p.ownsState {
		_ = os.RemoveAll(p.stateDir)
	}
}
