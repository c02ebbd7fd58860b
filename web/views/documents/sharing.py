"""The Permissions editor: replace an object's ACL through the ACL endpoint's own service.

The posted rows become the body of `PUT .../acl/` (`web.forms.documents.acl_data`), are
validated by the API's `AclSerializer` and written by `permissions.acl.set_acl`, so the page
writes the same `document.acl_change` / `folder.acl_change` event. The folder page uses
`replace_acl` too.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.record import context_from
from permissions import acl
from permissions.access import get_document
from permissions.codes import Permission
from permissions.serializers import AclSerializer
from web.forms.documents import acl_data
from web.outcomes import ServiceError, service_error
from web.views.documents.page import render_document, visible_document

SAVED = "The permissions are saved."


def replace_acl(request: HttpRequest, target: Any) -> None:
    """Validate the editor's rows as the API does and replace the ACL (raises ServiceError)."""
    form = AclSerializer(data=acl_data(request.POST))
    form.is_valid(raise_exception=True)
    acl.set_acl(
        context=context_from(request),
        target=target,
        inherit=form.validated_data["inherit"],
        entries=form.validated_data["entries"],
    )


@login_required
@require_POST
def document_permissions(request: HttpRequest, pk: int) -> HttpResponse:
    document = visible_document(request, pk)
    try:
        document = get_document(request.user, pk, Permission.MANAGE_ACL)
        replace_acl(request, document)
    except ServiceError as error:
        outcome = service_error(error)
        return render_document(
            request,
            document,
            status=outcome.status,
            error=outcome.message,
            acl_error=outcome.message,
        )
    messages.success(request, SAVED)
    return redirect(reverse("document", args=[pk]) + "#permissions")
