#!/usr/bin/env bash
# Start the real servers the production-mode tests use, all on 127.0.0.1, with their state
# under DIR (wiped at each start: these are throwaway test servers):
#   PostgreSQL 15, a one-node Ceph cluster with radosgw (S3), Redis, and noida-db as the
#   Elasticsearch API stand-in. Then write DIR/env.sh with the variables that switch Kontor to
#   production mode. Stop them with scripts/services/stop.sh DIR.
#
# usage: scripts/services/start.sh DIR
# Ports come from KONTOR_SVC_*_PORT (defaults in lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
VENV=${KONTOR_VENV:-$ROOT/.venv}
PY=$VENV/bin/python
LOGS=$DIR/logs
T0=$(now_ms)
STEP="preparing"

fail() { # fail MESSAGE [LOGFILE] [HINT]
    local msg=$1 log=${2:-} hint=${3:-}
    trap - ERR
    echo >&2
    say "FAILED: $msg" >&2
    if [ -n "$log" ] && [ -f "$log" ]; then
        say "last lines of $log:" >&2
        tail -n 40 "$log" | sed 's/^/    /' >&2
    fi
    [ -n "$hint" ] && say "next: $hint" >&2
    say "stopping what was started (logs stay in $LOGS)" >&2
    "$HERE/stop.sh" "$DIR" >&2 || true
    say "start failed after $(elapsed "$T0")" >&2
    exit 1
}
trap 'fail "unexpected error (line $LINENO) while $STEP" "${STEP_LOG:-}"' ERR

# ---------------------------------------------------------------- checks
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' not found" "" "run scripts/services/install.sh"; }
for c in ceph monmaptool ceph-mon ceph-osd radosgw radosgw-admin redis-server redis-cli \
    pg_isready psql; do
    need "$c"
done
PG_BIN=$(pg_bindir)
[ -n "$PG_BIN" ] || fail "PostgreSQL server binaries (initdb, pg_ctl) not found" "" \
    "run scripts/services/install.sh"
[ -x "$PY" ] && [ -x "$VENV/bin/noida-db" ] ||
    fail "virtualenv $VENV lacks python or noida-db" "" "run scripts/services/install.sh"
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    fail "running as root but there is no 'postgres' user to run PostgreSQL" "" \
        "install the postgresql package (scripts/services/install.sh)"
fi

# Already running under DIR? Then keep it.
if [ -f "$DIR/env.sh" ] && [ -f "$DIR/pids" ]; then
    all_up=1
    while read -r _name pid; do
        pid_is "$pid" "$(svc_signature "$_name" "$DIR")" || all_up=0
    done <"$DIR/pids"
    if [ "$all_up" = 1 ]; then
        say "services are already running under $DIR; environment: . $DIR/env.sh"
        exit 0
    fi
fi
# Leftovers of an earlier (maybe half-failed) start: stop them, then wipe the state.
if [ -e "$DIR/pids" ] || [ -e "$DIR/ceph" ] || [ -e "$DIR/pg" ] || [ -e "$DIR/redis" ] ||
    [ -e "$DIR/es" ]; then
    "$HERE/stop.sh" "$DIR" || true
fi
old_pgdata=$(cat "$DIR/pg.datadir" 2>/dev/null || true)
case $old_pgdata in "${TMPDIR:-/tmp}"/kontor-pg.*) rm -rf "$(dirname "$old_pgdata")" ;; esac
rm -rf "$DIR/ceph" "$DIR/pg" "$DIR/redis" "$DIR/es" "$LOGS" "$DIR/env.sh" "$DIR/pids" \
    "$DIR/pg.datadir"
mkdir -p "$LOGS"
: >"$DIR/pids"

for p in "$KONTOR_SVC_PG_PORT" "$KONTOR_SVC_REDIS_PORT" "$KONTOR_SVC_CEPH_MON_PORT" \
    "$KONTOR_SVC_RGW_PORT" "$KONTOR_SVC_ES_PORT"; do
    if port_open "$p"; then
        port_owner "$p" >&2
        fail "port 127.0.0.1:$p is already in use" "" \
            "stop whatever listens there (see above), or pick other ports with KONTOR_SVC_*_PORT"
    fi
done
say "starting services under $DIR (ports: postgres $KONTOR_SVC_PG_PORT, ceph-mon $KONTOR_SVC_CEPH_MON_PORT, s3 $KONTOR_SVC_RGW_PORT, redis $KONTOR_SVC_REDIS_PORT, elasticsearch $KONTOR_SVC_ES_PORT)"

# ---------------------------------------------------------------- PostgreSQL
STEP="starting PostgreSQL"
t=$(now_ms)
mkdir -p "$DIR/pg"
PGDATA=$DIR/pg/data
PGLOG=$DIR/pg/postgres.log
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$DIR/pg"
    chmod 0700 "$DIR/pg"
    # postgres must be able to reach DIR; when a parent folder is closed to it (a clone under
    # /root, say), keep the cluster in a temporary folder instead.
    if ! runuser -u postgres -- test -w "$DIR/pg"; then
        base=$(mktemp -d "${TMPDIR:-/tmp}/kontor-pg.XXXXXX")
        chmod 0755 "$base"
        mkdir -p "$base/pg"
        chown postgres: "$base/pg"
        chmod 0700 "$base/pg"
        PGDATA=$base/pg/data
        PGLOG=$base/pg/postgres.log
        say "postgres: $DIR is closed to the postgres user; its data goes to $base"
    fi
fi
echo "$PGDATA" >"$DIR/pg.datadir"
STEP_LOG=$LOGS/initdb.log
pwfile=$(dirname "$PGDATA")/pwfile
echo "$SVC_PG_PASSWORD" >"$pwfile"
[ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=trust --no-sync \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$STEP_LOG" 2>&1 ||
    fail "initdb failed" "$STEP_LOG"
rm -f "$pwfile"
STEP_LOG=$PGLOG
# No Unix socket (-k ''): the path could be too long, and TCP is what the app uses anyway.
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 \
    -o "-h 127.0.0.1 -p $KONTOR_SVC_PG_PORT -k '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >"$LOGS/pg_ctl.log" 2>&1 || fail "PostgreSQL did not start" "$PGLOG"
ln -sf "$PGLOG" "$LOGS/postgres.log"
echo "postgres $(read_pid "$PGDATA/postmaster.pid")" >>"$DIR/pids"
wait_until 30 pg_isready -q -h 127.0.0.1 -p "$KONTOR_SVC_PG_PORT" ||
    fail "PostgreSQL does not answer pg_isready" "$PGLOG"
PGPASSWORD=$SVC_PG_PASSWORD psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$KONTOR_SVC_PG_PORT" \
    -U postgres -d postgres \
    -c "CREATE ROLE $SVC_PG_USER LOGIN SUPERUSER PASSWORD '$SVC_PG_PASSWORD'" \
    -c "CREATE DATABASE $SVC_PG_DB OWNER $SVC_PG_USER" >"$LOGS/psql.log" 2>&1 ||
    fail "could not create the $SVC_PG_DB database" "$LOGS/psql.log"
say "postgres      ready on 127.0.0.1:$KONTOR_SVC_PG_PORT ($(elapsed "$t"))"

# ---------------------------------------------------------------- Redis
STEP="starting Redis"
t=$(now_ms)
mkdir -p "$DIR/redis"
echo "$KONTOR_SVC_REDIS_PORT" >"$DIR/redis/port"
STEP_LOG=$LOGS/redis.log
redis-server --bind 127.0.0.1 --port "$KONTOR_SVC_REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --dir "$DIR/redis" --pidfile "$DIR/redis/redis.pid" \
    --logfile "$STEP_LOG" >/dev/null 2>>"$STEP_LOG" || fail "redis-server did not start" "$STEP_LOG"
redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$KONTOR_SVC_REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
wait_until 20 redis_ping || fail "Redis does not answer PING" "$STEP_LOG"
wait_until 5 test -s "$DIR/redis/redis.pid" || true
echo "redis $(read_pid "$DIR/redis/redis.pid")" >>"$DIR/pids"
say "redis         ready on 127.0.0.1:$KONTOR_SVC_REDIS_PORT ($(elapsed "$t"))"

# ---------------------------------------------------------------- noida-db (Elasticsearch API)
STEP="starting noida-db"
t=$(now_ms)
mkdir -p "$DIR/es"
STEP_LOG=$DIR/es/noida.log
"$VENV/bin/noida-db" up --data-dir "$DIR/es" --only elasticsearch \
    --elasticsearch-port "$KONTOR_SVC_ES_PORT" </dev/null >"$LOGS/noida-up.log" 2>&1 ||
    fail "noida-db up failed" "$LOGS/noida-up.log"
ln -sf "$STEP_LOG" "$LOGS/noida.log"
es_ready() { curl -fsS -m 2 "http://127.0.0.1:$KONTOR_SVC_ES_PORT/" | grep -q '"number"'; }
wait_until 30 es_ready || fail "the Elasticsearch API does not answer GET /" "$STEP_LOG"
echo "noida-db $(grep -o '"pid": *[0-9]*' "$DIR/es/noida.control.json" 2>/dev/null | tr -dc 0-9)" \
    >>"$DIR/pids"
say "elasticsearch ready on 127.0.0.1:$KONTOR_SVC_ES_PORT (noida-db stand-in, $(elapsed "$t"))"

# ---------------------------------------------------------------- Ceph: mon, memstore OSD, radosgw
STEP="starting Ceph"
t=$(now_ms)
C=$DIR/ceph
mkdir -p "$C/run" "$C/log" "$C/mon" "$C/osd/0" "$C/crash" "$C/rgw"
CONF=$C/ceph.conf
FSID=$(cat /proc/sys/kernel/random/uuid)
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$KONTOR_SVC_CEPH_MON_PORT/0
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon data avail crit = 0
mon data avail warn = 0
# a one-node test cluster: commit map changes at once instead of batching them for 1 s
paxos propose interval = 0.05
paxos min wait = 0.01
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
run dir = $C/run
pid file = $C/run/\$name.pid
admin socket = $C/run/\$name.asok
log file = $C/log/\$name.log
mon cluster log file = $C/log/cluster.log
log to stderr = false
err to stderr = true
crash dir = $C/crash
keyring = $C/keyring
mon data = $C/mon/\$name
osd data = $C/osd/\$id
osd objectstore = memstore
memstore device bytes = 4294967296

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$KONTOR_SVC_RGW_PORT
rgw data = $C/rgw
rgw thread pool size = 64
log file = $C/log/rgw.log
EOF
: >"$C/keyring"
ln -sf "$C/log" "$LOGS/ceph"
CEPH=(ceph -c "$CONF" --connect-timeout 20)

STEP_LOG=$C/log/mon.a.log
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$KONTOR_SVC_CEPH_MON_PORT]" \
    "$C/monmap" >"$LOGS/ceph-setup.log" 2>&1 || fail "monmaptool failed" "$LOGS/ceph-setup.log"
ceph-mon -c "$CONF" --mkfs -i a --monmap "$C/monmap" >>"$LOGS/ceph-setup.log" 2>&1 ||
    fail "ceph-mon --mkfs failed" "$LOGS/ceph-setup.log"
ceph-mon -c "$CONF" -i a >>"$LOGS/ceph-setup.log" 2>&1 || fail "ceph-mon did not start" "$STEP_LOG"
wait_until 20 test -s "$C/run/mon.a.pid" || true
echo "ceph-mon $(read_pid "$C/run/mon.a.pid")" >>"$DIR/pids"
wait_until 30 "${CEPH[@]}" mon stat || fail "ceph-mon does not answer" "$STEP_LOG"
say "ceph-mon      ready on 127.0.0.1:$KONTOR_SVC_CEPH_MON_PORT ($(elapsed "$t"))"

STEP_LOG=$C/log/osd.0.log
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
osd_id=$("${CEPH[@]}" osd new "$OSD_UUID" 2>>"$LOGS/ceph-setup.log") ||
    fail "'ceph osd new' failed" "$LOGS/ceph-setup.log"
[ "$osd_id" = 0 ] || fail "expected OSD id 0, got '$osd_id'" "$LOGS/ceph-setup.log"
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$LOGS/ceph-setup.log" 2>&1 ||
    fail "ceph-osd --mkfs failed" "$STEP_LOG"
ceph-osd -c "$CONF" -i 0 >>"$LOGS/ceph-setup.log" 2>&1 || fail "ceph-osd did not start" "$STEP_LOG"
wait_until 20 test -s "$C/run/osd.0.pid" || true
echo "ceph-osd $(read_pid "$C/run/osd.0.pid")" >>"$DIR/pids"
osd_up() { "${CEPH[@]}" osd stat 2>/dev/null | grep -q '1 up'; }
wait_until 60 osd_up || fail "the OSD did not come up" "$STEP_LOG"
say "ceph-osd      up (memstore, $(elapsed "$t"))"

STEP_LOG=$C/log/rgw.log
setsid radosgw -c "$CONF" -n client.rgw.a -f </dev/null >>"$LOGS/radosgw.out" 2>&1 &
echo "$!" >"$C/run/rgw.pid"
echo "radosgw $!" >>"$DIR/pids"
rgw_pid=$!
rgw_listening() { port_open "$KONTOR_SVC_RGW_PORT" || ! pid_alive "$rgw_pid"; }
wait_until 90 rgw_listening || true
if ! pid_alive "$rgw_pid"; then
    [ -s "$STEP_LOG" ] || STEP_LOG=$LOGS/radosgw.out
    fail "radosgw exited during start-up" "$STEP_LOG" "see $LOGS/radosgw.out and $C/log/rgw.log"
fi
port_open "$KONTOR_SVC_RGW_PORT" ||
    fail "radosgw does not listen on 127.0.0.1:$KONTOR_SVC_RGW_PORT after 90 s" "$STEP_LOG" \
        "look for 'get_initial_auth_request' or pool errors in $STEP_LOG"
radosgw-admin -c "$CONF" -n client.admin user create --uid=kontor-test \
    --display-name="Kontor tests" --access-key="$SVC_S3_ACCESS_KEY" \
    --secret-key="$SVC_S3_SECRET_KEY" >"$LOGS/radosgw-admin.log" 2>&1 ||
    fail "radosgw-admin user create failed" "$LOGS/radosgw-admin.log"

# S3 answers a signed request: create the bucket (path-style), then a put/get/delete round trip.
STEP_LOG=$LOGS/s3-check.log
ENDPOINT=http://127.0.0.1:$KONTOR_SVC_RGW_PORT
KONTOR_S3_ENDPOINT_URL=$ENDPOINT KONTOR_S3_BUCKET=$KONTOR_SVC_BUCKET \
    AWS_ACCESS_KEY_ID=$SVC_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SVC_S3_SECRET_KEY \
    AWS_DEFAULT_REGION=$SVC_S3_REGION "$PY" - >"$STEP_LOG" 2>&1 <<'EOF' ||
import os, time
import boto3
from botocore.config import Config

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["KONTOR_S3_ENDPOINT_URL"],
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
bucket = os.environ["KONTOR_S3_BUCKET"]
deadline = time.monotonic() + 60
while True:
    try:
        s3.create_bucket(Bucket=bucket)
        break
    except s3.exceptions.BucketAlreadyOwnedByYou:
        break
    except Exception as exc:  # radosgw may still be creating its pools
        if time.monotonic() > deadline:
            raise
        print("waiting for S3:", exc, flush=True)
        time.sleep(0.5)
s3.put_object(Bucket=bucket, Key="start-check", Body=b"ok")
assert s3.get_object(Bucket=bucket, Key="start-check")["Body"].read() == b"ok"
s3.delete_object(Bucket=bucket, Key="start-check")
print("S3 round trip ok")
EOF
    fail "S3 (radosgw) does not answer signed requests" "$STEP_LOG" "see also $C/log/rgw.log"
say "s3 (radosgw)  ready on $ENDPOINT, bucket $KONTOR_SVC_BUCKET ($(elapsed "$t") for all of Ceph)"

# ---------------------------------------------------------------- env.sh
STEP="writing env.sh"
cat >"$DIR/env.sh" <<EOF
# Written by scripts/services/start.sh: source it to run Kontor against these servers.
export DATABASE_URL=postgres://$SVC_PG_USER:$SVC_PG_PASSWORD@127.0.0.1:$KONTOR_SVC_PG_PORT/$SVC_PG_DB
export KONTOR_S3_ENDPOINT_URL=$ENDPOINT
export KONTOR_S3_BUCKET=$KONTOR_SVC_BUCKET
export AWS_ACCESS_KEY_ID=$SVC_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SVC_S3_SECRET_KEY
export AWS_DEFAULT_REGION=$SVC_S3_REGION
export CELERY_BROKER_URL=redis://127.0.0.1:$KONTOR_SVC_REDIS_PORT/0
export KONTOR_SEARCH_URL=http://127.0.0.1:$KONTOR_SVC_ES_PORT
EOF
say "all services ready in $(elapsed "$T0"); environment: . $DIR/env.sh"
