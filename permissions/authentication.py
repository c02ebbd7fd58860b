"""Token authentication with the token's user taken from the generation cache.

DRF's `TokenAuthentication` reads the token and its user on every request. Token rows and users
both renew the ACL generation token (`permissions.generation`), so the pair can be kept until
the next write to either: a deleted token or a deactivated user is refused on the next request.
Each request gets its own fresh model instances built from the kept column values.
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import models, router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from permissions import generation

Columns = tuple[tuple[str, ...], tuple[Any, ...]]


def _columns(instance: models.Model) -> Columns:
    names = tuple(field.attname for field in instance._meta.concrete_fields)
    return names, tuple(getattr(instance, name) for name in names)


def _lookup(key: str) -> tuple[Columns, Columns] | None:
    token = Token.objects.select_related("user").filter(key=key).first()
    return None if token is None else (_columns(token), _columns(token.user))


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = generation.cached(("api-token", key), lambda: _lookup(key))
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        (token_names, token_values), (user_names, user_values) = found
        user = User.from_db(router.db_for_read(User), list(user_names), list(user_values))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(router.db_for_read(Token), list(token_names), list(token_values))
        token.user = user
        return user, token
