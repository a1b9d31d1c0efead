package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/apperr"
)

// MFAChallenge is a sign-in whose password was right, waiting for its code.
type MFAChallenge struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (MFAChallenge) TableName() string { return "mfa_challenges" }

// CreateMFAChallenge stores a challenge.
func (s *Store) CreateMFAChallenge(ctx context.Context, c *MFAChallenge) error {
	return s.conn(ctx).Create(c).Error
}

// MFAChallenge reads a live challenge by the hash of its token.
func (s *Store) MFAChallenge(ctx context.Context, tokenHash string, now time.Time) (*MFAChallenge, error) {
	var c MFAChallenge
	err := s.conn(ctx).Where("token_hash = ? AND expires_at > ?", tokenHash, now).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.NotFoundf("验证请求")
	}
	return &c, err
}

// CountMFAAttempt counts a wrong code against a challenge.
func (s *Store) CountMFAAttempt(ctx context.Context, tokenHash string) error {
	return s.conn(ctx).Model(&MFAChallenge{}).Where("token_hash = ?", tokenHash).
		Update("attempts", gorm.Expr("attempts + 1")).Error
}

// DeleteMFAChallenge ends a challenge (used, or too many attempts), and any
// expired ones with it.
func (s *Store) DeleteMFAChallenge(ctx context.Context, tokenHash string, now time.Time) error {
	return s.conn(ctx).Where("token_hash = ? OR expires_at <= ?", tokenHash, now).Delete(&MFAChallenge{}).Error
}

// The TOTP secrets of accounts are sealed at rest with the data keys, like
// personal data (issue 5, migration 0009): whoever reads one can make the
// account's codes. SetTOTP, their only writer, seals both, the empty string
// too, and records the key version in users.key_version; the reads of an
// account open them, so services see clear values. An empty column (never
// sealed) is an account that never enrolled, or one reset before 0009.
const (
	colTOTPSecret  = "users.totp_secret"
	colTOTPPending = "users.totp_pending"
)

// sealedRowsOnly narrows a table of sealedTables to the rows that hold
// sealed values, where not every row does: an account that never enrolled
// holds none, keeps key_version 0, and is neither sealed by SealLegacy,
// re-sealed by Rotate nor counted by KeyVersions.
var sealedRowsOnly = map[string]string{
	"users": "(totp_secret <> '' OR totp_pending <> '')",
}

// SetTOTP writes the second-factor columns of an account, the secret and
// the pending one sealed with the current data key.
func (s *Store) SetTOTP(ctx context.Context, userID int64, secret, pending string, enabled bool, lastStep int64) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	return s.conn(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
		"totp_secret": k.Seal(colTOTPSecret, secret), "totp_pending": k.Seal(colTOTPPending, pending),
		"key_version": k.Current(), "totp_enabled": enabled, "totp_last_step": lastStep,
	}).Error
}

// openTOTP opens an account's TOTP values in place, as read from users. An
// account with none needs no keys.
func (s *Store) openTOTP(u *User) error {
	if u.TOTPSecret == "" && u.TOTPPending == "" {
		return nil
	}
	k, err := s.keyring()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{colTOTPSecret, &u.TOTPSecret}, {colTOTPPending, &u.TOTPPending}} {
		if *f.v == "" {
			continue
		}
		if *f.v, err = k.Open(f.col, *f.v); err != nil {
			return fmt.Errorf("account %d: %w", u.ID, err)
		}
	}
	return nil
}

// AcceptTOTPStep records the step of an accepted code, only if it is newer
// than the last: two requests racing with one code cannot both succeed.
func (s *Store) AcceptTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res := s.conn(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", userID, step).Update("totp_last_step", step)
	return res.RowsAffected == 1, res.Error
}

// PasswordHistory is one earlier password of an account.
type PasswordHistory struct {
	ID           int64 `gorm:"primaryKey"`
	UserID       int64
	PasswordHash string
	CreatedAt    time.Time
}

func (PasswordHistory) TableName() string { return "password_history" }

// RecentPasswords returns the newest n earlier password hashes.
func (s *Store) RecentPasswords(ctx context.Context, userID int64, n int) ([]string, error) {
	var hs []string
	err := s.conn(ctx).Model(&PasswordHistory{}).Where("user_id = ?", userID).Order("id DESC").Limit(n).Pluck("password_hash", &hs).Error
	return hs, err
}

// AddPasswordHistory remembers a password hash being replaced.
func (s *Store) AddPasswordHistory(ctx context.Context, userID int64, hash string, at time.Time) error {
	return s.conn(ctx).Create(&PasswordHistory{UserID: userID, PasswordHash: hash, CreatedAt: at}).Error
}
