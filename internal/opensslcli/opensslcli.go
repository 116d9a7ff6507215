// Package opensslcli drives the openssl command line as an independent
// check of dualoffline's signatures: what we sign, OpenSSL must verify, and
// what OpenSSL signs, we must verify. It is for tests and the vector
// checker only.
//
// OpenSSL 3.0 verifies SM2 with an empty distinguishing id unless it is
// passed explicitly, so every SM2 call here passes
// -pkeyopt distid:1234567812345678.
package opensslcli

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Alg selects the signature algorithm.
type Alg string

// Supported algorithms.
const (
	SM2    Alg = "SM2-SM3"
	P256   Alg = "ECDSA-P256-SHA256"
	DistID     = "1234567812345678"
)

// oidSM2 is the DER of the SM2 curve OID 1.2.156.10197.1.301.
var oidSM2 = []byte{0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d}

// ErrUnavailable is returned when openssl is missing or lacks an algorithm.
var ErrUnavailable = errors.New("openssl unavailable")

// Tool is an openssl binary and a scratch directory.
type Tool struct {
	Path string
	Dir  string
}

// Find locates openssl on PATH and checks it can generate a key of alg.
// The error wraps ErrUnavailable and says what is missing.
func Find(dir string, alg Alg) (*Tool, error) {
	p, err := exec.LookPath("openssl")
	if err != nil {
		return nil, fmt.Errorf("%w: no openssl on PATH (apt-get install openssl)", ErrUnavailable)
	}
	t := &Tool{Path: p, Dir: dir}
	if _, _, err := t.GenerateKey(alg); err != nil {
		return nil, fmt.Errorf("%w: openssl cannot generate %s keys: %v", ErrUnavailable, alg, err)
	}
	return t, nil
}

// Version returns the output of "openssl version".
func (t *Tool) Version() string {
	out, err := exec.Command(t.Path, "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func (t *Tool) run(args ...string) ([]byte, error) {
	cmd := exec.Command(t.Path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("openssl %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func (t *Tool) file(name string, data []byte) (string, error) {
	p := filepath.Join(t.Dir, name)
	return p, os.WriteFile(p, data, 0o600)
}

func (a Alg) digest() string {
	if a == SM2 {
		return "sm3"
	}
	return "sha256"
}

func (a Alg) opts() []string {
	if a == SM2 {
		return []string{"-pkeyopt", "distid:" + DistID}
	}
	return nil
}

// GenerateKey makes a fresh openssl key and returns the path of its PEM
// private key and its DER SubjectPublicKeyInfo.
func (t *Tool) GenerateKey(alg Alg) (keyPath string, spki []byte, err error) {
	keyPath = filepath.Join(t.Dir, fmt.Sprintf("key-%s-%d.pem", alg.digest(), os.Getpid()))
	args := []string{"genpkey", "-out", keyPath}
	if alg == SM2 {
		args = append(args, "-algorithm", "SM2")
	} else {
		args = append(args, "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
	}
	if _, err := t.run(args...); err != nil {
		return "", nil, err
	}
	spki, err = t.run("pkey", "-in", keyPath, "-pubout", "-outform", "DER")
	return keyPath, spki, err
}

// Sign signs msg with the key at keyPath and returns the DER signature.
func (t *Tool) Sign(alg Alg, keyPath string, msg []byte) ([]byte, error) {
	in, err := t.file("sign.msg", msg)
	if err != nil {
		return nil, err
	}
	args := append([]string{"pkeyutl", "-sign", "-rawin", "-digest", alg.digest(), "-inkey", keyPath, "-in", in}, alg.opts()...)
	return t.run(args...)
}

// Verify reports whether openssl accepts sig over msg under the DER
// SubjectPublicKeyInfo spki. A non-nil error means openssl could not be
// asked (bad key, missing binary), not that the signature is invalid.
func (t *Tool) Verify(alg Alg, spki, msg, sig []byte) (bool, error) {
	pub, err := t.file("verify.pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	if err != nil {
		return false, err
	}
	if _, err := t.run("pkey", "-pubin", "-in", pub, "-noout"); err != nil {
		return false, fmt.Errorf("openssl does not load the public key: %w", err)
	}
	in, err := t.file("verify.msg", msg)
	if err != nil {
		return false, err
	}
	sf, err := t.file("verify.sig", sig)
	if err != nil {
		return false, err
	}
	args := append([]string{"pkeyutl", "-verify", "-rawin", "-digest", alg.digest(), "-pubin", "-inkey", pub, "-in", in, "-sigfile", sf}, alg.opts()...)
	out, err := t.run(args...)
	if err != nil {
		if strings.Contains(err.Error(), "exit status 1") {
			return false, nil // openssl's answer for a bad signature
		}
		return false, err
	}
	return strings.Contains(string(out), "Signature Verified Successfully"), nil
}

// VerifyChain runs "openssl verify" on leaf (DER) against root (DER) as
// the only trust anchor, at the given time. It returns openssl's output, or
// an error carrying it when verification fails.
func (t *Tool) VerifyChain(rootDER, leafDER []byte, at time.Time) (string, error) {
	root, err := t.file("chain.root.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER}))
	if err != nil {
		return "", err
	}
	leaf, err := t.file("chain.leaf.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}))
	if err != nil {
		return "", err
	}
	args := []string{"verify", "-x509_strict", "-attime", strconv.FormatInt(at.Unix(), 10), "-CAfile", root}
	if bytes.Contains(rootDER, oidSM2) {
		args = append(args, "-vfyopt", "distid:"+DistID)
	}
	out, err := t.run(append(args, leaf)...)
	return strings.TrimSpace(string(out)), err
}
