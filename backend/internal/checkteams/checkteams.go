// Package checkteams holds the staffing rule of the district check teams
// (动态管理工作核查组): 盘政办通〔2017〕99号 三(一) has each team draw at least
// two officials from each of seventeen named departments (departments.md).
// It is pure: the service passes the departments of a team's members and
// shows what the rule answers.
package checkteams

// MinPerDepartment is how many officials each named department seconds to
// a team at least (每个部门至少抽调2名).
const MinPerDepartment = 2

// Department is a department the source names, by its code in
// departments.json and the short name the source uses.
type Department struct {
	Code  string
	Short string
}

// Required lists the departments of 三(一) in the source's order: 发改, 教育,
// 公安, 民政, 财政, 人社, 国土, 住建, 交运, 农林, 水务, 文体, 卫计, 市场监管,
// 统计, 科信, 经投.
var Required = []Department{
	{"drc", "发改"}, {"edu", "教育"}, {"police", "公安"}, {"civil", "民政"}, {"finance", "财政"},
	{"hrss", "人社"}, {"land", "国土"}, {"housing", "住建"}, {"transport", "交运"}, {"agri", "农林"},
	{"water", "水务"}, {"culture", "文体"}, {"health", "卫计"}, {"market", "市场监管"}, {"stats", "统计"},
	{"sci", "科信"}, {"inv", "经投"},
}

// Count is one named department's staffing in a team.
type Count struct {
	Department string // code
	Short      string
	Required   int
	Have       int
	Met        bool
}

// Result is the rule's answer for one team: every named department in the
// source's order, and those short of the minimum.
type Result struct {
	Met         bool
	Departments []Count
	Missing     []Count
}

// Check counts the members' departments (one code per member; members of
// departments the source does not name count for nothing) against the rule.
func Check(memberDepartments []string) Result {
	have := map[string]int{}
	for _, d := range memberDepartments {
		have[d]++
	}
	r := Result{Met: true, Departments: make([]Count, 0, len(Required)), Missing: []Count{}}
	for _, d := range Required {
		c := Count{Department: d.Code, Short: d.Short, Required: MinPerDepartment, Have: have[d.Code]}
		c.Met = c.Have >= c.Required
		r.Departments = append(r.Departments, c)
		if !c.Met {
			r.Met = false
			r.Missing = append(r.Missing, c)
		}
	}
	return r
}
