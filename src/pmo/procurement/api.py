"""``/api/v1/vendors``, ``/contracts`` and ``/payment-milestones`` (conventions in pmo.core.api).

Amounts are decimal numbers (JSON numbers or strings such as ``"1250.00"``) in the program's currency, never
negative, with at most two decimals.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import IF_MATCH, Day, Id, Input, Pagination, expected_version, with_etag
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .models import ContractKind, ContractStatus, PaymentStatus, VendorStatus
from .policies import contract_policy, payment_policy, vendor_policy

router = Router(tags=["procurement"])

#: an amount of money a client sends: not negative, 12 digits before the point, cents after it
Money = Field(None, ge=0, max_digits=14, decimal_places=2)


class VendorOut(Schema):
    id: int
    name: str
    tax_id: str
    status: VendorStatus
    contact_name: str
    contact_email: str
    contact_phone: str
    address: str
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime


class VendorPatch(Input):
    name: str = Field(None, min_length=1, max_length=120)
    tax_id: str = Field(None, max_length=40)
    status: VendorStatus = None
    contact_name: str = Field(None, max_length=120)
    contact_email: str = Field(None, max_length=254)
    contact_phone: str = Field(None, max_length=40)
    address: str = Field(None, max_length=1000)
    notes: str = Field(None, max_length=5000)


class VendorFilter(Schema):
    status: VendorStatus | None = None
    q: str | None = Field(None, max_length=200, description="search in name, tax id and contact")


class VendorCreate(VendorPatch):
    name: str = Field(..., min_length=1, max_length=120)


class ContractOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    vendor: int = Field(..., alias="vendor_id")
    title: str
    reference: str
    kind: ContractKind
    value: Decimal
    currency: str
    start: date
    end: date
    status: ContractStatus
    description: str
    payments_total: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


class ContractPatch(Input):
    vendor: Id = None
    title: str = Field(None, min_length=1, max_length=200)
    reference: str = Field(None, max_length=60)
    kind: ContractKind = None
    value: Decimal = Money
    start: Day = None
    end: Day = None
    status: ContractStatus = None
    description: str = Field(None, max_length=5000)


class ContractCreate(ContractPatch):
    program: Id | None = Field(None, description="program id (for a program-level contract, or with project)")
    project: Id | None = Field(None, description="project id")
    vendor: Id
    title: str = Field(..., min_length=1, max_length=200)
    value: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    start: Day
    end: Day


class ContractFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    vendor: Id | None = None
    status: ContractStatus | None = None
    kind: ContractKind | None = None
    q: str | None = Field(None, max_length=200, description="search in title, reference and vendor name")


class PaymentOut(Schema):
    id: int
    contract: int = Field(..., alias="contract_id")
    task: int = Field(..., alias="task_id")
    name: str
    amount: Decimal
    agreed_date: date | None
    scheduled: date | None = Field(None, description="the milestone's date in the schedule now")
    slip_days: int | None = Field(None, description="calendar days the milestone moved since agreed (+ later)")
    status: PaymentStatus
    version: int
    created_at: datetime
    updated_at: datetime


class PaymentPatch(Input):
    task: Id = Field(None, description="a schedule milestone (task with is_milestone) in the contract's scope")
    name: str = Field(None, min_length=1, max_length=200)
    amount: Decimal = Field(None, gt=0, max_digits=14, decimal_places=2)
    agreed_date: Day | None = None
    status: PaymentStatus = None


class PaymentCreate(PaymentPatch):
    contract: Id
    task: Id = Field(..., description="a schedule milestone (task with is_milestone) in the contract's scope")
    name: str = Field(..., min_length=1, max_length=200)
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class PaymentFilter(Schema):
    contract: Id | None = None
    status: PaymentStatus | None = None


def _scope(request, data: dict) -> dict:
    """Replace the program/project ids of a create payload by objects the user can see (422 otherwise)."""
    scope = {}
    program_id, project_id = data.pop("program", None), data.pop("project", None)
    if project_id is not None:
        scope["project"] = project_policy.visible(request.user).filter(pk=project_id).first()
        if scope["project"] is None:
            raise ValidationError({"project": f"no project with id {project_id}"})
    if program_id is not None:
        scope["program"] = program_policy.visible(request.user).filter(pk=program_id).first()
        if scope["program"] is None:
            raise ValidationError({"program": f"no program with id {program_id}"})
    return scope


# --- vendors ---------------------------------------------------------------------------------------------

@router.get("/vendors", response=list[VendorOut])
@paginate(Pagination)
def list_vendors(request: HttpRequest, filters: Query[VendorFilter]):
    """Vendors you may see: all of them for the portfolio-wide roles, else those your scope deals with."""
    vendors = selectors.search_vendors(selectors.vendors_for(request.user), filters.q).order_by("name", "pk")
    return vendors.filter(status=filters.status) if filters.status else vendors


@router.post("/vendors", response={201: VendorOut})
def create_vendor(request: HttpRequest, response: HttpResponse, payload: VendorCreate):
    """Add a vendor (the PMO Director)."""
    vendor = services.vendor_create(actor=request.user, **payload.model_dump(exclude_unset=True))
    with_etag(response, vendor)
    return Status(201, vendor)


@router.get("/vendors/{vendor_id}", response=VendorOut)
def get_vendor(request: HttpRequest, response: HttpResponse, vendor_id: Id):
    vendor = vendor_policy.get(request.user, pk=vendor_id)
    with_etag(response, vendor)
    return vendor


@router.patch("/vendors/{vendor_id}", response=VendorOut, openapi_extra=IF_MATCH)
def update_vendor(request: HttpRequest, response: HttpResponse, vendor_id: Id, payload: VendorPatch):
    """Change a vendor, or block it (``status: blocked``): no new contracts or orders (the PMO Director)."""
    vendor = vendor_policy.get(request.user, pk=vendor_id)
    vendor = services.vendor_update(actor=request.user, vendor=vendor, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, vendor)
    return vendor


@router.delete("/vendors/{vendor_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_vendor(request: HttpRequest, vendor_id: Id):
    """Delete a vendor nothing refers to (422 while contracts or orders name it: block it instead)."""
    vendor = vendor_policy.get(request.user, pk=vendor_id)
    services.vendor_delete(actor=request.user, vendor=vendor, expected_version=expected_version(request))
    return Status(204, None)


# --- contracts ---------------------------------------------------------------------------------------------

def _contract(request, contract_id: int):
    return contract_policy.get(request.user, queryset=selectors.contracts_for(request.user), pk=contract_id)


@router.get("/contracts", response=list[ContractOut])
@paginate(Pagination)
def list_contracts(request: HttpRequest, filters: Query[ContractFilter]):
    contracts = selectors.search_contracts(selectors.contracts_for(request.user), filters.q).order_by("-start", "pk")
    for name in ("program", "project", "vendor"):
        if getattr(filters, name) is not None:
            contracts = contracts.filter(**{f"{name}_id": getattr(filters, name)})
    for name in ("status", "kind"):
        if getattr(filters, name):
            contracts = contracts.filter(**{name: getattr(filters, name)})
    return contracts


@router.post("/contracts", response={201: ContractOut})
def create_contract(request: HttpRequest, response: HttpResponse, payload: ContractCreate):
    """A contract of a program (``program``) or one of its projects (``project``), in the program's currency."""
    data = payload.model_dump(exclude_unset=True)
    contract = services.contract_create(actor=request.user, **_scope(request, data), **data)
    contract = _contract(request, contract.pk)
    with_etag(response, contract)
    return Status(201, contract)


@router.get("/contracts/{contract_id}", response=ContractOut)
def get_contract(request: HttpRequest, response: HttpResponse, contract_id: Id):
    contract = _contract(request, contract_id)
    with_etag(response, contract)
    return contract


@router.patch("/contracts/{contract_id}", response=ContractOut, openapi_extra=IF_MATCH)
def update_contract(request: HttpRequest, response: HttpResponse, contract_id: Id, payload: ContractPatch):
    contract = _contract(request, contract_id)
    services.contract_update(actor=request.user, contract=contract, expected_version=expected_version(request),
                             **payload.model_dump(exclude_unset=True))
    contract = _contract(request, contract_id)
    with_etag(response, contract)
    return contract


@router.delete("/contracts/{contract_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_contract(request: HttpRequest, contract_id: Id):
    """Delete a draft contract (an active one is closed or terminated instead)."""
    contract = contract_policy.get(request.user, pk=contract_id)
    services.contract_delete(actor=request.user, contract=contract, expected_version=expected_version(request))
    return Status(204, None)


# --- payment milestones -----------------------------------------------------------------------------------

@router.get("/payment-milestones", response=list[PaymentOut])
@paginate(Pagination)
def list_payment_milestones(request: HttpRequest, filters: Query[PaymentFilter]):
    payments = selectors.payments_for(request.user).order_by("contract_id", "agreed_date", "pk")
    if filters.contract is not None:
        payments = payments.filter(contract_id=filters.contract)
    if filters.status:
        payments = payments.filter(status=filters.status)
    return payments


@router.post("/payment-milestones", response={201: PaymentOut})
def create_payment_milestone(request: HttpRequest, response: HttpResponse, payload: PaymentCreate):
    """A payment of a contract tied to a schedule milestone; the payments of a contract never exceed its value."""
    data = payload.model_dump(exclude_unset=True)
    contract = contract_policy.visible(request.user).filter(pk=data.pop("contract")).first()
    if contract is None:
        raise ValidationError({"contract": f"no contract with id {payload.contract}"})
    payment = services.payment_create(actor=request.user, contract=contract, **data)
    with_etag(response, payment)
    return Status(201, payment)


@router.get("/payment-milestones/{payment_id}", response=PaymentOut)
def get_payment_milestone(request: HttpRequest, response: HttpResponse, payment_id: Id):
    payment = payment_policy.get(request.user, queryset=selectors.payments_for(request.user), pk=payment_id)
    with_etag(response, payment)
    return payment


@router.patch("/payment-milestones/{payment_id}", response=PaymentOut, openapi_extra=IF_MATCH)
def update_payment_milestone(request: HttpRequest, response: HttpResponse, payment_id: Id, payload: PaymentPatch):
    payment = payment_policy.get(request.user, queryset=selectors.payments_for(request.user), pk=payment_id)
    payment = services.payment_update(actor=request.user, payment=payment, expected_version=expected_version(request),
                                      **payload.model_dump(exclude_unset=True))
    with_etag(response, payment)
    return payment


@router.delete("/payment-milestones/{payment_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_payment_milestone(request: HttpRequest, payment_id: Id):
    payment = payment_policy.get(request.user, pk=payment_id)
    services.payment_delete(actor=request.user, payment=payment, expected_version=expected_version(request))
    return Status(204, None)
