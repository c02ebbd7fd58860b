from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import health

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("permissions.urls")),
    path("", include("repository.urls")),
    path("", include("audit.urls")),
    path("", include("search.urls")),
    path("", include("crm.urls")),
    path("", include("lifecycle.api.urls")),
    path("", include("templating.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # A browser without a session is sent to the login page rather than shown a 401.
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="schema")),
        name="api-docs",
    ),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include(api_patterns)),
    path("", include("web.urls")),
]

handler404 = "config.handlers.not_found"
handler500 = "config.handlers.failed"
