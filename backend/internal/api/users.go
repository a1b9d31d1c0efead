package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
)

// UserDTO is an account as the admin sees it; never its password hash.
type UserDTO struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	Role               string     `json:"role"`
	Scope              ScopeDTO   `json:"scope"`
	Disabled           bool       `json:"disabled"`
	Locked             bool       `json:"locked"`
	MustChangePassword bool       `json:"must_change_password"`
	CreatedAt          time.Time  `json:"created_at"`
	LastLoginAt        *time.Time `json:"last_login_at"`
}

func userDTO(a service.Account) UserDTO {
	return UserDTO{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: string(a.Role),
		Scope: scopeDTO(a.Scope), Disabled: a.Disabled, Locked: a.Locked, MustChangePassword: a.MustChangePassword,
		CreatedAt: a.CreatedAt, LastLoginAt: a.LastLoginAt}
}

// ScopeInput is the scope the admin grants: villages for a village officer,
// one street for a street account, a team or a department; nothing for the
// district-wide and administrative roles.
type ScopeInput struct {
	Villages   []string `json:"villages"`
	Streets    []string `json:"streets"`
	Team       string   `json:"team"`
	Department string   `json:"department"`
}

func (in ScopeInput) grant() (access.Grant, error) {
	g := access.Grant{Villages: in.Villages, Team: in.Team, Department: in.Department}
	switch len(in.Streets) {
	case 0:
	case 1:
		g.Street = in.Streets[0]
	default:
		return g, apperr.Invalid(apperr.Detail{Field: "scope.streets", Message: "街道账号只能指定一个街道"})
	}
	return g, nil
}

// CreateUserRequest opens an account.
type CreateUserRequest struct {
	Username    string     `json:"username" example:"officer-zhang"`
	DisplayName string     `json:"display_name" example:"张丽"`
	Role        string     `json:"role" example:"village_officer"`
	Scope       ScopeInput `json:"scope"`
	Password    string     `json:"password"`
}

// UpdateUserRequest changes an account; absent fields stay.
type UpdateUserRequest struct {
	DisplayName *string     `json:"display_name"`
	Role        *string     `json:"role"`
	Scope       *ScopeInput `json:"scope"`
	Disabled    *bool       `json:"disabled"`
}

// PasswordResetRequest sets a temporary password.
type PasswordResetRequest struct {
	Password string `json:"password"`
}

// listUsers godoc
//
//	@Summary	List accounts (admin)
//	@Tags		users
//	@Produce	json
//	@Security	Bearer
//	@Param		q			query		string	false	"part of username or name"
//	@Param		role		query		string	false	"role"
//	@Param		page		query		int		false	"page, from 1"
//	@Param		page_size	query		int		false	"1 to 100"
//	@Success	200			{object}	Page[UserDTO]
//	@Failure	400			{object}	ErrorBody
//	@Failure	403			{object}	ErrorBody
//	@Router		/users [get]
func (s *Server) listUsers(c *gin.Context) {
	page, size, err := paging(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	accts, total, err := s.Accounts.List(c.Request.Context(), actor(c), c.Query("q"), access.Role(c.Query("role")), page, size)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[UserDTO]{Items: make([]UserDTO, len(accts)), Total: total, Page: page, PageSize: size}
	for i, a := range accts {
		out.Items[i] = userDTO(a)
	}
	c.JSON(http.StatusOK, out)
}

// createUser godoc
//
//	@Summary		Create an account (admin)
//	@Description	The new user must change the password at first sign-in.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		CreateUserRequest	true	"account"
//	@Success		201		{object}	UserDTO
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/users [post]
func (s *Server) createUser(c *gin.Context) {
	var req CreateUserRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	g, err := req.Scope.grant()
	if err != nil {
		fail(c, s.log, err)
		return
	}
	a, err := s.Accounts.Create(c.Request.Context(), actor(c), service.NewAccount{
		Username: req.Username, DisplayName: req.DisplayName, Role: access.Role(req.Role), Grant: g, Password: req.Password})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, userDTO(a))
}

// updateUser godoc
//
//	@Summary		Change an account (admin)
//	@Description	Disabling an account or changing its role or scope ends its sessions at once.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"account id"
//	@Param			body	body		UpdateUserRequest	true	"changes"
//	@Success		200		{object}	UserDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/users/{id} [patch]
func (s *Server) updateUser(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var req UpdateUserRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	ch := service.AccountChange{DisplayName: req.DisplayName, Disabled: req.Disabled}
	if req.Role != nil {
		r := access.Role(*req.Role)
		ch.Role = &r
	}
	if req.Scope != nil {
		g, err := req.Scope.grant()
		if err != nil {
			fail(c, s.log, err)
			return
		}
		ch.Grant = &g
	}
	a, err := s.Accounts.Update(c.Request.Context(), actor(c), id, ch)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, userDTO(a))
}

// resetPassword godoc
//
//	@Summary		Reset an account's password (admin)
//	@Description	Sets a temporary password that must be changed at next sign-in; unlocks the account and ends its sessions.
//	@Tags			users
//	@Accept			json
//	@Security		Bearer
//	@Param			id		path	int						true	"account id"
//	@Param			body	body	PasswordResetRequest	true	"temporary password"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		422	{object}	ErrorBody
//	@Router			/users/{id}/password-reset [post]
func (s *Server) resetPassword(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var req PasswordResetRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Accounts.ResetPassword(c.Request.Context(), actor(c), id, req.Password); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}
