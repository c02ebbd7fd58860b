"""API tokens are cached with their users; every change to either is seen on the next request."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _token(username: str, password: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def test_a_deleted_token_is_refused_at_once(users: dict[str, User]) -> None:
    client = _client(_token("bob", "bob-pass-1"))
    assert client.get("/api/v1/users/me/").json()["username"] == "bob"
    assert client.get("/api/v1/users/me/").status_code == 200  # now from the cache
    Token.objects.filter(user=users["bob"]).delete()
    assert client.get("/api/v1/users/me/").status_code == 401


def test_a_deactivated_user_is_refused_and_renamed_user_seen(users: dict[str, User]) -> None:
    client = _client(_token("bob", "bob-pass-1"))
    assert client.get("/api/v1/users/me/").status_code == 200
    User.objects.filter(pk=users["bob"].pk).update(email="robert@example.com")
    assert client.get("/api/v1/users/me/").json()["email"] == "robert@example.com"
    User.objects.filter(pk=users["bob"].pk).update(is_active=False)
    response = client.get("/api/v1/users/me/")
    assert response.status_code == 401, response.content


def test_an_unknown_token_is_refused(users: dict[str, User]) -> None:
    assert _client("0" * 40).get("/api/v1/users/me/").status_code == 401
