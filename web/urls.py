from django.urls import path

from web import views

urlpatterns = [
    path("login/", views.AuditedLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
]
