package migrations

import (
	"time"

	"gorm.io/gorm"
)

// deptImport0008 is one upload of a department's register (行业数据比对):
// validated whole before anything is written, then imported in one
// transaction, so a refused or interrupted file leaves nothing behind.
type deptImport0008 struct {
	ID            int64  `gorm:"primaryKey;autoIncrement"`
	Department    string `gorm:"size:32;not null;index:ix_dept_import_dept,priority:1"`
	Dataset       string `gorm:"size:32;not null;index:ix_dept_import_sha,priority:1"`
	CampaignID    int64  `gorm:"not null"`
	FileName      string `gorm:"size:255;not null"`
	FileSHA256    string `gorm:"column:file_sha256;size:64;not null;index:ix_dept_import_sha,priority:2"`
	FileSize      int64  `gorm:"not null"`
	DryRun        bool   `gorm:"not null"`
	Status        string `gorm:"size:16;not null;index:ix_dept_import_sha,priority:3"`
	Message       string `gorm:"size:500;not null"`
	Rows          int64  `gorm:"not null"`
	ProblemCount  int64  `gorm:"not null"`
	Matched       int64  `gorm:"not null"`
	Unmatched     int64  `gorm:"not null"`
	Discrepancies int64  `gorm:"not null"`
	SameAs        *int64 // the earlier import of the same file (status unchanged)
	JobID         *int64
	CreatedBy     string    `gorm:"size:64;not null"`
	CreatedAt     time.Time `gorm:"index:ix_dept_import_dept,priority:2"`
	FinishedAt    *time.Time
}

func (deptImport0008) TableName() string { return "dept_imports" }

// deptImportProblem0008 is one bad cell of a refused file, kept for the
// downloadable report (capped per import; the count is on the import).
type deptImportProblem0008 struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	ImportID int64  `gorm:"not null;index"`
	RowNo    int    `gorm:"not null"`
	Col      string `gorm:"column:col;size:64;not null"`
	Value    string `gorm:"size:255;not null"`
	Reason   string `gorm:"size:500;not null"`
}

func (deptImportProblem0008) TableName() string { return "dept_import_problems" }

// deptRecord0008 is one row of an imported register. The ID number is
// sealed with a blind index for matching; the row's other values (which can
// be health data) are sealed as one JSON document.
type deptRecord0008 struct {
	ID       int64 `gorm:"primaryKey;autoIncrement"`
	ImportID int64 `gorm:"not null;index:ix_dept_record_import,priority:1"`
	RowNo    int   `gorm:"not null;index:ix_dept_record_import,priority:2"`
	// No index on id_index: nothing reads records by person yet, and the
	// index doubled the server's cost of a million-row import (BENCHMARKS.md).
	IDIndex     string `gorm:"size:64;not null"`
	IDNumber    string `gorm:"size:255;not null"`
	Name        string `gorm:"size:100;not null"`
	Data        string `gorm:"type:text;not null"`
	KeyVersion  int    `gorm:"not null"`
	MemberID    *int64
	HouseholdID *int64
}

func (deptRecord0008) TableName() string { return "dept_records" }

// discrepancy0008 is a difference between a department's record and the
// survey, for the check team of the household's street to resolve.
type discrepancy0008 struct {
	ID              int64  `gorm:"primaryKey;autoIncrement"`
	CampaignID      int64  `gorm:"not null;uniqueIndex:uq_discrepancy_fingerprint,priority:1;index:ix_discrepancy_place,priority:1"`
	Fingerprint     string `gorm:"size:64;not null;uniqueIndex:uq_discrepancy_fingerprint,priority:2"`
	ImportID        int64  `gorm:"not null;index"`
	RecordID        int64  `gorm:"not null"`
	Dataset         string `gorm:"size:32;not null"`
	Department      string `gorm:"size:32;not null"`
	Rule            string `gorm:"size:16;not null"`
	Field           string `gorm:"size:64;not null"`
	FieldLabel      string `gorm:"size:100;not null"`
	HouseholdID     int64  `gorm:"not null;index"`
	MemberID        int64  `gorm:"not null"`
	StreetCode      string `gorm:"size:12;not null;index:ix_discrepancy_place,priority:3"`
	VillageCode     string `gorm:"size:12;not null;index:ix_discrepancy_place,priority:4"`
	SurveyValue     string `gorm:"size:1000;not null"`
	DepartmentValue string `gorm:"size:1000;not null"`
	KeyVersion      int    `gorm:"not null"`
	Status          string `gorm:"size:16;not null;index:ix_discrepancy_place,priority:2"`
	Reason          string `gorm:"size:500;not null"`
	ResolvedBy      string `gorm:"size:64;not null"`
	ResolvedAt      *time.Time
	CreatedAt       time.Time
}

func (discrepancy0008) TableName() string { return "discrepancies" }

func m0008Crosscheck(tx *gorm.DB) error {
	return createTables(tx, &deptImport0008{}, &deptImportProblem0008{}, &deptRecord0008{}, &discrepancy0008{})
}
