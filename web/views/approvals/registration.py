"""The document page's Registration section: the document's journal numbers and, for those
who may edit the document, **Register** in a chosen **Journal**.

The button calls `register` (`lifecycle.services.journals`), as
`POST /api/v1/documents/{id}/register/` does, so `edit` is checked and `document.register`
written there; a refusal shows the document page with the service's message and status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.record import context_from
from lifecycle.api.journals import RegisterSerializer
from lifecycle.services import journals
from web.outcomes import ServiceError, service_error
from web.views.documents.page import render_document, visible_document


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    document = visible_document(request, pk)  # the 404 page for one who may not view it
    try:
        form = RegisterSerializer(data=request.POST)
        form.is_valid(raise_exception=True)
        registration = journals.register(
            context=context_from(request),
            document_id=pk,
            journal_code=form.validated_data["journal"],
        )
    except ServiceError as refused:
        outcome = service_error(refused)
        return render_document(request, document, status=outcome.status, error=outcome.message)
    messages.success(request, f"Registered as {registration.number}.")
    return redirect(reverse("document", args=[pk]) + "#registration-heading")
