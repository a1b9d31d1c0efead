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

func TestRateLimitCORSAndHSTSSettings(t *testing.T) {
	c, err := Load("jingzhun", nil, env(map[string]string{
		"JZ_CORS_ORIGINS": "https://pt.km.gov.cn, http://127.0.0.1:5173", "JZ_HSTS": "true",
		"JZ_EXPORT_PER_MINUTE": "5", "JZ_RECORD_READS_PER_MINUTE": "50",
		"JZ_RATE_IP_PER_MINUTE": "100", "JZ_RATE_USER_PER_MINUTE": "90", "JZ_REGISTER_MAX_ROWS": "1000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.CORSOrigins, " ") != "https://pt.km.gov.cn http://127.0.0.1:5173" || !c.HSTS ||
		c.ExportPerMinute != 5 || c.RecordReadsPerMinute != 50 || c.RateIPPerMinute != 100 || c.RateUserPerMinute != 90 ||
		c.RegisterMaxRows != 1000 {
		t.Fatalf("environment: %+v", c)
	}
	if d := Default(); len(d.CORSOrigins) != 0 || d.HSTS || d.RateUserPerMinute < 1000 || d.RateIPPerMinute < d.RateUserPerMinute {
		t.Fatalf("defaults: no CORS, no forced HSTS, generous general budgets: %+v", d)
	}
	// An allowlist entry must be an exact origin: what a browser sends.
	for _, bad := range []string{"*", "https://*.km.gov.cn", "https://pt.km.gov.cn/", "https://pt.km.gov.cn/api",
		"pt.km.gov.cn", "ftp://pt.km.gov.cn", "https://PT.km.gov.cn", "null"} {
		if _, err := Load("jingzhun", nil, env(map[string]string{"JZ_CORS_ORIGINS": bad})); err == nil {
			t.Errorf("JZ_CORS_ORIGINS=%q accepted", bad)
		}
	}
	if _, err := Load("jingzhun", nil, env(map[string]string{"JZ_EXPORT_PER_MINUTE": "0"})); err == nil {
		t.Error("a zero export budget accepted")
	}
}
