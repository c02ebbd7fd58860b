"""Submitting a document along a route, withdrawing it, and reading its runs."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Forbidden, Invalid
from lifecycle.models import ApprovalTask, Route, RouteRun, RunStatus, SignOff
from lifecycle.services import notify
from lifecycle.services.steps import end_step, start_step
from permissions.access import get_document, record_refusal
from permissions.codes import Permission
from permissions.principals import is_admin
from repository.models import Document, DocumentStatus
from repository.status import change_status


def submit(*, context: RequestContext, document_id: Any, route_id: int) -> RouteRun:
    """Start a run pinned to the route's current version and the document's current version;
    the document goes `in_review`.

    Needs `edit` and `manage_acl` on the document: the route lets its approvers view and
    download the version, whatever the ACL says, so submitting shares the document, and one who
    may only edit it must not be able to show it to anyone by naming them in a route.
    """
    document = get_document(context.user, document_id, Permission.EDIT)
    get_document(
        context.user,
        document.pk,
        Permission.MANAGE_ACL,
        message="Submitting shares the document with the route's approvers: it needs the "
        "'manage_acl' permission as well as 'edit'.",
    )
    route = Route.objects.select_related("current_version").filter(pk=route_id).first()
    if route is None or route.current_version is None:
        raise Invalid({"route": [f"No route {route_id}."]}, code="does_not_exist")
    try:
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document.pk)
            version = document.current_version
            if version is None:
                raise Conflict("The document has no version to approve.", code="no_version")
            document = change_status(
                context=context,
                document=document,
                target=DocumentStatus.IN_REVIEW,
                by="submitter",
                reason=f"submitted along route {route.pk}",
            )
            run = RouteRun.objects.create(
                document=document,
                version=version,
                route_version=route.current_version,
                submitted_by=context.user,
            )
            start_step(run, 0)
            record(
                context,
                "route.submit",
                object_type="document",
                object_id=document.pk,
                details={
                    "run": run.pk,
                    "route": route.pk,
                    "route_version": route.current_version.number,
                    "version": version.number,
                },
            )
    except IntegrityError:  # another submit of this document won the race
        raise Conflict("The document is already in review.", code="in_review") from None
    return run


def running_run(document: Document) -> RouteRun | None:
    return RouteRun.objects.filter(document=document, status=RunStatus.RUNNING).first()


def withdraw(*, context: RequestContext, document_id: Any) -> RouteRun:
    """The submitter (or an administrator) takes the document out of review, back to draft."""
    document = get_document(context.user, document_id)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        run = running_run(document)
        if run is None:
            raise Conflict("The document is in no running approval route.", code="not_in_review")
        if run.submitted_by_id != context.user.pk and not is_admin(context.user):
            record_refusal(
                context.user,
                object_type="document",
                object_id=document.pk,
                permission="withdraw",
                reason="not_submitter",
            )
            raise Forbidden(
                "Only the submitter withdraws a document from review.", code="not_submitter"
            )
        run = (
            RouteRun.objects.select_for_update(of=("self",))
            .select_related("route_version", "document", "submitted_by")
            .get(pk=run.pk)
        )
        run.status = RunStatus.WITHDRAWN
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        end_step(run)
        if run.submitted_by_id != context.user.pk:
            notify.run_ended(run)  # an administrator withdrew it: the submitter hears of it
        change_status(
            context=context,
            document=document,
            target=DocumentStatus.DRAFT,
            by="submitter_withdraw",
            reason=f"run {run.pk} withdrawn",
        )
        record(
            context,
            "route.withdraw",
            object_type="document",
            object_id=document.pk,
            details={"run": run.pk},
        )
    return run


def with_details(found: QuerySet[RouteRun]) -> QuerySet[RouteRun]:
    return found.select_related("version", "route_version", "submitted_by").prefetch_related(
        Prefetch("tasks", queryset=ApprovalTask.objects.order_by("step", "id")),
        Prefetch("sign_offs", queryset=SignOff.objects.order_by("step", "decided_at", "id")),
    )


def run_details(run_id: int) -> RouteRun:
    return with_details(RouteRun.objects.filter(pk=run_id)).get()


def runs_of(*, actor: Any, document_id: Any) -> QuerySet[RouteRun]:
    """The document's runs, newest first, with their tasks and sign-offs (needs `view`)."""
    document = get_document(actor, document_id)
    return with_details(RouteRun.objects.filter(document=document))
