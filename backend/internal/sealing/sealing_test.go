package sealing

import (
	"encoding/base64"
	"strings"
	"testing"
)

func key(b byte) []byte { return []byte(strings.Repeat(string(rune(b)), KeySize)) }

func ring(t *testing.T, current int, versions ...int) *Keyring {
	t.Helper()
	keys := map[int][]byte{}
	for _, v := range versions {
		keys[v] = key(byte('a' + v))
	}
	k, err := New(current, keys, key('i'))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := ring(t, 1, 1)
	for _, plain := range []string{"", "53010319800101001X", "13800138000", "慢性病 𠮷", strings.Repeat("长", 100)} {
		s := k.Seal("members.id_number", plain)
		if !strings.HasPrefix(s, "v1:") || (plain != "" && strings.Contains(s, plain)) {
			t.Fatalf("sealed %q as %q", plain, s)
		}
		got, err := k.Open("members.id_number", s)
		if err != nil || got != plain {
			t.Fatalf("open %q: %q %v", plain, got, err)
		}
		if s2 := k.Seal("members.id_number", plain); s2 == s {
			t.Fatalf("two seals of %q are equal: the nonce is not random", plain)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	k := ring(t, 1, 1)
	s := k.Seal("members.id_number", "53010319800101001X")
	raw, _ := base64.StdEncoding.DecodeString(s[3:])
	raw[len(raw)-1] ^= 1
	tampered := "v1:" + base64.StdEncoding.EncodeToString(raw)
	other := ring(t, 1, 1)
	other.aeads[1] = ring(t, 2, 2).aeads[2] // same version number, another key
	cases := map[string]struct {
		k     *Keyring
		col   string
		value string
	}{
		"tampered":      {k, "members.id_number", tampered},
		"other column":  {k, "households.phone", s},
		"wrong key":     {other, "members.id_number", s},
		"clear text":    {k, "members.id_number", "53010319800101001X"},
		"empty":         {k, "members.id_number", ""},
		"short":         {k, "members.id_number", "v1:AAAA"},
		"bad base64":    {k, "members.id_number", "v1:***"},
		"unknown key":   {k, "members.id_number", "v7" + s[2:]},
		"version zero":  {k, "members.id_number", "v0" + s[2:]},
		"no version":    {k, "members.id_number", "v:" + s[3:]},
		"other prefix":  {k, "members.id_number", "x1:" + s[3:]},
		"truncated tag": {k, "members.id_number", s[:len(s)-8]},
	}
	for name, c := range cases {
		if got, err := c.k.Open(c.col, c.value); err == nil {
			t.Errorf("%s: opened to %q", name, got)
		} else if strings.Contains(err.Error(), "53010319800101001X") {
			t.Errorf("%s: the error shows the value: %v", name, err)
		}
	}
}

func TestRotationKeepsOldVersionsReadable(t *testing.T) {
	old := ring(t, 1, 1)
	s1 := old.Seal("households.phone", "13800138000")
	both := ring(t, 2, 1, 2)
	if got, err := both.Open("households.phone", s1); err != nil || got != "13800138000" {
		t.Fatalf("old value under the new ring: %q %v", got, err)
	}
	s2 := both.Seal("households.phone", "13800138000")
	if v, _ := VersionOf(s2); v != 2 {
		t.Fatalf("sealed with version %d, want 2", v)
	}
	onlyNew := ring(t, 2, 2)
	if _, err := onlyNew.Open("households.phone", s1); err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("a removed key still opens: %v", err)
	}
	if got, err := onlyNew.Open("households.phone", s2); err != nil || got != "13800138000" {
		t.Fatalf("re-sealed value: %q %v", got, err)
	}
	// The blind index does not depend on the encryption keys.
	if old.BlindIndex("id_number", "x") != onlyNew.BlindIndex("id_number", "x") {
		t.Fatal("the blind index changed with the encryption keys")
	}
}

func TestBlindIndex(t *testing.T) {
	k := ring(t, 1, 1)
	a := k.BlindIndex("id_number", "53010319800101001x")
	if a != k.BlindIndex("id_number", " 53010319800101001X ") {
		t.Fatal("ID numbers are not normalised")
	}
	if len(a) != 64 || strings.Contains(a, "530103") {
		t.Fatalf("index %q", a)
	}
	if a == k.BlindIndex("phone", "53010319800101001X") {
		t.Fatal("kinds are not separated")
	}
	other, _ := New(1, map[int][]byte{1: key('b')}, key('j'))
	if a == other.BlindIndex("id_number", "53010319800101001X") {
		t.Fatal("the index does not depend on the index key")
	}
}

func TestParse(t *testing.T) {
	k1 := base64.StdEncoding.EncodeToString(key('1'))
	k2 := base64.StdEncoding.EncodeToString(key('2'))
	ix := base64.StdEncoding.EncodeToString(key('x'))
	k, err := Parse("2:" + k2 + ", 1:" + k1 + ",index:" + ix)
	if err != nil || k.Current() != 2 || len(k.Versions()) != 2 || k.Versions()[0] != 2 {
		t.Fatalf("parse: %v %v", k, err)
	}
	if _, err := Parse("# jingzhun data keys, current first: 1:x\r\nindex:" + ix + "\n\nv1:" + k1 + "\n"); err != nil {
		t.Fatalf("file format: %v", err)
	}
	gen, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if g, err := Parse(gen); err != nil || g.Current() != 1 {
		t.Fatalf("generated: %v", err)
	}
	short := base64.StdEncoding.EncodeToString([]byte("short"))
	for _, bad := range []string{
		"", "index:" + ix, "1:" + k1, "1:" + k1 + ",1:" + k2 + ",index:" + ix, "0:" + k1 + ",index:" + ix,
		"1:" + short + ",index:" + ix, "1:" + k1 + ",index:" + short, "1:***,index:" + ix, k1,
		"1:" + k1 + ",index:" + ix + ",index:" + ix, "x:" + k1 + ",index:" + ix,
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		} else if strings.Contains(err.Error(), k1) {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}
