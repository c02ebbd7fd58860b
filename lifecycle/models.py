"""Approval routes and their runs.

A `Route` is a name and an owner; what it asks is in its `RouteVersion`s, immutable, one per
edit. A `RouteRun` pins one route version and one document version; each step of the run gives
one `ApprovalTask` to each of the step's approver principals, and each decision is a `SignOff`
bound to the version's SHA-256 and signed (`lifecycle.signatures`).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class StepMode(models.TextChoices):
    ALL = "all", "All approvers"
    ANY = "any", "Any approver"
    QUORUM = "quorum", "A quorum of approvers"


class Route(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    current_version = models.OneToOneField(
        "RouteVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"route {self.pk}"


class RouteVersion(models.Model):
    """One immutable definition of a route: its name and ordered steps.

    `steps` is a list of `{"name", "approvers": [principals], "mode", "quorum", "deadline_hours",
    "escalation": principal or None}` as validated by the route serializer; runs read it, nothing
    writes it after creation.
    """

    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    steps = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["route", "number"]
        constraints = [
            models.UniqueConstraint(fields=["route", "number"], name="unique_route_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETURNED = "returned", "Returned"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RouteRun(models.Model):
    """One pass of one document version along one route version."""

    document = models.ForeignKey(
        "repository.Document", on_delete=models.PROTECT, related_name="route_runs"
    )
    version = models.ForeignKey("repository.Version", on_delete=models.PROTECT, related_name="+")
    route_version = models.ForeignKey(RouteVersion, on_delete=models.PROTECT, related_name="runs")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    current_step = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One running run per document: a second submit meets this even if it raced past
            # the status check.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status="running"),
                name="one_running_run_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of document {self.document_id}"

    @property
    def is_running(self) -> bool:
        return self.status == RunStatus.RUNNING


class TaskStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"  # decided
    CLOSED = "closed", "Closed"  # its step or run ended without it


class ApprovalTask(models.Model):
    """A step's request to one approver principal; a group's or role's task is open to each
    member, and in `quorum` mode stays open until the quorum is reached."""

    run = models.ForeignKey(RouteRun, on_delete=models.CASCADE, related_name="tasks")
    step = models.PositiveIntegerField()
    principal = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    # Set by the step that creates the task, with `due_at` counted from the same moment.
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The username of the approver this task stands in for: it reached them while they were
    # away, and went to their substitute (`Absence`). Empty for a task that is the principal's own.
    on_behalf_of = models.CharField(max_length=150, blank=True)
    # Set once by the `escalate` job: the reminder before the deadline, and the deadline passed.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "step", "id"]
        indexes = [
            # The inbox: pending tasks of a user's principals, newest first.
            models.Index(fields=["principal", "status", "-created_at"], name="task_inbox_idx"),
            # The `escalate` job: pending tasks with a deadline, soonest first.
            models.Index(fields=["status", "due_at"], name="task_due_idx"),
        ]

    def __str__(self) -> str:
        return f"task {self.pk} for {self.principal}"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    RETURN = "return", "Return"


class SignOff(models.Model):
    """A decision, bound to the exact bytes decided on (`sha256`) and signed over its fields.

    `actor_username` is kept as it was signed, so renaming a user later does not break the
    signature's check.
    """

    run = models.ForeignKey(RouteRun, on_delete=models.CASCADE, related_name="sign_offs")
    task = models.ForeignKey(ApprovalTask, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150)
    # The absent approver the actor decided for, as their username (signed with the rest).
    on_behalf_of = models.CharField(max_length=150, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)
    decided_at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["run", "step", "decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "step", "actor"], name="one_decision_per_step_and_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} by {self.actor_username} on run {self.run_id}"


class Absence(models.Model):
    """A user's out of office: from `starts` until `ends`, tasks that reach them go to
    `substitute` instead (`lifecycle.services.absences`). One setting per user; ending it
    removes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absence"
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(substitute=models.F("user")), name="absence_substitute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"absence of user {self.user_id}"

    def covers(self, moment: datetime) -> bool:
        return self.starts <= moment < self.ends


class Journal(models.Model):
    """A registration journal (incoming, outgoing, internal...): numbers run gapless per
    journal and year, rendered by `format` from `{code}`, `{year}` and `{number}`."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    format = models.CharField(max_length=100, default="{code}-{year}-{number:06d}")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class JournalCounter(models.Model):
    """The last number given in a journal's year; its row is locked while one is given, in
    the registration's transaction, so a rollback gives the number back."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journal", "year"], name="one_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.journal_id} {self.year}: {self.last_number}"


class Registration(models.Model):
    """A document's entry in a journal: at most one per journal and document."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="registrations")
    document = models.ForeignKey(
        "repository.Document", on_delete=models.PROTECT, related_name="registrations"
    )
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=64, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "document"], name="one_registration_per_journal"
            ),
            models.UniqueConstraint(
                fields=["journal", "year", "sequence"], name="one_number_per_journal_year"
            ),
        ]

    def __str__(self) -> str:
        return self.number
