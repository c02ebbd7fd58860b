"""What the document pages' forms post, read into what the API's serializers take.

The pages validate with the API's own serializers (`repository.serializers`,
`permissions.serializers`), so a page accepts exactly what the API accepts.
"""

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from permissions.codes import Permission
from permissions.models import Effect

MAX_EDITOR_ROWS = 500


@dataclass(frozen=True)
class PermissionChoice:
    value: str
    label: str


PERMISSION_CHOICES = [PermissionChoice(value, str(label)) for value, label in Permission.choices]
EFFECT_CHOICES = [PermissionChoice(value, str(label)) for value, label in Effect.choices]


def upload_data(post: QueryDict, files: MultiValueDict[str, Any]) -> MultiValueDict[str, Any]:
    """The form fields and the file together, as DRF's multipart parser hands them to the API."""
    data: MultiValueDict[str, Any] = MultiValueDict()
    for key in post:
        if key != "csrfmiddlewaretoken":
            data.setlist(key, post.getlist(key))
    for key in files:
        data.setlist(key, files.getlist(key))
    return data


def acl_data(post: QueryDict) -> dict[str, Any]:
    """The ACL editor's rows as the body of `PUT .../acl/`.

    Each kept row is one entry; a row marked for removal, or left without permissions, is
    dropped. The row for a new entry counts once a principal is given.
    """
    entries: list[dict[str, Any]] = []
    try:
        count = min(int(post.get("entry-count", "0")), MAX_EDITOR_ROWS)
    except ValueError:
        count = 0
    for index in range(count):
        prefix = f"entry-{index}"
        principal = post.get(f"{prefix}-principal", "").strip()
        permissions = post.getlist(f"{prefix}-permissions")
        if not principal or post.get(f"{prefix}-remove") or not permissions:
            continue
        entries.append(
            {
                "principal": principal,
                "permissions": permissions,
                "effect": post.get(f"{prefix}-effect", Effect.ALLOW),
            }
        )
    principal = post.get("new-principal", "").strip()
    if principal:
        entries.append(
            {
                "principal": principal,
                "permissions": post.getlist("new-permissions"),
                "effect": post.get("new-effect", Effect.ALLOW),
            }
        )
    return {"inherit": bool(post.get("inherit")), "entries": entries}
