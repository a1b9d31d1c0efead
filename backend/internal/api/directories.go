package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
)

var (
	// The information officer directory: read where the officers work,
	// kept by the district and the streets (their own street).
	officerReaders  = []access.Role{access.VillageOfficer, access.CheckTeam, access.Street, access.District, access.Supervisor}
	directoryKeeper = []access.Role{access.District, access.Street}
	// The check teams: read by the district, the supervisor, the streets
	// (their street's team) and the teams themselves; staffed by the district.
	teamReaders = []access.Role{access.District, access.Supervisor, access.Street, access.CheckTeam}
	// A what-if reads outcomes over a scope and stores nothing.
	whatIfUsers = []access.Role{access.District, access.Street, access.Supervisor, access.CheckTeam}
)

// OfficerDTO is an information officer (信息员) of the directory. The
// phone is masked (138****1234).
type OfficerDTO struct {
	ID            int64     `json:"id"`
	StreetCode    string    `json:"street_code" example:"530103012"`
	StreetName    string    `json:"street_name" example:"阿子营街道"`
	VillageCode   string    `json:"village_code" example:"530103012004"`
	VillageName   string    `json:"village_name"`
	Name          string    `json:"name"`
	Phone         string    `json:"phone" example:"139****1234"`
	Username      *string   `json:"username" example:"officer-530103012004"`
	AppointedOn   string    `json:"appointed_on" example:"2016-03-01"`
	Trainings     int       `json:"trainings"`
	TrainingHours string    `json:"training_hours" example:"6.5"`
	Version       int64     `json:"version"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func officerDTO(o *store.OfficerRow) OfficerDTO {
	out := OfficerDTO{ID: o.ID, StreetCode: o.StreetCode, StreetName: o.StreetName, VillageCode: o.VillageCode, VillageName: o.VillageName,
		Name: o.Name, Phone: idcard.MaskPhone(o.Phone), AppointedOn: o.AppointedOn.String(), Trainings: o.Trainings,
		TrainingHours: o.TrainingHours.StringFixed(1), Version: o.Version, UpdatedAt: o.UpdatedAt}
	if o.Username != "" {
		u := o.Username
		out.Username = &u
	}
	return out
}

// MissingOfficerDTO is a village with poverty work (registered or exited
// households) and no information officer.
type MissingOfficerDTO struct {
	StreetCode  string `json:"street_code"`
	StreetName  string `json:"street_name"`
	VillageCode string `json:"village_code"`
	VillageName string `json:"village_name"`
	Households  int64  `json:"households"`
}

// OfficerDirectoryDTO is the directory in the caller's scope and the
// villages of poverty work that lack an officer.
type OfficerDirectoryDTO struct {
	Items   []OfficerDTO        `json:"items"`
	Missing []MissingOfficerDTO `json:"missing"`
}

// NewOfficerRequest adds an officer. username names the officer's account
// (a village officer account of the same village), empty for none.
type NewOfficerRequest struct {
	VillageCode string         `json:"village_code" example:"530103012004"`
	Name        string         `json:"name"`
	Phone       string         `json:"phone" example:"13987160000"`
	Username    string         `json:"username" example:"officer-530103012004"`
	AppointedOn localdate.Date `json:"appointed_on" swaggertype:"string" example:"2016-03-01"`
}

// OfficerUpdate replaces an officer's entry; phone absent keeps the phone.
// version is the version the edit was based on.
type OfficerUpdate struct {
	Version     int64          `json:"version"`
	VillageCode string         `json:"village_code" example:"530103012004"`
	Name        string         `json:"name"`
	Phone       *string        `json:"phone" example:"13987160000"`
	Username    string         `json:"username"`
	AppointedOn localdate.Date `json:"appointed_on" swaggertype:"string" example:"2016-03-01"`
}

// VersionedDelete removes an entry at the version it was read.
type VersionedDelete struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

// listOfficers godoc
//
//	@Summary		The information officer directory (信息员名录库)
//	@Description	The officers of the villages in the caller's scope (a village officer: its village), phones masked, with the trainings each attended; `missing` lists the villages with poverty work (a registered or exited household) that have no officer. A street or village outside the scope is 404.
//	@Tags			directories
//	@Produce		json
//	@Security		Bearer
//	@Param			street	query		string	false	"street code"
//	@Param			village	query		string	false	"village code"
//	@Success		200		{object}	OfficerDirectoryDTO
//	@Failure		404		{object}	ErrorBody
//	@Router			/officers [get]
func (s *Server) listOfficers(c *gin.Context) {
	dir, err := s.Directories.Officers(c.Request.Context(), actor(c), c.Query("street"), c.Query("village"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := OfficerDirectoryDTO{Items: make([]OfficerDTO, len(dir.Officers)), Missing: make([]MissingOfficerDTO, len(dir.Missing))}
	for i := range dir.Officers {
		out.Items[i] = officerDTO(&dir.Officers[i])
	}
	for i, m := range dir.Missing {
		out.Missing[i] = MissingOfficerDTO{StreetCode: m.StreetCode, StreetName: m.StreetName, VillageCode: m.VillageCode,
			VillageName: m.VillageName, Households: m.Households}
	}
	c.JSON(http.StatusOK, out)
}

// exportOfficers godoc
//
//	@Summary		The information officer directory as XLSX
//	@Description	As GET /officers, the villages without an officer at the end. Phones in full for the district and the streets (who keep the directory), masked for the other readers. Audited.
//	@Tags			directories
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Param			street	query	string	false	"street code"
//	@Param			village	query	string	false	"village code"
//	@Success		200
//	@Failure		404	{object}	ErrorBody
//	@Router			/officers/export [get]
func (s *Server) exportOfficers(c *gin.Context) {
	name := fmt.Sprintf("officers-%s.xlsx", time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Directories.ExportOfficers(c.Request.Context(), actor(c), c.Query("street"), c.Query("village"), w)
	})
}

// createOfficer godoc
//
//	@Summary		Add an information officer to a village
//	@Description	District: any village; street: a village of its street (another is 422 on village_code). Audited.
//	@Tags			directories
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		NewOfficerRequest	true	"officer"
//	@Success		201		{object}	OfficerDTO
//	@Failure		422		{object}	ErrorBody
//	@Router			/officers [post]
func (s *Server) createOfficer(c *gin.Context) {
	var in NewOfficerRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	o, err := s.Directories.CreateOfficer(c.Request.Context(), actor(c), service.OfficerInput{VillageCode: in.VillageCode, Name: in.Name,
		Phone: &in.Phone, Username: in.Username, AppointedOn: in.AppointedOn})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, officerDTO(o))
}

// updateOfficer godoc
//
//	@Summary		Change an information officer
//	@Description	The whole entry; `phone` absent keeps the phone. A stale `version` is 409; an officer outside the caller's scope 404. Audited.
//	@Tags			directories
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"officer id"
//	@Param			body	body		OfficerUpdate	true	"officer"
//	@Success		200		{object}	OfficerDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/officers/{id} [put]
func (s *Server) updateOfficer(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in OfficerUpdate
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	o, err := s.Directories.UpdateOfficer(c.Request.Context(), actor(c), id, service.OfficerInput{Version: in.Version, VillageCode: in.VillageCode,
		Name: in.Name, Phone: in.Phone, Username: in.Username, AppointedOn: in.AppointedOn})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, officerDTO(o))
}

// deleteOfficer godoc
//
//	@Summary		Remove an information officer from the directory
//	@Description	At the version read (409 when stale); the training records keep naming the officer. Audited.
//	@Tags			directories
//	@Accept			json
//	@Security		Bearer
//	@Param			id		path	int				true	"officer id"
//	@Param			body	body	VersionedDelete	true	"version and reason"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/officers/{id} [delete]
func (s *Server) deleteOfficer(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in VersionedDelete
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Directories.DeleteOfficer(c.Request.Context(), actor(c), id, in.Version, in.Reason); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// AttendeeDTO is an officer who attended a training.
type AttendeeDTO struct {
	OfficerID   int64  `json:"officer_id"`
	Name        string `json:"name"`
	VillageCode string `json:"village_code"`
	VillageName string `json:"village_name"`
	Removed     bool   `json:"removed"` // no longer in the directory
}

// TrainingDTO is a training of information officers. street_code is the
// organising street, "" for the district; attendees lists those in the
// caller's scope, attendee_count all of them.
type TrainingDTO struct {
	ID            int64         `json:"id"`
	HeldOn        string        `json:"held_on" example:"2017-05-12"`
	Topic         string        `json:"topic"`
	Trainer       string        `json:"trainer"`
	Hours         string        `json:"hours" example:"4.0"`
	StreetCode    string        `json:"street_code"`
	StreetName    string        `json:"street_name"`
	Attendees     []AttendeeDTO `json:"attendees"`
	AttendeeCount int           `json:"attendee_count"`
	CreatedBy     string        `json:"created_by"`
	CreatedAt     time.Time     `json:"created_at"`
}

func trainingDTO(t *store.TrainingRow) TrainingDTO {
	out := TrainingDTO{ID: t.ID, HeldOn: t.HeldOn.String(), Topic: t.Topic, Trainer: t.Trainer, Hours: t.Hours.StringFixed(1),
		StreetCode: t.StreetCode, StreetName: t.StreetName, AttendeeCount: t.AttendeeCount, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
		Attendees: make([]AttendeeDTO, len(t.Attendees))}
	for i, a := range t.Attendees {
		out.Attendees[i] = AttendeeDTO{OfficerID: a.OfficerID, Name: a.Name, VillageCode: a.VillageCode, VillageName: a.VillageName, Removed: a.Removed}
	}
	return out
}

// TrainingList is the trainings the caller sees, newest first.
type TrainingList struct {
	Items []TrainingDTO `json:"items"`
}

// NewTrainingRequest records a training. A street's training is its own;
// the district names a street or leaves it empty (区级培训). attendees are
// officer ids in the caller's scope (of the street, when one is named).
type NewTrainingRequest struct {
	HeldOn    localdate.Date  `json:"held_on" swaggertype:"string" example:"2017-05-12"`
	Topic     string          `json:"topic" example:"动态管理业务培训"`
	Trainer   string          `json:"trainer" example:"区扶贫办"`
	Hours     decimal.Decimal `json:"hours" swaggertype:"string" example:"4"`
	Street    string          `json:"street"`
	Attendees []int64         `json:"attendees"`
}

// listTrainings godoc
//
//	@Summary	The trainings of information officers
//	@Tags		directories
//	@Produce	json
//	@Security	Bearer
//	@Param		street	query		string	false	"street code"
//	@Success	200		{object}	TrainingList
//	@Failure	404		{object}	ErrorBody
//	@Router		/trainings [get]
func (s *Server) listTrainings(c *gin.Context) {
	ts, err := s.Directories.Trainings(c.Request.Context(), actor(c), c.Query("street"))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := TrainingList{Items: make([]TrainingDTO, len(ts))}
	for i := range ts {
		out.Items[i] = trainingDTO(&ts[i])
	}
	c.JSON(http.StatusOK, out)
}

// createTraining godoc
//
//	@Summary		Record a training of information officers
//	@Description	Audited.
//	@Tags			directories
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		NewTrainingRequest	true	"training"
//	@Success		201		{object}	TrainingDTO
//	@Failure		422		{object}	ErrorBody
//	@Router			/trainings [post]
func (s *Server) createTraining(c *gin.Context) {
	var in NewTrainingRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	t, err := s.Directories.CreateTraining(c.Request.Context(), actor(c), service.TrainingInput{HeldOn: in.HeldOn, Topic: in.Topic,
		Trainer: in.Trainer, Hours: in.Hours, Street: in.Street, Attendees: in.Attendees})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, trainingDTO(t))
}

// TeamMemberDTO is an official seconded to a check team; phone masked.
type TeamMemberDTO struct {
	ID             int64     `json:"id"`
	TeamCode       string    `json:"team_code" example:"A"`
	Name           string    `json:"name"`
	Department     string    `json:"department" example:"police"`
	DepartmentName string    `json:"department_name" example:"区公安分局"`
	Post           string    `json:"post" example:"副科长"`
	Phone          string    `json:"phone" example:"138****1234"`
	Role           string    `json:"role" enums:"lead,member"`
	Version        int64     `json:"version"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func memberDTO(m *store.CheckTeamMember, names map[string]string) TeamMemberDTO {
	return TeamMemberDTO{ID: m.ID, TeamCode: m.TeamCode, Name: m.Name, Department: m.Department, DepartmentName: names[m.Department],
		Post: m.Post, Phone: idcard.MaskPhone(m.Phone), Role: m.Role, Version: m.Version, UpdatedAt: m.UpdatedAt}
}

// DepartmentCheckDTO is one named department's staffing in a team.
type DepartmentCheckDTO struct {
	Department     string `json:"department" example:"inv"`
	DepartmentName string `json:"department_name" example:"区经投公司"`
	Required       int    `json:"required" example:"2"`
	Have           int    `json:"have" example:"1"`
	Met            bool   `json:"met"`
}

// StaffingRuleDTO is the rule of 三(一): at least two officials from each
// of the seventeen named departments. missing lists those short.
type StaffingRuleDTO struct {
	Met         bool                 `json:"met"`
	Departments []DepartmentCheckDTO `json:"departments"`
	Missing     []DepartmentCheckDTO `json:"missing"`
}

// TeamStreetDTO is a street a team covers.
type TeamStreetDTO struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// CheckTeamDTO is a check team with its streets, members and staffing rule.
type CheckTeamDTO struct {
	Code    string          `json:"code" example:"A"`
	Name    string          `json:"name"`
	Streets []TeamStreetDTO `json:"streets"`
	Members []TeamMemberDTO `json:"members"`
	Rule    StaffingRuleDTO `json:"rule"`
}

// CheckTeamList is the teams the caller sees.
type CheckTeamList struct {
	Items []CheckTeamDTO `json:"items"`
}

func teamDTO(t *service.TeamView) CheckTeamDTO {
	out := CheckTeamDTO{Code: t.Code, Name: t.Name, Streets: make([]TeamStreetDTO, len(t.Streets)), Members: make([]TeamMemberDTO, len(t.Members)),
		Rule: StaffingRuleDTO{Met: t.Rule.Met, Departments: []DepartmentCheckDTO{}, Missing: []DepartmentCheckDTO{}}}
	for i, s := range t.Streets {
		out.Streets[i] = TeamStreetDTO{Code: s.Code, Name: s.Name}
	}
	for i := range t.Members {
		out.Members[i] = memberDTO(&t.Members[i], t.DepartmentNames)
	}
	for _, d := range t.Rule.Departments {
		out.Rule.Departments = append(out.Rule.Departments, DepartmentCheckDTO{Department: d.Department, DepartmentName: t.DepartmentNames[d.Department],
			Required: d.Required, Have: d.Have, Met: d.Met})
	}
	for _, d := range t.Rule.Missing {
		out.Rule.Missing = append(out.Rule.Missing, DepartmentCheckDTO{Department: d.Department, DepartmentName: t.DepartmentNames[d.Department],
			Required: d.Required, Have: d.Have, Met: d.Met})
	}
	return out
}

// TeamMemberRequest adds a member to a team: department is a code of
// GET /departments, role lead or member.
type TeamMemberRequest struct {
	Name       string `json:"name"`
	Department string `json:"department" example:"police"`
	Post       string `json:"post" example:"副科长"`
	Phone      string `json:"phone" example:"13871230000"`
	Role       string `json:"role" enums:"lead,member"`
}

// TeamMemberUpdate replaces a member's entry; phone absent keeps it.
type TeamMemberUpdate struct {
	Version    int64   `json:"version"`
	Name       string  `json:"name"`
	Department string  `json:"department" example:"police"`
	Post       string  `json:"post"`
	Phone      *string `json:"phone"`
	Role       string  `json:"role" enums:"lead,member"`
}

// MemberDelete removes a member at the version it was read.
type MemberDelete struct {
	Version int64 `json:"version"`
}

// listCheckTeams godoc
//
//	@Summary		The check teams with their members and the staffing rule
//	@Description	Each team with its streets, members (phones masked) and the rule of 三(一) checked: at least two officials from each named department, `rule.met`, each department's `have` against `required`, and `rule.missing` those short. District and supervisor: every team; a street: its street's team; a check team: itself.
//	@Tags			directories
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	CheckTeamList
//	@Router			/check-teams [get]
func (s *Server) listCheckTeams(c *gin.Context) {
	ts, err := s.Directories.Teams(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, s.log, err)
		return
	}
	out := CheckTeamList{Items: make([]CheckTeamDTO, len(ts))}
	for i := range ts {
		out.Items[i] = teamDTO(&ts[i])
	}
	c.JSON(http.StatusOK, out)
}

// exportCheckTeams godoc
//
//	@Summary		The check teams as XLSX: members, and the staffing rule by department
//	@Description	Phones in full for the district, masked for the other readers. Audited.
//	@Tags			directories
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		Bearer
//	@Success		200
//	@Router			/check-teams/export [get]
func (s *Server) exportCheckTeams(c *gin.Context) {
	name := fmt.Sprintf("check-teams-%s.xlsx", time.Now().In(s.opt.Loc).Format("20060102-150405"))
	sendXLSX(c, s, name, func(w http.ResponseWriter) error {
		return s.Directories.ExportTeams(c.Request.Context(), actor(c), w)
	})
}

// addTeamMember godoc
//
//	@Summary		Add an official to a check team
//	@Description	Audited.
//	@Tags			directories
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string				true	"team code"
//	@Param			body	body		TeamMemberRequest	true	"member"
//	@Success		201		{object}	TeamMemberDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/check-teams/{code}/members [post]
func (s *Server) addTeamMember(c *gin.Context) {
	var in TeamMemberRequest
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	m, err := s.Directories.AddMember(c.Request.Context(), actor(c), c.Param("code"), service.MemberInput{Name: in.Name,
		Department: in.Department, Post: in.Post, Phone: &in.Phone, Role: in.Role})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusCreated, memberDTO(&m.CheckTeamMember, map[string]string{m.Department: m.DepartmentName}))
}

// updateTeamMember godoc
//
//	@Summary		Change a check team's member
//	@Description	The whole entry; `phone` absent keeps the phone. A stale `version` is 409. Audited.
//	@Tags			directories
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			code	path		string				true	"team code"
//	@Param			id		path		int					true	"member id"
//	@Param			body	body		TeamMemberUpdate	true	"member"
//	@Success		200		{object}	TeamMemberDTO
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/check-teams/{code}/members/{id} [put]
func (s *Server) updateTeamMember(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in TeamMemberUpdate
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	m, err := s.Directories.UpdateMember(c.Request.Context(), actor(c), c.Param("code"), id, service.MemberInput{Version: in.Version,
		Name: in.Name, Department: in.Department, Post: in.Post, Phone: in.Phone, Role: in.Role})
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, memberDTO(&m.CheckTeamMember, map[string]string{m.Department: m.DepartmentName}))
}

// removeTeamMember godoc
//
//	@Summary		Remove a check team's member
//	@Description	At the version read (409 when stale). Audited.
//	@Tags			directories
//	@Accept			json
//	@Security		Bearer
//	@Param			code	path	string			true	"team code"
//	@Param			id		path	int				true	"member id"
//	@Param			body	body	MemberDelete	true	"version"
//	@Success		204
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/check-teams/{code}/members/{id} [delete]
func (s *Server) removeTeamMember(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	var in MemberDelete
	if err := bindJSON(c, s.opt.BodyLimit, &in); err != nil {
		fail(c, s.log, err)
		return
	}
	if err := s.Directories.RemoveMember(c.Request.Context(), actor(c), c.Param("code"), id, in.Version); err != nil {
		fail(c, s.log, err)
		return
	}
	c.Status(http.StatusNoContent)
}
