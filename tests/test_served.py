"""Through a real gunicorn, as `make run` serves: limits, host names and static files.

The server runs in embedded shape in a data directory of its own (migrated, one
administrator), on a free loopback port, with a 1 MiB upload limit. Requests are written
on raw sockets, so a body can be declared larger than what is sent, or sent chunked.
What it shows depends on the server, not on the backing services: embedded mode only.
"""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.middleware import SPOOL_BLOCK

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MiB = 1024 * 1024
UPLOAD_LIMIT = 1 * MiB
BODY_LIMIT = 64 * 1024
BOUNDARY = "kontor-served-boundary"
PRODUCTION_VARIABLES = (
    "DATABASE_URL",
    "KONTOR_S3_ENDPOINT_URL",
    "KONTOR_SEARCH_URL",
    "CELERY_BROKER_URL",
    "KONTOR_ALLOWED_HOSTS",
    "KONTOR_HTTPS",
)

pytestmark = pytest.mark.embedded_only


@dataclass
class Server:
    port: int
    data_dir: Path
    token: str

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one response (the body by its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        block = sock.recv(65536)
        assert block, f"connection closed before a response: {data!r}"
        data += block
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        block = sock.recv(65536)
        assert block, "connection closed in the middle of a response"
        body += block
    return status, headers, body[:length]


def request_head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def multipart_head(filename: str) -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def temporary_files(server: Server) -> list[tuple[str, int]]:
    """What the server keeps in its temporary and blob folders (name, size)."""
    found = []
    for folder in ("tmp", "blobs"):
        for path in (server.data_dir / folder).rglob("*"):
            if path.is_file():
                found.append((str(path), path.stat().st_size))
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    env.update(
        KONTOR_DATA_DIR=str(data_dir),
        KONTOR_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT),
        KONTOR_MAX_BODY_BYTES=str(BODY_LIMIT),
        HOST="127.0.0.1",
        PORT=str(port),
        DEBUG="false",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_PASSWORD="served-admin-pass-1",
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    for command in (["migrate", "--noinput"], ["ensure_superuser"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    log = (data_dir / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "4",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (data_dir / "gunicorn.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not listen within 60 s"
                time.sleep(0.2)
        served = Server(port, data_dir, token="")
        served.token = obtain_token(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def obtain_token(server: Server) -> str:
    body = json.dumps({"username": "admin", "password": "served-admin-pass-1"}).encode()
    with server.connect() as sock:
        head = {
            "Host": "127.0.0.1",
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "Connection": "close",
        }
        sock.sendall(request_head("POST", "/api/v1/auth/token/", head) + body)
        status, _, answer = read_response(sock)
    assert status == 200, answer
    token: str = json.loads(answer)["token"]
    return token


def upload_headers(server: Server, **extra: str) -> dict[str, str]:
    return {
        "Host": f"127.0.0.1:{server.port}",
        "Authorization": f"Token {server.token}",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        **extra,
    }


def test_a_body_declared_over_the_limit_is_refused_before_it_is_sent(server: Server) -> None:
    """413 `too_large` answers while a 400 MB body has barely started; nothing lands on disk."""
    with server.connect() as sock:
        head = upload_headers(server, **{"Content-Length": "400000000"})
        # the start of a real upload: what the server would write to a temporary file
        sock.sendall(request_head("POST", "/api/v1/documents/", head) + multipart_head("big.bin"))
        sock.sendall(b"x" * (32 * 1024))
        status, headers, body = read_response(sock)

    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == "too_large"
    assert temporary_files(server) == []


def test_a_chunked_body_is_stopped_once_past_the_limit(server: Server) -> None:
    """A chunked upload that never ends is answered 413 once past the limit, unfinished."""
    with server.connect() as sock:
        head = upload_headers(server, **{"Transfer-Encoding": "chunked"})
        sock.sendall(request_head("POST", "/api/v1/documents/", head))
        sock.sendall(chunk(multipart_head("endless.bin")))
        sent = 0
        piece = b"x" * (16 * 1024)
        # past the limit by the server's read size, and no last chunk: the body is still open
        # when the server answers, which it can only do by refusing before the end
        while sent <= UPLOAD_LIMIT + BODY_LIMIT + SPOOL_BLOCK:
            sock.sendall(chunk(piece))
            sent += len(piece)
        status, _, body = read_response(sock)

    assert status == 413, body
    assert json.loads(body)["code"] == "too_large"
    assert temporary_files(server) == []


def test_a_chunked_upload_within_the_limit_is_stored(server: Server) -> None:
    content = b"a chunked upload through gunicorn\n"
    parts = [multipart_head("chunked.txt"), content, f"\r\n--{BOUNDARY}--\r\n".encode()]
    with server.connect() as sock:
        head = upload_headers(server, **{"Transfer-Encoding": "chunked", "Connection": "close"})
        sock.sendall(request_head("POST", "/api/v1/documents/", head))
        for part in parts:
            sock.sendall(chunk(part))
        sock.sendall(b"0\r\n\r\n")
        status, _, body = read_response(sock)

    assert status == 201, body
    assert json.loads(body)["current_version"]["size"] == len(content)


@pytest.mark.parametrize(
    ("host", "expected"),
    [(None, 200), ("localhost", 200), ("kontor.attacker.example", 400)],
)
def test_static_files_are_served_to_the_served_host_names_only(
    server: Server, host: str | None, expected: int
) -> None:
    """The docs page's files are served by the server itself, for the allowed names."""
    path = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    with server.connect() as sock:
        head = {"Host": host or f"127.0.0.1:{server.port}", "Connection": "close"}
        sock.sendall(request_head("GET", path, head))
        status, headers, body = read_response(sock)

    assert status == expected
    if expected == 200:
        assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
        assert len(body) > 100_000
