import json
from typing import Any, NoReturn

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from permissions.access import folder_not_found
from repository.models import (
    Document,
    DocumentLink,
    DocumentType,
    Folder,
    HoldTarget,
    LegalHold,
    LinkTarget,
    TextSource,
    Version,
)
from repository.services import OnDuplicate


class VersionSerializer(serializers.ModelSerializer[Version]):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    # empty while the text is pending or when the file has none to read
    text_source = serializers.ChoiceField(
        choices=TextSource.choices,
        allow_blank=True,
        read_only=True,
        help_text="Where the text came from: the file's own text, or OCR; empty while the text "
        "is pending or when there is none.",
    )

    class Meta:
        model = Version
        fields = [
            "number",
            "filename",
            "size",
            "mime_type",
            "sha256",
            "comment",
            "created_at",
            "created_by",
            "text_status",
            "text_error",
            "text_source",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer[Document]):
    document_type: serializers.SlugRelatedField[DocumentType] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    tags: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    locked_by = serializers.CharField(
        source="locked_by.username", read_only=True, allow_null=True, default=None
    )
    current_version = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "document_type",
            "folder",
            "tags",
            "metadata",
            "status",
            "owner",
            "created_at",
            "updated_at",
            "locked_by",
            "locked_at",
            "current_version",
            "registration_number",
        ]
        read_only_fields = fields


class DuplicateSerializer(serializers.Serializer[Any]):
    document = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["exact", "near"])
    similarity = serializers.FloatField()


class CreatedDocumentSerializer(DocumentSerializer):
    duplicates = DuplicateSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "duplicates"]
        read_only_fields = fields


class TagListField(serializers.ListField):
    """Tags as a JSON list, repeated form fields, or one comma-separated value."""

    child = serializers.CharField(max_length=100, allow_blank=True)  # blank names are dropped

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name)
            if not values:
                return serializers.empty
            return values
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        names: list[Any] = []
        for value in data:
            if isinstance(value, str):
                names.extend(name.strip() for name in value.split(",") if name.strip())
            else:
                names.append(value)  # the child field refuses what is not text
        return list(super().to_internal_value(names))


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "A JSON object (in a multipart form: its JSON text).",
    }
)
class MetadataField(serializers.JSONField):
    """A JSON object, given as an object (JSON bodies) or as a string (multipart forms)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except (ValueError, RecursionError):
                raise serializers.ValidationError("Metadata is not valid JSON.") from None
        if not isinstance(data, dict):
            raise serializers.ValidationError("Metadata must be a JSON object.")
        return data


@extend_schema_field(OpenApiTypes.INT)
class FolderField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A folder id. A missing folder answers 404, as the service answers for one the caller
    cannot see, so the two read alike; the service checks what the caller may do there."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Folder.objects.all(), **kwargs)

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        if key == "does_not_exist":
            raise folder_not_found(kwargs.get("pk_value"))
        super().fail(key, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class DocumentTypeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A document type by its slug; like every relation, an empty value reads as none."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=DocumentType.objects.all(), **kwargs)


class _EmptyFormValueIsAbsent:
    """A form cannot send null: its empty value for the field means the field is not given."""

    def get_value(self, dictionary: Any) -> Any:
        value = super().get_value(dictionary)  # type: ignore[misc]
        if value == "" and html.is_html_input(dictionary):
            return serializers.empty
        return value


class FormFolderField(_EmptyFormValueIsAbsent, FolderField):
    pass


class FormDocumentTypeField(_EmptyFormValueIsAbsent, DocumentTypeField):
    pass


class DocumentCreateSerializer(serializers.Serializer[Any]):
    """The upload form (multipart): absent `folder` is the top level, absent type none."""

    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    folder = FormFolderField(required=False)
    document_type = FormDocumentTypeField(required=False)
    tags = TagListField(required=False)
    metadata = MetadataField(required=False)
    on_duplicate = serializers.ChoiceField(choices=OnDuplicate.CHOICES, default=OnDuplicate.WARN)


class DocumentUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=500, required=False)
    folder = FolderField(required=False, allow_null=True)
    document_type = DocumentTypeField(required=False, allow_null=True)
    tags = TagListField(required=False)
    metadata = MetadataField(required=False)


class VersionCreateSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TextSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    status = serializers.CharField()
    error = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)


class LinkSerializer(serializers.ModelSerializer[DocumentLink]):
    target_type = serializers.ChoiceField(choices=LinkTarget.choices)
    target_id = serializers.IntegerField(min_value=1, max_value=2**62)
    relation = serializers.RegexField(r"^[a-z][a-z0-9_]{0,31}$", default="related")
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = DocumentLink
        fields = [
            "id",
            "document",
            "target_type",
            "target_id",
            "relation",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "document", "created_by", "created_at"]


class FolderSerializer(serializers.ModelSerializer[Folder]):
    owner = serializers.CharField(source="owner.username", read_only=True)
    parent = FolderField(required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Folder
        fields = ["id", "name", "parent", "owner", "created_at"]
        read_only_fields = ["id", "owner", "created_at"]
        validators: list[Any] = []


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["id", "slug", "name", "metadata_schema"]
        read_only_fields = ["id"]
        # A taken slug answers 409 from the view, not 400 from a validator.
        extra_kwargs: dict[str, Any] = {"slug": {"validators": []}}

    def validate_metadata_schema(self, value: Any) -> Any:
        if value in (None, {}):
            return value
        import jsonschema

        try:
            jsonschema.Draft202012Validator.check_schema(value)
        except jsonschema.SchemaError as error:
            raise serializers.ValidationError(
                f"Not a valid JSON Schema: {error.message}", code="invalid_json_schema"
            ) from None
        return value


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
