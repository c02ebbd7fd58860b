from typing import Any

from django.contrib.auth.models import Group, User
from rest_framework import serializers

from permissions.codes import Permission
from permissions.models import Effect
from permissions.principals import is_admin, roles_of

ROLE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
USERNAME_PATTERN = r"^[\w.@+-]{1,150}$"
GROUP_NAME_PATTERN = r"^[\w .@+-]{1,150}$"


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


def _password(*, required: bool) -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        required=required,
        max_length=1024,
        trim_whitespace=False,
        help_text="Checked by the password validators: 400 naming the rule it breaks.",
    )


class _Unchanged(serializers.Serializer[Any]):
    """Refuses a body naming another value for the field the URL names (`username`, `name`):
    principals in ACL entries refer to it, so it never changes."""

    field = ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = self.initial_data.get(self.field)
        current = self.context.get(self.field)
        if given is not None and given != current:
            raise serializers.ValidationError(
                {self.field: [f"The {self.field} cannot be changed."]}, code="immutable"
            )
        return attrs


class UserUpdateSerializer(_Unchanged):
    """What `PATCH /users/{username}/` may change; a new password revokes the user's token and
    sessions, and so does `is_active: false`."""

    field = "username"
    password = _password(required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    groups = serializers.ListField(child=serializers.RegexField(GROUP_NAME_PATTERN), required=False)
    roles = serializers.ListField(child=serializers.RegexField(ROLE_PATTERN), required=False)
    is_active = serializers.BooleanField(required=False)


class UserSerializer(serializers.Serializer[Any]):
    username = serializers.RegexField(
        USERNAME_PATTERN, help_text="Letters, digits and . @ + - _; `me` is reserved."
    )
    password = _password(required=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    groups = serializers.ListField(child=serializers.RegexField(GROUP_NAME_PATTERN), required=False)
    roles = serializers.ListField(child=serializers.RegexField(ROLE_PATTERN), required=False)
    is_admin = serializers.BooleanField(read_only=True)
    is_active = serializers.BooleanField(required=False)

    def to_representation(self, instance: User) -> dict[str, Any]:
        return {
            "username": instance.username,
            "email": instance.email,
            "groups": sorted(instance.groups.values_list("name", flat=True)),
            "roles": roles_of(instance),
            "is_admin": is_admin(instance),
            "is_active": instance.is_active,
        }


class UserCreateSerializer(UserSerializer):
    """A new user: unlike an edit, it needs a password (checked by the validators)."""


class GroupSerializer(serializers.Serializer[Any]):
    name = serializers.RegexField(GROUP_NAME_PATTERN)
    members = serializers.ListField(
        child=serializers.RegexField(USERNAME_PATTERN), required=False, default=list
    )

    def to_representation(self, instance: Group) -> dict[str, Any]:
        return {
            "name": instance.name,
            "members": sorted(instance.user_set.values_list("username", flat=True)),
        }


class GroupUpdateSerializer(_Unchanged):
    """What `PATCH /groups/{name}/` may change: the members (all of them, when given)."""

    field = "name"
    members = serializers.ListField(child=serializers.RegexField(USERNAME_PATTERN), required=False)


# `\s` of Python and of the schema's ECMA regexes differ by these characters: naming them keeps
# what the schema says a principal is and what the server takes the same.
PRINCIPAL_PATTERN = r"^(everyone|(user|group|role):[^\s:\x1c-\x1f\x85\ufeff][^:]{0,149})$"


class AclEntrySerializer(serializers.Serializer[Any]):
    principal = serializers.RegexField(PRINCIPAL_PATTERN, max_length=200)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=Permission.choices), allow_empty=False, min_length=1
    )
    effect = serializers.ChoiceField(choices=Effect.choices, default=Effect.ALLOW)


class AclSerializer(serializers.Serializer[Any]):
    """An object's ACL. `owner_rights` (administrators only) turns the owner's rights off."""

    inherit = serializers.BooleanField(default=True)
    owner_rights = serializers.BooleanField(required=False)
    entries = AclEntrySerializer(many=True, allow_empty=True)

    def validate_entries(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_ENTRIES:
            raise serializers.ValidationError(f"At most {MAX_ENTRIES} entries.")
        return value


MAX_ENTRIES = 500


class SourceSerializer(serializers.Serializer[Any]):
    permission = serializers.CharField()
    effect = serializers.ChoiceField(choices=Effect.choices)
    principal = serializers.CharField()
    on = serializers.CharField(help_text="folder:<id>, document:<id>, owner, route or admin")
    inherited = serializers.BooleanField()


class EffectivePermissionsSerializer(serializers.Serializer[Any]):
    principal = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    sources = SourceSerializer(many=True)
