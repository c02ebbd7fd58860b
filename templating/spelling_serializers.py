"""The spell-checking API's bodies (the schema; the views answer plain dicts)."""

from typing import Any

from rest_framework import serializers

from templating.models import DictionaryWord
from templating.proofing import SpellingReport
from templating.proofing.checks import MAX_TEXT
from templating.proofing.dictionary import MAX_LENGTH, WORD_PATTERN
from templating.spelling import LANGUAGES


class SpellcheckRequestSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=MAX_TEXT)
    language = serializers.ChoiceField(choices=list(LANGUAGES))


class MisspellingSerializer(serializers.Serializer[Any]):
    word = serializers.CharField(help_text="The word as written, `text[offset:offset+length]`.")
    offset = serializers.IntegerField(help_text="In Python characters (code points).")
    length = serializers.IntegerField()
    suggestions = serializers.ListField(child=serializers.CharField(), help_text="Best first.")
    language = serializers.CharField(help_text="The language it was checked in.")


class SpellcheckResponseSerializer(serializers.Serializer[Any]):
    language = serializers.CharField(
        help_text="The language checked in (the text's main one when detected per paragraph)."
    )
    # A declared field, taken out of the class by DRF: the `errors` property stays untouched.
    errors = MisspellingSerializer(many=True)  # type: ignore[assignment]


class DictionaryWordSerializer(serializers.ModelSerializer[DictionaryWord]):
    added_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = DictionaryWord
        fields = ["id", "word", "added_by", "added_at"]
        read_only_fields = ["id", "added_by", "added_at"]


class DictionaryWordInputSerializer(serializers.Serializer[Any]):
    word = serializers.RegexField(WORD_PATTERN, max_length=MAX_LENGTH)


def report_body(report: SpellingReport) -> dict[str, Any]:
    return {
        "language": report.language,
        "errors": [
            {
                "word": finding.misspelling.word,
                "offset": finding.misspelling.offset,
                "length": finding.misspelling.length,
                "suggestions": finding.misspelling.suggestions,
                "language": finding.language,
            }
            for finding in report.errors
        ],
    }
