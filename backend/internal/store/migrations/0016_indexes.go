package migrations

import (
	"gorm.io/gorm"
)

// m0016Indexes adds the indexes the lists need at province scale (issue 10;
// the plans at a million households are in BENCHMARKS.md and
// store/explain_test.go checks the main ones on MySQL).
//
// A household list page is a COUNT(*) of the filter and the first rows in
// household code order. Each index below starts with what a list filters on
// by equality (the street or village, the status), then deleted_at (the
// live households are deleted_at IS NULL, a lookup by value), then code, so
// that the page is read in order and stops after its rows instead of
// sorting every match; then the columns the rest of the filter checks, so
// that the scope's village_code IN (…) (and the store's redundant
// street_code IN (…), households.go) are checked in the index and a COUNT
// never reads a row. The list orders by code alone: codes are unique.
//
//   - ix_hh_street_status: a street's households of one status (the
//     typical filtered page of a street account, and its count), with the
//     poverty attribute and the causes, which the list filters registered
//     households on: at a million households a street holds 100,000
//     registered ones, and a count that must read their rows is a full
//     scan to the optimizer (other_causes is short; it fits the key);
//   - ix_hh_street_code: a street's households (a street account's list,
//     every pass over a street in code order);
//   - ix_hh_village_status and ix_hh_village_code: the same for a village
//     (village officers, a village's list and cases);
//   - ix_hh_status_code: the district's list of one status.
//
// They replace three indexes the optimizer chose instead and then had to
// read rows or sort for: ix_hh_scope (street_code, village_code), the old
// ix_hh_village_status (village_code, status), a prefix of the new one that
// takes its name, and the one on deleted_at alone (NULL for nearly every
// row, so it selects nothing; MariaDB intersected it with others).
//
// review_cases: the board counts the cases of every list of a campaign by
// proposal and flag (CaseCountsByList); (list_id, flagged, proposal) answers
// it from the index alone, and replaces the index on list_id.
func m0016Indexes(tx *gorm.DB) error {
	drop := func(table, index string) string {
		if tx.Dialector.Name() == "mysql" {
			return "DROP INDEX " + index + " ON " + table
		}
		return "DROP INDEX " + index
	}
	for _, s := range []string{
		drop("households", "ix_hh_scope"),
		drop("households", "ix_hh_village_status"),
		drop("households", "idx_households_deleted_at"),
		"CREATE INDEX ix_hh_street_status ON households (street_code, status, deleted_at, code, village_code," +
			" poverty_attribute, main_cause, other_causes)",
		"CREATE INDEX ix_hh_street_code ON households (street_code, deleted_at, code, village_code, status)",
		"CREATE INDEX ix_hh_village_status ON households (village_code, status, deleted_at, code, street_code)",
		"CREATE INDEX ix_hh_village_code ON households (village_code, deleted_at, code, street_code)",
		"CREATE INDEX ix_hh_status_code ON households (status, deleted_at, code)",
		drop("review_cases", "idx_review_cases_list_id"),
		"CREATE INDEX ix_case_list ON review_cases (list_id, flagged, proposal)",
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
