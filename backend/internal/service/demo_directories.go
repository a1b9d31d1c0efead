package service

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/apperr"
	"jingzhun/internal/checkteams"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
)

// DemoVillageWithoutOfficer is the demo village left without an
// information officer, so that the directory flags it (中所村委会, 滇源街道).
const DemoVillageWithoutOfficer = "530103011005"

// DemoTeamShort is the demo team one official short: team B has a single
// official of 区经投公司, so its staffing rule is not met.
const (
	DemoTeamShort       = "B"
	DemoTeamShortOfDept = "inv"
)

var (
	demoSurnames = []string{"李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "高", "段"}
	demoGiven    = []string{"建华", "丽萍", "志强", "海燕", "国庆", "秀英", "文斌", "春梅", "晓东", "红梅", "永福", "玉兰", "家顺", "金凤", "绍华", "桂芬", "云峰", "艳芳"}
	demoPosts    = []string{"副科长", "科员", "股长", "办公室主任", "干部"}
)

func demoName(i int) string {
	return demoSurnames[i%len(demoSurnames)] + demoGiven[(i/len(demoSurnames)+i*7)%len(demoGiven)]
}

// SeedDirectories fills the directories of a fresh demo installation: an
// information officer for every village but DemoVillageWithoutOfficer (a
// second one in each street's first village), the officer's account linked
// where the demo has one; two trainings (the district's for everyone, 松华
// street's for its own officers); and the members of teams A and B, two
// officials of every department the source names and a lead, team B one
// 经投 official short. Written straight to the store: demo data.
func (d *Demo) SeedDirectories(ctx context.Context) error {
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return apperr.Wrap(d.store.InTx(ctx, func(ctx context.Context) error {
		var all []int64
		byStreet := map[string][]int64{}
		n := 0
		for _, s := range tree.Streets {
			first := true
			for _, v := range tree.Villages {
				if v.StreetCode != s.Code || v.Code == DemoVillageWithoutOfficer {
					continue
				}
				count := 1
				if first {
					count, first = 2, false
				}
				for k := range count {
					o := &store.InfoOfficer{VillageCode: v.Code, StreetCode: s.Code, Name: demoName(n),
						Phone:       fmt.Sprintf("139%08d", 87160000+n*37),
						AppointedOn: localdate.Date{Year: 2015 + n%2, Month: time.Month(1 + n%12), Day: 1 + n%28},
						CreatedAt:   now, UpdatedAt: now, CreatedBy: "demo", UpdatedBy: "demo"}
					if k == 0 {
						if u, err := d.store.UserByUsername(ctx, "officer-"+v.Code); err == nil {
							o.UserID = &u.ID
						}
					}
					if err := d.store.CreateOfficer(ctx, o); err != nil {
						return err
					}
					all = append(all, o.ID)
					byStreet[s.Code] = append(byStreet[s.Code], o.ID)
					n++
				}
			}
		}
		if len(all) > 0 {
			if err := d.store.CreateTraining(ctx, &store.OfficerTraining{HeldOn: localdate.Date{Year: 2017, Month: 5, Day: 12},
				Topic: "2017年动态管理业务培训：政策解读与入户调查", Trainer: "区扶贫办", Hours: decimal.NewFromInt(4),
				CreatedAt: now, CreatedBy: "district"}, all[:len(all)-3]); err != nil {
				return err
			}
		}
		const songhua = "530103010"
		if ids := byStreet[songhua]; len(ids) > 0 {
			if err := d.store.CreateTraining(ctx, &store.OfficerTraining{HeldOn: localdate.Date{Year: 2017, Month: 6, Day: 2},
				Topic: "精准识别系统录入操作培训", Trainer: "松华街道扶贫工作站", Hours: decimal.RequireFromString("2.5"),
				StreetCode: songhua, CreatedAt: now, CreatedBy: "street-" + songhua}, ids); err != nil {
				return err
			}
		}
		m := 500
		for _, t := range tree.Teams {
			add := func(dept, post, role string) error {
				m++
				return d.store.CreateTeamMember(ctx, &store.CheckTeamMember{TeamCode: t.Code, Name: demoName(m), Department: dept,
					Post: post, Phone: fmt.Sprintf("138%08d", 71230000+m*53), Role: role,
					CreatedAt: now, UpdatedAt: now, CreatedBy: "demo", UpdatedBy: "demo"})
			}
			if err := add("agri", "区农林局副局长", TeamLead); err != nil {
				return err
			}
			for _, dept := range checkteams.Required {
				count := checkteams.MinPerDepartment
				if t.Code == DemoTeamShort && dept.Code == DemoTeamShortOfDept {
					count--
				}
				for k := range count {
					if err := add(dept.Code, demoPosts[(m+k)%len(demoPosts)], TeamMember); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}), "seed demo directories")
}
