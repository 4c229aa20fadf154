"""Governance in the notifications app (``pmo.notifications.registry``): the "gate review coming" provider, the
"decision waiting for you" kind (sent when a gate review is scheduled and swept by the periodic tick for every
item waiting for a Steering Committee), and gate reviews in each user's iCal feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from pmo.accounts.models import Membership, Role, User
from pmo.notifications.registry import Event, FeedItem, register_feed_source, register_kind, register_provider

from .models import GateReview, GateReviewStatus
from .selectors import decisions_waiting_for, reviews_for

REVIEW_COMING = "governance.gate_review_coming"
DECISION_WAITING = "governance.decision_waiting"
#: days before a gate review its "coming" notice goes out
COMING_DAYS = 7


def committee_of(program_id: int) -> list[int]:
    return list(Membership.objects.filter(role=Role.STEERING_COMMITTEE, program_id=program_id)
                .values_list("user_id", flat=True))


def reviews_coming(now: datetime) -> Iterable[Event]:
    """Gate reviews in the next week: the committee and the program's managers are told once per review."""
    today = timezone.localdate(now)
    rows = (GateReview.objects.filter(status=GateReviewStatus.SCHEDULED, scheduled_for__gte=today,
                                      scheduled_for__lte=today + timedelta(days=COMING_DAYS))
            .select_related("gate__program", "gate__project").order_by("scheduled_for", "pk")[:500])
    for review in rows:
        gate = review.gate
        people = set(committee_of(gate.program_id)) | set(Membership.objects.filter(
            role__in=(Role.PROGRAM_MANAGER, Role.PMO_COORDINATOR), program_id=gate.program_id)
            .values_list("user_id", flat=True))
        if gate.project_id and gate.project.project_manager_id:
            people.add(gate.project.project_manager_id)
        yield Event(kind=REVIEW_COMING, recipients=people, subject=f"Gate review on {review.scheduled_for}: {gate}",
                    body="The criteria and their evidence are on the gate's page.", url=review.get_absolute_url(),
                    dedupe_key=f"review:{review.pk}:{review.scheduled_for}", program=gate.program,
                    project=gate.project)


def decisions_waiting(now: datetime) -> Iterable[Event]:  # noqa: ARG001 - the tick's signature
    """Each Steering Committee member is told once of every item waiting for their decision."""
    members = User.objects.filter(is_active=True, memberships__role=Role.STEERING_COMMITTEE).distinct()
    for member in members[:1000]:
        for pending in decisions_waiting_for(member):
            yield Event(kind=DECISION_WAITING, recipients=[member], subject=f"Waiting for your decision: "
                        f"{pending.kind_label.lower()} {pending.label}", body=pending.title, url=pending.url,
                        dedupe_key=f"{pending.kind}:{pending.label}", program=pending.program_id)


def review_feed(user, start: date, end: date) -> Iterable[FeedItem]:
    rows = reviews_for(user).filter(scheduled_for__gte=start, scheduled_for__lte=end).order_by("scheduled_for")
    for review in rows[:500]:
        yield FeedItem(uid=f"gate-review-{review.pk}", summary=f"Gate review: {review.gate}",
                       start=review.scheduled_for, url=review.get_absolute_url(),
                       description=review.get_verdict_display() if review.verdict else "", categories=("Governance",))


def register() -> None:
    register_kind(REVIEW_COMING, "A gate review is coming", description="a week before a stage gate's review")
    register_kind(DECISION_WAITING, "A decision waits for you",
                  description="Steering Committee: a gate review, budget change, escalation or change request")
    register_provider(REVIEW_COMING, reviews_coming)
    register_provider(DECISION_WAITING, decisions_waiting)
    register_feed_source("governance.gate_reviews", review_feed)
