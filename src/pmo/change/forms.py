from __future__ import annotations

import json

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .edits import MAX_EDITS
from .models import ChangeRequest, Deliverable, DeliverableStatus, ScopeItem
from .services import MAX_TASKS, WORKING_STATUSES

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


class _ScopeForm(VersionedForm):
    """A deliverable or scope item: its tasks among the project's WBS tasks."""

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks
        self.fields["tasks"].widget.attrs["size"] = 8

    def clean_tasks(self):
        tasks = self.cleaned_data.get("tasks")
        if tasks is not None and len(tasks) > MAX_TASKS:
            raise forms.ValidationError(f"at most {MAX_TASKS} tasks")
        return list(tasks) if tasks is not None else []


class DeliverableForm(_ScopeForm):
    class Meta:
        model = Deliverable
        fields = ["code", "name", "status", "due", "owner", "description", "acceptance_criteria", "tasks"]
        widgets = {"due": DATE, "description": TEXT, "acceptance_criteria": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        status = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [(s, DeliverableStatus(s).label) for s in WORKING_STATUSES]
        if status and status not in WORKING_STATUSES:
            # decided: the status stays unless set back to a working one (which clears the decision)
            self.fields["status"].choices = [(status, DeliverableStatus(status).label)] + self.fields["status"].choices
            self.fields["status"].help_text = "setting a working status clears the acceptance decision"

    def changes(self) -> dict:
        changes = super().changes()
        if self.instance.pk and changes.get("status") == self.instance.status:
            changes.pop("status")
        return changes


class ScopeItemForm(_ScopeForm):
    class Meta:
        model = ScopeItem
        fields = ["code", "name", "status", "deliverable", "description", "acceptance_criteria", "tasks"]
        widgets = {"description": TEXT, "acceptance_criteria": TEXT}

    def __init__(self, *args, deliverables, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = deliverables
        self.fields["deliverable"].empty_label = "none"
