"""Procurement pages: the register (contracts and vendors, searchable, filterable, sortable, exported to Excel),
the vendor, contract and payment pages and their forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.core.xlsx import xlsx_response
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ContractForm, InvoiceForm, LineForm, OrderForm, PaymentForm, VendorForm
from .models import (
    ContractKind,
    ContractStatus,
    InvoiceStatus,
    OrderStatus,
    PurchaseOrderLine,
    VendorStatus,
    procurement_crumb,
)
from .policies import (
    approves_excess,
    contract_policy,
    edits_target,
    invoice_policy,
    line_policy,
    order_policy,
    payment_policy,
    vendor_policy,
)

CONTRACT_SORTS = {"ref": "pk", "title": "title", "vendor": "vendor__name", "scope": "program__code",
                  "kind": "kind", "value": "value", "start": "start", "end": "end", "status": "status",
                  "payments": "payments_total"}
ORDER_SORTS = {"ref": "pk", "title": "title", "vendor": "vendor__name", "scope": "project__code",
               "issued": "issued_on", "total": "total", "paid": "paid_total", "status": "status"}
INVOICE_SORTS = {"ref": "pk", "number": "number", "vendor": "line__order__vendor__name",
                 "order": "line__order_id", "date": "invoice_date", "amount": "amount", "status": "status",
                 "scope": "line__order__project__code"}
VENDOR_SORTS = {"name": "name", "status": "status", "contact": "contact_name", "tax": "tax_id"}
CONTRACT_FILTERS = {"status": "status", "kind": "kind", "program": "program__code", "vendor": "vendor_id"}
ORDER_FILTERS = {"status": "status", "program": "program__code", "vendor": "vendor_id"}
INVOICE_FILTERS = {"status": "status", "program": "line__order__program__code", "vendor": "line__order__vendor_id"}
TABS = ("contracts", "orders", "invoices", "vendors")


def _tab(request) -> str:
    tab = request.GET.get("tab", "contracts")
    return tab if tab in TABS else "contracts"


def _listing(request, tab: str):
    """The register tab's rows: searched (``q``), filtered and sorted as the page asks."""
    q = request.GET.get("q")
    if tab == "contracts":
        rows = selectors.search_contracts(selectors.contracts_for(request.user), q)
        return listing(request, rows, sortable=CONTRACT_SORTS, default_sort="-start", filters=CONTRACT_FILTERS)
    if tab == "orders":
        rows = selectors.search_orders(selectors.orders_for(request.user), q)
        return listing(request, rows, sortable=ORDER_SORTS, default_sort="-issued", filters=ORDER_FILTERS)
    if tab == "invoices":
        rows = selectors.search_invoices(selectors.invoices_for(request.user), q)
        return listing(request, rows, sortable=INVOICE_SORTS, default_sort="-date", filters=INVOICE_FILTERS)
    rows = selectors.search_vendors(selectors.vendors_for(request.user), q)
    return listing(request, rows, sortable=VENDOR_SORTS, default_sort="name", filters={"status": "status"})


STATUSES = {"contracts": ContractStatus.choices, "orders": OrderStatus.choices, "invoices": InvoiceStatus.choices,
            "vendors": VendorStatus.choices}


@login_required
def register(request):
    """Contracts, purchase orders, invoices and vendors the user may see, one tab at a time."""
    tab = _tab(request)
    targets = _editable_targets(request.user)
    return render(request, "procurement/register.html", {
        "tab": tab, "tabs": TABS, "breadcrumbs": breadcrumbs(request.user, procurement_crumb()),
        "can_add_vendor": vendor_policy.can(request.user, "create"),
        "new_contract_targets": targets, "new_order_targets": [t for t in targets if hasattr(t, "program_id")],
        "listing": _listing(request, tab), "statuses": STATUSES[tab], "kinds": ContractKind.choices,
        "programs": program_policy.visible(request.user).order_by("code") if tab != "vendors" else (),
    })


def _editable_targets(user) -> list:
    """Programs and projects where the user may add a contract (for the "New contract" menu)."""
    programs = [p for p in program_policy.visible(user).order_by("code") if edits_target(user, p)]
    projects = [p for p in project_policy.visible(user).select_related("program").order_by("code")
                if edits_target(user, p)]
    return [*programs, *projects][:60]


def _rows(request, tab: str):
    return _listing(request, tab).page.paginator.object_list.iterator(chunk_size=2000)


@login_required
def export(request):
    """The register tab as an Excel file, with the page's search, filters and sort."""
    tab = _tab(request)
    rows = _rows(request, tab)
    if tab == "vendors":
        return xlsx_response("vendors.xlsx", [("Vendors", (
            "Name", "Status", "Tax id", "Contact", "E-mail", "Phone"), (
            (v.name, v.get_status_display(), v.tax_id, v.contact_name, v.contact_email, v.contact_phone)
            for v in rows))])
    if tab == "orders":
        return xlsx_response("purchase-orders.xlsx", [("Purchase orders", (
            "Ref", "Title", "Vendor", "Program", "Project", "Contract", "Issued", "Currency", "Amount", "Paid",
            "Status"), (
            (o.ref, o.title, o.vendor.name, o.program.code, o.project.code, o.contract.ref if o.contract_id else "",
             o.issued_on, o.program.currency, o.total, o.paid_total, o.get_status_display()) for o in rows))])
    if tab == "invoices":
        return xlsx_response("invoices.xlsx", [("Invoices", (
            "Ref", "Vendor invoice", "Vendor", "Order", "PO line", "Project", "Date", "Currency", "Amount",
            "Status", "Approved by", "Above PO line by", "Reason", "Paid on"), (
            (i.ref, i.number, i.line.order.vendor.name, i.line.order.ref, i.line.pk, i.line.order.project.code,
             i.invoice_date, i.line.order.program.currency, i.amount, i.get_status_display(),
             i.approved_by.display_name if i.approved_by_id else "", i.excess, i.excess_reason, i.paid_on)
            for i in rows))])
    return xlsx_response("contracts.xlsx", [("Contracts", (
        "Ref", "Title", "Reference", "Vendor", "Program", "Project", "Type", "Currency", "Value", "Payments",
        "Start", "End", "Status"), (
        (c.ref, c.title, c.reference, c.vendor.name, c.program.code, c.project.code if c.project_id else "",
         c.get_kind_display(), c.program.currency, c.value, c.payments_total, c.start, c.end,
         c.get_status_display()) for c in rows))])


# --- vendors ----------------------------------------------------------------------------------------

@login_required
def vendor_detail(request, pk):
    vendor = vendor_policy.get(request.user, pk=pk)
    contracts = selectors.contracts_for(request.user).filter(vendor=vendor).order_by("-start", "-pk")[:200]
    orders = selectors.orders_for(request.user).filter(vendor=vendor).order_by("-issued_on", "-pk")[:200]
    return detail_page(request, vendor, "procurement/vendor_detail.html", {
        "vendor": vendor, "contracts": contracts, "orders": orders}, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def vendor_create(request):
    vendor_policy.require(request.user, "create", None, "only the PMO Director adds vendors")
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        vendor = apply_service(form, lambda: services.vendor_create(actor=request.user, **form.changes()))
        if vendor:
            messages.success(request, f"Vendor {vendor.name} added.")
            return redirect(vendor)
    return form_page(request, form, "New vendor", procurement_crumb(), "New vendor")


@login_required
@require_http_methods(["GET", "POST"])
def vendor_edit(request, pk):
    vendor = vendor_policy.get(request.user, pk=pk)
    vendor_policy.require(request.user, "change", vendor, "only the PMO Director changes vendors")
    form = VendorForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.vendor_update(
            actor=request.user, vendor=vendor, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"Vendor {saved.name} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {vendor}", vendor, "Edit")


# --- contracts -----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request, program_pk=None, project_pk=None):
    if project_pk is not None:
        project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                     .select_related("program"), pk=project_pk)
        program, target = project.program, project
    else:
        program = program_policy.get(request.user, pk=program_pk)
        project, target = None, program
    if not edits_target(request.user, target):
        raise PermissionDenied(f"you may not add contracts to {target.code}")
    form = ContractForm(request.POST or None, currency=program.currency)
    if request.method == "POST" and form.is_valid():
        contract = apply_service(form, lambda: services.contract_create(
            actor=request.user, program=None if project else program, project=project, **form.changes()))
        if contract:
            messages.success(request, f"{contract.ref} created.")
            return redirect(contract)
    return form_page(request, form, f"New contract for {target.code}", procurement_crumb(), "New contract")


@login_required
def contract_detail(request, pk):
    """The contract, its payments and whether each payment's schedule milestone moved since it was agreed."""
    contract = contract_policy.get(request.user, queryset=selectors.contracts_for(request.user), pk=pk)
    can_change = contract_policy.can(request.user, "change", contract)
    payments = selectors.payments_of(contract)
    return detail_page(request, contract, "procurement/contract_detail.html", {
        "contract": contract, "payments": payments,
        "unscheduled": contract.value - contract.payments_total,
        "payment_form": PaymentForm(milestones=selectors.milestones_for_choice(request.user, contract),
                                    auto_id="pay_%s") if can_change else None,
    }, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = contract_policy.get(request.user, queryset=selectors.contracts_for(request.user), pk=pk)
    contract_policy.require(request.user, "change", contract)
    form = ContractForm(request.POST or None, instance=contract, currency=contract.program.currency)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.contract_update(
            actor=request.user, contract=contract, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {contract}", contract, "Edit")


# --- payment milestones ------------------------------------------------------------------------------------

@login_required
@require_POST
def payment_create(request, pk):
    contract = contract_policy.get(request.user, queryset=selectors.contracts_for(request.user), pk=pk)
    contract_policy.require(request.user, "change", contract, f"you may not change the payments of {contract.ref}")
    form = PaymentForm(request.POST, milestones=selectors.milestones_for_choice(request.user, contract))
    if form.is_valid():
        payment = apply_service(form, lambda: services.payment_create(actor=request.user, contract=contract,
                                                                      **form.changes()))
        if payment:
            messages.success(request, f"Payment “{payment.name}” added.")
            return redirect(contract)
    return form_page(request, form, f"New payment of {contract.ref}", contract, "New payment")


@login_required
def payment_detail(request, pk):
    payment = payment_policy.get(request.user, queryset=selectors.payments_for(request.user), pk=pk)
    return detail_page(request, payment, "procurement/payment_detail.html", {"payment": payment},
                       actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def payment_edit(request, pk):
    payment = payment_policy.get(request.user, queryset=selectors.payments_for(request.user), pk=pk)
    payment_policy.require(request.user, "change", payment)
    form = PaymentForm(request.POST or None, instance=payment,
                       milestones=selectors.milestones_for_choice(request.user, payment.contract))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.payment_update(
            actor=request.user, payment=payment, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"Payment “{saved.name}” saved.")
            return redirect(saved.contract)
    return form_page(request, form, f"Edit payment {payment}", payment, "Edit")


# --- purchase orders -----------------------------------------------------------------------------------

def _order_contracts(user, project):
    return (selectors.contracts_for(user).filter(program_id=project.program_id)
            .filter(Q(project__isnull=True) | Q(project=project)).order_by("-start", "pk"))


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request, project_pk):
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_pk)
    if not edits_target(request.user, project):
        raise PermissionDenied(f"you may not add purchase orders to {project.code}")
    form = OrderForm(request.POST or None, contracts=_order_contracts(request.user, project),
                     initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        order = apply_service(form, lambda: services.order_create(actor=request.user, project=project,
                                                                  **form.changes()))
        if order:
            messages.success(request, f"{order.ref} created: add its lines, each charged to a budget line.")
            return redirect(order)
    return form_page(request, form, f"New purchase order for {project.code}", procurement_crumb(),
                     "New purchase order")


@login_required
def order_detail(request, pk):
    """The order, its lines (charged to budget lines, with what invoices took and what is still committed) and
    its invoices."""
    order = order_policy.get(request.user, queryset=selectors.orders_for(request.user), pk=pk)
    can_change = order_policy.can(request.user, "change", order)
    lines = list(selectors.lines_for(request.user).filter(order=order).order_by("pk"))
    invoices = list(selectors.invoices_for(request.user).filter(line__order=order).order_by("-invoice_date", "-pk"))
    budget_lines = selectors.budget_lines_for_choice(request.user, order)
    is_open = order.status == OrderStatus.OPEN
    return detail_page(request, order, "procurement/order_detail.html", {
        "order": order, "lines": lines, "invoices": invoices, "is_open": is_open,
        "totals": {"amount": sum((x.amount for x in lines), Decimal(0)),
                   "matched": sum((x.matched for x in lines), Decimal(0)),
                   "paid": sum((x.paid for x in lines), Decimal(0)),
                   "committed": sum((x.committed for x in lines), Decimal(0)) if is_open else Decimal(0)},
        "line_form": LineForm(budget_lines=budget_lines, auto_id="line_%s") if can_change and is_open else None,
        "has_budget_lines": budget_lines.exists() if can_change and is_open else False,
        "invoice_form": InvoiceForm(lines=PurchaseOrderLine.objects.filter(order=order).order_by("pk"),
                                    auto_id="inv_%s", initial={"invoice_date": timezone.localdate()})
        if can_change and lines and order.status != OrderStatus.CANCELLED else None,
    }, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request, pk):
    order = order_policy.get(request.user, queryset=selectors.orders_for(request.user), pk=pk)
    order_policy.require(request.user, "change", order)
    form = OrderForm(request.POST or None, instance=order, contracts=_order_contracts(request.user, order.project))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.order_update(
            actor=request.user, order=order, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {order}", order, "Edit")


@login_required
@require_POST
def line_create(request, pk):
    order = order_policy.get(request.user, queryset=selectors.orders_for(request.user), pk=pk)
    order_policy.require(request.user, "change", order, f"you may not change the lines of {order.ref}")
    form = LineForm(request.POST, budget_lines=selectors.budget_lines_for_choice(request.user, order))
    if form.is_valid():
        line = apply_service(form, lambda: services.order_line_create(actor=request.user, order=order,
                                                                      **form.changes()))
        if line:
            messages.success(request, f"Line {line.pk} added to {order.ref}.")
            return redirect(order)
    return form_page(request, form, f"New line of {order.ref}", order, "New line")


@login_required
def line_detail(request, pk):
    line = line_policy.get(request.user, queryset=selectors.lines_for(request.user), pk=pk)
    invoices = selectors.invoices_for(request.user).filter(line=line).order_by("-invoice_date", "-pk")
    return detail_page(request, line, "procurement/line_detail.html", {
        "line": line, "invoices": invoices, "is_open": line.order.status == OrderStatus.OPEN}, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, pk):
    line = line_policy.get(request.user, queryset=selectors.lines_for(request.user), pk=pk)
    line_policy.require(request.user, "change", line)
    form = LineForm(request.POST or None, instance=line,
                    budget_lines=selectors.budget_lines_for_choice(request.user, line.order))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.order_line_update(
            actor=request.user, line=line, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"Line {saved.pk} saved.")
            return redirect(saved.order)
    return form_page(request, form, f"Edit {line.label}", line, "Edit")


# --- invoices -------------------------------------------------------------------------------------------

@login_required
@require_POST
def invoice_create(request, pk):
    order = order_policy.get(request.user, queryset=selectors.orders_for(request.user), pk=pk)
    order_policy.require(request.user, "change", order, f"you may not record invoices on {order.ref}")
    form = InvoiceForm(request.POST, lines=PurchaseOrderLine.objects.filter(order=order).order_by("pk"))
    if form.is_valid():
        invoice = apply_service(form, lambda: services.invoice_create(
            actor=request.user, line=form.cleaned_data["line"], **form.changes()))
        if invoice:
            messages.success(request, f"{invoice.ref} recorded: it waits for approval.")
            return redirect(invoice)
    return form_page(request, form, f"New invoice on {order.ref}", order, "New invoice")


@login_required
def invoice_detail(request, pk):
    invoice = invoice_policy.get(request.user, queryset=selectors.invoices_for(request.user), pk=pk)
    remaining, excess = services.invoice_excess(invoice)
    order = invoice.line.order
    return detail_page(request, invoice, "procurement/invoice_detail.html", {
        "invoice": invoice, "order": order, "remaining": remaining, "excess": excess,
        "approves_excess": approves_excess(request.user, order.program_id),
    }, actions=("change", "approve", "pay", "reject"))


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request, pk):
    invoice = invoice_policy.get(request.user, queryset=selectors.invoices_for(request.user), pk=pk)
    invoice_policy.require(request.user, "change", invoice)
    form = InvoiceForm(request.POST or None, instance=invoice)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.invoice_update(
            actor=request.user, invoice=invoice, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {invoice}", invoice, "Edit")


def _invoice_action(request, pk, action: str, call, done: str):
    """A POST action on an invoice (approve, pay, reject) from its page; refusals come back as messages."""
    invoice = invoice_policy.get(request.user, queryset=selectors.invoices_for(request.user), pk=pk)
    invoice_policy.require(request.user, action, invoice)
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if form.is_valid():
        result = apply_service(form, lambda: call(invoice, form.cleaned_data["version"]))
        if result is not None:
            messages.success(request, done.format(ref=invoice.ref))
            return redirect(_next(request, invoice.get_absolute_url()))
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_next(request, invoice.get_absolute_url()))


def _next(request, default: str) -> str:
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def invoice_approve(request, pk):
    return _invoice_action(request, pk, "approve", lambda invoice, version: services.invoice_approve(
        actor=request.user, invoice=invoice, expected_version=version,
        excess_reason=request.POST.get("excess_reason", "")), "{ref} approved.")


@login_required
@require_POST
def invoice_pay(request, pk):
    def pay(invoice, version):
        paid_on = parse_date(request.POST.get("paid_on") or "") if request.POST.get("paid_on") else None
        if request.POST.get("paid_on") and paid_on is None:
            raise ValidationError({"paid_on": "a date as YYYY-MM-DD"})
        return services.invoice_pay(actor=request.user, invoice=invoice, expected_version=version, paid_on=paid_on)
    return _invoice_action(request, pk, "pay", pay, "{ref} paid: its actual cost is recorded in finance.")


@login_required
@require_POST
def invoice_reject(request, pk):
    return _invoice_action(request, pk, "reject", lambda invoice, version: services.invoice_reject(
        actor=request.user, invoice=invoice, expected_version=version, reason=request.POST.get("reason", "")),
        "{ref} rejected.")


@login_required
def inbox(request):
    """What waits for the current user: received invoices to approve (those above their PO line only for whoever
    may approve them) and approved invoices to pay, in the scopes the user keeps."""
    rows = []
    for invoice in selectors.invoices_for(request.user).filter(
            status__in=(InvoiceStatus.RECEIVED, InvoiceStatus.APPROVED)).order_by("invoice_date", "pk")[:500]:
        if not invoice_policy.can(request.user, "approve", invoice):
            continue
        rows.append(invoice)
    excess = services.excess_of(rows)
    to_approve, to_pay = [], []
    for invoice in rows:
        over = excess.get(invoice.pk, Decimal(0))
        if invoice.status == InvoiceStatus.APPROVED:
            to_pay.append((invoice, over))
        elif not over or approves_excess(request.user, invoice.line.order.program_id):
            to_approve.append((invoice, over))
    return render(request, "procurement/inbox.html", {
        "to_approve": to_approve, "to_pay": to_pay,
        "breadcrumbs": breadcrumbs(request.user, procurement_crumb(), "Invoice inbox")})
