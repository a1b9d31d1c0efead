package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func (s *testServer) upload(token, path, kind, name string, content []byte) response {
	s.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if kind != "" { // the imports take the file alone
		_ = w.WriteField("kind", kind)
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	r := httptest.NewRequest("POST", path, &buf)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return response{rec}
}

var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("ATT-1", "530103012004", personID("1960-05-05", 21))})
		var h struct {
			ID int64 `json:"id"`
		}
		r.json(t, &h)
		base := fmt.Sprintf("/api/v1/households/%d/attachments", h.ID)

		r = s.upload(officer.token, base, "photo", "门口.png", pngBytes)
		if r.Code != 201 || !strings.Contains(r.Body.String(), `"content_type":"image/png"`) {
			t.Fatalf("upload png: %d %s", r.Code, r.Body)
		}
		var a struct {
			ID int64 `json:"id"`
		}
		r.json(t, &a)
		// A text file named .pdf is refused by its content.
		if r := s.upload(officer.token, base, "survey_form", "form.pdf", []byte("just some text, not a PDF")); r.Code != 422 {
			t.Fatalf("disguised file: %d %s", r.Code, r.Body)
		}
		if r := s.upload(officer.token, base, "selfie", "x.png", pngBytes); r.Code != 422 {
			t.Fatalf("unknown kind: %d", r.Code)
		}
		list := s.do(req{method: "GET", path: base, token: officer.token})
		if !strings.Contains(list.Body.String(), `"file_name":"门口.png"`) || !strings.Contains(list.Body.String(), `"created_by":"officer-530103012004"`) {
			t.Fatalf("list: %s", list.Body)
		}
		dl := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/attachments/%d", a.ID), token: officer.token})
		if dl.Code != 200 || !bytes.Equal(dl.Body.Bytes(), pngBytes) || dl.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("download: %d %v", dl.Code, dl.Header())
		}
		other := s.as("officer-530103011001")
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/attachments/%d", a.ID), token: other.token}); r.Code != http.StatusNotFound {
			t.Fatalf("out of scope download: %d", r.Code)
		}
		if r := s.do(req{method: "DELETE", path: fmt.Sprintf("/api/v1/attachments/%d", a.ID), token: officer.token}); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/attachments/%d", a.ID), token: officer.token}); r.Code != 404 {
			t.Fatalf("deleted file downloadable: %d", r.Code)
		}
	})
}
