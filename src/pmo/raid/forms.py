from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import MAX_ITERATIONS, MIN_ITERATIONS, Assumption, Issue, Risk, RiskStatus
from .services import ASSUMPTION_FIELDS, ISSUE_FIELDS, RISK_FIELDS

TEXT = forms.Textarea(attrs={"rows": 2})


class RaidForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = users_for_choice()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"


class RiskForm(RaidForm):
    class Meta:
        model = Risk
        fields = [*RISK_FIELDS, "tasks"]
        widgets = {"proximity": DATE, "review_date": DATE, "description": TEXT, "cause": TEXT, "event": TEXT,
                   "effect": TEXT}

    def __init__(self, *args, task_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task_choices is None:
            del self.fields["tasks"]
        else:
            self.fields["tasks"].queryset = task_choices
            self.fields["tasks"].widget.attrs["size"] = 6
            self.fields["tasks"].help_text = "the schedule impact lengthens these tasks in the Monte Carlo simulation"
        status = self.fields["status"]
        current = self.instance.status if self.instance.pk else None
        status.choices = [(v, label) for v, label in RiskStatus.choices
                          if v != RiskStatus.OCCURRED or current == RiskStatus.OCCURRED]
        self.fields["strategy"].help_text = ("threats: avoid, reduce, transfer, share, accept; "
                                             "opportunities: exploit, enhance, share, accept")
        self.fields["review_date"].help_text = "setting a new review date records the trend since the last review"


class IssueForm(RaidForm):
    class Meta:
        model = Issue
        fields = list(ISSUE_FIELDS)
        widgets = {"raised_on": DATE, "due": DATE, "description": TEXT, "resolution": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"].required = False


class AssumptionForm(RaidForm):
    class Meta:
        model = Assumption
        fields = list(ASSUMPTION_FIELDS)
        widgets = {"validation_date": DATE, "description": TEXT}


class ActionForm(forms.Form):
    description = forms.CharField(max_length=300)
    owner = forms.ModelChoiceField(queryset=users_for_choice(), required=False)
    due = forms.DateField(required=False, widget=DATE)


class RunForm(forms.Form):
    iterations = forms.IntegerField(min_value=MIN_ITERATIONS, max_value=MAX_ITERATIONS, initial=10_000)
    seed = forms.IntegerField(min_value=0, required=False)
    target_date = forms.DateField(required=False, widget=DATE)


class ScaleForm(forms.Form):
    """The 5x5 scale: a label per probability and impact level, and where the rating bands start."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    medium_from = forms.IntegerField(min_value=1, max_value=25, label="Medium from score")
    high_from = forms.IntegerField(min_value=1, max_value=25, label="High from score")
    critical_from = forms.IntegerField(min_value=1, max_value=25, label="Critical from score")

    def __init__(self, *args, scale, disabled: bool = False, **kwargs):
        initial = {"version": scale.version, "medium_from": scale.medium_from, "high_from": scale.high_from,
                   "critical_from": scale.critical_from}
        for level in range(1, 6):
            initial[f"probability_{level}"] = scale.probability_levels[level - 1]
            initial[f"impact_{level}"] = scale.impact_levels[level - 1]
        super().__init__(*args, initial=initial, **kwargs)
        for kind in ("probability", "impact"):
            for level in range(1, 6):
                self.fields[f"{kind}_{level}"] = forms.CharField(max_length=120, label=f"{kind.title()} {level}")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
            field.disabled = disabled and not isinstance(field.widget, forms.HiddenInput)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {"probability_levels": [data[f"probability_{k}"] for k in range(1, 6)],
                "impact_levels": [data[f"impact_{k}"] for k in range(1, 6)],
                "medium_from": data["medium_from"], "high_from": data["high_from"],
                "critical_from": data["critical_from"]}
