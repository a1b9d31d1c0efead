package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm/clause"
)

// PovertyLine is a national poverty line by income year.
type PovertyLine struct {
	IncomeYear int `gorm:"primaryKey;autoIncrement:false"`
	Line       decimal.Decimal
	Note       string
	UpdatedAt  time.Time
	UpdatedBy  string
}

// PovertyLines lists every line, by year.
func (s *Store) PovertyLines(ctx context.Context) ([]PovertyLine, error) {
	var ls []PovertyLine
	return ls, s.conn(ctx).Order("income_year").Find(&ls).Error
}

// PovertyLineOf reads the line of a year; nil when none is recorded.
func (s *Store) PovertyLineOf(ctx context.Context, year int) (*PovertyLine, error) {
	var ls []PovertyLine
	if err := s.conn(ctx).Where("income_year = ?", year).Limit(1).Find(&ls).Error; err != nil || len(ls) == 0 {
		return nil, err
	}
	return &ls[0], nil
}

// SavePovertyLine inserts or replaces the line of a year.
func (s *Store) SavePovertyLine(ctx context.Context, l *PovertyLine) error {
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "income_year"}},
		DoUpdates: clause.AssignmentColumns([]string{"line", "note", "updated_at", "updated_by"}),
	}).Create(l).Error
}
