"""The closure checklist of a project or a program, computed from the other apps (the evidence: counts and the
offending objects with their links), completed by hand marks where no app computes an item.

Each item is one function ``(scope) -> Check``; a project's scope is that project, a program's is the program with
all its projects. An item whose app is not installed is "manual": the Program Manager ticks it by hand with a note.
A computed item that is not met counts as done only with the PMO Director's override (a mark with a reason). A
fixed number of queries per item, whatever the number of objects (offenders are listed up to ``SHOWN``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import OuterRef, Subquery, Sum

from pmo.portfolio.models import Program, Project

from .models import ChecklistMark, Item, Lesson, MarkKind

#: offending objects listed per item (the count is always complete)
SHOWN = 20
ZERO = Decimal(0)


@dataclass
class Offender:
    label: str
    url: str
    status: str = ""
    obj: object = None


@dataclass
class Check:
    item: str
    label: str
    computed: bool
    met: bool = False
    summary: str = ""
    count: int = 0
    offenders: list[Offender] = field(default_factory=list)
    mark: ChecklistMark | None = None
    #: offenders left out because the reader does not see them
    hidden: int = 0

    @property
    def done(self) -> bool:
        """Met by the evidence, ticked by hand (a manual item) or overridden by the Director."""
        if self.met:
            return True
        if self.mark is None:
            return False
        return self.mark.kind == (MarkKind.TICK if not self.computed else MarkKind.OVERRIDE)

    @property
    def state(self) -> str:
        if self.met:
            return "met"
        if self.done:
            return "ticked" if self.mark.kind == MarkKind.TICK else "overridden"
        return "open" if self.computed else "manual"

    @property
    def state_label(self) -> str:
        return {"met": "Met", "ticked": "Ticked by hand", "overridden": "Overridden", "open": "Not met",
                "manual": "To tick by hand"}[self.state]


@dataclass
class Scope:
    target: Project | Program
    program: Program
    project_ids: list[int]

    @property
    def is_project(self) -> bool:
        return isinstance(self.target, Project)

    def filter(self, queryset, project: str = "project", program: str = "program"):
        """``queryset`` narrowed to the scope: the project, or the program and all its projects."""
        if self.is_project:
            return queryset.filter(**{f"{project}_id": self.target.pk})
        return queryset.filter(**{f"{program}_id": self.program.pk})


def scope_of(target) -> Scope:
    if isinstance(target, Project):
        return Scope(target, target.program, [target.pk])
    return Scope(target, target, list(Project.objects.filter(program=target).values_list("pk", flat=True)))


def _installed(app: str) -> bool:
    return apps.is_installed(f"pmo.{app}")


def _offenders(rows, status=lambda o: "") -> list[Offender]:
    return [Offender(str(o), o.get_absolute_url(), status(o), o) for o in rows[:SHOWN]]


def _check(item: Item, queryset, *, none: str, some: str, status=lambda o: "") -> Check:
    count = queryset.count()
    rows = list(queryset[:SHOWN]) if count else []
    return Check(item.value, item.label, True, met=count == 0, count=count,
                 summary=none if count == 0 else some.format(n=count), offenders=_offenders(rows, status))


def deliverables(scope: Scope) -> Check:
    if not _installed("change"):
        return Check(Item.DELIVERABLES.value, Item.DELIVERABLES.label, False,
                     summary="no app records deliverables here: tick it with the acceptance evidence")
    deliverable = apps.get_model("change", "Deliverable")
    mine = deliverable.objects.filter(project_id__in=scope.project_ids)
    total = mine.count()
    check = _check(Item.DELIVERABLES, mine.exclude(status="accepted").order_by("project_id", "pk"),
                   none=f"all {total} deliverables accepted" if total else "no deliverables recorded",
                   some="{n} of " + str(total) + " deliverables not accepted",
                   status=lambda d: d.get_status_display())
    return check


def contracts(scope: Scope) -> Check:
    if not _installed("procurement"):
        return Check(Item.CONTRACTS.value, Item.CONTRACTS.label, False, summary="tick when the contracts are closed")
    from pmo.procurement.models import Contract, ContractStatus, OrderStatus, PurchaseOrder

    open_contracts = scope.filter(Contract.objects.exclude(status__in=[ContractStatus.CLOSED,
                                                                       ContractStatus.TERMINATED]))
    open_orders = scope.filter(PurchaseOrder.objects.filter(status=OrderStatus.OPEN))
    n_contracts, n_orders = open_contracts.count(), open_orders.count()
    count = n_contracts + n_orders
    rows = [*open_contracts.order_by("pk")[:SHOWN], *open_orders.order_by("pk")[:SHOWN]][:SHOWN]
    return Check(Item.CONTRACTS.value, Item.CONTRACTS.label, True, met=count == 0, count=count,
                 summary=("every contract closed or terminated and every order closed" if count == 0 else
                          f"{n_contracts} contract(s) and {n_orders} purchase order(s) still open"),
                 offenders=_offenders(rows, lambda o: o.get_status_display()))


@dataclass
class Money:
    budget: Decimal = ZERO
    actual: Decimal = ZERO
    committed: Decimal = ZERO
    etc: Decimal = ZERO
    accrued: Decimal = ZERO

    @property
    def cost(self) -> Decimal:
        """Actual cost as earned value counts it: booked actuals and accruals."""
        return self.actual + self.accrued

    @property
    def variance(self) -> Decimal:
        return self.budget - self.cost


def money(scope: Scope) -> Money:
    """Approved budget, actual cost, open commitments and the latest estimates to complete (four queries)."""
    from pmo.finance.commitments import commitments_by_project
    from pmo.finance.models import Budget, CostEntry, Forecast

    budgets = Budget.objects.filter(project_id__in=scope.project_ids)
    if not scope.is_project:
        budgets = Budget.objects.filter(program=scope.program) | budgets
    budget = budgets.aggregate(s=Sum("approved"))["s"] or ZERO
    costs = dict(CostEntry.objects.filter(project_id__in=scope.project_ids).order_by().values_list("kind")
                 .annotate(s=Sum("amount")))
    actual, accrued = costs.get("actual") or ZERO, costs.get("accrual") or ZERO
    committed = sum((amount for by_cat in commitments_by_project(scope.project_ids).values()
                     for amount in by_cat.values()), ZERO)
    latest = Forecast.objects.filter(control_account_id=OuterRef("control_account_id")).order_by("-as_of", "-pk")
    etc = (Forecast.objects.filter(control_account__project_id__in=scope.project_ids,
                                   pk=Subquery(latest.values("pk")[:1])).aggregate(s=Sum("etc"))["s"] or ZERO)
    return Money(budget=Decimal(budget), actual=Decimal(actual), committed=Decimal(committed), etc=Decimal(etc),
                 accrued=Decimal(accrued))


def budget(scope: Scope) -> Check:
    if not _installed("finance"):
        return Check(Item.BUDGET.value, Item.BUDGET.label, False, summary="tick when the accounts are reconciled")
    from pmo.finance.models import Forecast

    figures = money(scope)
    latest = Forecast.objects.filter(control_account_id=OuterRef("control_account_id")).order_by("-as_of", "-pk")
    pending = (Forecast.objects.filter(control_account__project_id__in=scope.project_ids,
                                       pk=Subquery(latest.values("pk")[:1]), etc__gt=0)
               .select_related("control_account__task").order_by("pk"))
    rows = list(pending[:SHOWN])
    problems = []
    if figures.committed:
        problems.append(f"{figures.committed:,.2f} still committed on open orders")
    if rows:
        problems.append(f"{len(rows)} control account(s) still forecast work to complete")
    offenders = [Offender(f"{f.control_account}: {f}", f.get_absolute_url(), "pending forecast", f) for f in rows]
    met = not problems
    summary = (f"budget {figures.budget:,.2f}, actual cost {figures.cost:,.2f} (accruals included), "
               f"variance {figures.variance:,.2f}"
               + ("" if met else "; " + "; ".join(problems)))
    return Check(Item.BUDGET.value, Item.BUDGET.label, True, met=met, count=len(problems), summary=summary,
                 offenders=offenders)


def benefits(scope: Scope) -> Check:
    if not _installed("benefits"):
        return Check(Item.BENEFITS.value, Item.BENEFITS.label, False, summary="tick when the owners took them over")
    from pmo.benefits.models import Benefit

    mine = (Benefit.objects.filter(milestones__project_id=scope.target.pk).distinct() if scope.is_project
            else Benefit.objects.filter(program=scope.program))
    total = mine.count()
    return _check(Item.BENEFITS, mine.filter(handed_over_on__isnull=True).order_by("pk"),
                  none=(f"all {total} benefit(s) handed over to their owners" if total
                        else "no benefits enabled here"),
                  some="{n} of " + str(total) + " benefits not yet handed over",
                  status=lambda b: f"owner: {b.owner_name}")


def lessons(scope: Scope) -> Check:
    mine = scope.filter(Lesson.objects.all())
    count = mine.count()
    return Check(Item.LESSONS.value, Item.LESSONS.label, True, met=count > 0, count=0 if count else 1,
                 summary=f"{count} lesson(s) captured" if count else "no lesson captured yet")


def documents(scope: Scope) -> Check:
    if not _installed("documents"):
        return Check(Item.DOCUMENTS.value, Item.DOCUMENTS.label, False, summary="tick when the files are archived")
    from pmo.documents.models import Document, DocumentStatus

    mine = scope.filter(Document.objects.all())
    total = mine.count()
    return _check(Item.DOCUMENTS, mine.exclude(status=DocumentStatus.APPROVED).order_by("pk"),
                  none=f"all {total} documents approved" if total else "no documents",
                  some="{n} of " + str(total) + " documents not approved",
                  status=lambda d: d.get_status_display())


def raid(scope: Scope) -> Check:
    if not _installed("raid"):
        return Check(Item.RAID.value, Item.RAID.label, False, summary="tick when the risks and issues are closed")
    from pmo.raid.models import Issue, IssueStatus, Risk, RiskStatus

    risks = scope.filter(Risk.objects.filter(status__in=[RiskStatus.OPEN, RiskStatus.MITIGATING]))
    issues = scope.filter(Issue.objects.filter(status__in=[IssueStatus.OPEN, IssueStatus.IN_PROGRESS]))
    n_risks, n_issues = risks.count(), issues.count()
    rows = [*risks.order_by("pk")[:SHOWN], *issues.order_by("pk")[:SHOWN]][:SHOWN]
    count = n_risks + n_issues
    return Check(Item.RAID.value, Item.RAID.label, True, met=count == 0, count=count,
                 summary="no open risk or issue" if count == 0 else f"{n_risks} risk(s) and {n_issues} issue(s) open",
                 offenders=_offenders(rows, lambda o: o.get_status_display()))


def signoff(scope: Scope) -> Check:
    """No app records the sponsor's acceptance of the closure: always ticked by hand, with the evidence."""
    return Check(Item.SIGNOFF.value, Item.SIGNOFF.label, False,
                 summary=f"the sponsor{f' ({scope.program.sponsor})' if scope.program.sponsor else ''} accepts "
                         "the closure: tick it with where that is recorded")


def projects(scope: Scope) -> Check:
    live = Project.objects.filter(program=scope.program, archived_at__isnull=True).order_by("code")
    total = len(scope.project_ids)
    return _check(Item.PROJECTS, live, none=f"all {total} projects archived" if total else "no projects",
                  some="{n} of " + str(total) + " projects not archived yet (close each project first)",
                  status=lambda p: p.get_status_display())


PROJECT_ITEMS = (deliverables, contracts, budget, benefits, lessons, documents, raid, signoff)
PROGRAM_ITEMS = (*PROJECT_ITEMS, projects)


def marks_of(target) -> dict[str, ChecklistMark]:
    if isinstance(target, Project):
        rows = ChecklistMark.objects.filter(project=target)
    else:
        rows = ChecklistMark.objects.filter(program=target, project__isnull=True)
    return {mark.item: mark for mark in rows.select_related("created_by")}


def checklist(target) -> list[Check]:
    """The checklist of a project or program, in order, each item with its evidence and mark."""
    scope = scope_of(target)
    marks = marks_of(target)
    checks = []
    for compute in (PROJECT_ITEMS if scope.is_project else PROGRAM_ITEMS):
        check = compute(scope)
        check.mark = marks.get(check.item)
        checks.append(check)
    return checks


def for_user(user, target, checks: list[Check]) -> list[Check]:
    """``checks`` with only the offenders ``user`` may see (a project manager reading the program's checklist sees
    the offenders of their own projects; the others count, unnamed). No query: portfolio-wide and program roles
    see the whole program, project roles their projects."""
    from pmo.accounts.scopes import scopes_of
    from pmo.portfolio.archive import owner_of

    if not project_scoped(user, target):
        return checks
    projects = scopes_of(user).project_roles
    for check in checks:
        shown = [o for o in check.offenders
                 if (owner := owner_of(o.obj)) and owner[0] == "project" and owner[1] in projects]
        check.hidden, check.offenders = len(check.offenders) - len(shown), shown
        if check.item == Item.BUDGET and isinstance(target, Program):
            check.summary = "the program's money is seen by its program roles and the PMO"
    return checks


def project_scoped(user, target) -> bool:
    """Does ``user`` read ``target`` only through project roles (a project manager reading the parent program)?"""
    from pmo.accounts.scopes import scopes_of

    scopes = scopes_of(user)
    program_id = target.pk if isinstance(target, Program) else target.program_id
    return not (scopes.sees_everything or program_id in scopes.program_ids()
                or (isinstance(target, Project) and target.pk in scopes.project_roles))


def complete(checks: list[Check]) -> bool:
    return all(check.done for check in checks)


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
