package migrations

import "gorm.io/gorm"

// rateLimit0014 is one fixed-window counter of the strict request budgets
// (sign-in per client IP, exports and full-record reads per user). They are
// kept in the database, not in the process, so that several stateless
// server processes behind one proxy share them (issue 10): otherwise each
// process would grant the budget again. bucket names the budget and the
// subject ("login:192.0.2.10", "export:17"); window_start is the Unix second
// the window began. The primary key makes the increment one atomic upsert;
// the index on window_start serves the sweep of old windows.
type rateLimit0014 struct {
	Bucket      string `gorm:"size:100;primaryKey"`
	WindowStart int64  `gorm:"primaryKey;autoIncrement:false;index:ix_rate_limits_window"`
	Hits        int64  `gorm:"not null"`
}

func (rateLimit0014) TableName() string { return "rate_limits" }

// m0014RateLimits creates the shared rate-limit counters (issue 9).
func m0014RateLimits(tx *gorm.DB) error {
	return createTables(tx, &rateLimit0014{})
}
