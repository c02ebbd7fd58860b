"""Pages of approval routes: the inbox, the document's Approval section's actions, and routes.

Every change goes through `lifecycle.services` (the API's use cases), so the same rules hold
and the same events (`approval.decide`, `route.submit`, `route.withdraw`, `route.create`,
`route.edit`, `approval.reassign`, `absence.set`, `absence.end`,
`document.register`) are written.
"""

from django.urls import URLPattern, path

from web.views.approvals import absence, inbox, registration, routes, runs

urlpatterns: list[URLPattern] = [
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/<int:task_id>/decide/", inbox.decide, name="inbox-decide"),
    path("inbox/absence/", absence.absence_page, name="inbox-absence"),
    path("inbox/absence/end/", absence.end_absence, name="inbox-absence-end"),
    path("documents/<int:pk>/submit/", runs.submit, name="document_submit"),
    path("documents/<int:pk>/withdraw/", runs.withdraw, name="document_withdraw"),
    path(
        "documents/<int:pk>/tasks/<int:task_id>/reassign/",
        runs.reassign,
        name="document_task_reassign",
    ),
    path("documents/<int:pk>/register/", registration.register, name="document_register"),
    path("routes/", routes.route_list, name="routes"),
    path("routes/<int:pk>/", routes.route_page, name="route"),
    path("routes/<int:pk>/versions/", routes.route_versions, name="route-versions"),
]
