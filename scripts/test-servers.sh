#!/usr/bin/env bash
# Runs a command with throwaway redis-server and PostgreSQL instances on free loopback ports in a
# temporary directory, exported as TEST_REDIS_URL and TEST_DATABASE_URL, and stops them after.
# Missing programs are installed with apt-get when running as root; otherwise it names the command.
set -euo pipefail

need_root_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-servers: installing $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    }
  else
    echo "test-servers: $1 is missing; run: sudo apt-get install -y $*" >&2
    exit 1
  fi
}

command -v redis-server >/dev/null || need_root_install redis-server
pg_bin=""
for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin=$dir; break; fi
done
if [ -z "$pg_bin" ]; then
  need_root_install postgresql-15
  pg_bin=/usr/lib/postgresql/15/bin
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

work=$(mktemp -d /tmp/reviewlens-test-servers.XXXXXX)
redis_port=$(free_port)
pg_port=$(free_port)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: run it as an unprivileged user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$work" --logfile "$work/redis.log" --pidfile "$work/redis.pid"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >"$work/initdb.log" 2>&1
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null

export TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
# Helpers for tests that stop and restart the servers (outage tests).
export TEST_PG_CTL="${as_pg[*]} $pg_bin/pg_ctl -D $work/pg -l $work/pg.log -w -o '-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200'"
export TEST_REDIS_SERVER_CMD="redis-server --port $redis_port --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir $work --logfile $work/redis.log --pidfile $work/redis.pid"
echo "test-servers: redis on $TEST_REDIS_URL, postgres on $TEST_DATABASE_URL" >&2
"$@"
