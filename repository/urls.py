from django.urls import path
from rest_framework.routers import SimpleRouter

from repository.views.documents import DocumentViewSet
from repository.views.folders import DocumentTypeViewSet, FolderViewSet
from repository.views.holds import HoldDetailView, HoldsView
from repository.views.links import DocumentLinkDetailView, DocumentLinksView

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("folders", FolderViewSet, basename="folder")
router.register("document-types", DocumentTypeViewSet, basename="document-type")

urlpatterns = [
    path("documents/<int:pk>/links/", DocumentLinksView.as_view(), name="document-links"),
    path(
        "documents/<int:pk>/links/<int:link_id>/",
        DocumentLinkDetailView.as_view(),
        name="document-link-detail",
    ),
    path("holds/", HoldsView.as_view(), name="holds"),
    path("holds/<int:pk>/", HoldDetailView.as_view(), name="hold-detail"),
    *router.urls,
]
