package migrations

import "gorm.io/gorm"

// m0017JobLeases gives every background job a lease, so that several server
// processes can share one database (issue 10): a process owns a job until
// lease_until and renews it while the job runs; another process recovers
// the job (runs it again or fails it) only once the lease has run out, and
// claims queued jobs with a conditional UPDATE that one process alone wins.
//
// Before this migration a job belonged to the process whose random owner id
// it carried, and a starting process took every other owner's job for left
// behind: with two processes the second would have requeued or failed the
// first's live jobs. Rows written before have a NULL lease, which counts as
// run out: they were left by a process of the old version.
//
// The index serves the recovery pass, which every process runs every few
// seconds: queued or running jobs whose lease ended.
func m0017JobLeases(tx *gorm.DB) error {
	col := "ALTER TABLE jobs ADD COLUMN lease_until datetime"
	if tx.Dialector.Name() == "mysql" {
		col = "ALTER TABLE jobs ADD COLUMN lease_until DATETIME(3) NULL"
	}
	if err := tx.Exec(col).Error; err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX idx_jobs_status_lease ON jobs (status, lease_until)").Error
}
