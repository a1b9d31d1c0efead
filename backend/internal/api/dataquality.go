package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/quality"
	"jingzhun/internal/service"
)

// QualityCountDTO is one check with the number of its findings.
type QualityCountDTO struct {
	Code     string `json:"code" example:"DQ-04"`
	Severity string `json:"severity" enums:"error,warning"`
	Title    string `json:"title" example:"户主不是恰好一人"`
	Count    int64  `json:"count"`
}

// QualityVillageDTO counts a village's findings.
type QualityVillageDTO struct {
	VillageCode string `json:"village_code" example:"530103012004"`
	VillageName string `json:"village_name"`
	StreetCode  string `json:"street_code" example:"530103012"`
	StreetName  string `json:"street_name"`
	Errors      int64  `json:"errors"`
	Warnings    int64  `json:"warnings"`
}

// QualityItemDTO is one finding, linked to the field of the household form:
// field is the register's field key (registered_on, members.id_number …);
// for a member's field member_id and member_index say which member (null
// for a household field).
type QualityItemDTO struct {
	HouseholdID   int64  `json:"household_id"`
	HouseholdCode string `json:"household_code"`
	HeadName      string `json:"head_name"`
	StreetName    string `json:"street_name"`
	VillageCode   string `json:"village_code"`
	VillageName   string `json:"village_name"`
	Code          string `json:"code" example:"DQ-04"`
	Severity      string `json:"severity" enums:"error,warning"`
	Title         string `json:"title" example:"户主不是恰好一人"`
	Message       string `json:"message" example:"在户成员中没有户主（原户主“张三”状态为“死亡”，请变更户主）"`
	Field         string `json:"field" example:"members.relation"`
	MemberID      *int64 `json:"member_id"`
	MemberIndex   *int   `json:"member_index"`
	MemberName    string `json:"member_name"`
}

// DataQualityResponse is a data-quality pass over the caller's scope.
type DataQualityResponse struct {
	Summary   []QualityCountDTO   `json:"summary"`
	ByVillage []QualityVillageDTO `json:"by_village"`
	Items     []QualityItemDTO    `json:"items"`
	Total     int64               `json:"total"`
	Page      int                 `json:"page"`
	PageSize  int                 `json:"page_size"`
}

func qualityFilter(c *gin.Context) service.QualityFilter {
	return service.QualityFilter{StreetCode: c.Query("street"), VillageCode: c.Query("village"), Code: c.Query("code"),
		Severity: quality.Severity(c.Query("severity"))}
}

// dataQuality godoc
//
//	@Summary		Data-quality checks (录入质量, DQ-01 … DQ-16) over the register in the caller's scope
//	@Description	Computed on request over every live household in scope (street and village narrow it). `summary` counts every check over the region filters (zeros included, whatever code and severity say); `by_village` lists the villages with findings the whole filter selects, most errors first; `items` is a page of those findings in household-code order, each linked to its field. Ages are counted at the active campaign's reference date. ID numbers in messages are masked.
//	@Tags			data-quality
//	@Produce		json
//	@Security		Bearer
//	@Param			street		query		string	false	"street code"
//	@Param			village		query		string	false	"village code"
//	@Param			code		query		string	false	"check code, DQ-01 … DQ-16"
//	@Param			severity	query		string	false	"error or warning"
//	@Param			page		query		int		false	"page"
//	@Param			page_size	query		int		false	"page size (≤ 100)"
//	@Success		200			{object}	DataQualityResponse
//	@Failure		400			{object}	ErrorBody
//	@Router			/data-quality [get]
func (s *Server) dataQuality(c *gin.Context) {
	f := qualityFilter(c)
	var err error
	if f.Page, f.PageSize, err = paging(c); err != nil {
		fail(c, s.log, err)
		return
	}
	r, err := s.DataQuality.Report(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := DataQualityResponse{Summary: make([]QualityCountDTO, len(r.Summary)), ByVillage: make([]QualityVillageDTO, len(r.ByVillage)),
		Items: make([]QualityItemDTO, len(r.Items)), Total: r.Total, Page: f.Page, PageSize: f.PageSize}
	for i, x := range r.Summary {
		out.Summary[i] = QualityCountDTO{Code: x.Code, Severity: string(x.Severity), Title: x.Title, Count: x.Count}
	}
	for i, v := range r.ByVillage {
		out.ByVillage[i] = QualityVillageDTO{VillageCode: v.VillageCode, VillageName: v.VillageName, StreetCode: v.StreetCode,
			StreetName: v.StreetName, Errors: v.Errors, Warnings: v.Warnings}
	}
	for i := range r.Items {
		out.Items[i] = qualityItemDTO(&r.Items[i])
	}
	c.JSON(http.StatusOK, out)
}

func qualityItemDTO(it *service.QualityItem) QualityItemDTO {
	out := QualityItemDTO{HouseholdID: it.HouseholdID, HouseholdCode: it.HouseholdCode, HeadName: it.HeadName,
		StreetName: it.StreetName, VillageCode: it.VillageCode, VillageName: it.VillageName, Code: it.Code,
		Severity: string(it.Severity), Title: it.Title, Message: it.Message, Field: it.Field, MemberName: it.MemberName}
	if it.MemberIndex >= 0 {
		idx, id := it.MemberIndex, it.MemberID
		out.MemberIndex, out.MemberID = &idx, &id
	}
	return out
}

// exportDataQuality godoc
//
//	@Summary	The data-quality findings the filter selects, as XLSX (every page; audited)
//	@Tags		data-quality
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Param		street		query	string	false	"street code"
//	@Param		village		query	string	false	"village code"
//	@Param		code		query	string	false	"check code, DQ-01 … DQ-16"
//	@Param		severity	query	string	false	"error or warning"
//	@Success	200			{file}	file
//	@Failure	400			{object}	ErrorBody
//	@Router		/data-quality/export [get]
func (s *Server) exportDataQuality(c *gin.Context) {
	f := qualityFilter(c)
	sendXLSX(c, s, "录入质量-"+time.Now().In(s.opt.Loc).Format("20060102-150405")+".xlsx", func(w http.ResponseWriter) error {
		return s.DataQuality.Export(c.Request.Context(), actor(c), f, w)
	})
}
