from typing import Any

from rest_framework import serializers

from repository.models import Document
from repository.serializers import VersionSerializer


class SearchDocumentSerializer(serializers.ModelSerializer[Document]):
    """The document summary of a search hit."""

    document_type: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    tags: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    current_version = VersionSerializer(read_only=True)

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
