package attest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// PEM block types of the key files.
const (
	pemPrivate          = "PRIVATE KEY"           // PKCS#8
	pemPublic           = "PUBLIC KEY"            // PKIX
	pemEncryptedPrivate = "ENCRYPTED PRIVATE KEY" // PKCS#8, encrypted
)

// GenerateKey makes an ed25519 key pair from random (crypto/rand when nil)
// and returns the private key as PKCS#8 PEM and the public key as PKIX PEM.
func GenerateKey(random io.Reader) (privPEM, pubPEM []byte, err error) {
	if random == nil {
		random = rand.Reader
	}
	pub, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return nil, nil, err
	}
	return EncodeKeys(priv, pub)
}

// EncodeKeys returns priv as PKCS#8 PEM and pub as PKIX PEM.
func EncodeKeys(priv ed25519.PrivateKey, pub ed25519.PublicKey) (privPEM, pubPEM []byte, err error) {
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pk, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Bytes: p8}),
		pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: pk}), nil
}

// KeyID is the id vouch records in a signature: the lowercase hex sha256
// of the public key's PKIX (SubjectPublicKeyInfo) DER encoding, which
// `openssl pkey -pubin -in vouch.pub -outform DER | sha256sum` prints too.
func KeyID(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil { // only for a key of the wrong length
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// ParsePrivateKey reads an ed25519 private key from PKCS#8 PEM.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	blk, err := onePEM(b)
	if err != nil {
		return nil, err
	}
	switch blk.Type {
	case pemPrivate:
	case pemEncryptedPrivate:
		return nil, errors.New("the private key is encrypted; vouch reads unencrypted PKCS#8 keys (keep the file private instead)")
	case pemPublic:
		return nil, errors.New("this is a public key; signing needs the private key (vouch keygen writes both)")
	default:
		return nil, fmt.Errorf("PEM block %q is not a PKCS#8 private key", blk.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing PKCS#8 key: %w", err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is %T, not ed25519", k)
	}
	return ek, nil
}

// ParsePublicKey reads an ed25519 public key from PKIX PEM.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	blk, err := onePEM(b)
	if err != nil {
		return nil, err
	}
	switch blk.Type {
	case pemPublic:
	case pemPrivate, pemEncryptedPrivate:
		return nil, errors.New("this is a private key; verifying needs the public key (the .pub file vouch keygen wrote)")
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", blk.Type)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing public key: %w", err)
	}
	ek, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is %T, not ed25519", k)
	}
	return ek, nil
}

// onePEM returns the first PEM block of b.
func onePEM(b []byte) (*pem.Block, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block found")
	}
	return blk, nil
}
