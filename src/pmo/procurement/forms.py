from __future__ import annotations

from django import forms

from pmo.portfolio.forms import DATE, VersionedForm

from .models import Contract, Invoice, PaymentMilestone, PurchaseOrder, PurchaseOrderLine, Vendor
from .selectors import vendors_for_choice
from .services import (
    CONTRACT_FIELDS,
    INVOICE_FIELDS,
    LINE_FIELDS,
    ORDER_FIELDS,
    PAYMENT_FIELDS,
    VENDOR_FIELDS,
)

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


class OrderForm(VersionedForm):
    class Meta:
        model = PurchaseOrder
        fields = list(ORDER_FIELDS)
        widgets = {"issued_on": DATE, "description": TEXT}

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        choices = vendors_for_choice()
        if self.instance.pk:
            choices = choices | type(self.instance.vendor).objects.filter(pk=self.instance.vendor_id)
        self.fields["vendor"].queryset = choices.distinct().order_by("name")
        self.fields["contract"].queryset = contracts
        self.fields["contract"].help_text = "optional: the contract the order calls off (same vendor)"
        if not self.instance.pk:
            del self.fields["status"]


class LineForm(VersionedForm):
    class Meta:
        model = PurchaseOrderLine
        fields = list(LINE_FIELDS)
        widgets = {"amount": MONEY_INPUT}

    def __init__(self, *args, budget_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = budget_lines
        self.fields["budget_line"].label_from_instance = (
            lambda b: f"{b.get_category_display()} {b.month:%Y-%m} {b.get_expenditure_display()} "
                      f"{b.amount:,.2f}{' · ' + b.description if b.description else ''}")


class InvoiceForm(VersionedForm):
    line = forms.ModelChoiceField(queryset=None, label="PO line")

    class Meta:
        model = Invoice
        fields = list(INVOICE_FIELDS)
        widgets = {"invoice_date": DATE, "amount": MONEY_INPUT}

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is None:
            del self.fields["line"]
        else:
            self.fields["line"].queryset = lines
            self.fields["line"].label_from_instance = lambda line: f"{line.pk}: {line.description}"
            self.fields["line"].widget.attrs["class"] = "form-select"
            self.order_fields(["line", *INVOICE_FIELDS])
