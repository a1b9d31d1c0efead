package migrations

import (
	"time"

	"gorm.io/gorm"
)

// apiClient0015 is a third-party system allowed to call the integration
// endpoints (信息共享): an integrator or the provincial big-data platform.
//
// client_id is public. The secret is never stored: secret_hash is the
// SHA-256 of a 256-bit random secret (like the refresh tokens; with that
// entropy a slow hash adds nothing). secret_version counts rotations and is
// carried in every access token, so a rotation or a revocation ends every
// token of the client at once. scopes is a space-separated list (RFC 6749
// §3.3); department is the one department a `departments:push` client
// pushes for, "" otherwise. rate_per_minute is the client's own limit.
type apiClient0015 struct {
	ID            int64  `gorm:"primaryKey;autoIncrement"`
	ClientID      string `gorm:"size:64;not null;uniqueIndex:ux_api_clients_client_id"`
	SecretHash    string `gorm:"size:64;not null"`
	SecretVersion int    `gorm:"not null"`
	Name          string `gorm:"size:100;not null"`
	Organisation  string `gorm:"size:200;not null"`
	Scopes        string `gorm:"size:200;not null"`
	Department    string `gorm:"size:32;not null"`
	RatePerMinute int    `gorm:"not null"`
	CreatedAt     time.Time
	CreatedBy     string `gorm:"size:64;not null"`
	RotatedAt     *time.Time
	RotatedBy     string `gorm:"size:64;not null"`
	RevokedAt     *time.Time
	RevokedBy     string `gorm:"size:64;not null"`
	RevokeReason  string `gorm:"size:200;not null"`
	LastUsedAt    *time.Time
	Version       int64 `gorm:"not null"`
}

func (apiClient0015) TableName() string { return "api_clients" }

// m0015APIClients adds the API clients of third-party access (issue 9).
// Their access tokens are short-lived JWTs checked against this row on
// every request, so no token table is needed.
func m0015APIClients(tx *gorm.DB) error {
	return createTables(tx, &apiClient0015{})
}
