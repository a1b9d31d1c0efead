package store

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// Campaign is a review campaign (动态管理批次) with its parameters.
type Campaign struct {
	ID                int64 `gorm:"primaryKey"`
	Name              string
	CampaignYear      int
	IncomeYear        int
	PovertyLine       decimal.Decimal
	VehicleValueLimit decimal.Decimal
	ReferenceDate     localdate.Date
	Active            bool
	ReportPhone       string // 举报电话 printed on notices
	SupervisorUnit    string // 监督单位 printed on notices
	Version           int64
	CreatedAt         time.Time
	CreatedBy         string
	UpdatedAt         time.Time
	UpdatedBy         string
}

// Parameters are the campaign's parameters as the rules engine takes them.
func (c *Campaign) Parameters() interchange.Campaign {
	return interchange.Campaign{CampaignYear: c.CampaignYear, IncomeYear: c.IncomeYear, PovertyLine: c.PovertyLine,
		VehicleValueLimit: c.VehicleValueLimit, ReferenceDate: c.ReferenceDate}
}

// Campaigns lists every campaign, newest first.
func (s *Store) Campaigns(ctx context.Context) ([]Campaign, error) {
	var cs []Campaign
	return cs, s.conn(ctx).Order("campaign_year DESC, id DESC").Find(&cs).Error
}

// CampaignByID reads a campaign.
func (s *Store) CampaignByID(ctx context.Context, id int64) (*Campaign, error) {
	var c Campaign
	if err := s.conn(ctx).First(&c, id).Error; err != nil {
		return nil, notFound(err, "动态管理批次")
	}
	return &c, nil
}

// ActiveCampaign reads the active campaign; nil when there is none.
func (s *Store) ActiveCampaign(ctx context.Context) (*Campaign, error) {
	var c Campaign
	err := s.conn(ctx).Where("active = ?", true).Order("id DESC").First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCampaign inserts a campaign at version 1.
func (s *Store) CreateCampaign(ctx context.Context, c *Campaign) error {
	c.Version = 1
	return s.conn(ctx).Create(c).Error
}

// UpdateCampaign writes a campaign whose Version is the one it was read at:
// a stale version is a version_conflict and nothing is written.
func (s *Store) UpdateCampaign(ctx context.Context, c *Campaign) error {
	res := s.conn(ctx).Model(&Campaign{}).Where("id = ? AND version = ?", c.ID, c.Version).Updates(map[string]any{
		"name": c.Name, "campaign_year": c.CampaignYear, "income_year": c.IncomeYear, "poverty_line": c.PovertyLine,
		"vehicle_value_limit": c.VehicleValueLimit, "reference_date": c.ReferenceDate,
		"report_phone": c.ReportPhone, "supervisor_unit": c.SupervisorUnit,
		"version": c.Version + 1, "updated_at": c.UpdatedAt, "updated_by": c.UpdatedBy,
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.VersionConflict, "该批次参数已被他人修改，请刷新后再改")
	}
	c.Version++
	return nil
}

// DeactivateCampaigns finishes every campaign: a new one is about to become
// the active one.
func (s *Store) DeactivateCampaigns(ctx context.Context) error {
	return s.conn(ctx).Model(&Campaign{}).Where("active = ?", true).Update("active", false).Error
}
