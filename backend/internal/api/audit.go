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
	// Seq is the record's place in the hash chain, Hash its keyed hash,
	// PrevHash the hash of the record before (0 and "" for a record
	// outside the chain, which verification reports).
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

func (s *Server) auditDTO(it service.AuditItem) AuditEventDTO {
	d := AuditEventDTO{ID: it.ID, Time: it.At.In(s.opt.Loc), Username: it.Username, Role: it.Role, Action: it.Action,
		ObjectType: it.ObjectType, ObjectID: it.ObjectID, Changes: []AuditChangeDTO{}, Result: it.Result,
		Reason: it.Reason, RequestID: it.RequestID, ClientIP: it.ClientIP, Seq: it.Seq, PrevHash: it.PrevHash, Hash: it.Hash}
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

// AuditVerifyDTO is the result of walking the audit log's hash chain.
type AuditVerifyDTO struct {
	OK        bool      `json:"ok"`
	Records   int64     `json:"records"`    // chained records checked
	FirstSeq  int64     `json:"first_seq"`  // 0 when none
	LastSeq   int64     `json:"last_seq"`   // the last one checked
	HeadSeq   int64     `json:"head_seq"`   // what the chain's head names
	HeadHash  string    `json:"head_hash"`  // note it down: a later verify must reach it
	AnchorSeq int64     `json:"anchor_seq"` // the last record purged by age, 0 = none
	Anchors   int       `json:"anchors"`    // purges so far
	BrokenSeq int64     `json:"broken_seq"` // the first broken seq when not ok
	Problem   string    `json:"problem" enums:"altered,unlinked,missing,missing_newest,beyond_head,unchained,before_anchor,anchor_forged,head_mismatch,not_chained"`
	Detail    string    `json:"detail"`
	CheckedAt time.Time `json:"checked_at"`
}

// verifyAudit godoc
//
//	@Summary		Verify the audit log's hash chain (auditor)
//	@Description	Walks the chain by sequence number and reports the first edited, inserted or removed record. The check itself is recorded (audit.verify).
//	@Tags			audit
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	AuditVerifyDTO
//	@Router			/audit-events/verify [get]
func (s *Server) verifyAudit(c *gin.Context) {
	r, err := s.Audit.Verify(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, AuditVerifyDTO{OK: r.OK, Records: r.Records, FirstSeq: r.FirstSeq, LastSeq: r.LastSeq,
		HeadSeq: r.HeadSeq, HeadHash: r.HeadHash, AnchorSeq: r.AnchorSeq, Anchors: r.Anchors, BrokenSeq: r.BrokenSeq,
		Problem: r.Problem, Detail: r.Detail, CheckedAt: r.CheckedAt.In(s.opt.Loc)})
}
