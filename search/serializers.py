from datetime import datetime, tzinfo
from typing import Any

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from repository.models import Document
from repository.serializers import VersionSerializer

_DATETIME = serializers.DateTimeField()


def _moment(value: Any, zone: tzinfo | None) -> Any:
    """`DateTimeField().to_representation(value)`; for an aware value in ISO 8601 output, the
    same steps without looking up the setting and the current time zone per value."""
    if zone is None or not isinstance(value, datetime) or value.tzinfo is None:
        return _DATETIME.to_representation(value)
    try:
        text = value.astimezone(zone).isoformat()
    except OverflowError:
        return _DATETIME.to_representation(value)  # DRF's validation error
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _output_zone() -> tzinfo | None:
    """The zone `_moment` converts to, or None when DRF's own steps are needed."""
    if str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return None
    return _DATETIME.default_timezone()


class SearchDocumentSerializer(serializers.ModelSerializer[Any]):
    """The document summary of a search hit (the schema, and the reference output).

    The search path builds the same output from plain rows with `summaries_of_rows`, without
    DRF's per-field machinery: for a page of hits that machinery cost more than the engine
    query. A test holds the two outputs equal.
    """

    document_type: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    tags: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    current_version = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "document_type",
            "folder",
            "tags",
            "status",
            "owner",
            "created_at",
            "updated_at",
            "registration_number",
            "current_version",
        ]
        read_only_fields = fields


def summary_of_row(row: dict[str, Any], zone: tzinfo | None = None) -> dict[str, Any]:
    version = None
    if row["current_version_id"] is not None:
        version = {
            "number": row["current_version__number"],
            "filename": row["current_version__filename"],
            "size": row["current_version__size"],
            "mime_type": row["current_version__mime_type"],
            "sha256": row["current_version__sha256"],
            "comment": row["current_version__comment"],
            "created_at": _moment(row["current_version__created_at"], zone),
            "created_by": row["current_version__created_by__username"],
            "text_status": row["current_version__text_status"],
            "text_error": row["current_version__text_error"],
            "text_source": row["current_version__text_source"],
        }
    return {
        "id": row["id"],
        "title": row["title"],
        "document_type": row["document_type__slug"],
        "folder": row["folder_id"],
        "tags": row["tags"],
        "status": row["status"],
        "owner": row["owner__username"],
        "created_at": _moment(row["created_at"], zone),
        "updated_at": _moment(row["updated_at"], zone),
        "registration_number": row["registration_number"],
        "current_version": version,
    }


def summaries_of_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`SearchDocumentSerializer(rows, many=True).data` as plain dicts, for a page of hits."""
    zone = _output_zone()
    return [summary_of_row(row, zone) for row in rows]


class SearchHitSerializer(serializers.Serializer[Any]):
    document = SearchDocumentSerializer()
    score = serializers.FloatField(allow_null=True)
    highlights = serializers.ListField(
        child=serializers.CharField(), help_text="Fragments with matches in <mark>, HTML-escaped."
    )


class FacetsSerializer(serializers.Serializer[Any]):
    document_type = serializers.DictField(child=serializers.IntegerField())
    status = serializers.DictField(child=serializers.IntegerField())
    tags = serializers.DictField(child=serializers.IntegerField())


class SearchResponseSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = FacetsSerializer()
