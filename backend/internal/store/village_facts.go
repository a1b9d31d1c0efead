package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/register"
)

// The village table is persisted as register.VillageFacts is.
const villageFactsTable = "village_facts"

// VillageFacts reads a village's facts in scope. A village outside the
// scope, or unknown, is not found; a village without facts yet comes back
// empty at version 0.
func (s *Store) VillageFacts(ctx context.Context, sc access.Scope, code string) (*register.VillageFacts, error) {
	if !sc.HasVillage(code) {
		return nil, apperr.NotFoundf("行政村")
	}
	var n int64
	if err := s.conn(ctx).Table("villages").Where("code = ?", code).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.NotFoundf("行政村")
	}
	var v register.VillageFacts
	err := s.conn(ctx).Table(villageFactsTable).Where("village_code = ?", code).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &register.VillageFacts{VillageCode: code}, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// VillageFactsOf reads the facts of several villages (those without facts
// are left out), by village code.
func (s *Store) VillageFactsOf(ctx context.Context, codes []string) (map[string]*register.VillageFacts, error) {
	out := map[string]*register.VillageFacts{}
	if len(codes) == 0 {
		return out, nil
	}
	var vs []register.VillageFacts
	if err := s.conn(ctx).Table(villageFactsTable).Where("village_code IN ?", codes).Find(&vs).Error; err != nil {
		return nil, err
	}
	for i := range vs {
		out[vs[i].VillageCode] = &vs[i]
	}
	return out, nil
}

// SaveVillageFacts writes a village's facts whose Version is the one they
// were read at (0: none yet): a stale version is a version_conflict and
// nothing is written. v.Version is the new version afterwards.
func (s *Store) SaveVillageFacts(ctx context.Context, v *register.VillageFacts) error {
	c := *v
	c.Version = v.Version + 1
	c.UpdatedAt = time.Now().UTC()
	db := s.conn(ctx).Table(villageFactsTable)
	conflict := apperr.New(apperr.VersionConflict, "该村的村表已被他人修改，您的修改未保存。请刷新查看最新信息后再修改。")
	if v.Version == 0 {
		var n int64
		if err := s.conn(ctx).Table(villageFactsTable).Where("village_code = ?", v.VillageCode).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict
		}
		if err := db.Create(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return conflict
			}
			return err
		}
	} else {
		res := db.Where("village_code = ? AND version = ?", v.VillageCode, v.Version).Select("*").Omit("village_code").Updates(&c)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return conflict
		}
	}
	v.Version, v.UpdatedAt = c.Version, c.UpdatedAt
	return nil
}

// SeedVillageFacts inserts the facts of villages that have none (demo).
func (s *Store) SeedVillageFacts(ctx context.Context, vs []register.VillageFacts) error {
	for i := range vs {
		vs[i].Version = 1
		vs[i].UpdatedAt = time.Now().UTC()
	}
	if len(vs) == 0 {
		return nil
	}
	return s.conn(ctx).Table(villageFactsTable).CreateInBatches(&vs, 100).Error
}
