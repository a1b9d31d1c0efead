package service

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// Accounts is account administration (admin) and one's own password.
type Accounts struct {
	store       *store.Store
	hasher      auth.Hasher
	audit       *AuditLog
	regions     *Regions
	departments *Departments
	now         func() time.Time
}

// NewAccounts builds the accounts service.
func NewAccounts(st *store.Store, h auth.Hasher, a *AuditLog, r *Regions, d *Departments, now func() time.Time) *Accounts {
	return &Accounts{store: st, hasher: h, audit: a, regions: r, departments: d, now: now}
}

// Account is an account as the admin sees it: never the hash.
type Account struct {
	ID                 int64
	Username           string
	DisplayName        string
	Role               access.Role
	Grant              access.Grant
	Scope              access.Scope
	Disabled           bool
	Locked             bool
	MustChangePassword bool
	CreatedAt          time.Time
	LastLoginAt        *time.Time
	Version            int64
}

func (a *Accounts) view(ctx context.Context, u *store.User) (Account, error) {
	sc, err := a.regions.Scope(ctx, u.Role, u.Grant)
	if err != nil {
		return Account{}, err
	}
	return Account{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Grant: u.Grant, Scope: sc,
		Disabled: u.Disabled, Locked: u.LockedUntil != nil && u.LockedUntil.After(a.now()),
		MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt, Version: u.Version}, nil
}

// Me describes the caller.
func (a *Accounts) Me(ctx context.Context, actor access.Actor) (Account, error) {
	u, err := a.store.UserByID(ctx, actor.UserID)
	if err != nil {
		return Account{}, err
	}
	return a.view(ctx, u)
}

// List pages through accounts.
func (a *Accounts) List(ctx context.Context, actor access.Actor, q string, role access.Role, page, size int) ([]Account, int64, error) {
	if role != "" && !role.Valid() {
		return nil, 0, apperr.Invalid(apperr.Detail{Field: "role", Message: "未知角色"})
	}
	users, total, err := a.store.Users(ctx, store.UserFilter{Query: q, Role: role, Page: page, PageSize: size})
	if err != nil {
		return nil, 0, apperr.Wrap(err, "list users")
	}
	out := make([]Account, len(users))
	for i, u := range users {
		if out[i], err = a.view(ctx, u); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// NewAccount is what the admin fills in.
type NewAccount struct {
	Username    string
	DisplayName string
	Role        access.Role
	Grant       access.Grant
	Password    string
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$`)

// validGrant checks that a grant fits the role and names regions and
// departments that exist.
func (a *Accounts) validGrant(ctx context.Context, role access.Role, g access.Grant) []apperr.Detail {
	if field, msg := access.GrantProblem(role, g); field != "" {
		return []apperr.Detail{{Field: field, Message: msg}}
	}
	tree, err := a.regions.Tree(ctx)
	if err != nil {
		return []apperr.Detail{{Field: "scope", Message: "无法读取区划"}}
	}
	var ds []apperr.Detail
	for _, v := range g.Villages {
		if !slices.ContainsFunc(tree.Villages, func(x store.Village) bool { return x.Code == v }) {
			ds = append(ds, apperr.Detail{Field: "scope.villages", Message: "行政村代码不存在：" + v})
		}
	}
	if g.Street != "" && !slices.ContainsFunc(tree.Streets, func(x store.Street) bool { return x.Code == g.Street }) {
		ds = append(ds, apperr.Detail{Field: "scope.streets", Message: "街道代码不存在：" + g.Street})
	}
	if g.Team != "" && !slices.ContainsFunc(tree.Teams, func(x store.CheckTeam) bool { return x.Code == g.Team }) {
		ds = append(ds, apperr.Detail{Field: "scope.team", Message: "核查组不存在：" + g.Team})
	}
	if g.Department != "" {
		if ok, _ := a.departments.Exists(ctx, g.Department); !ok {
			ds = append(ds, apperr.Detail{Field: "scope.department", Message: "部门代码不存在：" + g.Department})
		}
	}
	return ds
}

// Create opens an account. The new user must change the password at first
// sign-in.
func (a *Accounts) Create(ctx context.Context, actor access.Actor, in NewAccount) (Account, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	var ds []apperr.Detail
	if !usernamePattern.MatchString(in.Username) {
		ds = append(ds, apperr.Detail{Field: "username", Message: "用户名为3至64位字母、数字、点、下划线或连字符，以字母或数字开头"})
	}
	if n := len([]rune(in.DisplayName)); n == 0 || n > 64 {
		ds = append(ds, apperr.Detail{Field: "display_name", Message: "请填写姓名（不超过64个字）"})
	}
	if !in.Role.Valid() {
		ds = append(ds, apperr.Detail{Field: "role", Message: "请选择角色"})
	} else {
		ds = append(ds, a.validGrant(ctx, in.Role, in.Grant)...)
	}
	if p := auth.PasswordProblem(in.Username, in.Password); p != "" {
		ds = append(ds, apperr.Detail{Field: "password", Message: p})
	}
	if len(ds) > 0 {
		return Account{}, apperr.Invalid(ds...)
	}
	hash, err := a.hasher.Hash(in.Password)
	if err != nil {
		return Account{}, apperr.Wrap(err, "hash password")
	}
	now := a.now().UTC()
	u := &store.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, PasswordHash: hash,
		MustChangePassword: true, PasswordChangedAt: now, Grant: in.Grant}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateUser(ctx, u); err != nil {
			return err
		}
		return a.audit.Record(ctx, actor, Entry{Action: "user.create", ObjectType: "user", ObjectID: u.Username,
			Changes: []Change{
				{Field: "display_name", After: u.DisplayName},
				{Field: "role", After: string(u.Role)},
				{Field: "scope", After: grantText(u.Grant)},
			}})
	})
	if err != nil {
		return Account{}, apperr.Wrap(err, "create user")
	}
	return a.view(ctx, u)
}

// AccountChange is a partial update; nil fields stay as they are.
type AccountChange struct {
	DisplayName *string
	Role        *access.Role
	Grant       *access.Grant
	Disabled    *bool
}

// Update changes an account. Disabling it, or changing its role or scope, ends
// its sessions. An admin cannot disable or demote their own account.
func (a *Accounts) Update(ctx context.Context, actor access.Actor, id int64, ch AccountChange) (Account, error) {
	var out Account
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		u, err := a.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		var changes []Change
		var ds []apperr.Detail
		regrant := false
		if ch.DisplayName != nil {
			name := strings.TrimSpace(*ch.DisplayName)
			if n := len([]rune(name)); n == 0 || n > 64 {
				ds = append(ds, apperr.Detail{Field: "display_name", Message: "请填写姓名（不超过64个字）"})
			} else if name != u.DisplayName {
				changes = append(changes, Change{"display_name", u.DisplayName, name})
				u.DisplayName = name
			}
		}
		role, grant := u.Role, u.Grant
		if ch.Role != nil {
			role = *ch.Role
		}
		if ch.Grant != nil {
			grant = *ch.Grant
		}
		if ch.Role != nil || ch.Grant != nil {
			if !role.Valid() {
				ds = append(ds, apperr.Detail{Field: "role", Message: "未知角色"})
			} else {
				ds = append(ds, a.validGrant(ctx, role, grant)...)
			}
			if role != u.Role {
				if u.ID == actor.UserID {
					ds = append(ds, apperr.Detail{Field: "role", Message: "不能更改自己的角色"})
				}
				changes = append(changes, Change{"role", string(u.Role), string(role)})
				regrant = true
			}
			if grantText(grant) != grantText(u.Grant) {
				changes = append(changes, Change{"scope", grantText(u.Grant), grantText(grant)})
				regrant = true
			}
			u.Role, u.Grant = role, grant
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			if u.ID == actor.UserID {
				ds = append(ds, apperr.Detail{Field: "disabled", Message: "不能停用自己的账号"})
			}
			changes = append(changes, Change{"disabled", u.Disabled, *ch.Disabled})
			u.Disabled = *ch.Disabled
		}
		if len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		if len(changes) > 0 {
			if err := a.store.UpdateUser(ctx, u, regrant); err != nil {
				return err
			}
			if u.Disabled || regrant {
				if err := a.store.RevokeUserSessions(ctx, u.ID, "account changed", a.now().UTC()); err != nil {
					return err
				}
			}
			if err := a.audit.Record(ctx, actor, Entry{Action: "user.update", ObjectType: "user", ObjectID: u.Username, Changes: changes}); err != nil {
				return err
			}
		}
		out, err = a.view(ctx, u)
		return err
	})
	return out, apperr.Wrap(err, "update user")
}

// ResetPassword sets a temporary password the user must change, and ends the
// user's sessions.
func (a *Accounts) ResetPassword(ctx context.Context, actor access.Actor, id int64, password string) error {
	return apperr.Wrap(a.store.InTx(ctx, func(ctx context.Context) error {
		u, err := a.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if p := auth.PasswordProblem(u.Username, password); p != "" {
			return apperr.Invalid(apperr.Detail{Field: "password", Message: p})
		}
		if u.PasswordHash, err = a.hasher.Hash(password); err != nil {
			return err
		}
		u.MustChangePassword = true
		u.PasswordChangedAt = a.now().UTC()
		if err := a.store.UpdateUser(ctx, u, false); err != nil {
			return err
		}
		if err := a.store.UnlockUser(ctx, u.ID); err != nil { // a reset also unlocks
			return err
		}
		if err := a.store.RevokeUserSessions(ctx, u.ID, "password reset", a.now().UTC()); err != nil {
			return err
		}
		return a.audit.Record(ctx, actor, Entry{Action: "user.password_reset", ObjectType: "user", ObjectID: u.Username})
	}), "reset password")
}

// passwordHistory is how many recent passwords a change may not reuse,
// the current one included (issue 5).
const passwordHistory = 3

// ChangePassword is the caller changing their own password. Every session
// of the user ends, the current one included.
func (a *Accounts) ChangePassword(ctx context.Context, actor access.Actor, old, next string) error {
	return apperr.Wrap(a.store.InTx(ctx, func(ctx context.Context) error {
		u, err := a.store.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if ok, _ := auth.Verify(u.PasswordHash, old); !ok {
			return apperr.Invalid(apperr.Detail{Field: "old_password", Message: "原密码不正确"})
		}
		if p := auth.PasswordProblem(u.Username, next); p != "" {
			return apperr.Invalid(apperr.Detail{Field: "new_password", Message: p})
		}
		if old == next {
			return apperr.Invalid(apperr.Detail{Field: "new_password", Message: "新密码不能与原密码相同"})
		}
		// History of 3: neither the current password nor the two before it.
		earlier, err := a.store.RecentPasswords(ctx, u.ID, passwordHistory-1)
		if err != nil {
			return err
		}
		for _, h := range earlier {
			if ok, _ := auth.Verify(h, next); ok {
				return apperr.Invalid(apperr.Detail{Field: "new_password", Message: fmt.Sprintf("新密码不能与最近%d次使用过的密码相同", passwordHistory)})
			}
		}
		if err := a.store.AddPasswordHistory(ctx, u.ID, u.PasswordHash, a.now().UTC()); err != nil {
			return err
		}
		if u.PasswordHash, err = a.hasher.Hash(next); err != nil {
			return err
		}
		u.MustChangePassword = false
		u.PasswordChangedAt = a.now().UTC()
		if err := a.store.UpdateUser(ctx, u, false); err != nil {
			return err
		}
		// Every session ends, this one too (issue 5): the user signs in again
		// with the new password, and a stolen session does not outlive it.
		if err := a.store.RevokeUserSessions(ctx, u.ID, "password changed", a.now().UTC()); err != nil {
			return err
		}
		return a.audit.Record(ctx, actor, Entry{Action: "auth.password_change", ObjectType: "user", ObjectID: u.Username})
	}), "change password")
}

// grantText is a stable, readable form of a grant for the audit log.
func grantText(g access.Grant) string {
	var parts []string
	if len(g.Villages) > 0 {
		v := slices.Clone(g.Villages)
		slices.Sort(v)
		parts = append(parts, "villages="+strings.Join(v, ","))
	}
	if g.Street != "" {
		parts = append(parts, "street="+g.Street)
	}
	if g.Team != "" {
		parts = append(parts, "team="+g.Team)
	}
	if g.Department != "" {
		parts = append(parts, "department="+g.Department)
	}
	return strings.Join(parts, ";")
}
