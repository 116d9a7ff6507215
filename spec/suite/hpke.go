package suite

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"io"

	"github.com/dualoffline/dualoffline/spec"
)

// hpkeSealBase is the sending half of RFC 9180 single-shot base mode for
// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, with the
// ephemeral key drawn from r.
//
// It exists because crypto/hpke draws the ephemeral key from the process
// random source and takes no reader, which would make every INTL run
// unreplayable. Opening uses crypto/hpke itself (intlPrivateKey.Open), and
// a test opens what this seals with crypto/hpke.Open, so the standard
// library checks every byte of this construction.
func hpkeSealBase(r io.Reader, pkR *ecdh.PublicKey, info, plaintext []byte) ([]byte, error) {
	skE, err := generate(r, ecdh.P256().NewPrivateKey)
	if err != nil {
		return nil, err
	}
	dh, err := skE.ECDH(pkR)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HPKE DH: %w", err)
	}
	enc := skE.PublicKey().Bytes()

	const kemID, kdfID, aeadID = 0x0010, 0x0001, 0x0001
	kemSuite := binary.BigEndian.AppendUint16([]byte("KEM"), kemID)
	hpkeSuite := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(
		binary.BigEndian.AppendUint16([]byte("HPKE"), kemID), kdfID), aeadID)

	kemContext := append(append([]byte(nil), enc...), pkR.Bytes()...)
	eaePRK := labeledExtract(kemSuite, nil, "eae_prk", dh)
	shared := labeledExpand(kemSuite, eaePRK, "shared_secret", kemContext, 32)

	pskIDHash := labeledExtract(hpkeSuite, nil, "psk_id_hash", nil)
	infoHash := labeledExtract(hpkeSuite, nil, "info_hash", info)
	ksContext := append(append([]byte{0x00}, pskIDHash...), infoHash...)
	secret := labeledExtract(hpkeSuite, shared, "secret", nil)
	key := labeledExpand(hpkeSuite, secret, "key", ksContext, 16)
	nonce := labeledExpand(hpkeSuite, secret, "base_nonce", ksContext, 12)

	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HPKE AEAD: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HPKE AEAD: %w", err)
	}
	// Sequence number 0: the nonce is base_nonce itself.
	return aead.Seal(enc, nonce, plaintext, nil), nil
}

func labeledExtract(suiteID, salt []byte, label string, ikm []byte) []byte {
	in := append(append(append([]byte("HPKE-v1"), suiteID...), label...), ikm...)
	prk, err := hkdf.Extract(sha256.New, in, salt)
	if err != nil {
		panic("suite: HKDF extract: " + err.Error())
	}
	return prk
}

func labeledExpand(suiteID, prk []byte, label string, info []byte, n int) []byte {
	in := binary.BigEndian.AppendUint16(nil, uint16(n))
	in = append(append(append(append(in, "HPKE-v1"...), suiteID...), label...), info...)
	out, err := hkdf.Expand(sha256.New, prk, string(in), n)
	if err != nil {
		panic("suite: HKDF expand: " + err.Error())
	}
	return out
}
