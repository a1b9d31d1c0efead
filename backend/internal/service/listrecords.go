package service

import (
	"bytes"
	"encoding/json"
	"strings"

	"jingzhun/internal/apperr"
	"jingzhun/internal/workflow"
)

// The typed bodies of list records, one per kind: what the source asks each
// meeting or decision to record. Unknown keys are refused.

// AnalysisMeetingBody is a 贫情分析会 of one or more village groups.
type AnalysisMeetingBody struct {
	Chair            string `json:"chair"`            // 主持人 (the check-team lead)
	Attendees        string `json:"attendees"`        // 街道和村干部、驻村工作队、党员、村民代表
	KeyHouseholds    string `json:"key_households"`   // 锁定的重点工作目标
	WorkPlan         string `json:"work_plan"`        // 工作计划
	Responsibilities string `json:"responsibilities"` // 责任分工
}

// SurveyBody is a household survey (纸质采集、层层签字).
type SurveyBody struct {
	Surveyors string `json:"surveyors"`  // 调查人
	MainCause string `json:"main_cause"` // 主要致贫原因 as found (code list cause), optional
	Note      string `json:"note"`
}

// MeetingBody is a party-member or villagers' meeting (公开评议).
type MeetingBody struct {
	Place      string `json:"place"`
	Attendance int    `json:"attendance"` // 到会人数
	Summary    string `json:"summary"`
}

// DecisionBody is a decision or resolution: the two committees, the
// villagers' representatives, the street's review, the district's
// confirmation.
type DecisionBody struct {
	Attendance int    `json:"attendance"`
	Decision   string `json:"decision"`
}

// AnnouncementBody is the announcement (公告) of the result.
type AnnouncementBody struct {
	Place string `json:"place"`
	Note  string `json:"note"`
}

// checkRecordBody decodes a record's body into its kind's type, checks it
// and returns it re-encoded (only known fields are stored).
func checkRecordBody(kind workflow.RecordKind, raw json.RawMessage) ([]byte, []apperr.Detail) {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	var ds []apperr.Detail
	need := func(field, v, msg string) {
		if strings.TrimSpace(v) == "" {
			ds = append(ds, apperr.Detail{Field: "body." + field, Message: msg})
		}
	}
	decode := func(v any) bool {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			ds = append(ds, apperr.Detail{Field: "body", Message: "记录内容格式不对：" + err.Error()})
			return false
		}
		return true
	}
	var v any
	switch kind {
	case workflow.AnalysisMeeting:
		b := &AnalysisMeetingBody{}
		if decode(b) {
			need("chair", b.Chair, "请填写主持人")
			need("attendees", b.Attendees, "请填写参会人员")
			need("work_plan", b.WorkPlan, "请填写工作计划")
		}
		v = b
	case workflow.SurveyRecord:
		b := &SurveyBody{}
		if decode(b) {
			need("surveyors", b.Surveyors, "请填写调查人")
		}
		v = b
	case workflow.PartyMeeting, workflow.VillagersMeeting:
		b := &MeetingBody{}
		if decode(b) {
			if b.Attendance <= 0 {
				ds = append(ds, apperr.Detail{Field: "body.attendance", Message: "请填写到会人数"})
			}
			need("summary", b.Summary, "请填写会议情况")
		}
		v = b
	case workflow.TwoCommittee, workflow.RepresentativesRes, workflow.StreetApproval, workflow.DistrictDecision:
		b := &DecisionBody{}
		if decode(b) {
			if b.Attendance < 0 {
				ds = append(ds, apperr.Detail{Field: "body.attendance", Message: "到会人数不能为负"})
			}
			need("decision", b.Decision, "请填写决定内容")
		}
		v = b
	case workflow.Announcement:
		b := &AnnouncementBody{}
		if decode(b) {
			need("place", b.Place, "请填写公告地点")
		}
		v = b
	default:
		return nil, []apperr.Detail{{Field: "kind", Message: "未知的记录类型"}}
	}
	out, _ := json.Marshal(v)
	return out, ds
}
