from django.urls import path

from permissions import acl_views, views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("users/me/", views.MeView.as_view(), name="users-me"),
    path("users/", views.UsersView.as_view(), name="users"),
    path("users/<str:username>/", views.UserDetailView.as_view(), name="user-detail"),
    path("groups/", views.GroupsView.as_view(), name="groups"),
    path("groups/<str:name>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("documents/<int:pk>/acl/", acl_views.DocumentAclView.as_view(), name="document-acl"),
    path(
        "documents/<int:pk>/permissions/",
        acl_views.DocumentPermissionsView.as_view(),
        name="document-permissions",
    ),
    path("folders/<int:pk>/acl/", acl_views.FolderAclView.as_view(), name="folder-acl"),
]
