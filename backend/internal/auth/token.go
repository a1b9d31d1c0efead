package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// Issuer and Audience are required in every access token.
	Issuer   = "jingzhun"
	Audience = "jingzhun-api"
)

// Signer issues and verifies access tokens. The algorithm is pinned to HS256
// and the key id must match, so that neither `alg: none` nor a token signed
// with another key or algorithm is ever accepted.
type Signer struct {
	Key   []byte
	KeyID string
	TTL   time.Duration
	Now   func() time.Time
}

// Claims are what an access token says: who (subject = user id) and in which
// session. Role and scope are deliberately absent: they are read from the
// database on every request so that a change takes effect at once.
type Claims struct {
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Issue returns a signed access token for a user and session.
func (s Signer) Issue(userID int64, sessionID string) (string, time.Time, error) {
	now := s.Now()
	exp := now.Add(s.TTL)
	jti, err := RandomToken(12)
	if err != nil {
		return "", time.Time{}, err
	}
	c := Claims{
		SessionID: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        jti,
		},
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = s.KeyID
	signed, err := t.SignedString(s.Key)
	return signed, exp, err
}

// ErrInvalidToken covers every reason an access token is refused; the reason
// is not told to the client.
var ErrInvalidToken = errors.New("invalid access token")

// Verify checks signature, algorithm, key id, exp, iss and aud, and returns the
// user id and session id.
func (s Signer) Verify(token string) (int64, string, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.KeyID {
			return nil, fmt.Errorf("unknown key id")
		}
		return s.Key, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.Now),
	)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || c.SessionID == "" {
		return 0, "", ErrInvalidToken
	}
	return id, c.SessionID, nil
}

// RandomToken returns n random bytes, URL-safe base64 encoded.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is how an opaque refresh token is kept: a database dump does not
// yield usable tokens. SHA-256 suffices because the token has 256 random bits.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
