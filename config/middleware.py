"""What every request meets before a view: the host check and the request body limit.

The body limit wraps the WSGI application itself (`config.wsgi`), so it holds for every path the
server hands to Django, new endpoints included, before any middleware, parser or upload handler
reads a byte: a body whose `Content-Length` is over the limit is refused at once with 413, and a
chunked body (no `Content-Length`) is read into a spool only until it passes the limit. The server
closes the connection instead of reading a refused body to its end.

The limit is `KONTOR_MAX_BODY_BYTES` for every body, except multipart bodies sent to the API
or to the two upload pages (a new document, a new version), which may also carry one file of up
to `KONTOR_MAX_UPLOAD_BYTES`, as the API's upload endpoints may. Every other page takes small
forms only.
"""

import json
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse

StartResponse = Callable[..., Any]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

API_PREFIX = "/api/"
UPLOAD_PAGES = re.compile(r"^/documents/(upload|[0-9]+/versions)/$")
SPOOL_BLOCK = 64 * 1024
# A chunked body is kept in memory up to this size, then in FILE_UPLOAD_TEMP_DIR.
SPOOL_MEMORY_BYTES = 1024 * 1024
security_log = logging.getLogger("django.security.DisallowedHost")


def body_limit(environ: dict[str, Any]) -> int:
    """The most bytes a request body to this path, with this content type, may have."""
    limit: int = settings.KONTOR_MAX_BODY_BYTES
    content_type = environ.get("CONTENT_TYPE", "").lower()
    path = environ.get("PATH_INFO", "")
    is_upload_path = path.startswith(API_PREFIX) or UPLOAD_PAGES.match(path) is not None
    if is_upload_path and content_type.startswith("multipart/form-data"):
        limit += settings.KONTOR_MAX_UPLOAD_BYTES
    return limit


class RequestBodyLimit:
    """WSGI middleware: refuses bodies over `body_limit` before the application reads them."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        limit = body_limit(environ)
        declared = _declared_length(environ)
        if declared is not None:
            if declared > limit:
                return _too_large(environ, start_response, limit)
            return self.application(environ, start_response)
        if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.application(environ, start_response)
        if not environ.get("wsgi.input_terminated"):
            # The server would leave the end of the body to the application to find.
            return _refuse(
                environ, start_response, 411, "A Content-Length is required.", "length_required"
            )
        spool = _spool_body(environ["wsgi.input"], limit)
        if spool is None:
            return _too_large(environ, start_response, limit)
        # Django reads a body by its declared length: the spooled body gets one.
        environ["CONTENT_LENGTH"] = str(spool.tell())
        spool.seek(0)
        environ["wsgi.input"] = spool
        return _ClosingIterable(self.application(environ, start_response), spool)


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The Content-Length as Django reads it (`int()`, so " 12" and "1_2" count too)."""
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _spool_body(stream: IO[bytes], limit: int) -> IO[bytes] | None:
    """The whole body in a temporary file, or None (and the file gone) once it passes `limit`."""
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed with the response)
        max_size=SPOOL_MEMORY_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    while block := stream.read(SPOOL_BLOCK):
        size += len(block)
        if size > limit:
            spool.close()
            return None
        spool.write(block)
    return spool  # type: ignore[return-value]


class _ClosingIterable:
    """The application's response, which closes the spooled body when the server closes it."""

    def __init__(self, response: Iterable[bytes], spool: IO[bytes]) -> None:
        self.response = response
        self.spool = spool

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            close = getattr(self.response, "close", None)
            if close is not None:
                close()
        finally:
            self.spool.close()


def _too_large(environ: dict[str, Any], start_response: StartResponse, limit: int) -> list[bytes]:
    return _refuse(
        environ,
        start_response,
        413,
        f"The request body is larger than the limit of {limit} bytes.",
        "too_large",
    )


def _refuse(
    environ: dict[str, Any], start_response: StartResponse, status: int, detail: str, code: str
) -> list[bytes]:
    """An error answered without reading the body: JSON on the API, plain text elsewhere."""
    reason = {411: "Length Required", 413: "Content Too Large"}[status]
    if environ.get("PATH_INFO", "").startswith(API_PREFIX):
        body = json.dumps({"detail": detail, "code": code}).encode()
        content_type = "application/json"
    else:
        body = f"{detail}\n".encode()
        content_type = "text/plain; charset=utf-8"
    start_response(
        f"{status} {reason}",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


class AllowedHostMiddleware:
    """Answers 400 to a Host header outside ALLOWED_HOSTS on every path, static files included.

    Django checks the host only where something asks for it; asking first, before WhiteNoise
    and everything else, makes the rule hold for every response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.get_host()
        except DisallowedHost as error:
            # Logged where Django logs it, so alerting on bad hosts keeps working.
            security_log.error(str(error), extra={"status_code": 400, "request": request})
            detail = "This server does not serve that host name."
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": detail, "code": "bad_host"}, status=400)
            return HttpResponse(f"{detail}\n", status=400, content_type="text/plain")
        return self.get_response(request)
