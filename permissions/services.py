"""Users, groups and roles: administrator use cases, each atomic and audited."""

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from rest_framework import exceptions

from audit.services import RequestContext, record
from config.api import Conflict
from permissions.codes import group_principal, role_principal
from permissions.models import RoleAssignment


def _memberships_changed(principals: set[str]) -> None:
    """Reindex what members of these principals may view (search stores principal terms)."""
    from permissions.acl import documents_affected_by
    from search import documents_changed

    ids = documents_affected_by(principals)
    if ids:
        documents_changed(ids)


def _principals_held(user: User) -> set[str]:
    groups = {group_principal(name) for name in user.groups.values_list("name", flat=True)}
    roles = {
        role_principal(role)
        for role in RoleAssignment.objects.filter(user=user).values_list("role", flat=True)
    }
    return groups | roles


def _users_named(usernames: list[str]) -> list[User]:
    users = list(User.objects.filter(username__in=usernames))
    missing = sorted(set(usernames) - {user.username for user in users})
    if missing:
        raise exceptions.ValidationError(
            {"members": [f"Unknown users: {', '.join(missing)}."]}, code="does_not_exist"
        )
    return users


def _groups_named(names: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {group.name for group in groups})
    if missing:
        raise exceptions.ValidationError(
            {"groups": [f"Unknown groups: {', '.join(missing)}."]}, code="does_not_exist"
        )
    return groups


def _set_roles(user: User, roles: list[str]) -> None:
    RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in set(roles):
        RoleAssignment.objects.get_or_create(user=user, role=role)


def create_user(*, context: RequestContext, data: dict[str, Any]) -> User:
    with transaction.atomic():
        if User.objects.filter(username=data["username"]).exists():
            raise Conflict("A user with that username exists.", code="duplicate_username")
        if not data.get("password"):
            raise exceptions.ValidationError({"password": ["A password is required."]})
        user = User.objects.create_user(
            username=data["username"], password=data["password"], email=data.get("email", "")
        )
        user.groups.set(_groups_named(data.get("groups", [])))
        _set_roles(user, data.get("roles", []))
        _memberships_changed(_principals_held(user))
        record(
            context,
            "user.create",
            object_type="user",
            object_id=user.username,
            details={"groups": data.get("groups", []), "roles": data.get("roles", [])},
        )
    return user


def update_user(*, context: RequestContext, user: User, data: dict[str, Any]) -> User:
    with transaction.atomic():
        if "password" in data:
            user.set_password(data["password"])
        for name in ("email", "is_active"):
            if name in data:
                setattr(user, name, data[name])
        user.save()
        held_before = _principals_held(user)
        if "groups" in data:
            user.groups.set(_groups_named(data["groups"]))
        if "roles" in data:
            _set_roles(user, data["roles"])
        user._kontor_identity = None  # type: ignore[attr-defined]
        _memberships_changed(held_before ^ _principals_held(user))
        record(
            context,
            "user.update",
            object_type="user",
            object_id=user.username,
            details={key: value for key, value in data.items() if key != "password"},
        )
    return user


def create_group(*, context: RequestContext, name: str, members: list[str]) -> Group:
    with transaction.atomic():
        if Group.objects.filter(name=name).exists():
            raise Conflict("A group with that name exists.", code="duplicate_name")
        group = Group.objects.create(name=name)
        group.user_set.set(_users_named(members))
        _memberships_changed({group_principal(name)})
        record(
            context,
            "group.create",
            object_type="group",
            object_id=name,
            details={"members": members},
        )
    return group


def update_group(*, context: RequestContext, group: Group, members: list[str]) -> Group:
    with transaction.atomic():
        before = set(group.user_set.values_list("pk", flat=True))
        group.user_set.set(_users_named(members))
        if before != set(group.user_set.values_list("pk", flat=True)):
            _memberships_changed({group_principal(group.name)})
        record(
            context,
            "group.update",
            object_type="group",
            object_id=group.name,
            details={"members": members},
        )
    return group
