package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RateLimit is one fixed-window counter (migration 0014).
type RateLimit struct {
	Bucket      string `gorm:"primaryKey"`
	WindowStart int64  `gorm:"primaryKey;autoIncrement:false"`
	Hits        int64
}

// HitRateLimit counts one request against bucket in the fixed window of the
// given length that holds now, and returns the window's count after it and
// when the window ends. The increment is one upsert (INSERT … ON CONFLICT DO
// UPDATE on SQLite, ON DUPLICATE KEY UPDATE on MySQL), atomic on both, so
// concurrent requests on several processes never lose a hit; the count read
// after may include a concurrent hit, which only errs on the strict side.
//
// It runs outside any transaction of the request, on purpose: a refused
// request is counted too, and a rolled-back request still spent its budget.
func (s *Store) HitRateLimit(ctx context.Context, bucket string, window time.Duration, now time.Time) (int64, time.Time, error) {
	secs := int64(window / time.Second)
	if secs < 1 {
		secs = 1
	}
	start := now.Unix() - now.Unix()%secs
	db := s.db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "bucket"}, {Name: "window_start"}},
		DoUpdates: clause.Assignments(map[string]any{"hits": gorm.Expr("hits + 1")}),
	}).Create(&RateLimit{Bucket: bucket, WindowStart: start, Hits: 1}).Error
	if err != nil {
		return 0, time.Time{}, err
	}
	var hits int64
	if err := db.Model(&RateLimit{}).Where("bucket = ? AND window_start = ?", bucket, start).
		Pluck("hits", &hits).Error; err != nil {
		return 0, time.Time{}, err
	}
	return hits, time.Unix(start+secs, 0), nil
}

// SweepRateLimits deletes the windows that ended before cutoff.
func (s *Store) SweepRateLimits(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("window_start < ?", cutoff.Unix()).Delete(&RateLimit{})
	return res.RowsAffected, res.Error
}
