package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/service"
)

// AuditChangeDTO is one changed field; identifiers are masked.
type AuditChangeDTO struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// AuditEventDTO is one audit record.
type AuditEventDTO struct {
	ID         int64            `json:"id"`
	Time       time.Time        `json:"time"`
	Username   string           `json:"username"`
	Role       string           `json:"role"`
	Action     string           `json:"action" example:"user.update"`
	ObjectType string           `json:"object_type"`
	ObjectID   string           `json:"object_id"`
	Changes    []AuditChangeDTO `json:"changes"`
	Result     string           `json:"result" example:"ok"`
	Reason     string           `json:"reason"`
	RequestID  string           `json:"request_id"`
	ClientIP   string           `json:"client_ip"`
}

func (s *Server) auditDTO(it service.AuditItem) AuditEventDTO {
	d := AuditEventDTO{ID: it.ID, Time: it.At.In(s.opt.Loc), Username: it.Username, Role: it.Role, Action: it.Action,
		ObjectType: it.ObjectType, ObjectID: it.ObjectID, Changes: []AuditChangeDTO{}, Result: it.Result,
		Reason: it.Reason, RequestID: it.RequestID, ClientIP: it.ClientIP}
	for _, ch := range it.Changes {
		d.Changes = append(d.Changes, AuditChangeDTO(ch))
	}
	return d
}

func (s *Server) auditQuery(c *gin.Context) (service.AuditQuery, error) {
	page, size, err := paging(c)
	return service.AuditQuery{From: c.Query("from"), To: c.Query("to"), Username: c.Query("username"),
		Action: c.Query("action"), Result: c.Query("result"), Page: page, PageSize: size}, err
}

// listAudit godoc
//
//	@Summary	Read the audit log (auditor)
//	@Tags		audit
//	@Produce	json
//	@Security	Bearer
//	@Param		from		query		string	false	"first day, YYYY-MM-DD (Asia/Shanghai)"
//	@Param		to			query		string	false	"last day, YYYY-MM-DD (Asia/Shanghai)"
//	@Param		username	query		string	false	"exact username"
//	@Param		action		query		string	false	"action prefix, e.g. auth. or user.update"
//	@Param		result		query		string	false	"ok, denied or failed"
//	@Param		page		query		int		false	"page, from 1"
//	@Param		page_size	query		int		false	"1 to 100"
//	@Success	200			{object}	Page[AuditEventDTO]
//	@Failure	422			{object}	ErrorBody
//	@Router		/audit-events [get]
func (s *Server) listAudit(c *gin.Context) {
	q, err := s.auditQuery(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	items, total, err := s.Audit.List(c.Request.Context(), actor(c), q)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[AuditEventDTO]{Items: make([]AuditEventDTO, len(items)), Total: total, Page: q.Page, PageSize: q.PageSize}
	for i, it := range items {
		out.Items[i] = s.auditDTO(it)
	}
	c.JSON(http.StatusOK, out)
}

// exportAudit godoc
//
//	@Summary	Export the audit log as XLSX (auditor)
//	@Tags		audit
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		from		query	string	false	"first day, YYYY-MM-DD"
//	@Param		to			query	string	false	"last day, YYYY-MM-DD"
//	@Param		username	query	string	false	"exact username"
//	@Param		action		query	string	false	"action prefix"
//	@Param		result		query	string	false	"ok, denied or failed"
//	@Success	200			{file}	file
//	@Failure	422			{object}	ErrorBody
//	@Router		/audit-events/export [get]
func (s *Server) exportAudit(c *gin.Context) {
	q, err := s.auditQuery(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name := fmt.Sprintf("audit-%s.xlsx", time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Audit.Export(c.Request.Context(), actor(c), q, w)
	})
}
