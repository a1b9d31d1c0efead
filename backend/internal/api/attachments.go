package api

import (
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// AttachmentDTO describes a stored file.
type AttachmentDTO struct {
	ID          int64     `json:"id"`
	MemberID    *int64    `json:"member_id"`
	Kind        string    `json:"kind" example:"housing_appraisal"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type" example:"application/pdf"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// AttachmentsResponse lists a household's files.
type AttachmentsResponse struct {
	Items []AttachmentDTO `json:"items"`
}

func attachmentDTO(a store.Attachment) AttachmentDTO {
	return AttachmentDTO{ID: a.ID, MemberID: a.MemberID, Kind: a.Kind, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy}
}

// uploadAttachment godoc
//
//	@Summary		Attach a file to a household or member
//	@Description	PDF, JPEG or PNG, judged by content; at most the upload limit (413 beyond).
//	@Tags			households
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			id			path		int		true	"household id"
//	@Param			file		formData	file	true	"the file"
//	@Param			kind		formData	string	true	"housing_appraisal, disability_cert, survey_form, photo, other"
//	@Param			member_id	formData	int		false	"member the file is about"
//	@Success		201			{object}	AttachmentDTO
//	@Failure		413			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/households/{id}/attachments [post]
func (s *Server) uploadAttachment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name, content, err := formFile(c, s.opt.UploadLimit, "请选择要上传的文件", "kind", "member_id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	nf := service.NewFile{HouseholdID: id, Kind: c.PostForm("kind"), FileName: name, Content: content}
	if v := c.PostForm("member_id"); v != "" {
		mid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "member_id", Message: "成员编号不正确"}))
			return
		}
		nf.MemberID = &mid
	}
	a, err := s.Attachments.Add(c.Request.Context(), actor(c), nf)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, attachmentDTO(*a))
}

// listAttachments godoc
//
//	@Summary	A household's files
//	@Tags		households
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"household id"
//	@Success	200	{object}	AttachmentsResponse
//	@Failure	404	{object}	ErrorBody
//	@Router		/households/{id}/attachments [get]
func (s *Server) listAttachments(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	as, err := s.Attachments.List(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := AttachmentsResponse{Items: []AttachmentDTO{}}
	for _, a := range as {
		out.Items = append(out.Items, attachmentDTO(a))
	}
	c.JSON(http.StatusOK, out)
}

// downloadAttachment godoc
//
//	@Summary	Download a file
//	@Tags		households
//	@Produce	application/octet-stream
//	@Security	Bearer
//	@Param		id	path	int	true	"attachment id"
//	@Success	200	{file}	file
//	@Failure	404	{object}	ErrorBody
//	@Router		/attachments/{id} [get]
func (s *Server) downloadAttachment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	a, err := s.Attachments.Get(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, a.ContentType, a.Content)
}

// deleteAttachment godoc
//
//	@Summary	Remove a file (kept for the audit)
//	@Tags		households
//	@Security	Bearer
//	@Param		id	path	int	true	"attachment id"
//	@Success	204
//	@Failure	404	{object}	ErrorBody
//	@Router		/attachments/{id} [delete]
func (s *Server) deleteAttachment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Attachments.Delete(c.Request.Context(), actor(c), id); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}
