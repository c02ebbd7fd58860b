"""A route step as clients write it: its schema says what the server accepts, mode by mode.

`mode` picks the shape (a discriminated `oneOf`): `quorum` needs a quorum, `all` and `any` store
none. `StepField` reads a step by the same shapes, so what the schema allows is accepted and the
rest answers 400 naming the field.
"""

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from lifecycle.models import StepMode

PRINCIPAL_PATTERN = r"^(user:[\w.@+-]{1,150}|group:[\w .@+-]{1,150}|role:[a-z][a-z0-9_]{0,63})$"
# Something more than spaces. Spelt out rather than `\S`, so that JavaScript's reading of the
# schema's pattern and Python's reading of the text agree (Python counts more as space).
NAME_PATTERN = r"[^\s\x1c-\x1f\x85]"
MAX_APPROVERS = 100
MAX_QUORUM = 10_000
MAX_DEADLINE_HOURS = 24 * 366


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "pattern": PRINCIPAL_PATTERN, "maxLength": 200},
        "minItems": 1,
        "maxItems": MAX_APPROVERS,
        "uniqueItems": True,
    }
)
class ApproversField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            # Not trimmed: the pattern allows spaces in group names, so "group: " is a
            # principal the schema allows (and names no group), not "group:" (malformed).
            child=serializers.RegexField(PRINCIPAL_PATTERN, max_length=200, trim_whitespace=False),
            min_length=1,
            max_length=MAX_APPROVERS,
            help_text="Principals `user:<name>`, `group:<name>`, `role:<name>`, each once; they "
            "decide in parallel.",
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> list[str]:
        approvers = list(super().to_internal_value(data))
        if len(set(approvers)) != len(approvers):
            raise serializers.ValidationError("An approver is named twice.", code="duplicate")
        return approvers


def name_field() -> serializers.RegexField:
    """A name with something more than spaces (spaces around it are trimmed)."""
    return serializers.RegexField(NAME_PATTERN, max_length=200, trim_whitespace=False)


class _Step(serializers.Serializer[Any]):
    name = name_field()
    approvers = ApproversField()
    deadline_hours = serializers.IntegerField(
        min_value=1, max_value=MAX_DEADLINE_HOURS, required=False, allow_null=True, default=None
    )
    escalation = serializers.RegexField(
        PRINCIPAL_PATTERN,
        max_length=200,
        trim_whitespace=False,
        required=False,
        allow_null=True,
        default=None,
        help_text="Who receives a task of this step whose deadline passed (`user:`, `group:` "
        "or `role:`); without one, an overdue task stays where it is.",
    )


class FlowStepSerializer(_Step):
    mode = serializers.ChoiceField(choices=[StepMode.ALL.value, StepMode.ANY.value])
    quorum = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUORUM,
        required=False,
        allow_null=True,
        help_text="Read by quorum steps only: an `all` or `any` step stores none.",
    )


class QuorumStepSerializer(_Step):
    mode = serializers.ChoiceField(choices=[StepMode.QUORUM.value])
    quorum = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUORUM,
        help_text="How many distinct approvers must approve.",
    )


SHAPES: dict[str, type[_Step]] = {
    StepMode.ALL.value: FlowStepSerializer,
    StepMode.ANY.value: FlowStepSerializer,
    StepMode.QUORUM.value: QuorumStepSerializer,
}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="RouteStep",
        serializers={mode: shape for mode, shape in SHAPES.items()},
        resource_type_field_name="mode",
    )
)
class StepField(serializers.Field):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a step object.", code="invalid")
        mode = data.get("mode")
        if not isinstance(mode, str) or mode not in SHAPES:
            raise serializers.ValidationError(
                {"mode": [f"Expected one of {', '.join(SHAPES)}."]}, code="invalid_choice"
            )
        shape = SHAPES[mode](data=data)
        shape.is_valid(raise_exception=True)
        return {
            "name": shape.validated_data["name"],
            "approvers": shape.validated_data["approvers"],
            "mode": mode,
            "quorum": shape.validated_data.get("quorum") if mode == StepMode.QUORUM else None,
            "deadline_hours": shape.validated_data.get("deadline_hours"),
            "escalation": shape.validated_data.get("escalation"),
        }

    def to_representation(self, value: Any) -> Any:
        return value
