from django.urls import path

from audit import views

urlpatterns = [
    path("audit/events/", views.AuditEventsView.as_view(), name="audit-events"),
    path("audit/events/export/", views.AuditExportView.as_view(), name="audit-export"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
]
