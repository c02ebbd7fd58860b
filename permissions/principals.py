"""Who a user is, as principal strings, and whether they hold a role."""

from collections.abc import Iterable
from typing import Any

from permissions import generation
from permissions.codes import EVERYONE, group_principal, role_principal, user_principal
from permissions.models import Role, RoleAssignment


def principal_list(username: str, groups: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The principal strings of a user with these groups and roles."""
    return [
        user_principal(username),
        *(group_principal(name) for name in groups),
        *(role_principal(name) for name in roles),
        EVERYONE,
    ]


def _identity(user: Any) -> tuple[list[str], list[str]]:
    """(roles, principals) of a user, from the cache while the generation token stands."""

    def compute() -> tuple[list[str], list[str]]:
        roles = sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        groups = user.groups.values_list("name", flat=True)
        return roles, principal_list(user.get_username(), groups, roles)

    cached = getattr(user, "_kontor_identity", None)  # one request, one answer
    if cached is None:
        cached = generation.cached(("identity", user.pk, user.get_username()), compute)
        user._kontor_identity = cached
    return cached  # type: ignore[no-any-return]


def roles_of(user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(_identity(user)[0])


def is_admin(user: Any) -> bool:
    """Superusers and holders of `role:admin` administer everything."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or Role.ADMIN in roles_of(user)


def has_role(user: Any, role: str) -> bool:
    return is_admin(user) or role in roles_of(user)


def principals_of(user: Any) -> list[str]:
    """Every principal string that applies to the user: self, groups, roles, everyone."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(_identity(user)[1])
