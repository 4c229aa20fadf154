"""Purchase orders and invoices: lines on the project's own budget lines, approval above a PO line (who and why),
payment recording the actual cost in finance in the same transaction, open amounts as finance's commitments,
bad input refused naming the field with nothing written, and constant query counts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.models import AuditEvent
from pmo.finance.commitments import commitments_by_project
from pmo.finance.models import Budget, BudgetLine, CostEntry
from pmo.procurement.models import Invoice, PurchaseOrder, PurchaseOrderLine

from ..conftest import client_for
from .matrix import make_items


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


def _state():
    return (PurchaseOrder.objects.count(), PurchaseOrderLine.objects.count(), CostEntry.objects.count(),
            list(Invoice.objects.order_by("pk").values_list("status", "version")), AuditEvent.objects.count())


@pytest.fixture
def items(world):
    return make_items(world.project_a1)


def _etag(obj) -> dict:
    obj.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{obj.version}"'}


def test_a_po_line_on_another_projects_budget_line_is_refused(world, items):
    other = make_items(world.project_b1, vendor_name="Vendor of B")
    a2_budget = Budget.objects.create(key=f"project:{world.project_a2.pk}", level="project",
                                      program=world.program_a, project=world.project_a2)
    a2_line = BudgetLine.objects.create(budget=a2_budget, category="travel", month=date(2026, 6, 1),
                                        amount=Decimal("100.00"))
    client = client_for(world, "program_manager")
    before = _state()
    for budget_line, message in ((a2_line.pk, "belongs to PA-2, not to PA-1"),
                                 (other["budget_line"].pk, f"no budget line with id {other['budget_line'].pk}")):
        response = _api(client, "POST", "/api/v1/purchase-order-lines", {
            "order": items["order"].pk, "budget_line": budget_line, "description": "x", "amount": "10.00"})
        assert response.status_code == 422, response.content
        entry = response.json()["detail"][0]
        assert entry["loc"][-1] == "budget_line" and message in entry["msg"], entry
    # within an order created with its lines: all or nothing, the line named by its index
    response = _api(client, "POST", "/api/v1/purchase-orders", {
        "project": world.project_a1.pk, "vendor": items["vendor"].pk, "title": "T", "issued_on": "2026-05-04",
        "lines": [{"budget_line": items["budget_line"].pk, "description": "ok", "amount": "5.00"},
                  {"budget_line": a2_line.pk, "description": "bad", "amount": "5.00"}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "lines[1].budget_line"
    assert _state() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "-5.00"}, "amount"), ({"amount": "five"}, "amount"), ({"amount": "0"}, "amount"),
    ({"amount": "1.001"}, "amount"), ({"line": 10**12}, "line"), ({"invoice_date": "30.04.2026"}, "invoice_date"),
])
def test_bad_invoice_input(world, items, body, field):
    before = _state()
    response = _api(client_for(world, "project_manager"), "POST", "/api/v1/invoices", {
        "line": items["line"].pk, "number": "NV-9", "invoice_date": "2026-04-30", "amount": "10.00"} | body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    assert _state() == before


def test_invoice_above_its_po_line_needs_the_program_manager_and_a_reason(world, items):
    """Line 12,000.00; approved 3,000.00 (fixture), so 9,000.00 remain: a 9,000.01 invoice is 0.01 above."""
    invoice = items["invoice"]
    Invoice.objects.filter(pk=invoice.pk).update(amount=Decimal("9000.01"))
    url = f"/api/v1/invoices/{invoice.pk}/approve"
    before = _state()
    # the project manager may approve invoices, but not this one: without a reason, 422 naming line and excess
    response = _api(client_for(world, "project_manager"), "POST", url, {}, **_etag(invoice))
    assert response.status_code == 422
    entry = response.json()["detail"][0]
    assert entry["loc"][-1] == "excess_reason"
    assert f"0.01 above the remaining 9,000.00 of PO-{items['order'].pk} line {items['line'].pk}" in entry["msg"]
    # with a reason still 403: only the program manager or the director
    response = _api(client_for(world, "project_manager"), "POST", url, {"excess_reason": "scope grew"},
                    **_etag(invoice))
    assert response.status_code == 403 and "0.01 above" in response.json()["detail"]
    assert _state() == before
    # the program manager without a reason: 422 too; stale version: 412
    assert _api(client_for(world, "program_manager"), "POST", url, {}, **_etag(invoice)).status_code == 422
    assert _api(client_for(world, "program_manager"), "POST", url, {"excess_reason": "x"},
                HTTP_IF_MATCH='"99"').status_code == 412
    assert _api(client_for(world, "program_manager"), "POST", url, {"excess_reason": "x"}).status_code == 428
    assert _state() == before
    response = _api(client_for(world, "program_manager"), "POST", url,
                    {"excess_reason": "Two extra workshop days agreed in the steering meeting"}, **_etag(invoice))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "approved" and Decimal(data["excess"]) == Decimal("0.01")
    assert data["approved_by"] == world.users["program_manager"].pk and data["excess_reason"].startswith("Two")
    event = AuditEvent.objects.filter(object_id=str(invoice.pk), action="approve").get()
    assert event.after["excess_reason"].startswith("Two") and event.actor == world.users["program_manager"]
    line = _api(client_for(world, "analyst"), "GET", f"/api/v1/purchase-order-lines/{items['line'].pk}").json()
    assert Decimal(line["remaining"]) == Decimal("-0.01") and Decimal(line["matched"]) == Decimal("12000.01")


def test_within_the_line_the_project_manager_approves(world, items):
    invoice = items["invoice"]  # 4,000.00 of the 9,000.00 remaining
    response = _api(client_for(world, "project_manager"), "POST", f"/api/v1/invoices/{invoice.pk}/approve", {},
                    **_etag(invoice))
    assert response.status_code == 200 and response.json()["excess"] is None


def test_paying_records_the_actual_cost_in_the_same_transaction(world, items):
    approved = items["approved"]
    response = _api(client_for(world, "project_manager"), "POST", f"/api/v1/invoices/{approved.pk}/pay",
                    {"paid_on": "2026-04-15"}, **_etag(approved))
    assert response.status_code == 200, response.content
    entry = CostEntry.objects.get(pk=response.json()["cost_entry"])
    assert (entry.project_id, entry.amount, entry.category, entry.source, entry.date) == (
        world.project_a1.pk, Decimal("3000.00"), "services", "invoice", date(2026, 4, 15))
    assert approved.number in entry.reference
    # paying again is refused; a closed project refuses the cost, and then nothing is paid
    assert _api(client_for(world, "director"), "POST", f"/api/v1/invoices/{approved.pk}/pay", {},
                **_etag(approved)).status_code == 422
    invoice = items["invoice"]
    _api(client_for(world, "director"), "POST", f"/api/v1/invoices/{invoice.pk}/approve", {}, **_etag(invoice))
    type(world.project_a1).objects.filter(pk=world.project_a1.pk).update(status="completed")
    before = _state()
    response = _api(client_for(world, "director"), "POST", f"/api/v1/invoices/{invoice.pk}/pay", {}, **_etag(invoice))
    assert response.status_code == 422 and "closed project" in response.json()["detail"][0]["msg"]
    assert _state() == before


def test_open_po_amounts_are_finances_commitments(world, items):
    """Line 12,000.00 with 3,000.00 approved and nothing paid: 12,000.00 committed (services, PA-1); paying the
    3,000.00 leaves 9,000.00; a closed order commits nothing. Checked against the rows summed by hand."""
    project = world.project_a1.pk
    assert commitments_by_project([project]) == {project: {"services": Decimal("12000.00")}}
    approved = items["approved"]
    _api(client_for(world, "director"), "POST", f"/api/v1/invoices/{approved.pk}/pay", {"paid_on": "2026-04-15"},
         **_etag(approved))
    hand = sum(line.amount for line in PurchaseOrderLine.objects.filter(order__project_id=project)) - sum(
        i.amount for i in Invoice.objects.filter(line__order__project_id=project, status="paid"))
    assert commitments_by_project([project])[project]["services"] == hand == Decimal("9000.00")
    order = items["order"]
    _api(client_for(world, "director"), "PATCH", f"/api/v1/purchase-orders/{order.pk}", {"status": "closed"},
         **_etag(order))
    assert commitments_by_project([project]) == {}


def test_inbox_shows_what_waits_for_each_user(world, items):
    Invoice.objects.filter(pk=items["invoice"].pk).update(amount=Decimal("9500.00"))  # above the line
    pm = client_for(world, "program_manager").get("/procurement/inbox/").content.decode()
    projm = client_for(world, "project_manager").get("/procurement/inbox/").content.decode()
    steering = client_for(world, "steering").get("/procurement/inbox/").content.decode()
    ref = f"INV-{items['invoice'].pk}<"
    assert ref in pm and "500.00" in pm  # the program manager approves it, 500.00 above the line
    assert ref not in projm  # above the line: not the project manager's to approve
    assert f"INV-{items['approved'].pk}<" in projm  # but the approved one waits for payment
    assert "Nothing to approve." in steering and "Nothing to pay." in steering
    page = client_for(world, "project_manager").get(f"/procurement/invoices/{items['invoice'].pk}/").content.decode()
    assert "Waiting for the Program Manager of PA" in page


def test_page_actions_report_refusals_and_write_nothing(world, items):
    Invoice.objects.filter(pk=items["invoice"].pk).update(amount=Decimal("9500.00"))
    client = client_for(world, "program_manager")
    before = _state()
    response = client.post(f"/procurement/invoices/{items['invoice'].pk}/approve/", {"version": 1}, follow=True)
    assert "500.00 above the remaining 9,000.00" in response.content.decode()
    assert _state() == before
    response = client.post(f"/procurement/orders/{items['order'].pk}/invoices/", {
        "line": items["line"].pk, "number": "NV-5", "invoice_date": "2026-05-01", "amount": "-1"})
    assert response.status_code == 422 and 'id="id_amount_error"' in response.content.decode()
    assert _state() == before


def _grow(world, items, n: int):
    lines = PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=items["order"], budget_line=items["budget_line"], description=f"L{k}",
                          amount=Decimal(100)) for k in range(n))
    orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(program=world.program_a, project=world.project_a1, vendor=items["vendor"], title=f"O{k}",
                      issued_on=date(2026, 5, 1)) for k in range(n))
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=o, budget_line=items["budget_line"], description="x", amount=Decimal(5))
        for o in orders)
    Invoice.objects.bulk_create(Invoice(line=line, number=f"B{line.pk}", invoice_date=date(2026, 5, 2),
                                        amount=Decimal(1), status=("received", "approved", "paid")[line.pk % 3])
                                for line in lines)


PAGES = ["/procurement/?tab=orders", "/procurement/?tab=invoices&sort=-amount", "/procurement/inbox/",
         "/procurement/orders/{order}/", "/procurement/order-lines/{line}/", "/procurement/invoices/{invoice}/",
         "/procurement/export/?tab=orders", "/procurement/export/?tab=invoices", "/api/v1/purchase-orders",
         "/api/v1/purchase-order-lines", "/api/v1/invoices", "/procurement/vendors/{vendor}/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["director", "project_manager"])
def test_query_count_independent_of_rows(world, items, page, role):
    client = client_for(world, role)
    url = page.format(**{k: v.pk for k, v in items.items()})
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _grow(world, items, 40)
    assert count() == few, page
