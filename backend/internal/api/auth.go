package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

const refreshCookie = "jz_refresh"

// LoginRequest is the sign-in form.
type LoginRequest struct {
	Username string `json:"username" example:"district"`
	Password string `json:"password" example:"Jingzhun@2017"`
}

// TokenResponse carries a new access token; the refresh token travels in an
// HttpOnly cookie only.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer"`
	ExpiresIn   int    `json:"expires_in" example:"900"`
}

// MFARequiredResponse answers a right password of an account with a second
// factor: the code is due at POST /auth/mfa with this token (valid minutes).
type MFARequiredResponse struct {
	MFARequired bool   `json:"mfa_required" example:"true"`
	MFAToken    string `json:"mfa_token"`
}

// MFARequest completes a sign-in with the authenticator's code.
type MFARequest struct {
	MFAToken string `json:"mfa_token"`
	Code     string `json:"code" example:"287082"`
}

// MFASetupResponse is what an authenticator app needs: the otpauth URL (shown
// as a QR code) and the secret for typing in.
type MFASetupResponse struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// MFAEnableRequest confirms enrolment with a code.
type MFAEnableRequest struct {
	Code string `json:"code"`
}

// PasswordChangeRequest changes one's own password.
type PasswordChangeRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) setRefreshCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: refreshCookie, Value: token, Path: "/api/v1/auth", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.opt.SecureCookie || c.Request.TLS != nil,
	})
}

// login godoc
//
//	@Summary		Sign in
//	@Description	Checks the password and opens a session; for an account with a second factor the answer is instead {"mfa_required": true, "mfa_token"} and POST /auth/mfa completes the sign-in. Unknown user, wrong password and locked account get the same 401. Limited per client IP (429 with Retry-After). The refresh token is set as an HttpOnly, SameSite=Strict cookie.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		429		{object}	ErrorBody
//	@Router			/auth/login [post]
func (s *Server) login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	t, err := s.sessions.Login(c.Request.Context(), s.client(c), req.Username, req.Password)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	if t.MFAToken != "" {
		c.JSON(http.StatusOK, MFARequiredResponse{MFARequired: true, MFAToken: t.MFAToken})
		return
	}
	s.setRefreshCookie(c, t.RefreshToken, int(s.opt.RefreshTTL.Seconds()))
	c.JSON(http.StatusOK, TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn})
}

// refresh godoc
//
//	@Summary		Refresh the access token
//	@Description	Takes the refresh cookie, rotates it and returns a new access token. A refresh token used twice revokes its whole session.
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	TokenResponse
//	@Failure		401	{object}	ErrorBody
//	@Router			/auth/refresh [post]
func (s *Server) refresh(c *gin.Context) {
	cookie, _ := c.Cookie(refreshCookie)
	t, err := s.sessions.Refresh(c.Request.Context(), s.client(c), cookie)
	if err != nil {
		s.setRefreshCookie(c, "", -1)
		fail(c, s.log, err)
		return
	}
	s.setRefreshCookie(c, t.RefreshToken, int(s.opt.RefreshTTL.Seconds()))
	c.JSON(http.StatusOK, TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn})
}

// logout godoc
//
//	@Summary		Sign out
//	@Description	Revokes the session of the refresh cookie (or of the bearer token) and clears the cookie.
//	@Tags			auth
//	@Success		204
//	@Router			/auth/logout [post]
func (s *Server) logout(c *gin.Context) {
	cookie, _ := c.Cookie(refreshCookie)
	if err := s.sessions.Logout(c.Request.Context(), s.client(c), cookie, bearer(c)); err != nil {
		fail(c, s.log, err)
		return
	}
	s.setRefreshCookie(c, "", -1)
	c.Header("Clear-Site-Data", `"cache", "storage"`)
	c.Status(http.StatusNoContent)
}

// changePassword godoc
//
//	@Summary		Change one's own password
//	@Description	The only call allowed while a password change is required. Every session of the user ends, this one included: sign in again with the new password.
//	@Tags			auth
//	@Accept			json
//	@Security		Bearer
//	@Param			body	body	PasswordChangeRequest	true	"old and new password"
//	@Success		204
//	@Failure		401	{object}	ErrorBody
//	@Failure		422	{object}	ErrorBody
//	@Router			/auth/password [post]
func (s *Server) changePassword(c *gin.Context) {
	var req PasswordChangeRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Accounts.ChangePassword(c.Request.Context(), actor(c), req.OldPassword, req.NewPassword); err != nil {
		fail(c, s.log, err)
		return
	}
	s.setRefreshCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}

// completeMFA godoc
//
//	@Summary		Complete a sign-in with the second factor
//	@Description	The TOTP code of the account whose password was checked. A code is accepted once; wrong codes count towards the account lock; after 5 the sign-in starts over. Limited per client IP like login.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		MFARequest	true	"token from login and the 6-digit code"
//	@Success		200		{object}	TokenResponse
//	@Failure		401		{object}	ErrorBody
//	@Failure		429		{object}	ErrorBody
//	@Router			/auth/mfa [post]
func (s *Server) completeMFA(c *gin.Context) {
	var req MFARequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	t, err := s.sessions.CompleteMFA(c.Request.Context(), s.client(c), req.MFAToken, req.Code)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	s.setRefreshCookie(c, t.RefreshToken, int(s.opt.RefreshTTL.Seconds()))
	c.JSON(http.StatusOK, TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn})
}

// setupMFA godoc
//
//	@Summary		Start enrolling an authenticator app
//	@Description	A new secret, pending until POST /auth/mfa/enable confirms it with a code. Allowed while enrolment is required.
//	@Tags			auth
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	MFASetupResponse
//	@Router			/auth/mfa/setup [post]
func (s *Server) setupMFA(c *gin.Context) {
	m, err := s.sessions.SetupMFA(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, MFASetupResponse{Secret: m.Secret, OTPAuthURL: m.URL})
}

// enableMFA godoc
//
//	@Summary		Confirm the authenticator with a code
//	@Tags			auth
//	@Accept			json
//	@Security		Bearer
//	@Param			body	body	MFAEnableRequest	true	"the 6-digit code the app shows"
//	@Success		204
//	@Failure		422	{object}	ErrorBody
//	@Router			/auth/mfa/enable [post]
func (s *Server) enableMFA(c *gin.Context) {
	var req MFAEnableRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.sessions.EnableMFA(c.Request.Context(), actor(c), req.Code); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// resetMFA godoc
//
//	@Summary		Remove a user's second factor (security administrator)
//	@Description	For a lost phone. The user's sessions end; a role that requires a second factor enrols again.
//	@Tags			users
//	@Security		Bearer
//	@Param			id	path	int	true	"user id"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Router			/users/{id}/mfa-reset [post]
func (s *Server) resetMFA(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.sessions.ResetMFA(c.Request.Context(), actor(c), id); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}
