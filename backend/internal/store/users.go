package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
)

// User is an account. Its grants are kept in user_grants.
type User struct {
	ID                 int64 `gorm:"primaryKey"`
	Username           string
	DisplayName        string
	Role               access.Role
	PasswordHash       string
	Disabled           bool
	MustChangePassword bool
	PasswordChangedAt  time.Time
	FailedLogins       int
	LockedUntil        *time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int64
	TOTPSecret         string `gorm:"column:totp_secret"`
	TOTPPending        string `gorm:"column:totp_pending"`
	TOTPEnabled        bool   `gorm:"column:totp_enabled"`
	TOTPLastStep       int64  `gorm:"column:totp_last_step"`
	LastFailedAt       *time.Time

	Grant access.Grant `gorm:"-"`
}

type userGrant struct {
	UserID int64 `gorm:"primaryKey"`
	Kind   string
	Code   string
}

func (userGrant) TableName() string { return "user_grants" }

const (
	grantVillage    = "village"
	grantStreet     = "street"
	grantTeam       = "team"
	grantDepartment = "department"
)

func grantRows(userID int64, g access.Grant) []userGrant {
	var rows []userGrant
	for _, v := range g.Villages {
		rows = append(rows, userGrant{userID, grantVillage, v})
	}
	if g.Street != "" {
		rows = append(rows, userGrant{userID, grantStreet, g.Street})
	}
	if g.Team != "" {
		rows = append(rows, userGrant{userID, grantTeam, g.Team})
	}
	if g.Department != "" {
		rows = append(rows, userGrant{userID, grantDepartment, g.Department})
	}
	return rows
}

func (s *Store) loadGrants(ctx context.Context, users []*User) error {
	if len(users) == 0 {
		return nil
	}
	ids := make([]int64, len(users))
	byID := map[int64]*User{}
	for i, u := range users {
		ids[i] = u.ID
		byID[u.ID] = u
		u.Grant = access.Grant{}
	}
	var rows []userGrant
	if err := s.conn(ctx).Where("user_id IN ?", ids).Order("user_id, kind, code").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		g := &byID[r.UserID].Grant
		switch r.Kind {
		case grantVillage:
			g.Villages = append(g.Villages, r.Code)
		case grantStreet:
			g.Street = r.Code
		case grantTeam:
			g.Team = r.Code
		case grantDepartment:
			g.Department = r.Code
		}
	}
	return nil
}

// omitOnCreate: a new account is inserted without its grants (user_grants)
// and without TOTP values, which SetTOTP alone writes, sealed.
var omitOnCreate = []string{"Grant", "TOTPSecret", "TOTPPending"}

// CreateUser inserts an account with its grants. A taken username is a
// username_taken error.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		u.Version = 1
		if err := s.conn(ctx).Omit(omitOnCreate...).Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) || isDuplicate(err) {
				return apperr.New(apperr.UsernameTaken, "用户名已被使用")
			}
			return err
		}
		if rows := grantRows(u.ID, u.Grant); len(rows) > 0 {
			return s.conn(ctx).Create(&rows).Error
		}
		return nil
	})
}

// CreateUsers inserts many accounts at once (demo seeding).
func (s *Store) CreateUsers(ctx context.Context, users []*User) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		for _, u := range users {
			u.Version = 1
		}
		if err := s.conn(ctx).Omit(omitOnCreate...).CreateInBatches(users, 200).Error; err != nil {
			return err
		}
		var rows []userGrant
		for _, u := range users {
			rows = append(rows, grantRows(u.ID, u.Grant)...)
		}
		if len(rows) == 0 {
			return nil
		}
		return s.conn(ctx).CreateInBatches(rows, 500).Error
	})
}

// UserByID reads one account with its grants.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.conn(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, "账号")
	}
	if err := s.openTOTP(&u); err != nil {
		return nil, err
	}
	return &u, s.loadGrants(ctx, []*User{&u})
}

// UserByUsername reads one account by name; not_found when absent.
func (s *Store) UserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	if err := s.conn(ctx).Where("username = ?", username).First(&u).Error; err != nil {
		return nil, notFound(err, "账号")
	}
	if err := s.openTOTP(&u); err != nil {
		return nil, err
	}
	return &u, s.loadGrants(ctx, []*User{&u})
}

// UserFilter selects accounts for the admin's list.
type UserFilter struct {
	Query    string // part of username or display name
	Role     access.Role
	Page     int
	PageSize int
}

// Users lists accounts, ordered by username.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]*User, int64, error) {
	q := s.conn(ctx).Model(&User{})
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("username LIKE ? ESCAPE '!' OR display_name LIKE ? ESCAPE '!'", like, like)
	}
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var users []*User
	err := q.Order("username, id").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&users).Error
	if err != nil {
		return nil, 0, err
	}
	for _, u := range users {
		if err := s.openTOTP(u); err != nil {
			return nil, 0, err
		}
	}
	return users, total, s.loadGrants(ctx, users)
}

// UpdateUser writes the changed account fields and, when grants is true, its
// grants; it refuses a stale version.
func (s *Store) UpdateUser(ctx context.Context, u *User, grants bool) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&User{}).Where("id = ? AND version = ?", u.ID, u.Version).Updates(map[string]any{
			"display_name":         u.DisplayName,
			"role":                 u.Role,
			"password_hash":        u.PasswordHash,
			"disabled":             u.Disabled,
			"must_change_password": u.MustChangePassword,
			"password_changed_at":  u.PasswordChangedAt,
			"version":              u.Version + 1,
			"updated_at":           time.Now().UTC(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.New(apperr.VersionConflict, "账号已被他人修改，请刷新后重试")
		}
		u.Version++
		if !grants {
			return nil
		}
		if err := s.conn(ctx).Where("user_id = ?", u.ID).Delete(&userGrant{}).Error; err != nil {
			return err
		}
		if rows := grantRows(u.ID, u.Grant); len(rows) > 0 {
			return s.conn(ctx).Create(&rows).Error
		}
		return nil
	})
}

// RecordLogin notes a successful sign-in and clears the failure count.
func (s *Store) RecordLogin(ctx context.Context, userID int64, at time.Time) error {
	return s.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"last_login_at": at, "failed_logins": 0, "locked_until": nil}).Error
}

// RecordFailedLogin counts a failure; failures older than window no longer
// count (five in 15 minutes lock, not five in a month). It returns the count.
func (s *Store) RecordFailedLogin(ctx context.Context, userID int64, at time.Time, window time.Duration) (int, error) {
	db := s.conn(ctx)
	if err := db.Model(&User{}).Where("id = ? AND (last_failed_at IS NULL OR last_failed_at < ?)", userID, at.Add(-window)).
		Update("failed_logins", 0).Error; err != nil {
		return 0, err
	}
	if err := db.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"failed_logins": gorm.Expr("failed_logins + 1"), "last_failed_at": at}).Error; err != nil {
		return 0, err
	}
	var n int
	err := db.Model(&User{}).Where("id = ?", userID).Select("failed_logins").Scan(&n).Error
	return n, err
}

// CountUsers counts every account (an empty database has none).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	return n, s.conn(ctx).Model(&User{}).Count(&n).Error
}

func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// isDuplicate recognises unique-key violations on drivers whose errors GORM
// does not translate.
func isDuplicate(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "Duplicate entry")
}

// LockUser locks an account until a time and resets the failure count.
func (s *Store) LockUser(ctx context.Context, userID int64, until time.Time) error {
	return s.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"locked_until": until, "failed_logins": 0}).Error
}

// UnlockUser lifts a lock and clears the failure count.
func (s *Store) UnlockUser(ctx context.Context, userID int64) error {
	return s.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"locked_until": nil, "failed_logins": 0}).Error
}

// CountLockedUsers counts accounts locked at a time.
func (s *Store) CountLockedUsers(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	return n, s.conn(ctx).Model(&User{}).Where("locked_until > ?", now).Count(&n).Error
}
