"""The OpenAPI schema says what the server does (the claims schemathesis found false).

`tests/test_contract.py` fuzzes every operation; these pin the individual claims.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.helpers import upload

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


@pytest.fixture
def spec(alice: APIClient) -> dict[str, Any]:
    response = alice.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(spec["paths"][f"/api/v1/{path}"][method])


def component(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    return dict(spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def success_schema(spec: dict[str, Any], method: str, path: str, code: str) -> Any:
    return operation(spec, method, path)["responses"][code]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "path",
    ["documents/", "folders/", "document-types/", "users/", "groups/", "holds/", "audit/events/"],
)
def test_paginated_lists_are_documented_as_pages(
    spec: dict[str, Any], alice: APIClient, admin: APIClient, path: str
) -> None:
    """A list that answers a page is documented as one, with its page parameters."""
    page = component(spec, success_schema(spec, "get", path, "200")["$ref"])
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    parameters = {p["name"] for p in operation(spec, "get", path)["parameters"]}
    assert {"page", "page_size"} <= parameters
    body = admin.get(f"/api/v1/{path}").json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_unpaginated_lists_stay_arrays(spec: dict[str, Any]) -> None:
    """Versions, links and duplicates answer a plain array, and say so."""
    for path in ("documents/{id}/versions/", "documents/{id}/links/", "documents/{id}/duplicates/"):
        assert success_schema(spec, "get", path, "200")["type"] == "array"


def test_a_document_without_type_is_documented(spec: dict[str, Any], alice: APIClient) -> None:
    """`document_type` is null for a document without one, and the schema allows it."""
    document = upload(alice).json()
    assert document["document_type"] is None
    schema = component(spec, success_schema(spec, "get", "documents/{id}/", "200")["$ref"])
    assert schema["properties"]["document_type"]["nullable"] is True


def test_lifting_a_hold_and_checking_in_are_documented_with_their_bodies(
    spec: dict[str, Any],
) -> None:
    """Both answer 200 with the hold or the document (clients read them), not an empty 204."""
    for path in ("holds/{id}/", "documents/{id}/lock/"):
        responses = operation(spec, "delete", path)["responses"]
        assert "204" not in responses
        assert "$ref" in responses["200"]["content"]["application/json"]["schema"]


def test_downloads_are_documented_as_any_type(spec: dict[str, Any]) -> None:
    """A download goes out with the file's own type."""
    content = operation(spec, "get", "documents/{id}/download/")["responses"]["200"]["content"]
    assert content == {"*/*": {"schema": {"type": "string", "format": "binary"}}}


def test_a_new_user_needs_a_password(spec: dict[str, Any], admin: APIClient) -> None:
    """The schema marks `password` required on creation; the server refuses a user without."""
    body = operation(spec, "post", "users/")["requestBody"]["content"]["application/json"]
    assert "password" in component(spec, body["schema"]["$ref"])["required"]
    assert admin.post("/api/v1/users/", {"username": "nopass"}, format="json").status_code == 400


def test_request_bodies_are_json_except_uploads(spec: dict[str, Any]) -> None:
    """API.md: JSON in, uploads multipart; no other body type is offered."""
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "requestBody" not in op:
                continue
            upload_path = path in (
                "/api/v1/documents/",
                "/api/v1/documents/{id}/versions/",
                "/api/v1/templates/",
                "/api/v1/templates/{id}/versions/",
            )
            expected = ["multipart/form-data"] if upload_path else ["application/json"]
            assert list(op["requestBody"]["content"]) == expected, (method, path)


def test_every_operation_documents_its_errors(spec: dict[str, Any]) -> None:
    """Each error status has the error body; 401 wherever a caller must authenticate."""
    error_ref = "#/components/schemas/Error"
    assert set(component(spec, error_ref)["required"]) == {"detail", "code"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            errors = {code: r for code, r in op["responses"].items() if int(code) >= 400}
            assert errors, (method, path)
            for response in errors.values():
                assert response["content"] == {"application/json": {"schema": {"$ref": error_ref}}}
            if op.get("security") != [{}]:
                assert "401" in errors, (method, path)
            if "requestBody" in op:
                assert {"400", "413", "415"} <= set(errors), (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)


def test_specific_errors_are_documented(spec: dict[str, Any]) -> None:
    for method, path, code in [
        ("post", "auth/token/", "401"),
        ("post", "auth/token/", "429"),
        ("post", "documents/", "409"),
        ("post", "documents/", "503"),
        ("delete", "documents/{id}/", "409"),
        ("post", "documents/{id}/lock/", "409"),
        ("delete", "holds/{id}/", "409"),
        ("get", "users/", "403"),
        ("get", "search/", "503"),
        ("post", "document-types/", "409"),
    ]:
        assert code in operation(spec, method, path)["responses"], (method, path, code)


def test_a_taken_document_type_slug_is_a_conflict(admin: APIClient) -> None:
    """Like a taken user, group or folder name: 409, not 400."""
    body = {"slug": "invoice", "name": "Invoice"}
    assert admin.post("/api/v1/document-types/", body, format="json").status_code == 201
    again = admin.post("/api/v1/document-types/", body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_slug"


@pytest.mark.parametrize("path", ["documents/", "search/", "audit/events/"])
def test_date_filters_take_any_iso_offset(admin: APIClient, path: str) -> None:
    """ISO 8601 offsets reach ±23:59 (PostgreSQL's stop at ±15:59); none is a 500."""
    name = "after" if path == "audit/events/" else "created_after"
    assert admin.get(f"/api/v1/{path}", {name: "2020-01-01T00:00:00+21:38"}).status_code == 200
    # Before year 1 once in UTC: no such moment.
    assert admin.get(f"/api/v1/{path}", {name: "0001-01-01T00:00:00+01:00"}).status_code == 400
