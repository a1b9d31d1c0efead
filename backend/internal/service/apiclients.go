package service

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
)

// The scopes an API client may be granted (信息共享). Each opens one narrow
// door; a client gets only those its purpose needs.
const (
	// ScopeRegisterRead: look a person up in the register by ID number.
	ScopeRegisterRead = "register:read"
	// ScopeDepartmentsPush: push one department's register for the
	// cross-checks, as that department's liaison would upload it.
	ScopeDepartmentsPush = "departments:push"
	// ScopeEvaluations: call the stateless rules engine (POST /evaluations,
	// which api-contract.md opens to API clients); nothing stored, no
	// register data read.
	ScopeEvaluations = "evaluations:run"
)

// Scopes lists every scope in a stable order.
var Scopes = []string{ScopeRegisterRead, ScopeDepartmentsPush, ScopeEvaluations}

// ClientRole is the role an API client's audit records carry. It is not a
// role of access.Roles: no account can have it, and no user route admits it.
const ClientRole access.Role = "api_client"

// Limits of an API client's settings.
const (
	DefaultClientRate = 60
	MaxClientRate     = 6000
)

// APIClients manages the third-party systems with client credentials, issues
// their access tokens, authenticates their calls and serves the integration
// endpoints: the register search and the department pushes.
type APIClients struct {
	store   *store.Store
	audit   *AuditLog
	depts   *Departments
	regions *Regions
	cross   *CrossChecks
	signer  auth.ClientSigner
	now     func() time.Time
	// dummyHash is compared for an unknown client_id, so that it costs the
	// same as a wrong secret.
	dummyHash string
}

// NewAPIClients builds the service.
func NewAPIClients(st *store.Store, a *AuditLog, d *Departments, r *Regions, cc *CrossChecks, signer auth.ClientSigner, now func() time.Time) *APIClients {
	return &APIClients{store: st, audit: a, depts: d, regions: r, cross: cc, signer: signer, now: now,
		dummyHash: auth.HashToken("no client has this secret")}
}

// APIClientView is a client as the admin sees it: never the secret nor its hash.
type APIClientView struct {
	ID            int64
	ClientID      string
	Name          string
	Organisation  string
	Scopes        []string
	Department    string
	RatePerMinute int
	CreatedAt     time.Time
	CreatedBy     string
	RotatedAt     *time.Time
	RevokedAt     *time.Time
	RevokedBy     string
	RevokeReason  string
	LastUsedAt    *time.Time
}

func clientView(c *store.APIClient) APIClientView {
	return APIClientView{ID: c.ID, ClientID: c.ClientID, Name: c.Name, Organisation: c.Organisation,
		Scopes: splitScopes(c.Scopes), Department: c.Department, RatePerMinute: c.RatePerMinute,
		CreatedAt: c.CreatedAt, CreatedBy: c.CreatedBy, RotatedAt: c.RotatedAt, RevokedAt: c.RevokedAt,
		RevokedBy: c.RevokedBy, RevokeReason: c.RevokeReason, LastUsedAt: c.LastUsedAt}
}

// NewAPIClient is what the admin fills in.
type NewAPIClient struct {
	Name          string
	Organisation  string
	Scopes        []string
	Department    string
	RatePerMinute int // 0 = DefaultClientRate
}

// List pages through the clients.
func (s *APIClients) List(ctx context.Context, page, size int) ([]APIClientView, int64, error) {
	rows, total, err := s.store.APIClients(ctx, page, size)
	if err != nil {
		return nil, 0, apperr.Wrap(err, "list api clients")
	}
	out := make([]APIClientView, len(rows))
	for i := range rows {
		out[i] = clientView(&rows[i])
	}
	return out, total, nil
}

// Create registers a client and returns it with its secret, which is shown
// this once and never again (only its hash is kept).
func (s *APIClients) Create(ctx context.Context, actor access.Actor, in NewAPIClient) (APIClientView, string, error) {
	in.Name, in.Organisation, in.Department = strings.TrimSpace(in.Name), strings.TrimSpace(in.Organisation), strings.TrimSpace(in.Department)
	if in.RatePerMinute == 0 {
		in.RatePerMinute = DefaultClientRate
	}
	var ds []apperr.Detail
	if n := len([]rune(in.Name)); n == 0 || n > 100 {
		ds = append(ds, apperr.Detail{Field: "name", Message: "请填写客户端名称（不超过100个字）"})
	}
	if n := len([]rune(in.Organisation)); n == 0 || n > 200 {
		ds = append(ds, apperr.Detail{Field: "organisation", Message: "请填写使用单位（不超过200个字）"})
	}
	scopes, bad := canonicalScopes(in.Scopes)
	switch {
	case bad != "":
		ds = append(ds, apperr.Detail{Field: "scopes", Message: "未知的权限范围：" + bad})
	case len(scopes) == 0:
		ds = append(ds, apperr.Detail{Field: "scopes", Message: "请至少选择一项权限范围"})
	}
	push := slices.Contains(scopes, ScopeDepartmentsPush)
	switch {
	case push && in.Department == "":
		ds = append(ds, apperr.Detail{Field: "department", Message: "推送部门台账的客户端须指定所代表的部门"})
	case !push && in.Department != "":
		ds = append(ds, apperr.Detail{Field: "department", Message: "只有推送部门台账的客户端才指定部门"})
	case push:
		if ok, err := s.depts.Exists(ctx, in.Department); err != nil {
			return APIClientView{}, "", err
		} else if !ok {
			ds = append(ds, apperr.Detail{Field: "department", Message: "部门代码不存在：" + in.Department})
		}
	}
	if in.RatePerMinute < 1 || in.RatePerMinute > MaxClientRate {
		ds = append(ds, apperr.Detail{Field: "rate_per_minute", Message: fmt.Sprintf("每分钟调用上限应为1至%d", MaxClientRate)})
	}
	if len(ds) > 0 {
		return APIClientView{}, "", apperr.Invalid(ds...)
	}
	id, err := auth.RandomToken(12)
	if err != nil {
		return APIClientView{}, "", apperr.Wrap(err, "client id")
	}
	secret, err := newClientSecret()
	if err != nil {
		return APIClientView{}, "", err
	}
	c := &store.APIClient{ClientID: "jzc_" + id, SecretHash: auth.HashToken(secret), SecretVersion: 1,
		Name: in.Name, Organisation: in.Organisation, Scopes: strings.Join(scopes, " "), Department: in.Department,
		RatePerMinute: in.RatePerMinute, CreatedAt: s.now().UTC(), CreatedBy: actor.Username}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateAPIClient(ctx, c); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "api_client.create", ObjectType: "api_client", ObjectID: c.ClientID,
			Changes: []Change{
				{Field: "name", After: c.Name},
				{Field: "organisation", After: c.Organisation},
				{Field: "scopes", After: c.Scopes},
				{Field: "department", After: c.Department},
				{Field: "rate_per_minute", After: c.RatePerMinute},
			}})
	})
	if err != nil {
		return APIClientView{}, "", apperr.Wrap(err, "create api client")
	}
	return clientView(c), secret, nil
}

// newClientSecret is 256 random bits; the prefix lets secret scanners
// recognise a leaked one.
func newClientSecret() (string, error) {
	b, err := auth.RandomToken(32)
	if err != nil {
		return "", apperr.Wrap(err, "client secret")
	}
	return "jzs_" + b, nil
}

// Revoke ends a client for good: its tokens are refused from the next call
// on (every call reads the client's row).
func (s *APIClients) Revoke(ctx context.Context, actor access.Actor, id int64, reason string) (APIClientView, error) {
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n == 0 || n > 200 {
		return APIClientView{}, apperr.Invalid(apperr.Detail{Field: "reason", Message: "请填写吊销原因（不超过200个字）"})
	}
	var out APIClientView
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.APIClientByID(ctx, id)
		if err != nil {
			return err
		}
		ok, err := s.store.RevokeAPIClient(ctx, id, actor.Username, reason, s.now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, "该客户端已被吊销")
		}
		if err := s.audit.Record(ctx, actor, Entry{Action: "api_client.revoke", ObjectType: "api_client", ObjectID: c.ClientID,
			Reason: reason}); err != nil {
			return err
		}
		c, err = s.store.APIClientByID(ctx, id)
		if err != nil {
			return err
		}
		out = clientView(c)
		return nil
	})
	return out, apperr.Wrap(err, "revoke api client")
}

// RotateSecret gives a client a new secret (shown this once) and ends every
// token issued under the old one.
func (s *APIClients) RotateSecret(ctx context.Context, actor access.Actor, id int64) (APIClientView, string, error) {
	secret, err := newClientSecret()
	if err != nil {
		return APIClientView{}, "", err
	}
	var out APIClientView
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.APIClientByID(ctx, id)
		if err != nil {
			return err
		}
		ok, err := s.store.RotateAPIClientSecret(ctx, id, auth.HashToken(secret), actor.Username, s.now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, "已吊销的客户端不能更换密钥")
		}
		if err := s.audit.Record(ctx, actor, Entry{Action: "api_client.rotate_secret", ObjectType: "api_client", ObjectID: c.ClientID}); err != nil {
			return err
		}
		c, err = s.store.APIClientByID(ctx, id)
		if err != nil {
			return err
		}
		out = clientView(c)
		return nil
	})
	if err != nil {
		return APIClientView{}, "", apperr.Wrap(err, "rotate api client secret")
	}
	return out, secret, nil
}

// ClientToken is what the token endpoint hands out.
type ClientToken struct {
	AccessToken string
	ExpiresIn   int // seconds
	Scope       string
}

// errBadClient is the one answer for an unknown client, a wrong secret and
// a revoked client (RFC 6749 §5.2 invalid_client).
var errBadClient = apperr.New(apperr.InvalidCredentials, "客户端认证失败")

// clientActor is who an API client is in the audit log.
func clientActor(clientID string, c Client) access.Actor {
	return access.Actor{Username: truncate("client:"+clientID, 64), Role: ClientRole, RequestID: c.RequestID, ClientIP: c.IP}
}

// IssueToken is the client-credentials grant (RFC 6749 §4.4): the secret
// checked, the requested scopes narrowed from those granted (none asked =
// all granted), a short-lived token signed. Every issue and every refusal
// is audited.
func (s *APIClients) IssueToken(ctx context.Context, c Client, clientID, secret, scope string) (ClientToken, error) {
	clientID = strings.TrimSpace(clientID)
	a := clientActor(clientID, c)
	refuse := func(reason string, err error) (ClientToken, error) {
		if aerr := s.audit.Record(ctx, a, Entry{Action: "auth.client_token", ObjectType: "api_client", ObjectID: truncate(clientID, 64),
			Result: ResultFailed, Reason: reason}); aerr != nil {
			return ClientToken{}, apperr.Wrap(aerr, "audit client token")
		}
		return ClientToken{}, err
	}
	row, err := s.store.APIClientByClientID(ctx, clientID)
	if err != nil {
		return ClientToken{}, apperr.Wrap(err, "client lookup")
	}
	want := s.dummyHash
	if row != nil {
		want = row.SecretHash
	}
	match := subtle.ConstantTimeCompare([]byte(auth.HashToken(secret)), []byte(want)) == 1
	switch {
	case row == nil || clientID == "":
		return refuse("unknown client", errBadClient)
	case !match:
		return refuse("wrong secret", errBadClient)
	case row.RevokedAt != nil:
		return refuse("revoked", errBadClient)
	}
	granted := splitScopes(row.Scopes)
	scopes := granted
	if strings.TrimSpace(scope) != "" {
		asked, bad := canonicalScopes(strings.Fields(scope))
		if bad == "" {
			for _, x := range asked {
				if !slices.Contains(granted, x) {
					bad = x
				}
			}
		}
		if bad != "" {
			return refuse("scope not granted: "+bad, apperr.Invalid(apperr.Detail{Field: "scope", Message: "未授予的权限范围：" + bad}))
		}
		scopes = asked
	}
	tok, _, err := s.signer.Issue(row.ClientID, strings.Join(scopes, " "), row.SecretVersion)
	if err != nil {
		return ClientToken{}, apperr.Wrap(err, "sign client token")
	}
	now := s.now().UTC()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.TouchAPIClient(ctx, row.ID, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, a, Entry{Action: "auth.client_token", ObjectType: "api_client", ObjectID: row.ClientID,
			Reason: "scope=" + strings.Join(scopes, " ")})
	})
	if err != nil {
		return ClientToken{}, apperr.Wrap(err, "issue client token")
	}
	return ClientToken{AccessToken: tok, ExpiresIn: int(s.signer.TTL.Seconds()), Scope: strings.Join(scopes, " ")}, nil
}

// ClientPrincipal is an authenticated API client.
type ClientPrincipal struct {
	ID            int64
	ClientID      string
	Scopes        []string // of the token, all still granted
	Department    string
	RatePerMinute int
	Actor         access.Actor // for the audit log
}

var errBadClientToken = apperr.New(apperr.Unauthorized, "访问令牌无效或已过期")

// AuthenticateClient turns a client's bearer token into the client, reading
// its row every time: a revoked client or a rotated secret is refused on
// the very next call, whatever the token's expiry. A user's token is never
// a client's (ClientSigner). needScope, when set, must be among the token's
// scopes (403 otherwise, audited).
func (s *APIClients) AuthenticateClient(ctx context.Context, c Client, bearer, needScope string) (ClientPrincipal, error) {
	claims, err := s.signer.Verify(bearer)
	if err != nil {
		return ClientPrincipal{}, errBadClientToken
	}
	row, err := s.store.APIClientByClientID(ctx, claims.ClientID)
	if err != nil {
		return ClientPrincipal{}, apperr.Wrap(err, "authenticate client")
	}
	if row == nil {
		return ClientPrincipal{}, errBadClientToken
	}
	a := clientActor(row.ClientID, c)
	a.Scope = access.Scope{Department: row.Department}
	deny := func(reason string, err error) (ClientPrincipal, error) {
		if aerr := s.audit.Record(ctx, a, Entry{Action: "access.denied", ObjectType: "api_client", ObjectID: row.ClientID,
			Result: ResultDenied, Reason: reason}); aerr != nil {
			return ClientPrincipal{}, apperr.Wrap(aerr, "audit client access")
		}
		return ClientPrincipal{}, err
	}
	switch {
	case row.RevokedAt != nil:
		return deny("客户端已吊销", errBadClientToken)
	case row.SecretVersion != claims.SecretVersion:
		return deny("令牌签发于更换密钥之前", errBadClientToken)
	}
	granted := splitScopes(row.Scopes)
	var scopes []string
	for _, x := range splitScopes(claims.Scope) {
		if slices.Contains(granted, x) {
			scopes = append(scopes, x)
		}
	}
	if needScope != "" && !slices.Contains(scopes, needScope) {
		return deny("令牌不含权限范围 "+needScope, ErrInsufficientScope)
	}
	if err := s.store.TouchAPIClient(ctx, row.ID, s.now().UTC()); err != nil {
		return ClientPrincipal{}, apperr.Wrap(err, "touch client")
	}
	return ClientPrincipal{ID: row.ID, ClientID: row.ClientID, Scopes: scopes, Department: row.Department,
		RatePerMinute: row.RatePerMinute, Actor: a}, nil
}

// IsClientToken reports whether a bearer token is a valid API client's
// (for the routes open to users and clients alike).
func (s *APIClients) IsClientToken(bearer string) bool {
	_, err := s.signer.Verify(bearer)
	return err == nil
}

// ErrInsufficientScope is the refusal of a valid token without the scope a
// route needs (RFC 6750 §3.1 insufficient_scope).
var ErrInsufficientScope = apperr.New(apperr.Forbidden, "访问令牌的权限范围不包括此操作")

// RecordCall audits one call of a client: which route, with what answer.
// The integration endpoints write their own records of what was read or
// pushed besides.
func (s *APIClients) RecordCall(ctx context.Context, p ClientPrincipal, route string, status int) error {
	res := ResultOK
	switch {
	case status == 401 || status == 403 || status == 429:
		res = ResultDenied
	case status >= 400:
		res = ResultFailed
	}
	return s.audit.Record(ctx, p.Actor, Entry{Action: "integration.call", ObjectType: "route", ObjectID: truncate(route, 64),
		Result: res, Reason: "HTTP " + strconv.Itoa(status)})
}

// RegisterAnswer is what a register search tells: whether the person is a
// member of a live household of the register, and if so which household,
// where, and its 建档立卡 status. Nothing else of the person or the
// household leaves: no name, no ID number, no incomes, no members, not the
// rules' working outcome (which the review procedure has yet to decide).
type RegisterAnswer struct {
	InRegister    bool
	HouseholdCode string
	StreetCode    string
	StreetName    string
	VillageCode   string
	VillageName   string
	Status        string
	ExitedYear    *int
}

// SearchRegister looks a person up by ID number (scope register:read). The
// search is audited with the client and the blind index of the number, never
// the number itself.
func (s *APIClients) SearchRegister(ctx context.Context, p ClientPrincipal, idNumber string) (RegisterAnswer, error) {
	idNumber = idcard.Normalize(strings.TrimSpace(idNumber))
	if err := idcard.Validate(idNumber, s.now().In(localdate.Shanghai)); err != nil {
		return RegisterAnswer{}, apperr.Invalid(apperr.Detail{Field: "id_number", Message: "身份证号不正确：" + err.Error()})
	}
	ix, err := s.store.IDIndex(idNumber)
	if err != nil {
		return RegisterAnswer{}, apperr.Wrap(err, "blind index")
	}
	e, err := s.store.RegisterEntryByIDIndex(ctx, ix)
	if err != nil {
		return RegisterAnswer{}, apperr.Wrap(err, "register search")
	}
	out := RegisterAnswer{}
	reason := "not in register"
	if e != nil {
		tree, err := s.regions.Tree(ctx)
		if err != nil {
			return RegisterAnswer{}, err
		}
		out = RegisterAnswer{InRegister: true, HouseholdCode: e.HouseholdCode, StreetCode: e.StreetCode,
			VillageCode: e.VillageCode, Status: e.Status, ExitedYear: e.ExitedYear}
		for _, st := range tree.Streets {
			if st.Code == e.StreetCode {
				out.StreetName = st.Name
			}
		}
		for _, v := range tree.Villages {
			if v.Code == e.VillageCode {
				out.VillageName = v.Name
			}
		}
		reason = "household " + e.HouseholdCode
	}
	err = s.audit.Record(ctx, p.Actor, Entry{Action: "integration.register_search", ObjectType: "person_index", ObjectID: ix,
		Reason: reason})
	return out, apperr.Wrap(err, "audit register search")
}

// liaison is the client acting as its department's liaison: the department
// checks and the department-scoped store queries of the cross-checks apply
// to it unchanged. The audit records the cross-checks write name the client.
func (p ClientPrincipal) liaison() access.Actor {
	a := p.Actor
	a.Role = access.Department
	a.Scope = access.Scope{Department: p.Department}
	return a
}

// ownDepartment refuses, audited, a push or read for another department
// than the client's own (the cross-checks' department check refuses it
// again).
func (s *APIClients) ownDepartment(ctx context.Context, p ClientPrincipal, code string) error {
	if p.Department != "" && p.Department == code {
		return nil
	}
	msg := "客户端只能推送本部门的台账"
	if err := s.audit.Record(ctx, p.Actor, Entry{Action: "access.denied", ObjectType: "department", ObjectID: truncate(code, 64),
		Result: ResultDenied, Reason: msg}); err != nil {
		return apperr.Wrap(err, "audit denied access")
	}
	return apperr.New(apperr.Forbidden, msg)
}

// PushImport pushes a department register (scope departments:push) through
// the same import as a liaison's upload: validated whole, dry run possible,
// the same file twice changes nothing.
func (s *APIClients) PushImport(ctx context.Context, p ClientPrincipal, code, dataset, fileName string, src io.Reader, dryRun bool) (*store.DeptImport, error) {
	if err := s.ownDepartment(ctx, p, code); err != nil {
		return nil, err
	}
	return s.cross.StartImport(ctx, p.liaison(), code, dataset, fileName, src, dryRun)
}

// PushedImport reads one import of the client's department (404 for
// another department's: the store query is limited to the department).
func (s *APIClients) PushedImport(ctx context.Context, p ClientPrincipal, id int64) (*ImportDetail, error) {
	if p.Department == "" {
		return nil, apperr.NotFoundf("导入记录")
	}
	return s.cross.Import(ctx, p.liaison(), id)
}

// canonicalScopes de-duplicates and orders scopes as Scopes does; bad is
// the first unknown one.
func canonicalScopes(in []string) (out []string, bad string) {
	for _, x := range in {
		x = strings.TrimSpace(x)
		if !slices.Contains(Scopes, x) {
			return nil, x
		}
	}
	for _, x := range Scopes {
		if slices.ContainsFunc(in, func(y string) bool { return strings.TrimSpace(y) == x }) {
			out = append(out, x)
		}
	}
	return out, ""
}

func splitScopes(s string) []string { return strings.Fields(s) }
