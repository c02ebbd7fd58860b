"""Users: the list, a new user with password, groups and roles, and editing one."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from permissions import services
from permissions.access import require_admin
from permissions.models import RoleAssignment
from web.forms.admin import UserCreateForm, UserEditForm
from web.outcomes import ServiceError, only_for, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def user_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _users_page(request, UserCreateForm())
    form = UserCreateForm(request.POST)
    if not form.is_valid():
        return _users_page(request, form, status=400)
    try:
        user = services.create_user(context=context_from(request), data=dict(form.cleaned_data))
    except ServiceError as refused:
        return _users_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"User {user.username} created.")
    return redirect("administration-users")


def _users_page(request: HttpRequest, form: UserCreateForm, status: int = 200) -> HttpResponse:
    found = User.objects.order_by("username").prefetch_related("groups", "role_assignments")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "user": user,
            "groups": sorted(group.name for group in user.groups.all()),
            "roles": sorted(held.role for held in user.role_assignments.all()),
        }
        for user in page
    ]
    context = {
        "nav_area": "administration",
        "admin_area": "users",
        "form": form,
        "page": page,
        "rows": rows,
    }
    return render(request, "web/admin/users.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise Http404("No such user.")
    current = _current(user)
    if request.method != "POST":
        return _user_page(request, user, UserEditForm(initial=current, username=user.username))
    form = UserEditForm(request.POST, initial=current, username=user.username)
    if not form.is_valid():
        return _user_page(request, user, form, status=400)
    # Only what changed goes to the service, so the `user.update` event says what happened.
    changes = {
        name: value
        for name, value in form.cleaned_data.items()
        if name == "password" or _normalised(value) != _normalised(current.get(name))
    }
    if not changes:
        messages.info(request, "Nothing changed.")
        return redirect("administration-user", username=user.username)
    try:
        services.update_user(context=context_from(request), user=user, data=changes)
    except ServiceError as refused:
        return _user_page(request, user, form, status=show_on_form(form, refused))
    messages.success(request, f"User {user.username} saved.")
    return redirect("administration-user", username=user.username)


def _current(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "roles": sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)),
        "is_active": user.is_active,
    }


def _normalised(value: Any) -> Any:
    return sorted(set(value)) if isinstance(value, list) else value


def _user_page(
    request: HttpRequest, user: User, form: UserEditForm, status: int = 200
) -> HttpResponse:
    context = {
        "nav_area": "administration",
        "admin_area": "users",
        "subject": user,
        "is_superuser": user.is_superuser,
        "form": form,
    }
    return render(request, "web/admin/user.html", context, status=status)
