package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// Attachments keeps the files of households and members.
type Attachments struct {
	store *store.Store
	audit *AuditLog
	limit int64
	now   func() time.Time
}

// NewAttachments builds the attachments service; limit is the largest file in bytes.
func NewAttachments(st *store.Store, a *AuditLog, limit int64, now func() time.Time) *Attachments {
	return &Attachments{store: st, audit: a, limit: limit, now: now}
}

// allowedTypes are judged by content, never by the name or the client's word.
var allowedTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// NewFile is an upload.
type NewFile struct {
	HouseholdID int64
	MemberID    *int64
	Kind        string
	FileName    string
	Content     []byte
}

// Add stores an upload after checking its household is in scope, its kind,
// size and real type.
func (s *Attachments) Add(ctx context.Context, actor access.Actor, f NewFile) (*store.Attachment, error) {
	h, err := s.store.Household(ctx, actor.Scope, f.HouseholdID)
	if err != nil {
		return nil, err
	}
	var ds []apperr.Detail
	if !register.Valid("attachment_kind", f.Kind) {
		ds = append(ds, apperr.Detail{Field: "kind", Message: "请选择附件类别"})
	}
	if f.MemberID != nil && !slices.ContainsFunc(h.Members, func(m register.Member) bool { return m.ID == *f.MemberID }) {
		ds = append(ds, apperr.Detail{Field: "member_id", Message: "该成员不属于本户"})
	}
	file, problems, err := checkUpload(f.FileName, f.Content, s.limit)
	if err != nil {
		return nil, err
	}
	if ds = append(ds, problems...); len(ds) > 0 {
		return nil, apperr.Invalid(ds...)
	}
	if file.Name == "" {
		file.Name = register.Label("attachment_kind", f.Kind) + file.Ext
	}
	a := &store.Attachment{HouseholdID: h.ID, MemberID: f.MemberID, Kind: f.Kind, FileName: file.Name,
		ContentType: file.ContentType, Size: int64(len(f.Content)), SHA256: file.SHA256, Content: f.Content,
		CreatedAt: s.now().UTC(), CreatedBy: actor.Username}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.AddAttachment(ctx, a); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "household.attachment_add", ObjectType: "household",
			ObjectID: strconv.FormatInt(h.ID, 10), Changes: []Change{{Field: "attachment", After: a.FileName}}})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "add attachment")
	}
	a.Content = nil
	return a, nil
}

// List lists a household's files.
func (s *Attachments) List(ctx context.Context, actor access.Actor, householdID int64) ([]store.Attachment, error) {
	if _, err := s.store.Household(ctx, actor.Scope, householdID); err != nil {
		return nil, err
	}
	as, err := s.store.Attachments(ctx, householdID)
	return as, apperr.Wrap(err, "list attachments")
}

// Get reads one file for download.
func (s *Attachments) Get(ctx context.Context, actor access.Actor, id int64) (*store.Attachment, error) {
	return s.store.AttachmentInScope(ctx, actor.Scope, id)
}

// Delete hides a file.
func (s *Attachments) Delete(ctx context.Context, actor access.Actor, id int64) error {
	a, err := s.store.AttachmentInScope(ctx, actor.Scope, id)
	if err != nil {
		return err
	}
	return apperr.Wrap(s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteAttachment(ctx, id, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "household.attachment_delete", ObjectType: "household",
			ObjectID: strconv.FormatInt(a.HouseholdID, 10), Changes: []Change{{Field: "attachment", Before: a.FileName}}})
	}), "delete attachment")
}

// checkedFile is an upload that passed checkUpload: its safe name (empty
// when the client's name held nothing usable; Ext is then the extension to
// add to a fallback), real type and digest.
type checkedFile struct {
	Name, Ext, ContentType, SHA256 string
}

// checkUpload checks an upload's size and real type (PDF, JPEG or PNG, by
// content, never by name) and makes its stored name from the client's,
// with the extension of the real type. Field problems come back as details
// for the "file" field; a file over the limit is an error of its own.
func checkUpload(fileName string, content []byte, limit int64) (checkedFile, []apperr.Detail, error) {
	var ds []apperr.Detail
	if len(content) == 0 {
		ds = append(ds, apperr.Detail{Field: "file", Message: "文件是空的"})
	}
	if int64(len(content)) > limit {
		return checkedFile{}, nil, apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("文件超过上限 %d MB", limit>>20))
	}
	ctype := http.DetectContentType(content)
	ext, ok := allowedTypes[ctype]
	if len(content) > 0 && !ok {
		ds = append(ds, apperr.Detail{Field: "file", Message: "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）"})
	}
	name := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(fileName, "\\", "/")), filepath.Ext(fileName))
	name = truncate(strings.TrimSpace(name), 150)
	out := checkedFile{Ext: ext, ContentType: ctype}
	if name != "" && name != "." {
		out.Name = name + ext
	}
	sum := sha256.Sum256(content)
	out.SHA256 = hex.EncodeToString(sum[:])
	return out, ds, nil
}
