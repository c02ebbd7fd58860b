#!/usr/bin/env bash
# Run the test suite in one or both modes (what `make test`, `make test-embedded` and
# `make test-production` call). Extra pytest arguments: PYTEST_ARGS="-k upload -x".
# Browser tests (tests/e2e, marker e2e) run in both modes; they need Debian's chromium, which
# `make install` installs; PYTEST_ARGS="-m 'not e2e'" leaves them out.
#
#   embedded    no production variable set, a fresh temporary KONTOR_DATA_DIR:
#               SQLite, blobs in a folder, embedded search, jobs in-process.
#   production  real servers from start.sh (PostgreSQL, Ceph radosgw, Redis, noida-db), env.sh
#               sourced, and a real Celery worker process; everything stopped afterwards.
#   all         lint (`make lint`: ruff, mypy, the import-linter layers), embedded,
#               production; each runs even when an earlier one failed, and the last line sums
#               both pytest runs. Exits non-zero when anything failed.
#
# usage: scripts/services/run-tests.sh embedded|production|all
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1
VENV=${KONTOR_VENV:-$ROOT/.venv}
RESULTS=$ROOT/var/test-results
SVC_DIR=${KONTOR_TEST_SERVICES_DIR:-$ROOT/var/test-services}
PRODUCTION_VARS=(DATABASE_URL KONTOR_S3_ENDPOINT_URL KONTOR_S3_BUCKET AWS_ACCESS_KEY_ID
    AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_PROFILE KONTOR_SEARCH_URL
    CELERY_BROKER_URL SECRET_KEY DEBUG DJANGO_SUPERUSER_USERNAME DJANGO_SUPERUSER_PASSWORD
    DJANGO_SUPERUSER_EMAIL)
# Split as a shell would, quotes included, so that PYTEST_ARGS="-m 'not e2e'" is two arguments.
mapfile -t PYTEST_EXTRA < <(printf '%s' "${PYTEST_ARGS:-}" | xargs -r printf '%s\n')

say() { printf '[tests %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
mkdir -p "$RESULTS"

run_pytest() { # run_pytest MODE: pytest -q, its output also kept in var/test-results/MODE.log
    local mode=$1 rc
    say "pytest ($mode mode) ..."
    "$VENV/bin/python" -m pytest -q "${PYTEST_EXTRA[@]}" 2>&1 | tee "$RESULTS/$mode.log"
    rc=${PIPESTATUS[0]}
    say "pytest ($mode mode) exited $rc"
    return "$rc"
}

embedded() {
    local data rc
    (
        for v in "${PRODUCTION_VARS[@]}"; do unset "$v"; done
        data=$(mktemp -d "${TMPDIR:-/tmp}/kontor-test-embedded.XXXXXX")
        trap 'rm -rf "$data"' EXIT
        export KONTOR_DATA_DIR=$data
        say "embedded mode: KONTOR_DATA_DIR=$data, no production variables"
        run_pytest embedded
    )
    rc=$?
    return "$rc"
}

production() {
    (
        worker_pid=""
        data=""
        cleanup() {
            if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
                say "stopping the Celery worker (pid $worker_pid)"
                kill -TERM "$worker_pid" 2>/dev/null
                for _ in $(seq 100); do
                    kill -0 "$worker_pid" 2>/dev/null || break
                    sleep 0.1
                done
                kill -KILL "$worker_pid" 2>/dev/null || true
                wait "$worker_pid" 2>/dev/null || true
            fi
            "$HERE/stop.sh" "$SVC_DIR"
            [ -n "$data" ] && rm -rf "$data"
        }
        trap cleanup EXIT
        trap 'exit 130' INT TERM

        for v in "${PRODUCTION_VARS[@]}"; do unset "$v"; done
        # always fresh servers: stop a set left running by an earlier, interrupted run
        "$HERE/stop.sh" "$SVC_DIR" >/dev/null
        "$HERE/start.sh" "$SVC_DIR" || exit 1
        # shellcheck source=/dev/null
        . "$SVC_DIR/env.sh"
        data=$(mktemp -d "${TMPDIR:-/tmp}/kontor-test-production.XXXXXX")
        export KONTOR_DATA_DIR=$data
        export SECRET_KEY=kontor-production-mode-tests-only DEBUG=false

        pool=${KONTOR_TEST_WORKER_POOL:-solo}
        log=$SVC_DIR/logs/celery-worker.log
        say "starting a Celery worker (pool $pool), log in $log"
        "$VENV/bin/celery" -A config worker --pool="$pool" --loglevel=warning \
            --hostname=kontor-test@localhost --without-gossip --without-mingle \
            </dev/null >"$log" 2>&1 &
        worker_pid=$!
        t0=$(date +%s)
        until "$VENV/bin/celery" -A config inspect ping --timeout=1 \
            --destination=kontor-test@localhost >/dev/null 2>&1; do
            if ! kill -0 "$worker_pid" 2>/dev/null; then
                say "the Celery worker exited during start-up; last lines of $log:"
                tail -n 40 "$log" | sed 's/^/    /'
                exit 1
            fi
            if [ $(($(date +%s) - t0)) -gt 90 ]; then
                say "the Celery worker did not answer a ping within 90 s; last lines of $log:"
                tail -n 40 "$log" | sed 's/^/    /'
                exit 1
            fi
            sleep 0.5
        done
        say "Celery worker ready (pid $worker_pid, $(($(date +%s) - t0))s)"
        run_pytest production
    )
}

counts() { # counts LOGFILE -> "P F S" from pytest's closing line
    local line p=0 f=0 s=0 e=0
    line=$(grep -E '[0-9]+ (passed|failed|error|errors|skipped)' "$1" 2>/dev/null | tail -n 1)
    [[ $line =~ ([0-9]+)\ passed ]] && p=${BASH_REMATCH[1]}
    [[ $line =~ ([0-9]+)\ failed ]] && f=${BASH_REMATCH[1]}
    [[ $line =~ ([0-9]+)\ skipped ]] && s=${BASH_REMATCH[1]}
    [[ $line =~ ([0-9]+)\ error ]] && e=${BASH_REMATCH[1]}
    echo "$p $((f + e)) $s"
}

case "${1:-}" in
embedded) embedded ;;
production) production ;;
all)
    rm -f "$RESULTS/embedded.log" "$RESULTS/production.log"
    say "lint ..."
    "${MAKE:-make}" --no-print-directory lint
    lint_rc=$?
    embedded
    emb_rc=$?
    production
    prod_rc=$?
    word() { [ "$1" = 0 ] && echo ok || echo "FAILED (exit $1)"; }
    echo
    say "lint: $(word "$lint_rc"); embedded: $(word "$emb_rc"); production: $(word "$prod_rc")"
    read -r p1 f1 s1 <<<"$(counts "$RESULTS/embedded.log")"
    read -r p2 f2 s2 <<<"$(counts "$RESULTS/production.log")"
    # A step that failed without a pytest failure to show for it (lint, services that did not
    # start, an interrupted run) counts as one failure, so the closing line never looks green.
    [ "$emb_rc" != 0 ] && [ "$f1" = 0 ] && f1=1
    [ "$prod_rc" != 0 ] && [ "$f2" = 0 ] && f2=1
    extra=0
    [ "$lint_rc" != 0 ] && extra=1
    echo "total: $((p1 + p2)) passed, $((f1 + f2 + extra)) failed, $((s1 + s2)) skipped"
    [ "$lint_rc" = 0 ] && [ "$emb_rc" = 0 ] && [ "$prod_rc" = 0 ]
    ;;
*)
    echo "usage: $0 embedded|production|all" >&2
    exit 2
    ;;
esac
