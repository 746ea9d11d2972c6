#!/usr/bin/env bash
# Starts the services the test suite needs, idempotently: a PostgreSQL server on
# 127.0.0.1 (port JIUJIN_PG_PORT, default 55432) with a `jiujin_test` database, for the
# hub's tests. Prints the database URL on the last line.
# The tests' server runs with fsync=off (speed, nothing to keep); a benchmark of the hub as
# deployed starts its own server with JIUJIN_PG_FSYNC=on on another port and data folder.
set -euo pipefail
port="${JIUJIN_PG_PORT:-55432}"
pgdata="${JIUJIN_PG_DATA:-/tmp/jiujin-test-pg-$port}"
fsync="${JIUJIN_PG_FSYNC:-off}"
url="postgresql://jiujin@127.0.0.1:$port/jiujin_test"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "$pgbin" ]]; then
    echo "jiujin: PostgreSQL is not installed; run scripts/install-system-deps.sh" >&2
    exit 1
fi

as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        mkdir -p "$pgdata"
        [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$pgdata"
        as_postgres "$pgbin/initdb" -D "$pgdata" -A trust -U jiujin -E UTF8 >/dev/null
    fi
    as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
        -o "-h 127.0.0.1 -p $port -k $pgdata -c fsync=$fsync -c max_connections=200" start >/dev/null
fi
if ! "$pgbin/psql" -h 127.0.0.1 -p "$port" -U jiujin -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'jiujin_test'" | grep -q 1; then
    "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U jiujin jiujin_test
fi
echo "$url"
