package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/access"
)

// ScopeDTO is where an account works (api-contract.md): every street and
// village it covers, and its department or team.
type ScopeDTO struct {
	Streets    []string `json:"streets"`
	Villages   []string `json:"villages"`
	Department *string  `json:"department"`
	Team       *string  `json:"team"`
}

func scopeDTO(sc access.Scope) ScopeDTO {
	d := ScopeDTO{Streets: sc.Streets, Villages: sc.Villages}
	if d.Streets == nil {
		d.Streets = []string{}
	}
	if d.Villages == nil {
		d.Villages = []string{}
	}
	if sc.Department != "" {
		d.Department = &sc.Department
	}
	if sc.Team != "" {
		d.Team = &sc.Team
	}
	return d
}

// MeResponse describes the caller.
type MeResponse struct {
	Username           string   `json:"username" example:"officer-530103012004"`
	DisplayName        string   `json:"display_name"`
	Role               string   `json:"role" example:"village_officer"`
	Scope              ScopeDTO `json:"scope"`
	MustChangePassword bool     `json:"must_change_password"`
	MFAEnabled         bool     `json:"mfa_enabled"`
	// MFAEnrolmentRequired: the role signs in with a second factor that is
	// not set up yet; every call but /me and the enrolment answers 403.
	MFAEnrolmentRequired bool `json:"mfa_enrolment_required"`
}

// me godoc
//
//	@Summary	The signed-in user, role and scope
//	@Tags		auth
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	MeResponse
//	@Failure	401	{object}	ErrorBody
//	@Router		/me [get]
func (s *Server) me(c *gin.Context) {
	p, _ := principal(c)
	a, err := s.Accounts.Me(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, MeResponse{Username: a.Username, DisplayName: a.DisplayName, Role: string(a.Role),
		Scope: scopeDTO(a.Scope), MustChangePassword: p.MustChangePassword,
		MFAEnabled: p.MFAEnabled, MFAEnrolmentRequired: p.MustEnrolMFA})
}

// WorkItemDTO is one kind of pending work.
type WorkItemDTO struct {
	Key   string `json:"key" example:"locked_accounts"`
	Count int64  `json:"count" example:"2"`
	Route string `json:"route" example:"/admin/users"`
}

// WorkResponse is the caller's pending work (工作台).
type WorkResponse struct {
	Items []WorkItemDTO `json:"items"`
}

// work godoc
//
//	@Summary	The caller's pending work (工作台)
//	@Tags		auth
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	WorkResponse
//	@Router		/work [get]
func (s *Server) work(c *gin.Context) {
	items, err := s.Work.Pending(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := WorkResponse{Items: []WorkItemDTO{}}
	for _, it := range items {
		out.Items = append(out.Items, WorkItemDTO(it))
	}
	c.JSON(http.StatusOK, out)
}
