package config

import (
	"strings"
	"testing"
	"time"
)

// TestAuditRetention: audit records are kept at least 180 days; a shorter
// JZ_AUDIT_RETENTION stops the start.
func TestAuditRetention(t *testing.T) {
	if d := Default(); d.AuditRetention != 180*24*time.Hour {
		t.Fatalf("default retention: %v", d.AuditRetention)
	}
	for v, want := range map[string]time.Duration{"180": 180 * 24 * time.Hour, "365d": 365 * 24 * time.Hour, "4800h": 200 * 24 * time.Hour} {
		c, err := Load("jingzhun", nil, env(map[string]string{"JZ_AUDIT_RETENTION": v}))
		if err != nil || c.AuditRetention != want {
			t.Errorf("JZ_AUDIT_RETENTION=%s: %v %v", v, c.AuditRetention, err)
		}
	}
	for _, v := range []string{"179", "179d", "4000h", "0", "-200", "half a year"} {
		if _, err := Load("jingzhun", nil, env(map[string]string{"JZ_AUDIT_RETENTION": v})); err == nil || !strings.Contains(err.Error(), "JZ_AUDIT_RETENTION") {
			t.Errorf("JZ_AUDIT_RETENTION=%s accepted: %v", v, err)
		}
	}
}
