"""Procurement objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in project A1 (own) or B1 (other), a vendor with a draft contract, a schedule
milestone and a payment tied to it, a project budget with a budget line (finance), an open purchase order with one
line charged to it, a received invoice and an approved one, and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmo.finance.models import Budget, BudgetLine
from pmo.planning.models import Task
from pmo.procurement.models import Contract, Invoice, PaymentMilestone, PurchaseOrder, PurchaseOrderLine, Vendor

KEYS = ("vendor", "contract", "payment", "order", "line", "invoice", "approved")


def make_items(project, *, vendor_name: str | None = None) -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    vendor = Vendor.objects.create(name=vendor_name or f"Vendor of {project.code}", tax_id="DE123456789",
                                   contact_name="Dana Sales", contact_email="dana@example.com")
    contract = Contract.objects.create(program=project.program, project=project, vendor=vendor,
                                       title="Integration services", kind="fixed_price",
                                       value=Decimal("100000.00"), start=date(2026, 2, 2), end=date(2026, 12, 18),
                                       status="draft")
    milestone = Task.objects.create(project=project, name="Design accepted", duration=0, is_milestone=True,
                                    start=date(2026, 4, 10), finish=date(2026, 4, 10))
    payment = PaymentMilestone.objects.create(contract=contract, task=milestone, name="Design acceptance payment",
                                              amount=Decimal("20000.00"), agreed_date=date(2026, 4, 3))
    budget = Budget.objects.filter(project=project).first() or Budget.objects.create(
        key=f"project:{project.pk}", level="project", program=project.program, project=project,
        original=Decimal("500000.00"), approved=Decimal("500000.00"))
    budget_line = BudgetLine.objects.create(budget=budget, category="services", expenditure="opex",
                                            month=date(2026, 5, 1), amount=Decimal("60000.00"))
    order = PurchaseOrder.objects.create(program=project.program, project=project, vendor=vendor,
                                         title="Design workshops", issued_on=date(2026, 3, 2))
    line = PurchaseOrderLine.objects.create(order=order, budget_line=budget_line, description="Workshops, 10 days",
                                            amount=Decimal("12000.00"))
    invoice = Invoice.objects.create(line=line, number="NV-1001", invoice_date=date(2026, 4, 30),
                                     amount=Decimal("4000.00"))
    approved = Invoice.objects.create(line=line, number="NV-1000", invoice_date=date(2026, 3, 31),
                                      amount=Decimal("3000.00"), status="approved")
    return {"vendor": vendor, "contract": contract, "payment": payment, "milestone": milestone,
            "budget_line": budget_line, "order": order, "line": line, "invoice": invoice, "approved": approved}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_procurement", {})
    if scope not in cache:
        cache[scope] = make_items(world.own("project") if scope == "own" else world.other("project"))
    return cache[scope]


def is_procurement(name: str) -> bool:
    return name.startswith("procurement:") or name.removeprefix("api:") in API_NAMES


API_NAMES = {f"{verb}_{noun}" for verb in ("list", "create", "get", "update", "delete")
             for noun in ("vendor", "vendors", "contract", "contracts", "payment_milestone", "payment_milestones",
                          "purchase_order", "purchase_orders", "purchase_order_line", "purchase_order_lines",
                          "invoice", "invoices")} | {"approve_invoice", "pay_invoice", "reject_invoice"}


def is_action(name: str) -> bool:
    """POST actions that take If-Match (approve, pay, reject an invoice)."""
    return name in {"api:approve_invoice", "api:pay_invoice", "api:reject_invoice"}


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    return {key: targets(world, scope)[key].pk for key in KEYS}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH/DELETE of ``name`` sends in If-Match (None: not procurement's)."""
    if not is_procurement(name):
        return None
    found = targets(world, scope)
    if name == "api:pay_invoice":
        return found["approved"]
    for suffix, key in (("_vendor", "vendor"), ("_contract", "contract"), ("_payment_milestone", "payment"),
                        ("_purchase_order_line", "line"), ("_purchase_order", "order"), ("_invoice", "invoice")):
        if name.endswith(suffix):
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the procurement routes (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    project = world.own("project") if scope == "own" else world.other("project")
    found = targets(world, scope)
    vendor_form = {"name": "Nordwind Consulting GmbH", "status": "active", "tax_id": "", "contact_name": "",
                   "contact_email": "", "contact_phone": "", "address": "", "notes": ""}
    contract_form = {"vendor": found["vendor"].pk, "title": "Cloud licences", "reference": "", "kind": "fixed_price",
                     "value": "25000.00", "start": "2026-03-02", "end": "2026-12-31", "status": "draft",
                     "description": ""}
    bodies = {
        "api:create_vendor": {"name": "Nordwind Consulting GmbH", "tax_id": "DE811111111"},
        "api:update_vendor": {"contact_phone": "+49 30 1234567"},
        "api:create_contract": {"project": project.pk, "vendor": found["vendor"].pk, "title": "Cloud licences",
                                "kind": "time_materials", "value": "25000.00", "start": "2026-03-02",
                                "end": "2026-12-31"},
        "api:update_contract": {"description": "changed through the API"},
        "api:create_payment_milestone": {"contract": found["contract"].pk, "task": found["milestone"].pk,
                                         "name": "Second payment", "amount": "1000.00"},
        "api:update_payment_milestone": {"name": "Design sign-off payment"},
        "procurement:vendor_create": vendor_form,
        "procurement:vendor_edit": vendor_form | {"name": found["vendor"].name, "version": found["vendor"].version},
        "procurement:contract_create": contract_form,
        "procurement:program_contract_create": contract_form,
        "procurement:contract_edit": contract_form | {"version": found["contract"].version},
        "procurement:payment_create": {"task": found["milestone"].pk, "name": "Second payment", "amount": "1000.00",
                                       "agreed_date": "", "status": "planned"},
        "procurement:payment_edit": {"task": found["milestone"].pk, "name": "Design sign-off payment",
                                     "amount": "20000.00", "agreed_date": "2026-04-03", "status": "planned",
                                     "version": found["payment"].version},
        "api:create_purchase_order": {"project": project.pk, "vendor": found["vendor"].pk, "title": "Licences",
                                      "issued_on": "2026-05-04", "lines": [{"budget_line": found["budget_line"].pk,
                                                                            "description": "50 seats",
                                                                            "amount": "5000.00"}]},
        "api:update_purchase_order": {"description": "changed through the API"},
        "api:create_purchase_order_line": {"order": found["order"].pk, "budget_line": found["budget_line"].pk,
                                           "description": "Travel", "amount": "800.00"},
        "api:update_purchase_order_line": {"description": "Workshops, 12 days"},
        "api:create_invoice": {"line": found["line"].pk, "number": "NV-2001", "invoice_date": "2026-05-29",
                               "amount": "1500.00"},
        "api:update_invoice": {"description": "corrected"},
        "api:approve_invoice": {},
        "api:pay_invoice": {"paid_on": "2026-05-15"},
        "api:reject_invoice": {"reason": "duplicate of NV-1000"},
        "procurement:order_create": {"vendor": found["vendor"].pk, "contract": "", "title": "Licences",
                                     "issued_on": "2026-05-04", "description": ""},
        "procurement:order_edit": {"vendor": found["vendor"].pk, "contract": "", "title": "Design workshops",
                                   "issued_on": "2026-03-02", "status": "open", "description": "",
                                   "version": found["order"].version},
        "procurement:line_create": {"budget_line": found["budget_line"].pk, "description": "Travel",
                                    "amount": "800.00"},
        "procurement:line_edit": {"budget_line": found["budget_line"].pk, "description": "Workshops, 12 days",
                                  "amount": "12000.00", "version": found["line"].version},
        "procurement:invoice_create": {"line": found["line"].pk, "number": "NV-2001", "invoice_date": "2026-05-29",
                                       "amount": "1500.00", "description": ""},
        "procurement:invoice_edit": {"number": "NV-1001", "invoice_date": "2026-04-30", "amount": "4000.00",
                                     "description": "corrected", "version": found["invoice"].version},
        "procurement:invoice_approve": {"version": found["invoice"].version},
        "procurement:invoice_pay": {"version": found["approved"].version, "paid_on": "2026-05-15"},
        "procurement:invoice_reject": {"version": found["invoice"].version, "reason": "duplicate"},
    }
    del program
    return bodies.get(name)
