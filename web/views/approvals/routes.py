"""`/routes/`: approval routes. Any user defines one; its owner or an administrator edits it,
which makes a new version (`lifecycle.services.routes`, as `POST /routes/` and
`PUT /routes/{id}/`); runs already started keep the version they pinned."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.record import context_from
from lifecycle.api.serializers import MAX_STEPS
from lifecycle.models import Route
from lifecycle.services import routes as services
from permissions.principals import is_admin
from web.forms.approvals import STEP_ROWS, RouteForm
from web.outcomes import ServiceError, service_error, show_on_form

PAGE_SIZE = 50


def _rows(posted: str) -> int:
    """How many step rows the posted form had (as many as the API takes steps, at most)."""
    return min(int(posted), MAX_STEPS) if posted.isdigit() and int(posted) > 0 else STEP_ROWS


def _may_edit(user: Any, route: Route) -> bool:
    return bool(route.owner_id == user.pk or is_admin(user))


def _route(pk: int) -> Route:
    try:
        return services.get_route(pk)
    except ServiceError as error:
        service_error(error)  # raises Http404 for not-found
        raise


@login_required
@require_http_methods(["GET", "POST"])
def route_list(request: HttpRequest) -> HttpResponse:
    """Every route (any user may submit along any of them), the caller's first; a POST
    defines a new one."""
    form = RouteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        body = form.api_data() if form.is_valid() else None
        if body is None:
            status = 400
        else:
            try:
                route = services.create_route(context=context_from(request), **body)
            except ServiceError as refused:
                status = show_on_form(form, refused)
            else:
                messages.success(request, f"Route “{body['name']}” created (version 1).")
                return redirect("route", pk=route.pk)
    user: Any = request.user  # signed in (login_required)
    found = services.routes().order_by("-current_version__created_at", "-id")
    mine = [route for route in found.filter(owner=user)[:PAGE_SIZE]]
    page = Paginator(found.exclude(owner=user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav_area": "inbox", "form": form, "mine": mine, "page": page}
    return render(request, "web/approvals/routes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def route_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The route's current version; its owner or an administrator saves a new one."""
    route = _route(pk)
    version = route.current_version
    assert version is not None  # a route is created with its first version
    status = 200
    if request.method == "POST":
        form = RouteForm(request.POST, rows=_rows(request.POST.get("rows", "")))
        body = form.api_data() if form.is_valid() else None
        if body is None:
            status = 400
        else:
            try:
                route = services.edit_route(context=context_from(request), route=route, **body)
            except ServiceError as refused:
                status = show_on_form(form, refused)
            else:
                number = route.current_version.number if route.current_version else ""
                messages.success(request, f"Saved as version {number}.")
                return redirect("route", pk=route.pk)
    else:
        form = RouteForm.for_steps(version.name, list(version.steps))
    context = {
        "nav_area": "inbox",
        "route": route,
        "version": version,
        "may_edit": _may_edit(request.user, route),
        "form": form,
    }
    return render(request, "web/approvals/route.html", context, status=status)


@login_required
@require_GET
def route_versions(request: HttpRequest, pk: int) -> HttpResponse:
    route = _route(pk)
    versions = route.versions.select_related("created_by").order_by("-number")
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav_area": "inbox", "route": route, "page": page}
    return render(request, "web/approvals/versions.html", context)
