"""Token authentication with the token's user taken from the generation cache.

DRF's `TokenAuthentication` reads the token and its user on every request. Token rows and users
both renew the ACL generation token (`permissions.generation`), so the pair can be kept until
the next write to either: a deleted token or a deactivated user is refused on the next request.
Each request gets its own fresh model instances built from the kept column values. A login only
writes `last_login`, which renews nothing, so the kept `last_login` may be older.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from permissions import generation

Columns = tuple[tuple[str, ...], tuple[Any, ...]]


def _columns(instance: models.Model) -> Columns:
    names = tuple(field.attname for field in instance._meta.concrete_fields)
    return names, tuple(getattr(instance, name) for name in names)


def _lookup(model: Any, key: str) -> tuple[Columns, Columns] | None:
    token = model.objects.select_related("user").filter(key=key).first()
    return None if token is None else (_columns(token), _columns(token.user))


def _instance(model: Any, columns: Columns) -> Any:
    names, values = columns
    return model.from_db(router.db_for_read(model), list(names), list(values))


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        found = generation.cached(("api-token", key), lambda: _lookup(model, key))
        if found is None:  # an unknown key is not cached (generation.cached keeps no None)
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token_columns, user_columns = found
        user = _instance(get_user_model(), user_columns)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = _instance(model, token_columns)
        token.user = user
        return user, token
