from __future__ import annotations

from django import forms

from pmo.portfolio.forms import VersionedForm

from .models import Adoption, AdoptionStatus, Lesson
from .services import ADOPTION_FIELDS, LESSON_FIELDS, NOTE_LENGTH

TEXT = forms.Textarea(attrs={"rows": 4})


class _Plain(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")


class MarkForm(_Plain):
    note = forms.CharField(max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="the evidence (where the acceptance is recorded), or the reason for the override")


class ArchiveForm(_Plain):
    note = forms.CharField(max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Note (optional)")


class UnarchiveForm(_Plain):
    reason = forms.CharField(max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="why the project must be writable again (recorded in the audit trail)")


class LessonForm(VersionedForm):
    tags = forms.CharField(max_length=330, required=False, help_text="comma-separated, e.g. data migration, vendor")

    class Meta:
        model = Lesson
        fields = list(LESSON_FIELDS)
        widgets = {"what_happened": TEXT, "recommendation": TEXT}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].required = True
        self.fields["project"].empty_label = None
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tag_list)


class AdoptionForm(VersionedForm):
    project = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="the project that adopts it")

    class Meta:
        model = Adoption
        fields = list(ADOPTION_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is None:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
            self.fields["project"].widget.attrs["class"] = "form-select"
            self.order_fields(["project", "status", "note"])
        self.fields["status"].choices = AdoptionStatus.choices
