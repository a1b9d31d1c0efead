# shellcheck shell=bash
# Shared by scripts/backup.sh, restore.sh and restore-drill.sh: the MySQL
# connection from a JZ_DB_DSN-style URL (mysql://user:pass@host:port/db),
# passed to the clients in a private defaults file, never on the command
# line (where `ps` would show the password).

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# urldecode turns %XX back into bytes (passwords may be percent-encoded).
urldecode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }

# parse_dsn DSN: sets DB_USER DB_PASS DB_HOST DB_PORT DB_NAME.
parse_dsn() {
	local dsn="$1" rest auth hostport
	[[ "$dsn" == mysql://* ]] || die "the DSN must look like mysql://user:pass@host:3306/db (got '${dsn%%://*}://…')"
	rest="${dsn#mysql://}"
	rest="${rest%%\?*}"
	if [[ "$rest" == *@* ]]; then
		auth="${rest%@*}"
		rest="${rest##*@}"
	else
		auth=""
	fi
	DB_USER="$(urldecode "${auth%%:*}")"
	DB_PASS=""
	[[ "$auth" == *:* ]] && DB_PASS="$(urldecode "${auth#*:}")"
	hostport="${rest%%/*}"
	DB_NAME="${rest#*/}"
	DB_HOST="${hostport%%:*}"
	DB_PORT=3306
	[[ "$hostport" == *:* ]] && DB_PORT="${hostport##*:}"
	[[ -n "$DB_HOST" && -n "$DB_NAME" && "$DB_NAME" != "$rest" ]] || die "the DSN names no host or database"
	[[ "$DB_NAME" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$DB_NAME': letters, digits and _ only"
}

# defaults_file: writes the connection (without a database) to a 0600 file
# removed on exit; prints its path.
defaults_file() {
	local f
	f="$(mktemp "${TMPDIR:-/tmp}/jz-my.XXXXXX")"
	chmod 600 "$f"
	{
		echo "[client]"
		echo "host=$DB_HOST"
		echo "port=$DB_PORT"
		[[ -n "$DB_USER" ]] && echo "user=$DB_USER"
		[[ -n "$DB_PASS" ]] && echo "password=\"${DB_PASS//\"/\\\"}\""
		echo "default-character-set=utf8mb4"
	} >"$f"
	echo "$f"
}

# The client programs: MariaDB names them mariadb*, MySQL mysql*.
mysql_bin() { command -v mysql || command -v mariadb || die "no mysql client (apt-get install default-mysql-client)"; }
dump_bin() { command -v mysqldump || command -v mariadb-dump || die "no mysqldump (apt-get install default-mysql-client)"; }

# sql DEFAULTS DB QUERY: one query, tab-separated rows, no header.
sql() { "$(mysql_bin)" --defaults-extra-file="$1" -N -B ${2:+"$2"} -e "$3"; }

# decompress FILE: to stdout, by extension.
decompress() {
	case "$1" in
	*.zst) zstd -dcq -- "$1" ;;
	*.gz) gzip -dc -- "$1" ;;
	*) cat -- "$1" ;;
	esac
}

# count_dump_rows: reads a mysqldump SQL stream, prints "table<TAB>rows"
# for every table it creates, counting the rows of its INSERTs. MySQL puts
# an extended INSERT on one line, "VALUES (…),(…);", MariaDB one row a line
# after "VALUES": either way, once quoted strings are taken out (mysqldump
# escapes quotes and newlines in them with a backslash; binary columns are
# hex with --hex-blob), every "(" of the statement opens one row. These
# counts are what the dump holds, whatever was written to the live
# database while it ran.
count_dump_rows() {
	LC_ALL=C awk '
		/^CREATE TABLE `/ { t = $3; gsub(/`/, "", t); if (!(t in n)) { n[t] = 0; order[++k] = t } next }
		/^INSERT INTO `/ { t = $3; gsub(/`/, "", t); ins = 1; sub(/^INSERT INTO `[^`]*`( \([^)]*\))? VALUES/, "") }
		ins {
			line = $0
			gsub(/\047([^\047\\]|\\.)*\047/, "", line)
			n[t] += gsub(/\(/, "", line)
			if (line ~ /;[ \t\r]*$/) ins = 0
		}
		END { for (i = 1; i <= k; i++) printf "%s\t%d\n", order[i], n[order[i]] }
	'
}
