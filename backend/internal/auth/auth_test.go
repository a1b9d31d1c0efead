package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestPasswordHash(t *testing.T) {
	h := Hasher{MemoryKiB: 64, Time: 1}
	hash, err := h.Hash("Jingzhun@2017")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id hash: %s", hash)
	}
	if ok, err := Verify(hash, "Jingzhun@2017"); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := Verify(hash, "jingzhun@2017"); ok {
		t.Fatal("wrong password accepted")
	}
	other, _ := h.Hash("Jingzhun@2017")
	if other == hash {
		t.Fatal("two hashes of one password share a salt")
	}
	if _, err := Verify("$2a$10$bcrypt", "x"); err != ErrMalformedHash {
		t.Fatalf("malformed hash: %v", err)
	}
}

func signer(now time.Time) Signer {
	return Signer{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "k1", TTL: 15 * time.Minute,
		Now: func() time.Time { return now }}
}

func TestAccessToken(t *testing.T) {
	now := time.Date(2017, 6, 20, 9, 0, 0, 0, time.UTC)
	s := signer(now)
	tok, exp, err := s.Issue(42, "sess-1")
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(15 * time.Minute)) {
		t.Fatalf("exp %v", exp)
	}
	id, sid, err := s.Verify(tok)
	if err != nil || id != 42 || sid != "sess-1" {
		t.Fatalf("Verify = %d %q %v", id, sid, err)
	}

	later := signer(now.Add(16 * time.Minute))
	if _, _, err := later.Verify(tok); err == nil {
		t.Fatal("expired token accepted")
	}
	other := s
	other.Key = []byte("another key another key another k")
	if _, _, err := other.Verify(tok); err == nil {
		t.Fatal("token signed with another key accepted")
	}
	rotated := s
	rotated.KeyID = "k2"
	if _, _, err := rotated.Verify(tok); err == nil {
		t.Fatal("unknown kid accepted")
	}
}

func TestRefusedTokens(t *testing.T) {
	now := time.Date(2017, 6, 20, 9, 0, 0, 0, time.UTC)
	s := signer(now)
	claims := func(mut func(*Claims)) Claims {
		c := Claims{SessionID: "s", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: "1", Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}}
		mut(&c)
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c Claims) string {
		tk := jwt.NewWithClaims(m, c)
		tk.Header["kid"] = "k1"
		str, err := tk.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return str
	}
	cases := map[string]string{
		"alg none":    sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(func(*Claims) {})),
		"no exp":      sign(jwt.SigningMethodHS256, s.Key, claims(func(c *Claims) { c.ExpiresAt = nil })),
		"wrong aud":   sign(jwt.SigningMethodHS256, s.Key, claims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} })),
		"wrong iss":   sign(jwt.SigningMethodHS256, s.Key, claims(func(c *Claims) { c.Issuer = "other" })),
		"HS512":       sign(jwt.SigningMethodHS512, s.Key, claims(func(*Claims) {})),
		"no session":  sign(jwt.SigningMethodHS256, s.Key, claims(func(c *Claims) { c.SessionID = "" })),
		"bad subject": sign(jwt.SigningMethodHS256, s.Key, claims(func(c *Claims) { c.Subject = "admin" })),
	}
	for name, tok := range cases {
		if _, _, err := s.Verify(tok); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	good := sign(jwt.SigningMethodHS256, s.Key, claims(func(*Claims) {}))
	if _, _, err := s.Verify(good); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
}

func TestHashToken(t *testing.T) {
	a, _ := RandomToken(32)
	b, _ := RandomToken(32)
	if a == b || len(a) < 40 {
		t.Fatal("random tokens")
	}
	if HashToken(a) == a || HashToken(a) != HashToken(a) || len(HashToken(a)) != 64 {
		t.Fatal("HashToken")
	}
}

func TestPasswordProblem(t *testing.T) {
	cases := []struct {
		user, pw string
		ok       bool
	}{
		{"district", "Jingzhun@2017", true},
		{"district", "short1A", false},
		{"district", "alllowercaseletters", false},
		{"district", "lowercase123456", false},
		{"district", "Lowercase123456", true},
		{"district", "My-District-2017", false},
		{"district", "正确 马 电池 订书钉 Horse9", true},
		{"x", strings.Repeat("Aa1", 50), false},
	}
	for _, c := range cases {
		if got := PasswordProblem(c.user, c.pw); (got == "") != c.ok {
			t.Errorf("PasswordProblem(%q, %q) = %q, want ok=%v", c.user, c.pw, got, c.ok)
		}
	}
}
