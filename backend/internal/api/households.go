package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

// HouseholdListItem is one line of the household list; the head's ID number
// is masked.
type HouseholdListItem struct {
	ID               int64     `json:"id"`
	Code             string    `json:"code"`
	StreetCode       string    `json:"street_code"`
	StreetName       string    `json:"street_name"`
	VillageCode      string    `json:"village_code"`
	VillageName      string    `json:"village_name"`
	GroupName        string    `json:"group_name"`
	HeadName         string    `json:"head_name"`
	HeadIDNumber     string    `json:"head_id_number" example:"530103********0018"`
	Members          int       `json:"members"`
	Status           string    `json:"status" example:"registered"`
	PovertyAttribute string    `json:"poverty_attribute"`
	MainCause        string    `json:"main_cause"`
	Version          int64     `json:"version"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// HouseholdFields are the household's own fields, as read and written.
// Amounts are decimal strings or numbers (yuan, two decimals); a null means
// unknown.
type HouseholdFields struct {
	Code        string `json:"code" example:"530103012004-0042"`
	VillageCode string `json:"village_code" example:"530103012004"`
	GroupID     *int64 `json:"group_id"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`

	Status           string         `json:"status" example:"registered"`
	RegisteredOn     localdate.Date `json:"registered_on" swaggertype:"string" example:"2014-10-01"`
	ExitedYear       *int           `json:"exited_year"`
	IdentStandard    string         `json:"ident_standard"`
	PovertyAttribute string         `json:"poverty_attribute"`
	MainCause        string         `json:"main_cause"`
	OtherCauses      []string       `json:"other_causes"`

	Hukou          string `json:"hukou" example:"agricultural"`
	RuralResident  bool   `json:"rural_resident"`
	Dibao          *bool  `json:"dibao"`
	Tekun          *bool  `json:"tekun"`
	MilitaryFamily *bool  `json:"military_family"`
	OnlyChild      *bool  `json:"only_child"`
	TwoDaughters   *bool  `json:"two_daughters"`

	IncomeYear         int              `json:"income_year" example:"2016"`
	IncomeWage         *decimal.Decimal `json:"income_wage" swaggertype:"string" example:"5700.00"`
	IncomeOperating    *decimal.Decimal `json:"income_operating" swaggertype:"string"`
	IncomeProperty     *decimal.Decimal `json:"income_property" swaggertype:"string"`
	IncomeTransfer     *decimal.Decimal `json:"income_transfer" swaggertype:"string"`
	TransferFamilyPlan *decimal.Decimal `json:"transfer_family_plan" swaggertype:"string"`
	TransferDibao      *decimal.Decimal `json:"transfer_dibao" swaggertype:"string"`
	TransferWubao      *decimal.Decimal `json:"transfer_wubao" swaggertype:"string"`
	TransferPension    *decimal.Decimal `json:"transfer_pension" swaggertype:"string"`
	TransferEcoComp    *decimal.Decimal `json:"transfer_eco_comp" swaggertype:"string"`
	TransferOther      *decimal.Decimal `json:"transfer_other" swaggertype:"string"`
	OperatingCost      *decimal.Decimal `json:"operating_cost" swaggertype:"string"`

	HousingGrade     string           `json:"housing_grade" example:"C"`
	HousingAreaM2    *decimal.Decimal `json:"housing_area_m2" swaggertype:"string"`
	HousingStructure string           `json:"housing_structure"`
	HousingBuiltYear *int             `json:"housing_built_year"`

	FoodSecure         *bool            `json:"food_secure"`
	ClothingSecure     *bool            `json:"clothing_secure"`
	SafeDrinkingWater  *bool            `json:"safe_drinking_water"`
	DrinkingDifficulty *bool            `json:"drinking_difficulty"`
	PowerLiving        *bool            `json:"power_living"`
	PowerProduction    *bool            `json:"power_production"`
	RoadType           string           `json:"road_type"`
	RoadDistanceKm     *decimal.Decimal `json:"road_distance_km" swaggertype:"string"`
	SanitaryToilet     *bool            `json:"sanitary_toilet"`
	CookingFuel        string           `json:"cooking_fuel"`
	TVReception        *bool            `json:"tv_reception"`
	Broadband          *bool            `json:"broadband"`

	LandCultivated  *decimal.Decimal `json:"land_cultivated" swaggertype:"string"`
	LandIrrigated   *decimal.Decimal `json:"land_irrigated" swaggertype:"string"`
	LandForest      *decimal.Decimal `json:"land_forest" swaggertype:"string"`
	LandReturned    *decimal.Decimal `json:"land_returned" swaggertype:"string"`
	LandOrchard     *decimal.Decimal `json:"land_orchard" swaggertype:"string"`
	LandGrass       *decimal.Decimal `json:"land_grass" swaggertype:"string"`
	LandWater       *decimal.Decimal `json:"land_water" swaggertype:"string"`
	Livestock       *int             `json:"livestock"`
	MainCrops       string           `json:"main_crops"`
	DurableGoods    string           `json:"durable_goods"`
	CoopMember      *bool            `json:"coop_member"`
	EcoCompensation *decimal.Decimal `json:"eco_compensation" swaggertype:"string"`
	RangerIncome    *decimal.Decimal `json:"ranger_income" swaggertype:"string"`

	Relocated        *bool  `json:"relocated"`
	RelocationMode   string `json:"relocation_mode"`
	ResettlementSite string `json:"resettlement_site"`

	EmploysOthersLongTerm *bool  `json:"employs_others_long_term"`
	EducationBurdenHeavy  *bool  `json:"education_burden_heavy"`
	FindingSplitMerge     bool   `json:"finding_split_merge"`
	FindingSplitMergeNote string `json:"finding_split_merge_note"`
	FindingEmptyHung      bool   `json:"finding_empty_hung"`
	FindingEmptyHungNote  string `json:"finding_empty_hung_note"`
	FindingFraud          bool   `json:"finding_fraud"`
	FindingFraudNote      string `json:"finding_fraud_note"`

	Surveyors  string         `json:"surveyors"`
	SurveyDate localdate.Date `json:"survey_date" swaggertype:"string" example:"2017-06-18"`

	Members         []MemberDTO        `json:"members"`
	Vehicles        []VehicleDTO       `json:"vehicles"`
	UrbanProperties []UrbanPropertyDTO `json:"urban_properties"`
	Businesses      []BusinessDTO      `json:"businesses"`
	HelpMeasures    []HelpMeasureDTO   `json:"help_measures"`
}

// MemberDTO is a household member. On input, id is the member's id when
// editing an existing member and 0 (or absent) for a new one; gender and
// birth date may be left out: they are read from the ID number.
type MemberDTO struct {
	ID                    int64          `json:"id"`
	IDNumber              string         `json:"id_number"`
	Name                  string         `json:"name"`
	Gender                string         `json:"gender"`
	BirthDate             localdate.Date `json:"birth_date" swaggertype:"string"`
	Ethnicity             string         `json:"ethnicity"`
	Relation              string         `json:"relation" example:"head"`
	Status                string         `json:"status" example:"present"`
	SharesIncome          bool           `json:"shares_income"`
	PoliticalStatus       string         `json:"political_status"`
	EducationLevel        string         `json:"education_level"`
	SchoolingStatus       string         `json:"schooling_status"`
	Dropout               *bool          `json:"dropout"`
	Health                string         `json:"health"`
	Disease               string         `json:"disease"`
	DisabilityCategory    string         `json:"disability_category"`
	DisabilityGrade       *int           `json:"disability_grade"`
	DisabilityCert        string         `json:"disability_cert"`
	LabourAbility         string         `json:"labour_ability"`
	MigrantPlace          string         `json:"migrant_place"`
	MigrantMonths         *int           `json:"migrant_months"`
	MedicalInsured        *bool          `json:"medical_insured"`
	PensionInsured        *bool          `json:"pension_insured"`
	SeriousIllnessInsured *bool          `json:"serious_illness_insured"`
	ActiveMilitary        *bool          `json:"active_military"`
	FiscalStaffSince      localdate.Date `json:"fiscal_staff_since" swaggertype:"string"`
	VillageCadreSince     localdate.Date `json:"village_cadre_since" swaggertype:"string"`
}

// VehicleDTO is a motor vehicle (EX-03).
type VehicleDTO struct {
	Value       decimal.Decimal `json:"value" swaggertype:"string" example:"45000.00"`
	AcquiredOn  localdate.Date  `json:"acquired_on" swaggertype:"string"`
	ExitMeasure bool            `json:"exit_measure"`
	Plate       string          `json:"plate"`
}

// UrbanPropertyDTO is a town property (EX-04).
type UrbanPropertyDTO struct {
	Kind        string         `json:"kind" example:"commercial_housing"`
	AcquiredOn  localdate.Date `json:"acquired_on" swaggertype:"string"`
	ExitMeasure bool           `json:"exit_measure"`
	Relocation  bool           `json:"relocation"`
	Address     string         `json:"address"`
}

// BusinessDTO is a registered business or stake (EX-06).
type BusinessDTO struct {
	Name         string         `json:"name"`
	RegNo        string         `json:"reg_no"`
	RegisteredOn localdate.Date `json:"registered_on" swaggertype:"string"`
	Operating    bool           `json:"operating"`
	ExitMeasure  bool           `json:"exit_measure"`
}

// HelpMeasureDTO is a help measure and its responsible helper.
type HelpMeasureDTO struct {
	Measure    string         `json:"measure"`
	Helper     string         `json:"helper"`
	HelperUnit string         `json:"helper_unit"`
	Since      localdate.Date `json:"since" swaggertype:"string"`
}

// HouseholdInput creates a household, or replaces one's fields (with the
// version the edit was based on).
type HouseholdInput struct {
	HouseholdFields
	Version int64 `json:"version"`
}

// HouseholdDTO is one full household record.
type HouseholdDTO struct {
	ID         int64  `json:"id"`
	StreetCode string `json:"street_code"`
	HouseholdFields
	NetIncome       *decimal.Decimal `json:"net_income" swaggertype:"string"`
	PerCapitaIncome *decimal.Decimal `json:"per_capita_income" swaggertype:"string"`
	HouseholdSize   int              `json:"household_size"`
	Version         int64            `json:"version"`
	CreatedAt       time.Time        `json:"created_at"`
	CreatedBy       string           `json:"created_by"`
	UpdatedAt       time.Time        `json:"updated_at"`
	UpdatedBy       string           `json:"updated_by"`
}

func splitCauses(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func householdDTO(h *register.Household) HouseholdDTO {
	f := HouseholdFields{
		Code: h.Code, VillageCode: h.VillageCode, GroupID: h.GroupID, Address: h.Address, Phone: h.Phone,
		Status: h.Status, RegisteredOn: h.RegisteredOn, ExitedYear: h.ExitedYear, IdentStandard: h.IdentStandard,
		PovertyAttribute: h.PovertyAttribute, MainCause: h.MainCause, OtherCauses: splitCauses(h.OtherCauses),
		Hukou: h.Hukou, RuralResident: h.RuralResident, Dibao: h.Dibao, Tekun: h.Tekun, MilitaryFamily: h.MilitaryFamily,
		OnlyChild: h.OnlyChild, TwoDaughters: h.TwoDaughters,
		IncomeYear: h.IncomeYear, IncomeWage: h.IncomeWage, IncomeOperating: h.IncomeOperating, IncomeProperty: h.IncomeProperty,
		IncomeTransfer: h.IncomeTransfer, TransferFamilyPlan: h.TransferFamilyPlan, TransferDibao: h.TransferDibao,
		TransferWubao: h.TransferWubao, TransferPension: h.TransferPension, TransferEcoComp: h.TransferEcoComp,
		TransferOther: h.TransferOther, OperatingCost: h.OperatingCost,
		HousingGrade: h.HousingGrade, HousingAreaM2: h.HousingAreaM2, HousingStructure: h.HousingStructure, HousingBuiltYear: h.HousingBuiltYear,
		FoodSecure: h.FoodSecure, ClothingSecure: h.ClothingSecure, SafeDrinkingWater: h.SafeDrinkingWater,
		DrinkingDifficulty: h.DrinkingDifficulty, PowerLiving: h.PowerLiving, PowerProduction: h.PowerProduction,
		RoadType: h.RoadType, RoadDistanceKm: h.RoadDistanceKm, SanitaryToilet: h.SanitaryToilet, CookingFuel: h.CookingFuel,
		TVReception: h.TVReception, Broadband: h.Broadband,
		LandCultivated: h.LandCultivated, LandIrrigated: h.LandIrrigated, LandForest: h.LandForest, LandReturned: h.LandReturned,
		LandOrchard: h.LandOrchard, LandGrass: h.LandGrass, LandWater: h.LandWater, Livestock: h.Livestock,
		MainCrops: h.MainCrops, DurableGoods: h.DurableGoods, CoopMember: h.CoopMember, EcoCompensation: h.EcoCompensation,
		RangerIncome: h.RangerIncome, Relocated: h.Relocated, RelocationMode: h.RelocationMode, ResettlementSite: h.ResettlementSite,
		EmploysOthersLongTerm: h.EmploysOthersLongTerm, EducationBurdenHeavy: h.EducationBurdenHeavy,
		FindingSplitMerge: h.FindingSplitMerge, FindingSplitMergeNote: h.FindingSplitMergeNote,
		FindingEmptyHung: h.FindingEmptyHung, FindingEmptyHungNote: h.FindingEmptyHungNote,
		FindingFraud: h.FindingFraud, FindingFraudNote: h.FindingFraudNote,
		Surveyors: h.Surveyors, SurveyDate: h.SurveyDate,
		Members: []MemberDTO{}, Vehicles: []VehicleDTO{}, UrbanProperties: []UrbanPropertyDTO{}, Businesses: []BusinessDTO{}, HelpMeasures: []HelpMeasureDTO{},
	}
	for _, m := range h.Members {
		f.Members = append(f.Members, MemberDTO{ID: m.ID, IDNumber: m.IDNumber, Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate,
			Ethnicity: m.Ethnicity, Relation: m.Relation, Status: m.Status, SharesIncome: m.SharesIncome,
			PoliticalStatus: m.PoliticalStatus, EducationLevel: m.EducationLevel, SchoolingStatus: m.SchoolingStatus,
			Dropout: m.Dropout, Health: m.Health, Disease: m.Disease, DisabilityCategory: m.DisabilityCategory,
			DisabilityGrade: m.DisabilityGrade, DisabilityCert: m.DisabilityCert, LabourAbility: m.LabourAbility,
			MigrantPlace: m.MigrantPlace, MigrantMonths: m.MigrantMonths, MedicalInsured: m.MedicalInsured,
			PensionInsured: m.PensionInsured, SeriousIllnessInsured: m.SeriousIllnessInsured, ActiveMilitary: m.ActiveMilitary,
			FiscalStaffSince: m.FiscalStaffSince, VillageCadreSince: m.VillageCadreSince})
	}
	for _, v := range h.Vehicles {
		f.Vehicles = append(f.Vehicles, VehicleDTO{Value: v.Value, AcquiredOn: v.AcquiredOn, ExitMeasure: v.ExitMeasure, Plate: v.Plate})
	}
	for _, p := range h.UrbanProperties {
		f.UrbanProperties = append(f.UrbanProperties, UrbanPropertyDTO{Kind: p.Kind, AcquiredOn: p.AcquiredOn, ExitMeasure: p.ExitMeasure, Relocation: p.Relocation, Address: p.Address})
	}
	for _, b := range h.Businesses {
		f.Businesses = append(f.Businesses, BusinessDTO{Name: b.Name, RegNo: b.RegNo, RegisteredOn: b.RegisteredOn, Operating: b.Operating, ExitMeasure: b.ExitMeasure})
	}
	for _, m := range h.HelpMeasures {
		f.HelpMeasures = append(f.HelpMeasures, HelpMeasureDTO{Measure: m.Measure, Helper: m.Helper, HelperUnit: m.HelperUnit, Since: m.Since})
	}
	d := HouseholdDTO{ID: h.ID, StreetCode: h.StreetCode, HouseholdFields: f, HouseholdSize: h.CountedMembers(), Version: h.Version,
		CreatedAt: h.CreatedAt, CreatedBy: h.CreatedBy, UpdatedAt: h.UpdatedAt, UpdatedBy: h.UpdatedBy}
	if net, ok := h.NetIncome(); ok {
		d.NetIncome = &net
	}
	if pc, ok := h.PerCapitaIncome(); ok {
		d.PerCapitaIncome = &pc
	}
	return d
}

// toHousehold maps input to the register type; server-owned fields (id,
// street, audit columns) are never taken from the client.
func (in HouseholdInput) toHousehold(id int64) *register.Household {
	f := in.HouseholdFields
	h := &register.Household{
		ID: id, Code: f.Code, VillageCode: f.VillageCode, GroupID: f.GroupID, Address: f.Address, Phone: f.Phone,
		Status: f.Status, RegisteredOn: f.RegisteredOn, ExitedYear: f.ExitedYear, IdentStandard: f.IdentStandard,
		PovertyAttribute: f.PovertyAttribute, MainCause: f.MainCause, OtherCauses: strings.Join(f.OtherCauses, ","),
		Hukou: f.Hukou, RuralResident: f.RuralResident, Dibao: f.Dibao, Tekun: f.Tekun, MilitaryFamily: f.MilitaryFamily,
		OnlyChild: f.OnlyChild, TwoDaughters: f.TwoDaughters,
		IncomeYear: f.IncomeYear, IncomeWage: f.IncomeWage, IncomeOperating: f.IncomeOperating, IncomeProperty: f.IncomeProperty,
		IncomeTransfer: f.IncomeTransfer, TransferFamilyPlan: f.TransferFamilyPlan, TransferDibao: f.TransferDibao,
		TransferWubao: f.TransferWubao, TransferPension: f.TransferPension, TransferEcoComp: f.TransferEcoComp,
		TransferOther: f.TransferOther, OperatingCost: f.OperatingCost,
		HousingGrade: f.HousingGrade, HousingAreaM2: f.HousingAreaM2, HousingStructure: f.HousingStructure, HousingBuiltYear: f.HousingBuiltYear,
		FoodSecure: f.FoodSecure, ClothingSecure: f.ClothingSecure, SafeDrinkingWater: f.SafeDrinkingWater,
		DrinkingDifficulty: f.DrinkingDifficulty, PowerLiving: f.PowerLiving, PowerProduction: f.PowerProduction,
		RoadType: f.RoadType, RoadDistanceKm: f.RoadDistanceKm, SanitaryToilet: f.SanitaryToilet, CookingFuel: f.CookingFuel,
		TVReception: f.TVReception, Broadband: f.Broadband,
		LandCultivated: f.LandCultivated, LandIrrigated: f.LandIrrigated, LandForest: f.LandForest, LandReturned: f.LandReturned,
		LandOrchard: f.LandOrchard, LandGrass: f.LandGrass, LandWater: f.LandWater, Livestock: f.Livestock,
		MainCrops: f.MainCrops, DurableGoods: f.DurableGoods, CoopMember: f.CoopMember, EcoCompensation: f.EcoCompensation,
		RangerIncome: f.RangerIncome, Relocated: f.Relocated, RelocationMode: f.RelocationMode, ResettlementSite: f.ResettlementSite,
		EmploysOthersLongTerm: f.EmploysOthersLongTerm, EducationBurdenHeavy: f.EducationBurdenHeavy,
		FindingSplitMerge: f.FindingSplitMerge, FindingSplitMergeNote: f.FindingSplitMergeNote,
		FindingEmptyHung: f.FindingEmptyHung, FindingEmptyHungNote: f.FindingEmptyHungNote,
		FindingFraud: f.FindingFraud, FindingFraudNote: f.FindingFraudNote,
		Surveyors: f.Surveyors, SurveyDate: f.SurveyDate, Version: in.Version,
	}
	for i, m := range f.Members {
		h.Members = append(h.Members, register.Member{ID: m.ID, Sort: i + 1, IDNumber: m.IDNumber, Name: m.Name, Gender: m.Gender,
			BirthDate: m.BirthDate, Ethnicity: m.Ethnicity, Relation: m.Relation, Status: m.Status, SharesIncome: m.SharesIncome,
			PoliticalStatus: m.PoliticalStatus, EducationLevel: m.EducationLevel, SchoolingStatus: m.SchoolingStatus,
			Dropout: m.Dropout, Health: m.Health, Disease: m.Disease, DisabilityCategory: m.DisabilityCategory,
			DisabilityGrade: m.DisabilityGrade, DisabilityCert: m.DisabilityCert, LabourAbility: m.LabourAbility,
			MigrantPlace: m.MigrantPlace, MigrantMonths: m.MigrantMonths, MedicalInsured: m.MedicalInsured,
			PensionInsured: m.PensionInsured, SeriousIllnessInsured: m.SeriousIllnessInsured, ActiveMilitary: m.ActiveMilitary,
			FiscalStaffSince: m.FiscalStaffSince, VillageCadreSince: m.VillageCadreSince})
	}
	for _, v := range f.Vehicles {
		h.Vehicles = append(h.Vehicles, register.Vehicle{Value: v.Value, AcquiredOn: v.AcquiredOn, ExitMeasure: v.ExitMeasure, Plate: v.Plate})
	}
	for _, p := range f.UrbanProperties {
		h.UrbanProperties = append(h.UrbanProperties, register.UrbanProperty{Kind: p.Kind, AcquiredOn: p.AcquiredOn, ExitMeasure: p.ExitMeasure, Relocation: p.Relocation, Address: p.Address})
	}
	for _, b := range f.Businesses {
		h.Businesses = append(h.Businesses, register.Business{Name: b.Name, RegNo: b.RegNo, RegisteredOn: b.RegisteredOn, Operating: b.Operating, ExitMeasure: b.ExitMeasure})
	}
	for _, m := range f.HelpMeasures {
		h.HelpMeasures = append(h.HelpMeasures, register.HelpMeasure{Measure: m.Measure, Helper: m.Helper, HelperUnit: m.HelperUnit, Since: m.Since})
	}
	return h
}

// DeleteHouseholdRequest deletes with a reason and the version seen.
type DeleteHouseholdRequest struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func householdFilter(c *gin.Context) (store.HouseholdFilter, error) {
	page, size, err := paging(c)
	f := store.HouseholdFilter{StreetCode: c.Query("street"), VillageCode: c.Query("village"), Status: c.Query("status"),
		Attribute: c.Query("attribute"), Cause: c.Query("cause"), Text: strings.TrimSpace(c.Query("q")),
		IDNumber: strings.TrimSpace(c.Query("id_number")), Page: page, PageSize: size}
	if g := c.Query("group"); g != "" {
		f.GroupID, _ = strconv.ParseInt(g, 10, 64)
	}
	return f, err
}

// listHouseholds godoc
//
//	@Summary		List households in the caller's scope
//	@Description	Server-side paging, stable order by household code. ID numbers are masked.
//	@Tags			households
//	@Produce		json
//	@Security		Bearer
//	@Param			street		query		string	false	"street code"
//	@Param			village		query		string	false	"village code"
//	@Param			group		query		int		false	"village group id"
//	@Param			status		query		string	false	"not_registered, registered, exited"
//	@Param			attribute	query		string	false	"poverty attribute"
//	@Param			cause		query		string	false	"cause of poverty (main or other)"
//	@Param			q			query		string	false	"part of a member's name or of the household code"
//	@Param			id_number	query		string	false	"a member's full ID number (exact)"
//	@Param			page		query		int		false	"page, from 1"
//	@Param			page_size	query		int		false	"1 to 100"
//	@Success		200			{object}	Page[HouseholdListItem]
//	@Failure		400			{object}	ErrorBody
//	@Router			/households [get]
func (s *Server) listHouseholds(c *gin.Context) {
	f, err := householdFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	rows, total, err := s.Households.List(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[HouseholdListItem]{Items: make([]HouseholdListItem, len(rows)), Total: total, Page: f.Page, PageSize: f.PageSize}
	for i, r := range rows {
		out.Items[i] = HouseholdListItem(r)
	}
	c.JSON(http.StatusOK, out)
}

// getHousehold godoc
//
//	@Summary		One household's full record
//	@Description	404 when it does not exist or is outside the caller's scope. Every read is audited.
//	@Tags			households
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"household id"
//	@Success		200	{object}	HouseholdDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/households/{id} [get]
func (s *Server) getHousehold(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	h, err := s.Households.Get(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, householdDTO(h))
}

// createHousehold godoc
//
//	@Summary		Record a household
//	@Description	Validates every field (422 names each); a person already in another household is 409 naming it. `version` is 0 or absent: the server numbers versions.
//	@Tags			households
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		HouseholdInput	true	"household"
//	@Success		201		{object}	HouseholdDTO
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/households [post]
func (s *Server) createHousehold(c *gin.Context) {
	var in HouseholdInput
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	// The server numbers versions from 1: a new household has none to
	// claim (0, as the form sends, or absent), never one the client picks.
	if in.Version != 0 {
		fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "version", Message: "新建的户不能指定版本号"}))
		return
	}
	h, err := s.Households.Create(c.Request.Context(), actor(c), in.toHousehold(0))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, householdDTO(h))
}

// updateHousehold godoc
//
//	@Summary		Edit a household
//	@Description	Replaces the household's fields; `version` must be the version the edit was based on, else 409 version_conflict and nothing is written.
//	@Tags			households
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"household id"
//	@Param			body	body		HouseholdInput	true	"household with its version"
//	@Success		200		{object}	HouseholdDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/households/{id} [put]
func (s *Server) updateHousehold(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in HouseholdInput
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	h, err := s.Households.Update(c.Request.Context(), actor(c), in.toHousehold(id))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, householdDTO(h))
}

// deleteHousehold godoc
//
//	@Summary		Delete a household (soft)
//	@Description	The record stays for the audit, leaves every list and can no longer be edited.
//	@Tags			households
//	@Accept			json
//	@Security		Bearer
//	@Param			id		path	int						true	"household id"
//	@Param			body	body	DeleteHouseholdRequest	true	"version and reason"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/households/{id} [delete]
func (s *Server) deleteHousehold(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in DeleteHouseholdRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Households.Delete(c.Request.Context(), actor(c), id, in.Version, in.Reason); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// householdHistory godoc
//
//	@Summary	A household's history of changes
//	@Tags		households
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"household id"
//	@Success	200	{object}	Page[AuditEventDTO]
//	@Failure	404	{object}	ErrorBody
//	@Router		/households/{id}/history [get]
func (s *Server) householdHistory(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	items, err := s.Households.History(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := Page[AuditEventDTO]{Items: make([]AuditEventDTO, len(items)), Total: int64(len(items)), Page: 1, PageSize: len(items)}
	for i, it := range items {
		out.Items[i] = s.auditDTO(it)
	}
	c.JSON(http.StatusOK, out)
}

// TransferRequest moves a member to another household.
type TransferRequest struct {
	ToHouseholdID int64  `json:"to_household_id"`
	Relation      string `json:"relation" example:"spouse"`
	Reason        string `json:"reason" example:"marriage"`
	Note          string `json:"note"`
	FromVersion   int64  `json:"from_version"`
	ToVersion     int64  `json:"to_version"`
}

// transferMember godoc
//
//	@Summary		Move a member to another household (婚姻, 分户, 并户)
//	@Description	Keeps the person's record and history; both households' versions must be the ones the caller saw (else 409). Audited on both households.
//	@Tags			households
//	@Accept			json
//	@Security		Bearer
//	@Param			id		path	int				true	"member id"
//	@Param			body	body	TransferRequest	true	"target household, new relation, reason"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Failure		422	{object}	ErrorBody
//	@Router			/members/{id}/transfer [post]
func (s *Server) transferMember(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in TransferRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	err = s.Households.TransferMember(c.Request.Context(), actor(c), service.Transfer{MemberID: id, ToHouseholdID: in.ToHouseholdID,
		Relation: in.Relation, Reason: in.Reason, Note: in.Note, FromVersion: in.FromVersion, ToVersion: in.ToVersion})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// exportHouseholds godoc
//
//	@Summary		Export the filtered household list as XLSX
//	@Description	Every matching household in the caller's scope (not only one page), ID numbers masked.
//	@Tags			households
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Param			street		query	string	false	"street code"
//	@Param			village		query	string	false	"village code"
//	@Param			status		query	string	false	"status"
//	@Param			attribute	query	string	false	"poverty attribute"
//	@Param			cause		query	string	false	"cause"
//	@Param			q			query	string	false	"name or code"
//	@Success		200			{file}	file
//	@Router			/households/export [get]
func (s *Server) exportHouseholds(c *gin.Context) {
	f, err := householdFilter(c)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	name := fmt.Sprintf("households-%s.xlsx", time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Households.Export(c.Request.Context(), actor(c), f, w)
	})
}

// householdInterchange godoc
//
//	@Summary		A household in the interchange format (household-v1)
//	@Description	The household as household-v1.md describes it, for third parties and for `POST /evaluations`, with full ID numbers: the caller states why (`reason`), and the read is audited with it. Members who moved out are left out.
//	@Tags			households
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"household id"
//	@Param			reason	query		string	true	"why the full record leaves the system (audited)"
//	@Success		200		{object}	object	"household-v1 household"
//	@Failure		422		{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/households/{id}/interchange [get]
func (s *Server) householdInterchange(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	h, err := s.Households.Interchange(c.Request.Context(), actor(c), id, c.Query("reason"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", interchange.AppendHousehold(nil, &h))
}

// CauseCountDTO is how many households give a main cause of poverty.
type CauseCountDTO struct {
	Cause      string `json:"cause" example:"illness"`
	Label      string `json:"label" example:"因病"`
	Households int64  `json:"households"`
	People     int64  `json:"people"`
}

// householdCauses godoc
//
//	@Summary		Households by main cause of poverty (致贫原因)
//	@Description	Live households in the caller's scope; status: registered and exited by default (comma-separated statuses to choose).
//	@Tags			households
//	@Produce		json
//	@Security		Bearer
//	@Param			street	query	string	false	"street code"
//	@Param			village	query	string	false	"village code"
//	@Param			status	query	string	false	"statuses, comma-separated"
//	@Success		200		{array}	CauseCountDTO
//	@Router			/households/causes [get]
func (s *Server) householdCauses(c *gin.Context) {
	var statuses []string
	for _, v := range strings.Split(c.Query("status"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			if !register.Valid("status", v) {
				fail(c, s.log, apperr.Invalid(apperr.Detail{Field: "status", Message: "未知的建档立卡状态：" + v}))
				return
			}
			statuses = append(statuses, v)
		}
	}
	rows, err := s.Households.Causes(c.Request.Context(), actor(c), c.Query("street"), c.Query("village"), statuses)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := make([]CauseCountDTO, len(rows))
	for i, r := range rows {
		label := register.Label("cause", r.Cause)
		if r.Cause == "" {
			label = "未填写"
		}
		out[i] = CauseCountDTO{Cause: r.Cause, Label: label, Households: r.Households, People: r.People}
	}
	c.JSON(http.StatusOK, out)
}
