package service

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// SessionPolicy holds the sign-in settings.
type SessionPolicy struct {
	AccessTTL     time.Duration
	RefreshTTL    time.Duration
	Idle          time.Duration
	Limit         time.Duration
	MaxFailures   int // failures within FailureWindow that lock the account
	FailureWindow time.Duration
	LockDuration  time.Duration // how long a lock lasts
	// RequireMFA are the roles that must sign in with a second factor
	// (issue 5: district, admin, security_admin, auditor); empty in demo mode.
	RequireMFA []access.Role
	MFAIssuer  string        // the name authenticator apps show
	MFAWindow  time.Duration // how long a password-checked sign-in waits for its code
	// PasswordMaxAge: a password older than this must be changed before
	// anything else (issue 5: 90 days); 0 = no limit (demo mode).
	PasswordMaxAge time.Duration
}

// Sessions signs users in and out and turns access tokens into actors.
type Sessions struct {
	store   *store.Store
	signer  auth.Signer
	audit   *AuditLog
	regions *Regions
	policy  SessionPolicy
	now     func() time.Time
	log     *slog.Logger
	// dummyHash is verified for unknown users so that they take as long as a
	// wrong password (no user enumeration by timing).
	dummyHash string
}

// NewSessions builds the sessions service.
func NewSessions(st *store.Store, signer auth.Signer, hasher auth.Hasher, audit *AuditLog, rg *Regions,
	p SessionPolicy, now func() time.Time, log *slog.Logger) (*Sessions, error) {
	dummy, err := hasher.Hash("not a password of anybody")
	if err != nil {
		return nil, err
	}
	return &Sessions{store: st, signer: signer, audit: audit, regions: rg, policy: p, now: now, log: log, dummyHash: dummy}, nil
}

// Client is what the service knows of the request it serves.
type Client struct {
	RequestID string
	IP        string
	UserAgent string
}

// Tokens is what a sign-in or refresh hands out.
type Tokens struct {
	// MFAToken, when set, is all a sign-in got: the password was right and
	// the code is due (POST /auth/mfa); nothing else is set.
	MFAToken      string
	AccessToken   string
	ExpiresIn     int // seconds
	RefreshToken  string
	RefreshExpiry time.Time
}

var errBadLogin = apperr.New(apperr.InvalidCredentials, "用户名或密码错误，或账号已被锁定")

// Login checks the password and opens a session. Unknown user, wrong password,
// disabled and locked accounts get one and the same answer.
func (s *Sessions) Login(ctx context.Context, c Client, username, password string) (Tokens, error) {
	now := s.now().UTC()
	anon := access.Actor{Username: truncate(username, 64), RequestID: c.RequestID, ClientIP: c.IP}
	u, err := s.store.UserByUsername(ctx, username)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Tokens{}, apperr.Wrap(err, "login lookup")
	}
	if u == nil {
		_, _ = auth.Verify(s.dummyHash, password)
		s.recordFailure(ctx, anon, "unknown user")
		return Tokens{}, errBadLogin
	}
	anon.UserID, anon.Role = u.ID, u.Role
	ok, err := auth.Verify(u.PasswordHash, password)
	if err != nil {
		return Tokens{}, apperr.Wrap(err, "verify password")
	}
	switch {
	case u.LockedUntil != nil && u.LockedUntil.After(now):
		s.recordFailure(ctx, anon, "locked")
		return Tokens{}, errBadLogin
	case !ok:
		s.failPassword(ctx, anon, u, now)
		return Tokens{}, errBadLogin
	case u.Disabled:
		s.recordFailure(ctx, anon, "disabled")
		return Tokens{}, errBadLogin
	}
	if u.TOTPEnabled {
		return s.challenge(ctx, anon, u, now)
	}
	return s.signIn(ctx, anon, u, c, now)
}

// signIn opens the session of a user whose credentials were all checked.
func (s *Sessions) signIn(ctx context.Context, anon access.Actor, u *store.User, c Client, now time.Time) (Tokens, error) {
	var toks Tokens
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		toks, err = s.open(ctx, u.ID, c, now)
		if err != nil {
			return err
		}
		if err := s.store.RecordLogin(ctx, u.ID, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, anon, Entry{Action: "auth.login", ObjectType: "user", ObjectID: u.Username})
	})
	return toks, apperr.Wrap(err, "login")
}

// failPassword counts a wrong password and locks the account after too many.
func (s *Sessions) failPassword(ctx context.Context, a access.Actor, u *store.User, now time.Time) {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		n, err := s.store.RecordFailedLogin(ctx, u.ID, now, s.policy.FailureWindow)
		if err != nil {
			return err
		}
		reason := "wrong password"
		if n >= s.policy.MaxFailures {
			if err := s.store.LockUser(ctx, u.ID, now.Add(s.policy.LockDuration)); err != nil {
				return err
			}
			reason = "wrong password; account locked"
		}
		return s.audit.Record(ctx, a, Entry{Action: "auth.login", ObjectType: "user", ObjectID: u.Username,
			Result: ResultFailed, Reason: reason})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record failed login", "err", err)
	}
}

func (s *Sessions) recordFailure(ctx context.Context, a access.Actor, reason string) {
	err := s.audit.Record(ctx, a, Entry{Action: "auth.login", ObjectType: "user", ObjectID: a.Username,
		Result: ResultFailed, Reason: reason})
	if err != nil {
		s.log.ErrorContext(ctx, "record failed login", "err", err)
	}
}

// open creates a session and its first refresh token.
func (s *Sessions) open(ctx context.Context, userID int64, c Client, now time.Time) (Tokens, error) {
	sid, err := auth.RandomToken(24)
	if err != nil {
		return Tokens{}, err
	}
	refresh, err := auth.RandomToken(32)
	if err != nil {
		return Tokens{}, err
	}
	sess := &store.Session{ID: sid, UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.policy.Limit), ClientIP: c.IP, UserAgent: truncate(c.UserAgent, 255)}
	rt := &store.RefreshToken{TokenHash: auth.HashToken(refresh), SessionID: sid, UserID: userID,
		CreatedAt: now, ExpiresAt: minTime(now.Add(s.policy.RefreshTTL), sess.ExpiresAt)}
	if err := s.store.CreateSession(ctx, sess, rt); err != nil {
		return Tokens{}, err
	}
	access, _, err := s.signer.Issue(userID, sid)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, ExpiresIn: int(s.policy.AccessTTL.Seconds()), RefreshToken: refresh, RefreshExpiry: rt.ExpiresAt}, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var errBadRefresh = apperr.New(apperr.Unauthorized, "登录已失效，请重新登录")

// Refresh rotates a refresh token. A token used a second time is a sign of
// theft: the whole session (token family) is revoked.
func (s *Sessions) Refresh(ctx context.Context, c Client, token string) (Tokens, error) {
	if token == "" {
		return Tokens{}, errBadRefresh
	}
	now := s.now().UTC()
	var toks Tokens
	var reused *store.RefreshToken
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		rt, err := s.store.RefreshTokenForUpdate(ctx, auth.HashToken(token))
		if err != nil {
			return notFoundOr(err, errBadRefresh, "read refresh token")
		}
		if rt.UsedAt != nil {
			reused = rt
			return errBadRefresh
		}
		if !rt.ExpiresAt.After(now) {
			return errBadRefresh
		}
		sess, err := s.usableSession(ctx, rt.SessionID, now)
		if err != nil {
			return err
		}
		u, err := s.store.UserByID(ctx, rt.UserID)
		if err != nil {
			return notFoundOr(err, errBadRefresh, "read user")
		}
		if u.Disabled {
			return errBadRefresh
		}
		ok, err := s.store.UseRefreshToken(ctx, rt.TokenHash, now)
		if err != nil {
			return err // the database failed: not a reuse, nothing revoked
		}
		if !ok {
			reused = rt
			return errBadRefresh
		}
		next, err := auth.RandomToken(32)
		if err != nil {
			return err
		}
		nrt := &store.RefreshToken{TokenHash: auth.HashToken(next), SessionID: sess.ID, UserID: u.ID,
			CreatedAt: now, ExpiresAt: minTime(now.Add(s.policy.RefreshTTL), sess.ExpiresAt)}
		if err := s.store.AddRefreshToken(ctx, nrt); err != nil {
			return err
		}
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return err
		}
		at, _, err := s.signer.Issue(u.ID, sess.ID)
		if err != nil {
			return err
		}
		toks = Tokens{AccessToken: at, ExpiresIn: int(s.policy.AccessTTL.Seconds()), RefreshToken: next, RefreshExpiry: nrt.ExpiresAt}
		return nil
	})
	if reused != nil {
		s.revokeReused(ctx, c, reused, now)
	}
	return toks, apperr.Wrap(err, "refresh")
}

// revokeReused kills the family of a refresh token presented twice.
func (s *Sessions) revokeReused(ctx context.Context, c Client, rt *store.RefreshToken, now time.Time) {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.RevokeSession(ctx, rt.SessionID, "refresh token reused", now); err != nil {
			return err
		}
		u, err := s.store.UserByID(ctx, rt.UserID)
		if err != nil {
			return err
		}
		a := access.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, RequestID: c.RequestID, ClientIP: c.IP}
		return s.audit.Record(ctx, a, Entry{Action: "auth.refresh_reuse", ObjectType: "session", ObjectID: shortID(rt.SessionID),
			Result: ResultDenied, Reason: "刷新令牌被重复使用，已注销该会话"})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "revoke reused refresh family", "err", err)
	}
}

// usableSession returns the session if it is neither revoked, past its
// absolute limit, nor idle too long.
func (s *Sessions) usableSession(ctx context.Context, id string, now time.Time) (*store.Session, error) {
	sess, err := s.store.SessionByID(ctx, id)
	if err != nil {
		return nil, notFoundOr(err, errBadRefresh, "read session")
	}
	if sess.RevokedAt != nil || !sess.ExpiresAt.After(now) || sess.LastSeenAt.Add(s.policy.Idle).Before(now) {
		return nil, errBadRefresh
	}
	return sess, nil
}

// Logout revokes the session of the refresh token (cookie) or, failing that,
// of the access token's session.
func (s *Sessions) Logout(ctx context.Context, c Client, refreshToken, bearer string) error {
	now := s.now().UTC()
	var sid string
	var userID int64
	if refreshToken != "" {
		if rt, err := s.store.RefreshTokenForUpdate(ctx, auth.HashToken(refreshToken)); err == nil {
			sid, userID = rt.SessionID, rt.UserID
		}
	}
	if sid == "" && bearer != "" {
		if uid, id, err := s.signer.Verify(bearer); err == nil {
			sid, userID = id, uid
		}
	}
	if sid == "" {
		return nil // nothing to end; logging out twice is not an error
	}
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.RevokeSession(ctx, sid, "logout", now); err != nil {
			return err
		}
		u, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		a := access.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, RequestID: c.RequestID, ClientIP: c.IP}
		return s.audit.Record(ctx, a, Entry{Action: "auth.logout", ObjectType: "session", ObjectID: shortID(sid)})
	}), "logout")
}

// Principal is the authenticated caller.
type Principal struct {
	Actor              access.Actor
	MustChangePassword bool
	// MustEnrolMFA: the role requires a second factor the user has not set up.
	MustEnrolMFA bool
	MFAEnabled   bool
}

var errBadAccess = apperr.New(apperr.Unauthorized, "请先登录")

// Authenticate turns a bearer token into the caller, reading role, grants and
// session state from the database every time: a disabled user, a revoked
// session or a moved officer takes effect on the next request.
func (s *Sessions) Authenticate(ctx context.Context, c Client, bearer string) (Principal, error) {
	uid, sid, err := s.signer.Verify(bearer)
	if err != nil {
		return Principal{}, errBadAccess
	}
	now := s.now().UTC()
	sess, err := s.usableSession(ctx, sid, now)
	if err != nil {
		if err == errBadRefresh {
			return Principal{}, errBadAccess
		}
		return Principal{}, err
	}
	// The session must be the subject's own: a token naming one user and
	// another's session is forged (or a key leaked), never issued.
	if sess.UserID != uid {
		return Principal{}, errBadAccess
	}
	u, err := s.store.UserByID(ctx, uid)
	if err != nil {
		return Principal{}, notFoundOr(err, errBadAccess, "read user")
	}
	if u.Disabled {
		return Principal{}, errBadAccess
	}
	scope, err := s.regions.Scope(ctx, u.Role, u.Grant)
	if err != nil {
		return Principal{}, err
	}
	if err := s.store.TouchSession(ctx, sid, now); err != nil {
		s.log.WarnContext(ctx, "touch session", "err", err)
	}
	return Principal{
		Actor: access.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Scope: scope,
			SessionID: sid, RequestID: c.RequestID, ClientIP: c.IP},
		MustChangePassword: u.MustChangePassword || s.passwordExpired(u, now),
		MustEnrolMFA:       !u.TOTPEnabled && slices.Contains(s.policy.RequireMFA, u.Role),
		MFAEnabled:         u.TOTPEnabled,
	}, nil
}

// errBusy is the answer when the database fails while checking a token: the
// token may well be good, so the client must not be told it is not (a 401
// makes the SPA drop the session: a locked SQLite under load signed clerks
// out). 503 says "try again".
var errBusy = apperr.New(apperr.Unavailable, "系统繁忙，请稍后再试")

// notFoundOr maps a missing row to the refusal, and any other failure of the
// store to errBusy, keeping the cause for the log.
func notFoundOr(err error, refusal *apperr.Error, what string) error {
	if apperr.Is(err, apperr.NotFound) {
		return refusal
	}
	return &apperr.Error{Code: errBusy.Code, Message: errBusy.Message, Err: fmt.Errorf("%s: %w", what, err)}
}

// shortID names a session in the audit log without giving away the secret-ish id.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// passwordExpired reports a password past the maximum age.
func (s *Sessions) passwordExpired(u *store.User, now time.Time) bool {
	return s.policy.PasswordMaxAge > 0 && now.Sub(u.PasswordChangedAt) > s.policy.PasswordMaxAge
}
