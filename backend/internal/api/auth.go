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
//	@Description	Checks the password and opens a session. Unknown user, wrong password and locked account get the same 401. Limited per client IP (429 with Retry-After). The refresh token is set as an HttpOnly, SameSite=Strict cookie.
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
//	@Description	The only call allowed while a password change is required. Other sessions of the user end.
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
	c.Status(http.StatusNoContent)
}
