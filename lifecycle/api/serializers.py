from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from lifecycle.api.steps import NAME_PATTERN, PRINCIPAL_PATTERN, StepField, name_field
from lifecycle.models import (
    ApprovalTask,
    Decision,
    Route,
    RouteRun,
    RouteVersion,
    SignOff,
    StepMode,
)
from lifecycle.services.inbox import is_overdue

MAX_COMMENT = 10_000
MAX_STEPS = 50


class StepSerializer(serializers.Serializer[Any]):
    """A step as the server answers it."""

    name = serializers.CharField()
    approvers = serializers.ListField(child=serializers.CharField())
    mode = serializers.ChoiceField(choices=StepMode.choices)
    quorum = serializers.IntegerField(allow_null=True)
    deadline_hours = serializers.IntegerField(allow_null=True)
    escalation = serializers.CharField(allow_null=True)


class RouteWriteSerializer(serializers.Serializer[Any]):
    name = name_field()
    steps = serializers.ListField(child=StepField(), min_length=1, max_length=MAX_STEPS)


class RouteVersionSerializer(serializers.ModelSerializer[RouteVersion]):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    steps = serializers.ListField(child=StepSerializer(), read_only=True)

    class Meta:
        model = RouteVersion
        fields = ["number", "name", "steps", "created_by", "created_at"]
        read_only_fields = fields


class RouteSerializer(serializers.ModelSerializer[Route]):
    owner = serializers.CharField(source="owner.username", read_only=True)
    name = serializers.CharField(source="current_version.name", read_only=True)
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    steps = serializers.ListField(
        source="current_version.steps", child=StepSerializer(), read_only=True
    )
    updated_at = serializers.DateTimeField(source="current_version.created_at", read_only=True)

    class Meta:
        model = Route
        fields = ["id", "name", "owner", "version", "steps", "created_at", "updated_at"]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer[Any]):
    route = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class DecideSerializer(serializers.Serializer[Any]):
    """What the view reads; the service requires the comment of a reject or a return."""

    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(
        max_length=MAX_COMMENT,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="Required to reject or return.",
    )


class _ApproveSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[Decision.APPROVE.value])
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True)


class _CommentedSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[Decision.REJECT.value, Decision.RETURN.value])
    comment = serializers.RegexField(
        NAME_PATTERN,
        trim_whitespace=False,
        max_length=MAX_COMMENT,
        help_text="Why: required, with something more than spaces.",
    )


# The schema of a decision: a reject or a return carries a comment, an approval may.
DECISION_SCHEMA = PolymorphicProxySerializer(
    component_name="Decision",
    serializers={
        Decision.APPROVE.value: _ApproveSerializer,
        Decision.REJECT.value: _CommentedSerializer,
        Decision.RETURN.value: _CommentedSerializer,
    },
    resource_type_field_name="decision",
)


class ReassignSerializer(serializers.Serializer[Any]):
    to = serializers.RegexField(
        PRINCIPAL_PATTERN, max_length=200, help_text="The principal the task goes to."
    )


class SignOffSerializer(serializers.ModelSerializer[SignOff]):
    actor = serializers.CharField(source="actor_username", read_only=True)
    task = serializers.IntegerField(source="task_id", read_only=True)

    class Meta:
        model = SignOff
        fields = [
            "id",
            "task",
            "step",
            "actor",
            "on_behalf_of",
            "decision",
            "comment",
            "sha256",
            "decided_at",
            "signature",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[ApprovalTask]):
    class Meta:
        model = ApprovalTask
        fields = [
            "id",
            "step",
            "principal",
            "on_behalf_of",
            "status",
            "created_at",
            "due_at",
            "reminded_at",
            "overdue_at",
            "closed_at",
        ]
        read_only_fields = fields


class RunStepSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=StepMode.choices)
    quorum = serializers.IntegerField(allow_null=True)
    deadline_hours = serializers.IntegerField(allow_null=True)
    escalation = serializers.CharField(allow_null=True)
    approvers = serializers.ListField(child=serializers.CharField())
    state = serializers.ChoiceField(choices=["waiting", "active", "done", "stopped"])
    tasks = TaskSerializer(many=True)
    decisions = SignOffSerializer(many=True)


class RunVersionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    sha256 = serializers.CharField()


class RouteRunSerializer(serializers.ModelSerializer[RouteRun]):
    """A run with its steps, each with its tasks and signed decisions."""

    route = serializers.IntegerField(source="route_version.route_id", read_only=True)
    route_version = serializers.IntegerField(source="route_version.number", read_only=True)
    route_name = serializers.CharField(source="route_version.name", read_only=True)
    version = RunVersionSerializer(read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = RouteRun
        fields = [
            "id",
            "document",
            "version",
            "route",
            "route_version",
            "route_name",
            "status",
            "current_step",
            "submitted_by",
            "started_at",
            "finished_at",
            "steps",
        ]
        read_only_fields = fields

    @extend_schema_field(RunStepSerializer(many=True))
    def get_steps(self, run: RouteRun) -> list[dict[str, Any]]:
        tasks = list(run.tasks.all())
        sign_offs = list(run.sign_offs.all())
        steps = []
        for index, step in enumerate(run.route_version.steps):
            steps.append(
                {
                    "index": index,
                    "name": step["name"],
                    "mode": step["mode"],
                    "quorum": step.get("quorum"),
                    "deadline_hours": step.get("deadline_hours"),
                    "escalation": step.get("escalation"),
                    "approvers": step["approvers"],
                    "state": _state(run, index),
                    "tasks": TaskSerializer([t for t in tasks if t.step == index], many=True).data,
                    "decisions": SignOffSerializer(
                        [s for s in sign_offs if s.step == index], many=True
                    ).data,
                }
            )
        return steps


def _state(run: RouteRun, index: int) -> str:
    if index < run.current_step:
        return "done"
    if index > run.current_step:
        return "waiting"
    if run.is_running:
        return "active"
    return "done" if run.status == "approved" else "stopped"


class InboxDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()


class InboxTaskSerializer(serializers.ModelSerializer[ApprovalTask]):
    document = InboxDocumentSerializer(source="run.document", read_only=True)
    run = serializers.IntegerField(source="run_id", read_only=True)
    step_name = serializers.SerializerMethodField()
    version = RunVersionSerializer(source="run.version", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="The deadline has passed (whether or not the `escalate` job has run since)."
    )

    class Meta:
        model = ApprovalTask
        fields = [
            "id",
            "document",
            "run",
            "step",
            "step_name",
            "principal",
            "on_behalf_of",
            "version",
            "created_at",
            "due_at",
            "overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, task: ApprovalTask) -> bool:
        return is_overdue(task)

    def get_step_name(self, task: ApprovalTask) -> str:
        return str(task.run.route_version.steps[task.step]["name"])


class DecisionCheckSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    step = serializers.IntegerField()
    actor = serializers.CharField()
    on_behalf_of = serializers.CharField()
    decision = serializers.CharField()
    valid = serializers.BooleanField()


class VerifySerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField()
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    decisions = DecisionCheckSerializer(many=True)
