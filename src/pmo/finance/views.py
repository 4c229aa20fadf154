"""Finance pages: the portfolio, program and project finance pages (budget vs committed vs actual vs forecast,
earned value with its S-curve and CPI/SPI trend), the PMO budget, exchange rates, and the forms and read-only
pages of budgets, budget lines, cost entries and control accounts. Every table exports to Excel (``?export=xlsx``).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page
from pmo.engine.evm import EvmError
from pmo.portfolio.models import Portfolio, Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from . import engine_adapter, selectors, services
from .export import workbook_response
from .forms import (
    BudgetChangeForm,
    BudgetForm,
    BudgetLineForm,
    ControlAccountForm,
    CostEntryForm,
    ForecastForm,
    RateForm,
)
from .models import Budget, BudgetLine, finance_crumb
from .policies import (
    budget_change_policy,
    budget_line_policy,
    budget_policy,
    control_account_policy,
    cost_entry_policy,
    keeps_target,
    rate_policy,
    sees_target,
)

RECENT_COSTS = 25


def _status_date(request) -> tuple[date, str]:
    """The status date of ``?status_date=`` (today when absent or not a date), and a message when it was bad."""
    text = request.GET.get("status_date", "").strip()
    if not text:
        return timezone.localdate(), ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return timezone.localdate(), f"'{text[:20]}' is not a date (YYYY-MM-DD): showing today"
    if not 1900 <= day.year <= 2200:
        return timezone.localdate(), "the status date must be within 1900..2200: showing today"
    return day, ""


def _evm(fn, *args, **kwargs):
    """The EVM result, or (None, message) when it cannot be computed (a missing rate, dates out of range)."""
    try:
        return fn(*args, **kwargs), ""
    except ValidationError as exc:
        return None, " ".join(m for ms in exc.message_dict.values() for m in ms) if hasattr(exc, "error_dict") \
            else " ".join(exc.messages)
    except EvmError as exc:
        return None, str(exc)


def _money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _ratio(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def s_curve(result, title: str) -> tuple[dict, dict]:
    """The chart data (PV, EV, AC cumulative per period and the EAC projection) and its table."""
    if result is None:
        return {}, {}
    series = result.series
    eac = result.cost.eac_cpi or result.cost.eac_remaining_at_budget
    end = result.forecast_finish or result.planned_finish
    chart = {
        "title": title, "currency": result.currency,
        "pv": [[s["period_end"].isoformat(), float(s["pv"])] for s in series],
        "ev": [[s["period_end"].isoformat(), float(s["ev"])] for s in series if s["ev"] is not None],
        "ac": [[s["period_end"].isoformat(), float(s["ac"])] for s in series if s["ac"] is not None],
        "eac": ([[result.status_date.isoformat(), float(result.cost.ac)], [end.isoformat(), float(eac)]]
                if end and eac is not None and end >= result.status_date else []),
        "status_date": result.status_date.isoformat(),
    }
    table = {"caption": title, "headers": ["Period ending", f"PV ({result.currency})", f"EV ({result.currency})",
                                           f"AC ({result.currency})"],
             "rows": [[s["period_end"].isoformat(), _money(s["pv"]), _money(s["ev"]) or "—", _money(s["ac"]) or "—"]
                      for s in series]}
    if chart["eac"]:
        table["rows"].append([f"EAC projection to {end.isoformat()}", "", "", _money(eac)])
    return chart, table


def trend_chart(points: list[dict], title: str) -> tuple[dict, dict]:
    chart = {"title": title, "dates": [p["status_date"].isoformat() for p in points],
             "cpi": [p["cpi"] and round(p["cpi"], 3) for p in points],
             "spi": [p["spi"] and round(p["spi"], 3) for p in points]}
    table = {"caption": title, "headers": ["Status date", "CPI", "SPI"],
             "rows": [[p["status_date"].isoformat(), _ratio(p["cpi"]), _ratio(p["spi"])] for p in points]}
    return chart, table


def _evm_rows(result) -> list[tuple[str, str]]:
    """The EVM figures as (label, value) rows for the page and the workbook."""
    if result is None:
        return []
    c, s = result.cost, result.schedule
    return [
        ("BAC", _money(c.bac)), ("PV", _money(c.pv)), ("EV", _money(c.ev)), ("AC", _money(c.ac)),
        ("SV", _money(c.sv)), ("CV", _money(c.cv)), ("SPI", _ratio(c.spi)), ("CPI", _ratio(c.cpi)),
        ("EAC = BAC / CPI", _money(c.eac_cpi) or "—"), ("EAC = AC + (BAC − EV)", _money(c.eac_remaining_at_budget)),
        ("EAC = AC + (BAC − EV) / (CPI × SPI)", _money(c.eac_cpi_spi) or "—"),
        ("EAC bottom-up (AC + ETC)", _money(c.eac_bottom_up) or "—"), ("ETC", _money(c.etc) or "—"),
        ("VAC", _money(c.vac) or "—"), ("TCPI (BAC)", _ratio(c.tcpi_bac)),
        ("ES (working days)", f"{s.es:.2f}"), ("AT (working days)", f"{s.at:.2f}"),
        ("SV(t) (working days)", f"{s.sv_t:.2f}"),
        ("SPI(t)", _ratio(s.spi_t)), ("IEAC(t) (working days)", "—" if s.ieac_t is None else f"{s.ieac_t:.1f}"),
        ("Planned finish", result.planned_finish.isoformat() if result.planned_finish else "—"),
        ("Forecast finish (IEAC(t))", result.forecast_finish.isoformat() if result.forecast_finish else "—"),
    ]


def _parts_rows(result) -> list[list]:
    if result is None:
        return []
    rows = []
    for p in result.parts:
        m = p.measures()
        rows.append([p.label, m.bac, m.pv, m.ev, m.ac, m.cpi, m.spi, m.eac_bottom_up, p.url])
    return rows


def _summary_sheets(summary, result, parts_label: str) -> list[tuple[str, list[str], list[list]]]:
    cats = [[r["label"], r["budget"], r["committed"], r["actual"], r["accrued"], r["remaining"]]
            for r in summary.categories]
    months = [[m["month"].strftime("%Y-%m"), m["budget"], m["actual"], m["cum_budget"], m["cum_actual"]]
              for m in summary.months]
    sheets = [("By category", ["Category", "Budget", "Committed", "Actual", "Accrued", "Remaining"], cats),
              ("By month", ["Month", "Budget", "Actual", "Cumulative budget", "Cumulative actual"], months)]
    if result is not None:
        sheets.insert(0, ("Earned value", ["Measure", f"Value ({result.currency})"],
                          [list(r) for r in _evm_rows(result)]))
        sheets.append((f"By {parts_label.lower()}", [parts_label, "BAC", "PV", "EV", "AC", "CPI", "SPI", "EAC"],
                       [r[:8] for r in _parts_rows(result)]))
        sheets.append(("S-curve", ["Period ending", "PV", "EV", "AC"],
                       [[s["period_end"], s["pv"], s["ev"], s["ac"]] for s in result.series]))
    return sheets


# --- the finance pages ---------------------------------------------------------------------------------------

@login_required
def overview(request):
    """The portfolio's money: earned value of every project the user can see, per program, in the portfolio
    currency, and the programs and projects whose finance pages they may open."""
    status, warning = _status_date(request)
    projects = selectors.visible_projects(request.user)
    result, error = _evm(engine_adapter.rollup_evm, projects, status, by="program")
    programs = [p for p in program_policy.visible(request.user).order_by("code") if sees_target(request.user, p)]
    budgets = {b.key: b for b in selectors.budgets_for(request.user)}
    project_rows = [(p, budgets.get(Budget.key_for(p))) for p in projects.order_by("program__code", "code")]
    if request.GET.get("export") == "xlsx":
        rows = [[p.program.code, p.code, p.name, b.approved if b else None, b.reserve if b else None]
                for p, b in project_rows]
        sheets = [("Projects", ["Program", "Project", "Name", "Approved budget", "Contingency"], rows)]
        if result is not None:
            evm_sheets = {title: (title, headers, data) for title, headers, data in
                          _summary_sheets(selectors.Summary(currency=result.currency), result, "Program")}
            sheets = [evm_sheets["Earned value"], *sheets, evm_sheets["By program"], evm_sheets["S-curve"]]
        return workbook_response("portfolio-finance", sheets)
    chart, chart_table = s_curve(result, "Portfolio S-curve: PV, EV and AC")
    return render(request, "finance/overview.html", {
        "status_date": status, "warning": warning or error, "result": result, "evm_rows": _evm_rows(result),
        "parts": _parts_rows(result), "programs": programs, "project_rows": project_rows,
        "currency": Portfolio.default().currency, "chart": chart, "chart_table": chart_table,
        "sees_pmo": sees_target(request.user, None), "breadcrumbs": breadcrumbs(request.user, "Finance"),
    })


def _project_context(request, project: Project, status: date) -> dict:
    budget = services.budget_of(project)
    result, error = _evm(engine_adapter.project_evm, project, status)
    entries = selectors.cost_entries_for(request.user).filter(project=project)
    summary = selectors.summary(budgets=Budget.objects.filter(project=project), entries=entries,
                                project_ids=[project.pk], currency=project.program.currency)
    trend = selectors.trend([project.pk])
    return {"budget": budget, "result": result, "error": error, "summary": summary, "trend": trend,
            "entries": entries.order_by("-date", "-pk")[:RECENT_COSTS], "entry_count": entries.count(),
            "changes": budget.changes.select_related("created_by")[:20] if budget else [],
            "accounts": selectors.control_accounts_for(request.user).filter(project=project),
            **_lines_context(Budget.objects.filter(project=project))}


@login_required
def project_finance(request, pk):
    project = project_policy.get(request.user, pk=pk)
    status, warning = _status_date(request)
    context = _project_context(request, project, status)
    result = context["result"]
    if request.GET.get("export") == "xlsx":
        sheets = _summary_sheets(context["summary"], result, "Control account")
        sheets.append(("Cost entries", ["Date", "Amount", "Category", "Kind", "Source", "Reference", "Task"],
                       [[e.date, e.amount, e.get_category_display(), e.get_kind_display(), e.get_source_display(),
                         e.reference, e.task.name if e.task else ""]
                        for e in context["entries"].model.objects.filter(project=project)
                        .select_related("task").order_by("date", "pk")]))
        sheets.append(_lines_sheet(Budget.objects.filter(project=project)))
        sheets.append(_log_sheet(context["changes"]))
        return workbook_response(f"{project.code}-finance", sheets)
    chart, chart_table = s_curve(result, f"{project.code} S-curve: PV, EV and AC with the EAC projection")
    trend, trend_table = trend_chart(context["trend"], f"{project.code} CPI and SPI at past status dates")
    return render(request, "finance/project.html", {
        **context, "project": project, "status_date": status, "warning": warning or context["error"],
        "evm_rows": _evm_rows(result), "parts": _parts_rows(result), "chart": chart, "chart_table": chart_table,
        "trend_chart": trend, "trend_table": trend_table, "keeps": keeps_target(request.user, project),
        "open_project": project.status not in services.CLOSED_PROJECT_STATUSES,
        "breadcrumbs": breadcrumbs(request.user, finance_crumb(project)),
    })


MAX_LINES_SHOWN = 120


def _lines_context(budgets) -> dict:
    lines = BudgetLine.objects.filter(budget__in=budgets).select_related("budget__project", "budget__program")
    return {"lines": lines.order_by("-month", "category", "pk")[:MAX_LINES_SHOWN], "line_count": lines.count()}


def _lines_sheet(budgets) -> tuple[str, list[str], list[list]]:
    lines = BudgetLine.objects.filter(budget__in=budgets).select_related("budget__project", "control_account__task")
    return ("Budget lines", ["Budget", "Month", "Category", "CAPEX/OPEX", "Amount", "Control account", "Description"],
            [[str(ln.budget), ln.month, ln.get_category_display(), ln.get_expenditure_display(), ln.amount,
              str(ln.control_account) if ln.control_account else "", ln.description]
             for ln in lines.order_by("budget_id", "month", "category", "pk")])


def _log_sheet(changes) -> tuple[str, list[str], list[list]]:
    return ("Budget log", ["When", "Who", "Amount", "Status", "Approved before", "Approved after", "Reason", "Rule"],
            [[c.created_at.replace(tzinfo=None), c.created_by.get_username() if c.created_by else "", c.amount,
              c.get_status_display(), c.approved_before, c.approved_after, c.reason, c.rule] for c in changes])


@login_required
def program_finance(request, pk):
    program = program_policy.get(request.user, pk=pk)
    if not sees_target(request.user, program):
        raise PermissionDenied("the program's money is seen by its program roles and the PMO")
    status, warning = _status_date(request)
    projects = selectors.visible_projects(request.user, program)
    result, error = _evm(engine_adapter.rollup_evm, projects, status, by="project", currency=program.currency)
    budget = services.budget_of(program)
    budgets = Budget.objects.filter(program=program)
    summary = selectors.summary(budgets=budgets, entries=selectors.cost_entries_for(request.user)
                                .filter(program=program), project_ids=[p.pk for p in projects],
                                currency=program.currency)
    project_budgets = {b.project_id: b for b in budgets.filter(project__isnull=False)}
    trend = selectors.trend([p.pk for p in projects])
    changes = list(selectors.budget_changes_for(request.user).filter(budget__program=program)[:20])
    if request.GET.get("export") == "xlsx":
        sheets = _summary_sheets(summary, result, "Project")
        sheets.append(("Project budgets", ["Project", "Approved", "Contingency"],
                       [[p.code, project_budgets[p.pk].approved if p.pk in project_budgets else None,
                         project_budgets[p.pk].reserve if p.pk in project_budgets else None] for p in projects]))
        sheets.append(_lines_sheet(budgets))
        sheets.append(_log_sheet(changes))
        return workbook_response(f"{program.code}-finance", sheets)
    chart, chart_table = s_curve(result, f"{program.code} S-curve: PV, EV and AC with the EAC projection")
    trend_data, trend_table = trend_chart(trend, f"{program.code} CPI and SPI at past status dates")
    return render(request, "finance/program.html", {
        "program": program, "budget": budget, "status_date": status, "warning": warning or error, "result": result,
        "evm_rows": _evm_rows(result), "parts": _parts_rows(result), "summary": summary, "changes": changes,
        "project_budgets": [(p, project_budgets.get(p.pk)) for p in projects.order_by("code")],
        "chart": chart, "chart_table": chart_table, "trend_chart": trend_data, "trend_table": trend_table,
        "keeps": keeps_target(request.user, program), "breadcrumbs": breadcrumbs(request.user, finance_crumb(program)),
        **_lines_context(budgets),
    })


@login_required
def pmo_budget(request):
    """The PMO's own budget (staff, tools): the Director keeps it, the portfolio-wide roles read it."""
    if not sees_target(request.user, None):
        raise PermissionDenied("the PMO budget is seen by the PMO Director, Analysts and Coordinators")
    budget = services.budget_of(None)
    budgets = Budget.objects.filter(key="portfolio")
    summary = selectors.summary(budgets=budgets, entries=None, project_ids=None, currency=Portfolio.default().currency)
    lines = list(budget.lines.all()) if budget else []
    changes = list(budget.changes.select_related("created_by")[:50]) if budget else []
    if request.GET.get("export") == "xlsx":
        sheets = _summary_sheets(summary, None, "")
        sheets.append(("Lines", ["Month", "Category", "CAPEX/OPEX", "Amount", "Description"],
                       [[ln.month, ln.get_category_display(), ln.get_expenditure_display(), ln.amount,
                         ln.description] for ln in lines]))
        sheets.append(_log_sheet(changes))
        return workbook_response("pmo-budget", sheets)
    return render(request, "finance/pmo_budget.html", {
        "budget": budget, "summary": summary, "lines": lines, "line_count": len(lines), "changes": changes,
        "keeps": keeps_target(request.user, None), "breadcrumbs": breadcrumbs(request.user, finance_crumb(None)),
    })


# --- budgets ------------------------------------------------------------------------------------------------

def _target(request, program_pk=None, project_pk=None):
    if project_pk is not None:
        return project_policy.get(request.user, pk=project_pk)
    if program_pk is not None:
        return program_policy.get(request.user, pk=program_pk)
    if not sees_target(request.user, None):
        raise PermissionDenied("the PMO budget is the PMO Director's")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def budget_create(request, program_pk=None, project_pk=None):
    target = _target(request, program_pk, project_pk)
    if not keeps_target(request.user, target):
        raise PermissionDenied("you may not set this budget")
    existing = services.budget_of(target)
    if existing is not None:
        return redirect(existing)
    label = {None: "PMO budget"}.get(target, f"Budget of {getattr(target, 'code', '')}")
    reserve = "Contingency" if isinstance(target, Project) else "Management reserve" if target else "Reserve"
    form = BudgetForm(request.POST or None, reserve_label=reserve)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        budget = apply_service(form, lambda: services.budget_create(
            actor=request.user, target=target, approved=data["approved"], reserve=data["reserve"],
            notes=data["notes"], reason=data["reason"]))
        if budget:
            messages.success(request, f"{budget} set.")
            return redirect(budget)
    return form_page(request, form, f"Set the {label}", finance_crumb(target), "Set the budget")


@login_required
@require_http_methods(["GET", "POST"])
def budget_change(request, pk):
    budget = budget_policy.get(request.user, queryset=selectors.budgets_for(request.user), pk=pk)
    budget_policy.require(request.user, "request_change", budget)
    form = BudgetChangeForm(request.POST or None, initial={"version": budget.version})
    if request.method == "POST" and form.is_valid():
        change = apply_service(form, lambda: services.budget_change_request(
            actor=request.user, budget=budget, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"]))
        if change:
            if change.status == "approved":
                messages.success(request, f"Approved budget now {change.approved_after:,.2f}.")
            else:
                messages.warning(request, "Beyond the program's cost tolerance: recorded as awaiting the "
                                          "Steering Committee; the approved budget is unchanged.")
            return redirect(change)
    within = ""
    if budget.program_id:
        within = f" (tolerance {budget.program.cost_tolerance_pct}% of the original {budget.original:,.2f})"
    return form_page(request, form, f"Change the {budget}{within}", finance_crumb(budget.target), "Change the budget")


@login_required
def budget_change_detail(request, pk):
    change = budget_change_policy.get(request.user, queryset=selectors.budget_changes_for(request.user), pk=pk)
    return detail_page(request, change, "finance/budget_change_detail.html", {"change": change}, actions=())


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_create(request, pk):
    budget = budget_policy.get(request.user, queryset=selectors.budgets_for(request.user), pk=pk)
    budget_policy.require(request.user, "change", budget)
    form = BudgetLineForm(request.POST or None, project=budget.project)
    if request.method == "POST" and form.is_valid():
        line = apply_service(form, lambda: services.budget_line_create(actor=request.user, budget=budget,
                                                                       **form.changes()))
        if line:
            messages.success(request, f"Budget line {line} added.")
            return redirect(budget)
    return form_page(request, form, f"New line of the {budget}", finance_crumb(budget.target), "New budget line")


@login_required
def budget_line_detail(request, pk):
    line = budget_line_policy.get(request.user, queryset=selectors.budget_lines_for(request.user), pk=pk)
    return detail_page(request, line, "finance/budget_line_detail.html", {"line": line}, actions=("delete",))


@login_required
@require_POST
def budget_line_delete(request, pk):
    line = budget_line_policy.get(request.user, queryset=selectors.budget_lines_for(request.user), pk=pk)
    budget = line.budget
    services.budget_line_delete(actor=request.user, line=line, expected_version=line.version)
    messages.success(request, "Budget line deleted.")
    return redirect(budget)


# --- costs, control accounts, forecasts, rates, status records ------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def cost_entry_create(request, project_pk):
    project = project_policy.get(request.user, pk=project_pk)
    if not keeps_target(request.user, project):
        raise PermissionDenied(f"you may not book costs on {project.code}")
    form = CostEntryForm(request.POST or None, project=project, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        data.pop("version", None)
        task = data.pop("task", None)
        entry = apply_service(form, lambda: services.cost_entry_create(
            actor=request.user, project=None if task else project, task=task, **data))
        if entry:
            messages.success(request, f"Cost of {entry.amount:,.2f} recorded.")
            return redirect(entry)
    return form_page(request, form, f"Record a cost on {project.code}", finance_crumb(project), "Record a cost")


@login_required
def cost_entry_detail(request, pk):
    entry = cost_entry_policy.get(request.user, queryset=selectors.cost_entries_for(request.user), pk=pk)
    return detail_page(request, entry, "finance/cost_entry_detail.html", {"entry": entry}, actions=("delete",))


@login_required
@require_POST
def cost_entry_delete(request, pk):
    entry = cost_entry_policy.get(request.user, queryset=selectors.cost_entries_for(request.user), pk=pk)
    project = entry.project
    try:
        services.cost_entry_delete(actor=request.user, entry=entry, expected_version=entry.version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(entry)
    messages.success(request, "Cost entry deleted.")
    return redirect("finance:project_finance", project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def control_account_create(request, project_pk):
    project = project_policy.get(request.user, pk=project_pk)
    if not keeps_target(request.user, project):
        raise PermissionDenied(f"you may not change the control accounts of {project.code}")
    form = ControlAccountForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        account = apply_service(form, lambda: services.control_account_create(
            actor=request.user, task=form.cleaned_data["task"], owner=form.cleaned_data["owner"]))
        if account:
            messages.success(request, f"{account} is a control account.")
            return redirect(account)
    return form_page(request, form, f"New control account in {project.code}", finance_crumb(project),
                     "New control account")


@login_required
@require_http_methods(["GET", "POST"])
def control_account_detail(request, pk):
    """The control account, its cost, its forecasts (ETC), and the form for a new forecast."""
    account = control_account_policy.get(request.user, queryset=selectors.control_accounts_for(request.user), pk=pk)
    can_change = control_account_policy.can(request.user, "change", account)
    if request.method == "POST" and not can_change:
        control_account_policy.require(request.user, "change", account, "you may not forecast this control account")
    form = ForecastForm(request.POST or None, initial={"as_of": timezone.localdate()}) if can_change else None
    if request.method == "POST" and form.is_valid():
        forecast = apply_service(form, lambda: services.forecast_create(
            actor=request.user, control_account=account, as_of=form.cleaned_data["as_of"],
            etc=form.cleaned_data["etc"], note=form.cleaned_data["note"]))
        if forecast:
            messages.success(request, f"Forecast recorded: {forecast}.")
            return redirect(account)
    entries = selectors.cost_entries_for(request.user).filter(control_account=account)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return workbook_response(f"{account.project.code}-control-account-{account.pk}", [
            ("Forecasts", ["As of", "ETC", "Note"], [[f.as_of, f.etc, f.note] for f in account.forecasts.all()]),
            ("Cost entries", ["Date", "Amount", "Category", "Kind", "Source", "Reference", "Task"],
             [[e.date, e.amount, e.get_category_display(), e.get_kind_display(), e.get_source_display(), e.reference,
               e.task.name if e.task else ""] for e in entries.order_by("date", "pk")])])
    status = 422 if form is not None and form.errors else 200
    response = detail_page(request, account, "finance/control_account_detail.html", {
        "account": account, "form": form, "forecasts": account.forecasts.select_related("created_by")[:50],
        "entries": entries.order_by("-date", "-pk")[:RECENT_COSTS], "entry_count": entries.count(),
        "total": sum(entries.values_list("amount", flat=True)),
    }, actions=("change",))
    response.status_code = status
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rates(request):
    """Exchange rates for the portfolio roll-up: everyone reads, the PMO Director adds."""
    can_add = rate_policy.can(request.user, "create", None)
    if request.method == "POST" and not can_add:
        raise PermissionDenied("only the PMO Director keeps exchange rates")
    form = RateForm(request.POST or None) if can_add else None
    if request.method == "POST" and form.is_valid():
        rate = apply_service(form, lambda: services.exchange_rate_set(actor=request.user, **{
            k: form.cleaned_data[k] for k in ("currency", "valid_from", "rate")}))
        if rate:
            messages.success(request, f"Rate {rate} saved.")
            return redirect("finance:rates")
    rows = list(selectors.rates_for(request.user))
    currencies = sorted(set(Program.objects.values_list("currency", flat=True)))
    if request.GET.get("export") == "xlsx":
        return workbook_response("exchange-rates", [("Rates", ["Currency", "Valid from", "Rate"],
                                                     [[r.currency, r.valid_from, r.rate] for r in rows])])
    return render(request, "finance/rates.html", {
        "rates": rows, "form": form, "portfolio_currency": services.portfolio_currency(), "currencies": currencies,
        "breadcrumbs": breadcrumbs(request.user, "Finance", "Exchange rates"),
    }, status=422 if form is not None and form.errors else 200)


@login_required
@require_POST
def status_record(request, project_pk):
    project = project_policy.get(request.user, pk=project_pk)
    status, _warning = _status_date(request)
    try:
        day = date.fromisoformat(request.POST.get("status_date", ""))
    except ValueError:
        day = status
    try:
        services.status_record(actor=request.user, project=project, status_date=day)
    except (ValidationError, EvmError) as exc:
        messages.error(request, f"Status not recorded: {exc}")
    else:
        messages.success(request, f"Earned value of {project.code} recorded at {day.isoformat()}.")
    return redirect(f"{finance_crumb(project).url}?status_date={day.isoformat()}")
