"""``/api/v1/cost-entries``, ``/budgets``, ``/budget-lines``, ``/control-accounts``, ``/exchange-rates`` and the
earned value of projects, programs and the portfolio (conventions in pmo.core.api)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.accounts.selectors import active_user
from pmo.core.api import (
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    Day,
    Id,
    Input,
    Pagination,
    expected_version,
    optional_version,
    with_etag,
)
from pmo.engine.evm import Earning, EvmError, Loading
from pmo.planning.policies import task_policy
from pmo.portfolio.policies import program_policy, project_policy

from . import engine_adapter, selectors, services
from .models import MAX_AMOUNT, BudgetLevel, Category, ChangeStatus, CostKind, CostSource, Expenditure
from .policies import budget_line_policy, budget_policy, control_account_policy, cost_entry_policy, rate_policy

router = Router(tags=["finance"])

AMOUNT = {"ge": 0, "le": MAX_AMOUNT, "max_digits": 14, "decimal_places": 2}


class EvmQuery(Schema):
    status_date: Day | None = Field(None, description="inclusive; default today")
    period: str = Field("month", pattern="^(day|week|month)$", description="period of the PV/EV/AC series")


class SeriesOut(Schema):
    period_end: date
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None


class PartOut(Schema):
    id: int | None
    label: str
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    eac: Decimal | None


class EvmOut(Schema):
    status_date: date
    currency: str
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: float | None
    cpi: float | None
    eac_cpi: Decimal | None
    eac_remaining_at_budget: Decimal
    eac_cpi_spi: Decimal | None
    eac_bottom_up: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    es: float = Field(..., description="earned schedule, working days")
    at: float = Field(..., description="actual time at the status date, working days")
    pd: float = Field(..., description="planned duration, working days")
    sv_t: float
    spi_t: float | None
    ieac_t: float | None
    forecast_finish: date | None
    planned_finish: date | None
    period: str
    series: list[SeriesOut]
    parts: list[PartOut]


def _evm(result) -> dict:
    return result.as_dict()


def _status(query: EvmQuery) -> date:
    return query.status_date or timezone.localdate()


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except EvmError as exc:
        raise ValidationError({"status_date": str(exc)}) from exc


@router.get("/projects/{project_id}/evm", response=EvmOut)
def project_evm(request: HttpRequest, project_id: Id, query: Query[EvmQuery]):
    """Earned value of the project at the status date (inclusive), per control account, in its program's
    currency; durations in working days of the project's calendar."""
    project = project_policy.get(request.user, pk=project_id)
    return _evm(_run(engine_adapter.project_evm, project, _status(query), period=query.period))


@router.get("/programs/{program_id}/evm", response=EvmOut)
def program_evm(request: HttpRequest, program_id: Id, query: Query[EvmQuery]):
    """Earned value of the program's projects you can see, per project, in the program's currency."""
    program = program_policy.get(request.user, pk=program_id)
    projects = selectors.visible_projects(request.user, program)
    return _evm(_run(engine_adapter.rollup_evm, projects, _status(query), by="project", currency=program.currency,
                     period=query.period))


@router.get("/portfolio/evm", response=EvmOut)
def portfolio_evm(request: HttpRequest, query: Query[EvmQuery]):
    """Earned value of every project you can see, per program, in the portfolio currency (each program
    converted at the rate in force on the status date; 422 naming ``currency`` when one has none)."""
    return _evm(_run(engine_adapter.rollup_evm, selectors.visible_projects(request.user), _status(query),
                     by="program", period=query.period))


# --- cost entries -------------------------------------------------------------------------------------------

class CostEntryOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    project: int = Field(..., alias="project_id")
    task: int | None = Field(None, alias="task_id")
    control_account: int | None = Field(None, alias="control_account_id")
    date: date
    amount: Decimal
    category: Category
    kind: CostKind
    source: CostSource
    reference: str
    description: str
    version: int
    created_at: datetime


class CostEntryPatch(Input):
    task: Id | None = None
    control_account: Id | None = None
    date: Day = None
    amount: Decimal = Field(None, **AMOUNT)
    category: Category = None
    kind: CostKind = None
    source: CostSource = None
    reference: str = Field(None, max_length=80)
    description: str = Field(None, max_length=200)


class CostEntryCreate(CostEntryPatch):
    project: Id | None = Field(None, description="the project, when the cost is on no task or control account")
    date: Day
    amount: Decimal = Field(..., **AMOUNT)
    category: Category


class CostFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    task: Id | None = None
    control_account: Id | None = None
    date_from: Day | None = None
    date_to: Day | None = None


def _refs(request, data: dict) -> dict:
    """Ids of the body as objects the user can see (422 naming the field otherwise)."""
    lookups = {"project": project_policy, "task": task_policy, "control_account": control_account_policy}
    for name, policy in lookups.items():
        if name in data and data[name] is not None:
            found = policy.visible(request.user).filter(pk=data[name]).first()
            if found is None:
                raise ValidationError({name: f"no {name.replace('_', ' ')} with id {data[name]}"})
            data[name] = found
    if "owner" in data:
        data["owner"] = active_user(data["owner"], field="owner")
    return data


@router.get("/cost-entries", response=list[CostEntryOut])
@paginate(Pagination)
def list_cost_entries(request: HttpRequest, filters: Query[CostFilter]):
    queryset = selectors.cost_entries_for(request.user)
    for name in ("program", "project", "task", "control_account"):
        if getattr(filters, name) is not None:
            queryset = queryset.filter(**{f"{name}_id": getattr(filters, name)})
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    return queryset


@router.post("/cost-entries", response={201: CostEntryOut})
def create_cost_entry(request: HttpRequest, response: HttpResponse, payload: CostEntryCreate):
    """Record an actual cost (or accrual) on a task, a control account or a project."""
    entry = services.cost_entry_create(actor=request.user, **_refs(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, entry)
    return Status(201, entry)


@router.get("/cost-entries/{entry_id}", response=CostEntryOut)
def get_cost_entry(request: HttpRequest, response: HttpResponse, entry_id: Id):
    entry = cost_entry_policy.get(request.user, pk=entry_id)
    with_etag(response, entry)
    return entry


@router.patch("/cost-entries/{entry_id}", response=CostEntryOut, openapi_extra=IF_MATCH)
def update_cost_entry(request: HttpRequest, response: HttpResponse, entry_id: Id, payload: CostEntryPatch):
    entry = cost_entry_policy.get(request.user, pk=entry_id)
    version = expected_version(request)
    entry = services.cost_entry_update(actor=request.user, entry=entry, expected_version=version,
                                       **_refs(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, entry)
    return entry


@router.delete("/cost-entries/{entry_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_cost_entry(request: HttpRequest, entry_id: Id):
    entry = cost_entry_policy.get(request.user, pk=entry_id)
    services.cost_entry_delete(actor=request.user, entry=entry, expected_version=expected_version(request))
    return Status(204, None)


# --- budgets, the budget log and budget lines ----------------------------------------------------------------

class BudgetOut(Schema):
    id: int
    level: BudgetLevel
    program: int | None = Field(None, alias="program_id")
    project: int | None = Field(None, alias="project_id")
    currency: str
    original: Decimal
    approved: Decimal
    reserve: Decimal
    notes: str
    version: int


class BudgetPatch(Input):
    reserve: Decimal = Field(None, **AMOUNT)
    notes: str = Field(None, max_length=5000)


class BudgetCreate(Input):
    program: Id | None = Field(None, description="for a program's budget")
    project: Id | None = Field(None, description="for a project's budget (neither: the PMO budget)")
    approved: Decimal = Field(..., **AMOUNT)
    reserve: Decimal = Field(Decimal(0), **AMOUNT)
    notes: str = Field("", max_length=5000)


class BudgetChangeOut(Schema):
    id: int
    budget: int = Field(..., alias="budget_id")
    amount: Decimal
    reason: str
    status: ChangeStatus
    approved_before: Decimal
    approved_after: Decimal
    rule: str
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime


class BudgetChangeIn(Input):
    amount: Decimal = Field(..., ge=-MAX_AMOUNT, le=MAX_AMOUNT, max_digits=14, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=2000)


class BudgetFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    level: BudgetLevel | None = None


@router.get("/budgets", response=list[BudgetOut])
@paginate(Pagination)
def list_budgets(request: HttpRequest, filters: Query[BudgetFilter]):
    queryset = selectors.budgets_for(request.user)
    if filters.program is not None:
        queryset = queryset.filter(program_id=filters.program)
    if filters.project is not None:
        queryset = queryset.filter(project_id=filters.project)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    return queryset


@router.post("/budgets", response={201: BudgetOut})
def create_budget(request: HttpRequest, response: HttpResponse, payload: BudgetCreate):
    """Set the first approved budget of a project, a program or (neither given) the PMO; it is logged."""
    data = payload.model_dump()
    target = None
    if data.pop("project") is not None:
        target = _refs(request, {"project": payload.project})["project"]
    program_id = data.pop("program")
    if program_id is not None:
        program = program_policy.visible(request.user).filter(pk=program_id).first()
        if program is None:
            raise ValidationError({"program": f"no program with id {program_id}"})
        if target is not None and target.program_id != program.pk:
            raise ValidationError({"project": "the project belongs to another program"})
        target = target or program
    budget = services.budget_create(actor=request.user, target=target, **data)
    with_etag(response, budget)
    return Status(201, budget)


@router.get("/budgets/{budget_id}", response=BudgetOut)
def get_budget(request: HttpRequest, response: HttpResponse, budget_id: Id):
    budget = budget_policy.get(request.user, pk=budget_id)
    with_etag(response, budget)
    return budget


@router.patch("/budgets/{budget_id}", response=BudgetOut, openapi_extra=IF_MATCH)
def update_budget(request: HttpRequest, response: HttpResponse, budget_id: Id, payload: BudgetPatch):
    """Change the reserve (contingency or management reserve) or the notes."""
    budget = budget_policy.get(request.user, pk=budget_id)
    budget = services.budget_update(actor=request.user, budget=budget, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, budget)
    return budget


@router.get("/budgets/{budget_id}/changes", response=list[BudgetChangeOut])
@paginate(Pagination)
def list_budget_changes(request: HttpRequest, budget_id: Id):
    """The budget log, newest first."""
    budget = budget_policy.get(request.user, pk=budget_id)
    return selectors.budget_changes_for(request.user).filter(budget=budget)


@router.post("/budgets/{budget_id}/changes", response={201: BudgetChangeOut}, openapi_extra=IF_MATCH_OPTIONAL)
def request_budget_change(request: HttpRequest, budget_id: Id, payload: BudgetChangeIn):
    """Move the approved budget (logged). Beyond the program's cost tolerance the change is recorded as
    awaiting the Steering Committee and the approved figure stays."""
    budget = budget_policy.get(request.user, pk=budget_id)
    change = services.budget_change_request(actor=request.user, budget=budget, amount=payload.amount,
                                            reason=payload.reason, expected_version=optional_version(request, budget))
    return Status(201, change)


class BudgetLineOut(Schema):
    id: int
    budget: int = Field(..., alias="budget_id")
    category: Category
    expenditure: Expenditure
    month: date
    amount: Decimal
    description: str
    control_account: int | None = Field(None, alias="control_account_id")
    version: int


class BudgetLinePatch(Input):
    category: Category = None
    expenditure: Expenditure = None
    month: Day = None
    amount: Decimal = Field(None, **AMOUNT)
    description: str = Field(None, max_length=200)
    control_account: Id | None = None


class BudgetLineCreate(BudgetLinePatch):
    budget: Id
    category: Category
    month: Day = Field(..., description="any day of the month (stored as its first day)")
    amount: Decimal = Field(..., **AMOUNT)


class LineFilter(Schema):
    budget: Id | None = None


@router.get("/budget-lines", response=list[BudgetLineOut])
@paginate(Pagination)
def list_budget_lines(request: HttpRequest, filters: Query[LineFilter]):
    queryset = selectors.budget_lines_for(request.user)
    return queryset if filters.budget is None else queryset.filter(budget_id=filters.budget)


@router.post("/budget-lines", response={201: BudgetLineOut})
def create_budget_line(request: HttpRequest, response: HttpResponse, payload: BudgetLineCreate):
    data = _refs(request, payload.model_dump(exclude_unset=True))
    budget = budget_policy.visible(request.user).filter(pk=data.pop("budget")).first()
    if budget is None:
        raise ValidationError({"budget": f"no budget with id {payload.budget}"})
    line = services.budget_line_create(actor=request.user, budget=budget, **data)
    with_etag(response, line)
    return Status(201, line)


@router.get("/budget-lines/{line_id}", response=BudgetLineOut)
def get_budget_line(request: HttpRequest, response: HttpResponse, line_id: Id):
    line = budget_line_policy.get(request.user, pk=line_id)
    with_etag(response, line)
    return line


@router.patch("/budget-lines/{line_id}", response=BudgetLineOut, openapi_extra=IF_MATCH)
def update_budget_line(request: HttpRequest, response: HttpResponse, line_id: Id, payload: BudgetLinePatch):
    line = budget_line_policy.get(request.user, pk=line_id)
    line = services.budget_line_update(actor=request.user, line=line, expected_version=expected_version(request),
                                       **_refs(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, line)
    return line


@router.delete("/budget-lines/{line_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_budget_line(request: HttpRequest, line_id: Id):
    line = budget_line_policy.get(request.user, pk=line_id)
    services.budget_line_delete(actor=request.user, line=line, expected_version=expected_version(request))
    return Status(204, None)


# --- control accounts and forecasts ------------------------------------------------------------------------

class ControlAccountOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    task: int = Field(..., alias="task_id")
    owner: int | None = Field(None, alias="owner_id")
    loading: Loading
    earning: Earning
    version: int


class ControlAccountCreate(Input):
    task: Id = Field(..., description="a summary task (WBS element) of the project")
    owner: Id | None = None
    loading: Loading = Field(Loading.LINEAR, description="how its work packages' budget is planned over their days")
    earning: Earning = Field(Earning.PERCENT, description="how its work packages earn their budget")


class ControlAccountPatch(Input):
    owner: Id | None = None
    loading: Loading = None
    earning: Earning = None


class ForecastOut(Schema):
    id: int
    control_account: int = Field(..., alias="control_account_id")
    as_of: date
    etc: Decimal
    note: str
    created_at: datetime


class ForecastIn(Input):
    as_of: Day
    etc: Decimal = Field(..., **AMOUNT)
    note: str = Field("", max_length=500)


class AccountFilter(Schema):
    project: Id | None = None


@router.get("/control-accounts", response=list[ControlAccountOut])
@paginate(Pagination)
def list_control_accounts(request: HttpRequest, filters: Query[AccountFilter]):
    queryset = selectors.control_accounts_for(request.user)
    return queryset if filters.project is None else queryset.filter(project_id=filters.project)


@router.post("/control-accounts", response={201: ControlAccountOut})
def create_control_account(request: HttpRequest, response: HttpResponse, payload: ControlAccountCreate):
    data = _refs(request, payload.model_dump(exclude_unset=True))
    account = services.control_account_create(actor=request.user, **data)
    with_etag(response, account)
    return Status(201, account)


@router.get("/control-accounts/{account_id}", response=ControlAccountOut)
def get_control_account(request: HttpRequest, response: HttpResponse, account_id: Id):
    account = control_account_policy.get(request.user, pk=account_id)
    with_etag(response, account)
    return account


@router.patch("/control-accounts/{account_id}", response=ControlAccountOut, openapi_extra=IF_MATCH)
def update_control_account(request: HttpRequest, response: HttpResponse, account_id: Id,
                           payload: ControlAccountPatch):
    account = control_account_policy.get(request.user, pk=account_id)
    account = services.control_account_update(actor=request.user, account=account,
                                              expected_version=expected_version(request),
                                              **_refs(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, account)
    return account


@router.get("/control-accounts/{account_id}/forecasts", response=list[ForecastOut])
@paginate(Pagination)
def list_forecasts(request: HttpRequest, account_id: Id):
    account = control_account_policy.get(request.user, pk=account_id)
    return account.forecasts.all()


@router.post("/control-accounts/{account_id}/forecasts", response={201: ForecastOut})
def create_forecast(request: HttpRequest, account_id: Id, payload: ForecastIn):
    """A new estimate to complete of the control account (the bottom-up EAC is AC + ETC)."""
    account = control_account_policy.get(request.user, pk=account_id)
    return Status(201, services.forecast_create(actor=request.user, control_account=account, **payload.model_dump()))


# --- exchange rates and status records -----------------------------------------------------------------------

class ExchangeRateOut(Schema):
    id: int
    currency: str
    valid_from: date
    rate: Decimal
    version: int


class ExchangeRateIn(Input):
    currency: str = Field(..., pattern="^[A-Z]{3}$")
    valid_from: Day
    rate: Decimal = Field(..., gt=0, le=10**7, max_digits=16, decimal_places=8)


@router.get("/exchange-rates", response=list[ExchangeRateOut])
@paginate(Pagination)
def list_exchange_rates(request: HttpRequest):
    """Units of the portfolio currency per unit of each currency, from each date on."""
    return selectors.rates_for(request.user)


@router.post("/exchange-rates", response={201: ExchangeRateOut})
def set_exchange_rate(request: HttpRequest, response: HttpResponse, payload: ExchangeRateIn):
    """Add a rate (or replace that day's); the PMO Director's."""
    rate = services.exchange_rate_set(actor=request.user, **payload.model_dump())
    with_etag(response, rate)
    return Status(201, rate)


@router.delete("/exchange-rates/{rate_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_exchange_rate(request: HttpRequest, rate_id: Id):
    rate = rate_policy.get(request.user, pk=rate_id)
    services.exchange_rate_delete(actor=request.user, rate=rate, expected_version=expected_version(request))
    return Status(204, None)


class StatusRecordIn(Input):
    status_date: Day


class StatusRecordOut(Schema):
    project: int = Field(..., alias="project_id")
    status_date: date
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    eac: Decimal | None


@router.post("/projects/{project_id}/status-records", response={201: StatusRecordOut})
def record_status(request: HttpRequest, project_id: Id, payload: StatusRecordIn):
    """Record the project's PV, EV and AC at a status date (a point of the CPI/SPI trend)."""
    project = project_policy.get(request.user, pk=project_id)
    return Status(201, _run(services.status_record, actor=request.user, project=project,
                            status_date=payload.status_date))
