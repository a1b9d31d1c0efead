package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen structs of migration 0001. Do not edit: add a migration instead.

type street0001 struct {
	Code      string `gorm:"primaryKey;size:12"`
	Name      string `gorm:"size:64;not null"`
	CheckTeam string `gorm:"size:8;not null;index"`
	Sort      int    `gorm:"not null"`
}

func (street0001) TableName() string { return "streets" }

type village0001 struct {
	Code       string `gorm:"primaryKey;size:16"`
	StreetCode string `gorm:"size:12;not null;index"`
	Name       string `gorm:"size:64;not null"`
	Sort       int    `gorm:"not null"`
}

func (village0001) TableName() string { return "villages" }

type checkTeam0001 struct {
	Code string `gorm:"primaryKey;size:8"`
	Name string `gorm:"size:64;not null"`
}

func (checkTeam0001) TableName() string { return "check_teams" }

type department0001 struct {
	Code string `gorm:"primaryKey;size:32"`
	Name string `gorm:"size:64;not null"`
	Sort int    `gorm:"not null"`
}

func (department0001) TableName() string { return "departments" }

type user0001 struct {
	ID                 int64  `gorm:"primaryKey;autoIncrement"`
	Username           string `gorm:"size:64;not null;uniqueIndex"`
	DisplayName        string `gorm:"size:64;not null"`
	Role               string `gorm:"size:32;not null;index"`
	PasswordHash       string `gorm:"size:255;not null"`
	Disabled           bool   `gorm:"not null"`
	MustChangePassword bool   `gorm:"not null"`
	PasswordChangedAt  time.Time
	FailedLogins       int `gorm:"not null"`
	LockedUntil        *time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int64 `gorm:"not null"`
}

func (user0001) TableName() string { return "users" }

// userGrant0001 is the raw scope given to an account: kind is village,
// street, team or department.
type userGrant0001 struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
	Kind   string `gorm:"primaryKey;size:16"`
	Code   string `gorm:"primaryKey;size:32;index"`
}

func (userGrant0001) TableName() string { return "user_grants" }

// session0001 is one sign-in: the family of its refresh tokens.
type session0001 struct {
	ID           string `gorm:"primaryKey;size:64"`
	UserID       int64  `gorm:"not null;index"`
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	RevokeReason string `gorm:"size:64;not null"`
	ClientIP     string `gorm:"size:64;not null"`
	UserAgent    string `gorm:"size:255;not null"`
}

func (session0001) TableName() string { return "sessions" }

type refreshToken0001 struct {
	TokenHash string `gorm:"primaryKey;size:64"`
	SessionID string `gorm:"size:64;not null;index"`
	UserID    int64  `gorm:"not null"`
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (refreshToken0001) TableName() string { return "refresh_tokens" }

type auditEvent0001 struct {
	ID         int64     `gorm:"primaryKey;autoIncrement"`
	At         time.Time `gorm:"not null;index"`
	UserID     *int64    `gorm:"index"`
	Username   string    `gorm:"size:64;not null;index"`
	Role       string    `gorm:"size:32;not null"`
	Action     string    `gorm:"size:64;not null;index"`
	ObjectType string    `gorm:"size:32;not null"`
	ObjectID   string    `gorm:"size:64;not null"`
	Changes    string    `gorm:"type:text;not null"`
	Result     string    `gorm:"size:16;not null;index"`
	Reason     string    `gorm:"size:500;not null"`
	RequestID  string    `gorm:"size:64;not null"`
	ClientIP   string    `gorm:"size:64;not null"`
}

func (auditEvent0001) TableName() string { return "audit_events" }

func m0001Init(tx *gorm.DB) error {
	return createTables(tx,
		&street0001{}, &village0001{}, &checkTeam0001{}, &department0001{},
		&user0001{}, &userGrant0001{}, &session0001{}, &refreshToken0001{},
		&auditEvent0001{},
	)
}
