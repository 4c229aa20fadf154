"""Vendors, contracts and payment milestones: rules, bad input (4xx naming the field, nothing written), pages,
export and query counts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.models import AuditEvent
from pmo.planning.models import Task
from pmo.procurement import services
from pmo.procurement.models import Contract, PaymentMilestone, Vendor

from ..conftest import client_for
from .matrix import make_items


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


def _nothing_written(before: tuple) -> None:
    assert (Vendor.objects.count(), Contract.objects.count(), PaymentMilestone.objects.count(),
            AuditEvent.objects.count()) == before


def _state():
    return (Vendor.objects.count(), Contract.objects.count(), PaymentMilestone.objects.count(),
            AuditEvent.objects.count())


@pytest.fixture
def items(world):
    return make_items(world.project_a1)


CONTRACT = {"vendor": None, "title": "Cloud licences", "kind": "fixed_price", "value": "25000.00",
            "start": "2026-03-02", "end": "2026-12-31"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("value", "-5.00", "greater than or equal to 0"),
    ("value", "lots", "decimal"),
    ("value", "10.005", "decimal places"),
    ("end", "2026-01-01", "before the start"),
    ("vendor", 999999, "no vendor with id 999999"),
    ("project", None, "no project with id"),
])
def test_bad_contract_input_is_refused_naming_the_field(world, items, field, value, message):
    client = client_for(world, "program_manager")
    body = CONTRACT | {"vendor": items["vendor"].pk, "project": world.project_a1.pk}
    body[field] = world.project_b1.pk if field == "project" else value
    before = _state()
    response = _api(client, "POST", "/api/v1/contracts", body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(entry["loc"][-1] == field and message in entry["msg"] for entry in detail), detail
    _nothing_written(before)


def test_blocked_vendor_gets_no_new_contract(world, items):
    Vendor.objects.filter(pk=items["vendor"].pk).update(status="blocked")
    before = _state()
    response = _api(client_for(world, "director"), "POST", "/api/v1/contracts",
                    CONTRACT | {"vendor": items["vendor"].pk, "project": world.project_a1.pk})
    assert response.status_code == 422
    assert "blocked" in response.json()["detail"][0]["msg"]
    _nothing_written(before)


def test_payments_never_exceed_the_contract_value(world, items):
    """100,000 contract with 20,000 agreed: 80,000 more fits to the cent, 80,000.01 does not (and says by how much)."""
    client = client_for(world, "project_manager")
    body = {"contract": items["contract"].pk, "task": items["milestone"].pk, "name": "Rest", "amount": "80000.01"}
    before = _state()
    response = _api(client, "POST", "/api/v1/payment-milestones", body)
    assert response.status_code == 422
    message = response.json()["detail"][0]
    assert message["loc"][-1] == "amount" and "0.01 more than its value 100,000.00" in message["msg"], message
    _nothing_written(before)
    response = _api(client, "POST", "/api/v1/payment-milestones", body | {"amount": "80000.00"})
    assert response.status_code == 201, response.content
    assert response.json()["agreed_date"] == "2026-04-10"  # the milestone's date when agreed
    # lowering the contract value below its payments is refused too
    contract = Contract.objects.get(pk=items["contract"].pk)
    response = _api(client, "PATCH", f"/api/v1/contracts/{contract.pk}", {"value": "99999.99"},
                    HTTP_IF_MATCH=f'"{contract.version}"')
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "value"


@pytest.mark.parametrize("case", ["not_milestone", "other_project", "invisible", "negative", "zero", "text"])
def test_bad_payment_input(world, items, case):
    client = client_for(world, "project_manager")
    body = {"contract": items["contract"].pk, "task": items["milestone"].pk, "name": "Pay", "amount": "10.00"}
    if case == "not_milestone":
        body["task"] = Task.objects.create(project=world.project_a1, name="Build", duration=5).pk
    elif case == "other_project":
        body["task"] = Task.objects.create(project=world.project_a2, name="Gate", duration=0, is_milestone=True).pk
    elif case == "invisible":
        body["task"] = Task.objects.create(project=world.project_b1, name="Gate", duration=0, is_milestone=True).pk
    else:
        body["amount"] = {"negative": "-1.00", "zero": "0", "text": "ten"}[case]
    before = _state()
    response = _api(client, "POST", "/api/v1/payment-milestones", body)
    assert response.status_code == 422, response.content
    field = "task" if case in ("not_milestone", "other_project", "invisible") else "amount"
    assert response.json()["detail"][0]["loc"][-1] == field
    _nothing_written(before)


def test_other_users_contract_is_unknown_and_stale_versions_are_refused(world, items):
    other = make_items(world.project_b1, vendor_name="Far away vendor")
    client = client_for(world, "program_manager")
    body = {"contract": other["contract"].pk, "task": items["milestone"].pk, "name": "Pay", "amount": "10.00"}
    before = _state()
    assert _api(client, "POST", "/api/v1/payment-milestones", body).status_code == 422
    contract = items["contract"]
    assert _api(client, "PATCH", f"/api/v1/contracts/{contract.pk}", {"title": "x"},
                HTTP_IF_MATCH=f'"{contract.version + 1}"').status_code == 412
    assert _api(client, "PATCH", f"/api/v1/contracts/{contract.pk}", {"title": "x"}).status_code == 428
    _nothing_written(before)
    # a stale form is a 409 and writes nothing either
    response = client.post(f"/procurement/contracts/{contract.pk}/edit/", {
        "vendor": contract.vendor_id, "title": "Renamed", "kind": "fixed_price", "value": "100000.00",
        "start": "2026-02-02", "end": "2026-12-18", "status": "draft", "version": contract.version + 1})
    assert response.status_code == 409
    _nothing_written(before)


def test_page_form_names_the_bad_amount(world, items):
    client = client_for(world, "project_manager")
    before = _state()
    response = client.post(f"/procurement/contracts/{items['contract'].pk}/payments/", {
        "task": items["milestone"].pk, "name": "Pay", "amount": "-3", "status": "planned"})
    assert response.status_code == 422
    assert 'id="id_amount_error"' in response.content.decode()
    _nothing_written(before)


def test_vendors_are_the_directors_and_others_see_those_they_deal_with(world, items):
    lonely = Vendor.objects.create(name="Nobody's vendor")
    far = make_items(world.project_b1, vendor_name="Vendor of B")["vendor"]
    seen = {role: {v["name"] for v in _api(client_for(world, role), "GET", "/api/v1/vendors").json()["items"]}
            for role in ("director", "analyst", "program_manager", "project_manager", "steering")}
    assert seen["director"] == seen["analyst"] == {items["vendor"].name, lonely.name, far.name}
    for role in ("program_manager", "project_manager", "steering"):
        assert seen[role] == {items["vendor"].name}, role
    with pytest.raises(PermissionDenied):
        services.vendor_create(actor=world.users["program_manager"], name="Sneaky Ltd")
    # a vendor with contracts is blocked, not deleted
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.vendor_delete(actor=world.users["director"], vendor=items["vendor"],
                               expected_version=items["vendor"].version)


def test_contract_page_shows_payments_and_milestone_slip(world, items):
    """The milestone was agreed for 2026-04-03 and is scheduled on 2026-04-10: moved 7 days later."""
    Task.objects.filter(pk=items["milestone"].pk).update(finish=date(2026, 4, 3) + timedelta(days=7))
    response = client_for(world, "steering").get(f"/procurement/contracts/{items['contract'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Design acceptance payment" in html and "moved 7 days later" in html
    assert "Add a payment milestone" not in html and "bi-pencil" not in html  # steering reads
    editor = client_for(world, "project_manager").get(f"/procurement/contracts/{items['contract'].pk}/")
    assert "Add a payment milestone" in editor.content.decode()
    payment = PaymentMilestone.objects.get(pk=items["payment"].pk)
    assert payment.slip_days == 7
    Task.objects.filter(pk=items["milestone"].pk).update(finish=date(2026, 4, 1))
    payment = PaymentMilestone.objects.get(pk=items["payment"].pk)
    assert payment.slip_days == -2
    assert "moved 2 days earlier" in client_for(world, "director").get(
        f"/procurement/payments/{payment.pk}/").content.decode()


def test_excel_export_has_the_filtered_rows_typed(world, items):
    make_items(world.project_b1, vendor_name="Vendor of B")
    response = client_for(world, "analyst").get("/procurement/export/?tab=contracts&program=PA")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Ref", "Title", "Reference") and len(rows) == 2
    value = rows[1][rows[0].index("Value")]
    assert value == 100000 and rows[1][rows[0].index("Payments")] == 20000
    assert rows[1][rows[0].index("Start")].date() == date(2026, 2, 2)
    vendors = load_workbook(BytesIO(client_for(world, "project_manager").get(
        "/procurement/export/?tab=vendors").content)).active
    assert [r[0] for r in vendors.values] == ["Name", items["vendor"].name]


def _grow(world, n: int):
    vendors = Vendor.objects.bulk_create(Vendor(name=f"Bulk vendor {k}") for k in range(n))
    milestone = Task.objects.create(project=world.project_a1, name="M", duration=0, is_milestone=True,
                                    finish=date(2026, 6, 1))
    contracts = Contract.objects.bulk_create(
        Contract(program=world.program_a, project=world.project_a1 if k % 2 else None, vendor=vendors[k],
                 title=f"Contract {k}", value=Decimal(1000 * k), start=date(2026, 1, 1), end=date(2026, 12, 31))
        for k in range(n))
    PaymentMilestone.objects.bulk_create(PaymentMilestone(contract=c, task=milestone, name="P", amount=Decimal(1))
                                         for c in contracts)
    return contracts


PAGES = ["/procurement/", "/procurement/?tab=vendors", "/procurement/?sort=-payments&status=draft",
         "/procurement/export/?tab=contracts", "/procurement/export/?tab=vendors", "/api/v1/contracts",
         "/api/v1/vendors", "/api/v1/payment-milestones", "/procurement/contracts/{contract}/",
         "/procurement/vendors/{vendor}/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["director", "project_manager"])
def test_query_count_independent_of_rows(world, items, page, role):
    client = client_for(world, role)
    url = page.format(contract=items["contract"].pk, vendor=items["vendor"].pk)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _grow(world, 60)
    PaymentMilestone.objects.bulk_create(  # more payments on the page's own contract too
        PaymentMilestone(contract=items["contract"], task=items["milestone"], name="Extra", amount=Decimal("1.00"))
        for _ in range(30))
    assert count() == few, page


def test_demo_contracts_tell_their_story(db):
    from pmo.portfolio.demo import load_demo

    load_demo()
    counts = _state()[:3]
    assert counts[0] >= 5 and counts[1] >= 4 and counts[2] >= 8
    load_demo()
    assert _state()[:3] == counts
    assert Vendor.objects.get(name="Atlas Rack & Power").status == "blocked"
    iam = Contract.objects.get(title="Identity platform implementation")
    assert sum(p.amount for p in iam.payments.all()) == iam.value == Decimal("480000.00")
    from pmo.finance.models import CostEntry
    from pmo.procurement.models import Invoice
    from pmo.procurement.services import excess_of

    paid = Invoice.objects.filter(status="paid")
    assert paid.count() >= 3 and CostEntry.objects.filter(source="invoice").count() == paid.count()
    assert sum(i.amount for i in paid) == sum(e.amount for e in CostEntry.objects.filter(source="invoice"))
    waiting = list(Invoice.objects.filter(status="received").select_related("line"))
    above = {pk: x for pk, x in excess_of(waiting).items() if x}
    assert list(above.values()) == [Decimal("7500.00")]  # 79,500 against the 72,000 left of 168,000 after 96,000
