"""Sign-in and sign-out pages."""

from typing import Any

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from permissions.login import LoginThrottled, sign_in


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form through the same throttled, audited sign-in as the API."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Wrong username or password.",
        "login_throttled": "Too many failed sign-ins: try again in %(minutes)d minutes.",
    }
    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        if self.request is None:  # not a sign-in over HTTP
            return super().clean()
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = sign_in(self.request, username=username, password=password)
            except LoginThrottled as throttled:
                self.retry_after = throttled.retry_after
                raise forms.ValidationError(
                    self.error_messages["login_throttled"],
                    code="login_throttled",
                    params={"minutes": -(-throttled.retry_after // 60)},
                ) from throttled
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AuditedLoginView(LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        retry_after = getattr(form, "retry_after", None)
        if retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


urlpatterns: list[URLPattern] = [
    path("login/", AuditedLoginView.as_view(), name="login"),
    path("logout/", logout_view, name="logout"),
]
