package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestClientTokensAndUserTokensNeverCross: a client's token verifies as a
// client's only, a user's as a user's only; each check (typ, audience, key
// id, algorithm, expiry) refuses on its own.
func TestClientTokensAndUserTokensNeverCross(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	key := []byte("0123456789abcdef0123456789abcdef")
	users := Signer{Key: key, KeyID: "k1", TTL: 15 * time.Minute, Now: clock}
	clients := NewClientSigner(key, 15*time.Minute, clock)
	if string(clients.Key) == string(key) || clients.KeyID == users.KeyID {
		t.Fatal("the client signer shares the user tokens' key or key id")
	}

	tok, exp, err := clients.Issue("jzc_a", "register:read", 3)
	if err != nil || !exp.Equal(now.Add(15*time.Minute)) {
		t.Fatal(exp, err)
	}
	c, err := clients.Verify(tok)
	if err != nil || c.ClientID != "jzc_a" || c.Scope != "register:read" || c.SecretVersion != 3 {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	if _, _, err := users.Verify(tok); err == nil {
		t.Fatal("a client's token passed as a user's")
	}
	ut, _, _ := users.Issue(7, "sid")
	if _, err := clients.Verify(ut); err == nil {
		t.Fatal("a user's token passed as a client's")
	}

	sign := func(method jwt.SigningMethod, k any, header map[string]any, claims ClientClaims) string {
		tk := jwt.NewWithClaims(method, claims)
		for h, v := range header {
			tk.Header[h] = v
		}
		s, err := tk.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := func() ClientClaims {
		return ClientClaims{ClientID: "jzc_a", Scope: "register:read", SecretVersion: 3, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: "jzc_a", Audience: jwt.ClaimStrings{ClientAudience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}}
	}
	hdr := map[string]any{"kid": clients.KeyID, "typ": ClientTokenType}
	if _, err := clients.Verify(sign(jwt.SigningMethodHS256, clients.Key, hdr, good())); err != nil {
		t.Fatalf("hand-made good token refused: %v", err)
	}
	wrongAud, noExp, expired, otherSub := good(), good(), good(), good()
	wrongAud.Audience = jwt.ClaimStrings{Audience}
	noExp.ExpiresAt = nil
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second))
	otherSub.Subject = "jzc_b"
	for name, tk := range map[string]string{
		"no typ":          sign(jwt.SigningMethodHS256, clients.Key, map[string]any{"kid": clients.KeyID}, good()),
		"user kid":        sign(jwt.SigningMethodHS256, clients.Key, map[string]any{"kid": users.KeyID, "typ": ClientTokenType}, good()),
		"user key":        sign(jwt.SigningMethodHS256, key, hdr, good()),
		"user audience":   sign(jwt.SigningMethodHS256, clients.Key, hdr, wrongAud),
		"HS512":           sign(jwt.SigningMethodHS512, clients.Key, hdr, good()),
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, hdr, good()),
		"no exp":          sign(jwt.SigningMethodHS256, clients.Key, hdr, noExp),
		"expired":         sign(jwt.SigningMethodHS256, clients.Key, hdr, expired),
		"subject differs": sign(jwt.SigningMethodHS256, clients.Key, hdr, otherSub),
	} {
		if _, err := clients.Verify(tk); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
