// Package sealing encrypts personal data at rest (MLPS 2.0 level 3, PIPL):
// ID numbers, phone numbers, health conditions. It is pure: no database, no
// configuration files; main parses the key material and hands a Keyring to
// the store, which seals on write and opens on read.
//
// A Keyring holds versioned 32-byte AES-256-GCM keys. The current (first)
// version seals; every version opens, so keys can be rotated: add a new
// version in front, run `jingzhun rotate-keys`, then remove the old one.
//
// A sealed value is "v<version>:" + base64(nonce ‖ ciphertext ‖ tag), with a
// random 96-bit nonce and the column's name as associated data, so a value
// copied into another column does not open.
//
// Exact-match search and the one-person-one-household rule use a blind
// index: hex HMAC-SHA256 under a separate index key. The index key is its own
// entry ("index:…") and does not change when the encryption keys rotate;
// otherwise every index would have to be rebuilt with each rotation.
package sealing

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
)

// KeySize is the size of every key: AES-256 and a 256-bit HMAC key.
const KeySize = 32

// Keyring is a set of versioned encryption keys and the index key. It is
// safe for concurrent use.
type Keyring struct {
	current  int
	aeads    map[int]cipher.AEAD
	versions []int // in the order given; versions[0] == current
	index    []byte
	// macs reuses HMAC states: a million-row import computes a blind
	// index per row, and a fresh HMAC each time was a tenth of its CPU.
	macs sync.Pool
}

// New builds a keyring. keys maps version (≥ 1) to a 32-byte key; current
// must be one of them; index is the 32-byte blind-index key.
func New(current int, keys map[int][]byte, index []byte) (*Keyring, error) {
	if len(index) != KeySize {
		return nil, fmt.Errorf("data keys: the index key must be %d bytes", KeySize)
	}
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("data keys: current version %d has no key", current)
	}
	k := &Keyring{current: current, aeads: map[int]cipher.AEAD{}, versions: []int{current}, index: append([]byte(nil), index...)}
	k.macs.New = func() any { return hmac.New(sha256.New, k.index) }
	for v, key := range keys {
		if v < 1 {
			return nil, fmt.Errorf("data keys: version %d: versions start at 1", v)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("data keys: version %d: a key must be %d bytes, not %d", v, KeySize, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[v] = aead
		if v != current {
			k.versions = append(k.versions, v)
		}
	}
	return k, nil
}

// Parse reads key material: entries separated by commas or new lines, each
// "VERSION:BASE64" or "index:BASE64" (standard base64 of 32 bytes). The first
// version listed is the current one. Blank lines and lines starting with #
// are ignored, so the same text serves as JZ_DATA_KEYS and as a key file.
func Parse(text string) (*Keyring, error) {
	keys := map[int][]byte{}
	var index []byte
	current := 0
	var entries []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); !strings.HasPrefix(line, "#") {
			entries = append(entries, strings.Split(line, ",")...)
		}
	}
	for _, line := range entries {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, b64, ok := strings.Cut(line, ":")
		if !ok {
			return nil, errors.New(`data keys: each entry is "VERSION:BASE64" or "index:BASE64"`)
		}
		name = strings.TrimSpace(name)
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("data keys: entry %q: not base64", name)
		}
		if name == "index" {
			if index != nil {
				return nil, errors.New("data keys: more than one index key")
			}
			index = raw
			continue
		}
		v, err := strconv.Atoi(strings.TrimPrefix(name, "v"))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("data keys: entry %q: the version must be a positive integer", name)
		}
		if _, dup := keys[v]; dup {
			return nil, fmt.Errorf("data keys: version %d given twice", v)
		}
		keys[v] = raw
		if current == 0 {
			current = v
		}
	}
	if current == 0 {
		return nil, errors.New("data keys: no encryption key (VERSION:BASE64)")
	}
	if index == nil {
		return nil, errors.New("data keys: no index key (index:BASE64)")
	}
	return New(current, keys, index)
}

// Generate returns fresh key material for Parse: an index key and version 1.
func Generate() (string, error) {
	index, err := NewKey()
	if err != nil {
		return "", err
	}
	k1, err := NewKey()
	if err != nil {
		return "", err
	}
	return "index:" + index + "\n1:" + k1 + "\n", nil
}

// NewKey returns a random 32-byte key in standard base64.
func NewKey() (string, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Current is the version new values are sealed with.
func (k *Keyring) Current() int { return k.current }

// Versions lists the configured versions, the current one first.
func (k *Keyring) Versions() []int { return append([]int(nil), k.versions...) }

// Seal encrypts plain for column (e.g. "members.id_number") with the current
// key. Every value is sealed, the empty string too, so that a dump does not
// show which rows have, say, a disease recorded.
func (k *Keyring) Seal(column, plain string) string {
	aead := k.aeads[k.current]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		panic("sealing: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	buf = aead.Seal(buf, buf, []byte(plain), []byte(column))
	return "v" + strconv.Itoa(k.current) + ":" + base64.StdEncoding.EncodeToString(buf)
}

// ErrNotSealed is returned for a value that is not in the sealed format.
var ErrNotSealed = errors.New("value is not sealed")

// VersionOf returns the key version a sealed value names.
func VersionOf(sealed string) (int, error) {
	head, _, ok := strings.Cut(sealed, ":")
	if !ok || len(head) < 2 || head[0] != 'v' {
		return 0, ErrNotSealed
	}
	v, err := strconv.Atoi(head[1:])
	if err != nil || v < 1 {
		return 0, ErrNotSealed
	}
	return v, nil
}

// Open decrypts a value sealed for column. It fails for a value that is not
// sealed, sealed for another column, altered, or sealed with a key version
// the keyring does not hold.
func (k *Keyring) Open(column, sealed string) (string, error) {
	v, err := VersionOf(sealed)
	if err != nil {
		return "", fmt.Errorf("%s: %w", column, err)
	}
	aead, ok := k.aeads[v]
	if !ok {
		return "", fmt.Errorf("%s: sealed with data key version %d, which is not configured", column, v)
	}
	raw, err := base64.StdEncoding.DecodeString(sealed[strings.IndexByte(sealed, ':')+1:])
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("%s: %w", column, ErrNotSealed)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(column))
	if err != nil {
		return "", fmt.Errorf("%s: sealed value does not open (altered, moved or wrong key)", column)
	}
	return string(plain), nil
}

// BlindIndex is the keyed hash (hex HMAC-SHA256, 64 characters) of a value
// of a kind ("id_number"), for exact-match search. ID numbers are
// normalised: trimmed and upper-cased (the check digit X).
func (k *Keyring) BlindIndex(kind, value string) string {
	if kind == "id_number" {
		value = strings.ToUpper(strings.TrimSpace(value))
	}
	m := k.macs.Get().(hash.Hash)
	defer k.macs.Put(m)
	m.Reset()
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}
