"""The apps' time-based events, end to end: the tick notifies the right people (scope, preferences) once, and the
e-mails reach the SMTP server and the communication log."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from pmo.finance.models import BudgetChange
from pmo.notifications import services, tasks
from pmo.notifications.models import Channel, Delivery, DeliveryChannel, DeliveryState, Notification
from pmo.raid.models import Escalation, Risk, RiskAction
from pmo.stakeholders.models import EngagementAction, Stakeholder

from ..documents.matrix import make_document
from ..procurement.matrix import make_items as procurement_items


def _who(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_every_app_event_reaches_the_right_people_once(world, smtp, settings):
    settings.PMO_DIGEST_HOUR = 23
    users = world.users
    yesterday = timezone.localdate() - timedelta(days=1)
    risk = Risk.objects.create(program=world.program_a, project=world.project_a1, title="Vendor late", probability=4,
                               impact=4, score=16, rating="critical", escalation_level="steering")
    RiskAction.objects.create(risk=risk, description="Chase the vendor", owner=users["project_manager"],
                              due=yesterday)
    other = Risk.objects.create(program=world.program_b, project=world.project_b1, title="B risk", probability=2,
                                impact=2, score=4, rating="low", escalation_level="project")
    RiskAction.objects.create(risk=other, description="Out of scope action", owner=users["project_manager"],
                              due=yesterday)  # the PM cannot see program B: not notified
    Escalation.objects.create(program=world.program_a, risk=risk, from_level="program", to_level="steering",
                              reason="score 16", escalated_at=timezone.now(), escalated_by=users["program_manager"])
    stakeholder = Stakeholder.objects.create(program=world.program_a, name="Works council", influence=4, interest=5)
    EngagementAction.objects.create(stakeholder=stakeholder, title="Brief the council", owner=users["coordinator"],
                                    due=yesterday)
    items = procurement_items(world.project_a1)
    invoice = items["invoice"]
    invoice.amount = Decimal("20000.00")  # the line has 12,000, 3,000 of it approved
    invoice.save()
    BudgetChange.objects.create(budget=items["budget_line"].budget, amount=Decimal("90000"), reason="scope growth",
                                status="awaiting_steering", approved_before=Decimal("500000"),
                                approved_after=Decimal("500000"))
    document = make_document(world.project_a1, users["director"])
    document.owner, document.review_date = users["coordinator"], timezone.localdate() + timedelta(days=3)
    document.save()
    services.preference_set(actor=users["program_manager"], kind="procurement.invoice_excess", channel=Channel.OFF)

    done = tasks.run_tick()
    assert _who("raid.action_assigned") == ["project_manager"]
    assert _who("raid.action_overdue") == ["project_manager"]
    assert _who("raid.escalation") == ["steering"]
    assert _who("stakeholders.action_assigned") == ["coordinator"]
    assert _who("stakeholders.action_overdue") == ["coordinator"]
    assert _who("procurement.invoice_excess") == ["director"]  # the Program Manager turned it off
    assert _who("finance.budget_change_steering") == ["steering"]
    assert _who("documents.review_due") == ["coordinator"]  # default: daily digest
    assert done["notifications"] >= 8  # the apps above may add their own (governance: decisions waiting)

    services.deliver_due()
    emailed = sorted(a for rcpts, _ in smtp.messages for a in rcpts)
    assert emailed == ["coordinator@example.com", "coordinator@example.com", "director@example.com",
                       "project_manager@example.com", "project_manager@example.com", "steering@example.com",
                       "steering@example.com"]
    assert Delivery.objects.filter(channel=DeliveryChannel.EMAIL, state=DeliveryState.SENT).count() == 7

    Delivery.objects.all().delete()
    later = timezone.now() + timedelta(seconds=settings.PMO_NOTIFY_TICK_SECONDS + 1)
    assert tasks.run_tick(later)["notifications"] == 0  # once per dedupe key, however many ticks
