package store

import (
	"context"

	"jingzhun/internal/access"
)

// Street is a 街道 with the check team responsible for it.
type Street struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	CheckTeam string
	Sort      int
}

// Village is an administrative village (行政村: 村委会 or 社区).
type Village struct {
	Code       string `gorm:"primaryKey"`
	StreetCode string
	Name       string
	Sort       int
}

// CheckTeam is a district check team (核查组).
type CheckTeam struct {
	Code string `gorm:"primaryKey"`
	Name string
}

// Regions is the whole regional tree, small enough to read at once.
type Regions struct {
	Streets  []Street
	Villages []Village
	Teams    []CheckTeam
}

// Regions reads every street, village and team in display order.
func (s *Store) Regions(ctx context.Context) (Regions, error) {
	var r Regions
	db := s.conn(ctx)
	if err := db.Order("sort, code").Find(&r.Streets).Error; err != nil {
		return r, err
	}
	if err := db.Order("street_code, sort, code").Find(&r.Villages).Error; err != nil {
		return r, err
	}
	if err := db.Order("code").Find(&r.Teams).Error; err != nil {
		return r, err
	}
	return r, nil
}

// SaveRegions inserts the regional tree (demo seeding and first set-up).
func (s *Store) SaveRegions(ctx context.Context, r Regions) error {
	db := s.conn(ctx)
	if err := db.CreateInBatches(r.Teams, 100).Error; err != nil {
		return err
	}
	if err := db.CreateInBatches(r.Streets, 100).Error; err != nil {
		return err
	}
	return db.CreateInBatches(r.Villages, 100).Error
}

// Department is a 行业部门 that answers for its fields.
type Department struct {
	Code string `gorm:"primaryKey"`
	Name string
	Sort int
}

// Departments lists every department in display order.
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	return ds, s.conn(ctx).Order("sort, code").Find(&ds).Error
}

// SaveDepartments inserts departments.
func (s *Store) SaveDepartments(ctx context.Context, ds []Department) error {
	return s.conn(ctx).CreateInBatches(ds, 100).Error
}

// ExpandScope turns an account's grants into the full scope it works in.
// District-wide roles and department liaisons see every street and village.
func (r Regions) ExpandScope(role access.Role, g access.Grant) access.Scope {
	var sc access.Scope
	addStreet := func(code string) {
		for _, st := range r.Streets {
			if st.Code == code {
				sc.Streets = append(sc.Streets, code)
				for _, v := range r.Villages {
					if v.StreetCode == code {
						sc.Villages = append(sc.Villages, v.Code)
					}
				}
			}
		}
	}
	switch role {
	case access.District, access.Supervisor, access.Department:
		sc.Whole = true
		sc.Department = g.Department
		for _, st := range r.Streets {
			addStreet(st.Code)
		}
	case access.Street:
		addStreet(g.Street)
	case access.CheckTeam:
		sc.Team = g.Team
		for _, st := range r.Streets {
			if st.CheckTeam == g.Team {
				addStreet(st.Code)
			}
		}
	case access.VillageOfficer:
		seen := map[string]bool{}
		for _, code := range g.Villages {
			for _, v := range r.Villages {
				if v.Code == code {
					sc.Villages = append(sc.Villages, code)
					if !seen[v.StreetCode] {
						seen[v.StreetCode] = true
						sc.Streets = append(sc.Streets, v.StreetCode)
					}
				}
			}
		}
	}
	return sc
}
