"""Pages of the audit area (records managers and administrators; others get the 404 page)."""

from django.urls import URLPattern, path

from web.views.audit import events, holds

urlpatterns: list[URLPattern] = [
    path("audit/", events.events, name="audit"),
    path("audit/verify/", events.verification, name="audit-verification"),
    path("audit/holds/", holds.hold_list, name="audit-holds"),
    path("audit/holds/<int:pk>/release/", holds.release, name="audit-hold-release"),
]
