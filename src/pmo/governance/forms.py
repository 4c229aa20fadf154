from __future__ import annotations

from django import forms

from pmo.portfolio.forms import DATE, VersionedForm

from .models import DecisionKind, GateCriterion, Verdict
from .services import CRITERION_FIELDS, RECORDED_KINDS

TEXT = forms.Textarea(attrs={"rows": 3})
VOTE = {"required": False, "min_value": 0, "max_value": 500}


class CriterionForm(VersionedForm):
    evidence_url = forms.URLField(label="Evidence link", max_length=500, required=False, assume_scheme="https",
                                  help_text="where the evidence is (intranet page, signed minutes, ...)")

    class Meta:
        model = GateCriterion
        fields = list(CRITERION_FIELDS)
        widgets = {"note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].widget.attrs["class"] = "form-check-input"
        if self.instance.computed:
            self.fields.pop("met")


class ReviewScheduleForm(forms.Form):
    scheduled_for = forms.DateField(label="Review date", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].widget.attrs["class"] = "form-control"

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class _VotesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rationale = forms.CharField(max_length=5000, required=False, widget=TEXT)
    votes_for = forms.IntegerField(label="Votes for", **VOTE)
    votes_against = forms.IntegerField(label="Votes against", **VOTE)
    votes_abstain = forms.IntegerField(label="Abstentions", **VOTE)

    def __init__(self, *args, votes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not votes:
            for name in ("votes_for", "votes_against", "votes_abstain"):
                self.fields.pop(name)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DecisionForm(_VotesForm):
    verdict = forms.ChoiceField(label="Decision", choices=Verdict.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(max_length=2000, required=False, widget=TEXT,
                                 help_text="only for a go with conditions")
    field_order = ["verdict", "conditions", "rationale", "votes_for", "votes_against", "votes_abstain"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"


class BudgetDecisionForm(_VotesForm):
    approve = forms.TypedChoiceField(label="Decision", choices=[("yes", "Approve"), ("no", "Reject")],
                                     coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    field_order = ["approve", "rationale", "votes_for", "votes_against", "votes_abstain"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approve"].widget.attrs["class"] = "form-check-input"


class MeetingDecisionForm(_VotesForm):
    title = forms.CharField(label="Decision", max_length=200)
    outcome = forms.CharField(max_length=40, help_text="approved, rejected, deferred, ...")
    kind = forms.ChoiceField(choices=[(k, DecisionKind(k).label) for k in RECORDED_KINDS], initial=DecisionKind.OTHER)
    decided_on = forms.DateField(widget=DATE)
    field_order = ["title", "outcome", "kind", "decided_on", "rationale", "votes_for", "votes_against",
                   "votes_abstain"]
