package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// VillageDTO is an administrative village.
type VillageDTO struct {
	Code string `json:"code" example:"530103012004"`
	Name string `json:"name"`
}

// StreetDTO is a street with its villages and check team.
type StreetDTO struct {
	Code      string       `json:"code" example:"530103012"`
	Name      string       `json:"name" example:"阿子营街道"`
	CheckTeam string       `json:"check_team" example:"A"`
	Villages  []VillageDTO `json:"villages"`
}

// TeamDTO is a check team and its streets.
type TeamDTO struct {
	Code    string   `json:"code" example:"A"`
	Name    string   `json:"name"`
	Streets []string `json:"streets"`
}

// DistrictDTO names the district.
type DistrictDTO struct {
	Code string `json:"code" example:"530103"`
	Name string `json:"name" example:"盘龙区"`
}

// RegionsResponse is the regional tree.
type RegionsResponse struct {
	District DistrictDTO `json:"district"`
	Streets  []StreetDTO `json:"streets"`
	Teams    []TeamDTO   `json:"teams"`
}

// regions godoc
//
//	@Summary	Streets, villages and check teams
//	@Tags		regions
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	RegionsResponse
//	@Router		/regions [get]
func (s *Server) regions(c *gin.Context) {
	t, err := s.Regions.Tree(c.Request.Context())
	if err != nil {
		fail(c, s.log, err)
		return
	}
	d := s.Regions.District()
	out := RegionsResponse{District: DistrictDTO{Code: d.Code, Name: d.Name}, Streets: []StreetDTO{}, Teams: []TeamDTO{}}
	for _, st := range t.Streets {
		sd := StreetDTO{Code: st.Code, Name: st.Name, CheckTeam: st.CheckTeam, Villages: []VillageDTO{}}
		for _, v := range t.Villages {
			if v.StreetCode == st.Code {
				sd.Villages = append(sd.Villages, VillageDTO{Code: v.Code, Name: v.Name})
			}
		}
		out.Streets = append(out.Streets, sd)
	}
	for _, tm := range t.Teams {
		td := TeamDTO{Code: tm.Code, Name: tm.Name, Streets: []string{}}
		for _, st := range t.Streets {
			if st.CheckTeam == tm.Code {
				td.Streets = append(td.Streets, st.Code)
			}
		}
		out.Teams = append(out.Teams, td)
	}
	c.JSON(http.StatusOK, out)
}
