package register

import (
	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// The register is richer than household-v1 (register.md): the mapping below
// is the one place where the two meet, used by the interchange export, the
// import of an existing register, the demo data and the rules engine's view
// of a stored household. Coarse values of the format that the register
// cannot refine (a child whose sex the ID number gives; a schooling stage
// without the grade; a disability without its category) map to codes that
// say so, so that register → format → register gives back the same data.

// Codes that exist for data that came through household-v1.
const (
	SchoolingCompulsoryUnspecified = "compulsory"        // 义务教育阶段（年级未详）
	SchoolingBeyondUnspecified     = "beyond_compulsory" // 义务教育后（学段未详）
	DisabilityUnspecified          = "unspecified"       // 残疾（类别未详）
)

var schoolingToV1 = map[string]interchange.Schooling{
	"not_student":                  interchange.NotInSchool,
	"preschool":                    interchange.Preschool,
	"primary":                      interchange.Compulsory,
	"grade7":                       interchange.Compulsory,
	"grade8":                       interchange.Compulsory,
	"grade9":                       interchange.Compulsory,
	SchoolingCompulsoryUnspecified: interchange.Compulsory,
	"senior_high":                  interchange.BeyondCompulsory,
	"secondary_vocational":         interchange.BeyondCompulsory,
	"higher_vocational":            interchange.BeyondCompulsory,
	"college":                      interchange.BeyondCompulsory,
	SchoolingBeyondUnspecified:     interchange.BeyondCompulsory,
}

var relationToV1 = map[string]interchange.Relation{
	"head":            interchange.Head,
	"spouse":          interchange.Spouse,
	"son":             interchange.Child,
	"daughter":        interchange.Child,
	"daughter_in_law": interchange.ChildInLaw,
	"son_in_law":      interchange.ChildInLaw,
	"grandchild":      interchange.Grandchild,
	"parent":          interchange.Parent,
	"grandparent":     interchange.Grandparent,
	"sibling":         interchange.Sibling,
	"other":           interchange.OtherKin,
}

// HealthV1 is the member's health in household-v1 terms (register.md):
// a major disease first, then a disability, then a chronic illness.
func (m *Member) HealthV1() interchange.Health {
	switch {
	case m.Health == "major_disease":
		return interchange.MajorDisease
	case m.DisabilityCategory != "":
		return interchange.Disabled
	case m.Health == "chronic":
		return interchange.Chronic
	case m.Health == "healthy":
		return interchange.Healthy
	}
	return "" // unknown
}

// Interchange is the household in household-v1. Members who moved out are
// no longer part of the household and are left out; groupName names the
// village group for the region.
func (h *Household) Interchange(groupName string) interchange.Household {
	out := interchange.Household{
		Code:                  h.Code,
		Region:                &interchange.Region{Street: h.StreetCode, Village: h.VillageCode, Group: groupName},
		Hukou:                 interchange.Hukou(h.Hukou),
		RuralResident:         h.RuralResident,
		Status:                interchange.Status(h.Status),
		RegisteredOn:          h.RegisteredOn,
		ExitedYear:            h.ExitedYear,
		Dibao:                 h.Dibao,
		FoodSecure:            h.FoodSecure,
		ClothingSecure:        h.ClothingSecure,
		EducationBurdenHeavy:  h.EducationBurdenHeavy,
		EmploysOthersLongTerm: h.EmploysOthersLongTerm,
		Income: interchange.Income{
			Year: h.IncomeYear, Wage: h.IncomeWage, Operating: h.IncomeOperating,
			Property: h.IncomeProperty, Transfer: h.IncomeTransfer, OperatingCost: h.OperatingCost,
		},
		Housing: interchange.Housing{Grade: interchange.Grade(h.HousingGrade), AreaM2: h.HousingAreaM2},
		Findings: interchange.Findings{
			SplitOrMergeForBenefit: h.FindingSplitMerge,
			EmptyHungHukou:         h.FindingEmptyHung,
			Fraud:                  h.FindingFraud,
		},
		Members:         []interchange.Member{},
		Vehicles:        []interchange.Vehicle{},
		UrbanProperties: []interchange.UrbanProperty{},
		Businesses:      []interchange.Business{},
	}
	for i := range h.Members {
		m := &h.Members[i]
		if m.Status == "moved_out" {
			continue
		}
		rel, ok := relationToV1[m.Relation]
		if !ok {
			rel = interchange.Relation(m.Relation) // Validate names it
		}
		out.Members = append(out.Members, interchange.Member{
			IDNumber:          m.IDNumber,
			Name:              m.Name,
			Relation:          rel,
			Status:            interchange.MemberStatus(m.Status),
			SharesIncome:      m.SharesIncome,
			Health:            m.HealthV1(),
			Schooling:         schoolingToV1[m.SchoolingStatus],
			Dropout:           m.Dropout,
			MedicalInsured:    m.MedicalInsured,
			FiscalStaffSince:  m.FiscalStaffSince,
			VillageCadreSince: m.VillageCadreSince,
		})
	}
	for _, v := range h.Vehicles {
		out.Vehicles = append(out.Vehicles, interchange.Vehicle{Value: v.Value, AcquiredOn: v.AcquiredOn, ExitMeasure: v.ExitMeasure})
	}
	for _, p := range h.UrbanProperties {
		out.UrbanProperties = append(out.UrbanProperties, interchange.UrbanProperty{
			Kind: interchange.PropertyKind(p.Kind), AcquiredOn: p.AcquiredOn, ExitMeasure: p.ExitMeasure, Relocation: p.Relocation,
		})
	}
	for _, b := range h.Businesses {
		out.Businesses = append(out.Businesses, interchange.Business{RegisteredOn: b.RegisteredOn, Operating: b.Operating, ExitMeasure: b.ExitMeasure})
	}
	return out
}

// FromInterchange builds a register household from household-v1 (an
// import). The region's street and village codes are taken as they are;
// the caller resolves the group name. Fields the format does not carry stay
// unknown. Gender and birth date come from the ID numbers.
func FromInterchange(in *interchange.Household) Household {
	h := Household{
		Code:                  in.Code,
		Hukou:                 string(in.Hukou),
		RuralResident:         in.RuralResident,
		Status:                string(in.Status),
		RegisteredOn:          in.RegisteredOn,
		ExitedYear:            in.ExitedYear,
		Dibao:                 in.Dibao,
		FoodSecure:            in.FoodSecure,
		ClothingSecure:        in.ClothingSecure,
		EducationBurdenHeavy:  in.EducationBurdenHeavy,
		EmploysOthersLongTerm: in.EmploysOthersLongTerm,
		IncomeYear:            in.Income.Year,
		IncomeWage:            in.Income.Wage,
		IncomeOperating:       in.Income.Operating,
		IncomeProperty:        in.Income.Property,
		IncomeTransfer:        in.Income.Transfer,
		OperatingCost:         in.Income.OperatingCost,
		HousingGrade:          string(in.Housing.Grade),
		HousingAreaM2:         in.Housing.AreaM2,
		FindingSplitMerge:     in.Findings.SplitOrMergeForBenefit,
		FindingEmptyHung:      in.Findings.EmptyHungHukou,
		FindingFraud:          in.Findings.Fraud,
	}
	if in.Region != nil {
		h.StreetCode, h.VillageCode = in.Region.Street, in.Region.Village
	}
	for i, m := range in.Members {
		id := idcard.Normalize(m.IDNumber)
		rm := Member{
			Sort:              i,
			IDNumber:          id,
			Gender:            idcard.Gender(id),
			Name:              m.Name,
			Relation:          relationFromV1(m.Relation, idcard.Gender(m.IDNumber)),
			Status:            string(m.Status),
			SharesIncome:      m.SharesIncome,
			Dropout:           m.Dropout,
			MedicalInsured:    m.MedicalInsured,
			FiscalStaffSince:  m.FiscalStaffSince,
			VillageCadreSince: m.VillageCadreSince,
		}
		if born, err := idcard.BirthDate(id); err == nil {
			rm.BirthDate = localdate.Of(born)
		}
		switch m.Health {
		case interchange.Disabled:
			rm.DisabilityCategory = DisabilityUnspecified
		case interchange.Healthy, interchange.Chronic, interchange.MajorDisease:
			rm.Health = string(m.Health)
		}
		switch m.Schooling {
		case interchange.NotInSchool:
			rm.SchoolingStatus = "not_student"
		case interchange.Preschool:
			rm.SchoolingStatus = "preschool"
		case interchange.Compulsory:
			rm.SchoolingStatus = SchoolingCompulsoryUnspecified
		case interchange.BeyondCompulsory:
			rm.SchoolingStatus = SchoolingBeyondUnspecified
		}
		h.Members = append(h.Members, rm)
	}
	for _, v := range in.Vehicles {
		h.Vehicles = append(h.Vehicles, Vehicle{Value: v.Value, AcquiredOn: v.AcquiredOn, ExitMeasure: v.ExitMeasure})
	}
	for _, p := range in.UrbanProperties {
		h.UrbanProperties = append(h.UrbanProperties, UrbanProperty{Kind: string(p.Kind), AcquiredOn: p.AcquiredOn, ExitMeasure: p.ExitMeasure, Relocation: p.Relocation})
	}
	for _, b := range in.Businesses {
		h.Businesses = append(h.Businesses, Business{RegisteredOn: b.RegisteredOn, Operating: b.Operating, ExitMeasure: b.ExitMeasure})
	}
	return h
}

// relationFromV1 refines child and child-in-law by the sex the ID number gives.
func relationFromV1(r interchange.Relation, gender string) string {
	switch r {
	case interchange.Child:
		if gender == "female" {
			return "daughter"
		}
		return "son"
	case interchange.ChildInLaw:
		if gender == "male" {
			return "son_in_law"
		}
		return "daughter_in_law"
	}
	return string(r)
}
