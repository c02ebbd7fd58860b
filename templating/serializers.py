"""Template request and response bodies."""

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.text import NOT_BLANK
from repository.serializers import DocumentSerializer, FolderField
from templating.models import DocumentTemplate, RenderFormat, TemplateVersion
from templating.spelling_serializers import SpellcheckResponseSerializer

MAX_ID = 2**63 - 1
# The request's own `context` (JSON) at most this large once serialised.
MAX_CONTEXT_BYTES = 64 * 1024


class TemplateVersionSerializer(serializers.ModelSerializer[TemplateVersion]):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    variables = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = TemplateVersion
        fields = ["number", "filename", "size", "sha256", "variables", "created_by", "created_at"]
        read_only_fields = fields


class TemplateSerializer(serializers.ModelSerializer[DocumentTemplate]):
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    variables = serializers.ListField(
        source="current_version.variables",
        child=serializers.CharField(),
        read_only=True,
        help_text="The variables the current version reads, as dotted paths (`deal.title`).",
    )
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = DocumentTemplate
        fields = ["id", "name", "version", "variables", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class TemplateDetailSerializer(TemplateSerializer):
    versions = TemplateVersionSerializer(many=True, read_only=True)

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "versions"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class TemplateFileField(serializers.FileField):
    """A .docx with Jinja tags (never empty)."""


class TemplateUploadSerializer(serializers.Serializer[Any]):
    """The upload form (multipart)."""

    file = TemplateFileField(allow_empty_file=True, help_text="A .docx with Jinja tags.")
    name = serializers.RegexField(NOT_BLANK, max_length=255)


class TemplateVersionUploadSerializer(serializers.Serializer[Any]):
    file = TemplateFileField(allow_empty_file=True, help_text="A .docx with Jinja tags.")


def _record_id() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class RenderSerializer(serializers.Serializer[Any]):
    context = serializers.DictField(  # type: ignore[assignment]
        required=False,
        default=dict,
        help_text="Values of your own, read by the template by name (JSON).",
    )
    deal = _record_id()
    contact = _record_id()
    company = _record_id()
    lead = _record_id()
    format = serializers.ChoiceField(choices=RenderFormat.choices, default=RenderFormat.DOCX)
    save = serializers.BooleanField(  # type: ignore[assignment]
        required=False, default=False, help_text="Store the result as a new document."
    )
    folder = FolderField(required=False, allow_null=True, help_text="Where a saved one is filed.")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_context(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, default=str)) > MAX_CONTEXT_BYTES:
            raise serializers.ValidationError(f"At most {MAX_CONTEXT_BYTES} bytes of JSON.")
        return value


class RenderedDocumentSerializer(DocumentSerializer):
    """The saved document, with the spell report of its text (the API's schema of the 201)."""

    spelling = SpellcheckResponseSerializer(
        read_only=True, help_text="What the spell-checker found in the generated text."
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "spelling"]
        read_only_fields = fields
