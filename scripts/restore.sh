#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a database.
#
#   scripts/restore.sh -i BACKUP_DIR [-d mysql://user:pass@host:3306/db] [-f]
#
#   -i  the backup directory (with dump.sql.*, MANIFEST, SHA256SUMS)
#   -d  the database to restore into (default: $JZ_DB_DSN); created when
#       missing, with utf8mb4
#   -f  restore even if the database already has tables (they are replaced:
#       the dump drops and creates each table it holds)
#
# The checksums are verified first: a damaged or altered backup is refused.
# Stop the servers (or take them out of nginx) before restoring over a live
# database. For point-in-time recovery, replay the binary logs from the
# position in MANIFEST (binlog=FILE:POS) afterwards: see deploy/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/mysql.sh
. "$here/lib/mysql.sh"

dir=""
dsn="${JZ_DB_DSN:-}"
force=0
while getopts "i:d:fh" opt; do
	case "$opt" in
	i) dir="$OPTARG" ;;
	d) dsn="$OPTARG" ;;
	f) force=1 ;;
	*) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ -n "$dir" ]] || die "-i BACKUP_DIR is required"
[[ -f "$dir/MANIFEST" && -f "$dir/SHA256SUMS" ]] || die "$dir is not a backup (no MANIFEST or SHA256SUMS)"
[[ -n "$dsn" ]] || die "no database: set JZ_DB_DSN or pass -d"
parse_dsn "$dsn"

(cd "$dir" && sha256sum --quiet --strict -c SHA256SUMS) || die "checksums do not match: the backup in $dir is damaged or was changed"
file="$(sed -n 's/^dump=//p' "$dir/MANIFEST")"
[[ -n "$file" && -f "$dir/$file" ]] || die "MANIFEST names no dump file"

my="$(defaults_file)"
trap 'rm -f "$my"' EXIT
sql "$my" "" "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
existing="$(sql "$my" "" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$DB_NAME'")"
if [[ "$existing" != 0 && "$force" != 1 ]]; then
	die "database '$DB_NAME' has $existing tables; pass -f to replace them"
fi
start=$SECONDS
decompress "$dir/$file" | "$(mysql_bin)" --defaults-extra-file="$my" --binary-mode "$DB_NAME" ||
	die "restore into '$DB_NAME' failed"
echo "restored $dir into $DB_NAME on $DB_HOST:$DB_PORT ($(grep -c '^table' "$dir/MANIFEST") tables, $((SECONDS - start))s); binlog position of the dump: $(sed -n 's/^binlog=//p' "$dir/MANIFEST")"
