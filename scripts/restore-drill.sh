#!/usr/bin/env bash
# Restore drill: prove a backup restores. Restores it into a scratch
# database, compares every table's rows with the backup's MANIFEST (and the
# list of tables), walks the audit chain of the restored copy with
# `jingzhun audit verify`, and drops the scratch database. Exits non-zero on
# any difference.
#
#   scripts/restore-drill.sh [-i BACKUP_DIR] [-d SOURCE_DSN] [-s SCRATCH_DSN] [-b BIN] [-a 'ARGS'] [-A] [-k]
#
#   -i  the backup to drill (default: take one now from SOURCE_DSN with
#       scripts/backup.sh, into a temporary directory)
#   -d  the source database (default: $JZ_DB_DSN); only for taking the
#       backup and naming the scratch database's server
#   -s  the scratch database (default: the source's server, database
#       <db>_drill_<time>); it must not exist, and is dropped at the end
#   -b  the jingzhun binary for the audit check (default: bin/jingzhun)
#   -a  extra arguments for `jingzhun audit verify`, e.g. '--demo --data-dir
#       ./data' for a demo database; else JZ_DATA_KEYS / JZ_DATA_KEY_FILE
#       from the environment give it the keys
#   -A  skip the audit chain check (said in the report)
#   -k  keep the scratch database
#   -D  first make the source: a new demo database at SOURCE_DSN (it must
#       not exist), seeded by `jingzhun serve --demo` with JZ_DEMO_HOUSEHOLDS
#       (default 300) and stopped once serving; dropped at the end (make drill)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/mysql.sh
. "$here/lib/mysql.sh"

backup=""
src="${JZ_DB_DSN:-}"
scratch=""
bin="$here/../bin/jingzhun"
audit_args=""
skip_audit=0
keep=0
demo=0
while getopts "i:d:s:b:a:AkDh" opt; do
	case "$opt" in
	i) backup="$OPTARG" ;;
	d) src="$OPTARG" ;;
	s) scratch="$OPTARG" ;;
	b) bin="$OPTARG" ;;
	a) audit_args="$OPTARG" ;;
	A) skip_audit=1 ;;
	k) keep=1 ;;
	D) demo=1 ;;
	*) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
start=$SECONDS
tmp="$(mktemp -d "${TMPDIR:-/tmp}/jz-drill.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

if [[ "$demo" == 1 ]]; then
	[[ -n "$src" && -z "$backup" ]] || die "-D needs -d SOURCE_DSN and no -i"
	[[ -x "$bin" ]] || die "-D needs the binary $bin (make build, or -b)"
	parse_dsn "$src"
	srcmy="$(defaults_file)"
	[[ -z "$(sql "$srcmy" "" "SHOW DATABASES LIKE '$DB_NAME'")" ]] || die "-D: source database '$DB_NAME' exists; name a new one"
	sql "$srcmy" "" "CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	src_db="$DB_NAME"
	trap 'sql "$srcmy" "" "DROP DATABASE IF EXISTS \`$src_db\`"; rm -f "$srcmy"; rm -rf "$tmp"' EXIT
	port=$((20000 + RANDOM % 20000))
	JZ_DEMO_HOUSEHOLDS="${JZ_DEMO_HOUSEHOLDS:-300}" JZ_DATA_KEYS="" JZ_DATA_KEY_FILE="" "$bin" serve --demo --db "$src" \
		--addr "127.0.0.1:$port" --data-dir "$tmp/data" >"$tmp/serve.out" 2>"$tmp/serve.err" &
	pid=$!
	for _ in $(seq 1 300); do
		grep -q "is serving" "$tmp/serve.out" && break
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; die "-D: the demo server stopped"; }
		sleep 0.5
	done
	grep -q "is serving" "$tmp/serve.out" || { kill "$pid"; die "-D: the demo server did not start"; }
	kill -TERM "$pid"
	wait "$pid" || die "-D: the demo server did not stop cleanly"
	echo "demo source $src_db seeded: $(grep -m1 'demo register' "$tmp/serve.out" || true)" >&2
	[[ -n "$audit_args" ]] || audit_args="--demo --data-dir $tmp/data"
fi
if [[ -z "$backup" ]]; then
	[[ -n "$src" ]] || die "no backup (-i) and no source database (-d or JZ_DB_DSN) to take one from"
	"$here/backup.sh" -d "$src" -o "$tmp/backups" >&2
	backup="$(find "$tmp/backups" -mindepth 1 -maxdepth 1 -type d -name 'jingzhun-*' | head -n1)"
fi
[[ -f "$backup/MANIFEST" ]] || die "$backup is not a backup"
db="$(sed -n 's/^database=//p' "$backup/MANIFEST")"

if [[ -z "$scratch" ]]; then
	[[ -n "$src" ]] || die "no scratch database (-s) and no source (-d or JZ_DB_DSN) to put one beside"
	scratch="${src%%\?*}"
	scratch="${scratch%/*}/${db}_drill_$(date -u +%Y%m%d%H%M%S)"
fi
parse_dsn "$scratch"
my="$(defaults_file)"
cleanup() {
	if [[ "$keep" != 1 && -n "${created:-}" ]]; then
		sql "$my" "" "DROP DATABASE IF EXISTS \`$DB_NAME\`" || echo "could not drop the scratch database $DB_NAME" >&2
	fi
	if [[ -n "${src_db:-}" ]]; then
		sql "$srcmy" "" "DROP DATABASE IF EXISTS \`$src_db\`" || true
		rm -f "$srcmy"
	fi
	rm -f "$my"
	rm -rf "$tmp"
}
trap cleanup EXIT
[[ -z "$(sql "$my" "" "SHOW DATABASES LIKE '$DB_NAME'")" ]] || die "scratch database '$DB_NAME' exists; the drill restores only into a new one"
created=1
"$here/restore.sh" -i "$backup" -d "$scratch" >&2

# Table by table: the MANIFEST's rows (counted from the dump) against the
# restored copy's, and no table missing or extra.
fail=0
printf '%-34s %12s %12s\n' table backup restored
got="$tmp/restored.tsv"
sql "$my" "" "SELECT table_name FROM information_schema.tables WHERE table_schema = '$DB_NAME' AND table_type = 'BASE TABLE' ORDER BY table_name" |
	while read -r t; do printf '%s\t%s\n' "$t" "$(sql "$my" "$DB_NAME" "SELECT COUNT(*) FROM \`$t\`")"; done >"$got"
want="$tmp/manifest.tsv"
awk -F'\t' '/^table\t/ {print $2 "\t" $3}' "$backup/MANIFEST" | sort >"$want"
while IFS=$'\t' read -r t w g; do
	mark=""
	if [[ "$w" != "$g" ]]; then mark="  DIFFERENT"; fail=1; fi
	printf '%-34s %12s %12s%s\n' "$t" "${w:--}" "${g:--}" "$mark"
done < <(join -t $'\t' -a1 -a2 -e '' -o 0,1.2,2.2 "$want" <(sort "$got"))

audit="not checked"
if [[ "$skip_audit" == 1 ]]; then
	audit="skipped (-A)"
elif [[ -x "$bin" ]] && "$bin" audit help 2>/dev/null | grep -q 'audit verify'; then
	# shellcheck disable=SC2086 # audit_args are words on purpose
	if out="$(JZ_DB_DSN="$scratch" "$bin" audit verify --db "$scratch" $audit_args 2>&1)"; then
		audit="intact: ${out#*: }"
	else
		audit="BROKEN or not verifiable: $out"
		fail=1
	fi
else
	audit="not checked: $bin has no 'audit verify'"
fi
echo "audit chain of the restored copy: $audit"

if [[ "$fail" != 0 ]]; then
	echo "RESTORE DRILL FAILED: the restored copy differs from the backup $backup ($((SECONDS - start))s)"
	exit 1
fi
echo "restore drill passed: $(wc -l <"$want") tables, every row count equal, backup $backup, $((SECONDS - start))s"
