from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Role
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


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class PersonForm(BootstrapForm):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, help_text="at least 8 characters, not a common one")


class GrantForm(BootstrapForm):
    """A role over a scope: leave both program and project empty for the whole portfolio."""

    user = forms.ModelChoiceField(queryset=None)
    role = forms.ChoiceField(choices=Role.choices)
    program = forms.ModelChoiceField(queryset=None, required=False)
    project = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, users, programs, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["program"].queryset = programs
        self.fields["project"].queryset = projects

    def clean(self):
        data = super().clean()
        if data.get("program") and data.get("project"):
            raise forms.ValidationError("choose a program or a project, not both")
        return data
