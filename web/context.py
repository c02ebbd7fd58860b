"""What every page's frame needs to know about the signed-in user."""

from typing import Any

from django.http import HttpRequest

from permissions.principals import has_role, is_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_records_manager": has_role(user, "records_manager"),
        "nav_admin": is_admin(user),
    }
