from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice

from .models import Program, Project
from .policies import program_policy
from .services import PROGRAM_FIELDS, PROJECT_FIELDS


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was read at, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def _post_clean(self):
        """Validation is the service's job (it also runs model validation); skip ModelForm's copy."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgramForm(VersionedForm):
    class Meta:
        model = Program
        fields = list(PROGRAM_FIELDS)
        widgets = {"start": DATE, "end": DATE, "description": forms.Textarea(attrs={"rows": 4}),
                   "strategic_objectives": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program_manager"].queryset = users_for_choice()
        if self.instance.pk and not program_policy.can(user, "change_status", self.instance):
            self.fields["status"].disabled = True
            self.fields["status"].help_text = "set by the PMO Director"


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {"start": DATE, "finish": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, programs, can_reassign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["project_manager"].queryset = users_for_choice()
        if not can_reassign:
            for name in ("program", "code", "project_manager"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "set by the program manager"
