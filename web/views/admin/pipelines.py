"""Pipelines (deal directions) in administration: the list with their stages, a new pipeline,
editing one's name and ordered stages, deleting one. Every change goes through
`crm.services.pipelines`, the API's use cases, so the same refusals (a stage holding deals, the
default pipeline) and audit events hold."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.record import context_from
from crm.models import Pipeline, default_pipeline
from crm.services import pipelines as services
from permissions.access import require_admin
from web.forms.crm_admin import PipelineForm
from web.outcomes import ServiceError, only_for, service_error, show_on_form


def _pipeline_or_404(pk: int) -> Pipeline:
    pipeline = Pipeline.objects.filter(pk=pk).first() if 0 < pk <= 2**63 - 1 else None
    if pipeline is None:
        raise Http404("No such pipeline.")
    return pipeline


@require_GET
@only_for(require_admin)
def pipeline_list(request: HttpRequest) -> HttpResponse:
    default_pipeline()  # made by a migration; made again where a flush emptied the table
    context = {
        "nav_area": "administration",
        "admin_area": "pipelines",
        "pipelines": Pipeline.objects.prefetch_related("stages"),
    }
    return render(request, "web/admin/pipelines.html", context)


def _form_page(
    request: HttpRequest,
    form: PipelineForm,
    pipeline: Pipeline | None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {
        "nav_area": "administration",
        "admin_area": "pipelines",
        "form": form,
        "pipeline": pipeline,
        "error": error,
    }
    return render(request, "web/admin/pipeline.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def pipeline_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, PipelineForm(), None)
    form = PipelineForm(request.POST)
    body = form.api_data()
    if body is None:
        return _form_page(request, form, None, status=400)
    try:
        pipeline = services.create_pipeline(
            context=context_from(request), name=body["name"], stages=body["stages"]
        )
    except ServiceError as refused:
        return _form_page(request, form, None, status=show_on_form(form, refused))
    messages.success(request, f"The pipeline {pipeline.name} was created.")
    return redirect("administration-pipelines")


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def pipeline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline_or_404(pk)
    if request.method != "POST":
        return _form_page(request, PipelineForm(pipeline=pipeline), pipeline)
    form = PipelineForm(request.POST, pipeline=pipeline)
    body = form.api_data()
    if body is None:
        return _form_page(request, form, pipeline, status=400)
    try:
        services.update_pipeline(context=context_from(request), pipeline=pipeline, changes=body)
    except ServiceError as refused:
        return _form_page(request, form, pipeline, status=show_on_form(form, refused))
    messages.success(request, "Changes saved.")
    return redirect("administration-pipelines")


@require_POST
@only_for(require_admin)
def pipeline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline_or_404(pk)
    try:
        services.delete_pipeline(context=context_from(request), pipeline=pipeline)
    except ServiceError as refused:
        outcome = service_error(refused)
        form = PipelineForm(pipeline=pipeline)
        return _form_page(request, form, pipeline, outcome.status, outcome.message)
    messages.success(request, f"The pipeline {pipeline.name} was deleted.")
    return redirect("administration-pipelines")


urlpatterns: list[URLPattern] = [
    path("administration/pipelines/", pipeline_list, name="administration-pipelines"),
    path("administration/pipelines/new/", pipeline_new, name="administration-pipeline-new"),
    path("administration/pipelines/<int:pk>/", pipeline_edit, name="administration-pipeline"),
    path(
        "administration/pipelines/<int:pk>/delete/",
        pipeline_delete,
        name="administration-pipeline-delete",
    ),
]
