#!/usr/bin/env bash
# Starts throw-away PostgreSQL and Redis servers on loopback for the test suite and prints
# the environment variables that point the tests at them. Usage: eval "$(scripts/services.sh start)"
set -euo pipefail
state="${RACCORD_TEST_SERVICES:-/tmp/raccord-test-services}"
pg_port="${RACCORD_TEST_PG_PORT:-54329}"
redis_port="${RACCORD_TEST_REDIS_PORT:-63799}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

start() {
  mkdir -p "$state"
  chmod 777 "$state"
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" \
      --appendonly no --dir "$state" --logfile "$state/redis.log" >/dev/null
  fi
  if [ ! -f "$state/pg/PG_VERSION" ]; then
    mkdir -p "$state/pg"
    chown postgres "$state/pg" 2>/dev/null || true
    as_pg "$pg_bin/initdb" -D "$state/pg" -A trust -U raccord --no-sync >/dev/null
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$state/pg" status >/dev/null 2>&1; then
    as_pg "$pg_bin/pg_ctl" -D "$state/pg" -l "$state/pg.log" -w \
      -o "-p $pg_port -k $state -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null
  fi
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export RACCORD_TEST_POSTGRES_URL=postgresql+psycopg://raccord@127.0.0.1:$pg_port/postgres"
  echo "export RACCORD_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
}

stop() {
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  [ -d "$state/pg" ] && as_pg "$pg_bin/pg_ctl" -D "$state/pg" -m fast stop >/dev/null 2>&1 || true
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

"${1:-start}"
