"""Permission codes and principal strings: the vocabulary of every ACL decision."""

from django.db import models


class Permission(models.TextChoices):
    VIEW = "view", "View"
    DOWNLOAD = "download", "Download"
    EDIT = "edit", "Edit"
    DELETE = "delete", "Delete"
    APPROVE = "approve", "Approve"
    MANAGE_ACL = "manage_acl", "Manage ACL"


EVERYONE = "everyone"


def user_principal(username: str) -> str:
    return f"user:{username}"


def group_principal(name: str) -> str:
    return f"group:{name}"


def role_principal(name: str) -> str:
    return f"role:{name}"
