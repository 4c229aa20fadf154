from __future__ import annotations

from django import forms

from pmo.portfolio.forms import DATE, VersionedForm

from .models import Contract, PaymentMilestone, Vendor
from .selectors import vendors_for_choice
from .services import CONTRACT_FIELDS, PAYMENT_FIELDS, VENDOR_FIELDS

TEXT = forms.Textarea(attrs={"rows": 3})
#: money typed on a page: a plain decimal field (the service checks sign, cents and size and names the field)
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class VendorForm(VersionedForm):
    class Meta:
        model = Vendor
        fields = list(VENDOR_FIELDS)
        widgets = {"address": TEXT, "notes": TEXT}


class ContractForm(VersionedForm):
    class Meta:
        model = Contract
        fields = list(CONTRACT_FIELDS)
        widgets = {"start": DATE, "end": DATE, "description": TEXT, "value": MONEY_INPUT}

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = vendors_for_choice()
        if self.instance.pk:  # keep the current vendor even when it is blocked since
            choices = choices | type(self.instance.vendor).objects.filter(pk=self.instance.vendor_id)
        self.fields["vendor"].queryset = choices.distinct().order_by("name")
        self.fields["vendor"].help_text = "active vendors (the PMO Director keeps the list)"
        if currency:
            self.fields["value"].help_text = f"in {currency}, the program's currency"


class PaymentForm(VersionedForm):
    class Meta:
        model = PaymentMilestone
        fields = list(PAYMENT_FIELDS)
        widgets = {"agreed_date": DATE, "amount": MONEY_INPUT}

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = milestones
        self.fields["task"].label_from_instance = lambda t: f"{t.project.code} {t} ({t.finish or 'not scheduled'})"
        self.fields["status"].required = False
