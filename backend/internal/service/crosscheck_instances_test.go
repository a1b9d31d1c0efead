package service_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"jingzhun/internal/localdate"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// Several instances share the database, each with its own data directory.
// Starting one fails only the imports no live job works on, and removes
// only uploads no live job needs; when an instance stops mid-import,
// another finds its lease run out and fails the import readably.
func TestImportsOfAnotherInstanceSurviveAStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newOutcomeFixture(t, st)
		dir := t.TempDir()
		audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
		cc := service.NewCrossChecks(st, audit, service.NewDepartments(st), f.households, f.outcomes, f.runner, dir, time.Now)
		c, err := st.ActiveCampaign(ctx)
		if err != nil || c == nil {
			t.Fatalf("campaign: %v", err)
		}
		now := time.Now().UTC()
		upload := func(name string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		// imp makes an import with a job in a state: "live" (another
		// instance runs it, lease held), "ended" (the job is over), "expired"
		// (its instance stopped: no lease).
		imp := func(jobState, path string) (*store.DeptImport, *store.Job) {
			t.Helper()
			params, _ := json.Marshal(map[string]any{"import_id": 0, "path": path})
			d := &store.DeptImport{Department: "police", Dataset: "vehicles", CampaignID: c.ID, FileName: "v.csv", FileSHA256: jobState,
				Status: store.ImportRunning, CreatedBy: "dept-police", CreatedAt: now}
			if err := st.CreateDeptImport(ctx, d); err != nil {
				t.Fatal(err)
			}
			params, _ = json.Marshal(map[string]any{"import_id": d.ID, "path": path})
			j := &store.Job{Kind: service.DeptImportJob, Key: "import:" + jobState, Params: string(params), CreatedAt: now}
			if err := st.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			switch jobState {
			case "live":
				if ok, err := st.ClaimJob(ctx, j.ID, "other-instance", now, now.Add(time.Hour)); !ok || err != nil {
					t.Fatal("claim", err)
				}
			case "ended":
				st.ClaimJob(ctx, j.ID, "other-instance", now, now.Add(time.Hour))
				if ok, err := st.FinishJob(ctx, j.ID, "other-instance", store.JobFailed, "", "x", now); !ok || err != nil {
					t.Fatal("finish", err)
				}
			case "expired":
				if err := st.StartJob(ctx, j.ID, "stopped-instance", now); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.SetDeptImportJob(ctx, d.ID, j.ID); err != nil {
				t.Fatal(err)
			}
			return d, j
		}
		liveFile, strayFile := upload("import-live.csv"), upload("import-stray.csv")
		live, _ := imp("live", liveFile)
		ended, _ := imp("ended", "")

		if err := cc.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.DeptImportByID(ctx, "", live.ID); got.Status != store.ImportRunning {
			t.Fatalf("the live import of another instance was ended: %+v", got)
		}
		if _, err := os.Stat(liveFile); err != nil {
			t.Fatalf("the upload of a live import was removed: %v", err)
		}
		if _, err := os.Stat(strayFile); !os.IsNotExist(err) {
			t.Fatalf("an upload no job needs is left: %v", err)
		}
		if got, _ := st.DeptImportByID(ctx, "", ended.ID); got.Status != store.ImportFailed || got.Message == "" {
			t.Fatalf("an import whose job ended is left unfinished: %+v", got)
		}

		// The instance running an import stops; its lease runs out, and the
		// next recovery pass fails the job and the import.
		expiredFile := upload("import-expired.csv")
		gone, job := imp("expired", expiredFile)
		if err := f.runner.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		if j, _ := st.JobByID(ctx, job.ID); j.Status != store.JobFailed || j.Error == "" {
			t.Fatalf("expired import job: %+v", j)
		}
		if got, _ := st.DeptImportByID(ctx, "", gone.ID); got.Status != store.ImportFailed || got.Message != "服务器在导入过程中停止，本次导入未写入任何数据，请重新上传。" {
			t.Fatalf("import of a stopped instance: %+v", got)
		}
		if _, err := os.Stat(expiredFile); !os.IsNotExist(err) {
			t.Fatalf("the upload of a failed import is left: %v", err)
		}
		if got, _ := st.DeptImportByID(ctx, "", live.ID); got.Status != store.ImportRunning {
			t.Fatalf("the live import was ended by the recovery pass: %+v", got)
		}
	})
}
