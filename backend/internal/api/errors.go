package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
)

// statusOf is the one place where error codes become HTTP statuses.
var statusOf = map[apperr.Code]int{
	apperr.BadRequest:             http.StatusBadRequest,
	apperr.UnknownField:           http.StatusBadRequest,
	apperr.Unauthorized:           http.StatusUnauthorized,
	apperr.InvalidCredentials:     http.StatusUnauthorized,
	apperr.Forbidden:              http.StatusForbidden,
	apperr.PasswordChangeRequired: http.StatusForbidden,
	apperr.MFAEnrolmentRequired:   http.StatusForbidden,
	apperr.NotFound:               http.StatusNotFound,
	apperr.VersionConflict:        http.StatusConflict,
	apperr.Conflict:               http.StatusConflict,
	apperr.ConditionUnmet:         http.StatusConflict,
	apperr.UsernameTaken:          http.StatusConflict,
	apperr.PayloadTooLarge:        http.StatusRequestEntityTooLarge,
	apperr.InvalidEnvelope:        http.StatusBadRequest,
	apperr.Validation:             http.StatusUnprocessableEntity,
	apperr.RateLimited:            http.StatusTooManyRequests,
	apperr.Internal:               http.StatusInternalServerError,
	apperr.Unavailable:            http.StatusServiceUnavailable,
}

// ErrorBody is every error response: {"error": {...}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a stable code, a human message and the fields at fault.
type ErrorDetail struct {
	Code      string        `json:"code" example:"validation_failed"`
	Message   string        `json:"message" example:"提交的数据有误，请按提示修改"`
	Details   []FieldDetail `json:"details,omitempty"`
	RequestID string        `json:"request_id,omitempty"`
}

// FieldDetail names one field at fault.
type FieldDetail struct {
	Field   string `json:"field" example:"username"`
	Message string `json:"message" example:"用户名已被使用"`
}

// fail writes err as the error body and aborts. Internal causes are logged
// with the request ID and never shown.
func fail(c *gin.Context, log *slog.Logger, err error) {
	e := apperr.As(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := e.Message
	if status >= 500 && clientGone(c, err) {
		// Not a failure of the server: the client cancelled the request.
		log.InfoContext(c.Request.Context(), "request cancelled by the client", "request_id", requestID(c), "route", c.FullPath())
		c.AbortWithStatus(statusClientClosed)
		return
	}
	if status >= 500 {
		log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
		if e.Code == apperr.Internal {
			msg = "服务器内部错误，请把请求编号告诉管理员"
		}
	}
	body := ErrorBody{Error: ErrorDetail{Code: string(e.Code), Message: msg, RequestID: requestID(c)}}
	for _, d := range e.Details {
		body.Error.Details = append(body.Error.Details, FieldDetail(d))
	}
	c.AbortWithStatusJSON(status, body)
}

var errNotFoundRoute = apperr.New(apperr.NotFound, "没有这个接口")

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}
