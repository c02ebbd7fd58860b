"""The OpenAPI schema documents the errors each operation answers, not only its success.

Errors that follow from an operation's shape are added here, so no view can forget them:
401 where a caller must authenticate, 403 on unsafe methods open to session callers (CSRF),
400 where a body or query parameters are read, 404 where a path names an object or a page
is asked for, 413 and 415 where a body is read. A view declares the others it answers
(`core.api.error_responses`): 403 of a refused read, 409, 422, 429, 503.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication

from core.api import ERROR_MEANINGS, ErrorSerializer

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.implied_errors(operation):
            responses.setdefault(str(code), self.error_response(code))
        for code, response in responses.items():
            json_body = response.get("content", {}).get("application/json")
            if code.isdigit() and int(code) >= 400 and json_body:
                # Errors are JSON whatever the success answers (a file, CSV).
                response["content"] = {"application/json": json_body}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def implied_errors(self, operation: dict[str, Any]) -> set[int]:
        authenticators = self.view.get_authenticators()
        parameters = operation.get("parameters", [])
        # DRF's pagination refuses no `page_size` (it falls back), and a bad `page` is a 404.
        page_parameters = {parameter["name"] for parameter in self._get_pagination_parameters()}
        has_body = "requestBody" in operation
        codes = set()
        if authenticators:
            codes.add(401)
        if self.method in UNSAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        ):
            codes.add(403)
        if has_body:
            codes |= {400, 413, 415}
        if any(p["in"] == "query" and p["name"] not in page_parameters for p in parameters):
            codes.add(400)
        if page_parameters or any(p["in"] == "path" for p in parameters):
            codes.add(404)
        return codes

    def error_response(self, code: int) -> dict[str, Any]:
        response = OpenApiResponse(ErrorSerializer, description=ERROR_MEANINGS[code])
        return dict(self._get_response_for_code(response, str(code), ["application/json"]))
