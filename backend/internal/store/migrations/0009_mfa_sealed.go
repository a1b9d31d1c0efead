package migrations

import (
	"gorm.io/gorm"
)

// m0009MFASealed makes room for the TOTP secrets of accounts sealed at rest
// with the data keys (issue 5), as migration 0005 did for personal data:
// whoever reads a secret can make an account's codes.
//
// users.totp_secret and totp_pending hold "v<key version>:" + base64 once
// sealed, longer than the 32-character base32 secret, so they widen on MySQL
// (SQLite does not enforce VARCHAR lengths). users.key_version is the data
// key version the row's TOTP values were sealed with; 0 means "still in
// clear", which is every row written before this migration. Accounts that
// never enrolled hold empty strings, nothing sealed; they keep version 0,
// and neither the start-up conversion nor rotation touches them.
//
// The migration has no key: the server seals the clear secrets in Go at
// start-up (store.SealLegacy), and `jingzhun rotate-keys` re-seals rows
// whose version is not the current one. The table is small (accounts), so
// key_version has no index.
func m0009MFASealed(tx *gorm.DB) error {
	stmt := "ALTER TABLE users ADD COLUMN key_version integer NOT NULL DEFAULT 0"
	if tx.Dialector.Name() == "mysql" {
		stmt = "ALTER TABLE users MODIFY totp_secret VARCHAR(255) NOT NULL DEFAULT ''," +
			" MODIFY totp_pending VARCHAR(255) NOT NULL DEFAULT ''," +
			" ADD COLUMN key_version INT NOT NULL DEFAULT 0"
	}
	return tx.Exec(stmt).Error
}
