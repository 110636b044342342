#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests, benchmarks and trying the shared caches by hand, with password
# (SCRAM) authentication on a loopback TCP port:
#   scripts/postgres.sh start DIR PORT PASSWORD   initdb into DIR (once) and start; user and database "dash"
#   scripts/postgres.sh stop DIR                   fast shutdown (rows are kept in DIR)
#   scripts/postgres.sh restart DIR PORT           start a stopped DIR again
# initdb refuses to run as root, so as root the server runs as the "postgres" user (DIR is given to it).
# Prints the URL to connect with on start: postgres://dash:PASSWORD@127.0.0.1:PORT/dash?sslmode=disable
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ]; then
    echo "postgres.sh: PostgreSQL 15 is not installed; install it with: apt-get install postgresql" >&2
    exit 69
fi
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

command=${1:?usage: postgres.sh start DIR PORT PASSWORD | stop DIR | restart DIR PORT}
dir=${2:?the data directory}

start() {
    local port=$1
    # The socket directory is DIR itself, so no system directory is needed; listen on loopback only.
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
}

case "$command" in
start)
    port=${3:?the port}
    password=${4:?the password}
    if [ ! -d "$dir/data" ]; then
        mkdir -p "$dir"
        if [ ${#as_owner[@]} -gt 0 ] && ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
            echo "postgres.sh: the postgres user cannot enter $(dirname "$dir"); make it searchable (chmod a+x)" >&2
            exit 77
        fi
        umask 077
        printf '%s\n' "$password" >"$dir/password"
        if [ ${#as_owner[@]} -gt 0 ]; then chown -R postgres: "$dir"; fi
        "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U dash --pwfile="$dir/password" \
            --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
        rm -f "$dir/password"
        start "$port"
        PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U dash -d postgres -qAt \
            -c "CREATE DATABASE dash" >/dev/null
    else
        start "$port"
    fi
    echo "postgres://dash:$password@127.0.0.1:$port/dash?sslmode=disable"
    ;;
restart)
    start "${3:?the port}"
    ;;
stop)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "postgres.sh: unknown command $command" >&2
    exit 64
    ;;
esac
