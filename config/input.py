"""The request boundary: no NUL character or unpaired surrogate gets past it (core.text).

The API's parsers check every JSON body, form and multipart field before a view sees it, and a
middleware checks the path and query string of every request, so a new endpoint is covered
without doing anything. The services that write text check again (`require_valid_text`), for
text that arrives inside a value, such as the JSON string of a multipart `metadata` field.
"""

from collections.abc import Callable
from itertools import chain
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.text import InvalidText, TextProblem, find_problem


def _form_values(data: MultiValueDict[str, Any]) -> dict[str, Any]:
    """A form's fields, repeated ones as lists, so each value is checked under its name."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


def _refuse_invalid(value: Any) -> None:
    problem = find_problem(value, "")
    if problem is not None:
        raise InvalidText(problem)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        _refuse_invalid(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_invalid(_form_values(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Field names and values are checked; Django already drops unprintable characters from
    file names (and Kontor keeps only the last path component of what remains)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        try:
            _refuse_invalid(_form_values(parsed.data))
            _refuse_invalid(_form_values(parsed.files))
        except InvalidText:
            # Refused before the view holds them: close the files here, which also removes a
            # large upload's staged copy from the store.
            for upload in chain.from_iterable(files for _name, files in parsed.files.lists()):
                upload.close()
            raise
        return parsed


def _location_problem(request: HttpRequest) -> TextProblem | None:
    problem = find_problem(request.path, "path")
    if problem is None:
        problem = find_problem(_form_values(request.GET), "")
    return problem


class TextInputMiddleware:
    """400 `invalid_text` for a path or query parameter holding a NUL or unpaired surrogate.

    Invalid UTF-8 in a URL never becomes a surrogate (Django keeps it percent-encoded or
    replaces it), so in practice this refuses `%00`, which PostgreSQL cannot compare with.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = _location_problem(request)
        if problem is None:
            return self.get_response(request)
        body = {
            "detail": f"{problem.field}: {problem.message}",
            "code": problem.code,
            "field": problem.field,
            "errors": {problem.field: [problem.message]},
        }
        return JsonResponse(body, status=400)
