package auth

import (
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA1 key "12345678901234567890", the last 6 digits.
func TestTOTPCodeRFC6238(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	cases := []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	}
	for _, c := range cases {
		got, err := TOTPCode(secret, TOTPStep(time.Unix(c.unix, 0)))
		if err != nil || got != c.want {
			t.Errorf("t=%d: got %s %v, want %s", c.unix, got, err, c.want)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	secret, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_500_000_000, 0)
	step := TOTPStep(now)
	code, _ := TOTPCode(secret, step)
	if got, ok := VerifyTOTP(secret, code, now, 0); !ok || got != step {
		t.Fatalf("current code refused: %v %v", got, ok)
	}
	// A code of the previous step still passes (a phone a little slow) …
	prev, _ := TOTPCode(secret, step-1)
	if _, ok := VerifyTOTP(secret, prev, now, 0); !ok {
		t.Error("previous step refused")
	}
	// … but not one two steps away, nor a replay of an accepted step.
	old, _ := TOTPCode(secret, step-2)
	if _, ok := VerifyTOTP(secret, old, now, 0); ok {
		t.Error("a code two steps old was accepted")
	}
	if _, ok := VerifyTOTP(secret, code, now, step); ok {
		t.Error("a replayed code was accepted")
	}
	if _, ok := VerifyTOTP(secret, "12345", now, 0); ok {
		t.Error("a short code was accepted")
	}
	if u := TOTPURL("盘龙精准识别", "district", secret); !strings.HasPrefix(u, "otpauth://totp/") || !strings.Contains(u, "secret="+secret) {
		t.Errorf("url: %s", u)
	}
}

func TestCommonPasswordsRefused(t *testing.T) {
	for _, p := range []string{"Passw0rd!", "Admin@123", "1qaz@WSX", "Qwer1234!", "Woaini1314"} {
		if PasswordProblem("someone", p) == "" {
			t.Errorf("%s accepted", p)
		}
	}
	if p := PasswordProblem("someone", "Jingzhun@2017"); p != "" {
		t.Errorf("a sound password refused: %s", p)
	}
}
