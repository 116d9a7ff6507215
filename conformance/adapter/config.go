package adapter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
)

// VendorConfig is a vendor's config file (see PROTOCOL.md): the cases it
// disables, each with a reason, and the map from its own error names to
// canonical codes. The model is the BoGo shim config of BoringSSL.
type VendorConfig struct {
	Disabled []DisabledCase    `json:"disabled,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// DisabledCase disables the cases whose tcId matches TcID — an exact id
// or a path.Match pattern such as "cert-GM-seal-*".
type DisabledCase struct {
	TcID   string `json:"tcId"`
	Reason string `json:"reason"`
}

// ConfigError is a refused vendor config.
type ConfigError struct {
	File   string // the file, if read from one
	Where  string // the offending entry, e.g. `errors["X"]` or `disabled[2]`
	Detail string
	Err    error
}

func (e *ConfigError) Error() string {
	s := "vendor config"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Where != "" {
		s += ": " + e.Where
	}
	s += ": " + e.Detail
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ConfigError) Unwrap() error { return e.Err }

// maxConfigSize caps what LoadConfig reads.
const maxConfigSize = 4 << 20

// LoadConfig reads and validates a vendor config file.
func LoadConfig(file string) (*VendorConfig, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &ConfigError{File: file, Detail: "cannot open", Err: err}
	}
	defer f.Close()
	c, err := ParseConfig(f)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File = file
		}
		return nil, err
	}
	return c, nil
}

// ParseConfig decodes and validates a vendor config. Unknown fields, a
// disabled case without a tcId or without a reason, a tcId disabled twice,
// a mapping from a canonical code or to a code that is not canonical are
// all refused with a *ConfigError.
func ParseConfig(r io.Reader) (*VendorConfig, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return nil, &ConfigError{Detail: "cannot read", Err: err}
	}
	if len(b) > maxConfigSize {
		return nil, &ConfigError{Detail: fmt.Sprintf("larger than %d bytes", maxConfigSize)}
	}
	var c VendorConfig
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return nil, &ConfigError{Detail: "not a valid config", Err: err}
	}
	if d.More() {
		return nil, &ConfigError{Detail: "trailing data after the JSON object"}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks c as ParseConfig does.
func (c *VendorConfig) Validate() error {
	seen := map[string]bool{}
	for i, dc := range c.Disabled {
		where := fmt.Sprintf("disabled[%d]", i)
		switch {
		case strings.TrimSpace(dc.TcID) == "":
			return &ConfigError{Where: where, Detail: "empty tcId"}
		case strings.TrimSpace(dc.Reason) == "":
			return &ConfigError{Where: where, Detail: fmt.Sprintf("case %q disabled without a reason", dc.TcID)}
		case seen[dc.TcID]:
			return &ConfigError{Where: where, Detail: fmt.Sprintf("case %q disabled twice", dc.TcID)}
		}
		if _, err := path.Match(dc.TcID, ""); err != nil {
			return &ConfigError{Where: where, Detail: fmt.Sprintf("bad tcId pattern %q", dc.TcID), Err: err}
		}
		seen[dc.TcID] = true
	}
	names := make([]string, 0, len(c.Errors))
	for name := range c.Errors {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := c.Errors[name]
		where := fmt.Sprintf("errors[%q]", name)
		switch {
		case name == "":
			return &ConfigError{Where: where, Detail: "empty vendor error name"}
		case spec.Code(name).Known():
			return &ConfigError{Where: where, Detail: "maps a canonical code; canonical codes need no mapping"}
		case !spec.Code(target).Known():
			return &ConfigError{Where: where, Detail: fmt.Sprintf("target %q is not a canonical code (spec/errors.go)", target)}
		}
	}
	return nil
}

// DisabledReason returns the reason a case is disabled, if it is.
func (c *VendorConfig) DisabledReason(tcID string) (string, bool) {
	if c == nil {
		return "", false
	}
	for _, dc := range c.Disabled {
		if dc.TcID == tcID {
			return dc.Reason, true
		}
		if ok, _ := path.Match(dc.TcID, tcID); ok {
			return dc.Reason, true
		}
	}
	return "", false
}

// Canonical translates an error name an implementation answered with into
// a canonical code: a canonical code stands for itself, a vendor name goes
// through the Errors map. ok is false for a name that is neither.
func (c *VendorConfig) Canonical(name string) (spec.Code, bool) {
	if spec.Code(name).Known() {
		return spec.Code(name), true
	}
	if c != nil {
		if t, ok := c.Errors[name]; ok {
			return spec.Code(t), true
		}
	}
	return "", false
}
