package adapter

import (
	"fmt"
	"sync"
)

// ring keeps the last cap bytes written to it and counts the rest, so a
// process that floods stderr costs a bounded amount of memory.
type ring struct {
	mu    sync.Mutex
	buf   []byte // len(buf) <= cap; when full, start is the oldest byte
	start int
	cap   int
	total int64
}

func newRing(n int) *ring { return &ring{cap: n, buf: make([]byte, 0, min(n, 4096))} }

func (r *ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(p)
	r.total += int64(n)
	if r.cap <= 0 {
		return n, nil
	}
	if len(p) >= r.cap {
		r.buf = append(r.buf[:0], p[len(p)-r.cap:]...)
		r.start = 0
		return n, nil
	}
	for len(p) > 0 {
		if len(r.buf) < r.cap {
			k := min(len(p), r.cap-len(r.buf))
			r.buf = append(r.buf, p[:k]...)
			p = p[k:]
			continue
		}
		k := copy(r.buf[r.start:], p)
		p = p[k:]
		r.start = (r.start + k) % r.cap
	}
	return n, nil
}

// bytes returns the kept bytes in order and how many were dropped.
func (r *ring) bytes() ([]byte, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]byte, 0, len(r.buf))
	out = append(out, r.buf[r.start:]...)
	out = append(out, r.buf[:r.start]...)
	return out, r.total - int64(len(out))
}

func (r *ring) String() string {
	b, dropped := r.bytes()
	if dropped > 0 {
		return fmt.Sprintf("[… %d earlier bytes dropped …]\n", dropped) + string(b)
	}
	return string(b)
}

// mark returns the number of bytes written so far.
func (r *ring) mark() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// since returns the bytes written after mark that the ring still keeps,
// with a note of how many it dropped.
func (r *ring) since(mark int64) string {
	b, dropped := r.bytes()
	// b holds the bytes [dropped, dropped+len(b)) of everything written.
	if mark >= dropped+int64(len(b)) {
		return ""
	}
	if mark >= dropped {
		return string(b[mark-dropped:])
	}
	return fmt.Sprintf("[… %d bytes dropped …]\n", dropped-mark) + string(b)
}
