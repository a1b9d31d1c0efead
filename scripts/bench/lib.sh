# shellcheck shell=bash
# Shared by the benchmarks: the MySQL server of BENCH_MYSQL (user[:password]@host[:port])
# as db_user, db_pass, db_host, db_port, and `sql` running the client on it
# (the password in MYSQL_PWD, not on the command line). Extra client options
# may be passed to bench_mysql, e.g. --local-infile=1.
bench_mysql() {
  local server=$1 userpass hostport
  shift
  userpass=${server%@*}
  hostport=${server##*@}
  db_user=${userpass%%:*}
  db_pass=''
  [[ $userpass == *:* ]] && db_pass=${userpass#*:}
  db_host=${hostport%:*}
  db_port=${hostport##*:}
  [[ $hostport == *:* ]] || db_port=3306
  client=$(command -v mariadb || command -v mysql || true)
  [ -n "$client" ] || { echo "needs the mysql or mariadb client" >&2; exit 1; }
  export MYSQL_PWD=$db_pass
  sqlcmd=("$client" "$@" -h "$db_host" -P "$db_port" -u "$db_user" --batch --skip-column-names)
}
sql() { "${sqlcmd[@]}" "$@"; }
