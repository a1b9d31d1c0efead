package migrations

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/localdate"
)

// campaignDeadline0010 is a campaign's deadline for one stage (workflow.md).
type campaignDeadline0010 struct {
	CampaignID int64          `gorm:"primaryKey;autoIncrement:false"`
	Stage      int            `gorm:"primaryKey;autoIncrement:false"`
	DueOn      localdate.Date `gorm:"type:date;not null"`
}

func (campaignDeadline0010) TableName() string { return "campaign_deadlines" }

// villageList0010 is a village's list (村级名单) in a campaign and the stage it
// is at. Version guards concurrent moves: an UPDATE … WHERE version = ? that
// touches no row is a conflict.
type villageList0010 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	CampaignID  int64  `gorm:"not null;uniqueIndex:uq_list_campaign_village,priority:1;index:ix_list_campaign_street,priority:1"`
	VillageCode string `gorm:"size:12;not null;uniqueIndex:uq_list_campaign_village,priority:2"`
	StreetCode  string `gorm:"size:9;not null;index:ix_list_campaign_street,priority:2"`
	Stage       int    `gorm:"not null;index:ix_list_campaign_street,priority:3"`
	Version     int64  `gorm:"not null"`
	StageSince  time.Time
	MovedBy     string `gorm:"size:64;not null"`
	CreatedAt   time.Time
}

func (villageList0010) TableName() string { return "village_lists" }

// listEvent0010 is the history of a list: opened, moved on, sent back.
type listEvent0010 struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	ListID    int64     `gorm:"not null;index:ix_list_event,priority:1"`
	Kind      string    `gorm:"size:16;not null"`
	FromStage int       `gorm:"not null"`
	ToStage   int       `gorm:"not null"`
	Reason    string    `gorm:"type:text;not null"`
	Actor     string    `gorm:"size:64;not null"`
	ActorRole string    `gorm:"size:32;not null"`
	At        time.Time `gorm:"index:ix_list_event,priority:2"`
}

func (listEvent0010) TableName() string { return "list_events" }

// reviewCase0010 is a household's case on its village list: the proposal
// (the computed outcome lives in household_outcomes, always current), the
// flag, and for a wrongly registered household that refuses to leave the
// accountability referral and what is to be recovered.
type reviewCase0010 struct {
	ID               int64  `gorm:"primaryKey;autoIncrement"`
	CampaignID       int64  `gorm:"not null;uniqueIndex:uq_case_campaign_household,priority:1"`
	HouseholdID      int64  `gorm:"not null;uniqueIndex:uq_case_campaign_household,priority:2"`
	ListID           int64  `gorm:"not null;index"`
	Proposal         string `gorm:"size:32;not null"`
	ProposalOverride bool   `gorm:"not null"`
	ProposalReason   string `gorm:"type:text;not null"`
	ProposalBasis    string `gorm:"size:32;not null"` // the computed outcome the proposal was made on
	ProposedBy       string `gorm:"size:64;not null"`
	ProposedAt       *time.Time
	Flagged          bool             `gorm:"not null"`
	KeepReason       string           `gorm:"type:text;not null"` // why the proposal was kept after a flag
	RefusesExit      bool             `gorm:"not null"`
	ReferralOn       *localdate.Date  `gorm:"type:date"`
	ReferralTo       string           `gorm:"size:200;not null"`
	ReferralNote     string           `gorm:"type:text;not null"`
	RecoverAmount    *decimal.Decimal `gorm:"type:decimal(14,2)"`
	RecoverItems     string           `gorm:"type:text;not null"`
	RecoveredAmount  *decimal.Decimal `gorm:"type:decimal(14,2)"`
	Version          int64            `gorm:"not null"`
	UpdatedAt        time.Time
}

func (reviewCase0010) TableName() string { return "review_cases" }

// listRecord0010 is a record kept on a list: an analysis meeting (per
// village group), a household survey, a party-member or villagers' meeting,
// the two-committee decision, the representatives' resolution, the street's
// and district's decisions, the announcement. Fields every kind shares are
// columns; the rest is the kind's typed body as JSON. A send-back to an
// earlier stage voids the records of the stages after it.
type listRecord0010 struct {
	ID          int64          `gorm:"primaryKey;autoIncrement"`
	ListID      int64          `gorm:"not null;index:ix_list_record,priority:1"`
	Kind        string         `gorm:"size:32;not null;index:ix_list_record,priority:2"`
	Stage       int            `gorm:"not null"`
	HeldOn      localdate.Date `gorm:"type:date;not null"`
	GroupID     *int64         `gorm:"index"`
	HouseholdID *int64         `gorm:"index"`
	Body        string         `gorm:"type:mediumtext;not null"`
	Void        bool           `gorm:"not null"`
	CreatedBy   string         `gorm:"size:64;not null"`
	CreatedAt   time.Time
}

func (listRecord0010) TableName() string { return "list_records" }

// recordOpinion0010 is an opinion raised at a public review meeting and, when
// it needs checking, the answer given (核实、反馈).
type recordOpinion0010 struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	RecordID   int64  `gorm:"not null;index"`
	ListID     int64  `gorm:"not null;index"`
	Text       string `gorm:"type:text;not null"`
	NeedsCheck bool   `gorm:"not null"`
	Answer     string `gorm:"type:text;not null"`
	AnsweredBy string `gorm:"size:64;not null"`
	AnsweredAt *time.Time
}

func (recordOpinion0010) TableName() string { return "record_opinions" }

// listFile0010 is a scan or photo kept with a record or a notice.
type listFile0010 struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	ListID      int64  `gorm:"not null;index"`
	RecordID    *int64 `gorm:"index"`
	NoticeID    *int64 `gorm:"index"`
	FileName    string `gorm:"size:255;not null"`
	ContentType string `gorm:"size:64;not null"`
	Size        int64  `gorm:"not null"`
	SHA256      string `gorm:"column:sha256;size:64;not null"`
	Content     []byte `gorm:"type:longblob"`
	CreatedBy   string `gorm:"size:64;not null"`
	CreatedAt   time.Time
}

func (listFile0010) TableName() string { return "list_files" }

// notice0010 is a posting of the list (公示) at village or street level. A
// change to a case after posting supersedes it; a new posting follows.
type notice0010 struct {
	ID            int64          `gorm:"primaryKey;autoIncrement"`
	ListID        int64          `gorm:"not null;index:ix_notice_list,priority:1"`
	Level         string         `gorm:"size:8;not null;index:ix_notice_list,priority:2"`
	PostedOn      localdate.Date `gorm:"type:date;not null"`
	Place         string         `gorm:"size:200;not null"`
	ReportPhone   string         `gorm:"size:64;not null"`
	Supervisor    string         `gorm:"size:200;not null"`
	IssuedBy      string         `gorm:"size:200;not null"`
	PostedBy      string         `gorm:"size:64;not null"`
	CreatedAt     time.Time
	SupersededAt  *time.Time
	SupersededWhy string `gorm:"size:500;not null"`
}

func (notice0010) TableName() string { return "notices" }

// report0010 is a report (举报) received during a notice, open until its
// investigation is recorded.
type report0010 struct {
	ID             int64          `gorm:"primaryKey;autoIncrement"`
	ListID         int64          `gorm:"not null;index:ix_report_list,priority:1"`
	NoticeID       int64          `gorm:"not null"`
	Level          string         `gorm:"size:8;not null"`
	ReceivedOn     localdate.Date `gorm:"type:date;not null"`
	Channel        string         `gorm:"size:32;not null"`
	Content        string         `gorm:"type:text;not null"`
	Status         string         `gorm:"size:16;not null;index:ix_report_list,priority:2"`
	Findings       string         `gorm:"type:text;not null"`
	Answer         string         `gorm:"type:text;not null"`
	InvestigatedBy string         `gorm:"size:64;not null"`
	InvestigatedAt *time.Time
	CreatedBy      string `gorm:"size:64;not null"`
	CreatedAt      time.Time
}

func (report0010) TableName() string { return "reports" }

// reportCase0010 names a case a report is about.
type reportCase0010 struct {
	ReportID int64 `gorm:"primaryKey;autoIncrement:false"`
	CaseID   int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (reportCase0010) TableName() string { return "report_cases" }

// m0010Review adds the review procedure (issue 7): stage deadlines, village
// lists and their history, cases, records with opinions and files, notices
// and reports; and on campaigns the notice's customary contacts.
func m0010Review(tx *gorm.DB) error {
	if err := createTables(tx, &campaignDeadline0010{}, &villageList0010{}, &listEvent0010{}, &reviewCase0010{},
		&listRecord0010{}, &recordOpinion0010{}, &listFile0010{}, &notice0010{}, &report0010{}, &reportCase0010{}); err != nil {
		return err
	}
	for _, stmt := range []string{
		"ALTER TABLE campaigns ADD COLUMN report_phone VARCHAR(64) NOT NULL DEFAULT ''",
		"ALTER TABLE campaigns ADD COLUMN supervisor_unit VARCHAR(200) NOT NULL DEFAULT ''",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
