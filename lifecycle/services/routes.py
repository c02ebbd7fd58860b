"""Routes: any user defines one; its owner or an administrator edits it, which makes a new
immutable version (runs already started keep the version they pinned)."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from audit.record import RequestContext, record
from core.errors import Forbidden, Invalid, NotFound
from lifecycle.models import Route, RouteVersion, StepMode
from permissions.access import MAX_ID, record_refusal
from permissions.acl import unknown_principals
from permissions.principals import is_admin


def _check_approvers(steps: list[dict[str, Any]]) -> None:
    """Every approver and escalation principal exists, and a quorum of named users only is no
    more than their number (groups and roles may grow, so theirs is not checked)."""
    named = {p for step in steps for p in step["approvers"]}
    named |= {step["escalation"] for step in steps if step.get("escalation")}
    unknown = unknown_principals(named)
    if unknown:
        raise Invalid(
            {"steps": [f"Unknown principals: {', '.join(unknown)}."]}, code="unknown_principal"
        )
    for index, step in enumerate(steps):
        only_users = all(p.startswith("user:") for p in step["approvers"])
        if (
            step["mode"] == StepMode.QUORUM
            and only_users
            and step["quorum"] > len(step["approvers"])
        ):
            raise Invalid(
                {
                    "steps": [
                        f"Step {index}: a quorum of {step['quorum']} among "
                        f"{len(step['approvers'])} users can never be reached."
                    ]
                },
                code="unreachable_quorum",
            )


def routes() -> QuerySet[Route]:
    """Every route: routes are shared definitions, any user may submit along any of them."""
    return Route.objects.select_related("owner", "current_version")


def get_route(route_id: Any) -> Route:
    try:
        pk = int(route_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    route = routes().filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if route is None:
        raise NotFound("No such route.")
    return route


def _add_version(route: Route, *, context: RequestContext, name: str, steps: Any) -> RouteVersion:
    last = route.versions.order_by("-number").values_list("number", flat=True).first()
    version = RouteVersion.objects.create(
        route=route, number=(last or 0) + 1, name=name, steps=steps, created_by=context.user
    )
    route.current_version = version
    route.save(update_fields=["current_version"])
    return version


def create_route(*, context: RequestContext, name: str, steps: list[dict[str, Any]]) -> Route:
    _check_approvers(steps)
    with transaction.atomic():
        route = Route.objects.create(owner=context.user)
        version = _add_version(route, context=context, name=name, steps=steps)
        record(
            context,
            "route.create",
            object_type="route",
            object_id=route.pk,
            details={"version": version.number, "name": name, "steps": steps},
        )
    return route


def edit_route(
    *, context: RequestContext, route: Route, name: str, steps: list[dict[str, Any]]
) -> Route:
    """A new version of the route (its owner or an administrator only)."""
    if route.owner_id != context.user.pk and not is_admin(context.user):
        record_refusal(
            context.user,
            object_type="route",
            object_id=route.pk,
            permission="edit",
            reason="not_route_owner",
        )
        raise Forbidden("Only the route's owner or an administrator edits it.", code="not_owner")
    _check_approvers(steps)
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=route.pk)
        version = _add_version(route, context=context, name=name, steps=steps)
        record(
            context,
            "route.edit",
            object_type="route",
            object_id=route.pk,
            details={"version": version.number, "name": name, "steps": steps},
        )
    return routes().get(pk=route.pk)
