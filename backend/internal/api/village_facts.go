package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/register"
	"jingzhun/internal/service"
)

// VillageFactsFields are the village table's facts (村表, register.md), as
// read and written. Amounts are decimal strings or numbers (yuan, two
// decimals); a null means unknown.
type VillageFactsFields struct {
	Households           *int `json:"households"`
	Population           *int `json:"population"`
	RegisteredPopulation *int `json:"registered_population"`
	PoorHouseholds       *int `json:"poor_households"`
	PoorPeople           *int `json:"poor_people"`
	DibaoHouseholds      *int `json:"dibao_households"`
	DisabledPeople       *int `json:"disabled_people"`

	PoorVillage         string `json:"poor_village" example:"exited"` // not_poor, poor, exited; "" not known
	PoorVillageExitYear *int   `json:"poor_village_exit_year" example:"2016"`

	CollectiveIncome *decimal.Decimal `json:"collective_income" swaggertype:"string" example:"52000.00"`
	Cooperatives     *int             `json:"cooperatives"`

	RoadToVillage *bool `json:"road_to_village"`
	RoadToGroups  *bool `json:"road_to_groups"`
	BusService    *bool `json:"bus_service"`

	DrinkingWaterProject *bool `json:"drinking_water_project"`
	Irrigation           *bool `json:"irrigation"`

	PowerProduction *bool `json:"power_production"`
	PowerDomestic   *bool `json:"power_domestic"`

	Broadband      *bool `json:"broadband"`
	MobileInternet *bool `json:"mobile_internet"`
	BroadcastTV    *bool `json:"broadcast_tv"`

	CultureRoom *bool `json:"culture_room"`
	Library     *bool `json:"library"`

	Clinic        *bool `json:"clinic"`
	VillageDoctor *bool `json:"village_doctor"`

	Schools       *int `json:"schools"`
	Kindergartens *int `json:"kindergartens"`

	TwoCommitteeMembers *int   `json:"two_committee_members"`
	ResidentWorkTeam    string `json:"resident_work_team"`

	DangerousHouseRenovations *int `json:"dangerous_house_renovations"`
	RelocationProjects        *int `json:"relocation_projects"`

	FundsInvested     *decimal.Decimal `json:"funds_invested" swaggertype:"string"`
	InterestSubsidies *decimal.Decimal `json:"interest_subsidies" swaggertype:"string"`
}

// VillageFactsDTO is one village's facts with its place.
type VillageFactsDTO struct {
	VillageCode string `json:"village_code" example:"530103012004"`
	VillageName string `json:"village_name"`
	StreetCode  string `json:"street_code"`
	StreetName  string `json:"street_name"`
	VillageFactsFields
	// Version is 0 for a village without facts yet.
	Version   int64      `json:"version"`
	UpdatedAt *time.Time `json:"updated_at"`
	UpdatedBy string     `json:"updated_by"`
}

// VillageFactsInput replaces a village's facts, with the version the edit
// was based on (0 for a village without facts yet).
type VillageFactsInput struct {
	VillageFactsFields
	Version int64 `json:"version"`
}

func villageFactsDTO(v *service.VillageFactsView) VillageFactsDTO {
	f := v.VillageFacts
	out := VillageFactsDTO{VillageCode: f.VillageCode, VillageName: v.VillageName, StreetCode: v.StreetCode, StreetName: v.StreetName,
		Version: f.Version, UpdatedBy: f.UpdatedBy,
		VillageFactsFields: VillageFactsFields{
			Households: f.Households, Population: f.Population, RegisteredPopulation: f.RegisteredPopulation,
			PoorHouseholds: f.PoorHouseholds, PoorPeople: f.PoorPeople, DibaoHouseholds: f.DibaoHouseholds, DisabledPeople: f.DisabledPeople,
			PoorVillage: f.PoorVillage, PoorVillageExitYear: f.PoorVillageExitYear, CollectiveIncome: f.CollectiveIncome,
			Cooperatives: f.Cooperatives, RoadToVillage: f.RoadToVillage, RoadToGroups: f.RoadToGroups, BusService: f.BusService,
			DrinkingWaterProject: f.DrinkingWaterProject, Irrigation: f.Irrigation, PowerProduction: f.PowerProduction,
			PowerDomestic: f.PowerDomestic, Broadband: f.Broadband, MobileInternet: f.MobileInternet, BroadcastTV: f.BroadcastTV,
			CultureRoom: f.CultureRoom, Library: f.Library, Clinic: f.Clinic, VillageDoctor: f.VillageDoctor, Schools: f.Schools,
			Kindergartens: f.Kindergartens, TwoCommitteeMembers: f.TwoCommitteeMembers, ResidentWorkTeam: f.ResidentWorkTeam,
			DangerousHouseRenovations: f.DangerousHouseRenovations, RelocationProjects: f.RelocationProjects,
			FundsInvested: f.FundsInvested, InterestSubsidies: f.InterestSubsidies,
		}}
	if f.Version > 0 {
		at := f.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

func (in VillageFactsInput) toFacts(code string) *register.VillageFacts {
	f := in.VillageFactsFields
	return &register.VillageFacts{VillageCode: code, Version: in.Version,
		Households: f.Households, Population: f.Population, RegisteredPopulation: f.RegisteredPopulation,
		PoorHouseholds: f.PoorHouseholds, PoorPeople: f.PoorPeople, DibaoHouseholds: f.DibaoHouseholds, DisabledPeople: f.DisabledPeople,
		PoorVillage: f.PoorVillage, PoorVillageExitYear: f.PoorVillageExitYear, CollectiveIncome: f.CollectiveIncome,
		Cooperatives: f.Cooperatives, RoadToVillage: f.RoadToVillage, RoadToGroups: f.RoadToGroups, BusService: f.BusService,
		DrinkingWaterProject: f.DrinkingWaterProject, Irrigation: f.Irrigation, PowerProduction: f.PowerProduction,
		PowerDomestic: f.PowerDomestic, Broadband: f.Broadband, MobileInternet: f.MobileInternet, BroadcastTV: f.BroadcastTV,
		CultureRoom: f.CultureRoom, Library: f.Library, Clinic: f.Clinic, VillageDoctor: f.VillageDoctor, Schools: f.Schools,
		Kindergartens: f.Kindergartens, TwoCommitteeMembers: f.TwoCommitteeMembers, ResidentWorkTeam: f.ResidentWorkTeam,
		DangerousHouseRenovations: f.DangerousHouseRenovations, RelocationProjects: f.RelocationProjects,
		FundsInvested: f.FundsInvested, InterestSubsidies: f.InterestSubsidies,
	}
}

// getVillageFacts godoc
//
//	@Summary		A village's facts (村表)
//	@Description	404 when the village does not exist or is outside the caller's scope. A village without facts yet answers with nulls at version 0.
//	@Tags			villages
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string	true	"village code"
//	@Success		200		{object}	VillageFactsDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/villages/{code}/facts [get]
func (s *Server) getVillageFacts(c *gin.Context) {
	v, err := s.VillageFacts.Get(c.Request.Context(), actor(c), c.Param("code"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, villageFactsDTO(v))
}

// putVillageFacts godoc
//
//	@Summary		Edit a village's facts (村表)
//	@Description	Replaces the village's facts; `version` must be the version the edit was based on (0 for a village without facts yet), else 409 version_conflict and nothing is written. Validated (422 names each field), audited; the departments' confirmations of the changed fields become pending again.
//	@Tags			villages
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string				true	"village code"
//	@Param			body	body		VillageFactsInput	true	"facts with their version"
//	@Success		200		{object}	VillageFactsDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/villages/{code}/facts [put]
func (s *Server) putVillageFacts(c *gin.Context) {
	var in VillageFactsInput
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	v, err := s.VillageFacts.Update(c.Request.Context(), actor(c), in.toFacts(c.Param("code")))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, villageFactsDTO(v))
}
