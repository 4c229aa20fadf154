"""The demo documents: per program a charter (approved PDF) and a status report (PDF in review), a vendor quote
(spreadsheet) on a project, and the identity project's design specification in two versions, the second back in
draft. Every file is made in code (pmo.documents.samples); everything goes through the services. Loading twice
changes nothing: documents are looked up by title and the object they belong to.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from pmo.accounts.models import User
from pmo.portfolio.models import Program, Project

from . import samples, services
from .models import Document

#: (program code, objectives line, status line, risk line)
PROGRAM_TEXT = {
    "DX": ("Give every employee one identity, one intranet and paperless case handling by Q2 2027.",
           "Identity platform build is three weeks late; the intranet is on plan.",
           "Top risk: directory data quality delays the single sign-on cutover."),
    "ERP": ("Replace the 1998 ERP with a cloud suite: finance first, then procure-to-pay and HR.",
            "Finance core in user acceptance testing; the second mock load found 4 % rejected vendors.",
            "Top risk: payroll parallel runs collide with the year-end freeze."),
    "CX": ("Renew CRM, contact centre and the customer app around one customer record.",
           "Business case in review; vendor shortlist agreed.",
           "Top risk: the CRM licence model is not yet priced for partners."),
    "NET": ("Exit the leased data centre and run on a governed cloud landing zone.",
            "Data-centre exit closed; landing zone in transition to operations.",
            "Top risk: the run book for the landing zone is not yet signed by operations."),
}

#: project code, vendor, lines of (item, quantity, unit price)
QUOTES = [
    ("DX-IAM", "Nordlicht Identity GmbH", [("Solution architect (days)", 40, 1350), ("IAM engineer (days)", 160, 980),
                                          ("Directory connector licences", 1, 42000)]),
    ("ERP-MIG", "Keystone Data Services", [("Data analyst (days)", 90, 890), ("Mock load run", 3, 18500)]),
]


def _exists(target, title: str) -> bool:
    return Document.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
                                   title=title).exists()


def _add(actor, target, title: str, kind: str, data: bytes, name: str, **fields) -> Document | None:
    if _exists(target, title):
        return None
    return services.document_create(actor=actor, target=target, title=title, kind=kind,
                                    upload=ContentFile(data, name=name), **fields)


def load_documents_demo(director: User) -> None:
    coordinator = User.objects.filter(username="coordinator").first() or director
    for program in Program.objects.filter(code__in=PROGRAM_TEXT).order_by("code"):
        objectives, status, risk = PROGRAM_TEXT[program.code]
        _add(director, program, f"{program.code} program charter", "charter", samples.pdf([
            f"{program.name} - program charter", "", f"Sponsor: {program.sponsor}", f"Objectives: {objectives}",
            "Governance: monthly steering committee; stage gates at define, deliver and transition.",
            f"Tolerances: schedule {program.schedule_tolerance_days} days, cost {program.cost_tolerance_pct} %.",
        ], title=f"{program.code} charter"), f"{program.code}-charter.pdf", status="approved",
            owner=program.program_manager, review_date=date(2026, 12, 1), retain_until=date(2033, 12, 31))
        _add(coordinator, program, f"{program.code} status report, June 2026", "report", samples.pdf([
            f"{program.name} - status report June 2026", "", status, risk,
            "Decisions needed: none this month.",
        ], title=f"{program.code} status June 2026"), f"{program.code}-status-2026-06.pdf", status="in_review",
            owner=coordinator, review_date=date(2026, 7, 10))
    for code, vendor, lines in QUOTES:
        project = Project.objects.filter(code=code).first()
        if project is None:
            continue
        rows = [["Item", "Quantity", "Unit price (EUR)", "Amount (EUR)"]]
        rows += [[item, qty, price, qty * price] for item, qty, price in lines]
        rows.append(["Total", None, None, sum(qty * price for _, qty, price in lines)])
        _add(director, project, f"Quote from {vendor}", "quote", samples.xlsx(rows, sheet="Quote"),
             f"quote-{code.lower()}.xlsx", status="approved", owner=project.project_manager,
             retain_until=date(2032, 12, 31))
    iam = Project.objects.filter(code="DX-IAM").first()
    if iam is not None and not _exists(iam, "Single sign-on design specification"):
        spec = _add(director, iam, "Single sign-on design specification", "specification", samples.docx([
            "Single sign-on design specification",
            "Protocols: SAML 2.0 for legacy applications, OpenID Connect for new.",
            "Directory: one authoritative source; nightly reconciliation until cutover.",
        ]), "sso-design.docx", status="approved", owner=iam.project_manager, review_date=date(2026, 9, 1))
        services.version_add(actor=iam.project_manager or director, document=spec, upload=ContentFile(samples.docx([
            "Single sign-on design specification (revision 2)",
            "Protocols: SAML 2.0 for legacy applications, OpenID Connect for new; step-up authentication for finance.",
            "Directory: one authoritative source; hourly reconciliation until cutover.",
        ]), name="sso-design-r2.docx"), note="step-up authentication for finance; hourly reconciliation")
