package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Session is one sign-in; its refresh tokens form one family.
type Session struct {
	ID           string `gorm:"primaryKey"`
	UserID       int64
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	RevokeReason string
	ClientIP     string
	UserAgent    string
}

// RefreshToken is kept only as a hash.
type RefreshToken struct {
	TokenHash string `gorm:"primaryKey"`
	SessionID string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreateSession stores a session with its first refresh token.
func (s *Store) CreateSession(ctx context.Context, sess *Session, tok *RefreshToken) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(sess).Error; err != nil {
			return err
		}
		return s.conn(ctx).Create(tok).Error
	})
}

// SessionByID reads a session.
func (s *Store) SessionByID(ctx context.Context, id string) (*Session, error) {
	var sess Session
	if err := s.conn(ctx).Where("id = ?", id).First(&sess).Error; err != nil {
		return nil, notFound(err, "会话")
	}
	return &sess, nil
}

// TouchSession records activity, for the idle timeout. It writes at most once
// a minute per session to keep reads cheap.
func (s *Store) TouchSession(ctx context.Context, id string, now time.Time) error {
	return s.conn(ctx).Model(&Session{}).
		Where("id = ? AND last_seen_at < ?", id, now.Add(-time.Minute)).
		Update("last_seen_at", now).Error
}

// RefreshTokenForUpdate reads a refresh token by hash and locks it, so two
// concurrent uses of one token cannot both succeed.
func (s *Store) RefreshTokenForUpdate(ctx context.Context, hash string) (*RefreshToken, error) {
	var t RefreshToken
	q := s.conn(ctx)
	if s.Dialect == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("token_hash = ?", hash).First(&t).Error; err != nil {
		return nil, notFound(err, "令牌")
	}
	return &t, nil
}

// UseRefreshToken marks a token used; false when it already was.
func (s *Store) UseRefreshToken(ctx context.Context, hash string, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&RefreshToken{}).Where("token_hash = ? AND used_at IS NULL", hash).Update("used_at", at)
	return res.RowsAffected == 1, res.Error
}

// AddRefreshToken stores the next token of a session's family.
func (s *Store) AddRefreshToken(ctx context.Context, tok *RefreshToken) error {
	return s.conn(ctx).Create(tok).Error
}

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	return s.conn(ctx).Model(&Session{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": at, "revoke_reason": reason}).Error
}

// RevokeUserSessions ends every session of a user (disable, role change,
// password change).
func (s *Store) RevokeUserSessions(ctx context.Context, userID int64, reason string, at time.Time) error {
	return s.conn(ctx).Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Updates(map[string]any{"revoked_at": at, "revoke_reason": reason}).Error
}

// PurgeExpiredTokens deletes refresh tokens past their expiry.
func (s *Store) PurgeExpiredTokens(ctx context.Context, now time.Time) error {
	return s.conn(ctx).Where("expires_at < ?", now).Delete(&RefreshToken{}).Error
}

// RevokeOtherSessions ends every session of a user but one.
func (s *Store) RevokeOtherSessions(ctx context.Context, userID int64, keep, reason string, at time.Time) error {
	return s.conn(ctx).Model(&Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keep).
		Updates(map[string]any{"revoked_at": at, "revoke_reason": reason}).Error
}
