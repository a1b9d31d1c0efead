package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// bindJSON decodes the body strictly into dst: unknown fields are refused
// (a typo must not pass silently), a body over the limit is 413, trailing
// data is refused.
func bindJSON(c *gin.Context, limit int64, dst any) error {
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		if isMaxBytes(err) {
			return tooLarge(limit)
		}
		return apperr.New(apperr.BadRequest, "请求体读取失败")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		e := decodeError(err, limit)
		if apperr.As(e).Message == unparsable {
			// A value its type refuses (a date, an amount): say which one.
			if path, why := badValue(data, reflect.TypeOf(dst).Elem(), ""); path != "" {
				bad := apperr.New(apperr.BadRequest, "字段的值不正确")
				bad.Details = []apperr.Detail{{Field: path, Message: why}}
				return bad
			}
		}
		return e
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if isMaxBytes(err) {
			return tooLarge(limit)
		}
		return apperr.New(apperr.BadRequest, "请求体只能包含一个 JSON 对象")
	}
	return nil
}

func tooLarge(limit int64) error {
	return apperr.New(apperr.PayloadTooLarge, fmt.Sprintf("请求体超过上限 %d 字节", limit))
}

func decodeError(err error, limit int64) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case isMaxBytes(err):
		return tooLarge(limit)
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.BadRequest, "请求体为空，应为 JSON 对象")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadRequest, "请求体不是有效的 JSON")
	case errors.As(err, &typ):
		e := apperr.New(apperr.BadRequest, "字段类型不正确")
		e.Details = []apperr.Detail{{Field: typ.Field, Message: "应为 " + typ.Type.String()}}
		return e
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return unknownField(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return apperr.New(apperr.BadRequest, unparsable)
}

const unparsable = "请求体无法解析"

func unknownField(field string) error {
	e := apperr.New(apperr.UnknownField, "请求包含不接受的字段："+field)
	e.Details = []apperr.Detail{{Field: field, Message: "不接受此字段"}}
	return e
}

// onlyFormFields refuses a parsed multipart form with a field the handler
// does not read, or a file part but "file", as bindJSON refuses an unknown
// JSON field: a typo or a field the server keeps (created_by, status…)
// must not pass silently.
func onlyFormFields(c *gin.Context, allowed ...string) error {
	f := c.Request.MultipartForm
	if f == nil {
		return nil
	}
	var bad []string
	for k := range f.Value {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	for k := range f.File {
		if k != "file" {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return unknownField(bad[0])
}

var (
	dateType    = reflect.TypeOf(localdate.Date{})
	decimalType = reflect.TypeOf(decimal.Decimal{})
)

// badValue finds the value of data that t refuses, by decoding the object
// key by key (and into lists item by item), and says what it should be.
func badValue(data []byte, t reflect.Type, path string) (string, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if json.Unmarshal(data, reflect.New(t).Interface()) == nil {
		return "", ""
	}
	switch {
	case t == dateType:
		return path, "应为有效日期，格式 YYYY-MM-DD"
	case t == decimalType:
		return path, "应为数字（金额最多两位小数）"
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) == nil {
			for i, it := range items {
				if p, why := badValue(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p, why
				}
			}
		}
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				raw, ok := obj[name]
				if name == "" || name == "-" || !ok {
					if f.Anonymous { // embedded fields share the object
						if p, why := badValue(data, f.Type, path); p != "" {
							return p, why
						}
					}
					continue
				}
				sub := name
				if path != "" {
					sub = path + "." + name
				}
				if p, why := badValue(raw, f.Type, sub); p != "" {
					return p, why
				}
			}
		}
	}
	if path == "" {
		return "", ""
	}
	return path, "值不正确"
}

// paging reads page and page_size: page_size over 100 is refused.
func paging(c *gin.Context) (page, size int, err error) {
	page, size = 1, 20
	var ds []apperr.Detail
	if v := c.Query("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			ds = append(ds, apperr.Detail{Field: "page", Message: "页码应为正整数"})
		}
	}
	if v := c.Query("page_size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 || size > 100 {
			ds = append(ds, apperr.Detail{Field: "page_size", Message: "每页条数应为1至100"})
		}
	}
	if len(ds) > 0 {
		e := apperr.New(apperr.BadRequest, "分页参数不正确")
		e.Details = ds
		return 0, 0, e
	}
	return page, size, nil
}

// pathID reads a positive integer path parameter; anything else is 404.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, apperr.NotFoundf("对象")
	}
	return id, nil
}

// Page is the envelope of every paged list.
type Page[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

// formFile reads the multipart field "file" whole, refusing a body or file
// over limit with 413 naming the limit, a missing file with a field error
// saying what to choose, and any form field but fields (onlyFormFields).
func formFile(c *gin.Context, limit int64, missing string, fields ...string) (name string, data []byte, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+64<<10)
	fh, err := c.FormFile("file")
	if err != nil {
		if isMaxBytes(err) {
			return "", nil, tooLarge(limit)
		}
		return "", nil, apperr.Invalid(apperr.Detail{Field: "file", Message: missing})
	}
	if err := onlyFormFields(c, fields...); err != nil {
		return "", nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, err
	}
	if int64(len(data)) > limit {
		return "", nil, tooLarge(limit)
	}
	return fh.Filename, data, nil
}
