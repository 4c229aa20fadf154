"""``/api/v1/vendors``, ``/contracts``, ``/payment-milestones``, ``/purchase-orders``, ``/purchase-order-lines``
and ``/invoices`` (with ``approve``, ``pay`` and ``reject``) (conventions in pmo.core.api).

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
from pmo.finance.models import Category
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .models import ContractKind, ContractStatus, InvoiceStatus, OrderStatus, PaymentStatus, VendorStatus
from .policies import contract_policy, invoice_policy, line_policy, order_policy, payment_policy, vendor_policy

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

    @staticmethod
    def resolve_payments_total(obj) -> Decimal:
        return selectors.cents(obj.payments_total)
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


# --- purchase orders and lines -----------------------------------------------------------------------------

#: lines one order may be created with (a register entry, not an import)
MAX_LINES = 200


class LineOut(Schema):
    id: int
    order: int = Field(..., alias="order_id")
    budget_line: int = Field(..., alias="budget_line_id")
    category: Category = Field(..., alias="budget_line.category")
    description: str
    amount: Decimal
    matched: Decimal = Field(..., description="approved and paid invoices")
    paid: Decimal
    remaining: Decimal = Field(..., description="amount - matched (negative when approved above the line)")
    version: int

    @staticmethod
    def resolve_matched(obj) -> Decimal:
        return selectors.cents(obj.matched)

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return selectors.cents(obj.paid)


class LineIn(Input):
    budget_line: Id = Field(..., description="a finance budget line of the order's project")
    description: str = Field(..., min_length=1, max_length=200)
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class LineCreate(LineIn):
    order: Id


class LinePatch(Input):
    budget_line: Id = None
    description: str = Field(None, min_length=1, max_length=200)
    amount: Decimal = Field(None, gt=0, max_digits=14, decimal_places=2)


class OrderOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int = Field(..., alias="project_id")
    vendor: int = Field(..., alias="vendor_id")
    contract: int | None = Field(None, alias="contract_id")
    title: str
    issued_on: date
    status: OrderStatus
    description: str
    currency: str
    total: Decimal
    paid_total: Decimal
    version: int

    @staticmethod
    def resolve_total(obj) -> Decimal:
        return selectors.cents(obj.total)

    @staticmethod
    def resolve_paid_total(obj) -> Decimal:
        return selectors.cents(obj.paid_total)
    created_at: datetime
    updated_at: datetime


class OrderPatch(Input):
    vendor: Id = None
    contract: Id | None = None
    title: str = Field(None, min_length=1, max_length=200)
    issued_on: Day = None
    status: OrderStatus = None
    description: str = Field(None, max_length=5000)


class OrderCreate(Input):
    project: Id
    vendor: Id
    contract: Id | None = None
    title: str = Field(..., min_length=1, max_length=200)
    issued_on: Day
    description: str = Field("", max_length=5000)
    lines: list[LineIn] = Field([], max_length=MAX_LINES)


class OrderFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    vendor: Id | None = None
    status: OrderStatus | None = None
    q: str | None = Field(None, max_length=200, description="search in title and vendor name")


def _order(request, order_id: int):
    return order_policy.get(request.user, queryset=selectors.orders_for(request.user), pk=order_id)


@router.get("/purchase-orders", response=list[OrderOut])
@paginate(Pagination)
def list_purchase_orders(request: HttpRequest, filters: Query[OrderFilter]):
    orders = selectors.search_orders(selectors.orders_for(request.user), filters.q).order_by("-issued_on", "pk")
    for name in ("program", "project", "vendor"):
        if getattr(filters, name) is not None:
            orders = orders.filter(**{f"{name}_id": getattr(filters, name)})
    return orders.filter(status=filters.status) if filters.status else orders


@router.post("/purchase-orders", response={201: OrderOut})
def create_purchase_order(request: HttpRequest, response: HttpResponse, payload: OrderCreate):
    """An open order of a project with its lines, each charged to a budget line of that project (all or nothing)."""
    data = payload.model_dump(exclude_unset=True)
    scope = _scope(request, data)
    order = services.order_create(actor=request.user, **scope, **data)
    order = _order(request, order.pk)
    with_etag(response, order)
    return Status(201, order)


@router.get("/purchase-orders/{order_id}", response=OrderOut)
def get_purchase_order(request: HttpRequest, response: HttpResponse, order_id: Id):
    order = _order(request, order_id)
    with_etag(response, order)
    return order


@router.patch("/purchase-orders/{order_id}", response=OrderOut, openapi_extra=IF_MATCH)
def update_purchase_order(request: HttpRequest, response: HttpResponse, order_id: Id, payload: OrderPatch):
    """Change an order, or close or cancel it (``status``): a closed or cancelled order commits nothing."""
    order = _order(request, order_id)
    services.order_update(actor=request.user, order=order, expected_version=expected_version(request),
                          **payload.model_dump(exclude_unset=True))
    order = _order(request, order_id)
    with_etag(response, order)
    return order


@router.delete("/purchase-orders/{order_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_purchase_order(request: HttpRequest, order_id: Id):
    """Delete an order without invoices (422 otherwise: close or cancel it)."""
    order = order_policy.get(request.user, pk=order_id)
    services.order_delete(actor=request.user, order=order, expected_version=expected_version(request))
    return Status(204, None)


def _line(request, line_id: int):
    return line_policy.get(request.user, queryset=selectors.lines_for(request.user), pk=line_id)


@router.get("/purchase-order-lines", response=list[LineOut])
@paginate(Pagination)
def list_purchase_order_lines(request: HttpRequest, order: Id | None = None):
    lines = selectors.lines_for(request.user).order_by("order_id", "pk")
    return lines.filter(order_id=order) if order is not None else lines


@router.post("/purchase-order-lines", response={201: LineOut})
def create_purchase_order_line(request: HttpRequest, response: HttpResponse, payload: LineCreate):
    data = payload.model_dump()
    order = order_policy.visible(request.user).filter(pk=data.pop("order")).first()
    if order is None:
        raise ValidationError({"order": f"no purchase order with id {payload.order}"})
    line = services.order_line_create(actor=request.user, order=order, **data)
    line = _line(request, line.pk)
    with_etag(response, line)
    return Status(201, line)


@router.get("/purchase-order-lines/{line_id}", response=LineOut)
def get_purchase_order_line(request: HttpRequest, response: HttpResponse, line_id: Id):
    line = _line(request, line_id)
    with_etag(response, line)
    return line


@router.patch("/purchase-order-lines/{line_id}", response=LineOut, openapi_extra=IF_MATCH)
def update_purchase_order_line(request: HttpRequest, response: HttpResponse, line_id: Id, payload: LinePatch):
    line = _line(request, line_id)
    services.order_line_update(actor=request.user, line=line, expected_version=expected_version(request),
                               **payload.model_dump(exclude_unset=True))
    line = _line(request, line_id)
    with_etag(response, line)
    return line


@router.delete("/purchase-order-lines/{line_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_purchase_order_line(request: HttpRequest, line_id: Id):
    line = line_policy.get(request.user, pk=line_id)
    services.order_line_delete(actor=request.user, line=line, expected_version=expected_version(request))
    return Status(204, None)


# --- invoices ------------------------------------------------------------------------------------------

class InvoiceOut(Schema):
    id: int
    ref: str
    line: int = Field(..., alias="line_id")
    order: int = Field(..., alias="line.order_id")
    number: str
    invoice_date: date
    amount: Decimal
    description: str
    status: InvoiceStatus
    approved_by: int | None = Field(None, alias="approved_by_id")
    approved_at: datetime | None
    excess: Decimal | None = Field(None, description="how far it was approved above its PO line")
    excess_reason: str
    paid_on: date | None
    paid_by: int | None = Field(None, alias="paid_by_id")
    cost_entry: int | None = Field(None, alias="cost_entry_id", description="the actual cost recorded in finance")
    rejection_reason: str
    version: int
    created_at: datetime
    updated_at: datetime


class InvoicePatch(Input):
    number: str = Field(None, min_length=1, max_length=60)
    invoice_date: Day = None
    amount: Decimal = Field(None, gt=0, max_digits=14, decimal_places=2)
    description: str = Field(None, max_length=200)


class InvoiceCreate(InvoicePatch):
    line: Id = Field(..., description="the PO line the invoice is matched to")
    number: str = Field(..., min_length=1, max_length=60)
    invoice_date: Day
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class ApproveIn(Input):
    excess_reason: str = Field("", max_length=2000,
                               description="required when the invoice is above what remains of its PO line")


class PayIn(Input):
    paid_on: Day | None = None


class RejectIn(Input):
    reason: str = Field(..., min_length=1, max_length=2000)


class InvoiceFilter(Schema):
    order: Id | None = None
    line: Id | None = None
    status: InvoiceStatus | None = None
    q: str | None = Field(None, max_length=200, description="search in the vendor's number and vendor name")


def _invoice(request, invoice_id: int):
    return invoice_policy.get(request.user, queryset=selectors.invoices_for(request.user), pk=invoice_id)


@router.get("/invoices", response=list[InvoiceOut])
@paginate(Pagination)
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilter]):
    invoices = selectors.search_invoices(selectors.invoices_for(request.user), filters.q).order_by(
        "-invoice_date", "pk")
    if filters.order is not None:
        invoices = invoices.filter(line__order_id=filters.order)
    if filters.line is not None:
        invoices = invoices.filter(line_id=filters.line)
    return invoices.filter(status=filters.status) if filters.status else invoices


@router.post("/invoices", response={201: InvoiceOut})
def create_invoice(request: HttpRequest, response: HttpResponse, payload: InvoiceCreate):
    """Record a vendor's invoice against a PO line (status ``received``)."""
    data = payload.model_dump(exclude_unset=True)
    line = line_policy.visible(request.user).filter(pk=data.pop("line")).select_related("order__vendor").first()
    if line is None:
        raise ValidationError({"line": f"no purchase order line with id {payload.line}"})
    invoice = services.invoice_create(actor=request.user, line=line, **data)
    with_etag(response, invoice)
    return Status(201, invoice)


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request: HttpRequest, response: HttpResponse, invoice_id: Id):
    invoice = _invoice(request, invoice_id)
    with_etag(response, invoice)
    return invoice


@router.patch("/invoices/{invoice_id}", response=InvoiceOut, openapi_extra=IF_MATCH)
def update_invoice(request: HttpRequest, response: HttpResponse, invoice_id: Id, payload: InvoicePatch):
    """Correct a received invoice (an approved, paid or rejected one is final)."""
    invoice = services.invoice_update(actor=request.user, invoice=_invoice(request, invoice_id),
                                      expected_version=expected_version(request),
                                      **payload.model_dump(exclude_unset=True))
    with_etag(response, invoice)
    return invoice


@router.delete("/invoices/{invoice_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_invoice(request: HttpRequest, invoice_id: Id):
    """Delete an invoice recorded by mistake (received only)."""
    services.invoice_delete(actor=request.user, invoice=_invoice(request, invoice_id),
                            expected_version=expected_version(request))
    return Status(204, None)


@router.post("/invoices/{invoice_id}/approve", response=InvoiceOut, openapi_extra=IF_MATCH)
def approve_invoice(request: HttpRequest, response: HttpResponse, invoice_id: Id, payload: ApproveIn):
    """Approve a received invoice. Above what remains of its PO line: 422 naming the line and the excess unless
    ``excess_reason`` is given, and then only the Program Manager of the program or the PMO Director (403)."""
    invoice = services.invoice_approve(actor=request.user, invoice=_invoice(request, invoice_id),
                                       expected_version=expected_version(request),
                                       excess_reason=payload.excess_reason)
    with_etag(response, invoice)
    return invoice


@router.post("/invoices/{invoice_id}/pay", response=InvoiceOut, openapi_extra=IF_MATCH)
def pay_invoice(request: HttpRequest, response: HttpResponse, invoice_id: Id, payload: PayIn):
    """Mark an approved invoice paid (``paid_on``, default today); its actual cost entry is recorded in finance
    in the same transaction."""
    invoice = services.invoice_pay(actor=request.user, invoice=_invoice(request, invoice_id),
                                   expected_version=expected_version(request), paid_on=payload.paid_on)
    with_etag(response, invoice)
    return invoice


@router.post("/invoices/{invoice_id}/reject", response=InvoiceOut, openapi_extra=IF_MATCH)
def reject_invoice(request: HttpRequest, response: HttpResponse, invoice_id: Id, payload: RejectIn):
    invoice = services.invoice_reject(actor=request.user, invoice=_invoice(request, invoice_id),
                                      expected_version=expected_version(request), reason=payload.reason)
    with_etag(response, invoice)
    return invoice
