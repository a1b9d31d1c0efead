// Package service holds the use cases. Each method loads through the store
// with the caller's scope, decides with the pure packages, writes in one
// transaction, and writes its audit record in that same transaction.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/idcard"
	"jingzhun/internal/store"
)

// Audit results.
const (
	ResultOK     = "ok"
	ResultDenied = "denied"
	ResultFailed = "failed"
)

// Change is one changed field in an audit record.
type Change struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// Entry is what a service tells the audit log.
type Entry struct {
	Action     string // e.g. user.create, auth.login, access.denied
	ObjectType string
	ObjectID   string
	Changes    []Change
	Result     string // ok (default), denied, failed
	Reason     string
}

// AuditLog writes and reads the audit log.
type AuditLog struct {
	store *store.Store
	now   func() time.Time
	loc   *time.Location
}

// NewAuditLog builds the audit service.
func NewAuditLog(st *store.Store, now func() time.Time, loc *time.Location) *AuditLog {
	return &AuditLog{store: st, now: now, loc: loc}
}

// Record appends an event for actor. Called inside the service's transaction
// (ctx), it commits or rolls back with the change it records. Identifiers in
// the changes are masked here, whatever the caller passed.
func (a *AuditLog) Record(ctx context.Context, actor access.Actor, e Entry) error {
	for i := range e.Changes {
		e.Changes[i].Before = maskPersonal(e.Changes[i].Field, e.Changes[i].Before)
		e.Changes[i].After = maskPersonal(e.Changes[i].Field, e.Changes[i].After)
	}
	changes := "[]"
	if len(e.Changes) > 0 {
		b, err := json.Marshal(e.Changes)
		if err != nil {
			return err
		}
		changes = string(b)
	}
	if e.Result == "" {
		e.Result = ResultOK
	}
	ev := &store.AuditEvent{
		At: a.now().UTC(), Username: actor.Username, Role: string(actor.Role),
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		Changes: changes, Result: e.Result, Reason: truncate(e.Reason, 500),
		RequestID: actor.RequestID, ClientIP: actor.ClientIP,
	}
	if actor.UserID != 0 {
		id := actor.UserID
		ev.UserID = &id
	}
	return a.store.AppendAudit(ctx, ev)
}

// maskPersonal masks ID numbers, phone numbers and health data by field
// name, so that the audit log never holds them in clear.
func maskPersonal(field string, v any) any {
	s, ok := v.(string)
	if !ok || s == "" {
		return v
	}
	f := strings.ToLower(field)
	switch {
	case strings.Contains(f, "id_number"):
		return idcard.Mask(s)
	case strings.Contains(f, "phone"):
		return idcard.MaskPhone(s)
	case strings.Contains(f, "disability_cert"): // 残疾证号 begins with the ID number
		return idcard.Mask(s)
	case strings.Contains(f, "health") || strings.Contains(f, "disease") || strings.Contains(f, "disability_category"):
		// Health data is sealed at rest; the audit log says that it changed, not what it is.
		return "***"
	}
	return v
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// AuditQuery is the auditor's filter. Dates are local (Asia/Shanghai) days,
// both inclusive.
type AuditQuery struct {
	From, To string // YYYY-MM-DD, optional
	Username string
	Action   string
	Result   string
	Page     int
	PageSize int
}

// AuditItem is one event as the API shows it.
type AuditItem struct {
	ID         int64
	At         time.Time
	Username   string
	Role       string
	Action     string
	ObjectType string
	ObjectID   string
	Changes    []Change
	Result     string
	Reason     string
	RequestID  string
	ClientIP   string
	Seq        int64 // place in the chain; 0 for a record not chained (verification reports it)
	PrevHash   string
	Hash       string
}

func (a *AuditLog) filter(q AuditQuery) (store.AuditFilter, error) {
	f := store.AuditFilter{Username: q.Username, Action: q.Action, Result: q.Result, Page: q.Page, PageSize: q.PageSize}
	var details []apperr.Detail
	if q.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, q.From, a.loc)
		if err != nil {
			details = append(details, apperr.Detail{Field: "from", Message: "日期格式应为 YYYY-MM-DD"})
		}
		f.From = d
	}
	if q.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, q.To, a.loc)
		if err != nil {
			details = append(details, apperr.Detail{Field: "to", Message: "日期格式应为 YYYY-MM-DD"})
		}
		f.To = d.AddDate(0, 0, 1)
	}
	switch q.Result {
	case "", ResultOK, ResultDenied, ResultFailed:
	default:
		details = append(details, apperr.Detail{Field: "result", Message: "结果只能是 ok、denied 或 failed"})
	}
	if len(details) > 0 {
		return f, apperr.Invalid(details...)
	}
	return f, nil
}

func toAuditItem(e store.AuditEvent) AuditItem {
	var ch []Change
	_ = json.Unmarshal([]byte(e.Changes), &ch)
	it := AuditItem{ID: e.ID, At: e.At, Username: e.Username, Role: e.Role, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Changes: ch, Result: e.Result, Reason: e.Reason,
		RequestID: e.RequestID, ClientIP: e.ClientIP, PrevHash: e.PrevHash, Hash: e.Hash}
	if e.Seq != nil {
		it.Seq = *e.Seq
	}
	return it
}

// List pages through the log for the auditor.
func (a *AuditLog) List(ctx context.Context, actor access.Actor, q AuditQuery) ([]AuditItem, int64, error) {
	f, err := a.filter(q)
	if err != nil {
		return nil, 0, err
	}
	es, total, err := a.store.AuditEvents(ctx, f)
	if err != nil {
		return nil, 0, apperr.Wrap(err, "list audit events")
	}
	items := make([]AuditItem, len(es))
	for i, e := range es {
		items[i] = toAuditItem(e)
	}
	return items, total, nil
}

// Export writes every matching event as an XLSX workbook, streaming rows, and
// records the export itself in the log.
func (a *AuditLog) Export(ctx context.Context, actor access.Actor, q AuditQuery, w io.Writer) error {
	f, err := a.filter(q)
	if err != nil {
		return err
	}
	if err := a.Record(ctx, actor, Entry{Action: "audit.export", ObjectType: "audit_log",
		Reason: fmt.Sprintf("from=%s to=%s user=%s action=%s result=%s", q.From, q.To, q.Username, q.Action, q.Result)}); err != nil {
		return apperr.Wrap(err, "audit export record")
	}
	// The chain columns let the workbook be checked against the log later
	// (each record's prev_hash is the hash of the record with seq-1).
	header := []any{"时间", "用户", "角色", "操作", "对象类型", "对象", "变更", "结果", "原因", "请求ID", "客户端IP", "序号", "前一哈希", "哈希"}
	widths := []colWidth{{1, 1, 20}, {7, 7, 60}, {13, 14, 66}}
	return writeXLSX(w, "审计日志", header, widths, func(add func(...any) error) error {
		return apperr.Wrap(a.store.EachAuditEvent(ctx, f, func(e store.AuditEvent) error {
			it := toAuditItem(e)
			var parts []string
			for _, c := range it.Changes {
				parts = append(parts, fmt.Sprintf("%s: %v → %v", c.Field, c.Before, c.After))
			}
			return add(it.At.In(a.loc).Format(time.DateTime), it.Username, roleLabel(it.Role), it.Action, it.ObjectType,
				it.ObjectID, strings.Join(parts, "；"), it.Result, it.Reason, it.RequestID, it.ClientIP, it.Seq, it.PrevHash, it.Hash)
		}), "audit export")
	})
}

func roleLabel(r string) string {
	if l := access.Role(r).Chinese(); l != "" {
		return l
	}
	return r
}

// MinAuditRetention is the shortest retention of the audit log: six months
// (网络安全法 第二十一条; MLPS 8.1.4.3 c). config refuses less too.
const MinAuditRetention = 180 * 24 * time.Hour

// AuditVerifyResult is the outcome of walking the chain.
type AuditVerifyResult struct {
	OK        bool
	Records   int64 // chained records checked
	FirstSeq  int64
	LastSeq   int64
	HeadSeq   int64
	HeadHash  string
	AnchorSeq int64 // the last purged record, 0 = never purged
	Anchors   int
	BrokenSeq int64  // the first broken seq, when not OK
	Problem   string // store.Audit* code, when not OK
	Detail    string
	CheckedAt time.Time
}

// Check walks the chain and reports the first break; it writes nothing, so
// `jingzhun audit verify` runs with a read-only account.
func (a *AuditLog) Check(ctx context.Context) (AuditVerifyResult, error) {
	v, err := a.store.VerifyAuditChain(ctx)
	if err != nil {
		return AuditVerifyResult{}, apperr.Wrap(err, "verify audit chain")
	}
	r := AuditVerifyResult{OK: v.Break == nil, Records: v.Records, FirstSeq: v.FirstSeq, LastSeq: v.LastSeq,
		HeadSeq: v.HeadSeq, HeadHash: v.HeadHash, AnchorSeq: v.AnchorSeq, Anchors: v.Anchors, CheckedAt: a.now().UTC()}
	if v.Break != nil {
		r.BrokenSeq, r.Problem, r.Detail = v.Break.Seq, v.Break.Problem, v.Break.Detail
	}
	return r, nil
}

// Verify is Check for the auditor, and records that it was done and what it
// found (after the walk, so the record is not part of what it checked).
func (a *AuditLog) Verify(ctx context.Context, actor access.Actor) (AuditVerifyResult, error) {
	r, err := a.Check(ctx)
	if err != nil {
		return r, err
	}
	e := Entry{Action: "audit.verify", ObjectType: "audit_log", ObjectID: fmt.Sprint(r.HeadSeq),
		Reason: fmt.Sprintf("%d records, seq %d–%d", r.Records, r.FirstSeq, r.LastSeq)}
	if !r.OK {
		e.Result, e.ObjectID, e.Reason = ResultFailed, fmt.Sprint(r.BrokenSeq), r.Problem+": "+r.Detail
	}
	if err := a.Record(ctx, actor, e); err != nil {
		return r, apperr.Wrap(err, "audit verify record")
	}
	return r, nil
}

// AuditPurgeResult is what a purge removed.
type AuditPurgeResult struct {
	Removed   int64
	Cutoff    time.Time
	AnchorSeq int64 // the last record removed (0: nothing was old enough)
}

// auditPurgeBatch records go per transaction, each with its anchor and its
// own audit.purge record: a first purge of a long log stays within the
// transaction size TiDB allows.
const auditPurgeBatch = 5000

// Purge removes the records older than the retention, by age only, never
// by size, leaving anchors so that the chain still verifies, and records
// each step in the chain. by names who ran it (for the anchors). It refuses
// a retention under MinAuditRetention.
func (a *AuditLog) Purge(ctx context.Context, actor access.Actor, retention time.Duration, by string) (AuditPurgeResult, error) {
	if retention < MinAuditRetention {
		return AuditPurgeResult{}, apperr.Invalid(apperr.Detail{Field: "retention",
			Message: fmt.Sprintf("审计记录至少保存 %d 天", int(MinAuditRetention.Hours()/24))})
	}
	res := AuditPurgeResult{Cutoff: a.now().UTC().Add(-retention)}
	days := int(retention.Hours() / 24)
	for {
		var anc store.AuditAnchor
		err := a.store.InTx(ctx, func(ctx context.Context) error {
			var err error
			if anc, err = a.store.PurgeAuditBefore(ctx, res.Cutoff, by, auditPurgeBatch); err != nil || anc.Count == 0 {
				return err
			}
			return a.Record(ctx, actor, Entry{Action: "audit.purge", ObjectType: "audit_log", ObjectID: fmt.Sprint(anc.Seq),
				Reason: fmt.Sprintf("removed %d records up to seq %d, older than %s (retention %d days), by %s",
					anc.Count, anc.Seq, res.Cutoff.In(a.loc).Format(time.DateTime), days, by)})
		})
		if err != nil {
			return res, apperr.Wrap(err, "audit purge")
		}
		res.Removed += anc.Count
		if anc.Count > 0 {
			res.AnchorSeq = anc.Seq
		}
		if anc.Count < auditPurgeBatch {
			return res, nil
		}
	}
}
