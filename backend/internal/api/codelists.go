package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// CodeItemDTO is one entry of a code list.
type CodeItemDTO struct {
	Code    string `json:"code" example:"illness"`
	LabelZh string `json:"label_zh" example:"因病"`
	LabelEn string `json:"label_en" example:"illness"`
}

// CodeListsResponse holds every code list by name (cause, relation, health …).
type CodeListsResponse struct {
	Lists map[string][]CodeItemDTO `json:"lists"`
}

// codeLists godoc
//
//	@Summary	The register's code lists, with Chinese and English labels
//	@Tags		regions
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	CodeListsResponse
//	@Router		/code-lists [get]
func (s *Server) codeLists(c *gin.Context) {
	lists, err := s.CodeLists.All(c.Request.Context())
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := CodeListsResponse{Lists: map[string][]CodeItemDTO{}}
	for name, items := range lists {
		for _, it := range items {
			out.Lists[name] = append(out.Lists[name], CodeItemDTO(it))
		}
	}
	c.JSON(http.StatusOK, out)
}

// VillageGroupDTO is a 村民小组.
type VillageGroupDTO struct {
	ID   int64  `json:"id"`
	Name string `json:"name" example:"第3村民小组"`
}

// VillageGroupsResponse lists a village's groups.
type VillageGroupsResponse struct {
	Items []VillageGroupDTO `json:"items"`
}

// villageGroups godoc
//
//	@Summary		The village groups (村民小组) of a village
//	@Description	404 when the village does not exist or is outside the caller's scope.
//	@Tags			regions
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string	true	"village code"
//	@Success		200		{object}	VillageGroupsResponse
//	@Failure		404		{object}	ErrorBody
//	@Router			/villages/{code}/groups [get]
func (s *Server) villageGroups(c *gin.Context) {
	gs, err := s.Regions.VillageGroups(c.Request.Context(), actor(c), c.Param("code"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := VillageGroupsResponse{Items: []VillageGroupDTO{}}
	for _, g := range gs {
		out.Items = append(out.Items, VillageGroupDTO{ID: g.ID, Name: g.Name})
	}
	c.JSON(http.StatusOK, out)
}
