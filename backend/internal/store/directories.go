package store

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

// The directories (issue 8): information officers by village with their
// trainings, and the members of the check teams. Phones are sealed at rest
// like a household's (sealed.go) and opened here.
const (
	colOfficerPhone = "info_officers.phone"
	colMemberPhone  = "check_team_members.phone"
)

// InfoOfficer is a village's information officer (信息员).
type InfoOfficer struct {
	ID          int64 `gorm:"primaryKey"`
	VillageCode string
	StreetCode  string
	Name        string
	Phone       string
	KeyVersion  int
	UserID      *int64
	AppointedOn localdate.Date
	Version     int64
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
	DeletedAt   *time.Time
}

func (InfoOfficer) TableName() string { return "info_officers" }

// OfficerRow is one line of the directory: the officer with the names of
// the places, the account's username and the trainings attended.
type OfficerRow struct {
	InfoOfficer
	StreetName    string
	VillageName   string
	Username      string
	Trainings     int
	TrainingHours decimal.Decimal
}

// OfficerFilter narrows the directory to a street or village.
type OfficerFilter struct {
	StreetCode  string
	VillageCode string
}

func (s *Store) officerQuery(ctx context.Context, sc access.Scope, f OfficerFilter) *gorm.DB {
	q := inScope(s.conn(ctx).Table("info_officers"), sc, "info_officers").Where("info_officers.deleted_at IS NULL")
	if f.StreetCode != "" {
		q = q.Where("info_officers.street_code = ?", f.StreetCode)
	}
	if f.VillageCode != "" {
		q = q.Where("info_officers.village_code = ?", f.VillageCode)
	}
	return q
}

// Officers lists the live officers in scope by street, village and
// appointment, phones opened.
func (s *Store) Officers(ctx context.Context, sc access.Scope, f OfficerFilter) ([]OfficerRow, error) {
	var rows []OfficerRow
	err := s.officerQuery(ctx, sc, f).
		Select(`info_officers.*, streets.name AS street_name, villages.name AS village_name, COALESCE(users.username, '') AS username`).
		Joins("JOIN streets ON streets.code = info_officers.street_code").
		Joins("JOIN villages ON villages.code = info_officers.village_code").
		Joins("LEFT JOIN users ON users.id = info_officers.user_id").
		Order("streets.sort, villages.sort, info_officers.appointed_on, info_officers.id").
		Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return rows, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
		if err := s.openOfficer(&rows[i].InfoOfficer); err != nil {
			return nil, err
		}
	}
	var attended []struct {
		OfficerID int64
		Hours     decimal.Decimal
	}
	for start := 0; start < len(ids); start += 500 {
		var part []struct {
			OfficerID int64
			Hours     decimal.Decimal
		}
		if err := s.conn(ctx).Table("training_attendees a").Select("a.officer_id, t.hours").
			Joins("JOIN officer_trainings t ON t.id = a.training_id").
			Where("a.officer_id IN ?", ids[start:min(start+500, len(ids))]).Scan(&part).Error; err != nil {
			return nil, err
		}
		attended = append(attended, part...)
	}
	at := map[int64]int{}
	for i := range rows {
		at[rows[i].ID] = i
	}
	for _, a := range attended {
		r := &rows[at[a.OfficerID]]
		r.Trainings++
		r.TrainingHours = r.TrainingHours.Add(a.Hours)
	}
	return rows, nil
}

// Officer reads a live officer in scope; outside the scope is not found.
func (s *Store) Officer(ctx context.Context, sc access.Scope, id int64) (*InfoOfficer, error) {
	var o InfoOfficer
	if err := s.officerQuery(ctx, sc, OfficerFilter{}).Where("info_officers.id = ?", id).Take(&o).Error; err != nil {
		return nil, notFound(err, "信息员")
	}
	return &o, s.openOfficer(&o)
}

// OfficersByID reads the live officers in scope among ids.
func (s *Store) OfficersByID(ctx context.Context, sc access.Scope, ids []int64) ([]InfoOfficer, error) {
	var os []InfoOfficer
	if len(ids) == 0 {
		return os, nil
	}
	if err := s.officerQuery(ctx, sc, OfficerFilter{}).Where("info_officers.id IN ?", ids).Order("id").Find(&os).Error; err != nil {
		return nil, err
	}
	for i := range os {
		if err := s.openOfficer(&os[i]); err != nil {
			return nil, err
		}
	}
	return os, nil
}

// CreateOfficer inserts an officer at version 1, the phone sealed.
func (s *Store) CreateOfficer(ctx context.Context, o *InfoOfficer) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	o.Version = 1
	c := *o
	c.Phone, c.KeyVersion = k.Seal(colOfficerPhone, o.Phone), k.Current()
	if err := s.conn(ctx).Create(&c).Error; err != nil {
		return err
	}
	o.ID, o.KeyVersion = c.ID, c.KeyVersion
	return nil
}

// UpdateOfficer writes an officer whose Version is the one it was read at;
// a stale version is a version_conflict.
func (s *Store) UpdateOfficer(ctx context.Context, o *InfoOfficer) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	res := s.conn(ctx).Model(&InfoOfficer{}).Where("id = ? AND version = ? AND deleted_at IS NULL", o.ID, o.Version).Updates(map[string]any{
		"village_code": o.VillageCode, "street_code": o.StreetCode, "name": o.Name,
		"phone": k.Seal(colOfficerPhone, o.Phone), "key_version": k.Current(), "user_id": o.UserID,
		"appointed_on": o.AppointedOn, "version": o.Version + 1, "updated_at": o.UpdatedAt, "updated_by": o.UpdatedBy,
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该信息员已被他人修改，请刷新后再改")
	}
	o.Version++
	return nil
}

// DeleteOfficer removes an officer from the directory (kept for the
// training records), at the version it was read.
func (s *Store) DeleteOfficer(ctx context.Context, id, version int64, by string, at time.Time) error {
	res := s.conn(ctx).Model(&InfoOfficer{}).Where("id = ? AND version = ? AND deleted_at IS NULL", id, version).
		Updates(map[string]any{"deleted_at": at, "updated_at": at, "updated_by": by, "version": version + 1})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该信息员已被他人修改，请刷新后再改")
	}
	return nil
}

func (s *Store) openOfficer(o *InfoOfficer) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if o.Phone, err = k.Open(colOfficerPhone, o.Phone); err != nil {
		return fmt.Errorf("officer %d: %w", o.ID, err)
	}
	return nil
}

// PovertyWorkVillages counts, by village in scope, the live households of
// the poverty register (registered or exited): the villages with poverty
// work, which need an information officer.
func (s *Store) PovertyWorkVillages(ctx context.Context, sc access.Scope, f OfficerFilter) (map[string]int64, error) {
	var rows []struct {
		VillageCode string
		N           int64
	}
	err := s.householdQuery(ctx, sc, HouseholdFilter{StreetCode: f.StreetCode, VillageCode: f.VillageCode}).
		Where("households.status IN ?", []string{register.Registered, register.Exited}).
		Select("households.village_code AS village_code, COUNT(*) AS n").Group("households.village_code").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.VillageCode] = r.N
	}
	return out, err
}

// OfficerTraining is a training of information officers; StreetCode is
// the organising street, "" for the district.
type OfficerTraining struct {
	ID         int64 `gorm:"primaryKey"`
	HeldOn     localdate.Date
	Topic      string
	Trainer    string
	Hours      decimal.Decimal
	StreetCode string
	CreatedAt  time.Time
	CreatedBy  string
}

func (OfficerTraining) TableName() string { return "officer_trainings" }

type trainingAttendee struct {
	TrainingID int64 `gorm:"primaryKey;autoIncrement:false"`
	OfficerID  int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (trainingAttendee) TableName() string { return "training_attendees" }

// TrainingAttendee is an officer who attended a training, as listed.
type TrainingAttendee struct {
	TrainingID  int64
	OfficerID   int64
	Name        string
	VillageCode string
	VillageName string
	Removed     bool // no longer in the directory
}

// TrainingRow is a training with its attendees in the caller's scope and
// the number of all its attendees.
type TrainingRow struct {
	OfficerTraining
	StreetName    string
	Attendees     []TrainingAttendee `gorm:"-"`
	AttendeeCount int
}

// Trainings lists, newest first, the trainings a scope sees: those its
// streets organised, and those its officers attended (district-wide: all).
// A street narrows to one street in the same way.
func (s *Store) Trainings(ctx context.Context, sc access.Scope, street string) ([]TrainingRow, error) {
	q := s.conn(ctx).Table("officer_trainings").
		Select("officer_trainings.*, COALESCE(streets.name, '') AS street_name").
		Joins("LEFT JOIN streets ON streets.code = officer_trainings.street_code")
	attendedIn := func(villages []string) *gorm.DB {
		return s.conn(ctx).Table("training_attendees a").Select("a.training_id").
			Joins("JOIN info_officers o ON o.id = a.officer_id").Where("o.village_code IN ?", villages)
	}
	if !sc.Whole {
		if len(sc.Villages) == 0 {
			return nil, nil
		}
		q = q.Where("(officer_trainings.street_code IN ? OR officer_trainings.id IN (?))", sc.Streets, attendedIn(sc.Villages))
	}
	if street != "" {
		q = q.Where("(officer_trainings.street_code = ? OR officer_trainings.id IN (?))", street,
			s.conn(ctx).Table("training_attendees a").Select("a.training_id").
				Joins("JOIN info_officers o ON o.id = a.officer_id").Where("o.street_code = ?", street))
	}
	var rows []TrainingRow
	if err := q.Order("officer_trainings.held_on DESC, officer_trainings.id DESC").Scan(&rows).Error; err != nil || len(rows) == 0 {
		return rows, err
	}
	ids := make([]int64, len(rows))
	at := map[int64]int{}
	for i := range rows {
		ids[i] = rows[i].ID
		at[rows[i].ID] = i
		rows[i].Attendees = []TrainingAttendee{}
	}
	var counts []struct {
		TrainingID int64
		N          int
	}
	if err := s.conn(ctx).Table("training_attendees").Select("training_id, COUNT(*) AS n").
		Where("training_id IN ?", ids).Group("training_id").Scan(&counts).Error; err != nil {
		return nil, err
	}
	for _, c := range counts {
		rows[at[c.TrainingID]].AttendeeCount = c.N
	}
	var as []struct {
		TrainingAttendee
		DeletedAt *time.Time
	}
	aq := inScope(s.conn(ctx).Table("training_attendees a").
		Select("a.training_id, a.officer_id, o.name, o.village_code, villages.name AS village_name, o.deleted_at").
		Joins("JOIN info_officers o ON o.id = a.officer_id").
		Joins("JOIN villages ON villages.code = o.village_code"), sc, "o").
		Where("a.training_id IN ?", ids)
	if err := aq.Order("o.village_code, o.id").Scan(&as).Error; err != nil {
		return nil, err
	}
	for _, a := range as {
		a.Removed = a.DeletedAt != nil
		r := &rows[at[a.TrainingID]]
		r.Attendees = append(r.Attendees, a.TrainingAttendee)
	}
	return rows, nil
}

// CreateTraining records a training and who attended it.
func (s *Store) CreateTraining(ctx context.Context, t *OfficerTraining, officerIDs []int64) error {
	if err := s.conn(ctx).Create(t).Error; err != nil {
		return err
	}
	rows := make([]trainingAttendee, len(officerIDs))
	for i, id := range officerIDs {
		rows[i] = trainingAttendee{TrainingID: t.ID, OfficerID: id}
	}
	if len(rows) == 0 {
		return nil
	}
	return s.conn(ctx).CreateInBatches(rows, 200).Error
}

// CheckTeamMember is an official seconded to a check team.
type CheckTeamMember struct {
	ID         int64 `gorm:"primaryKey"`
	TeamCode   string
	Name       string
	Department string
	Post       string
	Phone      string
	KeyVersion int
	Role       string
	Version    int64
	CreatedAt  time.Time
	CreatedBy  string
	UpdatedAt  time.Time
	UpdatedBy  string
}

func (CheckTeamMember) TableName() string { return "check_team_members" }

// TeamMembers lists the members of the teams, leads first, phones opened.
func (s *Store) TeamMembers(ctx context.Context, teams []string) ([]CheckTeamMember, error) {
	var ms []CheckTeamMember
	if len(teams) == 0 {
		return ms, nil
	}
	if err := s.conn(ctx).Where("team_code IN ?", teams).
		Order("team_code, CASE WHEN role = 'lead' THEN 0 ELSE 1 END, department, id").Find(&ms).Error; err != nil {
		return nil, err
	}
	for i := range ms {
		if err := s.openTeamMember(&ms[i]); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// TeamMember reads a member of a team; another team's member is not found.
func (s *Store) TeamMember(ctx context.Context, team string, id int64) (*CheckTeamMember, error) {
	var m CheckTeamMember
	if err := s.conn(ctx).Where("team_code = ? AND id = ?", team, id).Take(&m).Error; err != nil {
		return nil, notFound(err, "核查组成员")
	}
	return &m, s.openTeamMember(&m)
}

// CreateTeamMember inserts a member at version 1, the phone sealed.
func (s *Store) CreateTeamMember(ctx context.Context, m *CheckTeamMember) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	m.Version = 1
	c := *m
	c.Phone, c.KeyVersion = k.Seal(colMemberPhone, m.Phone), k.Current()
	if err := s.conn(ctx).Create(&c).Error; err != nil {
		return err
	}
	m.ID, m.KeyVersion = c.ID, c.KeyVersion
	return nil
}

// UpdateTeamMember writes a member whose Version is the one it was read at.
func (s *Store) UpdateTeamMember(ctx context.Context, m *CheckTeamMember) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	res := s.conn(ctx).Model(&CheckTeamMember{}).Where("id = ? AND version = ?", m.ID, m.Version).Updates(map[string]any{
		"name": m.Name, "department": m.Department, "post": m.Post, "role": m.Role,
		"phone": k.Seal(colMemberPhone, m.Phone), "key_version": k.Current(),
		"version": m.Version + 1, "updated_at": m.UpdatedAt, "updated_by": m.UpdatedBy,
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该成员已被他人修改，请刷新后再改")
	}
	m.Version++
	return nil
}

// DeleteTeamMember removes a member at the version it was read.
func (s *Store) DeleteTeamMember(ctx context.Context, id, version int64) error {
	res := s.conn(ctx).Where("id = ? AND version = ?", id, version).Delete(&CheckTeamMember{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该成员已被他人修改，请刷新后再改")
	}
	return nil
}

func (s *Store) openTeamMember(m *CheckTeamMember) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	if m.Phone, err = k.Open(colMemberPhone, m.Phone); err != nil {
		return fmt.Errorf("team member %d: %w", m.ID, err)
	}
	return nil
}
