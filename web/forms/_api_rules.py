"""Forms check what the API checks: the API's serializer runs over a form's cleaned data."""

from typing import Any

from django import forms
from rest_framework import serializers


def checked_by(
    form: forms.Form,
    serializer_class: type[serializers.Serializer[Any]],
    data: dict[str, Any],
    **options: Any,
) -> dict[str, Any] | None:
    """The serializer's validated data, or None with its errors put on the form's fields."""
    serializer = serializer_class(data=data, **options)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    put_errors(form, serializer.errors)
    return None


def put_errors(form: forms.Form, detail: Any) -> None:
    """Field errors under their fields when the form has them, others above the form."""
    if isinstance(detail, dict):
        for field, messages in detail.items():
            form.add_error(field if field in form.fields else None, sentence(messages))
    else:
        form.add_error(None, sentence(detail))


def sentence(detail: Any) -> str:
    """An error detail (a message, a list or a dict of them) as text for a person."""
    if isinstance(detail, dict):
        return " ".join(sentence(value) for value in detail.values()) or "Invalid input."
    if isinstance(detail, list):
        return " ".join(sentence(item) for item in detail) or "Invalid input."
    return str(detail)
