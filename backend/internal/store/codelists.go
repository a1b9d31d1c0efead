package store

import "context"

// CodeItem is a row of a code list.
type CodeItem struct {
	List    string `gorm:"primaryKey"`
	Code    string `gorm:"primaryKey"`
	LabelZh string
	LabelEn string
	Sort    int
}

// CodeItems reads every code list in order.
func (s *Store) CodeItems(ctx context.Context) ([]CodeItem, error) {
	var items []CodeItem
	return items, s.conn(ctx).Order("list, sort, code").Find(&items).Error
}

// SaveCodeItems inserts code list entries (first start).
func (s *Store) SaveCodeItems(ctx context.Context, items []CodeItem) error {
	return s.conn(ctx).CreateInBatches(items, 200).Error
}

// VillageGroup is a 村民小组 or natural village.
type VillageGroup struct {
	ID          int64 `gorm:"primaryKey"`
	VillageCode string
	Name        string
	Sort        int
}

// VillageGroups lists the groups of the villages in scope order.
func (s *Store) VillageGroups(ctx context.Context, villageCode string) ([]VillageGroup, error) {
	var gs []VillageGroup
	q := s.conn(ctx).Order("village_code, sort, id")
	if villageCode != "" {
		q = q.Where("village_code = ?", villageCode)
	}
	return gs, q.Find(&gs).Error
}

// SaveVillageGroups inserts groups and fills their IDs.
func (s *Store) SaveVillageGroups(ctx context.Context, gs []VillageGroup) error {
	return s.conn(ctx).CreateInBatches(gs, 500).Error
}
