package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
)

// Third-party access (信息共享): the admin's management of API clients, the
// token endpoint of the client-credentials grant, and the middleware that
// admits a client's token, with its scope and its own rate limit, on the
// integration routes (ClientRoutes) and nowhere else.

const ctxClient = "jz.client"

// APIClientDTO is an API client as the admin sees it: never its secret.
type APIClientDTO struct {
	ID            int64      `json:"id"`
	ClientID      string     `json:"client_id" example:"jzc_3q2x7M0aVb1kQw9e"`
	Name          string     `json:"name" example:"省大数据平台"`
	Organisation  string     `json:"organisation" example:"云南省大数据中心"`
	Scopes        []string   `json:"scopes" example:"register:read"`
	Department    string     `json:"department" example:"police"`
	RatePerMinute int        `json:"rate_per_minute" example:"60"`
	Status        string     `json:"status" enums:"active,revoked"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"created_by"`
	RotatedAt     *time.Time `json:"rotated_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
	RevokedBy     string     `json:"revoked_by"`
	RevokeReason  string     `json:"revoke_reason"`
	LastUsedAt    *time.Time `json:"last_used_at"`
}

func apiClientDTO(v service.APIClientView) APIClientDTO {
	status := "active"
	if v.RevokedAt != nil {
		status = "revoked"
	}
	scopes := v.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return APIClientDTO{ID: v.ID, ClientID: v.ClientID, Name: v.Name, Organisation: v.Organisation, Scopes: scopes,
		Department: v.Department, RatePerMinute: v.RatePerMinute, Status: status, CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy,
		RotatedAt: v.RotatedAt, RevokedAt: v.RevokedAt, RevokedBy: v.RevokedBy, RevokeReason: v.RevokeReason, LastUsedAt: v.LastUsedAt}
}

// CreateAPIClientRequest registers a client. department is required with
// the scope departments:push and refused without it.
type CreateAPIClientRequest struct {
	Name          string   `json:"name" example:"省大数据平台"`
	Organisation  string   `json:"organisation" example:"云南省大数据中心"`
	Scopes        []string `json:"scopes" example:"register:read"`
	Department    string   `json:"department" example:""`
	RatePerMinute int      `json:"rate_per_minute" example:"60"`
}

// APIClientSecretResponse is a client with its secret: the answer of the
// creation and of a secret rotation, the only times the secret is shown.
type APIClientSecretResponse struct {
	Client       APIClientDTO `json:"client"`
	ClientSecret string       `json:"client_secret" example:"jzs_…"`
}

// RevokeAPIClientRequest says why a client is revoked.
type RevokeAPIClientRequest struct {
	Reason string `json:"reason" example:"合作协议到期"`
}

// listAPIClients godoc
//
//	@Summary	List API clients (admin)
//	@Tags		api-clients
//	@Produce	json
//	@Security	Bearer
//	@Param		page		query		int	false	"page, from 1"
//	@Param		page_size	query		int	false	"1 to 100"
//	@Success	200			{object}	Page[APIClientDTO]
//	@Failure	403			{object}	ErrorBody
//	@Router		/api-clients [get]
func (s *Server) listAPIClients(c *gin.Context) {
	page, size, err := paging(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	rows, total, err := s.APIClients.List(c.Request.Context(), page, size)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[APIClientDTO]{Items: make([]APIClientDTO, len(rows)), Total: total, Page: page, PageSize: size}
	for i, r := range rows {
		out.Items[i] = apiClientDTO(r)
	}
	c.JSON(http.StatusOK, out)
}

// createAPIClient godoc
//
//	@Summary		Register an API client (admin)
//	@Description	Scopes: register:read (look a person up by ID number), departments:push (push the registers of `department`, and only of it), evaluations:run (POST /evaluations). The answer carries client_secret, shown this once: only its hash is kept. rate_per_minute defaults to 60 (at most 6000).
//	@Tags			api-clients
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		CreateAPIClientRequest	true	"client"
//	@Success		201		{object}	APIClientSecretResponse
//	@Failure		403		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api-clients [post]
func (s *Server) createAPIClient(c *gin.Context) {
	var req CreateAPIClientRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	v, secret, err := s.APIClients.Create(c.Request.Context(), actor(c), service.NewAPIClient{
		Name: req.Name, Organisation: req.Organisation, Scopes: req.Scopes, Department: req.Department, RatePerMinute: req.RatePerMinute})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, APIClientSecretResponse{Client: apiClientDTO(v), ClientSecret: secret})
}

// revokeAPIClient godoc
//
//	@Summary		Revoke an API client (admin)
//	@Description	Final: the client's tokens are refused from the next call on, and it gets no new ones. 409 when already revoked.
//	@Tags			api-clients
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"client row id"
//	@Param			body	body		RevokeAPIClientRequest	true	"reason"
//	@Success		200		{object}	APIClientDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api-clients/{id}/revoke [post]
func (s *Server) revokeAPIClient(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var req RevokeAPIClientRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := s.APIClients.Revoke(c.Request.Context(), actor(c), id, req.Reason)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, apiClientDTO(v))
}

// rotateAPIClientSecret godoc
//
//	@Summary		Give an API client a new secret (admin)
//	@Description	The new client_secret is shown this once; every token issued under the old secret is refused from the next call on.
//	@Tags			api-clients
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"client row id"
//	@Success		200	{object}	APIClientSecretResponse
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api-clients/{id}/rotate-secret [post]
func (s *Server) rotateAPIClientSecret(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	v, secret, err := s.APIClients.RotateSecret(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, APIClientSecretResponse{Client: apiClientDTO(v), ClientSecret: secret})
}

// ClientTokenResponse is RFC 6749 §5.1's answer.
type ClientTokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer"`
	ExpiresIn   int    `json:"expires_in" example:"900"`
	Scope       string `json:"scope" example:"register:read"`
}

// OAuthError is RFC 6749 §5.2's error body, which OAuth client libraries
// read; the token endpoint answers with it instead of ErrorBody.
type OAuthError struct {
	Error       string `json:"error" enums:"invalid_request,invalid_client,invalid_scope,unsupported_grant_type" example:"invalid_client"`
	Description string `json:"error_description,omitempty" example:"客户端认证失败"`
}

// issueClientToken godoc
//
//	@Summary		Access token for an API client (OAuth 2.0 client credentials, RFC 6749 §4.4)
//	@Description	Form-encoded `grant_type=client_credentials`, optional `scope` (space-separated, narrowing the granted scopes; none = all granted). The client authenticates with HTTP Basic (client_id:client_secret, RFC 6749 §2.3.1) or with `client_id` and `client_secret` in the body, not both. The token is a short-lived JWT for the integration routes only (audience jingzhun-integrations); user routes refuse it. Errors follow RFC 6749 §5.2: 401 invalid_client (the same for an unknown client, a wrong secret and a revoked client), 400 invalid_scope, unsupported_grant_type, invalid_request. Limited per client IP like sign-in (429 with Retry-After).
//	@Tags			oauth
//	@Accept			x-www-form-urlencoded
//	@Produce		json
//	@Param			grant_type		formData	string	true	"client_credentials"
//	@Param			scope			formData	string	false	"space-separated scopes"
//	@Param			client_id		formData	string	false	"unless HTTP Basic"
//	@Param			client_secret	formData	string	false	"unless HTTP Basic"
//	@Success		200				{object}	ClientTokenResponse
//	@Failure		400				{object}	OAuthError
//	@Failure		401				{object}	OAuthError
//	@Failure		429				{object}	ErrorBody
//	@Router			/oauth/token [post]
func (s *Server) issueClientToken(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.opt.BodyLimit)
	ct := c.ContentType()
	if ct != "application/x-www-form-urlencoded" {
		oauthFail(c, "invalid_request", "请求体应为 application/x-www-form-urlencoded")
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		oauthFail(c, "invalid_request", "请求体无法解析")
		return
	}
	form := c.Request.PostForm
	for _, k := range []string{"grant_type", "scope", "client_id", "client_secret"} {
		if len(form[k]) > 1 { // RFC 6749 §3.2: no parameter twice
			oauthFail(c, "invalid_request", "参数重复："+k)
			return
		}
	}
	switch form.Get("grant_type") {
	case "client_credentials":
	case "":
		oauthFail(c, "invalid_request", "缺少 grant_type")
		return
	default:
		oauthFail(c, "unsupported_grant_type", "只支持 client_credentials")
		return
	}
	id, secret, basic, ok := basicAuth(c)
	if !ok {
		oauthFail(c, "invalid_client", "HTTP Basic 认证格式不正确")
		return
	}
	if basic && (form.Has("client_id") || form.Has("client_secret")) {
		oauthFail(c, "invalid_request", "客户端认证只能用一种方式")
		return
	}
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	tok, err := s.APIClients.IssueToken(c.Request.Context(), s.client(c), id, secret, form.Get("scope"))
	switch {
	case apperr.Is(err, apperr.InvalidCredentials):
		oauthFail(c, "invalid_client", apperr.As(err).Message)
		return
	case apperr.Is(err, apperr.Validation):
		oauthFail(c, "invalid_scope", apperr.As(err).Details[0].Message)
		return
	case err != nil:
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, ClientTokenResponse{AccessToken: tok.AccessToken, TokenType: "Bearer", ExpiresIn: tok.ExpiresIn, Scope: tok.Scope})
}

// basicAuth reads HTTP Basic client credentials, form-decoded as RFC 6749
// §2.3.1 has them; basic is false without the header, ok false when it is
// malformed.
func basicAuth(c *gin.Context) (id, secret string, basic, ok bool) {
	h := c.GetHeader("Authorization")
	if h == "" {
		return "", "", false, true
	}
	if len(h) < 6 || !strings.EqualFold(h[:6], "Basic ") {
		return "", "", true, false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h[6:]))
	if err != nil {
		return "", "", true, false
	}
	u, p, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", true, false
	}
	if id, err = url.QueryUnescape(u); err != nil {
		return "", "", true, false
	}
	if secret, err = url.QueryUnescape(p); err != nil {
		return "", "", true, false
	}
	return id, secret, true, true
}

// oauthFail writes RFC 6749 §5.2's error; invalid_client is 401 with a
// WWW-Authenticate challenge, the others 400.
func oauthFail(c *gin.Context, code, description string) {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
		c.Header("WWW-Authenticate", `Basic realm="jingzhun", charset="UTF-8"`)
	}
	c.AbortWithStatusJSON(status, OAuthError{Error: code, Description: description})
}

// clientLimiter is a token bucket per API client, each with the client's
// own rate, kept in the process like ipLimiter. Clients are few (the admin
// registers them), so buckets are never swept.
type clientLimiter struct {
	mu      sync.Mutex
	buckets map[int64]*clientBucket
}

type clientBucket struct {
	lim     *rate.Limiter
	perMin  int
	limited bool // the last call was refused
}

func newClientLimiter() *clientLimiter { return &clientLimiter{buckets: map[int64]*clientBucket{}} }

// reserve takes one token of a client's bucket and returns how long to wait
// (0 = allowed) and whether this refusal is the first of a run, which is
// audited (the rest are not, so that a runaway client cannot flood the log).
func (l *clientLimiter) reserve(id int64, perMin int, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[id]
	if !ok || b.perMin != perMin {
		b = &clientBucket{lim: rate.NewLimiter(rate.Limit(float64(perMin)/60), perMin), perMin: perMin}
		l.buckets[id] = b
	}
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		first := !b.limited
		b.limited = true
		return d, first
	}
	b.limited = false
	return 0, false
}

// authenticateClient admits an API client's token that carries scope, under
// the client's rate limit, and audits the call with its answer. A user's
// token is refused (401): it is not a client's.
func (s *Server) authenticateClient(scope string, lim *clientLimiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		tok := bearer(c)
		if tok == "" {
			c.Header("WWW-Authenticate", `Bearer realm="jingzhun"`)
			fail(c, s.log, apperr.New(apperr.Unauthorized, "请提供客户端访问令牌"))
			return
		}
		p, err := s.APIClients.AuthenticateClient(c.Request.Context(), s.client(c), tok, scope)
		if err != nil {
			switch {
			case errors.Is(err, service.ErrInsufficientScope):
				c.Header("WWW-Authenticate", `Bearer realm="jingzhun", error="insufficient_scope", scope="`+scope+`"`)
			case apperr.Is(err, apperr.Unauthorized):
				c.Header("WWW-Authenticate", `Bearer realm="jingzhun", error="invalid_token"`)
			}
			fail(c, s.log, err)
			return
		}
		c.Set(ctxClient, p)
		route := c.Request.Method + " " + strings.TrimPrefix(c.FullPath(), "/api/v1")
		if wait, first := lim.reserve(p.ID, p.RatePerMinute, time.Now()); wait > 0 {
			secs := int(wait.Seconds() + 0.999)
			c.Header("Retry-After", strconv.Itoa(secs))
			if first {
				s.recordClientCall(c, p, route, http.StatusTooManyRequests)
			}
			fail(c, s.log, apperr.New(apperr.RateLimited, "调用过于频繁，请"+strconv.Itoa(secs)+"秒后再试"))
			return
		}
		c.Next()
		s.recordClientCall(c, p, route, c.Writer.Status())
	}
}

func (s *Server) recordClientCall(c *gin.Context, p service.ClientPrincipal, route string, status int) {
	if err := s.APIClients.RecordCall(c.Request.Context(), p, route, status); err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit client call", "err", err)
	}
}

// clientsToo is the authentication of a user route that admits API clients
// with scope as well (Route.ClientScope; POST /evaluations): a client's
// token goes through authenticateClient, anything else through the user's
// handlers, which are skipped for a client. Without a scope it is the
// user's handlers unchanged.
func (s *Server) clientsToo(scope string, lim *clientLimiter, user ...gin.HandlerFunc) []gin.HandlerFunc {
	if scope == "" {
		return user
	}
	client := s.authenticateClient(scope, lim)
	out := []gin.HandlerFunc{func(c *gin.Context) {
		if s.APIClients.IsClientToken(bearer(c)) {
			c.Set(ctxIsClient, true)
			client(c) // runs the rest of the chain and audits the call
		}
	}}
	for _, h := range user {
		out = append(out, func(c *gin.Context) {
			if !c.GetBool(ctxIsClient) {
				h(c)
			}
		})
	}
	return out
}

const ctxIsClient = "jz.is_client"

// clientPrincipal is the authenticated client; only behind authenticateClient.
func clientPrincipal(c *gin.Context) service.ClientPrincipal {
	v, _ := c.Get(ctxClient)
	p, _ := v.(service.ClientPrincipal)
	return p
}

// RegisterSearchRequest is the ID number to look up. It goes in the body,
// not the URL, so that no proxy's access log keeps it.
type RegisterSearchRequest struct {
	IDNumber string `json:"id_number" example:"530103199001010012"`
}

// RegisterSearchResponse tells whether a person is a member of a household
// in the register and, if so, only which household, where, and its
// 建档立卡 status (not_registered, registered, exited). Nothing else of the
// person or the household is shared (minimum necessary).
type RegisterSearchResponse struct {
	InRegister    bool   `json:"in_register"`
	HouseholdCode string `json:"household_code,omitempty" example:"5301030120040001"`
	StreetCode    string `json:"street_code,omitempty" example:"530103012"`
	StreetName    string `json:"street_name,omitempty" example:"阿子营街道"`
	VillageCode   string `json:"village_code,omitempty" example:"530103012004"`
	VillageName   string `json:"village_name,omitempty"`
	Status        string `json:"status,omitempty" enums:"not_registered,registered,exited"`
	ExitedYear    *int   `json:"exited_year,omitempty"`
}

// searchRegister godoc
//
//	@Summary		Is this person in the register? (API clients, scope register:read)
//	@Description	Looks a person up by ID number (18 characters, checked). Answers in_register and, when true, the household's code, street, village and 建档立卡 status only: no name, no ID number, no members, no incomes. Every search is audited with the client and the blind index of the number, never the number. 422 for an invalid number; 403 insufficient_scope for a token without register:read; 429 over the client's rate.
//	@Tags			integrations
//	@Accept			json
//	@Produce		json
//	@Security		OAuth2Application[register:read]
//	@Param			body	body		RegisterSearchRequest	true	"ID number"
//	@Success		200		{object}	RegisterSearchResponse
//	@Failure		401		{object}	ErrorBody
//	@Failure		403		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Failure		429		{object}	ErrorBody
//	@Router			/integrations/households/search [post]
func (s *Server) searchRegister(c *gin.Context) {
	var req RegisterSearchRequest
	if err := bindJSON(c, s.opt.BodyLimit, &req); err != nil {
		fail(c, s.log, err)
		return
	}
	a, err := s.APIClients.SearchRegister(c.Request.Context(), clientPrincipal(c), req.IDNumber)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, RegisterSearchResponse{InRegister: a.InRegister, HouseholdCode: a.HouseholdCode,
		StreetCode: a.StreetCode, StreetName: a.StreetName, VillageCode: a.VillageCode, VillageName: a.VillageName,
		Status: a.Status, ExitedYear: a.ExitedYear})
}

// pushDepartmentImport godoc
//
//	@Summary		Push a department's register (API clients, scope departments:push)
//	@Description	The same import as a liaison's upload (POST /departments/{code}/imports): multipart `file` (.csv UTF-8 or .xlsx) and `dataset`; validated whole, nothing imported if one row is wrong; `dry_run=true` validates only; the same file twice changes nothing. Only for the client's own department (403 for another code, audited). 202 with the import; follow it with GET /integrations/department-imports/{id}.
//	@Tags			integrations
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		OAuth2Application[departments:push]
//	@Param			code	path		string	true	"the client's department code"
//	@Param			dataset	formData	string	true	"dataset code"
//	@Param			file	formData	file	true	".csv or .xlsx"
//	@Param			dry_run	query		bool	false	"validate only"
//	@Success		202		{object}	DeptImportDTO
//	@Failure		401		{object}	ErrorBody
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		413		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Failure		429		{object}	ErrorBody
//	@Router			/integrations/departments/{code}/imports [post]
func (s *Server) pushDepartmentImport(c *gin.Context) {
	limit := s.opt.RegisterUploadLimit
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+64<<10)
	fh, err := c.FormFile("file")
	if err != nil {
		if isMaxBytes(err) {
			fail(c, s.log, tooLarge(limit))
			return
		}
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "file", Message: "请上传 .xlsx 或 .csv 文件"}))
		return
	}
	dryRun := false
	if v := c.Query("dry_run"); v != "" {
		if dryRun, err = strconv.ParseBool(v); err != nil {
			fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "dry_run", Message: "应为 true 或 false"}))
			return
		}
	}
	f, err := fh.Open()
	if err != nil {
		fail(c, s.log, err)
		return
	}
	defer f.Close()
	imp, err := s.APIClients.PushImport(c.Request.Context(), clientPrincipal(c), c.Param("code"), c.PostForm("dataset"), fh.Filename, f, dryRun)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusAccepted, deptImportDTO(imp))
}

// PushedImportDTO is a pushed import with its first problems (a refused
// file's rows, columns and reasons).
type PushedImportDTO struct {
	DeptImportDTO
	Problems []DeptImportProblemDTO `json:"problems"`
}

// pushedImport godoc
//
//	@Summary		A pushed import's status, counts and first 200 problems (API clients, scope departments:push)
//	@Description	Status queued, running, then validated (dry run), imported, unchanged, refused (see problems) or failed. Another department's import is 404.
//	@Tags			integrations
//	@Produce		json
//	@Security		OAuth2Application[departments:push]
//	@Param			id	path		int	true	"import id"
//	@Success		200	{object}	PushedImportDTO
//	@Failure		401	{object}	ErrorBody
//	@Failure		403	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		429	{object}	ErrorBody
//	@Router			/integrations/department-imports/{id} [get]
func (s *Server) pushedImport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	d, err := s.APIClients.PushedImport(c.Request.Context(), clientPrincipal(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := PushedImportDTO{DeptImportDTO: deptImportDTO(&d.Import), Problems: make([]DeptImportProblemDTO, len(d.Problems))}
	for i, p := range d.Problems {
		out.Problems[i] = DeptImportProblemDTO{Row: p.RowNo, Column: p.Col, Value: p.Value, Reason: p.Reason}
	}
	c.JSON(http.StatusOK, out)
}
