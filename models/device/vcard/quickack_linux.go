package vcard

import (
	"net"
	"syscall"
)

// quickAck asks the kernel to acknowledge what arrives on c at once. vpcd
// sends a message's length and its payload in two writes with Nagle's
// algorithm on, so the payload waits for the ACK of the length, which a
// delayed ACK holds back for up to 40 ms per message. Linux clears the
// flag as it goes, so it is set again before every read.
func quickAck(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
