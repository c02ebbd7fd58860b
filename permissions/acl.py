"""ACL use cases: read and replace the ACL of a folder or a document, explain a user's
permissions. Each checks `manage_acl` itself (owner rights: administrators only); changes are
atomic and audited."""

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction

from audit.record import RequestContext, record
from core.errors import Forbidden, Invalid
from permissions import tree
from permissions.access import get_document, get_folder
from permissions.codes import EVERYONE, Permission
from permissions.explain import explain
from permissions.models import AccessControlEntry, AccessControlList, Role, RoleAssignment
from permissions.principals import is_admin
from repository.models import Document
from repository.outbox import documents_changed


def _key(target: Any) -> str:
    return "document" if isinstance(target, Document) else "folder"


def require_manage_acl(user: Any, target: Any) -> None:
    """`manage_acl` on the target (404 when out of sight, 403 without it; refusals recorded)."""
    if isinstance(target, Document):
        get_document(user, target.pk, Permission.MANAGE_ACL)
    else:
        get_folder(user, target.pk, permission=Permission.MANAGE_ACL)


def acl_of(*, actor: Any, target: Any) -> dict[str, Any]:
    """The target's ACL, for one who may manage it."""
    require_manage_acl(actor, target)
    return read_acl(target)


def effective_permissions(*, actor: Any, document: Document, username: str) -> dict[str, Any]:
    """What `username` may do with the document, and why. The caller's own need only sight of
    the document; another user's need `manage_acl` on it."""
    get_document(actor, document.pk)
    if username != actor.get_username():
        get_document(actor, document.pk, Permission.MANAGE_ACL)
    subject = User.objects.filter(username=username).first()
    if subject is None:
        raise Invalid({"principal": [f"Unknown principal user:{username}."]}, code="does_not_exist")
    return explain(subject, document)


def read_acl(target: Any) -> dict[str, Any]:
    """`{"inherit", "owner_rights", "entries": [{"principal", "permissions", "effect"}]}`."""
    key = _key(target)
    acl = AccessControlList.objects.filter(**{key: target}).first()
    grouped: dict[tuple[str, str], list[str]] = {}
    for entry in AccessControlEntry.objects.filter(**{key: target}).order_by("id"):
        grouped.setdefault((entry.principal, entry.effect), []).append(entry.permission)
    return {
        "inherit": acl.inherit if acl else True,
        "owner_rights": acl.owner_rights if acl else True,
        "entries": [
            {"principal": principal, "permissions": permissions, "effect": effect}
            for (principal, effect), permissions in grouped.items()
        ],
    }


def unknown_principals(principals: set[str]) -> list[str]:
    """Principals that name no existing user, group or role."""
    wanted: dict[str, set[str]] = {"user": set(), "group": set(), "role": set()}
    unknown: list[str] = []
    for principal in principals:
        kind, _, name = principal.partition(":")
        if principal == EVERYONE:
            continue
        if kind in wanted and name:
            wanted[kind].add(name)
        else:
            unknown.append(principal)
    users = set(User.objects.filter(username__in=wanted["user"]).values_list("username", flat=True))
    groups = set(Group.objects.filter(name__in=wanted["group"]).values_list("name", flat=True))
    roles = set(Role.values) | set(
        RoleAssignment.objects.filter(role__in=wanted["role"]).values_list("role", flat=True)
    )
    unknown += [f"user:{name}" for name in wanted["user"] - users]
    unknown += [f"group:{name}" for name in wanted["group"] - groups]
    unknown += [f"role:{name}" for name in wanted["role"] - roles]
    return sorted(unknown)


def set_acl(
    *,
    context: RequestContext,
    target: Any,
    inherit: bool,
    entries: list[dict[str, Any]],
    owner_rights: bool | None = None,
) -> dict[str, Any]:
    """Replace the target's ACL (`manage_acl` on it); owner rights are admin-only."""
    require_manage_acl(context.user, target)
    key = _key(target)
    unknown = unknown_principals({entry["principal"] for entry in entries})
    if unknown:
        raise Invalid(
            {"entries": [f"Unknown principals: {', '.join(unknown)}."]}, code="unknown_principal"
        )
    with transaction.atomic():
        before = read_acl(target)
        changes_owner_rights = owner_rights is not None and owner_rights != before["owner_rights"]
        if changes_owner_rights and not is_admin(context.user):
            raise Forbidden(
                "Only an administrator may change the owner's rights.", code="admin_only"
            )
        acl, _ = AccessControlList.objects.get_or_create(**{key: target})
        acl.inherit = inherit
        if owner_rights is not None:
            acl.owner_rights = owner_rights
        acl.updated_by = context.user
        acl.save()
        AccessControlEntry.objects.filter(**{key: target}).delete()
        rows = {
            (entry["principal"], permission, entry["effect"])
            for entry in entries
            for permission in entry["permissions"]
        }
        AccessControlEntry.objects.bulk_create(
            AccessControlEntry(
                principal=principal, permission=permission, effect=effect, **{key: target}
            )
            for principal, permission, effect in sorted(rows)
        )
        after = read_acl(target)
        if key == "folder" and before["inherit"] != inherit:
            tree.folder_inheritance_changed(target)
        record(
            context,
            f"{key}.acl_change",
            object_type=key,
            object_id=target.pk,
            details={"before": before, "after": after},
        )
        _notify_search(key, target)
    return after


def _notify_search(key: str, target: Any) -> None:
    if key == "document":
        documents_changed([target.pk])
    else:
        documents_changed(list(tree.documents_below(target.pk)))
