package api

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
)

// bindFuzzInput has every kind of field the request types use: text,
// numbers, a date, an amount, optional values, lists and nested objects
// (one embedded, as some inputs embed a common part).
type bindFuzzInput struct {
	bindFuzzCommon
	Name    string            `json:"name"`
	Count   int               `json:"count"`
	Amount  decimal.Decimal   `json:"amount"`
	On      localdate.Date    `json:"on"`
	Maybe   *bool             `json:"maybe"`
	Tags    []string          `json:"tags"`
	Inner   *bindFuzzInner    `json:"inner"`
	Items   []bindFuzzInner   `json:"items"`
	Ignored string            `json:"-"`
	Labels  map[string]string `json:"labels"`
}

type bindFuzzCommon struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason,omitempty"`
}

type bindFuzzInner struct {
	Flag  *bool            `json:"flag"`
	When  *localdate.Date  `json:"when"`
	Value *decimal.Decimal `json:"value"`
}

const bindFuzzLimit = 512

// FuzzBindJSON: whatever the body, bindJSON does not panic and answers
// with one of its three codes; a body over the limit is always 413 and one
// within it never; a body it accepts holds no key the input type does not
// have, at any depth (encoding/json matches keys without regard to case,
// and so does this check).
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"张三","count":3,"amount":"12.50","on":"2017-06-30","maybe":null,"tags":["a"],"inner":{"flag":true,"when":"2016-02-29","value":1.5},"items":[{}],"version":2,"labels":{"x":"y"}}`,
		`{"name":"a","nmae":"b"}`, `{"inner":{"flag":true,"status":"registered"}}`, `{"items":[{"value":1},{"scope":"x"}]}`,
		`{"Name":"case","VERSION":1}`, `{"-":"x"}`, `{"Ignored":"x"}`, `{"on":"2017-02-30"}`, `{"amount":"1e400"}`,
		`{} {}`, `{}  `, ``, `null`, `[]`, `"x"`, `{"name":`, `{"labels":{"a":1}}`, strings.Repeat(" ", bindFuzzLimit+1),
		`{"name":"` + strings.Repeat("长", 200) + `"}`, "{\"name\":\"\xff\"}", `{"count":1.5}`, `{"count":99999999999999999999}`,
	} {
		f.Add([]byte(s))
	}
	gin.SetMode(gin.TestMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("POST", "/", bytes.NewReader(body))
		var in bindFuzzInput
		err := bindJSON(c, bindFuzzLimit, &in)

		if len(body) > bindFuzzLimit {
			if !apperr.Is(err, apperr.PayloadTooLarge) {
				t.Fatalf("%d bytes over a %d limit: %v, want payload_too_large", len(body), bindFuzzLimit, err)
			}
			return
		}
		if err != nil {
			e := apperr.As(err)
			switch e.Code {
			case apperr.BadRequest, apperr.UnknownField:
			default:
				t.Fatalf("body within the limit: %v, want bad_request or unknown_field", err)
			}
			if e.Message == "" {
				t.Fatal("refusal without a message")
			}
			if e.Code == apperr.UnknownField && len(e.Details) != 1 {
				t.Fatalf("unknown_field does not name the one field: %+v", e)
			}
			return
		}
		if path := unknownKey(body, reflect.TypeOf(in)); path != "" {
			t.Fatalf("accepted %q with the unknown key %s", body, path)
		}
	})
}

// unknownKey is the path of the first key of the JSON value data that t
// has no field for, or "".
func unknownKey(data []byte, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeOf(localdate.Date{}) || t == reflect.TypeOf(decimal.Decimal{}):
		return ""
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) == nil {
			for _, it := range items {
				if p := unknownKey(it, t.Elem()); p != "" {
					return "[]." + p
				}
			}
		}
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return ""
		}
		fields := jsonFields(t)
	keys:
		for k, v := range obj {
			for name, ft := range fields {
				if strings.EqualFold(k, name) {
					if p := unknownKey(v, ft); p != "" {
						return k + "." + p
					}
					continue keys
				}
			}
			return k
		}
	}
	return ""
}

// jsonFields are the JSON names of t's fields, embedded structs' included.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
		case name != "":
			out[name] = f.Type
		case f.IsExported():
			out[f.Name] = f.Type
		}
	}
	return out
}

// TestBindFuzzCheckSeesUnknownKeys keeps the fuzz target's own check honest:
// it must find the unknown keys bindJSON refuses.
func TestBindFuzzCheckSeesUnknownKeys(t *testing.T) {
	typ := reflect.TypeOf(bindFuzzInput{})
	for body, want := range map[string]string{
		`{"name":"a","nmae":"b"}`:                  "nmae",
		`{"inner":{"flag":true,"status":"x"}}`:     "inner.status",
		`{"items":[{"value":1},{"scope":"x"}]}`:    "items.[].scope",
		`{"Ignored":"x"}`:                          "Ignored",
		`{"Name":"case","VERSION":1,"reason":"r"}`: "",
		`{"labels":{"anything":"goes"}}`:           "",
	} {
		if got := unknownKey([]byte(body), typ); got != want {
			t.Errorf("unknownKey(%s) = %q, want %q", body, got, want)
		}
	}
}
