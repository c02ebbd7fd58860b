"""Server-rendered pages. For now: sign-in and a landing page pointing at the API docs."""

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import context_from, record


class AuditedLoginView(LoginView):
    template_name = "web/login.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record(
            context_from(self.request, user), "login", object_type="user", object_id=user.username
        )
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", ""))[:150]
        record(context_from(self.request), "login_failed", object_type="user", object_id=username)
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"user": request.user}
    return render(request, "web/home.html", context)
