#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL and Redis on loopback for the integration tests and the
# load test: `scripts/services.sh start|stop|env|pg-stop|pg-start`. Data lives in .cache/services and is wiped on
# start. Needs Debian's postgresql and redis-server packages (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$PWD/.cache/services"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] || { echo "services: PostgreSQL server not found; install Debian's postgresql package" >&2; exit 1; }
  echo "$found"
}

# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  stop >/dev/null 2>&1 || true
  command -v redis-server >/dev/null || { echo "services: redis-server not found; install Debian's redis-server package" >&2; exit 1; }
  rm -rf "$DIR" && mkdir -p "$DIR/pg" "$DIR/redis"
  [ "$(id -u)" = 0 ] && chown -R postgres "$DIR/pg"
  local bin; bin=$(pg_bin)
  as_pg "$bin/initdb" -D "$DIR/pg/data" -U app --auth=trust >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\n" \
    "$PG_PORT" "$DIR/pg" | as_pg tee -a "$DIR/pg/data/postgresql.conf" >/dev/null
  pg start
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U app app
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$DIR/redis" --daemonize yes --pidfile "$DIR/redis/pid" --logfile "$DIR/redis/log"
  env_vars
}

stop() {
  local bin; bin=$(pg_bin)
  [ -d "$DIR/pg/data" ] && pg stop || true
  [ -f "$DIR/redis/pid" ] && kill "$(cat "$DIR/redis/pid")" 2>/dev/null || true
}

# Stops or starts PostgreSQL alone, for the tests of what the app does while it is down.
pg() {
  local bin; bin=$(pg_bin)
  if [ "$1" = stop ]; then
    as_pg "$bin/pg_ctl" -D "$DIR/pg/data" -w -m fast stop >/dev/null
  else
    as_pg "$bin/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -w start >/dev/null
  fi
}

env_vars() {
  echo "PGHOST=127.0.0.1 PGPORT=$PG_PORT PGDATABASE=app PGUSER=app CACHE_URL=redis://127.0.0.1:$REDIS_PORT"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_vars ;;
  pg-stop) pg stop ;;
  pg-start) pg start ;;
  *) echo "usage: scripts/services.sh start|stop|env|pg-stop|pg-start" >&2; exit 2 ;;
esac
