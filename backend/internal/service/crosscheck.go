package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/crosscheck"
	"jingzhun/internal/jobs"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// DeptImportJob is the kind of the background job that imports a
// department's register.
const DeptImportJob = "department.import"

// Limits of a register import.
const (
	// problemsKept bounds the problems stored for the report of a refused
	// file; all are counted. A file with more is wrong throughout, and the
	// first ten thousand say how.
	problemsKept = 10000
	// importBatch rows go to the database per INSERT and per member lookup.
	importBatch = 1000
)

// CrossChecks imports departments' registers (行业数据比对), matches their
// rows to members by ID number, and records what differs from the survey as
// discrepancies for the check teams.
type CrossChecks struct {
	store      *store.Store
	audit      *AuditLog
	depts      *Departments
	households *Households
	outcomes   *Outcomes
	jobs       *jobs.Runner
	now        func() time.Time
	dir        string // where uploaded files wait for their job
	// MaxRows bounds the data rows of one file (JZ_REGISTER_MAX_ROWS; 0 = no
	// bound but the upload's size): a file with more is refused whole, as
	// one problem, before anything is written. Set once after construction.
	MaxRows int64
	// afterBatch, when set (tests), runs after each imported batch inside
	// the import's transaction; an error aborts the import.
	afterBatch func(rows int64) error
}

// NewCrossChecks builds the service and registers its job with the runner.
// Uploaded files are kept under dir until their job ends.
func NewCrossChecks(st *store.Store, a *AuditLog, d *Departments, h *Households, o *Outcomes, r *jobs.Runner, dir string, now func() time.Time) *CrossChecks {
	s := &CrossChecks{store: st, audit: a, depts: d, households: h, outcomes: o, jobs: r, now: now, dir: dir}
	// Not restartable: the upload is on the disk of the process that took
	// it (the data directory is not shared between instances), so only that
	// process runs the job; when it stops, the liaison sees that the import
	// failed (nothing of it was written) and uploads again.
	r.Register(jobs.Kind{Name: DeptImportJob, Run: s.runImport, Abandoned: s.abandoned})
	return s
}

// msgImportStopped tells a liaison an import did not finish.
const msgImportStopped = "服务器在导入过程中停止，本次导入未写入任何数据，请重新上传。"

// abandoned fails the import of a job whose process stopped (another
// process found its lease run out) and removes its file if it is here.
func (s *CrossChecks) abandoned(ctx context.Context, raw json.RawMessage) {
	var p importParams
	if json.Unmarshal(raw, &p) != nil {
		return
	}
	_ = s.store.FailUnfinishedImport(ctx, p.ImportID, msgImportStopped, s.now().UTC())
	if filepath.Dir(p.Path) == s.dir {
		_ = os.Remove(p.Path)
	}
}

// Recover fails the imports a stopped process left unfinished without a
// live job (their transaction never committed) and removes the uploads no
// live import job needs: several instances may share the database, and
// another's import is not this one's to end.
func (s *CrossChecks) Recover(ctx context.Context) error {
	now := s.now().UTC()
	_, err := s.store.FailUnfinishedImports(ctx, msgImportStopped, now, now.Add(-10*time.Minute))
	if err != nil {
		return err
	}
	active, err := s.jobs.Active(ctx, DeptImportJob)
	if err != nil {
		return err
	}
	inUse := map[string]bool{}
	for _, j := range active {
		var p importParams
		if json.Unmarshal([]byte(j.Params), &p) == nil {
			inUse[p.Path] = true
		}
	}
	files, _ := filepath.Glob(filepath.Join(s.dir, "import-*"))
	for _, f := range files {
		if !inUse[f] {
			_ = os.Remove(f)
		}
	}
	return nil
}

// Datasets lists a department's datasets.
func (s *CrossChecks) Datasets(ctx context.Context, actor access.Actor, dept string) ([]crosscheck.Dataset, error) {
	if err := s.knownDepartment(ctx, actor, dept); err != nil {
		return nil, err
	}
	return crosscheck.OfDepartment(dept), nil
}

// knownDepartment: a liaison works on its own department only; the
// district reads and imports for every department.
func (s *CrossChecks) knownDepartment(ctx context.Context, actor access.Actor, dept string) error {
	_, err := s.depts.Access(ctx, s.audit, actor, dept, false)
	return err
}

func (s *CrossChecks) dataset(ctx context.Context, actor access.Actor, dept, code string) (crosscheck.Dataset, error) {
	if err := s.knownDepartment(ctx, actor, dept); err != nil {
		return crosscheck.Dataset{}, err
	}
	ds, ok := crosscheck.ByCode(code)
	if !ok || ds.Department != dept {
		return ds, apperr.Invalid(apperr.Detail{Field: "dataset", Message: "本部门没有这一比对数据：" + code})
	}
	return ds, nil
}

// Template writes a dataset's Excel template.
func (s *CrossChecks) Template(ctx context.Context, actor access.Actor, dept, dataset string, w io.Writer) error {
	ds, err := s.dataset(ctx, actor, dept, dataset)
	if err != nil {
		return err
	}
	return apperr.Wrap(crosscheck.Template(ds, w), "template")
}

type importParams struct {
	ImportID int64  `json:"import_id"`
	Path     string `json:"path"`
}

// StartImport keeps the uploaded file and starts its import job (a dry run
// only validates). One import per dataset runs at a time.
func (s *CrossChecks) StartImport(ctx context.Context, actor access.Actor, dept, dataset, fileName string, src io.Reader, dryRun bool) (*store.DeptImport, error) {
	imp, path, err := s.prepare(ctx, actor, dept, dataset, fileName, src, dryRun)
	if err != nil {
		return nil, err
	}
	j, err := s.jobs.Start(ctx, DeptImportJob, DeptImportJob+":"+imp.Dataset, actor.Username, importParams{ImportID: imp.ID, Path: path})
	if err != nil {
		_ = os.Remove(path)
		imp.Status, imp.Message = store.ImportFailed, "同一数据集正在导入，请等其完成后再上传"
		_ = s.store.SaveDeptImport(ctx, imp)
		return nil, err
	}
	// Only the job column: the job may already be writing the import's state.
	imp.JobID = &j.ID
	if err := s.store.SetDeptImportJob(ctx, imp.ID, j.ID); err != nil {
		return nil, apperr.Wrap(err, "save import")
	}
	return imp, nil
}

// ImportNow imports a file at once, in the caller's goroutine: the demo
// register and the `jingzhun import-register` command (benchmarks) use it.
func (s *CrossChecks) ImportNow(ctx context.Context, actor access.Actor, dept, dataset, fileName string, src io.Reader, progress func(done, total int64)) (*store.DeptImport, error) {
	imp, path, err := s.prepare(ctx, actor, dept, dataset, fileName, src, false)
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(int64, int64) {}
	}
	raw, _ := json.Marshal(importParams{ImportID: imp.ID, Path: path})
	if _, err := s.runImport(ctx, raw, progress); err != nil {
		return nil, err
	}
	return s.store.DeptImportByID(ctx, "", imp.ID)
}

// prepare checks the request, keeps the file and records the import.
func (s *CrossChecks) prepare(ctx context.Context, actor access.Actor, dept, dataset, fileName string, src io.Reader, dryRun bool) (*store.DeptImport, string, error) {
	ds, err := s.dataset(ctx, actor, dept, dataset)
	if err != nil {
		return nil, "", err
	}
	ext := strings.ToLower(filepath.Ext(fileName))
	if ext != ".csv" && ext != ".xlsx" {
		return nil, "", apperr.Invalid(apperr.Detail{Field: "file", Message: "请上传 .xlsx 或 .csv 文件（可先下载模板填写）"})
	}
	c, err := s.store.ActiveCampaign(ctx)
	if err != nil {
		return nil, "", apperr.Wrap(err, "campaign")
	}
	if c == nil {
		return nil, "", apperr.New(apperr.Conflict, "当前没有进行中的动态管理批次，无法比对")
	}
	path, sum, size, err := s.keep(src, ext)
	if err != nil {
		return nil, "", err
	}
	imp := &store.DeptImport{Department: dept, Dataset: ds.Code, CampaignID: c.ID, FileName: truncate(filepath.Base(fileName), 255),
		FileSHA256: sum, FileSize: size, DryRun: dryRun, Status: store.ImportQueued, CreatedBy: actor.Username, CreatedAt: s.now().UTC()}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateDeptImport(ctx, imp); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "department.import", ObjectType: "dept_import",
			ObjectID: strconv.FormatInt(imp.ID, 10), Reason: fmt.Sprintf("%s %s dry_run=%t sha256=%s", dept, ds.Code, dryRun, sum)})
	})
	if err != nil {
		_ = os.Remove(path)
		return nil, "", apperr.Wrap(err, "create import")
	}
	return imp, path, nil
}

// keep copies the upload to a file of its own, hashing it on the way.
func (s *CrossChecks) keep(src io.Reader, ext string) (path, sum string, size int64, err error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", "", 0, apperr.Wrap(err, "upload dir")
	}
	name, _ := auth.RandomToken(12)
	path = filepath.Join(s.dir, "import-"+strings.NewReplacer("/", "_", "+", "-").Replace(name)+ext)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", "", 0, apperr.Wrap(err, "keep upload")
	}
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", "", 0, apperr.Wrap(err, "keep upload")
	}
	return path, hex.EncodeToString(h.Sum(nil)), size, nil
}

// ImportResult is what an import job leaves as its result.
type ImportResult struct {
	ImportID      int64  `json:"import_id"`
	Status        string `json:"status"`
	Rows          int64  `json:"rows"`
	Problems      int64  `json:"problems"`
	Matched       int64  `json:"matched"`
	Unmatched     int64  `json:"unmatched"`
	Discrepancies int64  `json:"discrepancies"`
}

func (s *CrossChecks) runImport(ctx context.Context, raw json.RawMessage, progress jobs.Progress) (any, error) {
	var p importParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	defer os.Remove(p.Path)
	imp, err := s.store.DeptImportByID(ctx, "", p.ImportID)
	if err != nil {
		return nil, err
	}
	imp.Status = store.ImportRunning
	if err := s.store.SaveDeptImport(ctx, imp); err != nil {
		return nil, err
	}
	err = s.importFile(ctx, imp, p.Path, progress)
	done := s.now().UTC()
	imp.FinishedAt = &done
	if err != nil {
		// Whatever was written ran in the import's transaction and is gone.
		imp.Status, imp.Message = store.ImportFailed, "导入失败，未写入任何数据："+failureText(err)
		_ = s.store.SaveDeptImport(context.WithoutCancel(ctx), imp)
		return nil, err
	}
	if err := s.store.SaveDeptImport(ctx, imp); err != nil {
		return nil, err
	}
	return ImportResult{ImportID: imp.ID, Status: imp.Status, Rows: imp.Rows, Problems: imp.ProblemCount,
		Matched: imp.Matched, Unmatched: imp.Unmatched, Discrepancies: imp.Discrepancies}, nil
}

// failureText is an error a liaison can read: the file's own problems in
// its words, anything else without internals.
func failureText(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code != apperr.Internal {
		return ae.Message
	}
	if errors.Is(err, context.Canceled) {
		return "任务被中止"
	}
	return "系统错误，请联系管理员"
}

// importFile validates the whole file first (nothing is written for a file
// with any bad row), then imports it in one transaction, streaming both
// times so memory stays flat whatever the file's size.
func (s *CrossChecks) importFile(ctx context.Context, imp *store.DeptImport, path string, progress jobs.Progress) error {
	ds, ok := crosscheck.ByCode(imp.Dataset)
	if !ok {
		return apperr.New(apperr.Validation, "未知的比对数据："+imp.Dataset)
	}
	rows, count, problems, err := s.validate(ctx, ds, path, progress)
	if err != nil {
		return err
	}
	imp.Rows, imp.ProblemCount = rows, count
	if count > 0 {
		imp.Status = store.ImportRefused
		imp.Message = fmt.Sprintf("发现 %d 处问题，整个文件未导入。请按错误报告修改后重新上传。", imp.ProblemCount)
		return s.saveProblems(ctx, imp.ID, problems)
	}
	if rows == 0 {
		imp.Status, imp.Message = store.ImportRefused, "文件中没有数据行"
		return nil
	}
	if imp.DryRun {
		imp.Status, imp.Message = store.ImportValidated, fmt.Sprintf("校验通过：%d 行，未导入（仅校验）。", rows)
		return nil
	}
	same, err := s.store.ImportedFile(ctx, imp.Dataset, imp.FileSHA256)
	if err != nil {
		return err
	}
	if same != nil {
		imp.Status, imp.SameAs = store.ImportUnchanged, &same.ID
		imp.Matched, imp.Unmatched = same.Matched, same.Unmatched
		imp.Message = fmt.Sprintf("该文件已于 %s 导入（导入编号 %d），本次未作任何改动。", same.CreatedAt.In(localdate.Shanghai).Format("2006-01-02 15:04"), same.ID)
		return nil
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		// InTx may run this again (SQLite busy): count afresh each time.
		imp.Matched, imp.Unmatched, imp.Discrepancies = 0, 0, 0
		if err := s.load(ctx, ds, imp, path, rows, progress); err != nil {
			return err
		}
		imp.Status = store.ImportImported
		imp.Message = fmt.Sprintf("已导入 %d 行：匹配到户内成员 %d 人，未匹配 %d 人，新发现差异 %d 条。", rows, imp.Matched, imp.Unmatched, imp.Discrepancies)
		return s.store.SaveDeptImport(ctx, imp)
	})
}

// validate reads every row once; it returns the rows, the number of
// problems, the first problemsKept of them, and an error only for failures
// that are not the file's.
func (s *CrossChecks) validate(ctx context.Context, ds crosscheck.Dataset, path string, progress jobs.Progress) (int64, int64, []crosscheck.Problem, error) {
	r, err := crosscheck.Open(ds, path)
	if err != nil {
		return 0, 1, []crosscheck.Problem{{Reason: readableOpenError(err)}}, nil
	}
	defer r.Close()
	problems := r.HeaderProblems()
	count := int64(len(problems))
	var rows int64
	for {
		if rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, nil, err
			}
			progress(rows, 0)
		}
		rec, ps, ok, err := r.Next()
		if err != nil {
			return rows, count + 1, append(problems, crosscheck.Problem{Row: int(rows) + 2, Reason: "文件无法继续读取：" + readableOpenError(err)}), nil
		}
		if !ok {
			break
		}
		if rec.Example && len(ps) == 0 {
			continue // the template's example row, left in: not data
		}
		rows++
		if s.MaxRows > 0 && rows > s.MaxRows {
			return rows, count + 1, append(problems, crosscheck.Problem{Row: int(rows) + 1,
				Reason: fmt.Sprintf("一个文件最多%d行数据，请分批上传", s.MaxRows)}), nil
		}
		count += int64(len(ps))
		if room := problemsKept - len(problems); room > 0 {
			problems = append(problems, ps[:min(room, len(ps))]...)
		}
	}
	progress(rows, rows*2)
	return rows, count, problems, nil
}

func readableOpenError(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

func (s *CrossChecks) saveProblems(ctx context.Context, importID int64, ps []crosscheck.Problem) error {
	rows := make([]store.ImportProblem, len(ps))
	for i, p := range ps {
		rows[i] = store.ImportProblem{ImportID: importID, RowNo: p.Row, Col: truncate(p.Column, 64),
			Value: truncate(p.Value, 255), Reason: truncate(p.Reason, 500)}
	}
	return s.store.SaveImportProblems(ctx, rows)
}

// pendingMatch is a matched row waiting for its household to be compared.
type pendingMatch struct {
	rec     crosscheck.Record
	idIndex string
	member  store.LiveMember
}

// load writes every row and the discrepancies it shows, in the caller's
// transaction, batch by batch.
func (s *CrossChecks) load(ctx context.Context, ds crosscheck.Dataset, imp *store.DeptImport, path string, total int64, progress jobs.Progress) error {
	r, err := crosscheck.Open(ds, path)
	if err != nil {
		return err
	}
	defer r.Close()
	// Reading, the blind index and encoding run a batch ahead in their own
	// goroutine while this one waits on the database: the two take turns
	// otherwise (BENCHMARKS.md). Only this goroutine touches the transaction.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan readyBatch, 2)
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		read <- s.readBatches(ctx, r, imp.ID, batches)
	}()
	var done int64
	for b := range batches {
		if err := s.loadBatch(ctx, ds, imp, b); err != nil {
			return err
		}
		done += int64(len(b.recs))
		progress(total+done, total*2)
		if s.afterBatch != nil {
			if err := s.afterBatch(done); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return <-read
}

// readyBatch is a batch of validated rows with their records prepared.
type readyBatch struct {
	recs    []crosscheck.Record
	records []store.DeptRecord
}

// readBatches reads the file again (it was validated whole before) and
// sends its rows in batches, blind index and data encoded.
func (s *CrossChecks) readBatches(ctx context.Context, r *crosscheck.Reader, importID int64, out chan<- readyBatch) error {
	b := readyBatch{}
	send := func() error {
		if len(b.recs) == 0 {
			return nil
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = readyBatch{recs: make([]crosscheck.Record, 0, importBatch), records: make([]store.DeptRecord, 0, importBatch)}
		return nil
	}
	for {
		rec, ps, ok, err := r.Next()
		if err != nil {
			return err
		}
		if !ok {
			return send()
		}
		if len(ps) > 0 { // the file changed since validation
			return apperr.New(apperr.Validation, "文件在校验后发生变化，请重新上传")
		}
		if rec.Example {
			continue
		}
		ix, err := s.store.IDIndex(rec.IDNumber)
		if err != nil {
			return err
		}
		data, err := json.Marshal(rec.Values)
		if err != nil {
			return err
		}
		b.recs = append(b.recs, rec)
		b.records = append(b.records, store.DeptRecord{ImportID: importID, RowNo: rec.Row, IDIndex: ix, IDNumber: rec.IDNumber,
			Name: truncate(rec.Name, 100), Data: string(data)})
		if len(b.recs) == importBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

func (s *CrossChecks) loadBatch(ctx context.Context, ds crosscheck.Dataset, imp *store.DeptImport, b readyBatch) error {
	indexes := make([]string, len(b.records))
	for i, r := range b.records {
		indexes[i] = r.IDIndex
	}
	live, err := s.store.LiveMembersByIDIndex(ctx, indexes)
	if err != nil {
		return err
	}
	records := b.records
	var matches []pendingMatch
	var householdIDs []int64
	for i, rec := range b.recs {
		if m, ok := live[indexes[i]]; ok {
			records[i].MemberID, records[i].HouseholdID = &m.MemberID, &m.HouseholdID
			matches = append(matches, pendingMatch{rec: rec, idIndex: indexes[i], member: m})
			householdIDs = append(householdIDs, m.HouseholdID)
			imp.Matched++
		} else {
			imp.Unmatched++
		}
	}
	if err := s.store.InsertDeptRecords(ctx, records); err != nil {
		return err
	}
	if len(matches) == 0 {
		return nil
	}
	households, err := s.store.HouseholdsByIDs(ctx, householdIDs)
	if err != nil {
		return err
	}
	rowsMatched := make([]int, len(matches))
	for i, m := range matches {
		rowsMatched[i] = m.rec.Row
	}
	recordIDs, err := s.store.DeptRecordIDs(ctx, imp.ID, rowsMatched)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for _, m := range matches {
		h := households[m.member.HouseholdID]
		if h == nil {
			continue
		}
		for _, f := range crosscheck.Compare(ds, m.rec, h, m.member.MemberID) {
			d := &store.Discrepancy{CampaignID: imp.CampaignID, Fingerprint: fingerprint(ds.Code, m.idIndex, f),
				ImportID: imp.ID, RecordID: recordIDs[m.rec.Row], Dataset: ds.Code, Department: ds.Department, Rule: f.Rule,
				Field: f.Field, FieldLabel: truncate(f.Label, 100), HouseholdID: h.ID, MemberID: m.member.MemberID,
				StreetCode: h.StreetCode, VillageCode: h.VillageCode, SurveyValue: truncate(f.Survey, 1000),
				DepartmentValue: truncate(f.Department, 1000), Status: store.DiscrepancyOpen, CreatedAt: now}
			created, err := s.store.CreateDiscrepancy(ctx, d)
			if err != nil {
				return err
			}
			if created {
				imp.Discrepancies++
			}
		}
	}
	return nil
}

// fingerprint names one difference, so the same difference found again (a
// corrected file, a later export of the same register) is not reported twice.
func fingerprint(dataset, idIndex string, f crosscheck.Finding) string {
	h := sha256.Sum256([]byte(dataset + "\x00" + idIndex + "\x00" + f.Field + "\x00" + f.Department))
	return hex.EncodeToString(h[:])
}

// Imports lists imports: a liaison its department's, the district any.
func (s *CrossChecks) Imports(ctx context.Context, actor access.Actor, dept string, page, size int) ([]store.DeptImport, int64, error) {
	if err := s.knownDepartment(ctx, actor, dept); err != nil {
		return nil, 0, err
	}
	out, total, err := s.store.DeptImports(ctx, dept, page, size)
	return out, total, apperr.Wrap(err, "list imports")
}

// ImportDetail is an import with its first problems and unmatched people.
type ImportDetail struct {
	Import    store.DeptImport
	Problems  []store.ImportProblem
	Unmatched []store.DeptRecord
}

// detailProblems is how many problems and unmatched rows the detail shows;
// the report has them all.
const detailProblems = 200

// Import reads one import (its department's liaison or the district).
func (s *CrossChecks) Import(ctx context.Context, actor access.Actor, id int64) (*ImportDetail, error) {
	imp, err := s.ownImport(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.ImportProblems(ctx, id, detailProblems)
	if err != nil {
		return nil, apperr.Wrap(err, "problems")
	}
	var un []store.DeptRecord
	if imp.Status == store.ImportImported && imp.Unmatched > 0 {
		if un, err = s.store.UnmatchedRecords(ctx, id, 1, detailProblems); err != nil {
			return nil, apperr.Wrap(err, "unmatched")
		}
	}
	return &ImportDetail{Import: *imp, Problems: ps, Unmatched: un}, nil
}

func (s *CrossChecks) ownImport(ctx context.Context, actor access.Actor, id int64) (*store.DeptImport, error) {
	dept := ""
	if actor.Role == access.Department {
		dept = actor.Scope.Department
	}
	imp, err := s.store.DeptImportByID(ctx, dept, id)
	return imp, apperr.Wrap(err, "import")
}

// Report writes every problem of a refused import, and the people who
// matched no member of an imported one, as XLSX.
func (s *CrossChecks) Report(ctx context.Context, actor access.Actor, id int64, w io.Writer) error {
	imp, err := s.ownImport(ctx, actor, id)
	if err != nil {
		return err
	}
	if imp.Status == store.ImportImported {
		return writeXLSX(w, "未匹配人员", []any{"行号", "身份证号", "姓名", "说明"}, []colWidth{{2, 2, 22}, {4, 4, 40}},
			func(add func(cells ...any) error) error {
				for page := 1; ; page++ {
					rs, err := s.store.UnmatchedRecords(ctx, id, page, 1000)
					if err != nil {
						return err
					}
					for _, r := range rs {
						if err := add(r.RowNo, r.IDNumber, r.Name, "户表中没有此身份证号的在册成员（户外人员）"); err != nil {
							return err
						}
					}
					if len(rs) < 1000 {
						return nil
					}
				}
			})
	}
	ps, err := s.store.ImportProblems(ctx, id, 0)
	if err != nil {
		return apperr.Wrap(err, "problems")
	}
	return writeXLSX(w, "错误报告", []any{"行号", "列", "填写的值", "问题及修改方法"}, []colWidth{{2, 3, 20}, {4, 4, 60}},
		func(add func(cells ...any) error) error {
			for _, p := range ps {
				if err := add(p.RowNo, p.Col, p.Value, p.Reason); err != nil {
					return err
				}
			}
			return nil
		})
}

// SeedDemo imports small registers from the police (vehicles, deaths) and
// civil affairs (dibao) that bear on some demo households, so that the check
// teams of every street find discrepancies to resolve. Demo mode only.
func (s *CrossChecks) SeedDemo(ctx context.Context) (int64, error) {
	rows, _, err := s.store.Households(ctx, wholeDistrict, store.HouseholdFilter{Page: 1, PageSize: 2000})
	if err != nil {
		return 0, err
	}
	files := map[string][]map[string]string{}
	perStreet := map[string]int{}
	for _, r := range rows {
		if perStreet[r.StreetCode] >= 3 {
			continue
		}
		h, err := s.store.Household(ctx, wholeDistrict, r.ID)
		if err != nil || len(h.Members) == 0 {
			continue
		}
		head := h.Members[0]
		switch {
		case r.Status == register.Registered && len(h.Vehicles) == 0 && perStreet[r.StreetCode] == 0:
			files["vehicles"] = append(files["vehicles"], map[string]string{"id_number": head.IDNumber, "name": head.Name,
				"plate": fmt.Sprintf("云A%05d", h.ID%100000), "value": "56000.00", "acquired_on": "2016-05-01"})
		case r.Status == register.NotRegistered && (h.Dibao == nil || !*h.Dibao) && perStreet[r.StreetCode] == 1:
			files["dibao"] = append(files["dibao"], map[string]string{"id_number": head.IDNumber, "name": head.Name})
		case r.Status == register.Registered && len(h.Members) > 2 && perStreet[r.StreetCode] == 2:
			m := h.Members[len(h.Members)-1]
			if m.Status != "present" {
				continue
			}
			files["deaths_moves"] = append(files["deaths_moves"], map[string]string{"id_number": m.IDNumber, "name": m.Name})
		default:
			continue
		}
		perStreet[r.StreetCode]++
	}
	var found int64
	for _, code := range []string{"vehicles", "dibao", "deaths_moves"} {
		ds, ok := crosscheck.ByCode(code)
		if !ok || len(files[code]) == 0 {
			continue
		}
		liaison := access.Actor{Username: "dept-" + ds.Department, Role: access.Department, Scope: access.Scope{Whole: true, Department: ds.Department}}
		imp, err := s.ImportNow(ctx, liaison, ds.Department, code, "演示-"+ds.Name+".csv", strings.NewReader(DatasetCSV(ds, files[code])), nil)
		if err != nil {
			return found, err
		}
		found += imp.Discrepancies
	}
	return found, nil
}

// DatasetCSV writes rows (by column key; a missing key takes the column's
// example) as a CSV file of the dataset, header first.
func DatasetCSV(ds crosscheck.Dataset, rows []map[string]string) string {
	var b strings.Builder
	for i, c := range ds.Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.Header)
	}
	b.WriteByte('\n')
	for _, r := range rows {
		for i, c := range ds.Columns {
			if i > 0 {
				b.WriteByte(',')
			}
			v, ok := r[c.Key]
			if !ok {
				v = c.Example
			}
			b.WriteString(v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
