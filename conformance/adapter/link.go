package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// DefaultMaxState caps the bytes of a device's state directory the harness
// copies for a snapshot or a clone.
const DefaultMaxState = 64 << 20

// Devices starts external wallet devices: one adapter process per device,
// each on its own state directory (PROTOCOL.md §7). Its Dial method is a
// models.Dialer; the interactive suites hand it to a scheme through
// models.Config.
type Devices struct {
	// Config runs each device; its StateDir is ignored (every device gets
	// a fresh temporary directory, removed when the device closes).
	Config Config
	// Vendor maps the implementation's error names to canonical codes.
	Vendor *VendorConfig
	// MaxState caps a state directory's size for Save and Fork
	// (0: DefaultMaxState).
	MaxState int64

	mu      sync.Mutex
	started int
	stderr  map[string]string // party → the latest stderr of its closed processes
	live    map[*Link]bool
}

// Started counts the devices started so far (forks included).
func (d *Devices) Started() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.started
}

// Live counts the devices not yet closed.
func (d *Devices) Live() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.live)
}

// Dial implements models.Dialer.
func (d *Devices) Dial(party world.PartyID) (models.Link, error) {
	return d.start(party, nil)
}

func (d *Devices) start(party world.PartyID, files map[string][]byte) (*Link, error) {
	dir, err := os.MkdirTemp("", "dualoffline-device-")
	if err != nil {
		return nil, fmt.Errorf("%w: state directory: %v", models.ErrBroken, err)
	}
	if err := writeState(dir, files); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: state directory: %v", models.ErrBroken, err)
	}
	cfg := d.Config
	cfg.StateDir = dir
	cfg.Env = append(append([]string(nil), cfg.Env...), "DUALOFFLINE_PARTY="+string(party))
	p, err := Start(context.Background(), cfg)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: %s: %v", models.ErrBroken, party, err)
	}
	l := &Link{d: d, p: p, party: party, dir: dir}
	d.mu.Lock()
	d.started++
	if d.live == nil {
		d.live = map[*Link]bool{}
	}
	d.live[l] = true
	d.mu.Unlock()
	return l, nil
}

// CloseAll closes every device still open.
func (d *Devices) CloseAll() {
	d.mu.Lock()
	ls := make([]*Link, 0, len(d.live))
	for l := range d.live {
		ls = append(ls, l)
	}
	d.mu.Unlock()
	for _, l := range ls {
		_ = l.Close()
	}
}

// Link is one external device: a models.Link over an adapter Process.
type Link struct {
	d     *Devices
	p     *Process
	party world.PartyID
	dir   string
	once  sync.Once
}

var _ models.Link = (*Link)(nil)

// Process returns the device's process (for its stderr and restarts).
func (l *Link) Process() *Process { return l.p }

// Canonical maps a vendor error name (models/device.Canonicalizer).
func (l *Link) Canonical(name string) (spec.Code, bool) { return l.d.Vendor.Canonical(name) }

// Call implements models.Link: an error answer becomes a *spec.Error
// (its code through the vendor config; "unimplemented" is
// spec.CodeUnimplemented), a protocol failure becomes models.ErrBroken
// after the process was restarted on its state directory. Params and
// result are checked against the devices schema (DeviceSchemaJSON): params
// that do not match are the harness's own error; a result that does not
// match breaks the protocol (models.ErrBroken; the process stays).
func (l *Link) Call(op string, params, result any) error {
	in, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("adapter: %s params: %w", op, err)
	}
	if err := ValidateDevice(op, "params", in); err != nil {
		return fmt.Errorf("adapter: the harness sent %s: %w", l.party, err)
	}
	var out json.RawMessage
	err = l.p.Call(context.Background(), op, json.RawMessage(in), &out)
	if err == nil {
		if err := ValidateDevice(op, "result", out); err != nil {
			return fmt.Errorf("%w: %s answered %w", models.ErrBroken, l.party, err)
		}
		if result == nil {
			return nil
		}
		if err := json.Unmarshal(out, result); err != nil {
			return fmt.Errorf("%w: %s: %s result does not decode: %v", models.ErrBroken, l.party, op, err)
		}
		return nil
	}
	var re *RemoteError
	if errors.As(err, &re) {
		if re.Code == CodeUnimplemented {
			return spec.Errorf(spec.CodeUnimplemented, "%s: %s does not implement %s: %s", l.party, l.p.Hello().Name, op, re.Message)
		}
		code, ok := l.d.Vendor.Canonical(re.Code)
		if !ok {
			return fmt.Errorf("%w: %s answered %s with error %q, neither a canonical code nor a name the vendor config maps", models.ErrBroken, l.party, op, re.Code)
		}
		return spec.Errorf(code, "%s", re.Message)
	}
	// The process is dead (the harness never guesses where a broken
	// stream resumes): start it again for whatever comes next.
	if rerr := l.p.Restart(context.Background()); rerr != nil {
		return fmt.Errorf("%w: %s: %s: %v (and the restart failed: %v)", models.ErrBroken, l.party, op, err, rerr)
	}
	return fmt.Errorf("%w: %s: %s: %v", models.ErrBroken, l.party, op, err)
}

// Restart implements models.Link: SIGKILL and a new process on the same
// state directory.
func (l *Link) Restart() error {
	if err := l.p.Restart(context.Background()); err != nil {
		return fmt.Errorf("%w: %s: restart: %v", models.ErrBroken, l.party, err)
	}
	return nil
}

// Save implements models.Link: the state directory's files, read between
// calls (the protocol makes an operation's writes durable before its
// answer), encoded as a JSON object path → bytes.
func (l *Link) Save() ([]byte, error) {
	files, err := readState(l.dir, l.maxState())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", models.ErrBroken, l.party, err)
	}
	return json.Marshal(files)
}

// Load implements models.Link: the process is killed, the state directory
// replaced by the saved files, and a new process started on it.
func (l *Link) Load(state []byte) error {
	var files map[string][]byte
	if err := json.Unmarshal(state, &files); err != nil {
		return fmt.Errorf("adapter: saved state of %s: %w", l.party, err)
	}
	l.p.Kill()
	if err := clearDir(l.dir); err != nil {
		return fmt.Errorf("%w: %s: %v", models.ErrBroken, l.party, err)
	}
	if err := writeState(l.dir, files); err != nil {
		return fmt.Errorf("%w: %s: %v", models.ErrBroken, l.party, err)
	}
	return l.Restart()
}

// Fork implements models.Link: a second process on a copy of the state
// directory.
func (l *Link) Fork(id world.PartyID) (models.Link, error) {
	files, err := readState(l.dir, l.maxState())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", models.ErrBroken, l.party, err)
	}
	return l.d.start(id, files)
}

// Close implements models.Link: shutdown, then the state directory goes.
func (l *Link) Close() error {
	var err error
	l.once.Do(func() {
		err = l.p.Close()
		_ = os.RemoveAll(l.dir)
		l.d.mu.Lock()
		delete(l.d.live, l)
		l.d.mu.Unlock()
	})
	return err
}

func (l *Link) maxState() int64 {
	if l.d.MaxState > 0 {
		return l.d.MaxState
	}
	return DefaultMaxState
}

// readState reads every regular file under dir (relative slash paths),
// refusing more than max bytes in all. Symbolic links and other special
// files are refused: a device's state is its files.
func readState(dir string, max int64) (map[string][]byte, error) {
	files := map[string][]byte{}
	var total int64
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("state directory holds %s, which is not a regular file", p)
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if total += info.Size(); total > max {
			return fmt.Errorf("state directory exceeds %d bytes", max)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	return files, err
}

// writeState writes files under dir, refusing paths that leave it.
func writeState(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, n := range names {
		if !filepath.IsLocal(filepath.FromSlash(n)) {
			return fmt.Errorf("saved state names %q, outside the state directory", n)
		}
		if d := filepath.Dir(filepath.FromSlash(n)); d != "." {
			if err := root.MkdirAll(d, 0o700); err != nil {
				return err
			}
		}
		if err := root.WriteFile(filepath.FromSlash(n), files[n], 0o600); err != nil {
			return err
		}
	}
	return nil
}

func clearDir(dir string) error {
	es, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
