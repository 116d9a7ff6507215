package adapter

import (
	"encoding/json"
	"fmt"
)

// ProtocolVersion is the protocol this package speaks. An implementation
// names it in its hello answer; any other value fails the handshake.
const ProtocolVersion = "dualoffline-adapter/1"

// Methods of protocol version 1.
const (
	MethodHello    = "hello"
	MethodVerify   = "verify"
	MethodShutdown = "shutdown"
)

// EnvStateDir names the environment variable that carries the state
// directory to the implementation (it is also sent in the hello params).
const EnvStateDir = "DUALOFFLINE_STATE_DIR"

// EnvProtocol names the environment variable that carries ProtocolVersion
// to the implementation, so it can refuse early.
const EnvProtocol = "DUALOFFLINE_PROTOCOL"

// Request is one harness→implementation line.
type Request struct {
	ID     uint64 `json:"id"`
	Method string `json:"method"`
	Params any    `json:"params,omitempty"`
}

// Response is one implementation→harness line: exactly one of Result and
// Error is present.
type Response struct {
	ID     *uint64         `json:"id"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *ErrorObject    `json:"error,omitempty"`
}

// ErrorObject is an error answer. Code is "unimplemented", a canonical
// code (spec/errors.go) or a vendor error name that the vendor config maps
// to a canonical code.
type ErrorObject struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// CodeUnimplemented is the error code by which an implementation declares
// it does not support a request.
const CodeUnimplemented = "unimplemented"

// RemoteError is an error answer from the implementation, returned by
// Process.Call. It is not a protocol failure: the process stays usable.
type RemoteError struct {
	Method string
	ID     uint64
	ErrorObject
}

func (e *RemoteError) Error() string {
	s := fmt.Sprintf("adapter: %s (id %d) answered error %q", e.Method, e.ID, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// HelloParams are the params of the hello request.
type HelloParams struct {
	Protocol string `json:"protocol"`
	StateDir string `json:"stateDir,omitempty"`
}

// Hello is the implementation's answer to hello: its capabilities. The
// harness sends an implementation only cases whose scheme, suite and kind
// it declares (an empty list declares nothing).
type Hello struct {
	Protocol string   `json:"protocol"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Schemes  []string `json:"schemes"`
	Roles    []string `json:"roles,omitempty"`
	// Devices lists the schemes whose wallet the implementation can play
	// in the interactive suites (§7).
	Devices []string `json:"devices,omitempty"`
	Suites  []string `json:"suites"`
	Kinds   []string `json:"kinds"`
}

// Supports reports whether the implementation declared scheme, suite and
// kind. "*" in a list declares everything.
func (h *Hello) Supports(scheme, suite, kind string) bool {
	return has(h.Schemes, scheme) && has(h.Suites, suite) && has(h.Kinds, kind)
}

// PlaysWallet reports whether the implementation declared wallet (its
// devices list, §7), as device.WalletOf names a scheme's; no
// implementation plays the empty wallet of a scheme that has none.
func (h *Hello) PlaysWallet(wallet string) bool {
	return wallet != "" && has(h.Devices, wallet)
}

// PlaysRole reports whether the implementation declared role; "wallet"
// (both sides) needs payer and payee, or itself.
func (h *Hello) PlaysRole(role string) bool {
	if role == "wallet" && has(h.Roles, "payer") && has(h.Roles, "payee") {
		return true
	}
	return has(h.Roles, role)
}

// HasSuite reports whether the implementation declared a crypto suite.
func (h *Hello) HasSuite(id string) bool { return has(h.Suites, id) }

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s || x == "*" {
			return true
		}
	}
	return false
}
