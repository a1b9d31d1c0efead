#!/usr/bin/env bash
# Back up the Jingzhun MySQL database: a consistent mysqldump (one
# transaction, no table locks) with the binary log position, compressed,
# with a checksum and a manifest of the rows of every table.
#
#   scripts/backup.sh [-d mysql://user:pass@host:3306/db] [-o DIR] [-c zstd|gzip] [-r DAYS]
#
#   -d  the database (default: $JZ_DB_DSN)
#   -o  where backups go (default: $JZ_BACKUP_DIR, else ./backups)
#   -c  compression (default: zstd when installed, else gzip)
#   -r  remove this script's backups in DIR older than DAYS days after a
#       successful run (default: keep all)
#
# Writes DIR/jingzhun-<db>-<UTC time>/ with dump.sql.zst (or .gz), MANIFEST
# and SHA256SUMS; the directory appears under its name only when complete.
# The binary log position (for point-in-time recovery by replaying the
# binlog from it) needs binary logging on and the RELOAD and REPLICATION
# CLIENT privileges; without binary logging the dump is made without it and
# MANIFEST says so. scripts/restore.sh restores it; scripts/restore-drill.sh
# proves it restores. See deploy/README.md, "Backup and restore".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/mysql.sh
. "$here/lib/mysql.sh"

dsn="${JZ_DB_DSN:-}"
out="${JZ_BACKUP_DIR:-./backups}"
comp=""
retain=""
while getopts "d:o:c:r:h" opt; do
	case "$opt" in
	d) dsn="$OPTARG" ;;
	o) out="$OPTARG" ;;
	c) comp="$OPTARG" ;;
	r) retain="$OPTARG" ;;
	*) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ -n "$dsn" ]] || die "no database: set JZ_DB_DSN or pass -d mysql://user:pass@host:3306/db"
parse_dsn "$dsn"
if [[ -z "$comp" ]]; then
	if command -v zstd >/dev/null; then comp=zstd; else comp=gzip; fi
fi
case "$comp" in
zstd) ext=zst; compress=(zstd -q -T0 -3 -c) ;;
gzip) ext=gz; compress=(gzip -c -6) ;;
*) die "-c: zstd or gzip" ;;
esac
[[ -z "$retain" || "$retain" =~ ^[0-9]+$ ]] || die "-r: a number of days"

my="$(defaults_file)"
trap 'rm -f "$my"' EXIT
dump="$(dump_bin)"

server="$(sql "$my" "" "SELECT VERSION()")" || die "cannot connect to $DB_HOST:$DB_PORT as '$DB_USER'"
sql "$my" "" "SHOW DATABASES LIKE '$DB_NAME'" | grep -qx "$DB_NAME" || die "no database '$DB_NAME' on $DB_HOST:$DB_PORT"
migration="$(sql "$my" "$DB_NAME" "SELECT COALESCE(MAX(id), 0) FROM schema_migrations" 2>/dev/null || echo none)"

opts=(--single-transaction --quick --routines --triggers --hex-blob --no-tablespaces
	--default-character-set=utf8mb4 --skip-dump-date)
help="$("$dump" --help 2>/dev/null || true)"
# MySQL's mysqldump writes SET @@GLOBAL.GTID_PURGED, which breaks a restore
# into a server with GTIDs of its own (the drill's scratch database).
grep -q -- '--set-gtid-purged' <<<"$help" && opts+=(--set-gtid-purged=OFF)
binlog_note=""
if [[ "$(sql "$my" "" "SELECT @@log_bin")" == 1 ]]; then
	# --source-data from MySQL 8.0.26 (MySQL 8.4 has only it); MariaDB and
	# older MySQL know --master-data. =2 writes the position as a comment.
	if grep -q -- '--source-data' <<<"$help"; then opts+=(--source-data=2); else opts+=(--master-data=2); fi
else
	binlog_note="binary logging is off on this server: no binlog position, so no point-in-time recovery past this dump (set log_bin, see deploy/README.md)"
	echo "note: $binlog_note" >&2
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="jingzhun-$DB_NAME-$stamp"
mkdir -p "$out"
part="$out/.$name.partial"
rm -rf "$part"
mkdir -m 700 "$part"
trap 'rm -f "$my"; rm -rf "$part"' EXIT

file="dump.sql.$ext"
start=$SECONDS
if ! "$dump" --defaults-extra-file="$my" "${opts[@]}" "$DB_NAME" 2>"$part/dump.err" | "${compress[@]}" >"$part/$file"; then
	cat "$part/dump.err" >&2
	die "mysqldump failed (see above); nothing was kept"
fi
grep -v '^Warning' "$part/dump.err" >&2 || true
rm -f "$part/dump.err"

# The position is in the dump's first lines, as a comment:
#   -- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000042', MASTER_LOG_POS=1234;
#   -- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000042', SOURCE_LOG_POS=1234;
binlog="off"
if [[ -z "$binlog_note" ]]; then
	pos_line="$(decompress "$part/$file" | head -n 60 | grep -m1 -E 'CHANGE (MASTER|REPLICATION SOURCE) TO' || true)"
	bl_file="$(sed -nE "s/.*_LOG_FILE='([^']+)'.*/\1/p" <<<"$pos_line")"
	bl_pos="$(sed -nE 's/.*_LOG_POS=([0-9]+).*/\1/p' <<<"$pos_line")"
	[[ -n "$bl_file" && -n "$bl_pos" ]] || die "binary logging is on but the dump has no position line"
	binlog="$bl_file:$bl_pos"
fi

{
	echo "# Jingzhun backup manifest: what the dump holds, counted from the dump itself"
	echo "format=1"
	echo "created_at=$stamp"
	echo "database=$DB_NAME"
	echo "server=$server"
	echo "dump_tool=$("$dump" --version | head -n1)"
	echo "dump_options=${opts[*]}"
	echo "schema_migration=$migration"
	echo "binlog=$binlog"
	[[ -n "$binlog_note" ]] && echo "binlog_note=$binlog_note"
	echo "dump=$file"
	echo "dump_bytes=$(stat -c %s "$part/$file")"
	decompress "$part/$file" | count_dump_rows | sed 's/^/table\t/'
} >"$part/MANIFEST"
tables="$(grep -c '^table' "$part/MANIFEST" || true)"
[[ "$tables" -gt 0 ]] || die "the dump holds no table"
(cd "$part" && sha256sum "$file" MANIFEST >SHA256SUMS)
mv "$part" "$out/$name"
trap 'rm -f "$my"' EXIT
echo "backup $out/$name: $tables tables, $(awk -F'\t' '/^table/ {s += $3} END {print s+0}' "$out/$name/MANIFEST") rows, binlog $binlog, $((SECONDS - start))s"

if [[ -n "$retain" ]]; then
	find "$out" -maxdepth 1 -type d -name "jingzhun-$DB_NAME-*" -mtime +"$retain" -print -exec rm -rf {} + |
		sed 's/^/removed old backup /'
fi
