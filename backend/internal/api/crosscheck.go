package api

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
	"jingzhun/internal/crosscheck"
	"jingzhun/internal/idcard"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// DatasetChoiceDTO is one value of an enumerated column.
type DatasetChoiceDTO struct {
	Code  string `json:"code" example:"commercial_housing"`
	Label string `json:"label" example:"商品房"`
}

// DatasetColumnDTO is a column of a department's register file.
type DatasetColumnDTO struct {
	Key      string             `json:"key" example:"price"`
	Header   string             `json:"header" example:"购置价格（元）"`
	Kind     string             `json:"kind" example:"money" enums:"text,id_number,date,money,int,enum,bool"`
	Required bool               `json:"required"`
	Choices  []DatasetChoiceDTO `json:"choices"`
	Example  string             `json:"example" example:"45000"`
	Help     string             `json:"help"`
}

// DatasetDTO is a register a department can upload for comparison.
type DatasetDTO struct {
	Code       string             `json:"code" example:"vehicles"`
	Name       string             `json:"name" example:"机动车登记信息"`
	Department string             `json:"department" example:"police"`
	Rule       string             `json:"rule" example:"EX-03"`
	Columns    []DatasetColumnDTO `json:"columns"`
}

// DatasetsResponse lists a department's datasets.
type DatasetsResponse struct {
	Items []DatasetDTO `json:"items"`
}

func datasetDTO(d crosscheck.Dataset) DatasetDTO {
	out := DatasetDTO{Code: d.Code, Name: d.Name, Department: d.Department, Rule: d.Rule, Columns: make([]DatasetColumnDTO, len(d.Columns))}
	for i, c := range d.Columns {
		cs := make([]DatasetChoiceDTO, len(c.Choices))
		for j, ch := range c.Choices {
			cs[j] = DatasetChoiceDTO{Code: ch.Code, Label: ch.Label}
		}
		out.Columns[i] = DatasetColumnDTO{Key: c.Key, Header: c.Header, Kind: string(c.Kind), Required: c.Required, Choices: cs, Example: c.Example, Help: c.Help}
	}
	return out
}

// departmentDatasets godoc
//
//	@Summary		The registers a department uploads for comparison (行业数据比对)
//	@Description	Each dataset with its columns (Chinese headers, kinds, choices) and the rule it mainly bears on. A liaison may ask for its own department only (403 otherwise); the district for any.
//	@Tags			departments
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string	true	"department code"
//	@Success		200		{object}	DatasetsResponse
//	@Failure		403		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Router			/departments/{code}/datasets [get]
func (s *Server) departmentDatasets(c *gin.Context) {
	ds, err := s.CrossChecks.Datasets(c.Request.Context(), actor(c), c.Param("code"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := DatasetsResponse{Items: make([]DatasetDTO, len(ds))}
	for i, d := range ds {
		out.Items[i] = datasetDTO(d)
	}
	c.JSON(http.StatusOK, out)
}

// allDatasets godoc
//
//	@Summary		Every register the departments upload for comparison, with its department and rule (filters of the discrepancy list)
//	@Tags			discrepancies
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	DatasetsResponse
//	@Router			/datasets [get]
func (s *Server) allDatasets(c *gin.Context) {
	ds := crosscheck.Datasets()
	out := DatasetsResponse{Items: make([]DatasetDTO, len(ds))}
	for i, d := range ds {
		out.Items[i] = datasetDTO(d)
	}
	c.JSON(http.StatusOK, out)
}

// datasetTemplate godoc
//
//	@Summary	A dataset's Excel template (Chinese headers, an example row, a sheet of instructions)
//	@Tags		departments
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		code	path	string	true	"department code"
//	@Param		dataset	path	string	true	"dataset code"
//	@Success	200		{file}	file
//	@Failure	403		{object}	ErrorBody
//	@Failure	422		{object}	ErrorBody
//	@Router		/departments/{code}/datasets/{dataset}/template [get]
func (s *Server) datasetTemplate(c *gin.Context) {
	ds, ok := crosscheck.ByCode(c.Param("dataset"))
	name := c.Param("dataset") + "-template.xlsx"
	if ok {
		name = ds.Code + "-模板.xlsx"
	}
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.CrossChecks.Template(c.Request.Context(), actor(c), c.Param("code"), c.Param("dataset"), w)
	})
}

// sendXLSX streams a workbook as a download; on an error before anything
// was written the error goes out as JSON instead.
func sendXLSX(c *gin.Context, s *Server, name string, write func(w http.ResponseWriter) error) {
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	if err := write(c.Writer); err != nil {
		c.Header("Content-Disposition", "")
		c.Header("Content-Type", "")
		fail(c, s.log, err)
	}
}

// DeptImportDTO is one upload of a department's register.
type DeptImportDTO struct {
	ID            int64      `json:"id"`
	Department    string     `json:"department" example:"police"`
	Dataset       string     `json:"dataset" example:"vehicles"`
	DatasetName   string     `json:"dataset_name" example:"机动车登记信息"`
	CampaignID    int64      `json:"campaign_id"`
	FileName      string     `json:"file_name"`
	FileSize      int64      `json:"file_size"`
	DryRun        bool       `json:"dry_run"`
	Status        string     `json:"status" enums:"queued,running,refused,validated,imported,unchanged,failed"`
	Message       string     `json:"message" example:"已导入 1200 行：匹配到户内成员 35 人，未匹配 1165 人，新发现差异 4 条。"`
	Rows          int64      `json:"rows"`
	ProblemCount  int64      `json:"problem_count"`
	Matched       int64      `json:"matched"`
	Unmatched     int64      `json:"unmatched"`
	Discrepancies int64      `json:"discrepancies"`
	SameAs        *int64     `json:"same_as"`
	JobID         *int64     `json:"job_id"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	FinishedAt    *time.Time `json:"finished_at"`
}

func deptImportDTO(d *store.DeptImport) DeptImportDTO {
	ds, _ := crosscheck.ByCode(d.Dataset)
	return DeptImportDTO{ID: d.ID, Department: d.Department, Dataset: d.Dataset, DatasetName: ds.Name, CampaignID: d.CampaignID,
		FileName: d.FileName, FileSize: d.FileSize, DryRun: d.DryRun, Status: d.Status, Message: d.Message, Rows: d.Rows,
		ProblemCount: d.ProblemCount, Matched: d.Matched, Unmatched: d.Unmatched, Discrepancies: d.Discrepancies,
		SameAs: d.SameAs, JobID: d.JobID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, FinishedAt: d.FinishedAt}
}

// startDepartmentImport godoc
//
//	@Summary		Upload a department's register (CSV or XLSX) for comparison
//	@Description	Multipart form with `file` (.csv UTF-8 or .xlsx, the dataset's template) and `dataset`. Starts a background job (202; follow it with GET /jobs/{job_id}, then read GET /department-imports/{id}). The whole file is validated first: one bad row and nothing is imported, every problem listed (row, column, value, reason) with a downloadable report. `dry_run=true` validates only. The same file imported again changes nothing (status unchanged). Rows are matched to members by ID number; differences from the survey become discrepancies for the check team of the household's street.
//	@Tags			departments
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string	true	"department code"
//	@Param			dataset	formData	string	true	"dataset code"
//	@Param			file	formData	file	true	".csv or .xlsx"
//	@Param			dry_run	query		bool	false	"validate only"
//	@Success		202		{object}	DeptImportDTO
//	@Failure		403		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		413		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/departments/{code}/imports [post]
func (s *Server) startDepartmentImport(c *gin.Context) {
	limit := s.opt.RegisterUploadLimit
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+64<<10)
	fh, err := c.FormFile("file")
	if err != nil {
		if isMaxBytes(err) {
			fail(c, s.log, tooLarge(limit))
			return
		}
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "file", Message: "请选择要上传的 .xlsx 或 .csv 文件"}))
		return
	}
	if err := onlyFormFields(c, "dataset"); err != nil {
		fail(c, s.log, err)
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
	imp, err := s.CrossChecks.StartImport(c.Request.Context(), actor(c), c.Param("code"), c.PostForm("dataset"), fh.Filename, f, dryRun)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusAccepted, deptImportDTO(imp))
}

// departmentImports godoc
//
//	@Summary	A department's register uploads, newest first
//	@Tags		departments
//	@Produce	json
//	@Security	Bearer
//	@Param		code		path		string	true	"department code"
//	@Param		page		query		int		false	"page"
//	@Param		page_size	query		int		false	"page size (≤ 100)"
//	@Success	200			{object}	Page[DeptImportDTO]
//	@Failure	403			{object}	ErrorBody
//	@Router		/departments/{code}/imports [get]
func (s *Server) departmentImports(c *gin.Context) {
	page, size, err := paging(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	rows, total, err := s.CrossChecks.Imports(c.Request.Context(), actor(c), c.Param("code"), page, size)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[DeptImportDTO]{Items: make([]DeptImportDTO, len(rows)), Total: total, Page: page, PageSize: size}
	for i := range rows {
		out.Items[i] = deptImportDTO(&rows[i])
	}
	c.JSON(http.StatusOK, out)
}

// DeptImportProblemDTO is one bad cell of a refused file.
type DeptImportProblemDTO struct {
	Row    int    `json:"row" example:"7"`
	Column string `json:"column" example:"购置日期"`
	Value  string `json:"value" example:"2017-13-01"`
	Reason string `json:"reason" example:"日期不存在，应为 2017-05-01 这样的日期"`
}

// UnmatchedPersonDTO is a row that matches no member of the register.
type UnmatchedPersonDTO struct {
	Row      int    `json:"row"`
	IDNumber string `json:"id_number" example:"530103********0018"`
	Name     string `json:"name"`
}

// DeptImportDetailDTO is an import with its first problems (all in the
// report) and the first people outside the register.
type DeptImportDetailDTO struct {
	DeptImportDTO
	Problems  []DeptImportProblemDTO `json:"problems"`
	Unmatched []UnmatchedPersonDTO   `json:"unmatched_people"`
}

// departmentImport godoc
//
//	@Summary		One register upload: status, counts, the first 200 problems and unmatched people
//	@Description	ID numbers of unmatched people are masked; the report (GET /department-imports/{id}/report) lists them in full for the department.
//	@Tags			departments
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"import id"
//	@Success		200	{object}	DeptImportDetailDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/department-imports/{id} [get]
func (s *Server) departmentImport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	d, err := s.CrossChecks.Import(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := DeptImportDetailDTO{DeptImportDTO: deptImportDTO(&d.Import), Problems: make([]DeptImportProblemDTO, len(d.Problems)), Unmatched: make([]UnmatchedPersonDTO, len(d.Unmatched))}
	for i, p := range d.Problems {
		out.Problems[i] = DeptImportProblemDTO{Row: p.RowNo, Column: p.Col, Value: p.Value, Reason: p.Reason}
	}
	for i, r := range d.Unmatched {
		out.Unmatched[i] = UnmatchedPersonDTO{Row: r.RowNo, IDNumber: idcard.Mask(r.IDNumber), Name: r.Name}
	}
	c.JSON(http.StatusOK, out)
}

// departmentImportReport godoc
//
//	@Summary	XLSX report of an upload: every problem of a refused file (row, column, value, reason), or the people of an imported file who match no member
//	@Tags		departments
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		id	path	int	true	"import id"
//	@Success	200	{file}	file
//	@Failure	404	{object}	ErrorBody
//	@Router		/department-imports/{id}/report [get]
func (s *Server) departmentImportReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	sendXLSX(c, s, fmt.Sprintf("导入报告-%d.xlsx", id), func(w http.ResponseWriter) error {
		return s.CrossChecks.Report(c.Request.Context(), actor(c), id, w)
	})
}

// DiscrepancyDTO is a difference between a department's record and the survey.
type DiscrepancyDTO struct {
	ID              int64      `json:"id"`
	Dataset         string     `json:"dataset" example:"vehicles"`
	DatasetName     string     `json:"dataset_name" example:"机动车登记信息"`
	Department      string     `json:"department" example:"police"`
	Rule            string     `json:"rule" example:"EX-03"`
	Field           string     `json:"field" example:"vehicles"`
	FieldLabel      string     `json:"field_label" example:"机动车"`
	HouseholdID     int64      `json:"household_id"`
	HouseholdCode   string     `json:"household_code"`
	StreetCode      string     `json:"street_code"`
	StreetName      string     `json:"street_name"`
	VillageCode     string     `json:"village_code"`
	VillageName     string     `json:"village_name"`
	MemberID        int64      `json:"member_id"`
	MemberName      string     `json:"member_name"`
	IDNumber        string     `json:"id_number" example:"530103********0018"`
	SurveyValue     string     `json:"survey_value" example:"未登记"`
	DepartmentValue string     `json:"department_value" example:"云A12345，购置价格45000.00元，2016-03-01购置"`
	Status          string     `json:"status" enums:"open,accepted,kept"`
	StatusLabel     string     `json:"status_label" example:"待处理"`
	Reason          string     `json:"reason"`
	ResolvedBy      string     `json:"resolved_by"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

func discrepancyDTO(r *store.DiscrepancyRow) DiscrepancyDTO {
	ds, _ := crosscheck.ByCode(r.Dataset)
	return DiscrepancyDTO{ID: r.ID, Dataset: r.Dataset, DatasetName: ds.Name, Department: r.Department, Rule: r.Rule, Field: r.Field,
		FieldLabel: r.FieldLabel, HouseholdID: r.HouseholdID, HouseholdCode: r.HouseholdCode, StreetCode: r.StreetCode,
		StreetName: r.StreetName, VillageCode: r.VillageCode, VillageName: r.VillageName, MemberID: r.MemberID,
		MemberName: r.MemberName, IDNumber: r.MemberIDNo, SurveyValue: r.SurveyValue, DepartmentValue: r.DepartmentValue,
		Status: r.Status, StatusLabel: service.DiscrepancyStatusName(r.Status), Reason: r.Reason, ResolvedBy: r.ResolvedBy,
		ResolvedAt: r.ResolvedAt, CreatedAt: r.CreatedAt}
}

// DiscrepancyListResponse is a page of discrepancies with counts by status.
type DiscrepancyListResponse struct {
	Page[DiscrepancyDTO]
	Counts map[string]int64 `json:"counts"`
}

func discrepancyFilter(c *gin.Context) (store.DiscrepancyFilter, error) {
	f := store.DiscrepancyFilter{Dataset: c.Query("dataset"), Rule: c.Query("rule"), StreetCode: c.Query("street"), VillageCode: c.Query("village")}
	switch st := c.DefaultQuery("status", store.DiscrepancyOpen); st {
	case "all":
	case store.DiscrepancyOpen, store.DiscrepancyAccepted, store.DiscrepancyKept:
		f.Status = st
	default:
		return f, apperr.Invalid(apperr.Detail{Field: "status", Message: "状态应为 open、accepted、kept 或 all"})
	}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"campaign_id", &f.CampaignID}, {"household_id", &f.HouseholdID}} {
		if v := c.Query(q.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, apperr.Invalid(apperr.Detail{Field: q.name, Message: "应为正整数"})
			}
			*q.dst = n
		}
	}
	return f, nil
}

// listDiscrepancies godoc
//
//	@Summary		Discrepancies between department registers and the survey, in the caller's scope
//	@Description	Default: the open ones of the active campaign. ID numbers masked.
//	@Tags			discrepancies
//	@Produce		json
//	@Security		Bearer
//	@Param			campaign_id		query		int		false	"campaign (default: the active one)"
//	@Param			status			query		string	false	"open (default), accepted, kept, all"
//	@Param			dataset			query		string	false	"dataset code"
//	@Param			rule			query		string	false	"rule code"
//	@Param			street			query		string	false	"street code"
//	@Param			village			query		string	false	"village code"
//	@Param			household_id	query		int		false	"household"
//	@Param			page			query		int		false	"page"
//	@Param			page_size		query		int		false	"page size (≤ 100)"
//	@Success		200				{object}	DiscrepancyListResponse
//	@Failure		400				{object}	ErrorBody
//	@Router			/discrepancies [get]
func (s *Server) listDiscrepancies(c *gin.Context) {
	f, err := discrepancyFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	if f.Page, f.PageSize, err = paging(c); err != nil {
		fail(c, s.log, err)
		return
	}
	l, err := s.CrossChecks.Discrepancies(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := DiscrepancyListResponse{Page: Page[DiscrepancyDTO]{Items: make([]DiscrepancyDTO, len(l.Rows)), Total: l.Total, Page: f.Page, PageSize: f.PageSize}, Counts: l.Counts}
	for i := range l.Rows {
		out.Items[i] = discrepancyDTO(&l.Rows[i])
	}
	c.JSON(http.StatusOK, out)
}

// exportDiscrepancies godoc
//
//	@Summary	The filtered discrepancies as XLSX (ID numbers masked)
//	@Tags		discrepancies
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		status	query	string	false	"open (default), accepted, kept, all"
//	@Param		dataset	query	string	false	"dataset code"
//	@Param		street	query	string	false	"street code"
//	@Param		village	query	string	false	"village code"
//	@Success	200		{file}	file
//	@Router		/discrepancies/export [get]
func (s *Server) exportDiscrepancies(c *gin.Context) {
	f, err := discrepancyFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	sendXLSX(c, s, "比对差异-"+time.Now().In(s.opt.Loc).Format("20060102-150405")+".xlsx", func(w http.ResponseWriter) error {
		return s.CrossChecks.ExportDiscrepancies(c.Request.Context(), actor(c), f, w)
	})
}

// RecordCellDTO is one cell of a department's row.
type RecordCellDTO struct {
	Header string `json:"header" example:"购置价格（元）"`
	Value  string `json:"value" example:"45000.00"`
}

// DiscrepancyDetailDTO is one discrepancy with the department's whole row
// (in its columns' order) and, after acceptance, the household's new outcome.
type DiscrepancyDetailDTO struct {
	DiscrepancyDTO
	Record  []RecordCellDTO      `json:"record"`
	Outcome *HouseholdOutcomeDTO `json:"outcome"`
}

func discrepancyDetailDTO(d *service.DiscrepancyDetail) DiscrepancyDetailDTO {
	out := DiscrepancyDetailDTO{DiscrepancyDTO: discrepancyDTO(&d.DiscrepancyRow), Record: make([]RecordCellDTO, len(d.Record))}
	for i, c := range d.Record {
		out.Record[i] = RecordCellDTO{Header: c.Header, Value: c.Value}
	}
	if d.Outcome != nil {
		o := householdOutcomeDTO(d.Outcome)
		out.Outcome = &o
	}
	return out
}

// getDiscrepancy godoc
//
//	@Summary		One discrepancy, side by side: the survey's value and the department's row
//	@Description	The member's ID number in full for the roles that see full records (audited read). 404 outside the caller's scope.
//	@Tags			discrepancies
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"discrepancy id"
//	@Success		200	{object}	DiscrepancyDetailDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/discrepancies/{id} [get]
func (s *Server) getDiscrepancy(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	d, err := s.CrossChecks.Discrepancy(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, discrepancyDetailDTO(d))
}

// ResolveDiscrepancyInput is the check team's decision.
type ResolveDiscrepancyInput struct {
	Decision string `json:"decision" binding:"required" enums:"accept,keep" example:"accept"`
	Reason   string `json:"reason" example:"入户核实，车辆登记在该成员名下"`
}

// resolveDiscrepancy godoc
//
//	@Summary		Resolve a discrepancy: take the department's value (accept) or keep the survey's with a reason (keep)
//	@Description	Accepting edits the household like any edit (new version, audited) and recomputes its outcome, returned in `outcome`. A discrepancy is resolved once (409 after).
//	@Tags			discrepancies
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"discrepancy id"
//	@Param			body	body		ResolveDiscrepancyInput	true	"decision"
//	@Success		200		{object}	DiscrepancyDetailDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/discrepancies/{id}/resolve [post]
func (s *Server) resolveDiscrepancy(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in ResolveDiscrepancyInput
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	d, err := s.CrossChecks.Resolve(c.Request.Context(), actor(c), id, in.Decision, in.Reason)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, discrepancyDetailDTO(d))
}
