from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import Assignment, CostRate, Leave, LevelingMode, Organisation, Resource, ResourceKind, Skill, Team
from .services import ORGANISATION_FIELDS, RATE_FIELDS, RESOURCE_FIELDS, SKILL_FIELDS, TEAM_FIELDS


class PoolForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"


class ResourceForm(PoolForm):
    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_for_choice()
        self.fields["weekmask"].help_text = "Monday first, 1 = working (1111100: Monday to Friday)"


class TeamForm(PoolForm):
    class Meta:
        model = Team
        fields = list(TEAM_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class OrganisationForm(PoolForm):
    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)


class SkillForm(PoolForm):
    class Meta:
        model = Skill
        fields = list(SKILL_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class HeldSkillForm(forms.Form):
    skill = forms.ModelChoiceField(Skill.objects.all(), widget=forms.Select(attrs={"class": "form-select"}))
    level = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(1, 6)], coerce=int, initial=3,
                                   widget=forms.Select(attrs={"class": "form-select"}))


class _Plain(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class LeaveForm(_Plain):
    class Meta:
        model = Leave
        fields = ["start", "finish", "kind", "note"]
        widgets = {"start": DATE, "finish": DATE}

    def _post_clean(self):
        """The service validates (overlaps included)."""


class RateForm(_Plain):
    class Meta:
        model = CostRate
        fields = list(RATE_FIELDS)
        widgets = {"effective_from": DATE}

    def _post_clean(self):
        """The service validates."""


class AssignmentForm(VersionedForm):
    resource = forms.ModelChoiceField(Resource.objects.none(), widget=forms.Select(attrs={"class": "form-select"}))
    units = forms.DecimalField(required=False, min_value=0, max_digits=7, decimal_places=2,
                               help_text="share of each working day in %: 100 = full time (or give hours)")
    work = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2,
                              help_text="hours over the whole task (or give units)")

    class Meta:
        model = Assignment
        fields = ["resource", "units", "work", "effort_driven", "note"]

    def __init__(self, *args, with_resource: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_resource:
            self.fields["resource"].queryset = Resource.objects.filter(active=True).order_by("kind", "name")
            self.fields["resource"].label_from_instance = lambda r: (
                f"{r.name} (role: {r.max_units * 100:.0f} %)" if r.kind == ResourceKind.ROLE
                else f"{r.name} ({r.max_units * 100:.0f} %)")
        else:
            del self.fields["resource"]
        if self.instance.pk:
            self.initial["units"] = self.instance.units * 100
        self.fields["effort_driven"].widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in ("effort_driven", "note")}
        units, work = self.cleaned_data.get("units"), self.cleaned_data.get("work")
        if self.instance.pk:
            if units is not None and units / 100 != self.instance.units:
                data["units"] = units / 100
            if work is not None and work != self.instance.work:
                data["work"] = work
        else:
            data |= {"units": None if units is None else units / 100, "work": work}
        return data


class FillForm(forms.Form):
    person = forms.ModelChoiceField(Resource.objects.filter(kind=ResourceKind.PERSON, active=True),
                                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RunForm(forms.Form):
    mode = forms.ChoiceField(choices=LevelingMode.choices, initial=LevelingMode.HEURISTIC,
                             widget=forms.Select(attrs={"class": "form-select"}))
    time_limit = forms.IntegerField(min_value=1, max_value=600, initial=10, label="Time limit (s)",
                                    widget=forms.NumberInput(attrs={"class": "form-control"}))
    within_float = forms.BooleanField(required=False, label="Within float only (keep the finish)",
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    priority_tasks = forms.ModelMultipleChoiceField(queryset=None, required=False, label="Priority tasks",
                                                    help_text="levelled first when tasks compete for a resource",
                                                    widget=forms.SelectMultiple(attrs={"class": "form-select",
                                                                                       "size": 4}))

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_tasks"].queryset = tasks
        self.fields["priority_tasks"].label_from_instance = lambda t: f"{t.wbs} {t.name}"
