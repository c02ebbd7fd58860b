"""Pages of the administration area (administrators only; others get the 404 page).

Every change goes through the services the API's views call (`permissions.services`,
`repository.services.document_types`), so the same rules hold and the same events are written.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from permissions.access import require_admin
from web.outcomes import only_for
from web.views.admin import (
    crm_fields,
    document_types,
    groups,
    journals,
    pipelines,
    roles,
    templates,
    users,
)


@require_GET
@only_for(require_admin)
def index(request: HttpRequest) -> HttpResponse:
    context = {"nav_area": "administration", "admin_area": ""}
    return render(request, "web/admin/index.html", context)


urlpatterns: list[URLPattern] = [
    path("administration/", index, name="administration"),
    path("administration/users/", users.user_list, name="administration-users"),
    path("administration/users/<str:username>/", users.user_edit, name="administration-user"),
    path("administration/groups/", groups.group_list, name="administration-groups"),
    path("administration/groups/<str:name>/", groups.group_edit, name="administration-group"),
    path("administration/roles/", roles.role_list, name="administration-roles"),
    path("administration/roles/remove/", roles.role_remove, name="administration-role-remove"),
    path(
        "administration/document-types/",
        document_types.type_list,
        name="administration-document-types",
    ),
    *pipelines.urlpatterns,
    *crm_fields.urlpatterns,
    path("administration/journals/", journals.journal_list, name="administration-journals"),
    path("administration/templates/", templates.template_list, name="administration-templates"),
    path(
        "administration/templates/<int:pk>/",
        templates.template_detail,
        name="administration-template",
    ),
]
