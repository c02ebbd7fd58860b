"""Runs as documents and approvers meet them: submit, withdraw, the document's runs, the
inbox, decisions and the check of their signatures."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from lifecycle.api.serializers import (
    DECISION_SCHEMA,
    DecideSerializer,
    InboxTaskSerializer,
    ReassignSerializer,
    RouteRunSerializer,
    SignOffSerializer,
    SubmitSerializer,
    TaskSerializer,
    VerifySerializer,
)
from lifecycle.services import decisions, inbox, reassign, runs


def _run(run_id: int) -> Response:
    return Response(RouteRunSerializer(runs.run_details(run_id)).data)


class SubmitView(APIView):
    @extend_schema(
        request=SubmitSerializer,
        responses={
            201: RouteRunSerializer,
            **error_responses(
                403,
                409,
                e403="Submitting needs `edit` and `manage_acl` on the document (it shares the "
                "version with the approvers).",
                e409="The document is not a draft (in review, approved, rejected, archived) or "
                "has no version.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Start a run pinned to the route's current version and the document's current
        version; the document goes `in_review`."""
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = runs.submit(
            context=context_from(request), document_id=pk, route_id=form.validated_data["route"]
        )
        response = _run(run.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class WithdrawView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: RouteRunSerializer,
            **error_responses(
                403,
                409,
                e403="Only the submitter (or an administrator) withdraws.",
                e409="The document is in no running route.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """The submitter takes the document out of review: the run ends, the document is a
        draft again."""
        run = runs.withdraw(context=context_from(request), document_id=pk)
        return _run(run.pk)


class DocumentRunsView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=RouteRunSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        found = runs.runs_of(actor=request.user, document_id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(RouteRunSerializer(page, many=True).data)


class InboxView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=InboxTaskSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The caller's open approval tasks, through their groups and roles too, newest first."""
        paginator = Pagination()
        page = paginator.paginate_queryset(inbox.inbox(actor=request.user), request, view=self)
        return paginator.get_paginated_response(InboxTaskSerializer(page, many=True).data)


class DecideView(APIView):
    @extend_schema(
        request=DECISION_SCHEMA,
        responses={
            201: SignOffSerializer,
            **error_responses(
                403,
                409,
                e403="The task is another approver's.",
                e409="Decided already, the task's step is over, or the run has finished.",
            ),
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        """Approve, reject or return (the last two with a comment): a sign-off bound to the
        version's SHA-256 and signed."""
        form = DecideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        sign_off = decisions.decide(
            context=context_from(request),
            task_id=task_id,
            decision=form.validated_data["decision"],
            comment=form.validated_data["comment"],
        )
        return Response(SignOffSerializer(sign_off).data, status=status.HTTP_201_CREATED)


class ReassignView(APIView):
    @extend_schema(
        request=ReassignSerializer,
        responses={
            200: TaskSerializer,
            **error_responses(
                403,
                409,
                e403="Only the route's owner or an administrator reassigns.",
                e409="The task is no longer open, or the principal has a task in its step.",
            ),
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        """Hand an open task, and the access to the version under review, to another
        principal."""
        form = ReassignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        task = reassign.reassign(
            context=context_from(request), task_id=task_id, principal=form.validated_data["to"]
        )
        return Response(TaskSerializer(task).data)


class VerifyRunView(APIView):
    @extend_schema(responses=VerifySerializer)
    def get(self, request: Request, pk: int) -> Response:
        """Recompute each decision's signature from what is stored: `valid` false for a
        decision changed after it was signed."""
        run, checks = decisions.verify_run(actor=request.user, run_id=pk)
        body = {
            "run": run.pk,
            "ok": all(check.valid for check in checks),
            "checked": len(checks),
            "decisions": [
                {
                    "id": check.sign_off.pk,
                    "step": check.sign_off.step,
                    "actor": check.sign_off.actor_username,
                    "on_behalf_of": check.sign_off.on_behalf_of,
                    "decision": check.sign_off.decision,
                    "valid": check.valid,
                }
                for check in checks
            ],
        }
        return Response(body)
