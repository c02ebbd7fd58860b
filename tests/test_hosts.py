"""Only the configured host names are served; HTTPS settings follow from them; deploy checks pass.

Settings are read once per process, so the defaults are checked in fresh Python processes
started with the environment under test.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
# Variables of the environment under test that a developer's shell or the test run may hold.
HOST_VARIABLES = (
    "HOST",
    "PORT",
    "DEBUG",
    "KONTOR_ALLOWED_HOSTS",
    "KONTOR_CSRF_TRUSTED_ORIGINS",
    "KONTOR_HTTPS",
    "KONTOR_HSTS_SECONDS",
    "KONTOR_HSTS_INCLUDE_SUBDOMAINS",
    "KONTOR_HSTS_PRELOAD",
)
PRODUCTION_SECRET_KEY = "kontor-deploy-check-" + "k3y-0f-fifty-chars-or-more-for-the-check" * 2


def clean_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in HOST_VARIABLES}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KONTOR_DATA_DIR": str(tmp_path),
        **variables,
    }


def settings_in(tmp_path: Path, **variables: str) -> dict[str, Any]:
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, name)"
        " for name in ('ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS', 'KONTOR_HTTPS',"
        " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',"
        " 'SECURE_HSTS_SECONDS')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_env(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def deploy_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(tmp_path, DEBUG="false", SECRET_KEY=PRODUCTION_SECRET_KEY, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "path", ["/healthz", "/login/", "/api/v1/documents/", "/static/admin/css/base.css"]
)
def test_another_host_name_answers_400_on_every_path(client: Client, path: str) -> None:
    """A Host header outside KONTOR_ALLOWED_HOSTS gets 400, static files and health included."""
    response = client.get(path, HTTP_HOST="kontor.attacker.example")

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_host"


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_the_local_names_are_served(client: Client, host: str) -> None:
    response = client.get("/login/", HTTP_HOST=host)

    assert response.status_code == 200


def test_by_default_the_local_names_and_the_bind_address_are_served(tmp_path: Path) -> None:
    """Loopback names always; HOST too when it names one address; plain HTTP on loopback."""
    plain = settings_in(tmp_path)
    assert plain["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert "http://127.0.0.1:8000" in plain["CSRF_TRUSTED_ORIGINS"]
    assert plain["KONTOR_HTTPS"] is False
    assert plain["SESSION_COOKIE_SECURE"] is False

    every_address = settings_in(tmp_path, HOST="0.0.0.0")  # noqa: S104 (a setting, not a bind)
    assert every_address["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]

    lan = settings_in(tmp_path, HOST="10.1.2.3", PORT="8080")
    assert lan["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "10.1.2.3"]
    assert "https://10.1.2.3:8080" in lan["CSRF_TRUSTED_ORIGINS"]
    # a name other than loopback is reached over a network: HTTPS by default
    assert lan["KONTOR_HTTPS"] is True
    assert lan["SESSION_COOKIE_SECURE"] is True
    assert lan["CSRF_COOKIE_SECURE"] is True
    assert lan["SECURE_SSL_REDIRECT"] is True
    assert lan["SECURE_HSTS_SECONDS"] > 0


def test_configured_host_names_and_origins_replace_the_defaults(tmp_path: Path) -> None:
    configured = settings_in(
        tmp_path,
        KONTOR_ALLOWED_HOSTS="docs.example.com, .intranet.example",
        KONTOR_HTTPS="false",
    )
    assert configured["ALLOWED_HOSTS"] == ["docs.example.com", ".intranet.example"]
    assert configured["KONTOR_HTTPS"] is False
    assert "http://docs.example.com" in configured["CSRF_TRUSTED_ORIGINS"]
    assert "http://*.intranet.example" in configured["CSRF_TRUSTED_ORIGINS"]

    origins = settings_in(
        tmp_path,
        KONTOR_ALLOWED_HOSTS="docs.example.com",
        KONTOR_CSRF_TRUSTED_ORIGINS="https://docs.example.com:8443",
    )
    assert origins["CSRF_TRUSTED_ORIGINS"] == ["https://docs.example.com:8443"]


@pytest.mark.parametrize(
    "variables",
    [
        # the production shape: a public name behind a TLS proxy
        {"KONTOR_ALLOWED_HOSTS": "docs.example.com"},
        # `make run` with DEBUG off: loopback only, plain HTTP
        {},
    ],
    ids=["public-name", "loopback-only"],
)
def test_the_deploy_check_passes_with_production_settings(
    tmp_path: Path, variables: dict[str, str]
) -> None:
    """`manage.py check --deploy` has no warning with DEBUG off and a SECRET_KEY set."""
    result = deploy_check(tmp_path, **variables)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_about_plain_http_to_a_public_name(tmp_path: Path) -> None:
    """Silencing is not blanket: HTTPS switched off for a public name is reported."""
    result = deploy_check(tmp_path, KONTOR_ALLOWED_HOSTS="docs.example.com", KONTOR_HTTPS="false")

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stdout + result.stderr
