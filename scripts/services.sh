# Shared by scripts/test and the benchmark scripts: bring up PostgreSQL and Redis on this
# machine when they are not running (installing them with apt-get where absent), or fail.
# Reads TEST_DATABASE_URL and TEST_REDIS_URL.

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

is_local() { case "$1" in *@127.0.0.1*|*@localhost*|*//127.0.0.1*|*//localhost*) return 0;; *) return 1;; esac; }

pg_up() { psql "$TEST_DATABASE_URL" -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
  command -v psql >/dev/null || apt_install postgresql-client
  pg_up && return 0
  is_local "$TEST_DATABASE_URL" || die "PostgreSQL at $TEST_DATABASE_URL is unreachable"
  local fresh=
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing PostgreSQL"; apt_install postgresql; fresh=1
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "$fresh" ]; then
    # The tests connect over TCP as postgres without a password, as on the team's machines.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do pg_up && return 0; sleep 0.5; done
  die "PostgreSQL at $TEST_DATABASE_URL did not come up"
}

redis_host_port() {
  local rest=${TEST_REDIS_URL#redis://}; rest=${rest#*@}; rest=${rest%%/*}
  echo "${rest%%:*} ${rest##*:}"
}

redis_up() { read -r host port < <(redis_host_port); [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; }

ensure_redis() {
  command -v redis-cli >/dev/null || apt_install redis-tools
  redis_up && return 0
  is_local "$TEST_REDIS_URL" || die "Redis at $TEST_REDIS_URL is unreachable"
  command -v redis-server >/dev/null || { say "installing Redis"; apt_install redis-server; }
  read -r _ port < <(redis_host_port)
  say "starting Redis on port $port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 40); do redis_up && return 0; sleep 0.25; done
  die "Redis at $TEST_REDIS_URL did not come up"
}


ensure_wrk() { command -v wrk >/dev/null || { say "installing wrk"; apt_install wrk; }; }

# Waits for a line naming an http:// address in FILE and prints that address.
wait_for_url() {
  local file=$1
  for _ in $(seq 1 150); do
    if grep -qo 'http://[0-9.:]*' "$file" 2>/dev/null; then grep -o 'http://[0-9.:]*' "$file" | head -n 1; return 0; fi
    sleep 0.1
  done
  return 1
}
