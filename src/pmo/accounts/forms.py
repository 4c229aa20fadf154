from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .services import LockedOut, login_check


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, counting failures through :func:`login_check`."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Wrong username or password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = login_check(username=username, password=password, request=self.request)
            except LockedOut as exc:
                raise forms.ValidationError(str(exc), code="locked") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
