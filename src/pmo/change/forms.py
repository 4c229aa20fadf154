from __future__ import annotations

import json

from django import forms

from pmo.portfolio.forms import VersionedForm

from .edits import MAX_EDITS
from .models import ChangeRequest, DeliverableStatus

TEXT = forms.Textarea(attrs={"rows": 3})


class ChangeRequestForm(VersionedForm):
    """A change request; its edits as JSON (a list of typed operations, README "Change control")."""

    edits = forms.CharField(required=False, max_length=100000, widget=forms.Textarea(attrs={"rows": 8,
                                                                                         "class": "font-monospace"}),
                            help_text='a JSON list, e.g. [{"op": "task_update", "task": 12, "duration": 15}]; '
                                      "ops: task_add, task_update, link_add, link_remove, budget_line, benefit_target")

    class Meta:
        model = ChangeRequest
        fields = ["project", "title", "type", "urgency", "description", "justification", "edits"]
        widgets = {"description": TEXT, "justification": TEXT}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = "the whole program"
        if self.instance.pk and not self.is_bound:
            self.initial["edits"] = json.dumps(self.instance.edits, indent=1)
        self.fields["edits"].widget.attrs["class"] = "form-control font-monospace"

    def clean_edits(self):
        raw = (self.cleaned_data.get("edits") or "").strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"not valid JSON: {exc}") from None
        if not isinstance(value, list) or len(value) > MAX_EDITS:
            raise forms.ValidationError(f"a JSON list of at most {MAX_EDITS} edits")
        return value


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", "Approve"), ("rejected", "Reject"), ("deferred", "Defer")],
                                 widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2,
                                                                                        "class": "form-control"}))


class DeliverableDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(DeliverableStatus.ACCEPTED, "Accept"),
                                          (DeliverableStatus.REJECTED, "Reject")])
    note = forms.CharField(required=False, max_length=2000)
