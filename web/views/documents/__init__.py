"""Pages of the documents area: the list (also `/`), upload and the document page."""

from django.urls import URLPattern, path

from web.views.documents import actions, listing, page, pictures, sharing

urlpatterns: list[URLPattern] = [
    path("", listing.document_list, name="home"),
    path("documents/", listing.document_list, name="documents"),
    path("documents/upload/", listing.upload, name="document_upload"),
    path("documents/<int:pk>/", page.document_page, name="document"),
    path("documents/<int:pk>/text/", page.document_text, name="document_text"),
    path("documents/<int:pk>/download/", actions.download, name="document_download"),
    path("documents/<int:pk>/thumbnail/", pictures.thumbnail, name="document_thumbnail"),
    path("documents/<int:pk>/preview/", pictures.preview, name="document_preview"),
    path(
        "documents/<int:pk>/versions/<int:number>/searchable/",
        pictures.searchable_pdf,
        name="document_searchable_pdf",
    ),
    path("documents/<int:pk>/lock/", actions.lock, name="document_lock"),
    path("documents/<int:pk>/unlock/", actions.unlock, name="document_unlock"),
    path("documents/<int:pk>/versions/", actions.new_version, name="document_new_version"),
    path("documents/<int:pk>/delete/", actions.delete, name="document_delete"),
    path("documents/<int:pk>/links/", actions.add_link, name="document_add_link"),
    path(
        "documents/<int:pk>/links/<int:link_id>/remove/",
        actions.remove_link,
        name="document_remove_link",
    ),
    path(
        "documents/<int:pk>/permissions/",
        sharing.document_permissions,
        name="document_permissions",
    ),
]
