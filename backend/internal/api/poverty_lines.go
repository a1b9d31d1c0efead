package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
)

// PovertyLineDTO is the national poverty line of an income year.
type PovertyLineDTO struct {
	IncomeYear int       `json:"income_year" example:"2016"`
	Line       string    `json:"line" example:"3000.00"`
	Note       string    `json:"note"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
}

func povertyLineDTO(l *store.PovertyLine) PovertyLineDTO {
	return PovertyLineDTO{IncomeYear: l.IncomeYear, Line: l.Line.StringFixed(2), Note: l.Note, UpdatedAt: l.UpdatedAt, UpdatedBy: l.UpdatedBy}
}

// PovertyLineInput sets the line of a year.
type PovertyLineInput struct {
	Line decimal.Decimal `json:"line" swaggertype:"string" example:"3026.00"`
	Note string          `json:"note"`
}

// listPovertyLines godoc
//
//	@Summary	The national poverty lines by income year
//	@Tags		campaigns
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{array}	PovertyLineDTO
//	@Router		/poverty-lines [get]
func (s *Server) listPovertyLines(c *gin.Context) {
	ls, err := s.Campaigns.PovertyLines(c.Request.Context())
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := make([]PovertyLineDTO, len(ls))
	for i := range ls {
		out[i] = povertyLineDTO(&ls[i])
	}
	c.JSON(http.StatusOK, out)
}

// setPovertyLine godoc
//
//	@Summary		Record the poverty line of an income year
//	@Description	Audited. A campaign keeps its own poverty line: change the campaign (PATCH /campaigns/{id}) to apply it.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			year	path		int					true	"income year"
//	@Param			body	body		PovertyLineInput	true	"line and note"
//	@Success		200		{object}	PovertyLineDTO
//	@Failure		422		{object}	ErrorBody
//	@Router			/poverty-lines/{year} [put]
func (s *Server) setPovertyLine(c *gin.Context) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		fail(c, s.log, apperr.NotFoundf("年度"))
		return
	}
	var in PovertyLineInput
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	l, err := s.Campaigns.SetPovertyLine(c.Request.Context(), actor(c), year, in.Line, in.Note)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, povertyLineDTO(l))
}
