package service

import (
	"context"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// The TOTP second factor: enrolment by the user, the second step of a
// sign-in, and a reset by the security administrator. A code is accepted
// once (the step is recorded in the same statement that checks it is new);
// wrong codes count as failed sign-ins towards the account lock.

const maxMFAAttempts = 5

var errBadCode = apperr.New(apperr.InvalidCredentials, "验证码错误或已过期，请重新登录")

// challenge answers a right password of a user with a second factor.
func (s *Sessions) challenge(ctx context.Context, anon access.Actor, u *store.User, now time.Time) (Tokens, error) {
	tok, err := auth.RandomToken(32)
	if err != nil {
		return Tokens{}, apperr.Wrap(err, "mfa token")
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateMFAChallenge(ctx, &store.MFAChallenge{TokenHash: auth.HashToken(tok), UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(s.policy.MFAWindow)}); err != nil {
			return err
		}
		return s.audit.Record(ctx, anon, Entry{Action: "auth.password_ok", ObjectType: "user", ObjectID: u.Username, Reason: "second factor due"})
	})
	if err != nil {
		return Tokens{}, apperr.Wrap(err, "mfa challenge")
	}
	return Tokens{MFAToken: tok}, nil
}

// CompleteMFA is the second step of a sign-in: the code of the challenge's user.
func (s *Sessions) CompleteMFA(ctx context.Context, c Client, mfaToken, code string) (Tokens, error) {
	now := s.now().UTC()
	hash := auth.HashToken(mfaToken)
	ch, err := s.store.MFAChallenge(ctx, hash, now)
	if err != nil {
		return Tokens{}, notFoundOr(err, errBadCode, "read mfa challenge")
	}
	u, err := s.store.UserByID(ctx, ch.UserID)
	if err != nil {
		return Tokens{}, notFoundOr(err, errBadCode, "read user")
	}
	anon := access.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, RequestID: c.RequestID, ClientIP: c.IP}
	if u.Disabled || (u.LockedUntil != nil && u.LockedUntil.After(now)) || !u.TOTPEnabled {
		_ = s.store.DeleteMFAChallenge(ctx, hash, now)
		s.recordFailure(ctx, anon, "second factor: account not usable")
		return Tokens{}, errBadCode
	}
	step, ok := auth.VerifyTOTP(u.TOTPSecret, code, now, u.TOTPLastStep)
	if ok {
		ok, err = s.store.AcceptTOTPStep(ctx, u.ID, step)
		if err != nil {
			return Tokens{}, apperr.Wrap(err, "accept code")
		}
	}
	if !ok {
		s.failPassword(ctx, anon, u, now)
		if ch.Attempts+1 >= maxMFAAttempts {
			_ = s.store.DeleteMFAChallenge(ctx, hash, now)
		} else {
			_ = s.store.CountMFAAttempt(ctx, hash)
		}
		return Tokens{}, errBadCode
	}
	if err := s.store.DeleteMFAChallenge(ctx, hash, now); err != nil {
		return Tokens{}, apperr.Wrap(err, "end challenge")
	}
	return s.signIn(ctx, anon, u, c, now)
}

// MFASetup is what an authenticator app needs to enrol.
type MFASetup struct {
	Secret string
	URL    string // otpauth://, shown as a QR code
}

// SetupMFA starts (or restarts) enrolment: a new secret, pending until a
// code from it confirms it. A second factor in use stays in use meanwhile.
func (s *Sessions) SetupMFA(ctx context.Context, a access.Actor) (MFASetup, error) {
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return MFASetup{}, apperr.Wrap(err, "mfa setup")
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return MFASetup{}, apperr.Wrap(err, "mfa secret")
	}
	if err := s.store.SetTOTP(ctx, u.ID, u.TOTPSecret, secret, u.TOTPEnabled, u.TOTPLastStep); err != nil {
		return MFASetup{}, apperr.Wrap(err, "mfa setup")
	}
	return MFASetup{Secret: secret, URL: auth.TOTPURL(s.policy.MFAIssuer, u.Username, secret)}, nil
}

// EnableMFA confirms enrolment with a code from the pending secret.
func (s *Sessions) EnableMFA(ctx context.Context, a access.Actor, code string) error {
	now := s.now().UTC()
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, a.UserID)
		if err != nil {
			return err
		}
		if u.TOTPPending == "" {
			return apperr.Invalid(apperr.Detail{Field: "code", Message: "请先获取二维码，再输入验证码"})
		}
		step, ok := auth.VerifyTOTP(u.TOTPPending, code, now, 0)
		if !ok {
			return apperr.Invalid(apperr.Detail{Field: "code", Message: "验证码不正确：请确认手机时间准确，并输入验证器上当前显示的6位数字"})
		}
		if err := s.store.SetTOTP(ctx, u.ID, u.TOTPPending, "", true, step); err != nil {
			return err
		}
		return s.audit.Record(ctx, a, Entry{Action: "user.mfa_enable", ObjectType: "user", ObjectID: u.Username})
	}), "enable mfa")
}

// ResetMFA removes a user's second factor (a lost phone); the security
// administrator's duty. The user's sessions end; a role that requires a
// second factor enrols again at the next sign-in.
func (s *Sessions) ResetMFA(ctx context.Context, a access.Actor, userID int64) error {
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := s.store.SetTOTP(ctx, u.ID, "", "", false, 0); err != nil {
			return err
		}
		if err := s.store.RevokeUserSessions(ctx, u.ID, "second factor reset", s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, a, Entry{Action: "user.mfa_reset", ObjectType: "user", ObjectID: u.Username})
	}), "reset mfa")
}
