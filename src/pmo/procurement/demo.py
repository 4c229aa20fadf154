"""The demo procurement: the PMO's vendors (one blocked), contracts of the active programs with payments tied to
their schedule milestones, agreed at the baselined dates or, for the identity platform signed before its re-plan,
at the contract's own dates, so its later milestones show as moved on the contract page.

Purchase orders are charged to the projects' budget lines; where the finance demo has not set a project's budget,
one is set here through finance's services (never by writing finance's rows). Their invoices show each state:
paid (their actual costs recorded in finance), approved, received, and one received above what remains of its PO
line, waiting in the Program Manager's inbox.

Everything goes through the services (policies, validation, audit). Loading twice changes nothing: vendors are
looked up by name, contracts and orders by title, invoices by number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.finance import services as finance
from pmo.finance.models import BudgetLine
from pmo.planning.models import BaselineTask, Task
from pmo.portfolio.models import Project

from . import services
from .models import Contract, PurchaseOrder, Vendor

#: name, tax id, contact, e-mail, phone, status, notes
VENDORS = [
    ("Nordlicht Identity GmbH", "DE298765432", "Jana Vogel", "jana.vogel@nordlicht.example", "+49 89 5550 1200",
     "active", "IAM integrator; framework agreement 2026-2028."),
    ("Brightpath Digital Ltd", "GB123456789", "Owen Price", "owen.price@brightpath.example", "+44 20 7946 0321",
     "active", "Intranet design and build."),
    ("Cirrus Cloud Suite BV", "NL812345678B01", "Sanne de Vries", "accounts@cirrus.example", "+31 20 555 0199",
     "active", "ERP cloud suite subscriptions (priced in USD, invoiced in EUR)."),
    ("Keystone Data Services", "DE311223344", "Pavel Novak", "p.novak@keystone.example", "+49 30 5550 8800",
     "active", "Data migration and cleansing specialists."),
    ("Atlas Rack & Power", "DE277889900", "Mia Braun", "mia.braun@atlas.example", "", "blocked",
     "Blocked 2026-05: missed two delivery dates on the data-centre exit; no new business."),
]

#: project, vendor, title, reference, type, value, start, end, status,
#: [(payment name, milestone, amount, status, agreed date or None for the milestone's baselined date)]
CONTRACTS = [
    ("DX-IAM", "Nordlicht Identity GmbH", "Identity platform implementation", "NL-2026-014", "fixed_price",
     "480000.00", date(2026, 3, 16), date(2026, 12, 18), "active", [
         ("Design sign-off (25 %)", "Design signed off", "120000.00", "paid", None),
         ("Build complete (35 %)", "Build complete", "168000.00", "due", date(2026, 7, 31)),
         ("Acceptance (25 %)", "Acceptance signed off", "120000.00", "planned", date(2026, 9, 25)),
         ("Go-live (15 %)", "Go-live", "72000.00", "planned", date(2026, 10, 30)),
     ]),
    ("DX-INTRA", "Brightpath Digital Ltd", "Intranet design and build", "BP-7731", "time_materials",
     "310000.00", date(2026, 5, 4), date(2027, 3, 26), "active", [
         ("Design signed off", "Design signed off", "60000.00", "planned", None),
         ("Go-live", "Go-live", "90000.00", "planned", None),
     ]),
    ("ERP-FIN", "Cirrus Cloud Suite BV", "Cloud ERP subscription and finance configuration", "CCS-ERP-88",
     "cost_plus", "1250000.00", date(2025, 10, 20), date(2027, 6, 30), "active", [
         ("Build complete", "Build complete", "400000.00", "paid", None),
         ("Finance go-live", "Go-live", "350000.00", "planned", None),
     ]),
    ("ERP-MIG", "Keystone Data Services", "Data cleansing and mock loads", "KDS-0415", "fixed_price",
     "265000.00", date(2026, 2, 2), date(2027, 6, 30), "active", [
         ("Design signed off", "Design signed off", "65000.00", "paid", None),
         ("Acceptance of mock load 2", "Acceptance signed off", "100000.00", "planned", date(2026, 12, 4)),
     ]),
    ("NET-DC", "Atlas Rack & Power", "Rack, power and cabling for the co-location site", "ARP-2024-3",
     "fixed_price", "185000.00", date(2024, 9, 16), date(2026, 9, 25), "closed", []),
]


#: project, vendor, contract title or None, order title, issued on,
#: [(line description, category, month, amount, [(invoice number, date, amount, final state, paid on)])]
ORDERS = [
    ("DX-IAM", "Nordlicht Identity GmbH", "Identity platform implementation", "SSO and MFA roll-out services",
     date(2026, 3, 20), [
         ("Design workshops and solution design", "services", date(2026, 4, 1), "120000.00", [
             ("NL-INV-2026-031", date(2026, 5, 22), "120000.00", "paid", date(2026, 6, 5))]),
         ("Build sprints 1-6", "services", date(2026, 6, 1), "168000.00", [
             ("NL-INV-2026-058", date(2026, 8, 28), "96000.00", "approved", None),
             ("NL-INV-2026-064", date(2026, 9, 18), "79500.00", "received", None)]),  # 7,500.00 above the line
     ]),
    ("DX-IAM", "Nordlicht Identity GmbH", None, "MFA tokens for 6,500 staff", date(2026, 4, 6), [
        ("Hardware tokens (6,500)", "materials", date(2026, 5, 1), "58500.00", [
            ("NL-INV-2026-040", date(2026, 5, 29), "58500.00", "paid", date(2026, 6, 12))]),
    ]),
    ("DX-INTRA", "Brightpath Digital Ltd", "Intranet design and build", "Intranet discovery and design",
     date(2026, 5, 11), [
         ("Discovery and UX research", "services", date(2026, 6, 1), "45000.00", [
             ("BP-10422", date(2026, 7, 3), "22500.00", "paid", date(2026, 7, 17)),
             ("BP-10470", date(2026, 8, 7), "22500.00", "received", None)]),
     ]),
    ("ERP-MIG", "Keystone Data Services", "Data cleansing and mock loads", "Mock load 1 and cleansing",
     date(2026, 2, 9), [
         ("Cleansing of supplier and customer masters", "services", date(2026, 3, 1), "65000.00", [
             ("KDS-2026-117", date(2026, 5, 29), "65000.00", "paid", date(2026, 6, 10))]),
         ("Mock load tooling licence", "licences", date(2026, 3, 1), "18000.00", []),
     ]),
]


def _budget_line(director, project: Project, category: str, month: date, amount: Decimal) -> BudgetLine:
    """The project's budget line for ``category`` and ``month`` (from the finance demo when it has one), else one
    set here through finance's services."""
    line = (BudgetLine.objects.filter(budget__project=project, category=category, month=month)
            .order_by("pk").first()
            or BudgetLine.objects.filter(budget__project=project, category=category).order_by("month", "pk").first())
    if line is not None:
        return line
    budget = finance.budget_of(project) or finance.budget_create(
        actor=director, target=project, approved=Decimal("1500000.00"), reserve=Decimal("75000.00"),
        reason="approved at the start of delivery")
    return finance.budget_line_create(actor=director, budget=budget, category=category, expenditure="capex"
                                      if category == "materials" else "opex", month=month, amount=amount,
                                      description="procurement demo")


def _load_orders(director) -> tuple[int, int]:
    orders = invoices = 0
    for code, vendor_name, contract_title, title, issued, lines in ORDERS:
        project = Project.objects.filter(code=code).first()
        if project is None or PurchaseOrder.objects.filter(title=title).exists():
            continue
        vendor = Vendor.objects.get(name=vendor_name)
        contract = Contract.objects.filter(title=contract_title).first() if contract_title else None
        order = services.order_create(actor=director, project=project, vendor=vendor, contract=contract, title=title,
                                      issued_on=issued)
        orders += 1
        for description, category, month, amount, bills in lines:
            line = services.order_line_create(
                actor=director, order=order, budget_line=_budget_line(director, project, category, month,
                                                                      Decimal(amount)),
                description=description, amount=Decimal(amount))
            for number, day, bill_amount, state, paid_on in bills:
                invoice = services.invoice_create(actor=director, line=line, number=number, invoice_date=day,
                                                  amount=Decimal(bill_amount))
                invoices += 1
                if state in ("approved", "paid"):
                    invoice = services.invoice_approve(actor=director, invoice=invoice,
                                                       expected_version=invoice.version)
                if state == "paid":
                    services.invoice_pay(actor=director, invoice=invoice, expected_version=invoice.version,
                                         paid_on=paid_on)
    return orders, invoices


def _agreed(task: Task) -> date | None:
    """The milestone's date in the project's first baseline (when the payment was agreed), else its date now."""
    row = (BaselineTask.objects.filter(task=task).order_by("baseline__created_at", "baseline_id")
           .values_list("finish", flat=True).first())
    return row or task.finish


def load_procurement_demo(director: User) -> dict[str, int]:
    created = {"vendors": 0, "contracts": 0, "payments": 0, "orders": 0, "invoices": 0}
    with transaction.atomic():
        vendors = {}
        for name, tax_id, contact, email, phone, _status, notes in VENDORS:
            vendor = Vendor.objects.filter(name=name).first()
            if vendor is None:
                vendor = services.vendor_create(actor=director, name=name, tax_id=tax_id, contact_name=contact,
                                                contact_email=email, contact_phone=phone, notes=notes)
                created["vendors"] += 1
            vendors[name] = vendor
        for code, vendor_name, title, reference, kind, value, start, end, status, payments in CONTRACTS:
            project = Project.objects.filter(code=code).first()
            if project is None or Contract.objects.filter(title=title).exists():
                continue
            vendor = vendors[vendor_name]
            blocked = vendor.status == "blocked"
            if blocked:  # the contract predates the block: sign it, then block the vendor
                vendor = services.vendor_update(actor=director, vendor=vendor, expected_version=vendor.version,
                                                status="active")
            contract = services.contract_create(actor=director, project=project, vendor=vendor, title=title,
                                                reference=reference, kind=kind, value=Decimal(value), start=start,
                                                end=end, status=status)
            created["contracts"] += 1
            for name, milestone, amount, pay_status, agreed in payments:
                task = Task.objects.filter(project=project, name=milestone, is_milestone=True).first()
                if task is None:
                    continue
                services.payment_create(actor=director, contract=contract, task=task, name=name,
                                        amount=Decimal(amount), agreed_date=agreed or _agreed(task),
                                        status=pay_status)
                created["payments"] += 1
        created["orders"], created["invoices"] = _load_orders(director)
        for name, *_rest, status, _notes in VENDORS:
            vendor = Vendor.objects.get(name=name)
            if vendor.status != status:
                services.vendor_update(actor=director, vendor=vendor, expected_version=vendor.version, status=status)
    return created
