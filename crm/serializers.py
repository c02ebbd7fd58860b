"""CRM request and response bodies. Write serializers check shapes and types; the services check
what the caller may name and the custom fields' definitions."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import (
    WRITABLE_LEAD_STATUSES,
    Company,
    Contact,
    Deal,
    Entity,
    FieldDefinition,
    FieldType,
    Lead,
    Pipeline,
    Stage,
)

PRINCIPAL = r"^(everyone|(user|group|role):.+)$"
MAX_ID = 2**63 - 1


class SharedWithField(serializers.ListField):
    child = serializers.RegexField(PRINCIPAL, max_length=200)


class RecordWriteSerializer(serializers.Serializer[Any]):
    """What every record takes besides its built-in fields."""

    fields = serializers.DictField(  # type: ignore[assignment]
        required=False,
        child=serializers.JSONField(allow_null=True),
        help_text="Custom field values keyed by code (`/crm/fields/`); null clears one.",
    )
    shared_with = SharedWithField(
        required=False,
        help_text="Principals (`group:<name>`, `role:<name>`, `user:<name>`) who see the record; "
        "its owner and administrators set it.",
    )


NOT_BLANK = r"\S"


def named(**kwargs: Any) -> serializers.RegexField:
    """Text that must hold more than white space (the schema says so with its pattern)."""
    return serializers.RegexField(NOT_BLANK, max_length=255, **kwargs)


def _text(*, required: bool = False) -> serializers.CharField:
    if required:
        return named()
    return serializers.CharField(max_length=255, required=False, allow_blank=True)


@extend_schema_field(
    {"type": "string", "pattern": r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$", "nullable": True}
)
class AmountField(serializers.DecimalField):
    """A decimal amount with at most two places, as text (or a JSON number)."""


def _email() -> serializers.EmailField:
    return serializers.EmailField(max_length=254, required=False, allow_blank=True)


def _phone() -> serializers.CharField:
    return serializers.CharField(max_length=64, required=False, allow_blank=True)


def _record_id() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class LeadWriteSerializer(RecordWriteSerializer):
    title = _text(required=True)
    name = _text()
    last_name = _text()
    company_title = _text()
    email = _email()
    phone = _phone()
    status = serializers.ChoiceField(
        choices=WRITABLE_LEAD_STATUSES,
        required=False,
        help_text="`converted` and `junk` come from the convert and junk actions.",
    )


class ContactWriteSerializer(RecordWriteSerializer):
    name = _text(required=True)
    last_name = _text()
    email = _email()
    phone = _phone()
    company = _record_id()


class CompanyWriteSerializer(RecordWriteSerializer):
    title = _text(required=True)
    email = _email()
    phone = _phone()


class DealWriteSerializer(RecordWriteSerializer):
    title = _text(required=True)
    pipeline = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Default pipeline when none.",
        min_value=1,
        max_value=MAX_ID,
    )
    stage = serializers.SlugField(
        max_length=64, required=False, help_text="A stage code; the pipeline's first when none."
    )
    amount = AmountField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    currency = serializers.RegexField(
        r"^([A-Z]{3})?$", required=False, allow_blank=True, help_text="ISO 4217, e.g. EUR."
    )
    contact = _record_id()
    company = _record_id()
    lead = _record_id()


class RecordSerializer(serializers.ModelSerializer[Any]):
    owner = serializers.CharField(source="owner.username", read_only=True)
    shared_with = serializers.SerializerMethodField()
    fields = serializers.JSONField(read_only=True)  # type: ignore[assignment]

    COMMON = ["id", "owner", "shared_with", "fields", "created_at", "updated_at"]

    def get_shared_with(self, record: Any) -> list[str]:
        return list(self.context.get("shared_with", {}).get(record.pk, []))


class LeadSerializer(RecordSerializer):
    converted = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            *RecordSerializer.COMMON,
            "title",
            "name",
            "last_name",
            "company_title",
            "email",
            "phone",
            "status",
            "converted",
        ]
        read_only_fields = fields

    def get_converted(self, lead: Lead) -> dict[str, Any] | None:
        """What the conversion created (ids), or null before it."""
        if lead.converted_at is None:
            return None
        return {
            "at": lead.converted_at.isoformat(),
            "contact": lead.converted_contact_id,
            "company": lead.converted_company_id,
            "deal": lead.converted_deal_id,
        }


class ContactSerializer(RecordSerializer):
    class Meta:
        model = Contact
        fields = [*RecordSerializer.COMMON, "name", "last_name", "email", "phone", "company"]
        read_only_fields = fields


class CompanySerializer(RecordSerializer):
    class Meta:
        model = Company
        fields = [*RecordSerializer.COMMON, "title", "email", "phone"]
        read_only_fields = fields


class DealSerializer(RecordSerializer):
    stage = serializers.CharField(source="stage.code", read_only=True)

    class Meta:
        model = Deal
        fields = [
            *RecordSerializer.COMMON,
            "title",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "contact",
            "company",
            "lead",
        ]
        read_only_fields = fields


class LinkedDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


def with_documents(serializer: type[RecordSerializer]) -> type[RecordSerializer]:
    """The detail form of a record: its fields and the documents linked to it that the caller
    may view."""

    class Detail(serializer):  # type: ignore[valid-type,misc]
        documents = serializers.SerializerMethodField()

        class Meta(serializer.Meta):  # type: ignore[name-defined]
            fields = [*serializer.Meta.fields, "documents"]  # type: ignore[attr-defined]
            read_only_fields = fields

        def get_documents(self, record: Any) -> list[dict[str, Any]]:
            documents = self.context.get("documents", [])
            return list(LinkedDocumentSerializer(documents, many=True).data)

    Detail.__name__ = serializer.__name__.replace("Serializer", "DetailSerializer")
    Detail.__qualname__ = Detail.__name__
    return Detail


def _target_values() -> serializers.DictField:
    return serializers.DictField(child=serializers.JSONField(allow_null=True), required=False)


class TargetValuesSerializer(serializers.Serializer[Any]):
    contact = _target_values()
    company = _target_values()
    deal = _target_values()


TARGETS = [Entity.CONTACT, Entity.COMPANY, Entity.DEAL]


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "enum": TARGETS},
        "minItems": 1,
        "maxItems": 3,
        "uniqueItems": True,
    }
)
class TargetsField(serializers.ListField):
    child = serializers.ChoiceField(choices=TARGETS)


class ConvertSerializer(serializers.Serializer[Any]):
    create = TargetsField(min_length=1, max_length=3)  # type: ignore[assignment]
    pipeline = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    values = TargetValuesSerializer(
        required=False,
        help_text='Per target, built-in or custom values, e.g. {"company": {"tin": "..."}}; '
        "those of a target not created are not read.",
    )
    transfer_fields = serializers.BooleanField(required=False, default=False)

    def validate_create(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Name each record once.")
        return value


class ConvertedSerializer(serializers.Serializer[Any]):
    contact = serializers.IntegerField(allow_null=True)
    company = serializers.IntegerField(allow_null=True)
    deal = serializers.IntegerField(allow_null=True)


class StageSerializer(serializers.ModelSerializer[Stage]):
    code = serializers.SlugField(max_length=64)
    name = named()

    class Meta:
        model = Stage
        fields = ["code", "name"]


class StagesField(serializers.ListField):
    """A pipeline's stages in order (a list field, so the schema says `minItems`)."""

    def to_representation(self, data: Any) -> list[Any]:
        return super().to_representation(data.all() if hasattr(data, "all") else data)


class PipelineSerializer(serializers.ModelSerializer[Pipeline]):
    stages = StagesField(child=StageSerializer(), min_length=1)
    name = named()

    class Meta:
        model = Pipeline
        fields = ["id", "name", "is_default", "stages"]
        read_only_fields = ["id", "is_default"]


class ItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    label = named()  # type: ignore[assignment]


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "oneOf": [
                {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"\S"},
                {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                        "label": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 255,
                            "pattern": r"\S",
                        },
                    },
                    "required": ["label"],
                },
            ]
        },
    }
)
class ItemsField(serializers.ListField):
    """Items as labels (new ones) or `{"id", "label"}` objects (an id renames that item)."""

    child = serializers.JSONField()

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        items = []
        for value in super().to_internal_value(data):
            form = ItemSerializer(data={"label": value} if isinstance(value, str) else value)
            if not isinstance(value, str | dict) or not form.is_valid():
                raise serializers.ValidationError('An item is a label or {"id", "label"}.')
            items.append(dict(form.validated_data))
        return items


class FieldDefinitionSerializer(serializers.ModelSerializer[FieldDefinition]):
    entity = serializers.ChoiceField(choices=Entity.choices)
    code = serializers.SlugField(max_length=64)
    label = named()  # type: ignore[assignment]
    type = serializers.ChoiceField(choices=FieldType.choices)
    items = serializers.SerializerMethodField()
    list_id = serializers.IntegerField(
        source="field_list_id",
        read_only=True,
        allow_null=True,
        help_text="The list holding a list field's items; shared by the fields copied from a lead.",
    )

    class Meta:
        model = FieldDefinition
        fields = ["id", "entity", "code", "label", "type", "required", "items", "list_id"]
        read_only_fields = ["id", "items", "list_id"]

    def get_items(self, definition: FieldDefinition) -> list[dict[str, Any]]:
        if definition.field_list is None:
            return []
        return [{"id": item.pk, "label": item.label} for item in definition.field_list.items.all()]


class FieldDefinitionWriteSerializer(serializers.Serializer[Any]):
    entity = serializers.ChoiceField(choices=Entity.choices)
    code = serializers.SlugField(max_length=64)
    label = named()  # type: ignore[assignment]
    type = serializers.ChoiceField(choices=FieldType.choices)
    required = serializers.BooleanField(required=False, default=False)  # type: ignore[assignment]
    items = ItemsField(required=False)


class FieldDefinitionUpdateSerializer(serializers.Serializer[Any]):
    label = named(required=False)  # type: ignore[assignment]
    required = serializers.BooleanField(required=False)  # type: ignore[assignment]
    items = ItemsField(required=False)
    remove_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Ids of items to remove; one a record holds answers 409 `item_in_use`.",
    )
