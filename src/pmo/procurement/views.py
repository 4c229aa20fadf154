"""Procurement pages: the register (contracts and vendors, searchable, filterable, sortable, exported to Excel),
the vendor, contract and payment pages and their forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.core.xlsx import xlsx_response
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ContractForm, PaymentForm, VendorForm
from .models import ContractKind, ContractStatus, VendorStatus, procurement_crumb
from .policies import contract_policy, edits_target, payment_policy, vendor_policy

CONTRACT_SORTS = {"ref": "pk", "title": "title", "vendor": "vendor__name", "scope": "program__code",
                  "kind": "kind", "value": "value", "start": "start", "end": "end", "status": "status",
                  "payments": "payments_total"}
VENDOR_SORTS = {"name": "name", "status": "status", "contact": "contact_name", "tax": "tax_id"}
CONTRACT_FILTERS = {"status": "status", "kind": "kind", "program": "program__code", "vendor": "vendor_id"}
TABS = ("contracts", "vendors")


def _contracts(request):
    return selectors.search_contracts(selectors.contracts_for(request.user), request.GET.get("q"))


def _vendors(request):
    return selectors.search_vendors(selectors.vendors_for(request.user), request.GET.get("q"))


@login_required
def register(request):
    """Contracts and vendors the user may see, one tab at a time."""
    tab = request.GET.get("tab", "contracts")
    tab = tab if tab in TABS else "contracts"
    context = {"tab": tab, "tabs": TABS, "breadcrumbs": breadcrumbs(request.user, procurement_crumb()),
               "can_add_vendor": vendor_policy.can(request.user, "create"),
               "new_contract_targets": _editable_targets(request.user)}
    if tab == "contracts":
        context["listing"] = listing(request, _contracts(request), sortable=CONTRACT_SORTS, default_sort="-start",
                                     filters=CONTRACT_FILTERS)
        context |= {"statuses": ContractStatus.choices, "kinds": ContractKind.choices,
                    "programs": program_policy.visible(request.user).order_by("code")}
    else:
        context["listing"] = listing(request, _vendors(request), sortable=VENDOR_SORTS, default_sort="name",
                                     filters={"status": "status"})
        context["statuses"] = VendorStatus.choices
    return render(request, "procurement/register.html", context)


def _editable_targets(user) -> list:
    """Programs and projects where the user may add a contract (for the "New contract" menu)."""
    programs = [p for p in program_policy.visible(user).order_by("code") if edits_target(user, p)]
    projects = [p for p in project_policy.visible(user).select_related("program").order_by("code")
                if edits_target(user, p)]
    return [*programs, *projects][:60]


@login_required
def export(request):
    """The register tab as an Excel file, with the page's search and filters."""
    tab = request.GET.get("tab", "contracts")
    if tab == "vendors":
        rows = listing(request, _vendors(request), sortable=VENDOR_SORTS, default_sort="name",
                       filters={"status": "status"}).page.paginator.object_list
        return xlsx_response("vendors.xlsx", [("Vendors", (
            "Name", "Status", "Tax id", "Contact", "E-mail", "Phone"), (
            (v.name, v.get_status_display(), v.tax_id, v.contact_name, v.contact_email, v.contact_phone)
            for v in rows.iterator(chunk_size=2000)))])
    rows = listing(request, _contracts(request), sortable=CONTRACT_SORTS, default_sort="-start",
                   filters=CONTRACT_FILTERS).page.paginator.object_list
    return xlsx_response("contracts.xlsx", [("Contracts", (
        "Ref", "Title", "Reference", "Vendor", "Program", "Project", "Type", "Currency", "Value", "Payments",
        "Start", "End", "Status"), (
        (c.ref, c.title, c.reference, c.vendor.name, c.program.code, c.project.code if c.project_id else "",
         c.get_kind_display(), c.program.currency, c.value, c.payments_total, c.start, c.end,
         c.get_status_display()) for c in rows.iterator(chunk_size=2000)))])


# --- vendors ----------------------------------------------------------------------------------------

@login_required
def vendor_detail(request, pk):
    vendor = vendor_policy.get(request.user, pk=pk)
    contracts = selectors.contracts_for(request.user).filter(vendor=vendor).order_by("-start", "-pk")[:200]
    return detail_page(request, vendor, "procurement/vendor_detail.html", {
        "vendor": vendor, "contracts": contracts}, actions=("change",))


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
