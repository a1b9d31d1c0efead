package migrations

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/localdate"
)

// infoOfficer0012 is a village's information officer (信息员名录库). The
// phone is sealed at rest like a household's; user_id links the officer's
// account, if any. Removed officers are kept (deleted_at) so that the
// training records still name them.
type infoOfficer0012 struct {
	ID          int64          `gorm:"primaryKey;autoIncrement"`
	VillageCode string         `gorm:"size:12;not null;index:ix_officer_village,priority:1"`
	StreetCode  string         `gorm:"size:9;not null;index"`
	Name        string         `gorm:"size:50;not null"`
	Phone       string         `gorm:"size:255;not null"`
	KeyVersion  int            `gorm:"not null"`
	UserID      *int64         `gorm:"index"`
	AppointedOn localdate.Date `gorm:"type:date;not null"`
	Version     int64          `gorm:"not null"`
	CreatedAt   time.Time
	CreatedBy   string `gorm:"size:64;not null"`
	UpdatedAt   time.Time
	UpdatedBy   string     `gorm:"size:64;not null"`
	DeletedAt   *time.Time `gorm:"index:ix_officer_village,priority:2"`
}

func (infoOfficer0012) TableName() string { return "info_officers" }

// officerTraining0012 is a training of information officers: street_code
// is the organising street, "" for the district.
type officerTraining0012 struct {
	ID         int64           `gorm:"primaryKey;autoIncrement"`
	HeldOn     localdate.Date  `gorm:"type:date;not null;index"`
	Topic      string          `gorm:"size:200;not null"`
	Trainer    string          `gorm:"size:100;not null"`
	Hours      decimal.Decimal `gorm:"type:decimal(6,1);not null"`
	StreetCode string          `gorm:"size:9;not null;index"`
	CreatedAt  time.Time
	CreatedBy  string `gorm:"size:64;not null"`
}

func (officerTraining0012) TableName() string { return "officer_trainings" }

// trainingAttendee0012 names an officer who attended a training.
type trainingAttendee0012 struct {
	TrainingID int64 `gorm:"primaryKey;autoIncrement:false"`
	OfficerID  int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (trainingAttendee0012) TableName() string { return "training_attendees" }

// checkTeamMember0012 is an official seconded to a check team: department
// is a code of departments.json, role lead or member, the phone sealed.
type checkTeamMember0012 struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	TeamCode   string `gorm:"size:8;not null;index"`
	Name       string `gorm:"size:50;not null"`
	Department string `gorm:"size:32;not null"`
	Post       string `gorm:"size:100;not null"`
	Phone      string `gorm:"size:255;not null"`
	KeyVersion int    `gorm:"not null"`
	Role       string `gorm:"size:8;not null"`
	Version    int64  `gorm:"not null"`
	CreatedAt  time.Time
	CreatedBy  string `gorm:"size:64;not null"`
	UpdatedAt  time.Time
	UpdatedBy  string `gorm:"size:64;not null"`
}

func (checkTeamMember0012) TableName() string { return "check_team_members" }

// m0012Directories adds the information officer directory with its
// training records, and the check teams' members (issue 8).
func m0012Directories(tx *gorm.DB) error {
	return createTables(tx, &infoOfficer0012{}, &officerTraining0012{}, &trainingAttendee0012{}, &checkTeamMember0012{})
}
