package register

import (
	"fmt"
	"strings"
	"testing"

	"jingzhun/internal/interchange"
	"jingzhun/internal/rules"
)

// sheetsFromText reads the fuzzer's text as sheets: sheets are separated by
// \x1e, a sheet's first line is its name, then rows by \n, cells by \t.
func sheetsFromText(s string) []SheetRows {
	var out []SheetRows
	for _, part := range strings.Split(s, "\x1e") {
		lines := strings.Split(part, "\n")
		sh := SheetRows{Name: lines[0]}
		for _, l := range lines[1:] {
			sh.Rows = append(sh.Rows, strings.Split(l, "\t"))
		}
		out = append(out, sh)
	}
	return out
}

// templateText is a filled-in template as sheetsFromText reads it: the
// headers of every sheet and the rows given per sheet name.
func templateText(rows map[string][]string) string {
	var parts []string
	for _, sh := range ImportTemplate {
		var hs []string
		for _, c := range sh.Columns {
			hs = append(hs, c.Header)
		}
		parts = append(parts, strings.Join(append([]string{sh.Name, strings.Join(hs, "\t")}, rows[sh.Name]...), "\n"))
	}
	return strings.Join(parts, "\x1e")
}

// FuzzParseTemplate: whatever the sheets of an uploaded register template
// hold, ParseTemplate does not panic, every problem says where and why,
// Locate answers for every household and path, and a household the
// template path accepts (no problem; interchange.Validate and the
// register's Validate content, as the import service asks) is one the
// household-v1 path accepts too: its encoding reads back without a
// problem. An Excel upload must not let in what JSON would refuse.
func FuzzParseTemplate(f *testing.F) {
	head := id("19510108", "666")
	spouse := id("19530304", "662")
	household := "H-0001\t530103012\t530103012004\t\t农业\t是\t非建档立卡户\t\t\t否\t2016\t5700\t500.50\t0\t300\t500\tC级\t60\t是\t是\t\t否\t\t否\t"
	f.Add(templateText(map[string][]string{
		"户表":   {household},
		"家庭成员": {"H-0001\t赵云\t" + head + "\t户主\t在户\t是\t健康\t非在校生\t否\t是\t\t", "H-0001\t康家\t" + strings.ToLower(spouse) + "\t配偶\t在户\t是\t\t\t\t\t\t2010/1/1"},
		"机动车":  {"H-0001\t8,000\t2015-03-01\t否"},
		"城镇房产": {"H-0001\t门面房\t2016.03.01\t是\t否"},
		"工商注册": {"H-0001\t2016-05-01\t否\t否"},
	}))
	f.Add(templateText(map[string][]string{"户表": {household, household}, "家庭成员": {"H-0002\t甲\t" + head}}))
	member := "H-0001\t赵云\t" + head + "\t户主\t在户\t是\t健康\t非在校生\t否\t是\t\t"
	for _, variant := range [][2]string{{"5700", "1e30"}, {"5700", "-1e-3"}, {"60", "0.001"}, {"\t2016\t", "\t99999999999999999999\t"}, {"C级", "E"}} {
		f.Add(templateText(map[string][]string{"户表": {strings.Replace(household, variant[0], variant[1], 1)}, "家庭成员": {member}}))
	}
	f.Add(templateText(nil))
	f.Add("户表\n户编号\t不认识\n1\t2")
	f.Add("")
	f.Add("Sheet1\n\x1e户表")
	campaign := rules.Panlong2017()
	var paths []string
	for _, sh := range ImportTemplate {
		for _, c := range sh.Columns {
			if sh.List == "" {
				paths = append(paths, c.Path)
			} else {
				paths = append(paths, sh.List+"[0]", sh.List+"[0]."+c.Path, sh.List+"[7]."+c.Path)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := ParseTemplate(sheetsFromText(text))
		for _, pr := range p.Problems {
			if pr.Sheet == "" || pr.Reason == "" || pr.Row < 0 {
				t.Fatalf("problem without a place or a reason: %+v", pr)
			}
		}
		for i := -1; i <= len(p.Households); i++ {
			for _, path := range paths {
				_ = p.Locate(max(i, 0), path)
			}
		}
		if len(p.Problems) > 0 {
			return
		}
		if len(p.Households) == 0 {
			t.Fatal("no households and no problem")
		}
		for i := range p.Households {
			h := &p.Households[i]
			// What the import service (service/imports.go) checks before it
			// stores a household: the format's rules, then the register's.
			if len(interchange.Validate(h, campaign)) > 0 {
				continue
			}
			reg := FromInterchange(h)
			if h.Region != nil {
				reg.StreetCode, reg.VillageCode = h.Region.Street, h.Region.Village
			}
			if len(Validate(&reg, campaign.ReferenceDate)) > 0 {
				continue
			}
			out := interchange.AppendHousehold(nil, h)
			var again interchange.Household
			if _, errs := interchange.ReadHousehold(out, campaign, &again); len(errs) > 0 {
				t.Fatalf("household %d accepted from the template, refused as household-v1: %v\n%s\nfrom %s", i, errs, out, fmt.Sprintf("%q", text))
			}
		}
	})
}
