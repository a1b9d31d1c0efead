package migrations

import (
	"time"

	"gorm.io/gorm"
)

// user0006 adds the TOTP second factor to accounts: the secret in use, one
// being enrolled, and the last step accepted (a code is good once).
type user0006 struct {
	TOTPSecret   string `gorm:"column:totp_secret;size:64;not null;default:''"`
	TOTPPending  string `gorm:"column:totp_pending;size:64;not null;default:''"`
	TOTPEnabled  bool   `gorm:"column:totp_enabled;not null;default:false"`
	TOTPLastStep int64  `gorm:"column:totp_last_step;not null;default:0"`
	// LastFailedAt: failures count towards a lock within a window only.
	LastFailedAt *time.Time
}

func (user0006) TableName() string { return "users" }

// mfaChallenge0006 is a password-checked sign-in waiting for its code.
type mfaChallenge0006 struct {
	TokenHash string `gorm:"primaryKey;size:64"`
	UserID    int64  `gorm:"not null;index"`
	Attempts  int    `gorm:"not null"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (mfaChallenge0006) TableName() string { return "mfa_challenges" }

// passwordHistory0006 keeps the last password hashes of an account, so that
// a change cannot go back to one of them.
type passwordHistory0006 struct {
	ID           int64  `gorm:"primaryKey;autoIncrement"`
	UserID       int64  `gorm:"not null;index"`
	PasswordHash string `gorm:"size:255;not null"`
	CreatedAt    time.Time
}

func (passwordHistory0006) TableName() string { return "password_history" }

func m0006MFA(tx *gorm.DB) error {
	for _, col := range []string{"TOTPSecret", "TOTPPending", "TOTPEnabled", "TOTPLastStep", "LastFailedAt"} {
		if err := tx.Migrator().AddColumn(&user0006{}, col); err != nil {
			return err
		}
	}
	return createTables(tx, &mfaChallenge0006{}, &passwordHistory0006{})
}
