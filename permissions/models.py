"""Roles and ACLs: who may do what to which folder or document, stored as data.

`AccessControlList` holds the per-object switches (`inherit`, `owner_rights`);
`AccessControlEntry` one (principal, permission, effect) on a folder or a document;
`FolderAncestor` is the folder tree's closure table, so "every folder above this one" is a join,
never a walk up the tree in Python.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from permissions.codes import Permission


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    RECORDS_MANAGER = "records_manager", "Records manager"


class RoleAssignment(models.Model):
    """A role held by a user; principals `role:<name>` in ACL entries refer to these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_user_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class Effect(models.TextChoices):
    ALLOW = "allow", "Allow"
    DENY = "deny", "Deny"


_ONE_TARGET = Q(folder__isnull=False, document__isnull=True) | Q(
    folder__isnull=True, document__isnull=False
)


class AccessControlList(models.Model):
    """The switches of one object's ACL; an object without a row inherits, owner rights on."""

    folder = models.OneToOneField(
        "repository.Folder", null=True, blank=True, on_delete=models.CASCADE, related_name="acl"
    )
    document = models.OneToOneField(
        "repository.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="acl"
    )
    inherit = models.BooleanField(default=True)
    owner_rights = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_TARGET, name="acl_one_target")]

    def __str__(self) -> str:
        target = f"folder:{self.folder_id}" if self.folder_id else f"document:{self.document_id}"
        return f"ACL of {target}"


class AccessControlEntry(models.Model):
    """One permission allowed or denied to one principal on a folder or a document."""

    folder = models.ForeignKey(
        "repository.Folder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acl_entries",
    )
    document = models.ForeignKey(
        "repository.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acl_entries",
    )
    principal = models.CharField(max_length=200)
    permission = models.CharField(max_length=32, choices=Permission.choices)
    effect = models.CharField(max_length=8, choices=Effect.choices)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["permission", "principal", "folder"], name="ace_folder_lookup"),
            models.Index(fields=["permission", "principal", "document"], name="ace_doc_lookup"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="ace_one_target"),
            models.UniqueConstraint(
                fields=["folder", "principal", "permission", "effect"],
                condition=Q(folder__isnull=False),
                name="unique_folder_ace",
            ),
            models.UniqueConstraint(
                fields=["document", "principal", "permission", "effect"],
                condition=Q(document__isnull=False),
                name="unique_document_ace",
            ),
        ]

    def __str__(self) -> str:
        target = f"folder:{self.folder_id}" if self.folder_id else f"document:{self.document_id}"
        return f"{self.effect} {self.permission} to {self.principal} on {target}"


class FolderAncestor(models.Model):
    """Closure of the folder tree: `ancestor` is `depth` levels above `folder` (0 = itself).

    `is_inherited` says whether entries on `ancestor` reach `folder`: false when a folder on the
    way up (from `folder` inclusive to `ancestor` exclusive) has `inherit: false`.
    """

    folder = models.ForeignKey(
        "repository.Folder", on_delete=models.CASCADE, related_name="ancestor_links"
    )
    ancestor = models.ForeignKey(
        "repository.Folder", on_delete=models.CASCADE, related_name="descendant_links"
    )
    depth = models.PositiveIntegerField()
    is_inherited = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["folder", "ancestor"], name="unique_folder_ancestor"),
        ]
        indexes = [
            models.Index(fields=["ancestor", "is_inherited", "folder"], name="closure_down"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} is {self.depth} above {self.folder_id}"


class AclGeneration(models.Model):
    """One row whose token changes, by database trigger, with every write to what grants,
    principals and API tokens depend on (`permissions.generation.TABLES`, `TOKEN_TRIGGERS`).

    The selectors cache what a set of principals is granted under the token they read first
    (`permissions.generation`); a new token, never reused, makes every cached answer stale.
    """

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.token)


class LoginThrottle(models.Model):
    """Sign-in attempts counted under one key (an account, an address, or the two together)
    in the current window, and the end of its cool-down (`permissions.login`).

    `key` is a digest, so any username fits; a row past `expires_at` counts nothing and is
    pruned.
    """

    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.attempts} attempts under {self.key[:12]}"


class ReviewGrant(models.Model):
    """View and download of one document version, held by an approver principal of a running
    route step (`permissions.review`).

    The lifecycle writes these rows when a step starts and removes them when it ends, in the
    same transaction; the permission rule reads them as the `route` grant source, so the rule
    needs nothing from the lifecycle itself. `run_id` is the lifecycle's run, kept as a plain
    number: this layer knows no runs.
    """

    document = models.ForeignKey(
        "repository.Document", on_delete=models.CASCADE, related_name="review_grants"
    )
    version = models.ForeignKey("repository.Version", on_delete=models.CASCADE, related_name="+")
    principal = models.CharField(max_length=200)
    run_id = models.BigIntegerField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["principal", "document"], name="review_grant_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["run_id", "principal"], name="unique_review_grant_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal} reviews document {self.document_id} (run {self.run_id})"
