"""The pages. Each area's module lists its own paths, so areas are added without touching others."""

from django.urls import URLPattern, URLResolver

from web.views import admin, approvals, audit, auth, crm, documents, folders, search, spelling

urlpatterns: list[URLPattern | URLResolver] = [
    *auth.urlpatterns,
    *documents.urlpatterns,
    *folders.urlpatterns,
    *search.urlpatterns,
    *audit.urlpatterns,
    *admin.urlpatterns,
    *crm.urlpatterns,
    *approvals.urlpatterns,
    *spelling.urlpatterns,
]
