"""Administration forms. Each runs the API's serializer over what it cleaned, so a page accepts
exactly what `POST /users/`, `PATCH /users/{username}/`, `POST /groups/` and
`POST /document-types/` accept."""

import json
import re
from typing import Any

from django import forms
from django.contrib.auth.models import Group

from permissions.models import Role, RoleAssignment
from permissions.serializers import (
    GroupSerializer,
    GroupUpdateSerializer,
    UserCreateSerializer,
    UserUpdateSerializer,
)
from repository.serializers import DocumentTypeSerializer
from web.forms._api_rules import checked_by

_SEPARATORS = re.compile(r"[\s,]+")


def group_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in Group.objects.order_by("name").values_list("name", flat=True)]


def role_choices() -> list[tuple[str, str]]:
    """The roles the product names, and any other role someone holds."""
    named = dict(Role.choices)
    held = RoleAssignment.objects.order_by("role").values_list("role", flat=True).distinct()
    for role in held:
        named.setdefault(role, role)
    return list(named.items())


def _usernames(text: str) -> list[str]:
    return [name for name in _SEPARATORS.split(text) if name]


class _Choices(forms.Form):
    """Groups and roles offered as checkboxes, read when the form is made."""

    groups = forms.MultipleChoiceField(
        label="Groups", required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = group_choices()  # type: ignore[attr-defined]
        self.fields["roles"].choices = role_choices()  # type: ignore[attr-defined]


class UserCreateForm(_Choices):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, digits and . @ + - _; it cannot be changed later.",
    )
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    email = forms.EmailField(label="Email", required=False)
    field_order = ["username", "password", "email", "groups", "roles"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        data = {name: cleaned[name] for name in self.field_order if name in cleaned}
        checked = checked_by(self, UserCreateSerializer, data)
        return cleaned if checked is None else checked


class UserEditForm(_Choices):
    email = forms.EmailField(label="Email", required=False)
    is_active = forms.BooleanField(label="Active", required=False)
    password = forms.CharField(
        label="New password",
        strip=False,
        required=False,
        widget=forms.PasswordInput,
        help_text="Leave empty to keep the password. A new one signs the user out everywhere.",
    )
    field_order = ["email", "groups", "roles", "is_active", "password"]

    def __init__(self, *args: Any, username: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        data = {name: value for name, value in cleaned.items() if name != "password"}
        if cleaned.get("password"):
            data["password"] = cleaned["password"]
        checked = checked_by(
            self, UserUpdateSerializer, data, partial=True, context={"username": self.username}
        )
        return cleaned if checked is None else checked


class GroupCreateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    members = forms.CharField(
        label="Members",
        required=False,
        help_text="Usernames, separated by commas or spaces.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        data = {"name": cleaned["name"], "members": _usernames(cleaned.get("members", ""))}
        checked = checked_by(self, GroupSerializer, data)
        return cleaned if checked is None else checked


class GroupMembersForm(forms.Form):
    members = forms.CharField(
        label="Members",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="Usernames, separated by commas or spaces. Everyone left out leaves the group.",
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        data = {"members": _usernames(cleaned.get("members", ""))}
        checked = checked_by(
            self, GroupUpdateSerializer, data, partial=True, context={"name": self.name}
        )
        return cleaned if checked is None else checked


class RoleForm(forms.Form):
    """A role for one user; the role name follows the API's pattern for roles."""

    username = forms.CharField(label="User", max_length=150)
    role = forms.CharField(
        label="Role",
        max_length=64,
        widget=forms.TextInput({"list": "known-roles"}),
        help_text="records_manager, admin, or a role of your own (lowercase letters, digits, _).",
    )

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"].strip()
        if not UserUpdateSerializer(data={"roles": [role]}, partial=True).is_valid():
            raise forms.ValidationError(
                "A role is lowercase letters, digits and _, starting with a letter."
            )
        return role


class DocumentTypeForm(forms.Form):
    slug = forms.CharField(label="Slug", max_length=64)
    name = forms.CharField(label="Name", max_length=255)
    metadata_schema = forms.CharField(
        label="Metadata schema",
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text="Optional: a JSON Schema the documents' metadata must follow.",
    )

    def clean_metadata_schema(self) -> Any:
        text = self.cleaned_data["metadata_schema"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(f"Not JSON: {error}.") from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        checked = checked_by(self, DocumentTypeSerializer, cleaned)
        return cleaned if checked is None else checked
