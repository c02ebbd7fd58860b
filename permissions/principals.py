"""Who a user is, as principal strings, and whether they hold a role."""

from typing import Any

from permissions.codes import EVERYONE, group_principal, role_principal, user_principal
from permissions.models import Role, RoleAssignment


def roles_of(user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_kontor_roles", None)
    if cached is None:
        cached = sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        user._kontor_roles = cached
    return list(cached)


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
    # Cached on the user object, which lives for one request (as `roles_of` does).
    cached = getattr(user, "_kontor_principals", None)
    if cached is None:
        groups = user.groups.values_list("name", flat=True)
        cached = [
            user_principal(user.get_username()),
            *(group_principal(name) for name in groups),
            *(role_principal(name) for name in roles_of(user)),
            EVERYONE,
        ]
        user._kontor_principals = cached
    return list(cached)
