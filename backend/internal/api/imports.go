package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
)

// ImportProblemDTO is one problem of an import file, where to find it.
type ImportProblemDTO struct {
	Sheet  string `json:"sheet" example:"家庭成员"`
	Row    int    `json:"row" example:"5"`
	Column string `json:"column" example:"身份证号"`
	Value  string `json:"value"`
	Reason string `json:"reason" example:"校验码错误"`
}

// ImportReportDTO is the outcome of a register import.
type ImportReportDTO struct {
	Format     string             `json:"format" example:"xlsx"`
	Households int                `json:"households"`
	Created    int                `json:"created"`
	Unchanged  int                `json:"unchanged"`
	Problems   []ImportProblemDTO `json:"problems"`
}

// ImportRejectedBody is the 422 of an import with problems: the error and the
// complete report.
type ImportRejectedBody struct {
	Error  ErrorDetail     `json:"error"`
	Report ImportReportDTO `json:"report"`
}

func importReportDTO(r *service.ImportReport) ImportReportDTO {
	out := ImportReportDTO{Format: r.Format, Households: r.Households, Created: r.Created, Unchanged: r.Unchanged, Problems: []ImportProblemDTO{}}
	for _, p := range r.Problems {
		out.Problems = append(out.Problems, ImportProblemDTO(p))
	}
	return out
}

// importHouseholds godoc
//
//	@Summary		Import an existing register (household-v1 JSON or the Excel template)
//	@Description	Multipart form with `file`: an evaluation envelope (household-v1 JSON; its campaign is what the households are checked against) or the filled-in Excel template. Every household is checked first: one problem and nothing is imported (422 with the complete report: sheet, row, column, value, reason). A household already in the register with the same data is counted as unchanged, so the same file twice changes nothing the second time; an existing code with different data is a problem, never overwritten. At most 20,000 households per file.
//	@Tags			households
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		Bearer
//	@Param			file	formData	file	true	"household-v1 JSON envelope or .xlsx template"
//	@Success		200		{object}	ImportReportDTO
//	@Failure		400		{object}	ErrorBody
//	@Failure		413		{object}	ErrorBody
//	@Failure		422		{object}	ImportRejectedBody
//	@Router			/households/import [post]
func (s *Server) importHouseholds(c *gin.Context) {
	name, data, err := formFile(c, s.opt.EvalBodyLimit, "请选择要导入的文件")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	rep, err := s.Imports.Import(c.Request.Context(), actor(c), name, data)
	if errors.Is(err, service.ErrImportRejected) && rep != nil {
		e := apperr.As(err)
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, ImportRejectedBody{
			Error: ErrorDetail{Code: string(e.Code), RequestID: requestID(c),
				Message: fmt.Sprintf("%s（共%d处问题）", e.Message, len(rep.Problems))},
			Report: importReportDTO(rep),
		})
		return
	}
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, importReportDTO(rep))
}

// importTemplate godoc
//
//	@Summary	The Excel template of the register import
//	@Tags		households
//	@Produce	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security	Bearer
//	@Success	200	{file}	file
//	@Router		/households/import-template [get]
func (s *Server) importTemplate(c *gin.Context) {
	sendXLSX(c, s, "户表导入模板.xlsx", func(w http.ResponseWriter) error { return s.Imports.Template(w) })
}
