package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// DepartmentDTO is a department by code and Chinese name.
type DepartmentDTO struct {
	Code string `json:"code" example:"police"`
	Name string `json:"name" example:"区公安分局"`
}

// DepartmentsResponse lists the departments.
type DepartmentsResponse struct {
	Items []DepartmentDTO `json:"items"`
}

// departments godoc
//
//	@Summary	The departments and their Chinese names (附件：相关部门职责)
//	@Tags		departments
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	DepartmentsResponse
//	@Router		/departments [get]
func (s *Server) departments(c *gin.Context) {
	ds, err := s.Departments.List(c.Request.Context())
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := DepartmentsResponse{Items: make([]DepartmentDTO, len(ds))}
	for i, d := range ds {
		out.Items[i] = DepartmentDTO{Code: d.Code, Name: d.Name}
	}
	c.JSON(http.StatusOK, out)
}
