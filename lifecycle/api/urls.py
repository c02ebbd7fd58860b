from django.urls import path

from lifecycle.api.absence import AbsenceView
from lifecycle.api.journals import JournalsView, RegisterView
from lifecycle.api.routes import RouteDetailView, RoutesView, RouteVersionsView
from lifecycle.api.runs import (
    DecideView,
    DocumentRunsView,
    InboxView,
    ReassignView,
    SubmitView,
    VerifyRunView,
    WithdrawView,
)

urlpatterns = [
    path("routes/", RoutesView.as_view(), name="routes"),
    path("routes/<int:pk>/", RouteDetailView.as_view(), name="route-detail"),
    path("routes/<int:pk>/versions/", RouteVersionsView.as_view(), name="route-versions"),
    path("documents/<int:pk>/submit/", SubmitView.as_view(), name="document-submit"),
    path("documents/<int:pk>/withdraw/", WithdrawView.as_view(), name="document-withdraw"),
    path("documents/<int:pk>/route-runs/", DocumentRunsView.as_view(), name="document-runs"),
    path("approvals/inbox/", InboxView.as_view(), name="approval-inbox"),
    path("approvals/absence/", AbsenceView.as_view(), name="approval-absence"),
    path("approvals/<int:task_id>/decide/", DecideView.as_view(), name="approval-decide"),
    path("approvals/<int:task_id>/reassign/", ReassignView.as_view(), name="approval-reassign"),
    path("route-runs/<int:pk>/verify/", VerifyRunView.as_view(), name="route-run-verify"),
    path("journals/", JournalsView.as_view(), name="journals"),
    path("documents/<int:pk>/register/", RegisterView.as_view(), name="document-register"),
]
