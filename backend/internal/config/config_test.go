package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadDefaultsAndOverrides(t *testing.T) {
	c, err := Load("jingzhun", []string{"--addr", "0.0.0.0:9000"}, env(map[string]string{
		"JZ_ADDR": "127.0.0.1:1", "JZ_MFA_ROLES": "district, auditor", "JZ_PASSWORD_MAX_AGE": "720h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" {
		t.Errorf("a flag wins over the environment: %s", c.Addr)
	}
	if strings.Join(c.MFARoles, ",") != "district,auditor" || c.PasswordMaxAge.Hours() != 720 {
		t.Errorf("environment: %v %v", c.MFARoles, c.PasswordMaxAge)
	}
	if d := Default(); len(d.MFARoles) != 4 || d.DemoHouseholds != 2000 {
		t.Errorf("defaults: %+v", d)
	}
}

func TestUnknownMFARoleRefused(t *testing.T) {
	_, err := Load("jingzhun", nil, env(map[string]string{"JZ_MFA_ROLES": "district,distrct"}))
	if err == nil || !strings.Contains(err.Error(), "distrct") {
		t.Fatalf("a misspelt role must stop the start: %v", err)
	}
}
