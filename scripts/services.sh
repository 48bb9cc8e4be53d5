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

# The S3-compatible server the tests store objects in: s3s-fs (a real S3 server over a local
# directory, SigV4 checked), installed with cargo when absent and started on TEST_S3_ENDPOINT.
S3S_FS_VERSION=0.14.1
export TEST_S3_ENDPOINT="${TEST_S3_ENDPOINT:-http://127.0.0.1:8014}"
export TEST_S3_BUCKET="${TEST_S3_BUCKET:-gct}"
export TEST_S3_ACCESS_KEY="${TEST_S3_ACCESS_KEY:-gct-test}"
export TEST_S3_SECRET_KEY="${TEST_S3_SECRET_KEY:-gct-test-secret-key}"
S3_ROOT="${S3_ROOT:-target/test-s3}"

s3_request() { # METHOD PATH: a SigV4-signed request; prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$TEST_S3_ACCESS_KEY:$TEST_S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$TEST_S3_ENDPOINT$2" || true
}

s3_up() { [ "$(s3_request GET /)" = 200 ]; }

ensure_s3() {
  command -v curl >/dev/null || apt_install curl
  if ! s3_up; then
    is_local "$TEST_S3_ENDPOINT" || die "S3 at $TEST_S3_ENDPOINT is unreachable"
    if ! command -v s3s-fs >/dev/null; then
      say "installing s3s-fs $S3S_FS_VERSION (an S3-compatible server for the tests)"
      cargo install --locked "s3s-fs@$S3S_FS_VERSION" --features binary >&2
    fi
    local rest=${TEST_S3_ENDPOINT#http://}; rest=${rest%%/*}
    mkdir -p "$S3_ROOT"
    say "starting s3s-fs on $rest"
    nohup s3s-fs --host "${rest%%:*}" --port "${rest##*:}" --access-key "$TEST_S3_ACCESS_KEY" \
      --secret-key "$TEST_S3_SECRET_KEY" "$S3_ROOT" </dev/null >"$S3_ROOT.log" 2>&1 &
    for _ in $(seq 1 40); do s3_up && break; sleep 0.25; done
    s3_up || die "S3 at $TEST_S3_ENDPOINT did not come up (see $S3_ROOT.log)"
  fi
  case "$(s3_request HEAD "/$TEST_S3_BUCKET")" in
    200) ;;
    *) [ "$(s3_request PUT "/$TEST_S3_BUCKET")" = 200 ] || die "cannot create bucket $TEST_S3_BUCKET at $TEST_S3_ENDPOINT" ;;
  esac
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

# The console's browser test drives Debian's Chromium through chromedriver (WebDriver). Both are
# installed where absent (with CJK fonts, so the screenshots show Chinese); the test fails, never
# skips, when they cannot start.
ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and chromedriver (the console's browser test)"
    apt_install --no-install-recommends chromium chromium-driver fonts-noto-cjk
  fi
  chromedriver --version >/dev/null 2>&1 || die "chromedriver does not run"
  chromium --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 \
    || die "Chromium does not start headless"
}
