// Package auth holds the credentials primitives: argon2id password hashes,
// JWT access tokens and opaque refresh tokens. It knows nothing of HTTP or the
// database.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes passwords with argon2id in the PHC string format, so that a
// later change of cost still verifies old hashes.
type Hasher struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

const (
	saltLen = 16
	keyLen  = 32
)

// Hash returns the PHC-format argon2id hash of password.
func (h Hasher) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	threads := h.Threads
	if threads == 0 {
		threads = 1
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.MemoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.MemoryKiB, h.Time, threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash means a stored hash cannot be parsed.
var ErrMalformedHash = errors.New("malformed password hash")

// Verify reports whether password matches the PHC hash, in constant time.
func Verify(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// PasswordProblem checks the password policy and returns what is wrong in
// Chinese, or "" when the password is acceptable: at least 8 characters from
// at least three of upper case, lower case, digits and other characters, and
// not containing the username. Long passphrases are welcome.
func PasswordProblem(username, password string) string {
	if len([]rune(password)) < 8 {
		return "密码至少8个字符"
	}
	if len(password) > 128 {
		return "密码不能超过128个字节"
	}
	var upper, lower, digit, other int
	for _, r := range password {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = 1
		case r >= 'a' && r <= 'z':
			lower = 1
		case r >= '0' && r <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	if upper+lower+digit+other < 3 {
		return "密码须包含大写字母、小写字母、数字、其他字符中的至少三类"
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return "密码不能包含用户名"
	}
	if isCommonPassword(password) {
		return "这是常见的弱密码，容易被猜中，请换一个"
	}
	return ""
}
