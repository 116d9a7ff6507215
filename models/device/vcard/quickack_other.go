//go:build !linux

package vcard

import "net"

// quickAck is Linux's TCP_QUICKACK; elsewhere a no-op.
func quickAck(net.Conn) {}
