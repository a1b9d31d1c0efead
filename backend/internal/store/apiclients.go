package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// APIClient is a third-party system with client credentials (migration
// 0015). SecretHash is the SHA-256 of the secret, never the secret.
type APIClient struct {
	ID            int64 `gorm:"primaryKey"`
	ClientID      string
	SecretHash    string
	SecretVersion int
	Name          string
	Organisation  string
	Scopes        string // space-separated
	Department    string // the department a departments:push client pushes for
	RatePerMinute int
	CreatedAt     time.Time
	CreatedBy     string
	RotatedAt     *time.Time
	RotatedBy     string
	RevokedAt     *time.Time
	RevokedBy     string
	RevokeReason  string
	LastUsedAt    *time.Time
	Version       int64
}

// CreateAPIClient inserts a client at version 1.
func (s *Store) CreateAPIClient(ctx context.Context, c *APIClient) error {
	c.Version = 1
	return s.conn(ctx).Create(c).Error
}

// APIClients pages through the clients, newest first (revoked ones too:
// the admin sees what was once allowed).
func (s *Store) APIClients(ctx context.Context, page, size int) ([]APIClient, int64, error) {
	var total int64
	q := s.conn(ctx).Model(&APIClient{})
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []APIClient
	err := s.conn(ctx).Order("id DESC").Offset((page - 1) * size).Limit(size).Find(&out).Error
	return out, total, err
}

// APIClientByID reads a client by its row id.
func (s *Store) APIClientByID(ctx context.Context, id int64) (*APIClient, error) {
	var c APIClient
	if err := s.conn(ctx).First(&c, id).Error; err != nil {
		return nil, notFound(err, "接口客户端")
	}
	return &c, nil
}

// APIClientByClientID reads a client by its public client_id; nil when
// there is none (the token endpoint answers an unknown client like a wrong
// secret, so this is not an error).
func (s *Store) APIClientByClientID(ctx context.Context, clientID string) (*APIClient, error) {
	var c APIClient
	err := s.conn(ctx).Where("client_id = ?", clientID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// RevokeAPIClient marks a client revoked; false when it already was (or is
// not there). Revocation is final: a revoked client is never restored.
func (s *Store) RevokeAPIClient(ctx context.Context, id int64, by, reason string, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&APIClient{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": at, "revoked_by": by, "revoke_reason": reason, "version": gorm.Expr("version + 1")})
	return res.RowsAffected == 1, res.Error
}

// RotateAPIClientSecret replaces the secret's hash and moves the secret
// version on (ending every token issued before); false when the client is
// revoked or not there.
func (s *Store) RotateAPIClientSecret(ctx context.Context, id int64, hash, by string, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&APIClient{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"secret_hash": hash, "secret_version": gorm.Expr("secret_version + 1"),
			"rotated_at": at, "rotated_by": by, "version": gorm.Expr("version + 1")})
	return res.RowsAffected == 1, res.Error
}

// TouchAPIClient records a client's use, at most once a minute: a call per
// request would make every read a write.
func (s *Store) TouchAPIClient(ctx context.Context, id int64, at time.Time) error {
	return s.conn(ctx).Model(&APIClient{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, at.Add(-time.Minute)).
		Update("last_used_at", at).Error
}

// RegisterEntry is what the integrations tell of a person in the register:
// the household and where it is, never the person's or household's data.
type RegisterEntry struct {
	HouseholdCode string
	StreetCode    string
	VillageCode   string
	Status        string
	ExitedYear    *int
}

// RegisterEntryByIDIndex finds the live household holding the person with
// this blind index (members.active_id_key is set only while the household
// is live: one person, one household); nil when the person is not in the
// register. It reads no sealed column, so nothing personal is opened.
func (s *Store) RegisterEntryByIDIndex(ctx context.Context, idIndex string) (*RegisterEntry, error) {
	var e RegisterEntry
	err := s.conn(ctx).Table("members").
		Select("households.code AS household_code, households.street_code, households.village_code, households.status, households.exited_year").
		Joins("JOIN households ON households.id = members.household_id").
		Where("members.active_id_key = ? AND households.deleted_at IS NULL", idIndex).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}
