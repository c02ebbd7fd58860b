#!/usr/bin/env bash
# Stop the servers that scripts/services/start.sh DIR started: radosgw, the OSD and the monitor
# (in that order, or radosgw ignores SIGTERM), then Redis, PostgreSQL and noida-db.
# Works after a half-failed start and when nothing runs. Keeps DIR (logs and data) for a look;
# the next start wipes it.
#
# usage: scripts/services/stop.sh DIR
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
if [ ! -d "$1" ]; then
    say "nothing to stop: $1 does not exist"
    exit 0
fi
DIR=$(cd "$1" && pwd)
VENV=${KONTOR_VENV:-$ROOT/.venv}
C=$DIR/ceph
T0=$(now_ms)
rm -f "$DIR/env.sh" # whatever happens next, these servers are no longer to be used

stopped=0
stop_named() { # stop_named NAME PIDFILE [SECONDS]
    local pid
    pid=$(read_pid "$2")
    if pid_alive "$pid" && ! pid_is "$pid" "$(svc_signature "$1" "$DIR")"; then
        warn "$2 names pid $pid, which is not our $1 (a stale pid file): leaving it alone"
        return 0
    fi
    if pid_alive "$pid"; then
        stopped=1
        say "stopping $1 (pid $pid)"
        stop_pid "$1" "$pid" "${3:-20}"
    fi
}

stop_named radosgw "$C/run/rgw.pid"
stop_named ceph-osd "$C/run/osd.0.pid"
stop_named ceph-mon "$C/run/mon.a.pid"
stop_named redis "$DIR/redis/redis.pid" 10

PGDATA=$(cat "$DIR/pg.datadir" 2>/dev/null || true)
if [ -n "$PGDATA" ] && pid_is "$(read_pid "$PGDATA/postmaster.pid")" "$PGDATA"; then
    stopped=1
    say "stopping postgres (pid $(read_pid "$PGDATA/postmaster.pid"))"
    PG_BIN=$(pg_bindir)
    if [ -z "$PG_BIN" ] ||
        ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
        stop_named postgres "$PGDATA/postmaster.pid" 20
    fi
fi

if [ -f "$DIR/es/noida.control.json" ]; then
    es_pid=$(grep -o '"pid": *[0-9]*' "$DIR/es/noida.control.json" | tr -dc 0-9)
    if pid_is "$es_pid" "$(svc_signature noida-db "$DIR")"; then
        stopped=1
        say "stopping noida-db (pid $es_pid)"
        if [ -x "$VENV/bin/noida-db" ]; then
            "$VENV/bin/noida-db" down --data-dir "$DIR/es" </dev/null >/dev/null 2>&1 || true
            wait_until 10 eval "! pid_alive $es_pid" || true
        fi
        stop_pid noida-db "$es_pid" 10
    fi
fi

# Anything start.sh recorded that is still alive is a bug worth shouting about.
left=0
if [ -f "$DIR/pids" ]; then
    while read -r name pid; do
        if pid_is "$pid" "$(svc_signature "$name" "$DIR")"; then
            warn "$name (pid $pid) is still running; killing it"
            stop_pid "$name" "$pid" 5
            left=1
        fi
    done <"$DIR/pids"
    rm -f "$DIR/pids"
fi
if [ "$stopped" = 1 ]; then
    say "services under $DIR stopped ($(elapsed "$T0"))"
else
    say "nothing was running under $DIR"
fi
exit "$left"
