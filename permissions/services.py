"""Users, groups and roles: administrator use cases, each atomic and audited.

None of them touches the search index: it stores terms per principal, and a search asks with
the principals its user holds at that moment (`permissions.index_terms`).
"""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from audit.record import RequestContext, record
from core.errors import Conflict, Forbidden, Invalid
from permissions.access import require_admin
from permissions.models import Role, RoleAssignment

RESERVED_USERNAMES = frozenset({"me"})  # `/users/me/` names the caller


def _users_named(usernames: list[str]) -> list[User]:
    users = list(User.objects.filter(username__in=usernames))
    missing = sorted(set(usernames) - {user.username for user in users})
    if missing:
        raise Invalid({"members": [f"Unknown users: {', '.join(missing)}."]}, code="does_not_exist")
    return users


def _groups_named(names: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {group.name for group in groups})
    if missing:
        raise Invalid({"groups": [f"Unknown groups: {', '.join(missing)}."]}, code="does_not_exist")
    return groups


def _set_roles(user: User, roles: list[str]) -> None:
    RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in set(roles):
        RoleAssignment.objects.get_or_create(user=user, role=role)


def reject_reserved_username(username: str) -> None:
    if username.casefold() in RESERVED_USERNAMES:
        raise Invalid({"username": [f"'{username}' is reserved."]}, code="reserved_username")


def _validate_password(password: str, user: User) -> None:
    """Django's validators (`AUTH_PASSWORD_VALIDATORS`); the 400 names the rule broken."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as error:
        first_code = error.error_list[0].code or "invalid"
        raise Invalid({"password": error.messages}, code=first_code) from error


def create_user(*, context: RequestContext, data: dict[str, Any]) -> User:
    _require_admin(context)
    reject_reserved_username(data["username"])
    with transaction.atomic():
        if User.objects.filter(username=data["username"]).exists():
            raise Conflict("A user with that username exists.", code="duplicate_username")
        if not data.get("password"):
            raise Invalid({"password": ["A password is required."]})
        user = User(username=data["username"], email=data.get("email", ""))
        _validate_password(data["password"], user)
        user.set_password(data["password"])
        user.save()
        user.groups.set(_groups_named(data.get("groups", [])))
        _set_roles(user, data.get("roles", []))
        record(
            context,
            "user.create",
            object_type="user",
            object_id=user.username,
            details={"groups": data.get("groups", []), "roles": data.get("roles", [])},
        )
    return user


def _require_admin(context: RequestContext) -> None:
    """Administrators only. A system context (no user: a management command) is the process
    itself, as in `_keep_administrators`."""
    if context.user is not None:
        require_admin(context.user)


def _active_administrators() -> "QuerySet[User]":
    """Users `principals.is_admin` holds for, as a query: superusers and `role:admin`."""
    holders = RoleAssignment.objects.filter(role=Role.ADMIN).values("user_id")
    return User.objects.filter(Q(is_superuser=True) | Q(pk__in=holders), is_active=True)


def _lock_for_update(user: User, data: dict[str, Any]) -> User:
    """The user's row, locked; with every active administrator's row too (in one order) when
    the change may take administration away, so that two such changes run one after the other."""
    rows = User.objects.filter(pk=user.pk)
    if "is_active" in data or "roles" in data:
        rows = User.objects.filter(Q(pk=user.pk) | Q(pk__in=_active_administrators()))
    list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    # Read again after the locks: a change committed while waiting is seen by a new statement.
    return User.objects.get(pk=user.pk)


def _keep_administrators(actor: Any, user: User, data: dict[str, Any]) -> None:
    """An administrator does not deactivate or demote themselves, and the last active
    administrator stays one (409), whoever asks. Called under `_lock_for_update`'s locks."""
    if "is_active" not in data and "roles" not in data:
        return
    administrators = set(_active_administrators().values_list("pk", flat=True))
    if isinstance(actor, User) and actor.pk not in administrators:
        # Demoted while this request waited for the locks.
        raise Forbidden("Administrators only.", code="admin_only")
    if user.pk not in administrators:
        return
    held = RoleAssignment.objects.filter(user=user).values_list("role", flat=True)
    roles = data.get("roles", held)
    stays = data.get("is_active", True) and (user.is_superuser or Role.ADMIN in roles)
    if stays:
        return
    if getattr(actor, "pk", None) == user.pk:
        raise Conflict(
            "Administrators cannot deactivate or demote themselves.", code="own_administration"
        )
    if not administrators - {user.pk}:
        raise Conflict("The last active administrator stays one.", code="last_administrator")


def _end_sessions(user: User) -> None:
    """Delete the user's web sessions. Django already refuses them after a password change or
    a deactivation; deleting them keeps them from coming back when the user is reactivated."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store, DatabaseSessionStore):
        return  # sessions not in the database cannot be listed; Django's refusal stands
    live = Session.objects.filter(expire_date__gt=timezone.now()).iterator()
    for session in live:
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()


def _revoke_credentials(user: User) -> None:
    """The user's API token and web sessions stop working at once."""
    Token.objects.filter(user=user).delete()
    _end_sessions(user)


def revoke_token(*, context: RequestContext, user: User) -> None:
    """The caller's own API token (`DELETE /auth/token/`)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        record(context, "logout", object_type="user", object_id=user.username)


def update_user(*, context: RequestContext, user: User, data: dict[str, Any]) -> User:
    _require_admin(context)
    with transaction.atomic():
        user = _lock_for_update(user, data)
        _keep_administrators(context.user, user, data)
        for name in ("email", "is_active"):
            if name in data:
                setattr(user, name, data[name])
        if "password" in data:
            _validate_password(data["password"], user)
            user.set_password(data["password"])
        user.save()
        revoked = "password" in data or data.get("is_active") is False
        if revoked:
            _revoke_credentials(user)
        if "groups" in data:
            user.groups.set(_groups_named(data["groups"]))
        if "roles" in data:
            _set_roles(user, data["roles"])
        user._kontor_identity = None  # type: ignore[attr-defined]
        details = {key: value for key, value in data.items() if key != "password"}
        if revoked:
            details["credentials_revoked"] = True
        record(context, "user.update", object_type="user", object_id=user.username, details=details)
    return user


def create_group(*, context: RequestContext, name: str, members: list[str]) -> Group:
    _require_admin(context)
    with transaction.atomic():
        if Group.objects.filter(name=name).exists():
            raise Conflict("A group with that name exists.", code="duplicate_name")
        group = Group.objects.create(name=name)
        group.user_set.set(_users_named(members))
        record(
            context,
            "group.create",
            object_type="group",
            object_id=name,
            details={"members": members},
        )
    return group


def update_group(*, context: RequestContext, group: Group, members: list[str] | None) -> Group:
    """Set the group's members (`None` leaves them as they are)."""
    _require_admin(context)
    with transaction.atomic():
        if members is not None:
            group.user_set.set(_users_named(members))
        record(
            context,
            "group.update",
            object_type="group",
            object_id=group.name,
            details={} if members is None else {"members": members},
        )
    return group
