"""`GET /healthz`: 200 when the database and blob storage answer, 503 naming what is down."""

from typing import Any

from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from search.health import health_report


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"database: {error.__class__.__name__}: {error}"
    return None


def _storage() -> str | None:
    try:
        storages["blobs"].check_available()  # type: ignore[attr-defined]
    except Exception as error:
        return f"storage: {error.__class__.__name__}: {error}"
    return None


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "storage": _storage()}
    problems = [problem for problem in checks.values() if problem]
    body: dict[str, Any] = {
        "status": "unavailable" if problems else "ok",
        **{name: "down" if problem else "ok" for name, problem in checks.items()},
        "problems": problems,
        "search": health_report(),
    }
    return JsonResponse(body, status=503 if problems else 200)
