package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models/all"
	mdevice "github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
)

// This file is the wallet side of the interactive suite (PROTOCOL.md §7):
// the process is one wallet device, and the operations "<scheme>.<op>"
// are served by the reference device of that scheme (a Host of the model
// package). A vendor replaces the host with its own wallet; what stays is
// the rule for state: everything the device must keep across a power cut
// is in the state directory, written durably before the answer leaves.

// host is a reference device behind the protocol.
type host = mdevice.Host

// served are the reference devices of the schemes of models/all that
// have one (mdevice.Server), in the order of models/all, its drafts
// last; variants sharing a device appear once.
var served = func() []mdevice.Served {
	var out []mdevice.Served
	for _, sch := range append(all.Schemes(), all.Drafts()...) {
		if srv, ok := sch.(mdevice.Server); ok {
			d := srv.ServedDevice()
			if d.Open != nil && !slices.ContainsFunc(out, func(o mdevice.Served) bool { return o.Device == d.Device }) {
				out = append(out, d)
			}
		}
	}
	return out
}()

// hosts opens each served device, by device name.
var hosts = func() map[string]func(store map[string][]byte, mutant string) (host, error) {
	out := map[string]func(map[string][]byte, string) (host, error){}
	for _, d := range served {
		out[d.Device] = d.Open
	}
	return out
}()

// deviceSchemes lists the devices (schemes' wallets) this vendor can
// play, in the order of models/all.
func deviceSchemes() []string {
	var out []string
	for _, d := range served {
		out = append(out, d.Device)
	}
	return out
}

// device is the wallet this process plays, opened on the first device
// operation (its scheme comes from the operation's name).
type device struct {
	dir    string // the state directory
	mutant string // -device-mutant: a deliberately broken wallet
	bug    string // -wallet-bug: a deliberately broken persistence (bugs.go)
	fsync  bool   // -fsync: sync every write (survives a machine crash, not only a process kill)
	scheme string
	h      host
}

const deviceFile = "device.json"

// handle performs one device operation and persists the device's state
// before returning. A refusal is answered with its canonical code.
func (d *device) handle(method string, params json.RawMessage) (any, *errorObject) {
	scheme, _, ok := strings.Cut(method, ".")
	open := hosts[scheme]
	if !ok || open == nil {
		return nil, &errorObject{Code: "unimplemented", Message: "unknown method " + method}
	}
	if d.h == nil {
		store, err := d.load()
		if err != nil {
			return nil, &errorObject{Code: "internal", Message: err.Error()}
		}
		if d.h, err = openBuggy(open, store, d.mutant, d.bug); err != nil {
			return nil, &errorObject{Code: "internal", Message: err.Error()}
		}
		d.scheme = scheme
	}
	if scheme != d.scheme {
		return nil, &errorObject{Code: "malformed", Message: fmt.Sprintf("this device is a %s wallet, not %s", d.scheme, scheme)}
	}
	res, err := d.h.Handle(method, params)
	if !d.h.Dirty() {
		// Nothing to persist.
	} else if perr := d.save(); perr != nil {
		// Not durable: the answer must not leave.
		fmt.Fprintln(os.Stderr, "vendor: cannot persist state:", perr)
		os.Exit(4)
	}
	if err != nil {
		var se *spec.Error
		if errors.As(err, &se) {
			return nil, &errorObject{Code: string(se.Code), Message: se.Detail}
		}
		return nil, &errorObject{Code: "internal", Message: err.Error()}
	}
	return res, nil
}

func (d *device) load() (map[string][]byte, error) {
	if d.dir == "" {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(d.dir, deviceFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var store map[string][]byte
	if err := json.Unmarshal(b, &store); err != nil {
		return nil, fmt.Errorf("%s: %v", deviceFile, err)
	}
	return store, nil
}

// save writes the store atomically: a temporary file renamed over the old
// one. The harness's power cut is SIGKILL, which keeps what the process
// handed to the kernel; with -fsync the file and the directory are also
// synced, as a device that must survive losing the machine would.
func (d *device) save() error {
	if d.dir == "" || d.h == nil {
		return nil
	}
	b, err := json.Marshal(d.h.Store())
	if err != nil {
		return err
	}
	tmp := filepath.Join(d.dir, deviceFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if d.fsync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(d.dir, deviceFile)); err != nil {
		return err
	}
	if !d.fsync {
		return nil
	}
	dir, err := os.Open(d.dir)
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
