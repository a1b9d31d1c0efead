package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// ClientAudience is the audience of an API client's access token. A
	// user's token has Audience, so neither passes the other's check.
	ClientAudience = "jingzhun-integrations"
	// ClientTokenType is the JWT header typ of a client's access token (RFC
	// 9068 at+jwt); a user's token has none, and is refused for lacking it.
	ClientTokenType = "at+jwt"
)

// ClientSigner issues and verifies the access tokens of API clients
// (client-credentials grant). It signs with a key of its own, derived from
// the user tokens' key, under its own key id: even a check forgotten on one
// side cannot let a user's token pass for a client's or the reverse, since
// the key id, the key, the audience and the typ all differ.
type ClientSigner struct {
	Key   []byte
	KeyID string
	TTL   time.Duration
	Now   func() time.Time
}

// NewClientSigner derives the client token key from the user token key.
func NewClientSigner(userKey []byte, ttl time.Duration, now func() time.Time) ClientSigner {
	m := hmac.New(sha256.New, userKey)
	m.Write([]byte("jingzhun api client access tokens v1"))
	key := m.Sum(nil)
	sum := sha256.Sum256(key)
	return ClientSigner{Key: key, KeyID: "c-" + hex.EncodeToString(sum[:4]), TTL: ttl, Now: now}
}

// ClientClaims say which client (subject and client_id), with which scopes
// (space-separated, RFC 6749 §3.3), under which secret version: a token of
// an older secret is refused once the secret is rotated.
type ClientClaims struct {
	ClientID      string `json:"client_id"`
	Scope         string `json:"scope"`
	SecretVersion int    `json:"sv"`
	jwt.RegisteredClaims
}

// Issue signs a token for a client; it returns the token and its expiry.
func (s ClientSigner) Issue(clientID, scope string, secretVersion int) (string, time.Time, error) {
	now := s.Now()
	exp := now.Add(s.TTL)
	jti, err := RandomToken(12)
	if err != nil {
		return "", time.Time{}, err
	}
	c := ClientClaims{
		ClientID: clientID, Scope: scope, SecretVersion: secretVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   clientID,
			Audience:  jwt.ClaimStrings{ClientAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        jti,
		},
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = s.KeyID
	t.Header["typ"] = ClientTokenType
	signed, err := t.SignedString(s.Key)
	return signed, exp, err
}

// Verify checks signature (HS256 only), key id, typ, exp, iss and aud and
// returns the claims. Every failure is ErrInvalidToken.
func (s ClientSigner) Verify(token string) (ClientClaims, error) {
	var c ClientClaims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.KeyID {
			return nil, fmt.Errorf("unknown key id")
		}
		if typ, _ := t.Header["typ"].(string); typ != ClientTokenType {
			return nil, fmt.Errorf("not a client access token")
		}
		return s.Key, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(ClientAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.Now),
	)
	if err != nil {
		return ClientClaims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if c.ClientID == "" || c.Subject != c.ClientID {
		return ClientClaims{}, ErrInvalidToken
	}
	return c, nil
}
