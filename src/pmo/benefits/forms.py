from __future__ import annotations

import re

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import Benefit, BenefitSettings, Candidate, Contribution, NodeKind, Objective, SelectionScenario
from .services import BENEFIT_FIELDS, CANDIDATE_FIELDS, OBJECTIVE_FIELDS, SCENARIO_FIELDS, SETTINGS_FIELDS


class AmountsField(forms.CharField):
    """Amounts separated by spaces, commas, semicolons or new lines (the model validates each)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return " ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [item for item in re.split(r"[\s,;]+", text.strip()) if item]


class SettingsForm(VersionedForm):
    class Meta:
        model = BenefitSettings
        fields = sorted(SETTINGS_FIELDS)
        widgets = {"valuation_date": DATE}


class ObjectiveForm(VersionedForm):
    class Meta:
        model = Objective
        fields = ["code", "title", "weight", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


assert set(ObjectiveForm.Meta.fields) == OBJECTIVE_FIELDS


class BenefitForm(VersionedForm):
    schedule = AmountsField(required=False, max_length=20_000,
                            help_text="planned value per month from the first month, e.g. 0 0 10000 10000")

    class Meta:
        model = Benefit
        fields = ["title", "description", "is_disbenefit", "category", "owner_name", "owner_email", "owner_user",
                  "measure", "unit", "direction", "baseline_value", "baseline_date", "target_value", "target_date",
                  "method", "frequency", "milestones", "schedule_start", "schedule"]
        widgets = {"baseline_date": DATE, "target_date": DATE, "schedule_start": DATE,
                   "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = users_for_choice()
        self.fields["milestones"].queryset = milestones
        self.fields["milestones"].label_from_instance = lambda t: f"{t.project.code} {t.name} ({t.finish or '—'})"
        self.fields["milestones"].widget.attrs["size"] = 8
        self.fields["is_disbenefit"].widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict:
        data = super().changes()
        data["milestones"] = list(data.get("milestones") or [])
        return data


assert set(BenefitForm.Meta.fields) == BENEFIT_FIELDS | {"milestones"}


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(widget=DATE)
    value = forms.DecimalField(max_digits=16, decimal_places=2, help_text="the measure's value on that day")
    realised = forms.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                  help_text="money realised in that month (financial benefits)")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class HandoverForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.CharField(max_length=120, label="Handed over to", help_text="the business owner taking it over")
    on = forms.DateField(widget=DATE, required=False, help_text="today when empty")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class NodeForm(forms.Form):
    kind = forms.ChoiceField(choices=NodeKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))


class EdgeForm(forms.Form):
    """An arrow: the source and target are chosen from one list each (keys like ``node:3``)."""

    source = forms.ChoiceField(widget=forms.Select(attrs={"class": "form-select"}))
    target = forms.ChoiceField(widget=forms.Select(attrs={"class": "form-select"}))
    contribution = forms.ChoiceField(choices=Contribution.choices, initial=Contribution.HIGH,
                                     help_text="to an objective: how strongly (the strategic fit counts it)",
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, sources, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources
        self.fields["target"].choices = targets


class CandidateForm(VersionedForm):
    costs = AmountsField(required=False, max_length=2000, help_text="cost per budget year from the first year")

    class Meta:
        model = Candidate
        fields = ["code", "name", "project", "costs", "mandatory", "urgency", "requires", "objectives",
                  "npv_estimate", "risk_estimate", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        requires = Candidate.objects.order_by("code")
        if self.instance.pk:
            requires = requires.exclude(pk=self.instance.pk)
        self.fields["requires"].queryset = requires
        self.fields["mandatory"].widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict:
        data = super().changes()
        data["requires"] = list(data.get("requires") or [])
        data["objectives"] = list(data.get("objectives") or [])
        return data


assert set(CandidateForm.Meta.fields) == CANDIDATE_FIELDS | {"requires", "objectives"}


class ScenarioForm(VersionedForm):
    budgets = AmountsField(max_length=2000, help_text="the budget of each year from the first year")

    class Meta:
        model = SelectionScenario
        fields = ["name", "first_year", "budgets", "basis", "weight_fit", "weight_npv", "weight_risk",
                  "weight_urgency"]
        labels = {"weight_fit": "Weight: strategic fit", "weight_npv": "Weight: NPV",
                  "weight_risk": "Weight: risk exposure", "weight_urgency": "Weight: urgency"}


assert set(ScenarioForm.Meta.fields) == SCENARIO_FIELDS
