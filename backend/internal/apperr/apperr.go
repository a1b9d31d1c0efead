// Package apperr is the one error type that crosses layers: a stable code that
// clients and the SPA's i18n rely on, a Chinese message a clerk can act on, and
// the fields at fault. Only the api layer turns codes into HTTP statuses.
package apperr

import (
	"errors"
	"fmt"
)

// Code is a stable, documented error code.
type Code string

const (
	BadRequest             Code = "bad_request"              // malformed request: not JSON, wrong type
	UnknownField           Code = "unknown_field"            // a JSON key the endpoint does not take
	Unauthorized           Code = "unauthorized"             // no valid access token
	InvalidCredentials     Code = "invalid_credentials"      // login refused (same for every reason)
	Forbidden              Code = "forbidden"                // role may not do this
	PasswordChangeRequired Code = "password_change_required" // must change password first
	MFAEnrolmentRequired   Code = "mfa_enrolment_required"   // the role needs a second factor: enrol first
	NotFound               Code = "not_found"                // missing or out of scope
	VersionConflict        Code = "version_conflict"         // stale version
	Conflict               Code = "conflict"                 // state forbids it (duplicate, moved on)
	ConditionUnmet         Code = "condition_unmet"          // a stage condition does not hold yet: details say which
	UsernameTaken          Code = "username_taken"
	PayloadTooLarge        Code = "payload_too_large"
	InvalidEnvelope        Code = "invalid_envelope"  // an evaluation request that is not an envelope at all
	Validation             Code = "validation_failed" // fields at fault, see Details
	RateLimited            Code = "rate_limited"
	Internal               Code = "internal"
	Unavailable            Code = "unavailable"
)

// Detail names one field at fault.
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error a client may see. Err, when set, is the internal cause:
// logged, never shown.
type Error struct {
	Code    Code
	Message string
	Details []Detail
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Invalid makes a validation error from field details.
func Invalid(details ...Detail) *Error {
	return &Error{Code: Validation, Message: "提交的数据有误，请按提示修改", Details: details}
}

// NotFoundf is the answer for a missing object and for one outside the
// caller's scope alike, so that an outsider learns nothing.
func NotFoundf(what string) *Error {
	return &Error{Code: NotFound, Message: what + "不存在或无权访问"}
}

// Wrap marks an unexpected failure as internal, keeping the cause for the log.
// It returns a plain nil for a nil err, so it can wrap any return value.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "服务器内部错误", Err: fmt.Errorf("%s: %w", what, err)}
}

// As returns err as an *Error, turning anything else into an internal error.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "服务器内部错误", Err: err}
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
