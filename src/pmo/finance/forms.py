from __future__ import annotations

from decimal import Decimal

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.planning.models import Task
from pmo.portfolio.forms import DATE, VersionedForm

from .models import MAX_AMOUNT, BudgetLine, ControlAccount, CostEntry, ExchangeRate, Forecast


def _money(field: forms.Field, *, signed: bool = False) -> None:
    field.min_value = None if signed else Decimal(0)
    field.widget.attrs.update({"step": "0.01", "inputmode": "decimal"})
    if not signed:
        field.widget.attrs["min"] = "0"


class CostEntryForm(VersionedForm):
    class Meta:
        model = CostEntry
        fields = ["task", "date", "amount", "category", "kind", "source", "reference", "description"]
        widgets = {"date": DATE}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(project=project, is_summary=False).order_by("order", "pk")
        self.fields["task"].required = False
        self.fields["task"].help_text = "the work package; leave empty for a project-level cost"
        self.fields["task"].label_from_instance = lambda t: f"{t.wbs} {t.name}".strip()
        _money(self.fields["amount"])


class BudgetForm(forms.Form):
    approved = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT,
                                  help_text="the first approved figure: later changes go through the budget log")
    reserve = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, initial=0)
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(max_length=2000, initial="initial approved budget")

    def __init__(self, *args, reserve_label: str = "Reserve", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reserve"].label = reserve_label
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class BudgetChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT,
                                help_text="added to the approved budget; negative to cut it")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("amount", "reason"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")


class BudgetLineForm(VersionedForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "expenditure", "month", "amount", "description", "control_account"]
        widgets = {"month": DATE}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = self.fields["control_account"]
        if project is None:
            del self.fields["control_account"]
        else:
            accounts.queryset = ControlAccount.objects.filter(project=project).select_related("task")
        self.fields["month"].help_text = "any day of the month: the line is for that month"
        _money(self.fields["amount"])

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class ControlAccountForm(VersionedForm):
    class Meta:
        model = ControlAccount
        fields = ["task", "owner", "loading", "earning"]

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = (Task.objects.filter(project=project, is_summary=True, control_account=None)
                                        .order_by("order", "pk"))
        self.fields["task"].label_from_instance = lambda t: f"{t.wbs} {t.name}".strip()
        self.fields["task"].help_text = "a summary task (WBS element) not yet a control account"
        self.fields["owner"].queryset = users_for_choice()


class ForecastForm(VersionedForm):
    class Meta:
        model = Forecast
        fields = ["as_of", "etc", "note"]
        widgets = {"as_of": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money(self.fields["etc"])


class RateForm(VersionedForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "valid_from", "rate"]
        widgets = {"valid_from": DATE}
