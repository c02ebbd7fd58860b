# shellcheck shell=bash disable=SC2034 # constants used by the scripts that source this file
# Helpers shared by scripts/services/*.sh. Sourced, never run on its own.

# Fixed loopback ports. The defaults are the test set (`make test`); `make services-up` passes
# another set so a developer's services and a test run can live side by side.
: "${KONTOR_SVC_PG_PORT:=15432}"
: "${KONTOR_SVC_REDIS_PORT:=16379}"
: "${KONTOR_SVC_CEPH_MON_PORT:=13300}"
: "${KONTOR_SVC_RGW_PORT:=17480}"
: "${KONTOR_SVC_ES_PORT:=19200}"
: "${KONTOR_SVC_BUCKET:=kontor-test}"

# Fixed test credentials: these servers only ever listen on 127.0.0.1.
SVC_PG_USER=kontor
SVC_PG_PASSWORD=kontor
SVC_PG_DB=kontor
SVC_S3_ACCESS_KEY=KONTORTESTACCESSKEY0
SVC_S3_SECRET_KEY=kontor-test-secret-key-not-for-production
SVC_S3_REGION=us-east-1

say() { printf '[services %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[services %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

now_ms() { date +%s%3N; }
elapsed() { # elapsed START_MS -> "1.234s"
    local d=$(($(now_ms) - $1))
    printf '%d.%03ds' $((d / 1000)) $((d % 1000))
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when PID is a running process (a zombie counts as dead).
pid_alive() {
    local pid=${1:-}
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [ -r "/proc/$pid/status" ] || return 1
    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# True when PID's command line contains TEXT: a pid file left from before a reboot may name a
# pid that some unrelated process has now, and that one must never be signalled.
pid_is() {
    local pid=$1 text=$2
    pid_alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$text"
}

# svc_signature NAME DIR: what the command line of the server NAME started under DIR contains.
svc_signature() {
    case $1 in
    radosgw | ceph-osd | ceph-mon) echo "$2/ceph/ceph.conf" ;;
    redis) echo "redis-server 127.0.0.1:$(cat "$2/redis/port" 2>/dev/null)" ;;
    postgres) cat "$2/pg.datadir" 2>/dev/null || echo "$2/pg/data" ;;
    noida-db) echo "$2/es" ;;
    *) echo "$1" ;;
    esac
}

# The first number in a pid file, or nothing.
read_pid() { if [ -f "$1" ]; then head -n 1 "$1" | tr -dc '0-9'; fi; }

# wait_until SECONDS CMD... : run CMD every 0.2 s until it succeeds; false on timeout.
wait_until() {
    local limit=$1
    shift
    local deadline=$(($(now_ms) + limit * 1000))
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# stop_pid NAME PID [SECONDS]: SIGTERM, wait, then SIGKILL. Only ever the pid given.
stop_pid() {
    local name=$1 pid=${2:-} limit=${3:-20}
    if ! pid_alive "$pid"; then
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$limit" eval "! pid_alive $pid"; then
        warn "$name (pid $pid) ignored SIGTERM for ${limit}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_until 5 eval "! pid_alive $pid" || warn "$name (pid $pid) is still alive"
    fi
}

# Who holds a port, for error messages.
port_owner() {
    if command -v ss >/dev/null 2>&1; then
        ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/^/    /'
    fi
}

# PostgreSQL server binaries (Debian keeps them off PATH).
pg_bindir() {
    local d
    if [ -n "${KONTOR_PG_BINDIR:-}" ]; then
        echo "$KONTOR_PG_BINDIR"
        return
    fi
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ]; then
            echo "$d"
            return
        fi
    done
    d=$(command -v initdb 2>/dev/null || true)
    [ -n "$d" ] && dirname "$d"
}

# Root may not run postgres: run its commands as the `postgres` user then.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
