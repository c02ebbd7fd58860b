"""Roles: who holds which, assigning one and taking one away.

A role is part of a user (`PATCH /users/{username}/` with `roles`), so both changes are
`permissions.services.update_user` with the user's roles plus or minus one: the same
`user.update` event, and the same refusal when an administrator would demote themselves or the
last administrator.
"""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.record import context_from
from permissions import services
from permissions.access import require_admin
from permissions.models import RoleAssignment
from web.forms.admin import RoleForm, role_choices
from web.outcomes import ServiceError, only_for, show_on_form

PAGE_SIZE = 100


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def role_list(request: HttpRequest) -> HttpResponse:
    """The role holders; a POST assigns a role."""
    if request.method != "POST":
        return _roles_page(request, RoleForm())
    form = RoleForm(request.POST)
    return _change(request, form, assign=True)


@require_POST
@only_for(require_admin)
def role_remove(request: HttpRequest) -> HttpResponse:
    return _change(request, RoleForm(request.POST), assign=False)


def _change(request: HttpRequest, form: RoleForm, *, assign: bool) -> HttpResponse:
    if not form.is_valid():
        return _roles_page(request, form, status=400)
    username, role = form.cleaned_data["username"], form.cleaned_data["role"]
    user = User.objects.filter(username=username).first()
    if user is None:
        form.add_error("username", f"No user named {username}.")
        return _roles_page(request, form, status=400)
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    roles = held | {role} if assign else held - {role}
    if roles == held:
        messages.info(request, f"{username} {'holds' if assign else 'does not hold'} {role}.")
        return redirect("administration-roles")
    try:
        services.update_user(
            context=context_from(request), user=user, data={"roles": sorted(roles)}
        )
    except ServiceError as refused:
        return _roles_page(request, form, status=show_on_form(form, refused))
    done = "assigned to" if assign else "taken from"
    messages.success(request, f"Role {role} {done} {username}.")
    return redirect("administration-roles")


def _roles_page(request: HttpRequest, form: RoleForm, status: int = 200) -> HttpResponse:
    found = RoleAssignment.objects.select_related("user").order_by("role", "user__username")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav_area": "administration",
        "admin_area": "roles",
        "form": form,
        "page": page,
        "known_roles": role_choices(),
    }
    return render(request, "web/admin/roles.html", context, status=status)
