from typing import Any

from rest_framework import serializers

from audit.models import AuditEvent, HoldTarget, LegalHold


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "ip",
            "user_agent",
            "action",
            "object_type",
            "object_id",
            "details",
            "hash",
            "prev_hash",
        ]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor_username or None


class VerificationSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_bad_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class LegalHoldSerializer(serializers.ModelSerializer[LegalHold]):
    object_type = serializers.ChoiceField(choices=HoldTarget.choices)
    object_id = serializers.IntegerField(min_value=1, max_value=2**62)
    reason = serializers.CharField(max_length=4000)
    placed_by = serializers.CharField(source="placed_by.username", read_only=True)
    lifted_by = serializers.CharField(
        source="lifted_by.username", read_only=True, allow_null=True, default=None
    )
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "object_type",
            "object_id",
            "reason",
            "placed_by",
            "placed_at",
            "lifted_by",
            "lifted_at",
            "is_active",
        ]
        read_only_fields = ["id", "placed_by", "placed_at", "lifted_by", "lifted_at", "is_active"]
